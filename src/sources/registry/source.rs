//! One regional source: its adapter, deadline, circuit, health and cache, and how it answers a
//! lookup (fresh cache entries first, the rest asked of the database, stale ones on failure).

use super::*;

pub struct RegionalSource {
    pub name: Arc<str>,
    pub kind: SourceKind,
    pub timeout: Duration,
    pub(in crate::sources) adapter: SourceAdapter,
    pub(in crate::sources) health: Mutex<Health>,
    pub(in crate::sources) circuit: Circuit,
    pub(super) cache: Option<SourceCache>,
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

    pub(super) fn sourced_rows<T>(
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

    pub(super) fn sourced(&self, rows: ViewRows, freshness: Freshness) -> SourcedRows {
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
    pub(super) async fn lookup(
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

    pub(super) async fn lookup_rows(
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
    pub(super) fn take_cached<T: ViewOf>(
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
    pub(super) fn remember<T: ViewOf>(
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
    pub(super) fn stale<T: ViewOf>(
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
