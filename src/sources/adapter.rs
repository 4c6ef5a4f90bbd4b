//! One adapter per source kind behind the same calls, so the registry fans a batch out to
//! SQL databases and HTTP services alike: one statement per batch, or one HTTP call per view.

use super::conformance::{ContractProblem, check_contract, endpoint_problem};
use super::contract::{PersonRow, ViewCodes, ViewRows};
use super::http::{HttpSource, PERSONS};
use super::search::{PersonSearch, SearchCursor};
use super::sql::SqlSource;

pub use super::fault::{CallError, Fault};

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

    /// A round trip that checks the contract (an empty list: it conforms). A database: a
    /// ping, then the views' columns and types from its catalog, then the adapter readied
    /// (the PostgreSQL key type, read only from a `gw_person` that is there). A service: an
    /// empty batch to `/persons`, whose answer outside the contract is the problem.
    pub async fn check(&self) -> Result<Vec<ContractProblem>, CallError> {
        match self {
            SourceAdapter::Sql(s) => {
                s.ping().await?;
                let problems = check_contract(s.connection()).await?;
                if problems.is_empty() {
                    s.prepare().await?;
                }
                Ok(problems)
            }
            SourceAdapter::Http(h) => match h.ping().await {
                Err(e) if e.fault == Fault::Contract => Ok(vec![endpoint_problem(PERSONS, &e)]),
                other => other.map(|()| Vec::new()),
            },
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
