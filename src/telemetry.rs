//! Logs and traces (README "Logs and traces"): one `tracing` subscriber whose sink is a
//! parameter (stdout in the binary, a buffer in tests), writing text or JSON lines, and
//! optionally exporting the spans over OTLP/HTTP.
//!
//! The spans: `request` (its `request_id`, also the `x-request-id` answer header; method;
//! path without the query string; the GraphQL operation's label), `batch` (one DataLoader batch: `loader`, `keys`) and
//! `source_call` (one call to a regional source: `source`, `view`, `keys`, `rows`, `outcome`).
//! Every line logged while a request is served carries its request span, so its id. No span
//! field carries personal data: codes and names never go in a span, only counts and names of
//! things.

use crate::config::{LogConfig, LogFormat};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::time::Duration;
use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("log.otlp_endpoint {endpoint}: {reason}")]
    Otlp { endpoint: String, reason: String },
}

/// Holds the OTLP exporter, when there is one; [`Telemetry::shutdown`] sends the spans still
/// buffered.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends what is buffered now (tests; `shutdown` does it too).
    pub fn flush(&self) {
        if let Some(provider) = self.provider.clone() {
            // the SDK waits on its own export thread: never on an async worker
            let _ = std::thread::spawn(move || provider.force_flush()).join();
        }
    }

    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            let _ = std::thread::spawn(move || provider.shutdown()).join();
        }
    }
}

/// The subscriber for `log`: its filter (`RUST_LOG` wins), text or JSON lines into `writer`
/// (no colour codes), and the OTLP layer when `log.otlp_endpoint` is set.
pub fn subscriber<W>(
    log: &LogConfig,
    writer: W,
) -> Result<(impl Subscriber + Send + Sync + use<W>, Telemetry), TelemetryError>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    build(log, writer, false)
}

fn build<W>(
    log: &LogConfig,
    writer: W,
    ansi: bool,
) -> Result<(impl Subscriber + Send + Sync + use<W>, Telemetry), TelemetryError>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&log.level));
    let lines = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(ansi);
    let lines = match log.format {
        LogFormat::Json => lines.json().boxed(),
        LogFormat::Text => lines.boxed(),
    };
    let (otlp, provider) = match &log.otlp_endpoint {
        Some(endpoint) => {
            let provider = otlp_provider(endpoint, &log.otlp_service_name, log.otlp_timeout())?;
            let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("fascicolo"));
            (Some(layer), Some(provider))
        }
        None => (None, None),
    };
    let subscriber = Registry::default().with(otlp).with(lines).with(filter);
    Ok((subscriber, Telemetry { provider }))
}

/// Installs the subscriber for the whole process, writing to `target`.
pub fn init(log: &LogConfig, target: LogTarget) -> Result<Telemetry, TelemetryError> {
    use std::io::IsTerminal;
    // colour codes only for a person at a terminal, never into a file or a collector
    match target {
        LogTarget::Stdout => install(log, std::io::stdout, std::io::stdout().is_terminal()),
        LogTarget::Stderr => install(log, std::io::stderr, std::io::stderr().is_terminal()),
    }
}

/// Where the log lines go: stdout for the server; stderr for a command whose stdout is its
/// answer (a token, a report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    Stdout,
    Stderr,
}

fn install<W>(log: &LogConfig, writer: W, ansi: bool) -> Result<Telemetry, TelemetryError>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let (subscriber, telemetry) = build(log, writer, ansi)?;
    // a second init in one process (tests) keeps the first subscriber
    let _ = tracing::subscriber::set_global_default(subscriber);
    Ok(telemetry)
}

fn otlp_provider(
    endpoint: &str,
    service: &str,
    timeout: Duration,
) -> Result<SdkTracerProvider, TelemetryError> {
    let failed = |reason: String| TelemetryError::Otlp {
        endpoint: endpoint.to_owned(),
        reason,
    };
    if !endpoint.starts_with("http://") {
        return Err(failed(
            "must be an http:// URL of an OTLP/HTTP traces endpoint (e.g. http://127.0.0.1:4318/v1/traces)"
                .into(),
        ));
    }
    let endpoint_owned = endpoint.to_owned();
    // the blocking HTTP client must not be built on an async worker: build it on a thread
    let exporter = std::thread::spawn(move || {
        opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(endpoint_owned)
            .with_timeout(timeout)
            .build()
    })
    .join()
    .map_err(|_| failed("the exporter could not be built".into()))?
    .map_err(|e| failed(e.to_string()))?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(service.to_owned())
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// The header that carries a request's id (`http::request_id` screens it). Defined here so
/// that telemetry, below `http`, names it without importing `http`.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The span of one HTTP request: its id (set by the request-id layer before this runs),
/// method and path. The query string is left out: a GET `/graphql` carries variables there.
pub fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        request_id,
        method = %request.method(),
        path = request.uri().path(),
        operation = tracing::field::Empty,
    )
}

/// The span a DataLoader batch runs in; the loader fills in its name and size
/// ([`crate::observe::batch_named`]).
pub fn batch_span() -> tracing::Span {
    tracing::info_span!(
        "batch",
        loader = tracing::field::Empty,
        keys = tracing::field::Empty
    )
}

/// What DataLoaders spawn their batches with: a task of its own that stays inside the
/// request's span, in a `batch` span.
pub fn spawn_batch(batch: futures::future::BoxFuture<'static, ()>) {
    use tracing::Instrument;
    tokio::spawn(batch.instrument(batch_span()));
}
