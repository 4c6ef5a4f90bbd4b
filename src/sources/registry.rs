//! The source registry: fans each batch out to every configured regional source at once,
//! with each source's own deadline and circuit breaker, and merges the answers with provenance
//! (DESIGN.md "Merging"). A failed source costs only its own rows: the failure is returned
//! beside the data.

use super::adapter::{CallError, SourceAdapter};
use super::cache::{CacheStats, SourceCache, ViewRow};
use super::circuit::{Circuit, CircuitState};
use super::contract::{EmploymentRow, PersonRow, TrainingRow, ViewLists, ViewRows, ViewSpellings};
use super::health::Health;
use super::http::HttpSource;
use super::merge::{Freshness, MergedPerson, Sourced, merge_person};
use super::search::{PersonSearch, SearchCursor};
use super::sql::SqlSource;
use crate::config::{SourceConfig, SourceKind};
use crate::domain::FiscalCode;
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

pub struct RegionalSource {
    pub name: Arc<str>,
    pub kind: SourceKind,
    pub timeout: Duration,
    pub(super) adapter: SourceAdapter,
    pub(super) health: Mutex<Health>,
    pub(super) circuit: Circuit,
    cache: Option<SourceCache>,
}

impl RegionalSource {
    pub fn new(
        name: &str,
        kind: SourceKind,
        timeout: Duration,
        adapter: SourceAdapter,
        circuit: Circuit,
    ) -> Self {
        RegionalSource {
            name: name.into(),
            kind,
            timeout,
            adapter,
            health: Mutex::default(),
            circuit,
            cache: None,
        }
    }

    /// Keeps this source's answers in `cache` (see `sources::cache`).
    pub fn with_cache(mut self, cache: Option<SourceCache>) -> Self {
        self.cache = cache;
        self
    }

    pub fn cache(&self) -> Option<&SourceCache> {
        self.cache.as_ref()
    }

    pub fn cache_stats(&self) -> CacheStats {
        self.cache
            .as_ref()
            .map(SourceCache::stats)
            .unwrap_or_default()
    }

    /// Statements (SQL) or HTTP calls sent to this source so far.
    pub fn statement_count(&self) -> u64 {
        self.adapter.call_count()
    }

    /// postgresql, mysql, sqlite or http.
    pub fn engine(&self) -> &'static str {
        self.adapter.engine()
    }

    pub fn adapter(&self) -> &SourceAdapter {
        &self.adapter
    }

    pub fn circuit(&self) -> &Circuit {
        &self.circuit
    }

    pub fn circuit_state(&self) -> CircuitState {
        self.circuit.state()
    }

    fn sourced_rows<T>(
        &self,
        rows: impl IntoIterator<Item = T>,
        freshness: Freshness,
    ) -> Vec<Sourced<T>> {
        rows.into_iter()
            .map(|row| Sourced {
                source: self.name.clone(),
                row,
                freshness,
            })
            .collect()
    }

    fn sourced(&self, rows: ViewRows, freshness: Freshness) -> SourcedRows {
        SourcedRows {
            persons: self.sourced_rows(rows.persons, freshness),
            employments: self.sourced_rows(rows.employments, freshness),
            trainings: self.sourced_rows(rows.trainings, freshness),
        }
    }

    /// This source's rows of the views asked for these citizens (base codes): fresh ones from
    /// the cache, the rest in one call; when that call fails, the citizens' last good answers
    /// still young enough for `stale_ttl_ms`, marked stale, beside the failure. `all` holds
    /// the spellings of every key, computed once for every source.
    async fn lookup(
        &self,
        keys: &ViewKeys,
        all: &ViewSpellings,
    ) -> (SourcedRows, Option<SourceFailure>) {
        use tracing::Instrument;
        let span = tracing::info_span!(
            "source_call",
            source = %self.name,
            view = tracing::field::Empty,
            keys = keys.citizens(),
            rows = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let (rows, failure) = self
            .lookup_rows(keys, all, &span)
            .instrument(span.clone())
            .await;
        span.record("rows", rows.len());
        span.record(
            "outcome",
            failure.as_ref().map_or("ok", |f| f.reason.as_str()),
        );
        (rows, failure)
    }

    async fn lookup_rows(
        &self,
        keys: &ViewKeys,
        all: &ViewSpellings,
        span: &tracing::Span,
    ) -> (SourcedRows, Option<SourceFailure>) {
        let Some(cache) = &self.cache else {
            span.record("view", all.views());
            return match self.call(self.adapter.fetch_views(all)).await {
                Ok(rows) => (self.sourced(rows, Freshness::default()), None),
                Err(failure) => (SourcedRows::default(), Some(failure)),
            };
        };
        let mut out = SourcedRows::default();
        let mut missing = ViewKeys::default();
        self.take_cached::<PersonRow>(cache, keys, &mut out, &mut missing);
        self.take_cached::<EmploymentRow>(cache, keys, &mut out, &mut missing);
        self.take_cached::<TrainingRow>(cache, keys, &mut out, &mut missing);
        if missing.is_empty() {
            span.record("view", "cache");
            return (out, None);
        }
        let asked = missing.spellings();
        span.record("view", asked.views());
        match self.call(self.adapter.fetch_views(&asked)).await {
            Ok(mut rows) => {
                let fetched_at = Instant::now();
                self.remember::<PersonRow>(cache, &missing, &mut rows, fetched_at, &mut out);
                self.remember::<EmploymentRow>(cache, &missing, &mut rows, fetched_at, &mut out);
                self.remember::<TrainingRow>(cache, &missing, &mut rows, fetched_at, &mut out);
                (out, None)
            }
            Err(mut failure) => {
                self.stale::<PersonRow>(cache, &missing, &mut failure, &mut out);
                self.stale::<EmploymentRow>(cache, &missing, &mut failure, &mut out);
                self.stale::<TrainingRow>(cache, &missing, &mut failure, &mut out);
                (out, Some(failure))
            }
        }
    }

    /// One view's fresh cache entries into `out`; the citizens without one into `missing`.
    fn take_cached<T: ViewOf>(
        &self,
        cache: &SourceCache,
        keys: &ViewKeys,
        out: &mut SourcedRows,
        missing: &mut ViewKeys,
    ) {
        for key in keys.of(T::VIEW) {
            match cache.fresh::<T>(key) {
                Some(hit) => T::sourced(out).extend(self.sourced_rows(
                    hit.rows.iter().cloned(),
                    Freshness {
                        age: Some(hit.age),
                        stale: false,
                    },
                )),
                None => missing.of_mut(T::VIEW).push(key.clone()),
            }
        }
    }

    /// One view's answer into the cache (every citizen asked gets an entry, an empty one
    /// when the source does not know them, so a repeated miss costs nothing either) and
    /// into `out`.
    fn remember<T: ViewOf>(
        &self,
        cache: &SourceCache,
        missing: &ViewKeys,
        rows: &mut ViewRows,
        fetched_at: Instant,
        out: &mut SourcedRows,
    ) {
        let rows = std::mem::take(T::answered(rows));
        let mut by_key: HashMap<FiscalCode, Vec<T>> = missing
            .of(T::VIEW)
            .iter()
            .map(|k| (k.clone(), Vec::new()))
            .collect();
        for row in &rows {
            if let Some(list) = base_of(row.fiscal_code()).and_then(|k| by_key.get_mut(&k)) {
                list.push(row.clone());
            }
        }
        for (key, list) in by_key {
            cache.put(key, list, fetched_at);
        }
        T::sourced(out).extend(self.sourced_rows(rows, Freshness::default()));
    }

    /// One view's last good answers, young enough, marked stale, into `out`.
    fn stale<T: ViewOf>(
        &self,
        cache: &SourceCache,
        missing: &ViewKeys,
        failure: &mut SourceFailure,
        out: &mut SourcedRows,
    ) {
        for key in missing.of(T::VIEW) {
            if let Some(hit) = cache.stale::<T>(key) {
                failure.stale_age = failure.stale_age.max(Some(hit.age));
                T::sourced(out).extend(self.sourced_rows(
                    hit.rows.iter().cloned(),
                    Freshness {
                        age: Some(hit.age),
                        stale: true,
                    },
                ));
            }
        }
    }
}

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

    /// The views asked of every source for the given base codes, merged: at most one call
    /// per source (one statement on a SQL source), none for what its cache answers.
    pub async fn profiles(&self, keys: &ViewKeys) -> Gathered<Profiles> {
        let all = keys.spellings();
        let answers = join_all(self.sources.iter().map(|s| s.lookup(keys, &all))).await;
        let mut rows = SourcedRows::default();
        let mut failures = Vec::new();
        for (found, failure) in answers {
            rows.persons.extend(found.persons);
            rows.employments.extend(found.employments);
            rows.trainings.extend(found.trainings);
            failures.extend(failure);
        }
        let persons = group(rows.persons, |r: &PersonRow| &r.fiscal_code)
            .into_iter()
            .filter_map(|(key, rows)| merge_person(key.clone(), rows).map(|p| (key, p)))
            .collect();
        let mut employments = group(rows.employments, |r: &EmploymentRow| &r.fiscal_code);
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
        let mut trainings = group(rows.trainings, |r: &TrainingRow| &r.fiscal_code);
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

    /// Merged person records for the given base codes (one call per source).
    pub async fn persons(
        &self,
        keys: &[FiscalCode],
    ) -> Gathered<HashMap<FiscalCode, MergedPerson>> {
        let gathered = self
            .profiles(&ViewKeys {
                person: keys.to_vec(),
                ..ViewKeys::default()
            })
            .await;
        Gathered {
            value: gathered.value.persons,
            failures: gathered.failures,
        }
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
            .filter_map(|row| base_of(&row.fiscal_code).map(|key| (SearchCursor::of(&row), key)))
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

/// Base codes asked of each view.
pub type ViewKeys = ViewLists<FiscalCode>;

impl ViewKeys {
    /// Every view for these citizens.
    pub fn all(keys: &[FiscalCode]) -> Self {
        ViewKeys {
            person: keys.to_vec(),
            employment: keys.to_vec(),
            training: keys.to_vec(),
        }
    }

    /// Distinct citizens asked of any view.
    pub fn citizens(&self) -> usize {
        let mut all: Vec<&FiscalCode> = self
            .person
            .iter()
            .chain(&self.employment)
            .chain(&self.training)
            .collect();
        all.sort();
        all.dedup();
        all.len()
    }

    /// Every spelling of each view's citizens, computed once for views asked for the same.
    fn spellings(&self) -> ViewSpellings {
        let person = spellings_of(&self.person);
        let same_or = |keys: &[FiscalCode]| {
            if keys == self.person.as_slice() {
                person.clone()
            } else {
                spellings_of(keys)
            }
        };
        ViewSpellings {
            employment: same_or(&self.employment),
            training: same_or(&self.training),
            person,
        }
    }
}

/// What the sources answered for a `ViewKeys`, merged and ordered.
#[derive(Debug, Default)]
pub struct Profiles {
    pub persons: HashMap<FiscalCode, MergedPerson>,
    /// Newest first.
    pub employments: HashMap<FiscalCode, Vec<Sourced<EmploymentRow>>>,
    /// Newest first, undated last.
    pub trainings: HashMap<FiscalCode, Vec<Sourced<TrainingRow>>>,
}

/// One source's rows, view by view, each tagged with the source.
#[derive(Default)]
struct SourcedRows {
    persons: Vec<Sourced<PersonRow>>,
    employments: Vec<Sourced<EmploymentRow>>,
    trainings: Vec<Sourced<TrainingRow>>,
}

impl SourcedRows {
    fn len(&self) -> usize {
        self.persons.len() + self.employments.len() + self.trainings.len()
    }
}

/// A view's place in `ViewRows` and `SourcedRows`.
trait ViewOf: ViewRow {
    fn answered(rows: &mut ViewRows) -> &mut Vec<Self>;
    fn sourced(rows: &mut SourcedRows) -> &mut Vec<Sourced<Self>>;
}

macro_rules! view_of {
    ($row:ty, $rows:ident) => {
        impl ViewOf for $row {
            fn answered(rows: &mut ViewRows) -> &mut Vec<Self> {
                &mut rows.$rows
            }
            fn sourced(rows: &mut SourcedRows) -> &mut Vec<Sourced<Self>> {
                &mut rows.$rows
            }
        }
    };
}

view_of!(PersonRow, persons);
view_of!(EmploymentRow, employments);
view_of!(TrainingRow, trainings);

fn spellings_of(keys: &[FiscalCode]) -> Vec<String> {
    let mut all: Vec<String> = keys.iter().flat_map(FiscalCode::lookup_spellings).collect();
    all.sort();
    all.dedup();
    all
}

/// The citizen a stored code belongs to; rows with malformed codes cannot match a request.
fn base_of(stored: &str) -> Option<FiscalCode> {
    FiscalCode::parse(stored).ok().map(|fc| fc.base())
}

fn group<T>(
    rows: Vec<Sourced<T>>,
    code: impl Fn(&T) -> &String,
) -> HashMap<FiscalCode, Vec<Sourced<T>>> {
    let mut grouped: HashMap<FiscalCode, Vec<Sourced<T>>> = HashMap::new();
    for sourced in rows {
        if let Some(key) = base_of(code(&sourced.row)) {
            grouped.entry(key).or_default().push(sourced);
        }
    }
    grouped
}
