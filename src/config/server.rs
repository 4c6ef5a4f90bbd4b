//! The `server`, `store`, `limits` and `log` sections.

use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Serve GraphiQL at `/`; unset = on in the demo only, if introspection is (see `graphiql()`).
    pub graphiql: Option<bool>,
    /// Answer `__schema`/`__type`; unset = on in the demo only (see `introspection()`).
    pub introspection: Option<bool>,
    #[serde(default = "default_body_limit")]
    pub max_body_bytes: usize,
    /// A JSON `/graphql` body (no upload) is at most this long: a document is at most
    /// `limits.max_document_bytes`, so the rest is variables, which a client never needs by
    /// the megabyte (uploads keep `max_body_bytes`).
    #[serde(default = "default_json_body_limit")]
    pub max_json_body_bytes: usize,
    /// Automatic persisted queries: how many documents each replica remembers by hash;
    /// 0 turns APQ off. Ignored when `trusted_documents` is set.
    #[serde(default = "default_apq_entries")]
    pub apq_cache_entries: usize,
    /// Parsed documents remembered by their text (0 = parse every request).
    #[serde(default = "default_document_cache_entries")]
    pub document_cache_entries: usize,
    /// JSON object `{ "<sha256 of the text>": "<document text>" }`: when set, only these
    /// documents run (asked by hash or by exact text).
    pub trusted_documents: Option<PathBuf>,
    /// Serve `/metrics` (Prometheus text format) on the same listener.
    #[serde(default = "yes")]
    pub metrics: bool,
    /// When set, `/metrics` requires `Authorization: Bearer <this token>`.
    pub metrics_token: Option<SecretString>,
    /// The secret pagination cursors are sealed with (`graphql::cursor`), the same on every
    /// replica; unset, it is derived from `auth.hs256_secret`, else random per process.
    pub cursor_key: Option<SecretString>,
    /// Browser origins (`https://host[:port]`) whose pages may call the API: their CORS
    /// preflights are answered for `/graphql`, `/evidences` and `/reports`. Empty (the
    /// default): no cross-origin page may call it.
    #[serde(default)]
    pub cors_origins: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: default_listen(),
            graphiql: None,
            introspection: None,
            max_body_bytes: default_body_limit(),
            max_json_body_bytes: default_json_body_limit(),
            apq_cache_entries: default_apq_entries(),
            document_cache_entries: default_document_cache_entries(),
            trusted_documents: None,
            metrics: true,
            metrics_token: None,
            cursor_key: None,
            cors_origins: Vec::new(),
        }
    }
}

impl ServerConfig {
    /// Whether GraphiQL is served (after the demo defaults are filled in).
    pub fn graphiql(&self) -> bool {
        self.graphiql.unwrap_or(false)
    }

    /// Each of `cors_origins` must be an origin as a browser sends it: scheme and host (and
    /// port), nothing else; `*` is refused, since every answer carries personal data.
    pub(super) fn validate_cors(&self) -> Result<(), String> {
        for (i, origin) in self.cors_origins.iter().enumerate() {
            let rest = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            let plain_host = rest.is_some_and(|host| {
                !host.is_empty()
                    && host
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            });
            if !plain_host {
                return Err(format!(
                    "server.cors_origins[{i}] = {origin:?} must be an origin such as                      \"https://operatori.example\" or \"http://localhost:5173\": scheme and                      host (and port), no path, no trailing slash, no wildcard"
                ));
            }
        }
        Ok(())
    }

    /// Whether introspection queries are answered (after the demo defaults are filled in).
    pub fn introspection(&self) -> bool {
        self.introspection.unwrap_or(false)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite://file.db?mode=rwc` or `postgres://…`. Required outside demo mode.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Most fiscal codes one `citizens` call may ask for.
    #[serde(default = "default_max_codes")]
    pub max_fiscal_codes: usize,
    #[serde(default = "default_page")]
    pub max_page_size: usize,
    /// Deepest nesting of fields in an operation (fragments expanded, not counted).
    #[serde(default = "default_max_depth")]
    pub max_depth: usize,
    /// Most selections (fields, fragment spreads, inline fragments) in an operation once its
    /// fragments are expanded.
    #[serde(default = "default_max_complexity")]
    pub max_complexity: usize,
    /// Most aliased fields in an operation, fragments expanded.
    #[serde(default = "default_max_aliases")]
    pub max_aliases: usize,
    /// Most fields at the root of an operation.
    #[serde(default = "default_max_root_fields")]
    pub max_root_fields: usize,
    /// Longest document (query text) parsed at all.
    #[serde(default = "default_max_document_bytes")]
    pub max_document_bytes: usize,
    /// Most arguments (of fields and directives) in an operation, fragments expanded.
    #[serde(default = "default_max_arguments")]
    pub max_arguments: usize,
    /// Most directives in an operation, fragments expanded.
    #[serde(default = "default_max_directives")]
    pub max_directives: usize,
    /// Most variables one operation defines.
    #[serde(default = "default_max_variables")]
    pub max_variables: usize,
    /// Most operations in one document (all are validated, whichever runs).
    #[serde(default = "default_max_operations")]
    pub max_operations: usize,
    /// Most errors in one answer: beyond it the first `max_errors - 1` are kept and the last
    /// says how many were left out.
    #[serde(default = "default_max_errors")]
    pub max_errors: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_fiscal_codes: default_max_codes(),
            max_page_size: default_page(),
            max_depth: default_max_depth(),
            max_complexity: default_max_complexity(),
            max_aliases: default_max_aliases(),
            max_root_fields: default_max_root_fields(),
            max_document_bytes: default_max_document_bytes(),
            max_arguments: default_max_arguments(),
            max_directives: default_max_directives(),
            max_variables: default_max_variables(),
            max_operations: default_max_operations(),
            max_errors: default_max_errors(),
        }
    }
}

/// Above this the recursive walks over a document (ours and async-graphql's) risk the stack.
pub const MAX_DEPTH_CEILING: usize = 64;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    #[serde(default)]
    pub format: LogFormat,
    /// `tracing` filter directive; `RUST_LOG` wins when set.
    #[serde(default = "default_level")]
    pub level: String,
    /// OTLP/HTTP traces endpoint (`http://collector:4318/v1/traces`): when set, the spans
    /// are exported there too.
    pub otlp_endpoint: Option<String>,
    /// `service.name` of the exported spans.
    #[serde(default = "default_service_name")]
    pub otlp_service_name: String,
    /// Deadline of one export to the collector.
    #[serde(default = "default_otlp_timeout_ms")]
    pub otlp_timeout_ms: u64,
}

impl LogConfig {
    pub fn otlp_timeout(&self) -> Duration {
        Duration::from_millis(self.otlp_timeout_ms)
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Text,
            level: default_level(),
            otlp_endpoint: None,
            otlp_service_name: default_service_name(),
            otlp_timeout_ms: default_otlp_timeout_ms(),
        }
    }
}

fn default_service_name() -> String {
    "fascicolo".into()
}

fn default_otlp_timeout_ms() -> u64 {
    3_000
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}
pub(super) fn yes() -> bool {
    true
}
fn default_document_cache_entries() -> usize {
    500
}

fn default_json_body_limit() -> usize {
    1 << 20
}

fn default_body_limit() -> usize {
    // an evidence file (documents.max_file_bytes) plus the multipart envelope
    6 * 1024 * 1024
}
fn default_max_codes() -> usize {
    1000
}
fn default_page() -> usize {
    100
}
fn default_max_depth() -> usize {
    16
}
fn default_max_complexity() -> usize {
    // GraphiQL's introspection query makes about 240 selections
    500
}
fn default_max_aliases() -> usize {
    30
}
fn default_max_root_fields() -> usize {
    20
}
fn default_max_document_bytes() -> usize {
    // a front end's largest documents are a few KiB; GraphiQL's introspection query is 2
    64 * 1024
}
fn default_max_arguments() -> usize {
    100
}
fn default_max_directives() -> usize {
    50
}
fn default_max_variables() -> usize {
    50
}
fn default_max_operations() -> usize {
    20
}
fn default_max_errors() -> usize {
    50
}
fn default_apq_entries() -> usize {
    1000
}
fn default_level() -> String {
    // statements are logged by our own spans; sqlx's per-statement lines would drown them,
    // and a first start's two lines per migration would bury the address and the tokens
    "info,sqlx=warn,sea_orm_migration=warn".into()
}
