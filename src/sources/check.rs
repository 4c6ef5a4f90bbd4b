//! `check-sources`: compares each configured source with the source contract and lists every
//! problem, one clear line each: for a database, the views' columns and types
//! ([`conformance`](super::conformance), the same check the registry runs at start-up and in
//! readiness probes); for an `http` source, calls each endpoint and checks that the answers
//! have the contract's shape ([`check_source`] does both kinds).

use std::time::Duration;

use secrecy::ExposeSecret;

use super::fault::{CallError, Fault};
use super::http::{EMPLOYMENTS, HttpSource, PERSONS, SEARCH, TRAININGS};
use super::search::PersonSearch;
use crate::config::redact;
use crate::config::{SourceConfig, SourceKind};
use crate::domain::FiscalCode;

pub use super::conformance::{ContractProblem, check_contract, endpoint_problem};

/// What `check-sources` found for one configured source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceCheck {
    /// The source answers and matches the contract.
    Conforms,
    /// The source answers with these differences from the contract.
    Problems(Vec<ContractProblem>),
    /// No connection or no answer in time.
    Unreachable(String),
    /// Connected, but the catalogue could not be read (e.g. a permission error).
    Catalogue(String),
}

/// One configured source and what its check found; `Display` prints the lines
/// `check-sources` shows for it.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub name: String,
    pub kind: SourceKind,
    /// The URL without its password.
    pub target: String,
    pub outcome: SourceCheck,
}

impl SourceReport {
    pub fn passed(&self) -> bool {
        self.outcome == SourceCheck::Conforms
    }
}

impl std::fmt::Display for SourceReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = &self.name;
        match &self.outcome {
            SourceCheck::Conforms => match self.kind {
                SourceKind::Sql => writeln!(
                    f,
                    "✓ {name}: gw_person, gw_employment, gw_training match the contract"
                ),
                SourceKind::Http => writeln!(
                    f,
                    "✓ {name}: /persons, /employments, /trainings, /search answer the contract"
                ),
            },
            SourceCheck::Problems(problems) => {
                writeln!(f, "✗ {name}: {} problem(s)", problems.len())?;
                for p in problems {
                    writeln!(f, "    - {p}")?;
                }
                Ok(())
            }
            SourceCheck::Unreachable(why) => {
                writeln!(f, "✗ {name}: unreachable ({}): {why}", self.target)
            }
            SourceCheck::Catalogue(why) => {
                writeln!(f, "✗ {name}: cannot read the catalogue: {why}")
            }
        }
    }
}

/// Checks one configured source of either kind, with a deadline of at least 2 s per step
/// (a check is run by hand; a cold connection may be slower than a batch's `timeout_ms`).
pub async fn check_source(config: &SourceConfig) -> SourceReport {
    let url = config.url.expose_secret();
    let deadline = Duration::from_millis(config.timeout_ms.max(2_000));
    let outcome = match config.kind {
        SourceKind::Sql => check_sql(url, deadline).await,
        SourceKind::Http => check_http(config, deadline).await,
    };
    SourceReport {
        name: config.name.clone(),
        kind: config.kind,
        target: redact(url),
        outcome,
    }
}

async fn check_sql(url: &str, deadline: Duration) -> SourceCheck {
    let db = match tokio::time::timeout(deadline, sea_orm::Database::connect(url)).await {
        Ok(Ok(db)) => db,
        Ok(Err(e)) => return SourceCheck::Unreachable(e.to_string()),
        Err(_) => return SourceCheck::Unreachable("no answer in time".into()),
    };
    let outcome = match check_contract(&db).await {
        Ok(problems) if problems.is_empty() => SourceCheck::Conforms,
        Ok(problems) => SourceCheck::Problems(problems),
        Err(e) => SourceCheck::Catalogue(e.to_string()),
    };
    db.close().await.ok();
    outcome
}

/// Calls every endpoint: an empty batch to `/persons`; `/search` with no criteria and limit 1
/// for a sample citizen; then that citizen's rows from `/persons`, `/employments` and
/// `/trainings` (or empty batches when the service knows nobody). Every answer is decoded
/// as the gateway decodes it, so a row outside the contract is reported with its field.
async fn check_http(config: &SourceConfig, deadline: Duration) -> SourceCheck {
    let source = match HttpSource::new(
        config.url.expose_secret(),
        config.token.clone(),
        1,
        deadline,
    ) {
        Ok(source) => source,
        Err(e) => return SourceCheck::Unreachable(e.without_url().to_string()),
    };
    if let Err(e) = within(deadline, source.persons(&[])).await {
        return match e.fault {
            Fault::Unreachable => SourceCheck::Unreachable(e.detail),
            Fault::Timeout => SourceCheck::Unreachable("no answer in time".into()),
            _ => SourceCheck::Problems(vec![endpoint_problem(PERSONS, &e)]),
        };
    }
    let mut problems = Vec::new();
    let sample = match within(deadline, source.search(&PersonSearch::default(), None, 1)).await {
        Ok(rows) => rows.into_iter().next(),
        Err(e) => {
            problems.push(endpoint_problem(SEARCH, &e));
            None
        }
    };
    let codes: Vec<String> = match &sample {
        Some(person) => match FiscalCode::parse(&person.fiscal_code) {
            Ok(code) => vec![code.as_str().to_owned()],
            Err(_) => vec![person.fiscal_code.clone()],
        },
        None => Vec::new(),
    };
    if sample.is_some() {
        match within(deadline, source.persons(&codes)).await {
            Ok(rows) if rows.is_empty() => problems.push(ContractProblem::Endpoint {
                endpoint: PERSONS.into(),
                problem: "does not return the person that /search returned first".into(),
            }),
            Ok(_) => {}
            Err(e) => problems.push(endpoint_problem(PERSONS, &e)),
        }
    }
    if let Err(e) = within(deadline, source.employments(&codes)).await {
        problems.push(endpoint_problem(EMPLOYMENTS, &e));
    }
    if let Err(e) = within(deadline, source.trainings(&codes)).await {
        problems.push(endpoint_problem(TRAININGS, &e));
    }
    if problems.is_empty() {
        SourceCheck::Conforms
    } else {
        SourceCheck::Problems(problems)
    }
}

async fn within<T>(
    deadline: Duration,
    call: impl std::future::Future<Output = Result<T, CallError>>,
) -> Result<T, CallError> {
    tokio::time::timeout(deadline, call)
        .await
        .unwrap_or_else(|_| Err(CallError::new(Fault::Timeout, "no answer in time")))
}
