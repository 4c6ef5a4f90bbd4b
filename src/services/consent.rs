//! The presa in carico, the consent to job matching and the transfer of the CV to the job
//! portal as one use case (seed 001, V15): the consent decides whether a transfer may be
//! queued, and every change that leaves the citizen without a consent valid for the portal
//! cancels their queued transfers in the same transaction (`store::outbox`).

use super::orientation::not_future;
use crate::domain::FiscalCode;
use crate::domain::consent::JobMatchingConsent;
use crate::domain::libretto::check_optional_text;
use crate::domain::orientation::cv_obsolete;
use crate::error::AppError;
use crate::store::consent::{self, record_event};
use crate::store::orientation::{self as store, Intake, NewIntake, RecordUpdate};
use crate::store::outbox;
use crate::store::reference::{ReferenceData, SPECIAL_CATEGORY};
use crate::store::write::Actor;
use chrono::NaiveDate;
use entities::orientation;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

/// A first presa in carico, its fields checked.
pub struct IntakeRequest {
    taken_on: NaiveDate,
    office: Option<String>,
    consent_matching: bool,
    special_categories: Vec<String>,
    profiling_notes: Option<String>,
}

impl IntakeRequest {
    pub fn new(
        (actor, reference): (&Actor, &ReferenceData),
        taken_on: NaiveDate,
        office: Option<String>,
        consent_matching: bool,
        (special_categories, profiling_notes): (&[String], Option<String>),
        today: NaiveDate,
    ) -> Result<Self, AppError> {
        not_future("takenOn", taken_on, today)?;
        let office = actor.office("office", office)?;
        check_optional_text("profilingNotes", profiling_notes.as_deref(), 4000)?;
        let mut categories = Vec::new();
        for code in special_categories {
            let code = code.trim().to_owned();
            reference.check("specialCategories", SPECIAL_CATEGORY, &code, None, None)?;
            if !categories.contains(&code) {
                categories.push(code);
            }
        }
        Ok(IntakeRequest {
            taken_on,
            office,
            consent_matching,
            special_categories: categories,
            profiling_notes,
        })
    }
}

/// The presa in carico: creates the citizen's record (version 1) with the consent given or
/// not; a citizen who has one is taken in charge again with `record_new_intake`.
pub async fn record_intake(
    db: &DatabaseConnection,
    actor: &Actor,
    fiscal_code: &FiscalCode,
    request: IntakeRequest,
) -> Result<orientation::Model, AppError> {
    store::record_intake(
        db,
        actor,
        NewIntake {
            fiscal_code: fiscal_code.as_str().to_owned(),
            on: request.taken_on,
            office: request.office,
            consent_matching: request.consent_matching,
            special_categories: request.special_categories,
            profiling_notes: request.profiling_notes,
        },
    )
    .await
}

/// Cancels the queued transfers when `after` no longer allows them.
async fn cancel_if_refused(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    after: &JobMatchingConsent,
) -> Result<(), AppError> {
    if let Some(reason) = after.transfer_refusal() {
        outbox::cancel_queued(txn, fiscal_code, &reason).await?;
    }
    Ok(())
}

/// `setJobMatchingConsent`: gives or withdraws the consent after the intake. A consent given
/// now is recorded and in force, but not one given at the presa in carico: it does not allow
/// the transfer (V15). A withdrawal cancels the queued transfers.
pub async fn set_job_matching_consent(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    given: bool,
    on: NaiveDate,
) -> Result<orientation::Model, AppError> {
    let action = "setJobMatchingConsent";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            if current.consent_matching == given {
                return Err(AppError::bad_input(
                    "given",
                    format!(
                        "given: the consent to job matching is already {}",
                        if given { "given" } else { "not given" }
                    ),
                ));
            }
            let before = consent::of(current);
            let since = before.last_change();
            if on < since {
                return Err(AppError::bad_input(
                    "on",
                    format!("on: {on} is before the last consent change or the intake ({since})"),
                ));
            }
            record_event(txn, &current.id, given, on, false, actor).await?;
            let after = JobMatchingConsent {
                given,
                at_intake: false,
                given_on: if given { Some(on) } else { before.given_on },
                withdrawn_on: if given { None } else { Some(on) },
                ..before
            };
            cancel_if_refused(txn, &current.id, &after).await?;
            Ok(RecordUpdate {
                consent: Some(after),
                ..RecordUpdate::default()
            })
        },
    )
    .await
}

/// A new presa in carico of a citizen who has a record.
pub struct Retake {
    pub taken_on: NaiveDate,
    pub office: Option<String>,
    pub consent: bool,
}

impl Retake {
    pub fn new(
        actor: &Actor,
        taken_on: NaiveDate,
        office: Option<String>,
        consent: bool,
        today: NaiveDate,
    ) -> Result<Self, AppError> {
        not_future("takenOn", taken_on, today)?;
        Ok(Retake {
            taken_on,
            office: actor.office("office", office)?,
            consent,
        })
    }
}

/// `recordNewIntake`: the citizen is taken in charge again and says again whether they
/// consent; that answer is the consent of this presa in carico (the way to a transfer after
/// a consent withdrawn or given later). Without consent the queued transfers are cancelled.
pub async fn record_new_intake(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    retake: Retake,
) -> Result<orientation::Model, AppError> {
    let action = "recordNewIntake";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            consent::of(current).check_new_intake(retake.taken_on)?;
            record_event(
                txn,
                &current.id,
                retake.consent,
                retake.taken_on,
                true,
                actor,
            )
            .await?;
            let after = JobMatchingConsent {
                given: retake.consent,
                at_intake: retake.consent,
                given_on: retake.consent.then_some(retake.taken_on),
                withdrawn_on: None,
                intake_on: retake.taken_on,
            };
            cancel_if_refused(txn, &current.id, &after).await?;
            Ok(RecordUpdate {
                consent: Some(after),
                intake: Some(Intake {
                    on: retake.taken_on,
                    office: retake.office,
                    by: actor.subject().to_owned(),
                }),
                ..RecordUpdate::default()
            })
        },
    )
    .await
}

/// V15: queues the current CV for the portal (delivered by `crate::portal`, retried until the
/// portal accepts it, never twice). The consent must allow it; the CV must be current and
/// not obsolete. A transfer of the same CV still pending is not queued twice.
pub async fn transfer_cv_to_portal(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    today: NaiveDate,
) -> Result<orientation::Model, AppError> {
    let action = "transferCvToPortal";
    store::mutate(db, actor, fiscal_code.as_str(), version, action, async |txn, current| {
        consent::of(current).check_transfer(&current.id)?;
        let cv = store::current_cv(txn, &current.id).await?.ok_or_else(|| {
            AppError::bad_input(
                "cv",
                format!("cv: citizen {} has no CV to transfer", current.id),
            )
        })?;
        let uploaded_on = cv.uploaded_at.date_naive();
        if cv_obsolete(uploaded_on, today) {
            return Err(AppError::bad_input(
                "cv",
                format!(
                    "cv: the CV uploaded on {uploaded_on} is obsolete (older than 6 months, seed \
                     001); upload a current one"
                ),
            ));
        }
        outbox::queue(txn, &current.id, cv.id, actor).await?;
        Ok(RecordUpdate::default())
    })
    .await
}
