//! Metrics in the Prometheus text format, served at `/metrics` (README "Metrics"). Events are
//! recorded where they happen through the `metrics` facade; states (circuits, caches, the
//! store's pool) are read when `/metrics` is rendered. No label carries personal data: label
//! values are source and loader names, fixed outcome words and bounded operation names.
//! It imports nothing of ours: the states it renders are handed in as plain readings.

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

pub const GRAPHQL_REQUESTS: &str = "fascicolo_graphql_requests_total";
pub const GRAPHQL_DURATION: &str = "fascicolo_graphql_request_duration_seconds";
pub const SOURCE_CALLS: &str = "fascicolo_source_calls_total";
pub const SOURCE_DURATION: &str = "fascicolo_source_call_duration_seconds";
pub const SOURCE_CIRCUIT: &str = "fascicolo_source_circuit_state";
pub const SOURCE_CACHE_HITS: &str = "fascicolo_source_cache_hits_total";
pub const SOURCE_CACHE_MISSES: &str = "fascicolo_source_cache_misses_total";
pub const BATCH_SIZE: &str = "fascicolo_dataloader_batch_size";
pub const POOL_CONNECTIONS: &str = "fascicolo_store_pool_connections";
pub const SOURCE_STATEMENTS: &str = "fascicolo_source_statements_total";
pub const STORE_STATEMENTS: &str = "fascicolo_store_statements_total";
pub const AUDIT_GROUP: &str = "fascicolo_audit_group_requests";

/// Latency buckets (seconds): from a cached answer to a source's deadline.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Keys per DataLoader batch.
const BATCH_BUCKETS: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 5000.0, 10000.0, 100000.0,
];

/// Longest operation name kept as a label.
pub const MAX_OPERATION_NAME: usize = 64;
/// Distinct operation names kept as labels; later ones are counted as `other`.
pub const MAX_OPERATIONS: usize = 256;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on first use (once per process, however many servers
/// it starts). `None` when another recorder was installed first: then nothing is rendered.
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    metrics_exporter_prometheus::Matcher::Suffix("_duration_seconds".into()),
                    LATENCY_BUCKETS,
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        metrics_exporter_prometheus::Matcher::Full(BATCH_SIZE.into()),
                        BATCH_BUCKETS,
                    )
                })
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        metrics_exporter_prometheus::Matcher::Full(AUDIT_GROUP.into()),
                        BATCH_BUCKETS,
                    )
                })
                .and_then(PrometheusBuilder::install_recorder);
            match built {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(err) => {
                    tracing::warn!(error = %err, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        GRAPHQL_REQUESTS,
        "GraphQL requests by operation name and outcome (ok, partial, error, refused)"
    );
    describe_histogram!(
        GRAPHQL_DURATION,
        Unit::Seconds,
        "GraphQL request duration by operation name"
    );
    describe_counter!(
        SOURCE_CALLS,
        "Calls to regional sources by outcome (ok, error, timeout, unreachable, contract, rejected, circuit_open)"
    );
    describe_histogram!(
        SOURCE_DURATION,
        Unit::Seconds,
        "Duration of the calls a regional source was sent"
    );
    describe_gauge!(
        SOURCE_CIRCUIT,
        "Circuit breaker state of each source: 0 closed, 1 half-open, 2 open"
    );
    describe_counter!(SOURCE_CACHE_HITS, "Source cache hits");
    describe_counter!(SOURCE_CACHE_MISSES, "Source cache misses");
    describe_histogram!(BATCH_SIZE, "Keys per DataLoader batch, by loader");
    describe_counter!(
        SOURCE_STATEMENTS,
        "Statements (SQL) or HTTP calls sent to each regional source"
    );
    describe_counter!(STORE_STATEMENTS, "Statements sent to the store");
    describe_histogram!(
        AUDIT_GROUP,
        "Requests whose read audit rows were committed in one transaction"
    );
    describe_gauge!(
        POOL_CONNECTIONS,
        "Connections of the store's pool by state (idle, in_use)"
    );
}

/// Drains histogram samples into their buckets (also done by each render).
pub fn upkeep() {
    if let Some(handle) = handle() {
        handle.run_upkeep();
    }
}

/// The state of one regional source when `/metrics` is rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceReading {
    pub name: String,
    /// The circuit breaker: 0 closed, 1 half-open, 2 open.
    pub circuit: f64,
    pub statements: u64,
    /// Cache hits and misses, for a source with a cache.
    pub cache: Option<(u64, u64)>,
}

/// The state of the store when `/metrics` is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreReading {
    pub statements: u64,
    pub pool_size: u32,
    pub pool_idle: u32,
}

/// The text exposition, with the states of `sources` and `store` read by the caller now.
pub fn render(sources: &[SourceReading], store: &StoreReading) -> Option<String> {
    let handle = handle()?;
    for source in sources {
        let name = source.name.clone();
        metrics::gauge!(SOURCE_CIRCUIT, "source" => name.clone()).set(source.circuit);
        metrics::counter!(SOURCE_STATEMENTS, "source" => name.clone()).absolute(source.statements);
        if let Some((hits, misses)) = source.cache {
            metrics::counter!(SOURCE_CACHE_HITS, "source" => name.clone()).absolute(hits);
            metrics::counter!(SOURCE_CACHE_MISSES, "source" => name).absolute(misses);
        }
    }
    metrics::counter!(STORE_STATEMENTS).absolute(store.statements);
    metrics::gauge!(POOL_CONNECTIONS, "state" => "idle").set(f64::from(store.pool_idle));
    metrics::gauge!(POOL_CONNECTIONS, "state" => "in_use")
        .set(f64::from(store.pool_size.saturating_sub(store.pool_idle)));
    handle.run_upkeep();
    Some(handle.render())
}

/// One GraphQL request: its operation label (see [`operation_label`]), outcome and duration.
pub fn graphql_request(operation: &str, outcome: &'static str, elapsed: Duration) {
    metrics::counter!(GRAPHQL_REQUESTS, "operation" => operation.to_owned(), "outcome" => outcome)
        .increment(1);
    metrics::histogram!(GRAPHQL_DURATION, "operation" => operation.to_owned())
        .record(elapsed.as_secs_f64());
}

/// One call to a source (`outcome`: ok, error, timeout, unreachable, contract, rejected,
/// circuit_open); `elapsed` is `None` for a call that was not made.
pub fn source_call(source: &str, outcome: &'static str, elapsed: Option<Duration>) {
    metrics::counter!(SOURCE_CALLS, "source" => source.to_owned(), "outcome" => outcome)
        .increment(1);
    if let Some(elapsed) = elapsed {
        metrics::histogram!(SOURCE_DURATION, "source" => source.to_owned())
            .record(elapsed.as_secs_f64());
    }
}

/// One group commit of the read audit: `requests` requests. No log line: the commit serves
/// several requests, and each logs its own outcome under its own id.
pub fn audit_group(requests: usize) {
    #[allow(clippy::cast_precision_loss)] // far below 2^52
    metrics::histogram!(AUDIT_GROUP).record(requests as f64);
}

/// One DataLoader batch of `size` keys: in the metrics, and on its `batch` span
/// (`telemetry::batch_span`).
pub fn batch_named(loader: &'static str, size: usize) {
    let span = tracing::Span::current();
    span.record("loader", loader);
    span.record("keys", size);
    #[allow(clippy::cast_precision_loss)] // batch sizes are far below 2^52
    metrics::histogram!(BATCH_SIZE, "loader" => loader).record(size as f64);
}

/// One batch of a store loader, labelled by its key type (`LibrettiOf`, …).
pub fn batch<K>(keys: &[K]) {
    let full = std::any::type_name::<K>();
    let short = full.rsplit("::").next().unwrap_or(full);
    batch_named(short, keys.len());
}

/// The label of an operation: its `operationName` when that is a GraphQL name (cut to
/// [`MAX_OPERATION_NAME`] characters), `anonymous` without one, `invalid` when it is not a
/// name, and `other` once [`MAX_OPERATIONS`] names have been seen. Never query text.
pub fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return "anonymous".into();
    };
    let is_name = name
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
    if !is_name {
        return "invalid".into();
    }
    let label: String = name.chars().take(MAX_OPERATION_NAME).collect();
    let mut seen = SEEN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if seen.contains(&label) {
        return label;
    }
    if seen.len() >= MAX_OPERATIONS {
        return "other".into();
    }
    seen.insert(label.clone());
    label
}

#[cfg(test)]
mod tests {
    use super::operation_label;

    #[test]
    fn operation_labels_are_bounded_names() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("")), "anonymous");
        assert_eq!(operation_label(Some("Citizen_1")), "Citizen_1");
        assert_eq!(
            operation_label(Some("{ citizen(fiscalCode: \"X\") }")),
            "invalid"
        );
        assert_eq!(operation_label(Some("1abc")), "invalid");
        assert_eq!(operation_label(Some("àbc")), "invalid");
        let long = "a".repeat(100);
        assert_eq!(operation_label(Some(&long)).len(), 64);
    }
}
