//! The service pact through GraphQL (issue 24; D.Lgs 150/2015 art. 20, seed 001): its state,
//! plan, signed versions and steps; the mutations of its lifecycle, the user category that sets
//! its deadline (V16) and the breaches of conditionality; `pactsDue`, an office's list of
//! pacts due or overdue. The rules are `services::pact`'s.

use super::{BreachesOf, MeasuresOf, PactStepsOf, PactVersionsOf, many, parse_key};
use super::{CodeLabel, PactMeasure};
use crate::domain::orientation::MeasureStatus;
use crate::domain::pact::{self as rules, PactPlan, PactStatus};
use crate::error::AppError;
use crate::graphql::access;
use crate::graphql::enums;
use crate::graphql::scalars::Date;
use crate::state::AppState;
use crate::store::reference::PACT_MEASURE;
use async_graphql::{ComplexObject, Context, ID, InputObject, Json, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::orientation;

/// A service of another actor of the network, with its provider (seed 001).
#[derive(SimpleObject)]
#[graphql(guard = "access::NETWORK_SERVICE")]
pub struct NetworkService {
    pub description: String,
    /// Who provides it: a private accredited operator, a chamber of commerce, …
    pub provider: String,
}

/// A service of another actor of the network, as typed.
#[derive(InputObject)]
pub struct NetworkServiceInput {
    pub description: String,
    /// Who provides it: a private accredited operator, a chamber of commerce, …
    pub provider: String,
}

/// Patto di servizio personalizzato (D.Lgs 150/2015 art. 20): its state, the plan in force
/// (or being drafted), the CPI's measures, every signed version and every step.
#[derive(SimpleObject)]
#[graphql(guard = "access::SERVICE_PACT", complex)]
pub struct ServicePact {
    pub status: enums::PactStatus,
    /// The stipula: the first signing (null while a draft).
    pub signed_on: Option<Date>,
    pub office: Option<String>,
    pub operator: Option<String>,
    /// Piano degli atti di ricerca attiva, in words.
    pub search_plan: Option<String>,
    /// Services of other actors of the network (seed 001).
    pub network_services: Vec<NetworkService>,
    /// The person's own search actions (seed 001: "azioni che l'utente dovrà svolgere
    /// autonomamente").
    pub own_actions: Vec<String>,
    /// Where the orientation points the person.
    pub outcome: Option<enums::OrientationOutcome>,
    /// The CPI's own services: the agreed measures.
    pub measures: Vec<PactMeasure>,
    /// Signed versions so far.
    pub version_count: i32,
    #[graphql(skip)]
    pub code: crate::domain::FiscalCode,
}

#[ComplexObject]
impl ServicePact {
    /// Each signed version, frozen, oldest first.
    async fn versions(&self, ctx: &Context<'_>) -> Result<Vec<ServicePactVersion>> {
        let rows = many(ctx, PactVersionsOf(self.code.clone())).await?;
        rows.into_iter()
            .map(|v| {
                Ok(ServicePactVersion {
                    n: v.n,
                    signed_on: Date(v.signed_on),
                    office: v.office,
                    operator: v.operator,
                    content: Json(serde_json::from_str(&v.content).map_err(AppError::internal)?),
                })
            })
            .collect()
    }
    /// Each step of the lifecycle, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<PactTransition>> {
        let rows = many(ctx, PactStepsOf(self.code.clone())).await?;
        Ok(rows
            .into_iter()
            .map(|t| PactTransition {
                from: t
                    .from_status
                    .as_deref()
                    .and_then(PactStatus::parse)
                    .map(Into::into),
                to: PactStatus::parse(&t.to_status)
                    .map(Into::into)
                    .unwrap_or(enums::PactStatus::Draft),
                on: Date(t.on_date),
                at: t.at,
                by: t.by,
                note: t.note,
            })
            .collect())
    }
    /// The states the next step may reach.
    async fn allowed_transitions(&self) -> Vec<enums::PactStatus> {
        PactStatus::next(Some(self.status.into()))
            .iter()
            .map(|s| (*s).into())
            .collect()
    }
}

#[derive(SimpleObject)]
#[graphql(guard = "access::SERVICE_PACT_VERSION")]
pub struct ServicePactVersion {
    pub n: i32,
    pub signed_on: Date,
    pub office: Option<String>,
    pub operator: String,
    /// What was signed: the plan, the CPI's measures, the category (JSON, as frozen).
    pub content: Json<serde_json::Value>,
}

#[derive(SimpleObject)]
#[graphql(guard = "access::PACT_TRANSITION")]
pub struct PactTransition {
    pub from: Option<enums::PactStatus>,
    pub to: enums::PactStatus,
    pub on: Date,
    pub at: DateTime<Utc>,
    pub by: String,
    pub note: Option<String>,
}

/// A breach of the pact's obligations and its sanction (D.Lgs 150/2015 art. 21).
#[derive(SimpleObject)]
#[graphql(guard = "access::CONDITIONALITY_EVENT")]
pub struct ConditionalityEvent {
    pub on: Date,
    pub kind: String,
    pub justified: bool,
    pub sanction: String,
    /// The bodies told: INPS, ANPAL.
    pub reported_to: Vec<String>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    pub by: String,
}

fn plan_of(record: &orientation::Model) -> PactPlan {
    record
        .pact_draft
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

/// The record's pact, once drafted or signed.
pub async fn service_pact(
    ctx: &Context<'_>,
    record: &orientation::Model,
) -> Result<Option<ServicePact>> {
    let status = match record.pact_status.as_deref() {
        Some(text) => PactStatus::parse(text)
            .ok_or_else(|| AppError::internal(format!("pact status {text}")))?,
        None => return Ok(None),
    };
    let state = ctx.data_unchecked::<AppState>();
    let code = parse_key(&record.id)?;
    let measures = many(ctx, MeasuresOf(code.clone())).await?;
    let plan = plan_of(record);
    Ok(Some(ServicePact {
        status: status.into(),
        signed_on: record.pact_signed_on.map(Date),
        office: record.pact_office.clone(),
        operator: record.pact_operator.clone(),
        search_plan: plan.search_plan.or_else(|| record.search_plan.clone()),
        network_services: plan
            .network_services
            .into_iter()
            .map(|s| NetworkService {
                description: s.description,
                provider: s.provider,
            })
            .collect(),
        own_actions: plan.own_actions,
        outcome: plan.outcome.map(Into::into),
        measures: measures
            .into_iter()
            .map(|m| PactMeasure {
                id: ID(m.id),
                measure: CodeLabel::of(state, PACT_MEASURE, m.code),
                status: MeasureStatus::parse(&m.status)
                    .unwrap_or(MeasureStatus::Planned)
                    .into(),
                planned_on: Date(m.planned_on),
                started_on: m.started_on.map(Date),
                done_on: m.done_on.map(Date),
                notes: m.notes,
            })
            .collect(),
        version_count: record.pact_versions,
        code,
    }))
}

/// V16 on the record: a pact signed late, or one overdue today.
pub fn warnings(record: &orientation::Model, today: chrono::NaiveDate) -> Vec<String> {
    let (Some(category), Some(since)) = (
        record
            .user_category
            .as_deref()
            .and_then(rules::UserCategory::parse),
        record.category_since,
    ) else {
        return Vec::new();
    };
    match record.pact_signed_on {
        Some(signed) => rules::lateness_warning(category, since, signed),
        None => rules::overdue_warning(category, since, today),
    }
    .into_iter()
    .collect()
}

/// The breaches recorded on the record, oldest first.
pub async fn breaches(
    ctx: &Context<'_>,
    record: &orientation::Model,
) -> Result<Vec<ConditionalityEvent>> {
    let rows = many(ctx, BreachesOf(parse_key(&record.id)?)).await?;
    Ok(rows
        .into_iter()
        .map(|b| ConditionalityEvent {
            on: Date(b.on_date),
            kind: b.kind,
            justified: b.justified,
            sanction: b.sanction,
            reported_to: serde_json::from_str(&b.reported_to).unwrap_or_default(),
            note: b.note,
            at: b.at,
            by: b.by,
        })
        .collect())
}

/// The plan as typed.
#[derive(InputObject, Default)]
pub struct PactPlanInput {
    pub search_plan: Option<String>,
    #[graphql(default)]
    pub network_services: Vec<NetworkServiceInput>,
    #[graphql(default)]
    pub own_actions: Vec<String>,
    pub outcome: Option<enums::OrientationOutcome>,
}

impl From<PactPlanInput> for PactPlan {
    fn from(p: PactPlanInput) -> Self {
        PactPlan {
            search_plan: p.search_plan,
            network_services: p
                .network_services
                .into_iter()
                .map(|s| rules::NetworkService {
                    description: s.description,
                    provider: s.provider,
                })
                .collect(),
            own_actions: p.own_actions,
            outcome: p.outcome.map(Into::into),
        }
    }
}
