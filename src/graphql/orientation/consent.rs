//! The presa in carico and the consent to job matching through GraphQL (seed 001, V15): the
//! first intake, a new one (the way back to a transfer after a consent withdrawn or given
//! later), the consent's changes, and the consent as the record shows it.

use super::mutation::{record_code, today};
use super::{OrientationRecord, changed};
use crate::error::AppError;
use crate::graphql::access;
use crate::graphql::libretto::writer;
use crate::graphql::scalars::Date;
use crate::graphql::scalars::FiscalCodeScalar;
use crate::services::consent::{self as service, IntakeRequest, Retake};
use crate::services::orientation::not_future;
use crate::store::consent;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{consent_event, orientation};

#[derive(SimpleObject)]
#[graphql(guard = "access::CONSENT")]
pub struct Consent {
    /// In force now.
    pub job_matching: bool,
    /// The consent in force was given at the latest presa in carico (`takenInChargeOn`).
    pub given_at_intake: bool,
    /// Seed 001 (V15): the CV may go to the portal, and the portal may see the citizen,
    /// only with the consent given at the presa in carico and not withdrawn since. A consent
    /// given later is recorded but does not allow it: take the citizen in charge again
    /// (`recordNewIntake`).
    pub allows_portal_transfer: bool,
    pub given_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
    pub history: Vec<ConsentChange>,
}

impl Consent {
    pub fn of(record: &orientation::Model, history: Vec<consent_event::Model>) -> Self {
        let consent = consent::of(record);
        Consent {
            job_matching: consent.given,
            given_at_intake: consent.given && consent.at_intake,
            allows_portal_transfer: consent.allows_transfer(),
            given_on: consent.given_on.map(Date),
            withdrawn_on: consent.withdrawn_on.map(Date),
            history: history
                .into_iter()
                .map(|e| ConsentChange {
                    given: e.given,
                    at_intake: e.at_intake,
                    on: Date(e.on_date),
                    at: e.at,
                    by: e.by,
                    by_citizen: e.by_citizen,
                })
                .collect(),
        }
    }
}

#[derive(SimpleObject)]
#[graphql(guard = "access::CONSENT_CHANGE")]
pub struct ConsentChange {
    pub given: bool,
    /// Asked at a presa in carico (`recordIntake`, `recordNewIntake`), not changed later.
    pub at_intake: bool,
    pub on: Date,
    pub at: DateTime<Utc>,
    /// Who recorded it: an operator's id, or the citizen's own code.
    pub by: String,
    /// The citizen's own act (`setMyJobMatchingConsent`), not an operator's on their word.
    pub by_citizen: bool,
}

#[derive(InputObject)]
pub struct RecordIntakeInput {
    pub fiscal_code: FiscalCodeScalar,
    pub taken_on: Date,
    /// CPI code; an operator's is its token's (it may be left out), only an administrator
    /// may name another.
    pub office: Option<String>,
    /// Consent to the use of the data for job matching (seed 001: asked at intake).
    pub consent_to_job_matching: bool,
    /// Codes of the special-category table (GDPR art. 9).
    #[graphql(default)]
    pub special_categories: Vec<String>,
    pub profiling_notes: Option<String>,
}

#[derive(InputObject)]
pub struct RecordNewIntakeInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    /// Not before the previous presa in carico or consent change.
    pub taken_on: Date,
    /// As in `recordIntake`.
    pub office: Option<String>,
    /// The consent asked again at this presa in carico: it replaces the one in force.
    pub consent_to_job_matching: bool,
}

#[derive(InputObject)]
pub struct SetConsentInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub given: bool,
    pub on: Date,
}

#[derive(Default)]
pub struct ConsentMutation;

#[Object(guard = "access::MUTATION")]
impl ConsentMutation {
    /// Presa in carico: creates the citizen's orientation record with the consent to job
    /// matching given or not (seed 001). A citizen who has a record is taken in charge again
    /// with `recordNewIntake`.
    async fn record_intake(
        &self,
        ctx: &Context<'_>,
        input: RecordIntakeInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let request = IntakeRequest::new(
            (&actor, &state.reference),
            input.taken_on.0,
            input.office,
            input.consent_to_job_matching,
            (&input.special_categories, input.profiling_notes),
            today(),
        )?;
        let key = record_code(ctx, &input.fiscal_code).await?;
        if crate::graphql::loaders::person(ctx, &key).await.is_none() {
            return Err(AppError::NotFound(format!(
                "no regional source knows citizen {}",
                input.fiscal_code.as_str()
            ))
            .into());
        }
        crate::services::territory::check(&state.deps(), &actor, key.as_str()).await?;
        let model = service::record_intake(state.store.db(), &actor, &key, request).await?;
        Ok(changed(ctx, model))
    }

    /// A new presa in carico of a citizen who has a record, with the consent to job matching
    /// asked again: given, it allows the transfer to the portal (seed 001, V15); refused, the
    /// queued transfers are cancelled.
    async fn record_new_intake(
        &self,
        ctx: &Context<'_>,
        input: RecordNewIntakeInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let retake = Retake::new(
            &actor,
            input.taken_on.0,
            input.office,
            input.consent_to_job_matching,
            today(),
        )?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let model = service::record_new_intake(db, &actor, (&code, input.version), retake).await?;
        Ok(changed(ctx, model))
    }

    /// Gives or withdraws the consent to job matching; the change is recorded, not erased. A
    /// withdrawal cancels the transfers still queued for the portal (CANCELLED, with the
    /// reason), in the same transaction. A consent given here, after the presa in carico, is
    /// in force but does not allow the transfer (seed 001): see `recordNewIntake`.
    async fn set_job_matching_consent(
        &self,
        ctx: &Context<'_>,
        input: SetConsentInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        not_future("on", input.on.0, today())?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let model = service::set_job_matching_consent(
            state.store.db(),
            &actor,
            (&code, input.version),
            input.given,
            input.on.0,
        )
        .await?;
        Ok(changed(ctx, model))
    }
}

#[derive(InputObject)]
pub struct SetMyConsentInput {
    /// The orientation record's version the citizen saw (`citizen { orientation { version } }`).
    pub version: i64,
    pub given: bool,
}

/// The citizen's own act on their consent (issue 23; GDPR art. 7(3): withdrawing is as easy
/// as giving).
#[derive(Default)]
pub struct OwnConsentMutation;

#[Object]
impl OwnConsentMutation {
    /// The citizen gives or withdraws their own consent to job matching, today, with the same
    /// effects as `setJobMatchingConsent` (a withdrawal cancels the transfers still queued for
    /// the portal); recorded as the citizen's own act (`ConsentChange.byCitizen`). `citizen`
    /// only: staff use `setJobMatchingConsent`.
    #[graphql(guard = "access::MUTATION_SET_MY_JOB_MATCHING_CONSENT")]
    async fn set_my_job_matching_consent(
        &self,
        ctx: &Context<'_>,
        input: SetMyConsentInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let me = crate::domain::FiscalCode::parse(actor.subject())
            .map_err(|_| AppError::Forbidden("the token names no citizen".into()))?;
        access::own(ctx, &me)?;
        let code = record_code(ctx, &me).await?;
        let model = service::set_job_matching_consent(
            state.store.db(),
            &actor,
            (&code, input.version),
            input.given,
            today(),
        )
        .await?;
        Ok(changed(ctx, model))
    }
}
