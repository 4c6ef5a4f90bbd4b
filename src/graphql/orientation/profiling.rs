//! Profiling through GraphQL (seed 001; DOMAIN.md §3.7): the quantitative class and the
//! qualitative profiling area by area, recorded on the orientation record.

use super::mutation::{record_code, today};
use super::{OrientationRecord, changed};
use crate::domain::profiling as rules;
use crate::graphql::access;
use crate::graphql::enums;
use crate::graphql::libretto::writer;
use crate::graphql::scalars::{Date, FiscalCodeScalar};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

/// The profiling on the record.
#[derive(SimpleObject)]
#[graphql(guard = "access::PROFILING")]
pub struct Profiling {
    pub on: Date,
    pub quantitative_class: Option<enums::ProfilingClass>,
    /// The national system's index (a probability).
    pub quantitative_index: Option<f64>,
    pub areas: Vec<ProfilingAssessment>,
    /// Indicators of a fragile profile (a further, in-depth phase; social services).
    pub fragility: bool,
    pub by: String,
}

#[derive(SimpleObject)]
#[graphql(guard = "access::PROFILING_ASSESSMENT")]
pub struct ProfilingAssessment {
    pub area: enums::ProfilingArea,
    pub level: enums::AreaLevel,
    pub note: Option<String>,
}

impl From<rules::Profiling> for Profiling {
    fn from(p: rules::Profiling) -> Self {
        Profiling {
            on: Date(p.on),
            quantitative_class: p.quantitative_class.map(Into::into),
            quantitative_index: p.quantitative_index,
            areas: p
                .areas
                .into_iter()
                .map(|a| ProfilingAssessment {
                    area: a.area.into(),
                    level: a.level.into(),
                    note: a.note,
                })
                .collect(),
            fragility: p.fragility,
            by: p.by,
        }
    }
}

/// The record's profiling, once recorded.
pub fn of(record: &entities::orientation::Model) -> Option<Profiling> {
    let text = record.profiling.as_deref()?;
    serde_json::from_str::<rules::Profiling>(text)
        .ok()
        .map(Into::into)
}

#[derive(InputObject)]
pub struct ProfilingAreaInput {
    pub area: enums::ProfilingArea,
    pub level: enums::AreaLevel,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct RecordProfilingInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub on: Date,
    pub quantitative_class: Option<enums::ProfilingClass>,
    pub quantitative_index: Option<f64>,
    #[graphql(default)]
    pub areas: Vec<ProfilingAreaInput>,
    #[graphql(default)]
    pub fragility: bool,
}

#[derive(Default)]
pub struct ProfilingMutation;

#[Object(guard = "access::MUTATION")]
impl ProfilingMutation {
    /// Records the profiling: the quantitative class (and index) and the qualitative
    /// profiling of seed 001's analysis phase, area by area; it replaces the previous one.
    async fn record_profiling(
        &self,
        ctx: &Context<'_>,
        input: RecordProfilingInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let profiling = rules::Profiling {
            on: input.on.0,
            quantitative_class: input.quantitative_class.map(Into::into),
            quantitative_index: input.quantitative_index,
            areas: input
                .areas
                .into_iter()
                .map(|a| rules::AreaAssessment {
                    area: a.area.into(),
                    level: a.level.into(),
                    note: a.note,
                })
                .collect(),
            fragility: input.fragility,
            by: actor.subject().to_owned(),
        };
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let key = (&code, input.version);
        let model =
            crate::services::profiling::record_profiling(db, &actor, key, profiling, today())
                .await?;
        Ok(changed(ctx, model))
    }
}
