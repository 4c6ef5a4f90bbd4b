//! The `sources` section (one entry per regional source) and the `demo` one.

use secrecy::SecretString;
use serde::Deserialize;
use std::path::PathBuf;
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
pub(super) fn default_timeout_ms() -> u64 {
    800
}
pub(super) fn default_pool() -> u32 {
    8
}
pub(super) fn default_failure_threshold() -> u32 {
    5
}
pub(super) fn default_cool_down_ms() -> u64 {
    30_000
}
pub(super) fn default_cache_max_entries() -> u64 {
    10_000
}
fn default_citizens() -> usize {
    10_000
}
