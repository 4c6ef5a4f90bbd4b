//! Configuration: a TOML file (`--config FILE` or `FASCICOLO_CONFIG`) with every key
//! overridable by `FASCICOLO_<SECTION>__<KEY>` environment variables; without a file the
//! embedded demo configuration is used. One file per group of sections: `server` (server,
//! store, limits, log), `auth`, `sources` (sources, demo), `services` (documents, reporting,
//! identity, portal, ivc), `audit`; `load` reads, completes and validates the whole.

mod audit;
mod auth;
mod load;
mod report;
mod server;
mod services;
mod sources;

pub use audit::{AuditConfig, MIN_AUDIT_RETENTION_DAYS, MIN_CHECKPOINT_KEY_BYTES};
pub use auth::{AuthConfig, MAX_LEEWAY_SECS};
pub use server::{
    LimitsConfig, LogConfig, LogFormat, MAX_DEPTH_CEILING, ServerConfig, StoreConfig,
};
pub use services::{DocumentsConfig, IdentityConfig, IvcConfig, PortalConfig, ReportingConfig};
pub use sources::{DEMO_SOURCES, DemoConfig, SourceConfig, SourceKind};

use serde::Deserialize;
use std::path::PathBuf;

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
pub(super) const SECTIONS: [&str; 13] = [
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

#[cfg(test)]
mod tests;
