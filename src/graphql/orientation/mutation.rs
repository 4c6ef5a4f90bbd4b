//! Orientation mutations: each names the citizen and the `version` of their orientation
//! record it read, and is one transaction with its audit row (`store::orientation`). The
//! intake and the consent are `consent`'s.

use super::{OrientationRecord, changed};
use crate::domain::FiscalCode;
use crate::domain::libretto::{check_optional_text, check_text};
use crate::domain::orientation::{MeasureStatus, PropensityDraft};
use crate::error::AppError;
use crate::graphql::access;
use crate::graphql::libretto::{read_upload, writer};
use crate::graphql::scalars::Date;
use crate::store::orientation::{self as store, NewMeasure, unchanged};
use crate::store::outbox;
use crate::store::reference::{EDUCATION_TITLE, PACT_MEASURE, SEP_SECTOR};
use crate::store::write::Actor;
use async_graphql::{Context, ID, InputObject, Object, Result, Upload};
use chrono::NaiveDate;
use entities::orientation;
use sea_orm::{DatabaseTransaction, Set};

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub(super) fn not_future(field: &str, on: NaiveDate) -> Result<(), AppError> {
    if on > today() {
        return Err(AppError::bad_input(
            field,
            format!("{field}: {on} is in the future"),
        ));
    }
    Ok(())
}

/// Names the citizen's orientation record and the version read.
#[derive(InputObject)]
pub struct OrientationRefInput {
    pub fiscal_code: FiscalCode,
    pub version: i64,
}

#[derive(InputObject)]
pub struct PactMeasureInput {
    /// Code of `pactMeasures`.
    pub code: String,
    pub planned_on: Date,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct SignServicePactInput {
    pub fiscal_code: FiscalCode,
    pub version: i64,
    pub signed_on: Date,
    /// As in `recordIntake`.
    pub office: Option<String>,
    /// Piano degli atti di ricerca attiva.
    pub search_plan: Option<String>,
    pub profiling_notes: Option<String>,
    #[graphql(default)]
    pub measures: Vec<PactMeasureInput>,
}

#[derive(InputObject)]
pub struct AddPactMeasureInput {
    pub fiscal_code: FiscalCode,
    pub version: i64,
    pub measure: PactMeasureInput,
}

#[derive(InputObject)]
pub struct UpdatePactMeasureInput {
    pub fiscal_code: FiscalCode,
    pub version: i64,
    pub measure_id: ID,
    pub status: MeasureStatus,
    pub on: Date,
}

#[derive(InputObject)]
pub struct AddPropensityInput {
    pub fiscal_code: FiscalCode,
    pub version: i64,
    /// ISTAT CP2011 code.
    pub occupation_code: String,
    pub occupation_label: String,
    #[graphql(default)]
    pub from_work: bool,
    #[graphql(default)]
    pub from_education: bool,
    #[graphql(default)]
    pub from_training: bool,
    /// Required (seed 001); optional here so its absence is reported by name.
    pub interview_on: Option<Date>,
    pub sep_sector: Option<String>,
    pub years_experience: Option<i32>,
    pub last_year_worked: Option<i32>,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct RemovePropensityInput {
    pub fiscal_code: FiscalCode,
    pub version: i64,
    pub propensity_id: ID,
}

#[derive(InputObject)]
pub struct AddEducationTitleInput {
    pub fiscal_code: FiscalCode,
    pub version: i64,
    /// SAP titolo di studio code (8 digits).
    pub code: String,
    pub year: Option<i32>,
}

#[derive(InputObject)]
pub struct UploadCvInput {
    pub fiscal_code: FiscalCode,
    pub version: i64,
    /// PDF only, at most `documents.max_file_bytes`.
    pub file: Upload,
}

#[derive(Default)]
pub struct OrientationMutation;

/// Runs one change of the citizen's orientation record (`store::orientation::mutate`) and
/// answers with the record as changed.
pub(super) async fn apply(
    ctx: &Context<'_>,
    actor: &Actor,
    fiscal_code: &FiscalCode,
    version: i64,
    action: &str,
    change: impl AsyncFnOnce(
        &DatabaseTransaction,
        &orientation::Model,
    ) -> Result<orientation::ActiveModel, AppError>,
) -> Result<OrientationRecord> {
    let state = ctx.data_unchecked::<crate::app::AppState>();
    let code = crate::graphql::identity::orientation_code(ctx, fiscal_code).await?;
    crate::services::territory::check(state, actor, code.as_str()).await?;
    let model = store::mutate(
        state.store.db(),
        actor,
        code.as_str(),
        version,
        action,
        change,
    )
    .await?;
    Ok(changed(ctx, model))
}

impl OrientationMutation {
    fn checked_measure(
        state: &crate::app::AppState,
        m: PactMeasureInput,
        field: &str,
    ) -> Result<NewMeasure, AppError> {
        state.reference.check(
            field,
            PACT_MEASURE,
            m.code.trim(),
            None,
            Some(m.planned_on.0),
        )?;
        check_optional_text("notes", m.notes.as_deref(), 1000)?;
        Ok(NewMeasure {
            code: m.code.trim().to_owned(),
            planned_on: m.planned_on.0,
            notes: m.notes,
        })
    }
}

#[Object(guard = "access::MUTATION")]
impl OrientationMutation {
    /// Signs (or updates) the Patto di servizio personalizzato with the agreed measures.
    async fn sign_service_pact(
        &self,
        ctx: &Context<'_>,
        input: SignServicePactInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        not_future("signedOn", input.signed_on.0)?;
        let office = actor.office("office", input.office)?;
        check_optional_text("searchPlan", input.search_plan.as_deref(), 4000)?;
        check_optional_text("profilingNotes", input.profiling_notes.as_deref(), 4000)?;
        let measures = input
            .measures
            .into_iter()
            .map(|m| Self::checked_measure(state, m, "measures.code"))
            .collect::<Result<Vec<_>, _>>()?;
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "signServicePact",
            async |txn, current| {
                if input.signed_on.0 < current.intake_on {
                    return Err(AppError::bad_input(
                        "signedOn",
                        format!(
                            "signedOn: {} is before the intake ({})",
                            input.signed_on.0, current.intake_on
                        ),
                    ));
                }
                store::add_measures(txn, &current.id, measures, &actor).await?;
                let mut row = unchanged();
                row.pact_signed_on = Set(Some(input.signed_on.0));
                row.pact_office = Set(office);
                row.pact_operator = Set(Some(actor.subject().to_owned()));
                row.search_plan = Set(input.search_plan.clone());
                if input.profiling_notes.is_some() {
                    row.profiling_notes = Set(input.profiling_notes.clone());
                }
                Ok(row)
            },
        )
        .await
    }

    /// Adds a measure to a signed pact.
    async fn add_pact_measure(
        &self,
        ctx: &Context<'_>,
        input: AddPactMeasureInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let measure = Self::checked_measure(state, input.measure, "measure.code")?;
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "addPactMeasure",
            async |txn, current| {
                if current.pact_signed_on.is_none() {
                    return Err(AppError::bad_input(
                        "measure",
                        "measure: the citizen has no service pact yet (signServicePact first)",
                    ));
                }
                store::add_measures(txn, &current.id, vec![measure], &actor).await?;
                Ok(unchanged())
            },
        )
        .await
    }

    /// PLANNED → STARTED → DONE, or → CANCELLED.
    async fn update_pact_measure(
        &self,
        ctx: &Context<'_>,
        input: UpdatePactMeasureInput,
    ) -> Result<OrientationRecord> {
        let (actor, _) = writer(ctx)?;
        not_future("on", input.on.0)?;
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "updatePactMeasure",
            async |txn, current| {
                store::move_measure(
                    txn,
                    &current.id,
                    &input.measure_id,
                    input.status,
                    input.on.0,
                )
                .await?;
                Ok(unchanged())
            },
        )
        .await
    }

    /// Adds a propensity: at most 3; interview date and at least one origin flag (seed 001).
    async fn add_propensity(
        &self,
        ctx: &Context<'_>,
        input: AddPropensityInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let today = today();
        if let Some(sector) = &input.sep_sector {
            state
                .reference
                .check("sepSector", SEP_SECTOR, sector.trim(), None, Some(today))?;
        }
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
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "addPropensity",
            async |txn, current| {
                store::add_propensity(txn, &current.id, draft, today, &actor).await?;
                Ok(unchanged())
            },
        )
        .await
    }

    async fn remove_propensity(
        &self,
        ctx: &Context<'_>,
        input: RemovePropensityInput,
    ) -> Result<OrientationRecord> {
        let (actor, _) = writer(ctx)?;
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "removePropensity",
            async |txn, current| {
                store::remove_propensity(txn, &current.id, &input.propensity_id).await?;
                Ok(unchanged())
            },
        )
        .await
    }

    /// Records an education title of the SAP table (V10).
    async fn add_education_title(
        &self,
        ctx: &Context<'_>,
        input: AddEducationTitleInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let today = today();
        let title = input.code.trim().to_owned();
        state
            .reference
            .check("code", EDUCATION_TITLE, &title, None, None)?;
        let year = match input.year {
            None => None,
            Some(y) if (1940..=chrono::Datelike::year(&today)).contains(&y) => {
                i16::try_from(y).ok()
            }
            Some(y) => {
                return Err(AppError::bad_input(
                    "year",
                    format!("year: {y} is not between 1940 and this year"),
                )
                .into());
            }
        };
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "addEducationTitle",
            async |txn, current| {
                store::add_education_title(txn, &current.id, &title, year, &actor).await?;
                Ok(unchanged())
            },
        )
        .await
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
        check_text("file", &file.name, 255)?;
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "uploadCv",
            async |txn, current| {
                store::upload_cv(txn, &current.id, file, limit, &actor).await?;
                Ok(unchanged())
            },
        )
        .await
    }

    /// Deletes our copy of the CV (recorded); the portal profile is not touched (seed 001).
    async fn delete_cv(
        &self,
        ctx: &Context<'_>,
        input: OrientationRefInput,
    ) -> Result<OrientationRecord> {
        let (actor, _) = writer(ctx)?;
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "deleteCv",
            async |txn, current| {
                store::delete_cv(txn, &current.id, &actor).await?;
                Ok(unchanged())
            },
        )
        .await
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
        let (actor, _) = writer(ctx)?;
        let today = today();
        apply(
            ctx,
            &actor,
            &input.fiscal_code,
            input.version,
            "transferCvToPortal",
            async |txn, current| {
                outbox::queue(txn, current, today, &actor).await?;
                Ok(unchanged())
            },
        )
        .await
    }
}
