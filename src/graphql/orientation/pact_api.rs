//! The service pact's mutations and `pactsDue` (issue 24): each parses its input, names the
//! citizen's orientation record and calls one function of `services::pact`.

use super::mutation::{record_code, today};
use super::pact::PactPlanInput;
use super::{OrientationRecord, changed};
use crate::domain::pact::{self as rules, PactConclusion};
use crate::error::AppError;
use crate::graphql::access;
use crate::graphql::enums;
use crate::graphql::libretto::writer;
use crate::graphql::scalars::{Date, FiscalCodeScalar};
use crate::graphql::scope::scope;
use crate::services::pact::{self as service, BreachInput, PactEnd};
use crate::state::AppState;
use crate::store::orientation::pact_life::{DueCursor, due_at_office};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

#[derive(InputObject)]
pub struct DraftServicePactInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    /// The day of the interview that drafted it.
    pub on: Date,
    pub plan: PactPlanInput,
}

#[derive(InputObject)]
pub struct ConcludeServicePactInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub on: Date,
    pub reason: enums::PactConclusion,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct CloseServicePactInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub on: Date,
    /// Why it is closed (required).
    pub note: String,
}

#[derive(InputObject)]
pub struct RecordConditionalityEventInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub on: Date,
    pub kind: enums::ConditionalityKind,
    /// A giustificato motivo: recorded, never sanctioned.
    #[graphql(default)]
    pub justified: bool,
    pub sanction: enums::Sanction,
    #[graphql(default_with = "vec![enums::ReportedTo::Inps, enums::ReportedTo::Anpal]")]
    pub reported_to: Vec<enums::ReportedTo>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct SetUserCategoryInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub category: enums::UserCategory,
    /// When the category began (the DID, the INPS application, the adhesion); left out, the
    /// DID date of the person record.
    pub since: Option<Date>,
}

#[derive(Default)]
pub struct PactMutation;

#[Object(guard = "access::MUTATION")]
impl PactMutation {
    /// Drafts the pact's plan with the person (DRAFT); measures may be added to a draft.
    async fn draft_service_pact(
        &self,
        ctx: &Context<'_>,
        input: DraftServicePactInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        crate::services::orientation::not_future("on", input.on.0, today())?;
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let plan = (input.plan.into(), input.on.0);
        let db = state.store.db();
        let model = service::draft_service_pact(db, &actor, (&code, input.version), plan).await?;
        Ok(changed(ctx, model))
    }

    /// Ends a pact in force well: the person found work or reached its goal (CONCLUDED).
    async fn conclude_service_pact(
        &self,
        ctx: &Context<'_>,
        input: ConcludeServicePactInput,
    ) -> Result<OrientationRecord> {
        let why: PactConclusion = input.reason.into();
        end(
            ctx,
            (&input.fiscal_code, input.version),
            PactEnd::Concluded(why),
            input.on,
            input.note,
        )
        .await
    }

    /// Ends a pact otherwise (CLOSED), saying why.
    async fn close_service_pact(
        &self,
        ctx: &Context<'_>,
        input: CloseServicePactInput,
    ) -> Result<OrientationRecord> {
        let note = Some(input.note);
        end(
            ctx,
            (&input.fiscal_code, input.version),
            PactEnd::Closed,
            input.on,
            note,
        )
        .await
    }

    /// Records a breach of the pact in force and its sanction, as reported to INPS and ANPAL
    /// (D.Lgs 150/2015 art. 21; seed 002 §3.1); a LOSS (decadenza) makes the pact LAPSED.
    async fn record_conditionality_event(
        &self,
        ctx: &Context<'_>,
        input: RecordConditionalityEventInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let mut reported_to: Vec<&'static str> = input
            .reported_to
            .iter()
            .map(|r| match r {
                enums::ReportedTo::Inps => "INPS",
                enums::ReportedTo::Anpal => "ANPAL",
            })
            .collect();
        reported_to.sort_unstable();
        reported_to.dedup();
        let breach = BreachInput {
            on: input.on.0,
            kind: input.kind.into(),
            justified: input.justified,
            sanction: input.sanction.into(),
            reported_to,
            note: input.note,
        };
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let key = (&code, input.version);
        let model = service::record_breach(db, &actor, key, breach, today()).await?;
        Ok(changed(ctx, model))
    }

    /// Who the person is for the CPI and since when, which sets the day the pact is due (V16:
    /// 30 days from the DID, 15 from the INPS application, 60 from the Garanzia Giovani
    /// adhesion).
    async fn set_user_category(
        &self,
        ctx: &Context<'_>,
        input: SetUserCategoryInput,
    ) -> Result<OrientationRecord> {
        let (actor, state) = writer(ctx)?;
        let since = match input.since {
            Some(d) => d.0,
            None => crate::graphql::loaders::person(ctx, &input.fiscal_code)
                .await
                .and_then(|p| p.did_date.map(|d| d.value))
                .ok_or_else(|| {
                    AppError::bad_input(
                        "since",
                        "since: required, since the person record has no DID date",
                    )
                })?,
        };
        let code = record_code(ctx, &input.fiscal_code).await?;
        crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
        let db = state.store.db();
        let category = (input.category.into(), since);
        let key = (&code, input.version);
        let model =
            crate::services::profiling::set_user_category(db, &actor, key, category, today())
                .await?;
        Ok(changed(ctx, model))
    }
}

async fn end(
    ctx: &Context<'_>,
    (fiscal_code, version): (&FiscalCodeScalar, i64),
    how: PactEnd,
    on: Date,
    note: Option<String>,
) -> Result<OrientationRecord> {
    let (actor, state) = writer(ctx)?;
    let code = record_code(ctx, fiscal_code).await?;
    crate::services::territory::check(&state.deps(), &actor, code.as_str()).await?;
    let db = state.store.db();
    let model =
        service::end_service_pact(db, &actor, (&code, version), (how, on.0, note), today()).await?;
    Ok(changed(ctx, model))
}

/// A citizen whose pact is due or overdue.
#[derive(SimpleObject)]
#[graphql(guard = "access::PACT_DUE")]
pub struct PactDue {
    pub fiscal_code: String,
    pub user_category: enums::UserCategory,
    pub category_since: Date,
    pub due_on: Date,
    /// Days from `asOf` to the due date; negative when overdue.
    pub days_left: i64,
    pub overdue: bool,
    /// DRAFT, or null when no pact was drafted.
    pub pact_status: Option<enums::PactStatus>,
}

#[derive(Default)]
pub struct PactQuery;

#[Object]
impl PactQuery {
    /// The citizens taken in charge at `office` whose pact is not signed yet, soonest due first
    /// (V16), as of `asOf` (today when left out); operators of that office and administrators.
    /// Each citizen listed is audited as a lookup.
    #[graphql(guard = "access::QUERY_PACTS_DUE")]
    async fn pacts_due(
        &self,
        ctx: &Context<'_>,
        office: String,
        as_of: Option<Date>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, PactDue>> {
        let scope = scope(ctx);
        let principal = &scope.principal;
        let office = office.trim().to_owned();
        if principal.role == crate::auth::Role::Operator
            && !principal
                .office
                .as_deref()
                .is_some_and(|own| own.eq_ignore_ascii_case(&office))
        {
            return Err(AppError::Forbidden(format!(
                "office: an operator lists the pacts of its own office ({}), not of {office}",
                principal.office.as_deref().unwrap_or("none")
            ))
            .into());
        }
        let state = ctx.data_unchecked::<AppState>();
        let size = crate::graphql::citizen::page_size(first, state.config.limits.max_page_size)?;
        let after: Option<DueCursor> = after
            .map(|a| state.cursors.open_json("pactsDue", &a))
            .transpose()?;
        let as_of = as_of.map_or_else(today, |d| d.0);
        let mut rows = due_at_office(state.store.db(), &office, after.as_ref(), size)
            .await
            .map_err(AppError::from)?;
        let has_next = rows.len() > size;
        rows.truncate(size);
        let mut connection = Connection::new(after.is_some(), has_next);
        for row in rows {
            let (Some(category), Some(since), Some(due)) = (
                row.user_category
                    .as_deref()
                    .and_then(rules::UserCategory::parse),
                row.category_since,
                row.pact_due_on,
            ) else {
                continue;
            };
            if let Ok(code) = crate::domain::FiscalCode::parse(&row.id) {
                scope.note_lookup(&code, "pactsDue");
            }
            let cursor = DueCursor {
                due_on: due,
                code: row.id.clone(),
            };
            let days_left = (due - as_of).num_days();
            connection.edges.push(Edge::new(
                state.cursors.seal_json("pactsDue", &cursor),
                PactDue {
                    fiscal_code: row.id,
                    user_category: category.into(),
                    category_since: Date(since),
                    due_on: Date(due),
                    days_left,
                    overdue: days_left < 0,
                    pact_status: row
                        .pact_status
                        .as_deref()
                        .and_then(rules::PactStatus::parse)
                        .map(Into::into),
                },
            ));
        }
        Ok(connection)
    }
}
