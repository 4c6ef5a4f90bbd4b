//! Administration: the state of each regional source, the audit log (who read which
//! citizen's data), and the citizen's GDPR rights: the report of the accesses to their data
//! (art. 15) and everything stored about them as one document (art. 15 and 20).

mod sources;

use super::access;
use super::citizen::page_size;
use super::scalars::FiscalCodeScalar;
use super::scope::scope;
use crate::domain::FiscalCode;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit;
use async_graphql::connection::{Connection, ConnectionNameType, Edge, EdgeNameType, EmptyFields};
use async_graphql::{Context, Json, Object, OutputType, Result, SimpleObject};
use chrono::{DateTime, Utc};
use sources::SourceStatus;

#[derive(Default)]
pub struct AdminQuery;

// The store's audit row (`store::audit::AuditEntry`, its one definition) as GraphQL shows it.
pub struct AuditEntry(audit::AuditEntry);

/// One audited access to a citizen's data.
#[Object(guard = "access::AUDIT_ENTRY")]
impl AuditEntry {
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    async fn request_id(&self) -> &str {
        &self.0.request_id
    }
    /// Who: the token's subject.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    async fn role(&self) -> &str {
        &self.0.role
    }
    async fn office(&self) -> Option<&str> {
        self.0.office.as_deref()
    }
    async fn fiscal_code(&self) -> &str {
        &self.0.fiscal_code
    }
    /// `read`, `write`, `access_report`, `export` or `disclose` (see `CitizenAccess`).
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// `read`: the top-level fields returned; `write`: the mutation and the document changed.
    async fn fields(&self) -> &[String] {
        &self.0.fields
    }
}

// The same audit row in the access report, with what the report adds: whether the row may
// concern another person.
pub struct CitizenAccess {
    row: audit::AuditEntry,
    ambiguous_identity: bool,
}

/// One access to the citizen's data, in the access report.
#[Object(guard = "access::CITIZEN_ACCESS")]
impl CitizenAccess {
    async fn at(&self) -> DateTime<Utc> {
        self.row.at
    }
    /// Who: the token's subject; `disclose`: the recipient.
    async fn subject(&self) -> &str {
        &self.row.subject
    }
    async fn role(&self) -> &str {
        &self.row.role
    }
    /// CPI code of the caller's office, when the token carries one.
    async fn office(&self) -> Option<&str> {
        self.row.office.as_deref()
    }
    /// `read`, `write`, `access_report` (this report was read), `export`
    /// (`exportCitizenData`) or `disclose` (the job portal acknowledged a CV transfer).
    async fn action(&self) -> &str {
        &self.row.action
    }
    /// `read`: the fields returned; `write`: the mutation and the document changed;
    /// `disclose`: the data categories sent.
    async fn fields(&self) -> &[String] {
        &self.row.fields
    }
    /// `disclose`: the transfer's id.
    async fn request_id(&self) -> &str {
        &self.row.request_id
    }
    /// The code the row was written under: the citizen's, an older code linked to it, or
    /// (before identity became the exact code, 2026-12) the de-omocoded base.
    async fn recorded_code(&self) -> &str {
        &self.row.fiscal_code
    }
    /// Written before 2026-12 under a base code that two people shared: it may concern the
    /// other person (DOMAIN.md §3.1).
    async fn ambiguous_identity(&self) -> bool {
        self.ambiguous_identity
    }
}

/// What the access report says besides its entries.
#[derive(SimpleObject)]
#[graphql(guard = "access::ACCESS_REPORT")]
pub struct AccessReportSummary {
    /// The citizen's code (an omocodia variant is another person).
    pub fiscal_code: String,
    /// Accesses recorded, all pages together.
    pub total_count: i64,
    /// How long the log keeps an access (`audit.retention_days`): older ones are gone.
    pub retention_days: i64,
}

pub struct AccessReportName;

impl ConnectionNameType for AccessReportName {
    fn type_name<T: OutputType>() -> String {
        "AccessReport".into()
    }
}

pub struct AccessReportEdgeName;

impl EdgeNameType for AccessReportEdgeName {
    fn type_name<T: OutputType>() -> String {
        "AccessReportEdge".into()
    }
}

pub type AccessReport = Connection<
    String,
    CitizenAccess,
    AccessReportSummary,
    EmptyFields,
    AccessReportName,
    AccessReportEdgeName,
>;

/// The audit row id an `after` cursor of `list` holds.
fn cursor(ctx: &Context<'_>, after: Option<String>, list: &str) -> Result<Option<i64>, AppError> {
    let state = ctx.data_unchecked::<AppState>();
    after
        .map(|text| state.cursors.open_json(list, &text))
        .transpose()
}

fn seal(ctx: &Context<'_>, list: &str, id: i64) -> String {
    ctx.data_unchecked::<AppState>()
        .cursors
        .seal_json(list, &id)
}

#[Object]
impl AdminQuery {
    /// Each configured regional source, probed now (except one whose circuit is open).
    #[graphql(guard = "access::QUERY_SOURCES")]
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<SourceStatus>> {
        let state = ctx.data_unchecked::<AppState>();
        state.registry.probe_all().await;
        Ok(state
            .registry
            .sources()
            .iter()
            .map(|source| sources::status(source))
            .collect())
    }

    /// Accesses to citizens' data, newest first; `admin` only. With `fiscalCode`, the
    /// accesses to that person: under the code, the older codes linked to it, and the base
    /// code the re-keying mapped to it.
    #[graphql(guard = "access::QUERY_AUDIT_LOG")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        fiscal_code: Option<FiscalCodeScalar>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, AuditEntry>> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, state.config.limits.max_page_size)?;
        let before = cursor(ctx, after, "auditLog")?;
        let person = match &fiscal_code {
            Some(code) => Some(person_rows(ctx, code).await?),
            None => None,
        };
        let mut rows = audit::list(state.store.db(), person.as_ref(), before, first)
            .await
            .map_err(AppError::from)?;
        let has_next = rows.len() > first;
        rows.truncate(first);
        let mut connection = Connection::new(before.is_some(), has_next);
        for row in rows {
            connection
                .edges
                .push(Edge::new(seal(ctx, "auditLog", row.id), AuditEntry(row)));
        }
        Ok(connection)
    }
    /// Every recorded access to one citizen's data (GDPR art. 15; with the older codes linked
    /// to the citizen's), oldest first: who, with which role and office, when, how (`action`)
    /// and which fields, under which request id; `admin`, or the citizen for their own code.
    /// Reading it is itself recorded (`access_report`) and appears in the next report.
    #[graphql(guard = "access::QUERY_ACCESS_REPORT")]
    async fn access_report(
        &self,
        ctx: &Context<'_>,
        fiscal_code: FiscalCodeScalar,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<AccessReport> {
        access::own(ctx, &fiscal_code)?;
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, state.config.limits.max_page_size)?;
        let after = cursor(ctx, after, "accessReport")?;
        let citizen = fiscal_code.0;
        let db = state.store.db();
        let person = person_rows(ctx, &citizen).await?;
        let total = audit::count_of_citizen(db, &person)
            .await
            .map_err(AppError::from)?;
        let mut rows = audit::of_citizen(db, &person, after, first)
            .await
            .map_err(AppError::from)?;
        let has_next = rows.len() > first;
        rows.truncate(first);
        let mut report = AccessReport::with_additional_fields(
            after.is_some(),
            has_next,
            AccessReportSummary {
                fiscal_code: citizen.as_str().to_owned(),
                total_count: i64::try_from(total).unwrap_or(i64::MAX),
                retention_days: i64::from(state.config.audit.retention_days),
            },
        );
        report.edges.extend(rows.into_iter().map(|row| {
            Edge::new(
                seal(ctx, "accessReport", row.id),
                CitizenAccess {
                    ambiguous_identity: person.ambiguous(&row),
                    row,
                },
            )
        }));
        scope(ctx).note_access(&citizen, audit::ACCESS_REPORT, "accessReport");
        Ok(report)
    }

    /// Everything fascicolo stores about one citizen (their code) as one JSON
    /// document (GDPR art. 15 and 20): libretti, IVC dossiers, the orientation record and
    /// the audit rows about them, with `schema`, `version` and `generated_at`; file contents
    /// are described, not included. `admin`, or the citizen for their own code; recorded as
    /// `export`.
    #[graphql(guard = "access::QUERY_EXPORT_CITIZEN_DATA")]
    async fn export_citizen_data(
        &self,
        ctx: &Context<'_>,
        fiscal_code: FiscalCodeScalar,
    ) -> Result<Json<serde_json::Value>> {
        access::own(ctx, &fiscal_code)?;
        let state = ctx.data_unchecked::<AppState>();
        let citizen = fiscal_code.0;
        let person = person_rows(ctx, &citizen).await?;
        let document = crate::store::export::citizen(state.store.db(), &citizen, &person)
            .await
            .map_err(AppError::from)?;
        scope(ctx).note_access(&citizen, audit::EXPORT, "exportCitizenData");
        Ok(Json(document))
    }
}

/// The audit rows of the person `code` is: the code and the older codes linked to it. A
/// citizen asking about themselves is not shown the rows that may concern another person
/// (`ambiguousIdentity`): those may be someone else's accesses.
async fn person_rows(ctx: &Context<'_>, code: &FiscalCode) -> Result<audit::PersonRows> {
    let state = ctx.data_unchecked::<AppState>();
    let family = super::loaders::links(ctx).family(code);
    let rows = audit::PersonRows::of(state.store.db(), &family)
        .await
        .map_err(AppError::from)?;
    Ok(if scope(ctx).principal.role == crate::auth::Role::Citizen {
        rows.unambiguous()
    } else {
        rows
    })
}
