//! The consent to job matching in the store (seed 001, V15): the record's consent columns and
//! the `consent_event` history (recorded, never deleted), given at a presa in carico or
//! changed later. Every change that leaves the citizen without a consent valid for the portal
//! cancels their queued transfers in the same transaction (`outbox`).

use super::outbox;
use super::write::Actor;
use crate::domain::consent::JobMatchingConsent;
use crate::error::AppError;
use chrono::{NaiveDate, Utc};
use entities::{consent_event, orientation};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};

/// The consent as the record holds it.
pub fn of(record: &orientation::Model) -> JobMatchingConsent {
    JobMatchingConsent {
        given: record.consent_matching,
        at_intake: record.consent_at_intake,
        given_on: record.consent_on,
        withdrawn_on: record.consent_withdrawn_on,
        intake_on: record.intake_on,
    }
}

/// One event of the history; `at_intake` when a presa in carico records it.
pub async fn record_event(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    given: bool,
    on: NaiveDate,
    at_intake: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    consent_event::ActiveModel {
        fiscal_code: Set(fiscal_code.to_owned()),
        given: Set(given),
        at_intake: Set(at_intake),
        on_date: Set(on),
        at: Set(Utc::now()),
        by: Set(actor.subject().to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
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
pub async fn set(
    txn: &DatabaseTransaction,
    current: &orientation::Model,
    given: bool,
    on: NaiveDate,
    actor: &Actor,
) -> Result<orientation::ActiveModel, AppError> {
    if current.consent_matching == given {
        return Err(AppError::bad_input(
            "given",
            format!(
                "given: the consent to job matching is already {}",
                if given { "given" } else { "not given" }
            ),
        ));
    }
    let before = of(current);
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
    Ok(written(after))
}

/// A new presa in carico of a citizen who has a record.
pub struct Retake {
    pub taken_on: NaiveDate,
    pub office: Option<String>,
    pub consent: bool,
}

/// `recordNewIntake`: the citizen is taken in charge again and says again whether they
/// consent; that answer is the consent of this presa in carico (the way to a transfer after
/// a consent withdrawn or given later). Without consent the queued transfers are cancelled.
pub async fn retake(
    txn: &DatabaseTransaction,
    current: &orientation::Model,
    retake: Retake,
    actor: &Actor,
) -> Result<orientation::ActiveModel, AppError> {
    of(current).check_new_intake(retake.taken_on)?;
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
    let mut row = written(after);
    row.intake_on = Set(retake.taken_on);
    row.intake_office = Set(retake.office);
    row.intake_by = Set(actor.subject().to_owned());
    Ok(row)
}

/// The record's consent columns for `consent`.
fn written(consent: JobMatchingConsent) -> orientation::ActiveModel {
    orientation::ActiveModel {
        consent_matching: Set(consent.given),
        consent_at_intake: Set(consent.at_intake),
        consent_on: Set(consent.given_on),
        consent_withdrawn_on: Set(consent.withdrawn_on),
        ..Default::default()
    }
}
