//! `[audit]`: how long the audit log is kept, and where the server records the chain's head
//! outside the store (`store::audit::checkpoint`) so that rows cut from the chain, a reset
//! head or a forged anchor are found by `fascicolo audit verify`.

use super::ConfigError;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::path::PathBuf;

/// The Garante's floor for keeping access logs (provvedimento 27 novembre 2008: "non
/// inferiore a sei mesi"), in days.
pub const MIN_AUDIT_RETENTION_DAYS: u32 = 183;

/// Bytes an HMAC-SHA256 key needs at least: the hash's own output size (RFC 2104 §3).
pub const MIN_CHECKPOINT_KEY_BYTES: usize = 32;

/// The audit log (DOMAIN.md §6).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Days an audit row is kept; `fascicolo audit prune` deletes older ones and nothing
    /// younger.
    #[serde(default = "default_retention")]
    pub retention_days: u32,
    /// A file outside the store where the server appends a signed checkpoint of the chain's
    /// head; meant for an append-only mount or a log shipper.
    pub checkpoint_file: Option<PathBuf>,
    /// The HMAC-SHA256 key of the checkpoints, at least 32 bytes; required with the file.
    pub checkpoint_key: Option<SecretString>,
    /// Seconds between checkpoints (a checkpoint is also written at start and at shutdown).
    #[serde(default = "default_checkpoint_secs")]
    pub checkpoint_secs: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            retention_days: default_retention(),
            checkpoint_file: None,
            checkpoint_key: None,
            checkpoint_secs: default_checkpoint_secs(),
        }
    }
}

/// 24 months: the Garante's guidelines on the dossier sanitario (4 June 2015) keep access
/// logs of such aggregations that long, the benchmark DOMAIN.md §6 and V25 adopt; six months
/// (`MIN_AUDIT_RETENTION_DAYS`) is the legal floor for system administrators' logs.
fn default_retention() -> u32 {
    730
}

fn default_checkpoint_secs() -> u64 {
    60
}

impl AuditConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |msg: String| Err(ConfigError::Invalid(msg));
        if self.retention_days < MIN_AUDIT_RETENTION_DAYS {
            return invalid(format!(
                "audit.retention_days = {}: access logs must be kept at least six months \
                 (Garante privacy, provvedimento 27 novembre 2008), so at least \
                 {MIN_AUDIT_RETENTION_DAYS} days",
                self.retention_days
            ));
        }
        if self.checkpoint_secs == 0 {
            return invalid("audit.checkpoint_secs must be greater than 0".into());
        }
        match (&self.checkpoint_file, &self.checkpoint_key) {
            (Some(_), None) => invalid(
                "audit.checkpoint_file needs audit.checkpoint_key (the HMAC-SHA256 key that \
                 signs each checkpoint, at least 32 bytes)"
                    .into(),
            ),
            (None, Some(_)) => invalid(
                "audit.checkpoint_key is set without audit.checkpoint_file: no checkpoint \
                 would be written"
                    .into(),
            ),
            (Some(_), Some(key)) if key.expose_secret().len() < MIN_CHECKPOINT_KEY_BYTES => {
                invalid(format!(
                    "audit.checkpoint_key must be at least {MIN_CHECKPOINT_KEY_BYTES} bytes \
                     (it has {})",
                    key.expose_secret().len()
                ))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    const BASE: &str = "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n";

    fn error(audit: &str) -> String {
        Config::from_toml(&format!("{BASE}[audit]\n{audit}"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn audit_retention_is_at_least_six_months() {
        let defaults = Config::from_toml(BASE).unwrap().audit;
        assert_eq!(defaults.retention_days, 730);
        assert_eq!(defaults.checkpoint_secs, 60);
        assert!(defaults.checkpoint_file.is_none());
        let config = Config::from_toml(&format!("{BASE}[audit]\nretention_days = 183\n")).unwrap();
        assert_eq!(config.audit.retention_days, 183);
        let err = error("retention_days = 90\n");
        assert!(err.contains("audit.retention_days = 90"), "{err}");
        assert!(err.contains("at least 183 days"), "{err}");
        let err = error("retention = 400\n");
        assert!(err.contains("retention"), "{err}");
    }

    #[test]
    fn a_checkpoint_file_needs_a_key_of_32_bytes() {
        let key = "k".repeat(32);
        let config = Config::from_toml(&format!(
            "{BASE}[audit]\ncheckpoint_file = \"/var/log/f.chk\"\ncheckpoint_key = \"{key}\"\n\
             checkpoint_secs = 5\n"
        ))
        .unwrap();
        assert_eq!(config.audit.checkpoint_secs, 5);
        // a secret does not print
        assert!(!format!("{:?}", config.audit).contains(&key));
        let err = error("checkpoint_file = \"/f\"\n");
        assert!(
            err.contains("audit.checkpoint_file needs audit.checkpoint_key"),
            "{err}"
        );
        let err = error(&format!("checkpoint_key = \"{key}\"\n"));
        assert!(err.contains("without audit.checkpoint_file"), "{err}");
        let err = error("checkpoint_file = \"/f\"\ncheckpoint_key = \"short\"\n");
        assert!(
            err.contains("audit.checkpoint_key must be at least 32 bytes (it has 5)"),
            "{err}"
        );
        let err = error("checkpoint_secs = 0\n");
        assert!(err.contains("audit.checkpoint_secs"), "{err}");
    }
}
