//! Group commit of the read audit: the rows of concurrent requests go to the chain in one
//! transaction. Appends are serialised by the chain head's lock anyway (`chain`), so with one
//! transaction per request, requests queued behind each other's commit (measured in
//! docs/benchmarks.md); one writer per replica takes everything waiting and commits it at
//! once. A request is still answered only after its own rows are committed, and a failed
//! commit withholds the answer of every request in it.

use super::chain::{self, Head, NewRow};
use sea_orm::{
    DatabaseConnection, DbBackend, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::{mpsc, oneshot};

/// Rows committed together at most (a few requests of many citizens, or many of one).
const MAX_GROUP_ROWS: usize = 4_000;

struct Job {
    rows: Vec<NewRow>,
    done: oneshot::Sender<Result<(), String>>,
}

/// The replica's audit writer; cheap to clone.
#[derive(Clone)]
pub struct AuditWriter {
    jobs: mpsc::UnboundedSender<Job>,
}

impl AuditWriter {
    /// Starts the writer task on the current runtime; it ends when every clone is dropped.
    pub fn spawn(db: DatabaseConnection) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(run(db, queue));
        AuditWriter { jobs }
    }

    /// Appends `rows` and waits until they are committed.
    pub async fn append(&self, rows: Vec<NewRow>) -> Result<(), DbErr> {
        if rows.is_empty() {
            return Ok(());
        }
        let (done, committed) = oneshot::channel();
        self.jobs
            .send(Job { rows, done })
            .map_err(|_| DbErr::Custom("the audit writer has stopped".into()))?;
        committed
            .await
            .map_err(|_| DbErr::Custom("the audit writer has stopped".into()))?
            .map_err(DbErr::Custom)
    }
}

/// Times a PostgreSQL group is hashed again from a head that moved under it before it takes
/// the head's lock instead (writes and other replicas move the head too).
const OPTIMISTIC_ATTEMPTS: usize = 3;

async fn run(db: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Job>) {
    // the head as this writer left it: on PostgreSQL the next group goes in one statement
    // that holds only if no one else moved the head meanwhile
    let mut head: Option<Head> = None;
    while let Some(first) = queue.recv().await {
        let mut rows = first.rows;
        let mut waiting = vec![first.done];
        while rows.len() < MAX_GROUP_ROWS {
            match queue.try_recv() {
                Ok(job) => {
                    rows.extend(job.rows);
                    waiting.push(job.done);
                }
                Err(_) => break,
            }
        }
        crate::observe::audit_group(waiting.len());
        let outcome = commit(&db, rows, &mut head)
            .await
            .map_err(|e| e.to_string());
        for done in waiting {
            // a request that went away meanwhile has nothing to answer
            let _ = done.send(outcome.clone());
        }
    }
}

async fn commit(
    db: &DatabaseConnection,
    rows: Vec<NewRow>,
    head: &mut Option<Head>,
) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres && rows.len() <= chain::ROWS_PER_STATEMENT {
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let seen = match head.take() {
                Some(seen) => seen,
                None => chain::read_head(db).await?,
            };
            if let Some(moved) = chain::append_if_head(db, rows.clone(), &seen).await? {
                *head = Some(moved);
                return Ok(());
            }
        }
    }
    // the head moved under every attempt, or another engine: under the head's lock
    *head = None;
    // SQLite: take the write lock at BEGIN, so a writer in another process (a prune) cannot
    // make this transaction's first read stale
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let txn = db.begin_with_options(options).await?;
    chain::append(&txn, rows).await?;
    txn.commit().await
}
