//! Deletes what is past the audit log's retention (`fascicolo audit prune`): only the oldest
//! rows, only those older than `audit.retention_days`, and the hash of the last one deleted
//! becomes the chain's new anchor, so what remains still verifies. With a checkpoint file the
//! prune is checkpointed before it commits: an anchor that no prune line names is a forgery
//! to `audit verify`, and a prune whose line cannot be written does not happen.

use super::chain;
use super::checkpoint::{Checkpoint, CheckpointLog, Kind};
use chrono::{DateTime, Duration, Utc};
use entities::{audit_chain_anchor, audit_log};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// What `prune` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub rows: u64,
    /// The new anchor's `through_id`, when rows were deleted.
    pub through_id: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum PruneError {
    #[error(
        "rows younger than audit.retention_days ({retention_days} days, so after {}) are kept: \
         the cut-off {} is later",
        kept_after.format("%Y-%m-%d %H:%M:%S UTC"),
        cutoff.format("%Y-%m-%d %H:%M:%S UTC")
    )]
    WithinRetention {
        retention_days: u32,
        kept_after: DateTime<Utc>,
        cutoff: DateTime<Utc>,
    },
    #[error("the prune's checkpoint could not be written to {path}, nothing was deleted: {source}")]
    Checkpoint {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Deletes the oldest rows, those before the first row at or after `cutoff`, and records
/// the hash of the last one deleted as the new anchor, in one transaction. Only a prefix of
/// the chain goes; a row older than `cutoff` that follows a younger one (a clock step back)
/// waits for the next prune. A `cutoff` later than `retention_days` ago is refused.
pub async fn prune(
    db: &DatabaseConnection,
    cutoff: DateTime<Utc>,
    retention_days: u32,
    checkpoints: Option<&CheckpointLog>,
) -> Result<Pruned, PruneError> {
    // DOMAIN.md §6, V25: access logs are kept at least as long as the retention says
    let kept_after = Utc::now() - Duration::days(i64::from(retention_days));
    if cutoff > kept_after {
        return Err(PruneError::WithinRetention {
            retention_days,
            kept_after,
            cutoff,
        });
    }
    // SQLite: the write lock from BEGIN, so the server's appends cannot make its reads stale
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let txn = db.begin_with_options(options).await?;
    let anchor = chain::latest_anchor(&txn).await?;
    let first_kept = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Id)
        .filter(audit_log::Column::At.gte(cutoff))
        .order_by_asc(audit_log::Column::Id)
        .into_tuple::<i64>()
        .one(&txn)
        .await?;
    let mut last_pruned = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(id) = first_kept {
        last_pruned = last_pruned.filter(audit_log::Column::Id.lt(id));
    }
    let Some(last_pruned) = last_pruned.one(&txn).await? else {
        txn.commit().await?;
        return Ok(Pruned {
            rows: 0,
            through_id: None,
        });
    };
    let deleted = audit_log::Entity::delete_many()
        .filter(audit_log::Column::Id.lte(last_pruned.id))
        .exec(&txn)
        .await?
        .rows_affected;
    // rows at or below the current anchor were never part of the verified chain
    let (through_id, hash) = match last_pruned.hash {
        Some(hash) if last_pruned.id > anchor.through_id => (last_pruned.id, hash),
        _ => (anchor.through_id, anchor.hash),
    };
    audit_chain_anchor::ActiveModel {
        through_id: Set(through_id),
        hash: Set(hash.clone()),
        at: Set(Utc::now()),
        kind: Set("prune".into()),
        pruned_rows: Set(i64::try_from(deleted).unwrap_or(i64::MAX)),
        cutoff: Set(Some(cutoff)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if let Some(log) = checkpoints {
        // before the commit: a failed commit leaves a line naming an anchor that never
        // came, which exempts nothing; a committed prune without its line would fail every
        // later verify
        let mut checkpoint = Checkpoint::of_store(&txn, Kind::Prune, log.writer()).await?;
        checkpoint.anchor_row = through_id;
        checkpoint.anchor_hash = hash;
        checkpoint.pruned_rows = Some(deleted);
        checkpoint.cutoff = Some(cutoff);
        if let Err(source) = log.append(&checkpoint).await {
            txn.rollback().await?;
            return Err(PruneError::Checkpoint {
                path: log.path().display().to_string(),
                source,
            });
        }
    }
    txn.commit().await?;
    Ok(Pruned {
        rows: deleted,
        through_id: Some(through_id),
    })
}
