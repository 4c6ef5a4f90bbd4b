//! The per-source cache of regional lookups, keyed by (view, exact fiscal code): what a source
//! answered for a citizen (rows, or none: "known absent") and when. Entries younger than
//! `cache_ttl_ms` answer later requests without asking the source; entries younger than
//! `stale_ttl_ms` stand in, marked stale, when the source fails. Sources are read-only to
//! us and nothing the gateway writes changes what they answer, so entries only expire.

use super::contract::{EmploymentRow, PersonRow, TrainingRow, View};
use crate::config::SourceConfig;
use crate::domain::FiscalCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// One citizen's rows of one view, as the source gave them (empty: the source does not
/// know the citizen).
#[derive(Clone)]
pub enum Rows {
    Person(Arc<[PersonRow]>),
    Employment(Arc<[EmploymentRow]>),
    Training(Arc<[TrainingRow]>),
}

/// A contract view the cache keeps.
pub trait ViewRow: Clone + Send + Sync + 'static {
    const VIEW: View;
    fn fiscal_code(&self) -> &str;
    fn wrap(rows: Arc<[Self]>) -> Rows;
    fn unwrap(rows: &Rows) -> Option<Arc<[Self]>>;
}

impl ViewRow for PersonRow {
    const VIEW: View = View::Person;
    fn fiscal_code(&self) -> &str {
        &self.fiscal_code
    }
    fn wrap(rows: Arc<[Self]>) -> Rows {
        Rows::Person(rows)
    }
    fn unwrap(rows: &Rows) -> Option<Arc<[Self]>> {
        match rows {
            Rows::Person(r) => Some(r.clone()),
            _ => None,
        }
    }
}

impl ViewRow for EmploymentRow {
    const VIEW: View = View::Employment;
    fn fiscal_code(&self) -> &str {
        &self.fiscal_code
    }
    fn wrap(rows: Arc<[Self]>) -> Rows {
        Rows::Employment(rows)
    }
    fn unwrap(rows: &Rows) -> Option<Arc<[Self]>> {
        match rows {
            Rows::Employment(r) => Some(r.clone()),
            _ => None,
        }
    }
}

impl ViewRow for TrainingRow {
    const VIEW: View = View::Training;
    fn fiscal_code(&self) -> &str {
        &self.fiscal_code
    }
    fn wrap(rows: Arc<[Self]>) -> Rows {
        Rows::Training(rows)
    }
    fn unwrap(rows: &Rows) -> Option<Arc<[Self]>> {
        match rows {
            Rows::Training(r) => Some(r.clone()),
            _ => None,
        }
    }
}

#[derive(Clone)]
struct Entry {
    fetched_at: Instant,
    rows: Rows,
}

/// A cached answer and how old it is.
pub struct Hit<T> {
    pub rows: Arc<[T]>,
    pub age: Duration,
}

/// Counters for `sources { cacheHits … }` and `/readyz`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: u64,
    /// Citizen lookups answered from stale entries while the source failed.
    pub stale_served: u64,
}

pub struct SourceCache {
    fresh_for: Duration,
    stale_for: Duration,
    entries: moka::sync::Cache<(View, FiscalCode), Entry>,
    hits: AtomicU64,
    misses: AtomicU64,
    stale_served: AtomicU64,
}

impl SourceCache {
    /// `None` when the source keeps neither fresh nor stale answers.
    pub fn from_config(config: &SourceConfig) -> Option<Self> {
        if config.cache_ttl_ms == 0 && config.stale_ttl_ms == 0 {
            return None;
        }
        let fresh_for = Duration::from_millis(config.cache_ttl_ms);
        let stale_for = Duration::from_millis(config.stale_ttl_ms);
        Some(SourceCache {
            fresh_for,
            stale_for,
            entries: moka::sync::Cache::builder()
                .max_capacity(config.cache_max_entries)
                // kept as long as either use needs it; freshness is judged on `fetched_at`
                .time_to_live(fresh_for.max(stale_for))
                .build(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            stale_served: AtomicU64::new(0),
        })
    }

    pub fn ttl(&self) -> Duration {
        self.fresh_for
    }

    pub fn stale_ttl(&self) -> Duration {
        self.stale_for
    }

    fn get<T: ViewRow>(&self, key: &FiscalCode) -> Option<Hit<T>> {
        let entry = self.entries.get(&(T::VIEW, key.clone()))?;
        Some(Hit {
            rows: T::unwrap(&entry.rows)?,
            age: entry.fetched_at.elapsed(),
        })
    }

    /// The fresh entry of a citizen, counted as a hit or a miss.
    pub fn fresh<T: ViewRow>(&self, key: &FiscalCode) -> Option<Hit<T>> {
        let hit = self.get::<T>(key).filter(|h| h.age < self.fresh_for);
        let counter = if hit.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        hit
    }

    /// The last good answer for a citizen, if still young enough to serve while the source
    /// fails.
    pub fn stale<T: ViewRow>(&self, key: &FiscalCode) -> Option<Hit<T>> {
        let hit = self.get::<T>(key).filter(|h| h.age < self.stale_for)?;
        self.stale_served.fetch_add(1, Ordering::Relaxed);
        Some(hit)
    }

    pub fn put<T: ViewRow>(&self, key: FiscalCode, rows: Vec<T>, fetched_at: Instant) {
        let rows = T::wrap(rows.into());
        self.entries
            .insert((T::VIEW, key), Entry { fetched_at, rows });
    }

    pub fn stats(&self) -> CacheStats {
        // eviction and expiry are applied lazily: settle them so the count is current
        self.entries.run_pending_tasks();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.entries.entry_count(),
            stale_served: self.stale_served.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn cache(keys: &str) -> SourceCache {
        let config = Config::from_toml(&format!(
            "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n\
             [[sources]]\nname = \"a\"\nkind = \"sql\"\nurl = \"sqlite::memory:\"\n{keys}"
        ))
        .unwrap();
        SourceCache::from_config(&config.sources[0]).expect("cache on")
    }

    fn code() -> FiscalCode {
        FiscalCode::parse("RSSMRA85T10A562S").unwrap()
    }

    #[test]
    fn off_unless_a_ttl_is_set() {
        let config = Config::from_toml(
            "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n\
             [[sources]]\nname = \"a\"\nkind = \"sql\"\nurl = \"sqlite::memory:\"\n",
        )
        .unwrap();
        assert!(SourceCache::from_config(&config.sources[0]).is_none());
    }

    #[test]
    fn fresh_within_the_ttl_stale_within_the_stale_ttl() {
        let c = cache("cache_ttl_ms = 1000\nstale_ttl_ms = 5000\n");
        let now = Instant::now();
        c.put::<PersonRow>(code(), vec![], now);
        let hit = c.fresh::<PersonRow>(&code()).expect("fresh");
        assert!(hit.rows.is_empty(), "known absent");
        // another view of the same citizen is a separate entry
        assert!(c.fresh::<EmploymentRow>(&code()).is_none());
        let old = now.checked_sub(Duration::from_millis(2000)).unwrap();
        c.put::<PersonRow>(code(), vec![], old);
        assert!(c.fresh::<PersonRow>(&code()).is_none(), "past cache_ttl_ms");
        assert!(
            c.stale::<PersonRow>(&code()).is_some(),
            "within stale_ttl_ms"
        );
        let older = now.checked_sub(Duration::from_millis(6000)).unwrap();
        c.put::<PersonRow>(code(), vec![], older);
        assert!(c.stale::<PersonRow>(&code()).is_none(), "past stale_ttl_ms");
        let stats = c.stats();
        assert_eq!((stats.hits, stats.misses, stats.stale_served), (1, 2, 1));
    }

    #[test]
    fn a_stale_window_must_outlast_the_fresh_one() {
        let err = Config::from_toml(
            "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n\
             [[sources]]\nname = \"a\"\nkind = \"sql\"\nurl = \"sqlite::memory:\"\n\
             cache_ttl_ms = 5000\nstale_ttl_ms = 1000\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("stale_ttl_ms"), "{err}");
    }
}
