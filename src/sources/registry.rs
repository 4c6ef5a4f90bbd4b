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
                link: None,
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

    /// This source's rows of the views asked for these codes: fresh ones from the cache, the
    /// rest in one call; when that call fails, the codes' last good answers still young enough
    /// for `stale_ttl_ms`, marked stale, beside the failure. `all` holds the codes of every
    /// view as text, computed once for every source.
    async fn lookup(
        &self,
        keys: &ViewKeys,
        all: &ViewCodes,
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
        all: &ViewCodes,
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
        let asked = missing.codes();
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
            if let Some(list) = code_of(row.fiscal_code()).and_then(|k| by_key.get_mut(&k)) {
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

/// The citizens (exact codes) asked of each view.
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

    /// These keys plus, in each view, the older codes linked to them.
    fn with_older_codes(&self, links: &LinkMap) -> ViewKeys {
        if links.is_empty() {
            return self.clone();
        }
        let expand = |keys: &[FiscalCode]| -> Vec<FiscalCode> {
            keys.iter().flat_map(|k| links.family(k)).collect()
        };
        ViewKeys {
            person: expand(&self.person),
            employment: expand(&self.employment),
            training: expand(&self.training),
        }
    }

    /// Each view's codes as text, sorted and without repeats (one list shared by views asked
    /// for the same citizens).
    fn codes(&self) -> ViewCodes {
        let person = codes_of(&self.person);
        let same_or = |keys: &[FiscalCode]| {
            if keys == self.person.as_slice() {
                person.clone()
            } else {
                codes_of(keys)
            }
        };
        ViewCodes {
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

fn codes_of(keys: &[FiscalCode]) -> Vec<String> {
    let mut all: Vec<String> = keys.iter().map(|k| k.as_str().to_owned()).collect();
    all.sort();
    all.dedup();
    all
}

/// The code a stored row belongs to: exactly the one the source holds (normalised); rows with
/// malformed codes cannot match a request.
fn code_of(stored: &str) -> Option<FiscalCode> {
    FiscalCode::parse(stored).ok()
}

/// Rows grouped under the asked citizens: each citizen's own rows, and the rows of the older
/// codes linked to it, marked with their link. A code asked as a citizen and also linked into
/// another asked citizen shows under both.
fn group<T: ViewRow>(
    rows: Vec<Sourced<T>>,
    citizens: &[FiscalCode],
    links: &LinkMap,
) -> HashMap<FiscalCode, Vec<Sourced<T>>> {
    let mut by_code: HashMap<FiscalCode, Vec<Sourced<T>>> = HashMap::new();
    for sourced in rows {
        if let Some(code) = code_of(sourced.row.fiscal_code()) {
            by_code.entry(code).or_default().push(sourced);
        }
    }
    if links.is_empty() {
        by_code.retain(|code, _| citizens.contains(code));
        return by_code;
    }
    let mut grouped = HashMap::new();
    for citizen in citizens {
        if grouped.contains_key(citizen) {
            continue;
        }
        let mut rows: Vec<Sourced<T>> = by_code.get(citizen).cloned().unwrap_or_default();
        for link in links.older_codes(citizen) {
            rows.extend(
                by_code
                    .get(&link.from)
                    .into_iter()
                    .flatten()
                    .map(|r| Sourced {
                        link: Some(link.clone()),
                        ..r.clone()
                    }),
            );
        }
        if !rows.is_empty() {
            grouped.insert(citizen.clone(), rows);
        }
    }
    grouped
}
