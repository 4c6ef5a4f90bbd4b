//! What the checkpoint lines require of the chain, checked before a row is read: every line
//! signed with the key; no writer's head going back; no anchor that a prune did not make
//! (neither named by a line nor the one the chain starts from now); and, for the walk, the
//! hash each covered row must still have.
//!
//! Lines are taken one by one, not as a sequence: replicas sharing a file interleave their
//! lines, and a replica may write a head it read just before another's newer one. Every line
//! states a prefix of the one chain, so each is checked on its own; only the lines of one
//! writer (one process) are in order, and their rows never decrease.

use super::{BrokenLink, Location};
use crate::store::audit::checkpoint::{Checkpoint, Kind, ReadLine};
use chrono::{DateTime, Utc};
use entities::audit_chain_anchor;
use std::collections::{BTreeMap, HashMap};

/// What the walk must find.
#[derive(Debug, Default)]
pub(super) struct Coverage {
    /// Row id → the hashes lines recorded for it, with the line.
    pub rows: BTreeMap<i64, Vec<(String, String)>>,
    /// The furthest head a line saw, and that line.
    pub furthest: Option<(i64, String)>,
    pub lines: usize,
    /// The most recent line's head and time.
    pub latest: Option<(i64, DateTime<Utc>)>,
}

/// Checks the lines against each other and against the chain's current `anchor`; the first
/// problem, or what the rows must hold.
pub(super) fn coverage(
    lines: &[ReadLine],
    anchor: &audit_chain_anchor::Model,
) -> Result<Coverage, BrokenLink> {
    let mut valid: Vec<(&Checkpoint, &str)> = Vec::with_capacity(lines.len());
    let mut last_of_writer: HashMap<&str, (i64, &str)> = HashMap::new();
    for line in lines {
        let checkpoint = line.checkpoint.as_ref().map_err(|p| BrokenLink {
            location: Location::Line(line.origin.clone()),
            problem: p.problem.clone(),
            expected: p.expected.clone(),
            found: p.found.clone(),
        })?;
        let origin = line.origin.as_str();
        if let Some((row, before)) = last_of_writer.get(checkpoint.writer.as_str())
            && checkpoint.row < *row
        {
            return Err(BrokenLink {
                location: Location::Line(line.origin.clone()),
                problem: format!(
                    "writer {} saw the head at row {} after it saw row {row} ({before}): the \
                     chain's head went back",
                    checkpoint.writer, checkpoint.row
                ),
                expected: format!("a row of {row} or more"),
                found: checkpoint.row.to_string(),
            });
        }
        last_of_writer.insert(&checkpoint.writer, (checkpoint.row, origin));
        valid.push((checkpoint, origin));
    }
    check_anchors(&valid, anchor)?;
    let mut coverage = Coverage {
        lines: valid.len(),
        ..Coverage::default()
    };
    for (checkpoint, origin) in valid {
        if checkpoint.row == anchor.through_id && checkpoint.hash != anchor.hash {
            return Err(BrokenLink {
                location: Location::Row(checkpoint.row),
                problem: format!(
                    "the chain's anchor gives row {} a hash other than {origin} recorded",
                    checkpoint.row
                ),
                expected: checkpoint.hash.clone(),
                found: anchor.hash.clone(),
            });
        }
        if checkpoint.row > anchor.through_id {
            coverage
                .rows
                .entry(checkpoint.row)
                .or_default()
                .push((checkpoint.hash.clone(), origin.to_owned()));
        }
        if coverage
            .furthest
            .as_ref()
            .is_none_or(|(row, _)| checkpoint.row > *row)
        {
            coverage.furthest = Some((checkpoint.row, origin.to_owned()));
        }
        if coverage.latest.is_none_or(|(_, at)| checkpoint.at > at) {
            coverage.latest = Some((checkpoint.row, checkpoint.at));
        }
    }
    Ok(coverage)
}

/// The anchors a line may name, and the chain may start from: those prunes made, and the one
/// in force when checkpoints began (the lowest any line names). Rows up to an anchor are
/// exempt from verification, so an anchor from anywhere else is how older rows would be
/// rewritten unnoticed.
fn check_anchors(
    lines: &[(&Checkpoint, &str)],
    anchor: &audit_chain_anchor::Model,
) -> Result<(), BrokenLink> {
    let Some(first) = lines.iter().map(|(c, _)| c).min_by_key(|c| c.anchor_row) else {
        return Ok(());
    };
    let mut made: Vec<(i64, &str)> = vec![(first.anchor_row, &first.anchor_hash)];
    made.extend(
        lines
            .iter()
            .filter(|(c, _)| c.kind == Kind::Prune)
            .map(|(c, _)| (c.anchor_row, c.anchor_hash.as_str())),
    );
    let known = |row: i64, hash: &str| made.contains(&(row, hash));
    let expected = || {
        let mut rows: Vec<String> = made.iter().map(|(row, _)| row.to_string()).collect();
        rows.dedup();
        format!("an anchor at row {}", rows.join(" or "))
    };
    for (checkpoint, origin) in lines {
        if !known(checkpoint.anchor_row, &checkpoint.anchor_hash) {
            return Err(BrokenLink {
                location: Location::Line((*origin).to_owned()),
                problem: format!(
                    "the chain started after an anchor at row {} that no prune recorded: \
                     an anchor was forged",
                    checkpoint.anchor_row
                ),
                expected: expected(),
                found: format!(
                    "row {}, hash {}",
                    checkpoint.anchor_row, checkpoint.anchor_hash
                ),
            });
        }
    }
    if !known(anchor.through_id, &anchor.hash) {
        return Err(BrokenLink {
            location: Location::Row(anchor.through_id),
            problem: format!(
                "the chain starts after an anchor ({}, written {}) that no prune recorded: \
                 rows up to {} would escape verification; the anchor was forged",
                anchor.kind,
                anchor.at.format("%Y-%m-%d %H:%M:%S UTC"),
                anchor.through_id
            ),
            expected: expected(),
            found: format!("row {}, hash {}", anchor.through_id, anchor.hash),
        });
    }
    // a periodic line names only a committed anchor (a prune's line precedes its commit)
    if let Some((seen, origin)) = lines
        .iter()
        .filter(|(c, _)| c.kind != Kind::Prune && c.anchor_row > anchor.through_id)
        .map(|(c, origin)| (c.anchor_row, origin))
        .next()
    {
        return Err(BrokenLink {
            location: Location::Row(anchor.through_id),
            problem: format!(
                "the chain starts after row {} but {origin} saw it start after row {seen}: a \
                 later anchor was removed",
                anchor.through_id
            ),
            expected: format!("an anchor at row {seen} or later"),
            found: format!("row {}", anchor.through_id),
        });
    }
    Ok(())
}
