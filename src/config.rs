//! Configuration: a TOML file (`--config FILE` or `FASCICOLO_CONFIG`) with every key
//! overridable by `FASCICOLO_<SECTION>__<KEY>` environment variables; without a file the
//! embedded demo configuration is used.

mod audit;

pub use audit::{AuditConfig, MIN_AUDIT_RETENTION_DAYS, MIN_CHECKPOINT_KEY_BYTES};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The configuration used when no file is given: a SQLite store and two SQLite regional
/// sources in a data directory, filled with synthetic citizens on first start.
pub const DEMO_TOML: &str = r#"
[server]
listen = "127.0.0.1:8080"

[demo]
data_dir = "fascicolo-data"
citizens = 10000
"#;

/// Top-level environment sections; other `FASCICOLO_*` variables (e.g. `FASCICOLO_CONFIG`,
/// the test database URLs) are not configuration keys.
const SECTIONS: [&str; 13] = [
    "server",
    "store",
    "auth",
    "sources",
    "limits",
    "log",
    "demo",
    "documents",
    "ivc",
    "portal",
    "reporting",
    "audit",
    "identity",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub server: ServerConfig,
    #[serde(default)]
    pub store: StoreConfig,
    #[serde(default)]
    pub auth: AuthConfig,
    #[serde(default)]
    pub sources: Vec<SourceConfig>,
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default)]
    pub log: LogConfig,
    #[serde(default)]
    pub documents: DocumentsConfig,
    #[serde(default)]
    pub ivc: IvcConfig,
    #[serde(default)]
    pub portal: PortalConfig,
    #[serde(default)]
    pub reporting: ReportingConfig,
    #[serde(default)]
    pub audit: AuditConfig,
    #[serde(default)]
    pub identity: IdentityConfig,
    /// Present only in demo mode: where the demo databases live and how many citizens.
    pub demo: Option<DemoConfig>,
}

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
        }
    }
}

impl ServerConfig {
    /// Whether GraphiQL is served (after the demo defaults are filled in).
    pub fn graphiql(&self) -> bool {
        self.graphiql.unwrap_or(false)
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
pub struct AuthConfig {
    pub hs256_secret: Option<SecretString>,
    /// PEM file with the RS256 public key that verifies tokens issued by the region's IdP.
    pub rs256_public_key_file: Option<PathBuf>,
    /// JSON Web Key Set of the IdP (RS256 keys picked by the token's `kid`); re-read when due
    /// or on an unknown `kid`, so a key rotation needs no restart.
    pub jwks_file: Option<PathBuf>,
    /// Seconds between re-reads of `jwks_file`.
    #[serde(default = "default_jwks_refresh")]
    pub jwks_refresh_secs: u64,
    /// Clock skew tolerated on `exp` and `nbf`.
    #[serde(default = "default_leeway")]
    pub leeway_secs: u64,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// Operators write only for citizens of their office's province (`CPI-XX-…` → `XX`).
    #[serde(default)]
    pub operators_write_own_territory_only: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            hs256_secret: None,
            rs256_public_key_file: None,
            jwks_file: None,
            jwks_refresh_secs: default_jwks_refresh(),
            leeway_secs: default_leeway(),
            issuer: None,
            audience: None,
            operators_write_own_territory_only: false,
        }
    }
}

/// Largest `auth.leeway_secs`: more would keep expired tokens alive.
pub const MAX_LEEWAY_SECS: u64 = 300;

fn default_jwks_refresh() -> u64 {
    300
}

fn default_leeway() -> u64 {
    30
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A database with the `gw_*` views.
    Sql,
    /// A JSON service that answers the same rows (docs/http-source.md).
    Http,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Sql => "sql",
            SourceKind::Http => "http",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Appears in provenance and in errors.
    pub name: String,
    pub kind: SourceKind,
    /// `postgres://`, `mysql://` or `sqlite://` for `sql`; `http(s)://` base URL for `http`.
    pub url: SecretString,
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Pool size: database connections, or idle keep-alive connections of an `http` source.
    #[serde(default = "default_pool")]
    pub max_connections: u32,
    /// `http` only: bearer token the service expects.
    pub token: Option<SecretString>,
    /// Consecutive failed calls after which the source is not called for `cool_down_ms`.
    #[serde(default = "default_failure_threshold")]
    pub failure_threshold: u32,
    /// How long an open circuit skips the source before one probe call is let through.
    #[serde(default = "default_cool_down_ms")]
    pub cool_down_ms: u64,
    /// How long a citizen's rows from this source answer later requests without asking the
    /// source again; 0 (the default) turns the cache off.
    #[serde(default)]
    pub cache_ttl_ms: u64,
    /// Most cached entries (one per citizen and view) this source keeps.
    #[serde(default = "default_cache_max_entries")]
    pub cache_max_entries: u64,
    /// When the source fails, rows it gave less than this long ago are served instead,
    /// marked stale; 0 (the default) turns this off.
    #[serde(default)]
    pub stale_ttl_ms: u64,
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

/// The documents fascicolo stores (libretti, IVC dossiers) and their evidence files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentsConfig {
    /// Region code that issues the documents and selects region-specific reference codes.
    #[serde(default = "default_region")]
    pub region: String,
    /// Largest evidence file accepted (PDF, PNG or JPEG).
    #[serde(default = "default_file_bytes")]
    pub max_file_bytes: usize,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        DocumentsConfig {
            region: default_region(),
            max_file_bytes: default_file_bytes(),
        }
    }
}

/// Aggregates for the `reporting` role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingConfig {
    /// Cells counting fewer people than this are suppressed (count null, `suppressed`
    /// true) for every role but `admin`, so no small group can be re-identified.
    #[serde(default = "default_min_cell")]
    pub min_cell_size: i64,
}

impl Default for ReportingConfig {
    fn default() -> Self {
        ReportingConfig {
            min_cell_size: default_min_cell(),
        }
    }
}

fn default_min_cell() -> i64 {
    5
}

/// Identity (DOMAIN.md §3.1): the links between old and new fiscal codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// How often a replica re-reads the links other replicas made (its own changes apply at
    /// once); 0 turns the periodic re-read off (a single replica).
    #[serde(default = "default_link_refresh_ms")]
    pub link_refresh_ms: u64,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            link_refresh_ms: default_link_refresh_ms(),
        }
    }
}

fn default_link_refresh_ms() -> u64 {
    5_000
}

/// The Toscana Lavoro job portal that receives CVs (seed 001). Transfers are queued even
/// without a `url`; the delivery worker runs only when it is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    /// Base URL; CVs are POSTed to `<url>/cv`.
    pub url: Option<String>,
    /// Bearer token the portal expects.
    pub token: Option<SecretString>,
    /// Deadline of one delivery attempt.
    #[serde(default = "default_portal_timeout")]
    pub timeout_ms: u64,
    /// How often the worker looks for due transfers.
    #[serde(default = "default_portal_poll")]
    pub poll_ms: u64,
    /// Attempts before a transfer is FAILED.
    #[serde(default = "default_portal_attempts")]
    pub max_attempts: u32,
    /// Wait after the first failed attempt; doubles after each one, up to `backoff_max_ms`.
    #[serde(default = "default_portal_backoff_base")]
    pub backoff_base_ms: u64,
    #[serde(default = "default_portal_backoff_max")]
    pub backoff_max_ms: u64,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            url: None,
            token: None,
            timeout_ms: default_portal_timeout(),
            poll_ms: default_portal_poll(),
            max_attempts: default_portal_attempts(),
            backoff_base_ms: default_portal_backoff_base(),
            backoff_max_ms: default_portal_backoff_max(),
        }
    }
}

fn default_portal_timeout() -> u64 {
    10_000
}
fn default_portal_poll() -> u64 {
    1_000
}
fn default_portal_attempts() -> u32 {
    10
}
fn default_portal_backoff_base() -> u64 {
    2_000
}
fn default_portal_backoff_max() -> u64 {
    3_600_000
}

/// The IVC rules of the region (DOMAIN.md §2.7, §8 V18-V19). Defaults: seed 003 (IVC PLUS
/// Piemonte) for hours, cost, ages and the one-path rule; seed 000 (Toscana pilot) for the
/// interview plan, which only gives warnings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IvcConfig {
    /// Region of the dossiers' reference codes (SEP sectors); unset = `documents.region`.
    pub region: Option<String>,
    /// seed 003: "durata massima del percorso IVC (26 ore)", back office included.
    #[serde(default = "default_ivc_max_hours")]
    pub max_hours: u32,
    /// seed 003: "UCS di 40 € ora/servizio (applicabile anche per il back office)".
    #[serde(default = "default_ivc_hourly_cost")]
    pub hourly_cost_eur: f64,
    /// seed 003: "tra i 15-64 anni".
    #[serde(default = "default_ivc_min_age")]
    pub min_age: i32,
    #[serde(default = "default_ivc_max_age")]
    pub max_age: i32,
    /// seed 003: "che non abbiano già fruito del servizio di IVC".
    #[serde(default = "yes")]
    pub one_path_per_citizen: bool,
    /// Ente pubblico titolare named on the Attestato di validazione unless the input names one.
    #[serde(default = "default_ivc_public_body")]
    pub public_body: String,
    /// seed 000 (Toscana pilot): "da 2 a 4 colloqui di 1-2 ore" — warnings only.
    #[serde(default = "default_ivc_interviews_min")]
    pub interviews_min: u32,
    #[serde(default = "default_ivc_interviews_max")]
    pub interviews_max: u32,
    #[serde(default = "default_ivc_interview_min_minutes")]
    pub interview_min_minutes: i32,
    #[serde(default = "default_ivc_interview_max_minutes")]
    pub interview_max_minutes: i32,
}

impl Default for IvcConfig {
    fn default() -> Self {
        IvcConfig {
            region: None,
            max_hours: default_ivc_max_hours(),
            hourly_cost_eur: default_ivc_hourly_cost(),
            min_age: default_ivc_min_age(),
            max_age: default_ivc_max_age(),
            one_path_per_citizen: true,
            public_body: default_ivc_public_body(),
            interviews_min: default_ivc_interviews_min(),
            interviews_max: default_ivc_interviews_max(),
            interview_min_minutes: default_ivc_interview_min_minutes(),
            interview_max_minutes: default_ivc_interview_max_minutes(),
        }
    }
}

impl IvcConfig {
    /// The hourly cost in cents, the unit dossiers store.
    pub fn hourly_cost_cents(&self) -> i64 {
        (self.hourly_cost_eur * 100.0).round() as i64
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |msg: &str| Err(ConfigError::Invalid(format!("ivc: {msg}")));
        if self.max_hours == 0 {
            return invalid("max_hours must be greater than 0");
        }
        if !(self.hourly_cost_eur.is_finite() && self.hourly_cost_eur >= 0.0) {
            return invalid("hourly_cost_eur must be a non-negative amount");
        }
        if self.min_age < 0 || self.min_age > self.max_age {
            return invalid("min_age must be between 0 and max_age");
        }
        if self.interviews_min > self.interviews_max
            || self.interview_min_minutes > self.interview_max_minutes
        {
            return invalid("interviews_min/interview_min_minutes must not exceed their max");
        }
        if self.public_body.trim().is_empty() {
            return invalid("public_body must not be empty");
        }
        Ok(())
    }
}

fn default_ivc_max_hours() -> u32 {
    26
}
fn default_ivc_hourly_cost() -> f64 {
    40.0
}
fn default_ivc_min_age() -> i32 {
    15
}
fn default_ivc_max_age() -> i32 {
    64
}
fn default_ivc_public_body() -> String {
    "Regione Toscana".into()
}
fn default_ivc_interviews_min() -> u32 {
    2
}
fn default_ivc_interviews_max() -> u32 {
    4
}
fn default_ivc_interview_min_minutes() -> i32 {
    60
}
fn default_ivc_interview_max_minutes() -> i32 {
    120
}

fn default_region() -> String {
    "TOS".into()
}
fn default_file_bytes() -> usize {
    5 * 1024 * 1024
}

/// The two demo regional databases: the labour information system and the training one.
/// Here, not in `demo`, because the demo defaults of the config name them.
pub const DEMO_SOURCES: [&str; 2] = ["lavoro", "formazione"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConfig {
    pub data_dir: PathBuf,
    #[serde(default = "default_citizens")]
    pub citizens: usize,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}
fn yes() -> bool {
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
fn default_timeout_ms() -> u64 {
    800
}
fn default_pool() -> u32 {
    8
}
fn default_failure_threshold() -> u32 {
    5
}
fn default_cool_down_ms() -> u64 {
    30_000
}
fn default_cache_max_entries() -> u64 {
    10_000
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
    // statements are logged by our own spans; sqlx's per-statement lines would drown them
    "info,sqlx=warn".into()
}
fn default_citizens() -> usize {
    10_000
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Invalid(String),
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
}

impl From<figment::Error> for ConfigError {
    fn from(err: figment::Error) -> Self {
        // figment names the key path and the provider (file or environment variable)
        let all: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        ConfigError::Invalid(all.join("; "))
    }
}

impl Config {
    /// Loads the file if given (else the demo defaults) and applies `FASCICOLO_*` overrides.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let base = match file {
            Some(path) => {
                if !path.exists() {
                    return Err(ConfigError::MissingFile(path.to_owned()));
                }
                Figment::from(Toml::file_exact(path))
            }
            None => Figment::from(Toml::string(DEMO_TOML)),
        };
        Self::from_figment(&base.merge(environment()))
    }

    /// Parses a TOML text (no environment overrides): for tests and tools.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        Self::from_figment(&Figment::from(Toml::string(text)))
    }

    fn from_figment(figment: &Figment) -> Result<Config, ConfigError> {
        let mut config: Config = figment.extract()?;
        config.fill_demo_defaults();
        config.validate()?;
        Ok(config)
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    /// In demo mode the store and the two sources live in the data directory unless set, and
    /// GraphiQL with introspection is on; outside it both are off unless set.
    fn fill_demo_defaults(&mut self) {
        let demo_mode = self.is_demo();
        let introspection = *self.server.introspection.get_or_insert(demo_mode);
        // GraphiQL reads the schema by introspection
        self.server
            .graphiql
            .get_or_insert(demo_mode && introspection);
        let Some(demo) = &self.demo else { return };
        let dir = demo.data_dir.display().to_string();
        if self.store.url.is_none() {
            self.store.url = Some(format!("sqlite://{dir}/store.db?mode=rwc"));
        }
        if self.sources.is_empty() {
            for name in DEMO_SOURCES {
                self.sources.push(SourceConfig {
                    name: name.to_owned(),
                    kind: SourceKind::Sql,
                    url: SecretString::from(format!("sqlite://{dir}/{name}.db?mode=ro")),
                    timeout_ms: default_timeout_ms(),
                    max_connections: default_pool(),
                    token: None,
                    failure_threshold: default_failure_threshold(),
                    cool_down_ms: default_cool_down_ms(),
                    cache_ttl_ms: 0,
                    cache_max_entries: default_cache_max_entries(),
                    stale_ttl_ms: 0,
                });
            }
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |msg: String| Err(ConfigError::Invalid(msg));
        if self.store.url.is_none() {
            return invalid("store.url is required (sqlite://… or postgres://…)".into());
        }
        if self.auth.hs256_secret.is_none()
            && self.auth.rs256_public_key_file.is_none()
            && self.auth.jwks_file.is_none()
            && !self.is_demo()
        {
            return invalid(
                "auth: set auth.hs256_secret, auth.rs256_public_key_file or auth.jwks_file to \
                 verify tokens"
                    .into(),
            );
        }
        if self.auth.leeway_secs > MAX_LEEWAY_SECS {
            return invalid(format!(
                "auth.leeway_secs ({}) must be at most {MAX_LEEWAY_SECS}",
                self.auth.leeway_secs
            ));
        }
        if self.auth.rs256_public_key_file.is_some() && self.auth.jwks_file.is_some() {
            return invalid(
                "auth: set auth.rs256_public_key_file or auth.jwks_file, not both".into(),
            );
        }
        if self.server.max_body_bytes <= self.documents.max_file_bytes {
            return invalid(format!(
                "server.max_body_bytes ({}) must exceed documents.max_file_bytes ({}) so an \
                 evidence file fits in a request",
                self.server.max_body_bytes, self.documents.max_file_bytes
            ));
        }
        let mut names = std::collections::HashSet::new();
        for (i, source) in self.sources.iter().enumerate() {
            if source.name.trim().is_empty() {
                return invalid(format!("sources[{i}].name must not be empty"));
            }
            if !names.insert(source.name.as_str()) {
                return invalid(format!(
                    "sources[{i}].name \"{}\" is used twice: names must be unique",
                    source.name
                ));
            }
            let url = secrecy::ExposeSecret::expose_secret(&source.url);
            let (schemes, spelled): (&[&str], &str) = match source.kind {
                SourceKind::Sql => (
                    &[
                        "postgres://",
                        "postgresql://",
                        "mysql://",
                        "mariadb://",
                        "sqlite:",
                    ],
                    "postgres://, mysql:// or sqlite:",
                ),
                SourceKind::Http => (&["http://", "https://"], "http:// or https://"),
            };
            if !schemes.iter().any(|p| url.starts_with(p)) {
                return invalid(format!(
                    "sources[{i}].url (source \"{}\", kind {}) must start with {spelled}",
                    source.name,
                    source.kind.as_str()
                ));
            }
            if source.token.is_some() && source.kind != SourceKind::Http {
                return invalid(format!(
                    "sources[{i}].token (source \"{}\") is for kind = \"http\" only: a SQL \
                     source's credentials go in its url",
                    source.name
                ));
            }
            if source.timeout_ms == 0 {
                return invalid(format!("sources[{i}].timeout_ms must be greater than 0"));
            }
            if source.failure_threshold == 0 || source.cool_down_ms == 0 {
                return invalid(format!(
                    "sources[{i}].failure_threshold and cool_down_ms must be greater than 0"
                ));
            }
            if (source.cache_ttl_ms > 0 || source.stale_ttl_ms > 0) && source.cache_max_entries == 0
            {
                return invalid(format!(
                    "sources[{i}].cache_max_entries must be greater than 0 when cache_ttl_ms or \
                     stale_ttl_ms is set"
                ));
            }
            if source.stale_ttl_ms > 0 && source.stale_ttl_ms <= source.cache_ttl_ms {
                // rows younger than cache_ttl_ms are served without asking the source, so a
                // shorter stale window would never be used
                return invalid(format!(
                    "sources[{i}].stale_ttl_ms ({}) must be 0 or greater than cache_ttl_ms ({})",
                    source.stale_ttl_ms, source.cache_ttl_ms
                ));
            }
        }
        self.ivc.validate()?;
        self.audit.validate()?;
        if let Some(url) = &self.portal.url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return invalid(format!(
                "portal.url: {url} is not an http:// or https:// URL"
            ));
        }
        if self.portal.max_attempts == 0 || self.portal.timeout_ms == 0 || self.portal.poll_ms == 0
        {
            return invalid(
                "portal: max_attempts, timeout_ms and poll_ms must be greater than 0".into(),
            );
        }
        let limits = &self.limits;
        if [
            limits.max_page_size,
            limits.max_fiscal_codes,
            limits.max_complexity,
            limits.max_aliases,
            limits.max_root_fields,
            limits.max_document_bytes,
            limits.max_operations,
        ]
        .contains(&0)
        {
            return invalid(
                "limits: max_page_size, max_fiscal_codes, max_complexity, max_aliases, \
                 max_root_fields, max_document_bytes and max_operations must be > 0"
                    .into(),
            );
        }
        if limits.max_errors < 2 {
            // one error kept beside the one that counts the others
            return invalid("limits.max_errors must be at least 2".into());
        }
        if !(1..=MAX_DEPTH_CEILING).contains(&limits.max_depth) {
            return invalid(format!(
                "limits.max_depth must be between 1 and {MAX_DEPTH_CEILING}"
            ));
        }
        if self.server.graphiql() && !self.server.introspection() {
            return invalid(
                "server.graphiql needs server.introspection = true: GraphiQL reads the schema \
                 by introspection"
                    .into(),
            );
        }
        Ok(())
    }

    /// The region whose reference codes and rules IVC dossiers follow.
    pub fn ivc_region(&self) -> &str {
        self.ivc.region.as_deref().unwrap_or(&self.documents.region)
    }

    pub fn store_url(&self) -> &str {
        self.store.url.as_deref().unwrap_or_default()
    }
}

fn environment() -> Env {
    // the key keeps the variable's case here (`SERVER.LISTEN`), so compare without it
    Env::prefixed("FASCICOLO_").split("__").filter(|key| {
        let section = key.as_str().split('.').next().unwrap_or_default();
        SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(section))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's configuration example is a valid configuration, every section included.
    #[test]
    fn the_readme_example_parses() {
        let readme = include_str!("../README.md");
        let start = readme
            .find("```toml\n[server]")
            .expect("README has the example")
            + 8;
        let example = &readme[start..];
        let example = &example[..example.find("```").expect("closed block")];
        let config = Config::from_toml(example).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.ivc.max_hours, 26);
        assert_eq!(config.ivc.public_body, "Regione Toscana");
        assert_eq!(config.sources.len(), 3);
        assert_eq!(config.sources[2].kind, SourceKind::Http);
        assert!(config.sources[2].token.is_some());
        assert_eq!(config.sources[0].failure_threshold, 5);
        assert_eq!(config.sources[0].cool_down_ms, 30_000);
    }

    #[test]
    fn demo_defaults_fill_store_and_two_sources() {
        let config = Config::from_toml(DEMO_TOML).unwrap();
        assert!(config.is_demo());
        assert_eq!(
            config.store_url(),
            "sqlite://fascicolo-data/store.db?mode=rwc"
        );
        let names: Vec<_> = config.sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, DEMO_SOURCES);
    }

    #[test]
    fn unknown_key_is_named() {
        let err = Config::from_toml("[server]\nlisten = \"127.0.0.1:1\"\nport = 3\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("port"), "{err}");
    }

    #[test]
    fn bad_value_names_the_key() {
        let err = Config::from_toml("[server]\nlisten = \"nowhere\"\n[demo]\ndata_dir = \"d\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("server.listen"), "{err}");
    }

    #[test]
    fn graphiql_and_introspection_default_to_the_demo_only() {
        let demo = Config::from_toml(DEMO_TOML).unwrap();
        assert!(demo.server.graphiql() && demo.server.introspection());
        let production = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";
        let config = Config::from_toml(production).unwrap();
        assert!(!config.server.graphiql() && !config.server.introspection());
        let err = Config::from_toml(&format!("[server]\ngraphiql = true\n{production}"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("server.introspection"), "{err}");
        let config = Config::from_toml(&format!(
            "[server]\ngraphiql = true\nintrospection = true\n{production}"
        ))
        .unwrap();
        assert!(config.server.graphiql());
        // in the demo, turning introspection off turns GraphiQL's default off with it
        let config =
            Config::from_toml("[server]\nintrospection = false\n[demo]\ndata_dir = \"d\"\n")
                .unwrap();
        assert!(config.is_demo() && !config.server.introspection() && !config.server.graphiql());
    }

    #[test]
    fn document_limits_are_checked() {
        let production = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";
        let config = Config::from_toml(production).unwrap();
        assert_eq!(
            (
                config.limits.max_depth,
                config.limits.max_complexity,
                config.limits.max_aliases,
                config.limits.max_root_fields
            ),
            (16, 500, 30, 20)
        );
        for bad in [
            "max_depth = 0",
            "max_depth = 65",
            "max_complexity = 0",
            "max_aliases = 0",
        ] {
            let err = Config::from_toml(&format!("{production}[limits]\n{bad}\n"))
                .unwrap_err()
                .to_string();
            let key = bad.split(' ').next().unwrap();
            assert!(err.contains(key), "{bad}: {err}");
        }
    }

    #[test]
    fn production_config_needs_store_and_auth() {
        let err = Config::from_toml("[auth]\nhs256_secret = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("store.url"), "{err}");
        let err = Config::from_toml("[store]\nurl = \"sqlite::memory:\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("auth"), "{err}");
    }

    #[test]
    fn auth_leeway_is_bounded_and_a_jwks_file_is_a_key_source() {
        let base = "[store]\nurl = \"sqlite::memory:\"\n[auth]\n";
        let config = Config::from_toml(&format!("{base}jwks_file = \"/etc/idp.json\"\n")).unwrap();
        assert_eq!(config.auth.leeway_secs, 30);
        assert_eq!(config.auth.jwks_refresh_secs, 300);
        assert!(!config.auth.operators_write_own_territory_only);
        let err = Config::from_toml(&format!("{base}hs256_secret = \"s\"\nleeway_secs = 301\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("auth.leeway_secs"), "{err}");
    }

    #[test]
    fn source_names_unique_and_urls_known() {
        let text = r#"
            [store]
            url = "sqlite::memory:"
            [auth]
            hs256_secret = "s"
            [[sources]]
            name = "a"
            kind = "sql"
            url = "sqlite::memory:"
            [[sources]]
            name = "a"
            kind = "sql"
            url = "oracle://x"
        "#;
        let err = Config::from_toml(text).unwrap_err().to_string();
        assert!(err.contains("sources[1].name"), "{err}");
        let err = Config::from_toml(&text.replacen("name = \"a\"", "name = \"b\"", 1))
            .unwrap_err()
            .to_string();
        assert!(err.contains("sources[1].url"), "{err}");
    }

    #[test]
    fn http_sources_need_an_http_url_and_only_they_take_a_token() {
        let base = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";
        let source = |kind: &str, url: &str, extra: &str| {
            Config::from_toml(&format!(
                "{base}[[sources]]\nname = \"r\"\nkind = \"{kind}\"\nurl = \"{url}\"\n{extra}"
            ))
        };
        let config = source("http", "https://sil.example/api", "token = \"t\"\n").unwrap();
        assert_eq!(config.sources[0].kind, SourceKind::Http);
        assert_eq!(config.sources[0].failure_threshold, 5);
        let err = source("http", "postgres://x/y", "")
            .unwrap_err()
            .to_string();
        assert!(err.contains("http:// or https://"), "{err}");
        let err = source("sql", "https://sil.example/api", "")
            .unwrap_err()
            .to_string();
        assert!(err.contains("postgres://"), "{err}");
        let err = source("sql", "sqlite::memory:", "token = \"t\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sources[0].token"), "{err}");
        let err = source("http", "http://x", "failure_threshold = 0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("failure_threshold"), "{err}");
        let err = source("soap", "http://x", "").unwrap_err().to_string();
        assert!(err.contains("soap"), "{err}");
    }

    #[test]
    fn ivc_defaults_follow_the_seeds_and_bad_values_are_named() {
        let base = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";
        let config = Config::from_toml(base).unwrap();
        assert_eq!(config.ivc.max_hours, 26);
        assert_eq!(config.ivc.hourly_cost_cents(), 4000);
        assert_eq!((config.ivc.min_age, config.ivc.max_age), (15, 64));
        assert!(config.ivc.one_path_per_citizen);
        assert_eq!(config.ivc_region(), config.documents.region);
        let piemonte =
            format!("{base}[ivc]\nregion = \"PIE\"\npublic_body = \"Regione Piemonte\"\n");
        assert_eq!(Config::from_toml(&piemonte).unwrap().ivc_region(), "PIE");
        let err = Config::from_toml(&format!("{base}[ivc]\nmin_age = 70\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("ivc: min_age"), "{err}");
        let err = Config::from_toml(&format!("{base}[ivc]\nmax_hour = 30\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_hour"), "{err}");
    }
}
/// A URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}
