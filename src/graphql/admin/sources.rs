//! The state of the regional sources as the `sources` query shows it. The sources know no
//! GraphQL: their state enums are mirrored here as `remote` enums, under the same names.

use super::access;
use crate::sources::registry::RegionalSource;
use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "SourceState", remote = "crate::sources::health::SourceState")]
pub enum SourceStateGql {
    /// Not asked anything yet.
    Unknown,
    Up,
    Down,
    /// Its views (or endpoints) do not match the contract: it is not asked until a readiness
    /// probe finds them fixed.
    Contract,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(
    name = "CircuitState",
    remote = "crate::sources::circuit::CircuitState"
)]
pub enum CircuitStateGql {
    /// Calls go through.
    Closed,
    /// Calls fail at once (reason `circuit_open`) until the cool-down ends.
    Open,
    /// The cool-down is over: the next call probes the source (one at a time; others still
    /// fail at once) and decides whether the circuit closes or opens again.
    HalfOpen,
}

/// Live status of one regional source.
#[derive(SimpleObject)]
#[graphql(guard = "access::SOURCE_STATUS")]
pub struct SourceStatus {
    pub name: String,
    /// `sql` or `http`.
    pub kind: String,
    /// postgresql, mysql, sqlite or http.
    pub engine: String,
    pub state: SourceStateGql,
    pub checked_at: Option<DateTime<Utc>>,
    pub latency_ms: Option<u64>,
    /// Why the last call made to the source failed, in one word: `timeout`, `unreachable`,
    /// `error` (the source's own), `rejected` (what a request asked), `contract`; calls an
    /// open circuit skips leave it as it is. The details are in the server log under
    /// `lastErrorId`.
    pub last_error: Option<String>,
    pub last_error_id: Option<String>,
    /// With state CONTRACT: how its views (or endpoints) differ from the contract, one line
    /// each, as `fascicolo check-sources` prints them. The source is not asked until a probe
    /// (this query, `/readyz`) finds them fixed.
    pub contract_problems: Vec<String>,
    /// Deadline of each call to this source.
    pub timeout_ms: u64,
    /// OPEN: the source is not called (its fields fail at once with reason `circuit_open`)
    /// until the cool-down ends; HALF_OPEN: the next call probes it.
    pub circuit: CircuitStateGql,
    /// Failed calls in a row; the circuit opens at `failureThreshold`.
    pub consecutive_failures: u32,
    pub failure_threshold: u32,
    /// How long an open circuit skips the source.
    pub cool_down_ms: u64,
    /// How long cached answers of this source are served without asking it (0: no cache).
    pub cache_ttl_ms: u64,
    /// How long its last good answers may stand in, marked stale, while it fails (0: never).
    pub stale_ttl_ms: u64,
    /// Citizen lookups (one per citizen and view) answered by the cache since start-up.
    pub cache_hits: u64,
    /// Citizen lookups the cache could not answer, so the source was asked.
    pub cache_misses: u64,
    /// Entries (citizen and view) held now.
    pub cache_entries: u64,
    /// Citizen lookups answered with stale data because the source failed.
    pub stale_served: u64,
}

/// What `source` looks like now (its last probe, circuit and cache).
pub fn status(s: &RegionalSource) -> SourceStatus {
    let health = s.health();
    let circuit = s.circuit();
    let cache = s.cache_stats();
    SourceStatus {
        name: s.name.to_string(),
        kind: s.kind.as_str().into(),
        engine: s.engine().into(),
        state: health.state.into(),
        checked_at: health.checked_at,
        latency_ms: health.latency_ms,
        last_error: health.last_error,
        last_error_id: health.last_error_id,
        contract_problems: health.problems,
        timeout_ms: millis(s.timeout),
        circuit: circuit.state().into(),
        consecutive_failures: circuit.consecutive_failures(),
        failure_threshold: circuit.threshold(),
        cool_down_ms: millis(circuit.cool_down()),
        cache_ttl_ms: s.cache().map_or(0, |c| millis(c.ttl())),
        stale_ttl_ms: s.cache().map_or(0, |c| millis(c.stale_ttl())),
        cache_hits: cache.hits,
        cache_misses: cache.misses,
        cache_entries: cache.entries,
        stale_served: cache.stale_served,
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
