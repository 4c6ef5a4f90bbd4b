//! Administration: the state of each regional source and the audit log (who read which
//! citizen's data).

use super::citizen::page_size;
use super::scope::require_role;
use crate::app::AppState;
use crate::auth::Role;
use crate::domain::FiscalCode;
use crate::error::AppError;
use crate::sources::circuit::CircuitState;
use crate::sources::registry::SourceState;
use crate::store::audit;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

#[derive(Default)]
pub struct AdminQuery;

/// Live status of one regional source.
#[derive(SimpleObject)]
pub struct SourceStatus {
    pub name: String,
    /// `sql` or `http`.
    pub kind: String,
    /// postgresql, mysql, sqlite or http.
    pub engine: String,
    pub state: SourceState,
    pub checked_at: Option<DateTime<Utc>>,
    pub latency_ms: Option<u64>,
    /// Why the last call made to the source failed ("timeout", "unreachable: …",
    /// "error: HTTP 503"…); calls an open circuit skips leave it as it is.
    pub last_error: Option<String>,
    /// Deadline of each call to this source.
    pub timeout_ms: u64,
    /// OPEN: the source is not called (its fields fail at once with reason `circuit_open`)
    /// until the cool-down ends; HALF_OPEN: the next call probes it.
    pub circuit: CircuitState,
    /// Failed calls in a row; the circuit opens at `failureThreshold`.
    pub consecutive_failures: u32,
    pub failure_threshold: u32,
    /// How long an open circuit skips the source.
    pub cool_down_ms: u64,
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// One audited access to a citizen's data.
#[derive(SimpleObject)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub request_id: String,
    /// Who: the token's subject.
    pub subject: String,
    pub role: String,
    pub office: Option<String>,
    pub fiscal_code: String,
    /// `read` or `write`.
    pub action: String,
    /// `read`: the top-level fields returned; `write`: the mutation and the document changed.
    pub fields: Vec<String>,
}

#[Object]
impl AdminQuery {
    /// Each configured regional source, probed now (except one whose circuit is open).
    async fn sources(&self, ctx: &Context<'_>) -> Result<Vec<SourceStatus>> {
        require_role(ctx, &[Role::Operator, Role::Admin])?;
        let state = ctx.data_unchecked::<AppState>();
        state.registry.probe_all().await;
        Ok(state
            .registry
            .sources()
            .iter()
            .map(|s| {
                let health = s.health();
                let circuit = s.circuit();
                SourceStatus {
                    name: s.name.to_string(),
                    kind: s.kind.as_str().into(),
                    engine: s.engine().into(),
                    state: health.state,
                    checked_at: health.checked_at,
                    latency_ms: health.latency_ms,
                    last_error: health.last_error,
                    timeout_ms: millis(s.timeout),
                    circuit: circuit.state(),
                    consecutive_failures: circuit.consecutive_failures(),
                    failure_threshold: circuit.threshold(),
                    cool_down_ms: millis(circuit.cool_down()),
                }
            })
            .collect())
    }

    /// Reads of citizens' data, newest first; `admin` only. With `fiscalCode`, the accesses
    /// to that citizen (any omocodia spelling).
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        fiscal_code: Option<FiscalCode>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, AuditEntry>> {
        require_role(ctx, &[Role::Admin])?;
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, state.config.limits.max_page_size)?;
        let before = match after {
            Some(text) => Some(text.parse::<i64>().map_err(|_| {
                AppError::bad_input("after", "is not a cursor returned by auditLog")
            })?),
            None => None,
        };
        let base = fiscal_code.map(|f| f.base());
        let mut rows = audit::list(state.store.db(), base.as_ref(), before, first)
            .await
            .map_err(AppError::from)?;
        let has_next = rows.len() > first;
        rows.truncate(first);
        let mut connection = Connection::new(before.is_some(), has_next);
        for row in rows {
            connection.edges.push(Edge::new(
                row.id.to_string(),
                AuditEntry {
                    at: row.at,
                    request_id: row.request_id,
                    subject: row.subject,
                    role: row.role,
                    office: row.office,
                    fiscal_code: row.fiscal_code,
                    action: row.action,
                    fields: row.fields,
                },
            ));
        }
        Ok(connection)
    }
}
