//! `fascicolo audit verify`: walks the hash chain from its newest anchor to its head, and
//! checks it against the checkpoints written outside the store (`checkpoint`). It names
//! the first problem, in this order: a checkpoint line that is not what the key signed or
//! whose writer's head went back, an anchor no prune made (`coverage`), a broken link or a
//! row whose hash is not the one a checkpoint recorded, a head behind a checkpoint (rows cut
//! off the end, or the whole log reset), rows stored past the head (not appended through
//! the chain). It only reads.

mod coverage;
mod report;

use super::chain::{self, hash};
use super::checkpoint::{Checkpoints, ReadLine};
use chrono::{DateTime, Utc};
use coverage::Coverage;
use entities::{audit_chain_anchor, audit_log};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub use report::{CHAIN_MIGRATION, StoreVerification, verify_store};

/// Rows `verify` holds in memory at a time.
const PAGE: u64 = 1_000;

/// Where a problem is: a row of the chain, or a line of a checkpoint file (`file:line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Row(i64),
    Line(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Row(id) => write!(f, "row {id}"),
            Location::Line(origin) => write!(f, "checkpoint {origin}"),
        }
    }
}

/// The first thing that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub location: Location,
    /// What does not match, and the likely cause.
    pub problem: String,
    pub expected: String,
    pub found: String,
}

impl BrokenLink {
    /// The row the problem is at, when it is at a row.
    pub fn row_id(&self) -> Option<i64> {
        match self.location {
            Location::Row(id) => Some(id),
            Location::Line(_) => None,
        }
    }

    fn at_row(row_id: i64, problem: String, expected: &str, found: Option<&str>) -> Self {
        BrokenLink {
            location: Location::Row(row_id),
            problem,
            expected: expected.to_owned(),
            found: found.unwrap_or("null").to_owned(),
        }
    }
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}\n  expected {}\n  found    {}",
            self.location, self.problem, self.expected, self.found
        )
    }
}

/// The checkpoints a verification used.
#[derive(Debug, Clone)]
pub struct CheckpointsChecked {
    pub files: Vec<PathBuf>,
    pub lines: usize,
    /// The most recent line's head and time.
    pub latest: Option<(i64, DateTime<Utc>)>,
}

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Rows whose links were checked.
    pub verified: u64,
    /// The anchor the walk started from: rows up to this id are not covered (pruned, or
    /// older than the chain).
    pub anchor_row: i64,
    /// Rows still stored at or below the anchor (written before the chain existed).
    pub unchained: u64,
    /// The head: the last row and its hash.
    pub last_id: i64,
    pub last_hash: String,
    /// `None` when verified without checkpoints.
    pub checkpoints: Option<CheckpointsChecked>,
    pub broken: Option<BrokenLink>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.broken.is_none()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read the checkpoint file {}: {source}", path.display())]
    CheckpointFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the store has no audit chain yet (migration {CHAIN_MIGRATION} is pending): run \
         `fascicolo migrate` first; verify applies no migration"
    )]
    NoChain,
    #[error("more checkpoint files need audit.checkpoint_key to check their lines")]
    NoKey,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Verifies the chain, against `checkpoints` when given. Rows appended while it runs are
/// past the head it read and wait for the next run; a prune that moves the anchor meanwhile
/// restarts it.
pub async fn verify(
    db: &DatabaseConnection,
    checkpoints: Option<&Checkpoints>,
) -> Result<Verification, VerifyError> {
    loop {
        // the files before the head: a checkpoint written meanwhile names no row past the
        // head this run reads
        let lines = match checkpoints {
            Some(files) => Some(
                files
                    .read()
                    .await
                    .map_err(|(path, source)| VerifyError::CheckpointFile { path, source })?,
            ),
            None => None,
        };
        let anchor = chain::latest_anchor(db).await?;
        let report = check(db, &anchor, lines.as_deref(), checkpoints).await?;
        if report.ok() || chain::latest_anchor(db).await?.id == anchor.id {
            return Ok(report);
        }
    }
}

async fn check(
    db: &DatabaseConnection,
    anchor: &audit_chain_anchor::Model,
    lines: Option<&[ReadLine]>,
    files: Option<&Checkpoints>,
) -> Result<Verification, DbErr> {
    let head = chain::read_head(db).await?;
    let unchained = audit_log::Entity::find()
        .filter(audit_log::Column::Id.lte(anchor.through_id))
        .count(db)
        .await?;
    let mut report = Verification {
        verified: 0,
        anchor_row: anchor.through_id,
        unchained,
        last_id: head.last_id,
        last_hash: head.last_hash.clone(),
        checkpoints: None,
        broken: None,
    };
    let coverage = match lines.map(|lines| coverage::coverage(lines, anchor)) {
        None => Coverage::default(),
        Some(Ok(coverage)) => coverage,
        Some(Err(broken)) => {
            report.broken = Some(broken);
            return Ok(report);
        }
    };
    if let Some(files) = files {
        report.checkpoints = Some(CheckpointsChecked {
            files: files.paths.clone(),
            lines: coverage.lines,
            latest: coverage.latest,
        });
    }
    report.broken = walk(db, anchor, &head, &coverage.rows, &mut report.verified).await?;
    if report.broken.is_some() {
        return Ok(report);
    }
    if let Some((row, origin)) = coverage.furthest
        && row > head.last_id
    {
        report.broken = Some(BrokenLink::at_row(
            row,
            format!(
                "the chain's head is at row {} but {origin} recorded it at row {row}: rows \
                 {}..{row} were cut off and the head moved back",
                head.last_id,
                head.last_id + 1
            ),
            &format!("a head at row {row} or later"),
            Some(&format!("row {}", head.last_id)),
        ));
        return Ok(report);
    }
    report.broken = rows_past_head(db, head.last_id).await?;
    Ok(report)
}

/// Rows above the head were not appended through the chain (which moves the head with
/// them, in one commit): inserted behind its back, they would show in the access report.
/// The rows are read before the head is read again, so an append committing meanwhile is
/// not taken for one.
async fn rows_past_head(db: &DatabaseConnection, head: i64) -> Result<Option<BrokenLink>, DbErr> {
    let past = audit_log::Entity::find()
        .filter(audit_log::Column::Id.gt(head))
        .order_by_asc(audit_log::Column::Id)
        .select_only()
        .column(audit_log::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let head = chain::read_head(db).await?.last_id;
    let Some(first) = past.iter().find(|id| **id > head) else {
        return Ok(None);
    };
    let count = past.iter().filter(|id| **id > head).count();
    Ok(Some(BrokenLink::at_row(
        *first,
        format!(
            "{count} row(s) from row {first} are stored past the chain's head (row {head}): \
             they were not appended through the chain"
        ),
        &format!("no row after row {head}"),
        Some(&format!("{count} row(s)")),
    )))
}

/// Walks the rows from `anchor` to the head in id order, `PAGE` at a time, counting them in
/// `verified`; the first broken link, or the first row whose hash is not the one a
/// checkpoint recorded for it.
async fn walk(
    db: &DatabaseConnection,
    anchor: &audit_chain_anchor::Model,
    head: &chain::Head,
    covered: &BTreeMap<i64, Vec<(String, String)>>,
    verified: &mut u64,
) -> Result<Option<BrokenLink>, DbErr> {
    let mut previous_id = anchor.through_id;
    let mut expected = anchor.hash.clone();
    loop {
        let page = audit_log::Entity::find()
            .filter(audit_log::Column::Id.gt(previous_id))
            .filter(audit_log::Column::Id.lte(head.last_id))
            .order_by_asc(audit_log::Column::Id)
            .limit(PAGE)
            .all(db)
            .await?;
        let Some(last) = page.last().map(|r| r.id) else {
            break;
        };
        for row in page {
            if row.prev_hash.as_deref() != Some(expected.as_str()) {
                let problem = if row.id != previous_id + 1 {
                    format!(
                        "prev_hash is not the hash of row {previous_id}: rows {}..{} are missing",
                        previous_id + 1,
                        row.id - 1
                    )
                } else {
                    format!("prev_hash is not the hash of row {previous_id}")
                };
                return Ok(Some(BrokenLink::at_row(
                    row.id,
                    problem,
                    &expected,
                    row.prev_hash.as_deref(),
                )));
            }
            let recomputed = hash(&row, &expected);
            if row.hash.as_deref() != Some(recomputed.as_str()) {
                return Ok(Some(BrokenLink::at_row(
                    row.id,
                    "hash does not match the row's content: a field was changed".into(),
                    &recomputed,
                    row.hash.as_deref(),
                )));
            }
            let recorded = covered.get(&row.id).into_iter().flatten();
            if let Some((checkpointed, origin)) =
                recorded.into_iter().find(|(h, _)| *h != recomputed)
            {
                return Ok(Some(BrokenLink::at_row(
                    row.id,
                    format!(
                        "the hash is not the one {origin} recorded: this row or an earlier \
                         one was changed and the chain recomputed"
                    ),
                    checkpointed,
                    Some(&recomputed),
                )));
            }
            *verified += 1;
            previous_id = row.id;
            expected = recomputed;
        }
        if last == head.last_id {
            break;
        }
    }
    if previous_id != head.last_id || expected != head.last_hash {
        let problem = if previous_id < head.last_id {
            format!(
                "the chain head names row {} but the chain ends at row {previous_id}: rows {}..{} are missing",
                head.last_id,
                previous_id + 1,
                head.last_id
            )
        } else {
            "the chain head's hash is not the last row's".into()
        };
        return Ok(Some(BrokenLink::at_row(
            head.last_id,
            problem,
            &head.last_hash,
            Some(&expected),
        )));
    }
    Ok(None)
}
