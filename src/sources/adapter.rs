//! One adapter per source kind behind the same calls, so the registry fans a batch out to
//! SQL databases and HTTP services alike: one statement per batch, or one HTTP call per view.

use super::contract::{PersonRow, ViewCodes, ViewRows};
use super::http::HttpSource;
use super::search::{PersonSearch, SearchCursor};
use super::sql::SqlSource;

/// Why one call to a source failed, worded for `extensions.reason`: "unreachable: …" or
/// "error: …" ("timeout" and "circuit_open" are the registry's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError(pub String);

impl From<sea_orm::DbErr> for CallError {
    fn from(err: sea_orm::DbErr) -> Self {
        CallError(match err {
            sea_orm::DbErr::Conn(e) => format!("unreachable: {e}"),
            sea_orm::DbErr::ConnectionAcquire(e) => format!("unreachable: {e}"),
            other => format!("error: {other}"),
        })
    }
}

pub enum SourceAdapter {
    Sql(SqlSource),
    Http(HttpSource),
}

impl SourceAdapter {
    /// The rows of every view asked: one statement on a SQL source, one call per view on an
    /// HTTP service (the contract's endpoints are per view).
    pub async fn fetch_views(&self, asked: &ViewCodes) -> Result<ViewRows, CallError> {
        match self {
            SourceAdapter::Sql(s) => Ok(s.fetch_views(asked).await?),
            SourceAdapter::Http(h) => h.fetch_views(asked).await,
        }
    }

    pub async fn search(
        &self,
        search: &PersonSearch,
        after: Option<&SearchCursor>,
        limit: usize,
    ) -> Result<Vec<PersonRow>, CallError> {
        match self {
            SourceAdapter::Sql(s) => Ok(s.search(search, after, limit).await?),
            SourceAdapter::Http(h) => h.search(search, after, limit).await,
        }
    }

    /// A cheap round trip that also readies the adapter (the PostgreSQL key type).
    pub async fn probe(&self) -> Result<(), CallError> {
        match self {
            SourceAdapter::Sql(s) => {
                s.ping().await?;
                Ok(s.prepare().await?)
            }
            SourceAdapter::Http(h) => h.ping().await,
        }
    }

    /// Statements (SQL) or HTTP calls sent so far, failed ones included.
    pub fn call_count(&self) -> u64 {
        match self {
            SourceAdapter::Sql(s) => s.statement_count(),
            SourceAdapter::Http(h) => h.call_count(),
        }
    }

    /// postgresql, mysql, sqlite or http.
    pub fn engine(&self) -> &'static str {
        match self {
            SourceAdapter::Sql(s) => s.backend_name(),
            SourceAdapter::Http(_) => "http",
        }
    }

    pub fn as_sql(&self) -> Option<&SqlSource> {
        match self {
            SourceAdapter::Sql(s) => Some(s),
            SourceAdapter::Http(_) => None,
        }
    }

    pub fn as_http(&self) -> Option<&HttpSource> {
        match self {
            SourceAdapter::Http(h) => Some(h),
            SourceAdapter::Sql(_) => None,
        }
    }
}
