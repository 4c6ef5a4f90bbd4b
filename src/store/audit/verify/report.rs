//! `fascicolo audit verify` over the configured store: reads only (no migration, no DDL),
//! checks against `audit.checkpoint_file` and any other checkpoint files given (the other
//! replicas' own), and says what its answer covers — in particular that without checkpoints a
//! log cut short cannot be told from a shorter one.

use super::{Location, Verification, VerifyError, verify};
use crate::config::AuditConfig;
use crate::store::Store;
use crate::store::audit::checkpoint::CheckpointLog;
use std::fmt;
use std::path::PathBuf;

/// The migration that creates the chain's tables: before it there is nothing to verify.
pub const CHAIN_MIGRATION: &str = "m20261123_000010_audit_chain";

/// What `verify_store` found, with what a reader needs to weigh it.
#[derive(Debug, Clone)]
pub struct StoreVerification {
    pub verification: Verification,
    /// Migrations the store has not had yet (verify applies none).
    pub pending_migrations: usize,
}

impl StoreVerification {
    pub fn ok(&self) -> bool {
        self.verification.ok()
    }
}

/// Verifies `store`'s chain as `audit` configures it, with `more_files` checked as well.
/// `store` should be opened with `Store::connect_read_only`.
pub async fn verify_store(
    store: &Store,
    audit: &AuditConfig,
    more_files: Vec<PathBuf>,
) -> Result<StoreVerification, VerifyError> {
    let pending = store.pending_migrations().await?;
    if pending.iter().any(|name| name == CHAIN_MIGRATION) {
        return Err(VerifyError::NoChain);
    }
    let checkpoints = match CheckpointLog::from_config(audit) {
        Some(log) => {
            let mut checkpoints = log.checkpoints();
            checkpoints.paths.extend(more_files);
            Some(checkpoints)
        }
        None if more_files.is_empty() => None,
        None => return Err(VerifyError::NoKey),
    };
    let verification = verify(store.db(), checkpoints.as_ref()).await?;
    Ok(StoreVerification {
        verification,
        pending_migrations: pending.len(),
    })
}

impl fmt::Display for StoreVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pending_migrations > 0 {
            writeln!(
                f,
                "note: {} store migration(s) pending; verify applies none (`fascicolo migrate` does)",
                self.pending_migrations
            )?;
        }
        write!(f, "{}", self.verification)
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(broken) = &self.broken {
            if let Location::Line(_) = broken.location {
                // the lines are checked before any row is read
                return writeln!(f, "audit checkpoints BROKEN\n{broken}");
            }
            return writeln!(
                f,
                "audit chain BROKEN after {} verified rows\n{broken}",
                self.verified
            );
        }
        writeln!(
            f,
            "audit chain OK: {} rows verified after the anchor at row {}; head: row {}, hash {}",
            self.verified, self.anchor_row, self.last_id, self.last_hash
        )?;
        if self.unchained > 0 {
            writeln!(
                f,
                "{} rows at or before row {} predate the chain and are not covered",
                self.unchained, self.anchor_row
            )?;
        }
        let Some(checkpoints) = &self.checkpoints else {
            return writeln!(
                f,
                "no audit.checkpoint_file: truncation cannot be detected (rows cut off the end \
                 with the head moved back, a reset log, a forged anchor all verify); configure \
                 audit.checkpoint_file and audit.checkpoint_key"
            );
        };
        let files: Vec<String> = checkpoints
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        match checkpoints.latest {
            Some((row, at)) => writeln!(
                f,
                "checkpoints OK: {} line(s) in {}; the chain holds every row they cover (latest: \
                 head at row {row}, {})",
                checkpoints.lines,
                files.join(", "),
                at.format("%Y-%m-%d %H:%M:%S UTC")
            ),
            None => writeln!(
                f,
                "no checkpoint in {} yet: truncation cannot be detected until the server writes one",
                files.join(", ")
            ),
        }
    }
}
