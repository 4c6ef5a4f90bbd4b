//! The source registry: fans each batch out to every configured regional source at once,
//! with each source's own deadline and circuit breaker, and merges the answers with provenance
//! (DESIGN.md "Merging"). A failed source costs only its own rows: the failure is returned
//! beside the data.

use super::adapter::{CallError, SourceAdapter};
use super::cache::{CacheStats, SourceCache, ViewRow};
use super::circuit::{Circuit, CircuitState};
use super::contract::{EmploymentRow, PersonRow, TrainingRow, ViewCodes, ViewLists, ViewRows};
use super::health::Health;
use super::http::HttpSource;
use super::merge::{Freshness, MergedPerson, Sourced, merge_person};
use super::search::{PersonSearch, SearchCursor};
use super::sql::SqlSource;
use crate::config::{SourceConfig, SourceKind};
use crate::domain::FiscalCode;
use crate::domain::identity::LinkMap;
use futures::future::join_all;
use secrecy::ExposeSecret;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use super::health::{SourceFailure, SourceHealth, SourceState};

/// What the sources answered, plus the sources that could not.
#[derive(Debug, Clone)]
pub struct Gathered<T> {
    pub value: T,
    pub failures: Vec<SourceFailure>,
}

mod rows;
mod source;

pub use rows::{Profiles, ViewKeys};
use rows::{SourcedRows, ViewOf, code_of, group};
pub use source::RegionalSource;

/// A configured source whose adapter could not be built.
#[derive(Debug, thiserror::Error)]
#[error("source {source_name}: {reason}")]
pub struct SourceSetupError {
    pub source_name: String,
    pub reason: String,
}

pub struct SourceRegistry {
    sources: Vec<Arc<RegionalSource>>,
}

impl SourceRegistry {
    pub fn new(sources: Vec<Arc<RegionalSource>>) -> Self {
        SourceRegistry { sources }
    }

    /// Builds a pool (SQL) or client (HTTP) per configured source without connecting yet: a
    /// source that is down at start-up must not stop the gateway.
    pub async fn from_config(configs: &[SourceConfig]) -> Result<Self, SourceSetupError> {
        let mut sources = Vec::new();
        for config in configs {
            let timeout = Duration::from_millis(config.timeout_ms);
            let url = config.url.expose_secret();
            let setup_error = |reason: String| SourceSetupError {
                source_name: config.name.clone(),
                reason,
            };
            let adapter = match config.kind {
                SourceKind::Sql => SourceAdapter::Sql(
                    SqlSource::connect_lazy(url, config.max_connections, timeout)
                        .await
                        .map_err(|e| setup_error(e.to_string()))?,
                ),
                SourceKind::Http => SourceAdapter::Http(
                    HttpSource::new(url, config.token.clone(), config.max_connections, timeout)
                        .map_err(|e| setup_error(e.without_url().to_string()))?,
                ),
            };
            sources.push(Arc::new(
                RegionalSource::new(
                    &config.name,
                    config.kind,
                    timeout,
                    adapter,
                    Circuit::new(
                        config.failure_threshold,
                        Duration::from_millis(config.cool_down_ms),
                    ),
                )
                .with_cache(SourceCache::from_config(config)),
            ));
        }
        Ok(SourceRegistry { sources })
    }

    pub fn sources(&self) -> &[Arc<RegionalSource>] {
        &self.sources
    }

    /// Probes every source concurrently (start-up and `/readyz`).
    pub async fn probe_all(&self) -> Vec<Result<(), SourceFailure>> {
        join_all(self.sources.iter().map(|s| s.probe())).await
    }

    /// Total statements sent to each source so far, by name.
    pub fn statement_counts(&self) -> HashMap<String, u64> {
        self.sources
            .iter()
            .map(|s| (s.name.to_string(), s.statement_count()))
            .collect()
    }

    /// Each source's circuit, statements and cache, for `/metrics`.
    pub fn metric_readings(&self) -> Vec<crate::observe::SourceReading> {
        self.sources
            .iter()
            .map(|source| crate::observe::SourceReading {
                name: source.name.to_string(),
                circuit: match source.circuit_state() {
                    CircuitState::Closed => 0.0,
                    CircuitState::HalfOpen => 1.0,
                    CircuitState::Open => 2.0,
                },
                statements: source.statement_count(),
                cache: source.cache().map(|_| {
                    let stats = source.cache_stats();
                    (stats.hits, stats.misses)
                }),
            })
            .collect()
    }

    async fn fan_out<'a, T, F, Fut>(&'a self, call: F) -> (Vec<(Arc<str>, T)>, Vec<SourceFailure>)
    where
        F: Fn(&'a SourceAdapter) -> Fut,
        Fut: Future<Output = Result<T, CallError>> + 'a,
    {
        let answers = join_all(self.sources.iter().map(|s| {
            let work = call(&s.adapter);
            async move { (s.name.clone(), s.call(work).await) }
        }))
        .await;
        let mut values = Vec::new();
        let mut failures = Vec::new();
        for (name, answer) in answers {
            match answer {
                Ok(v) => values.push((name, v)),
                Err(f) => failures.push(f),
            }
        }
        (values, failures)
    }

    /// The views asked of every source for these citizens, merged: at most one call per
    /// source (one statement on a SQL source), none for what its cache answers. Each citizen
    /// is their exact code (DOMAIN.md §3.1); the older codes `links` joins to a citizen are
    /// asked too, in the same call, and their rows shown under the citizen, each marked with
    /// its link.
    pub async fn profiles(&self, keys: &ViewKeys, links: &LinkMap) -> Gathered<Profiles> {
        let asked = keys.with_older_codes(links);
        let all = asked.codes();
        let answers = join_all(self.sources.iter().map(|s| s.lookup(&asked, &all))).await;
        let mut rows = SourcedRows::default();
        let mut failures = Vec::new();
        for (found, failure) in answers {
            rows.persons.extend(found.persons);
            rows.employments.extend(found.employments);
            rows.trainings.extend(found.trainings);
            failures.extend(failure);
        }
        let persons = group(rows.persons, &keys.person, links)
            .into_iter()
            .filter_map(|(key, rows)| merge_person(key.clone(), rows).map(|p| (key, p)))
            .collect();
        let mut employments = group(rows.employments, &keys.employment, links);
        for rows in employments.values_mut() {
            rows.sort_by(|a, b| {
                (
                    b.row.start_date,
                    b.row.end_date.is_none(),
                    &b.source,
                    b.row.id,
                )
                    .cmp(&(
                        a.row.start_date,
                        a.row.end_date.is_none(),
                        &a.source,
                        a.row.id,
                    ))
            });
        }
        // newest first, undated last
        let mut trainings = group(rows.trainings, &keys.training, links);
        for rows in trainings.values_mut() {
            rows.sort_by(|a, b| {
                (b.row.start_date, &b.source, b.row.id).cmp(&(
                    a.row.start_date,
                    &a.source,
                    a.row.id,
                ))
            });
        }
        Gathered {
            value: Profiles {
                persons,
                employments,
                trainings,
            },
            failures,
        }
    }

    /// Merged person records of these citizens (one call per source).
    pub async fn persons(
        &self,
        keys: &[FiscalCode],
        links: &LinkMap,
    ) -> Gathered<HashMap<FiscalCode, MergedPerson>> {
        let gathered = self
            .profiles(
                &ViewKeys {
                    person: keys.to_vec(),
                    ..ViewKeys::default()
                },
                links,
            )
            .await;
        Gathered {
            value: gathered.value.persons,
            failures: gathered.failures,
        }
    }

    /// For each code, the other codes of its omocodia family (`FiscalCode::omocode_relatives`)
    /// that some source knows, with the sources that hold each: other people, flagged for an
    /// operator and never merged. One call per source, person view only.
    pub async fn omocode_relatives(
        &self,
        codes: &[FiscalCode],
    ) -> Gathered<HashMap<FiscalCode, Vec<(FiscalCode, Arc<str>)>>> {
        let relatives: Vec<(FiscalCode, Vec<FiscalCode>)> = codes
            .iter()
            .map(|c| (c.clone(), c.omocode_relatives()))
            .collect();
        let keys = ViewKeys {
            person: relatives
                .iter()
                .flat_map(|(_, r)| r.iter().cloned())
                .collect(),
            ..ViewKeys::default()
        };
        let all = keys.codes();
        let answers = join_all(self.sources.iter().map(|s| s.lookup(&keys, &all))).await;
        let mut known: HashMap<FiscalCode, Vec<Arc<str>>> = HashMap::new();
        let mut failures = Vec::new();
        for (found, failure) in answers {
            failures.extend(failure);
            for row in found.persons {
                if let Some(code) = code_of(&row.row.fiscal_code) {
                    known.entry(code).or_default().push(row.source);
                }
            }
        }
        let value = relatives
            .into_iter()
            .map(|(code, relatives)| {
                let mut found: Vec<(FiscalCode, Arc<str>)> = relatives
                    .into_iter()
                    .flat_map(|r| {
                        let sources = known.get(&r).cloned().unwrap_or_default();
                        sources.into_iter().map(move |s| (r.clone(), s))
                    })
                    .collect();
                found.sort();
                found.dedup();
                (code, found)
            })
            .collect();
        Gathered { value, failures }
    }

    /// The next `first` distinct citizens after `after`, merged across sources in
    /// (family name, given name, fiscal code) order; `bool` says whether more follow.
    pub async fn search(
        &self,
        search: &PersonSearch,
        after: Option<&SearchCursor>,
        first: usize,
    ) -> Gathered<(Vec<(SearchCursor, FiscalCode)>, bool)> {
        let (answers, failures) = self.fan_out(|s| s.search(search, after, first + 1)).await;
        let mut hits: Vec<(SearchCursor, FiscalCode)> = answers
            .into_iter()
            .flat_map(|(_, rows)| rows)
            .filter_map(|row| code_of(&row.fiscal_code).map(|key| (SearchCursor::of(&row), key)))
            .collect();
        hits.sort();
        let mut seen = std::collections::HashSet::new();
        hits.retain(|(_, key)| seen.insert(key.clone()));
        let has_more = hits.len() > first;
        hits.truncate(first);
        Gathered {
            value: (hits, has_more),
            failures,
        }
    }
}
