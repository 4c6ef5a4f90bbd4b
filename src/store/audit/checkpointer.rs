//! The server's checkpoint task: writes the chain's head to `audit.checkpoint_file` at start,
//! every `audit.checkpoint_secs` while the head or the anchor moved, and once at shutdown
//! after the last request was answered. What a checkpoint covers can no longer be cut from
//! the log unnoticed, so the interval is how much of the newest log an attacker inside the
//! database could still remove without `audit verify` noticing.

use super::checkpoint::{Checkpoint, CheckpointLog, Kind};
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The running task; `shutdown` writes the last checkpoint.
pub struct Checkpointer {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// How long the shutdown checkpoint may take before the server stops without it.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

impl Checkpointer {
    pub fn spawn(db: DatabaseConnection, log: CheckpointLog, every: Duration) -> Self {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(run(db, log, every, stopped));
        Checkpointer { stop, task }
    }

    /// Writes the shutdown checkpoint and ends the task.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(SHUTDOWN_GRACE, self.task)
            .await
            .is_err()
        {
            tracing::error!("audit checkpoint at shutdown not written within 10 s");
        }
    }
}

async fn run(
    db: DatabaseConnection,
    log: CheckpointLog,
    every: Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // (head row, head hash, anchor row) of this writer's last line: an idle server does not
    // fill the file with the same statement
    let mut written: Option<(i64, String, i64)> = None;
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                write(&db, &log, Kind::Periodic, &mut written).await;
            }
            _ = stopped.changed() => break,
        }
    }
    written = None;
    write(&db, &log, Kind::Shutdown, &mut written).await;
}

async fn write(
    db: &DatabaseConnection,
    log: &CheckpointLog,
    kind: Kind,
    written: &mut Option<(i64, String, i64)>,
) {
    let checkpoint = match Checkpoint::of_store(db, kind, log.writer()).await {
        Ok(checkpoint) => checkpoint,
        Err(e) => {
            tracing::error!(error = %e, kind = kind.as_str(), "audit checkpoint: cannot read the chain head");
            return;
        }
    };
    let state = (
        checkpoint.row,
        checkpoint.hash.clone(),
        checkpoint.anchor_row,
    );
    if written.as_ref() == Some(&state) {
        return;
    }
    match log.append(&checkpoint).await {
        Ok(()) => *written = Some(state),
        Err(e) => tracing::error!(
            error = %e,
            file = %log.path().display(),
            kind = kind.as_str(),
            "audit checkpoint not written"
        ),
    }
}
