//! Orientation mutations: each parses its input, names the citizen's orientation record
//! (`identity::orientation_code`) and calls one function of `services::orientation` (one
//! transaction with its audit row). The intake, the consent and the transfer are `consent`'s.

use super::inputs::*;
use super::{OrientationRecord, changed};
use crate::domain::FiscalCode;
use crate::domain::libretto::check_text;
use crate::domain::orientation::PropensityDraft;
use crate::error::AppError;
use crate::graphql::access;
use crate::graphql::libretto::{read_upload, writer};
use crate::services::consent as transfer;
use crate::services::orientation::{self as service, checked_measure};
use crate::services::pact::Pact;
use crate::store::orientation::NewMeasure;
use crate::store::reference::ReferenceData;
use async_graphql::{Context, Object, Result};
use chrono::NaiveDate;

pub(super) fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The citizen's orientation record under the code it is stored with (an old code's record
/// stays where it is after a link).
pub(super) async fn record_code(ctx: &Context<'_>, code: &FiscalCode) -> Result<FiscalCode> {
    crate::graphql::identity::orientation_code(ctx, code).await
}

fn measure(
    reference: &ReferenceData,
    m: PactMeasureInput,
    field: &str,
) -> Result<NewMeasure, AppError> {
    checked_measure(reference, (&m.code, m.planned_on.0, m.notes), field)
}

#[derive(Default)]
pub struct OrientationMutation;

#[Object(guard = "access::MUTATION")]
impl OrientationMutation {
    /// Signs the Patto di servizio personalizzato with its plan and the agreed measures: from
    /// none or a draft it becomes SIGNED (version 1, the stipula), a pact in force is signed
    /// again as UPDATED (the next version); each signed version is frozen. Signed after its
    /// V16 deadline it is accepted, and the record's `warnings` say by how many days.
    async fn sign_service_pact(
        &self,
        ctx: &Context<'_>,
        input: SignServicePactInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let measures = input
            .measures
            .into_iter()
            .map(|m| measure(&state.reference, m, "measures.code"))
            .collect::<Result<Vec<_>, _>>()?;
        let plan = super::pact::PactPlanInput {
            search_plan: input.search_plan,
            network_services: input.network_services,
            own_actions: input.own_actions,
            outcome: input.outcome,
        };
        let when = (input.signed_on.0, input.office);
        let pact = Pact::new(
            &actor,
            when,
            plan.into(),
            input.profiling_notes,
            (measures, today()),
        )?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let key = (&code, input.version);
        let model = crate::services::pact::sign_service_pact(db, &actor, key, pact).await?;
        Ok(changed(ctx, model))
    }

    /// Adds a measure to a pact being drafted or in force.
    async fn add_pact_measure(
        &self,
        ctx: &Context<'_>,
        input: AddPactMeasureInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let new = measure(&state.reference, input.measure, "measure.code")?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let model = service::add_pact_measure(db, &actor, (&code, input.version), new).await?;
        Ok(changed(ctx, model))
    }

    /// PLANNED → STARTED → DONE, or → CANCELLED.
    async fn update_pact_measure(
        &self,
        ctx: &Context<'_>,
        input: UpdatePactMeasureInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        service::not_future("on", input.on.0, today())?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let model = service::update_pact_measure(
            state.store.db(),
            &actor,
            (&code, input.version),
            &input.measure_id,
            (input.status.into(), input.on.0),
        )
        .await?;
        Ok(changed(ctx, model))
    }

    /// Adds a propensity: at most 3; interview date and at least one origin flag (seed 001).
    async fn add_propensity(
        &self,
        ctx: &Context<'_>,
        input: AddPropensityInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let today = today();
        service::check_propensity_sector(&state.reference, input.sep_sector.as_deref(), today)?;
        let draft = PropensityDraft {
            occupation_code: input.occupation_code.trim().to_owned(),
            occupation_label: input.occupation_label,
            from_work: input.from_work,
            from_education: input.from_education,
            from_training: input.from_training,
            interview_on: input.interview_on.map(|d| d.0),
            sep_sector: input.sep_sector.map(|s| s.trim().to_owned()),
            years_experience: input.years_experience,
            last_year_worked: input.last_year_worked,
            notes: input.notes,
        };
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let model =
            service::add_propensity(db, &actor, (&code, input.version), draft, today).await?;
        Ok(changed(ctx, model))
    }

    /// Makes a propensity inactive: it no longer counts among the three (seed 001), nor goes
    /// to the portal, and stays in the history (`propensities(includeInactive: true)`).
    async fn remove_propensity(
        &self,
        ctx: &Context<'_>,
        input: RemovePropensityInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let removal = (
            input.propensity_id.as_str(),
            input.on.map_or_else(today, |d| d.0),
        );
        let key = (&code, input.version);
        let model = service::remove_propensity(db, &actor, key, removal, today()).await?;
        Ok(changed(ctx, model))
    }

    /// Records an education title of the SAP table (V10).
    async fn add_education_title(
        &self,
        ctx: &Context<'_>,
        input: AddEducationTitleInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let title =
            service::checked_education_title(&state.reference, &input.code, input.year, today())?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let model = service::add_education_title(db, &actor, (&code, input.version), title).await?;
        Ok(changed(ctx, model))
    }

    /// Saves the CV (PDF): needs an education title and a propensity (seed 001); replaces
    /// the previous one. Valid 6 months.
    async fn upload_cv(
        &self,
        ctx: &Context<'_>,
        input: UploadCvInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let limit = state.config.documents.max_file_bytes;
        let file = read_upload(ctx, &input.file, limit)?;
        check_text("file", &file.name, 255).map_err(AppError::from)?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let model = service::upload_cv(db, &actor, (&code, input.version), file, limit).await?;
        Ok(changed(ctx, model))
    }

    /// Deletes our copy of the CV (recorded); the portal profile is not touched (seed 001).
    async fn delete_cv(
        &self,
        ctx: &Context<'_>,
        input: OrientationRefInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let model = service::delete_cv(state.store.db(), &actor, (&code, input.version)).await?;
        Ok(changed(ctx, model))
    }

    /// Queues the current CV for the job portal (delivered by the worker, retried until the
    /// portal accepts it, never twice). Only with the consent to job matching given at the
    /// presa in carico and not withdrawn (seed 001, V15); otherwise FORBIDDEN with the reason
    /// and what to do.
    async fn transfer_cv_to_portal(
        &self,
        ctx: &Context<'_>,
        input: OrientationRefInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let today = today();
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let model =
            transfer::transfer_cv_to_portal(db, &actor, (&code, input.version), today).await?;
        Ok(changed(ctx, model))
    }
}
