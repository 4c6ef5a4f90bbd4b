//! Bulk import of legacy documents (README "Import"): JSON Lines, streamed, checked line by
//! line, written in batched transactions, idempotent on each document's natural key (the
//! libretto number; the IVC dossier's legacy id, in `ivc`). A bad line is reported with its
//! number and reason and never stops or spoils the others.

mod codes;
pub mod ivc;
mod libretto;

pub use libretto::{LegacyEvidence, LegacyExperience, LegacyLibretto, libretti};

use crate::store::import::{Written, analyze_after_first_batch, refresh_statistics, writers};
use sea_orm::{DatabaseConnection, DbBackend};

/// Lines per transaction on PostgreSQL. Large, because with keys spread over the whole index
/// most of a commit's cost is writing every page the batch touched, and 500-line commits
/// rewrote the same index pages 20 times as often; larger ones measured no faster there
/// (1,000,000 libretti: 30,100/s at 10,000 lines, 28,300/s at 50,000).
pub const BATCH: usize = 10_000;

/// Lines per transaction on SQLite, which writes each page a commit dirtied to its WAL once
/// per commit: the unique index on the citizen's code takes keys all over it, so every
/// 10,000-line commit rewrote most of its leaf pages (4.3 million page writes for a million
/// libretti). 50,000 lines: 27,400-28,300 libretti/s against 24,600; 100,000 were no faster
/// and held 400 MB more.
pub const SQLITE_BATCH: usize = 50_000;

/// Lines per transaction for this store.
fn batch_lines(db: &DatabaseConnection) -> usize {
    match db.get_database_backend() {
        DbBackend::Sqlite => SQLITE_BATCH,
        _ => BATCH,
    }
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: usize,
    pub imported: usize,
    /// Valid lines whose number (or whose citizen's active libretto) was already stored.
    pub already_present: usize,
    /// (line number, reason), in file order.
    pub rejected: Vec<(usize, String)>,
    /// Secondary indexes and foreign keys dropped for a load into empty tables and built
    /// again after it (`store::bulk`).
    pub rebuilt: usize,
}

/// Ids derived from a document's natural key, so a re-run writes the same rows (and the
/// database skips them): for IVC dossiers, whose legacy id is not a column of their own.
pub(crate) fn derived_id(key: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, key.as_bytes()).to_string()
}

/// How far an import got, after each batch; once every line is written, the last call says
/// the secondary indexes dropped for the load are being rebuilt (which can take a while).
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub bytes: u64,
    pub lines: u64,
    pub rebuilding_indexes: bool,
}

/// The loop every import shares: reads lines, lets `parse` check each (a rejection keeps its
/// line number), hands batches of [`BATCH`] ([`SQLITE_BATCH`] on SQLite) rows to `write` —
/// in a task of their own, so the next batch is parsed while the last is written — and keeps
/// the planner statistics of
/// `tables` right. Into empty tables the load runs without their secondary indexes, rebuilt
/// at the end (`store::bulk`), even when a batch fails.
pub(crate) async fn stream<R, F>(
    db: &DatabaseConnection,
    tables: &[&str],
    input: impl IntoIterator<Item = std::io::Result<String>>,
    progress: impl FnMut(Progress),
    parse: impl FnMut(&str) -> Result<R, String>,
    write: impl Fn(DatabaseConnection, Vec<R>) -> F,
) -> Result<ImportReport, sea_orm::DbErr>
where
    R: Send + 'static,
    F: Future<Output = Result<Written, sea_orm::DbErr>> + Send + 'static,
{
    let mut progress = progress;
    let deferred = crate::store::bulk::defer(db, tables).await?;
    let loaded = load(db, tables, deferred > 0, input, &mut progress, parse, write).await;
    if deferred > 0 {
        progress(Progress {
            rebuilding_indexes: true,
            ..Progress::default()
        });
    }
    let rebuilt = crate::store::bulk::restore(db).await;
    let mut report = loaded?;
    report.rebuilt = rebuilt?;
    refresh_statistics(db, report.imported, tables).await?;
    Ok(report)
}

async fn load<R, F>(
    db: &DatabaseConnection,
    tables: &[&str],
    keys_deferred: bool,
    input: impl IntoIterator<Item = std::io::Result<String>>,
    mut progress: impl FnMut(Progress),
    mut parse: impl FnMut(&str) -> Result<R, String>,
    write: impl Fn(DatabaseConnection, Vec<R>) -> F,
) -> Result<ImportReport, sea_orm::DbErr>
where
    R: Send + 'static,
    F: Future<Output = Result<Written, sea_orm::DbErr>> + Send + 'static,
{
    let mut report = ImportReport::default();
    let batch_lines = batch_lines(db);
    let mut batch: Vec<R> = Vec::with_capacity(batch_lines);
    let mut done = Progress::default();
    let mut in_flight = tokio::task::JoinSet::new();
    let writers = writers(db);
    let mut first_batch = true;
    let mut failed = None;
    let mut input = input.into_iter().enumerate();
    loop {
        let next = input.next();
        if let Some((index, line)) = next.as_ref().map(|(i, l)| (*i, l)) {
            let number = index + 1;
            match line {
                Err(e) => report
                    .rejected
                    .push((number, format!("unreadable line: {e}"))),
                Ok(line) => {
                    done.bytes += line.len() as u64 + 1;
                    done.lines += 1;
                    if !line.trim().is_empty() {
                        report.lines += 1;
                        match parse(line) {
                            Ok(rows) => batch.push(rows),
                            Err(reason) => report.rejected.push((number, reason)),
                        }
                    }
                }
            }
        }
        let end = next.is_none();
        if batch.len() == batch_lines || (end && !batch.is_empty()) {
            while in_flight.len() >= writers {
                settle(&mut in_flight, &mut report, &mut failed).await;
            }
            if failed.is_some() {
                break;
            }
            in_flight.spawn(write(db.clone(), std::mem::take(&mut batch)));
            if first_batch && !keys_deferred {
                // the statistics are taken once the first batch is committed
                settle(&mut in_flight, &mut report, &mut failed).await;
                analyze_after_first_batch(db, tables).await?;
            }
            first_batch = false;
            progress(done);
        }
        if end {
            break;
        }
    }
    while !in_flight.is_empty() {
        settle(&mut in_flight, &mut report, &mut failed).await;
    }
    progress(done);
    match failed {
        Some(err) => Err(err),
        None => Ok(report),
    }
}

/// Waits for one batch in flight and counts it; the first failure is kept.
async fn settle(
    in_flight: &mut tokio::task::JoinSet<Result<Written, sea_orm::DbErr>>,
    report: &mut ImportReport,
    failed: &mut Option<sea_orm::DbErr>,
) {
    let outcome = match in_flight.join_next().await {
        None => return,
        Some(Ok(written)) => written,
        Some(Err(join)) => Err(sea_orm::DbErr::Custom(format!(
            "an import batch stopped: {join}"
        ))),
    };
    match outcome {
        Ok(written) => report.count(written.attempted, written.inserted),
        Err(err) => {
            failed.get_or_insert(err);
        }
    }
}

impl ImportReport {
    /// A written batch: `attempted` valid lines, of which `inserted` were new.
    fn count(&mut self, attempted: usize, inserted: u64) {
        let inserted = usize::try_from(inserted)
            .unwrap_or(attempted)
            .min(attempted);
        self.imported += inserted;
        self.already_present += attempted - inserted;
    }
}
