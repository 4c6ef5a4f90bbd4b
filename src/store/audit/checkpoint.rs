//! Checkpoints of the audit chain, kept outside the store (`audit.checkpoint_file`). The hash
//! chain alone cannot tell a log cut short from a shorter one: whoever can write the
//! database can delete the tail and move the head back, reset everything, or insert an
//! anchor that exempts older rows from verification. A checkpoint is a signed statement,
//! written where the database's users cannot reach: "at this time the chain's head was row
//! R with hash H, and it started after the anchor at row A with hash K". `verify` then
//! proves the database still holds that prefix (Garante, provvedimento 27 novembre 2008:
//! access logs complete, unalterable, verifiable).
//!
//! One line per checkpoint, a JSON object: `at`, `kind` (`periodic`, `shutdown`, `prune`),
//! `writer` (one id per process: replicas may share a file), `row`, `hash`, `anchor_row`,
//! `anchor_hash`, for a prune `pruned_rows` and `cutoff`, and `hmac`: HMAC-SHA256 under
//! `audit.checkpoint_key`, hex, over a canonical JSON array of the other fields (so the
//! line's key order and spacing may change in a log pipeline, its values may not). Each
//! line goes out with a single append and is synced before the writer goes on.

use super::chain;
use crate::config::AuditConfig;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use hmac::{Hmac, Mac};
use sea_orm::{ConnectionTrait, DbErr};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The version tag inside every signed text: a change of the fields is a new tag.
const FORMAT: &str = "fascicolo-audit-checkpoint-v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Every `audit.checkpoint_secs` while the server runs (and once at its start).
    Periodic,
    /// When the server stops, after the last request was answered.
    Shutdown,
    /// Written by `audit prune` before its deletion commits: the anchor it makes.
    Prune,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Periodic => "periodic",
            Kind::Shutdown => "shutdown",
            Kind::Prune => "prune",
        }
    }
}

/// What one line states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub at: DateTime<Utc>,
    pub kind: Kind,
    pub writer: String,
    /// The chain's head: its last row and that row's hash.
    pub row: i64,
    pub hash: String,
    /// The newest anchor (for a prune, the one it makes): rows up to `anchor_row` are not
    /// verified, and the next row's `prev_hash` is `anchor_hash`.
    pub anchor_row: i64,
    pub anchor_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pruned_rows: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<DateTime<Utc>>,
}

impl Checkpoint {
    /// The chain as it is now in `db`, as seen by `writer`.
    pub async fn of_store(
        db: &impl ConnectionTrait,
        kind: Kind,
        writer: &str,
    ) -> Result<Checkpoint, DbErr> {
        let head = chain::read_head(db).await?;
        let anchor = chain::latest_anchor(db).await?;
        Ok(Checkpoint {
            at: Utc::now().trunc_subsecs(6),
            kind,
            writer: writer.to_owned(),
            row: head.last_id,
            hash: head.last_hash,
            anchor_row: anchor.through_id,
            anchor_hash: anchor.hash,
            pruned_rows: None,
            cutoff: None,
        })
    }

    /// The text the HMAC covers: every field, in a fixed order, exactly as parsed.
    fn signed_text(&self) -> String {
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
        serde_json::json!([
            FORMAT,
            time(self.at),
            self.kind.as_str(),
            self.writer,
            self.row,
            self.hash,
            self.anchor_row,
            self.anchor_hash,
            self.pruned_rows,
            self.cutoff.map(time),
        ])
        .to_string()
    }
}

/// The HMAC-SHA256 key of the checkpoints (`audit.checkpoint_key`).
#[derive(Clone)]
pub struct CheckpointKey(SecretString);

impl CheckpointKey {
    pub fn new(key: SecretString) -> Self {
        CheckpointKey(key)
    }

    /// HMAC takes a key of any length (a long one is hashed first), so this does not fail
    /// in practice; the error is carried rather than assumed away.
    fn mac(&self, checkpoint: &Checkpoint) -> Result<Hmac<Sha256>, hmac::digest::InvalidLength> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.expose_secret().as_bytes())?;
        mac.update(checkpoint.signed_text().as_bytes());
        Ok(mac)
    }

    /// The line for `checkpoint`, without its newline.
    pub fn sign(&self, checkpoint: &Checkpoint) -> std::io::Result<String> {
        let Ok(Value::Object(mut line)) = serde_json::to_value(checkpoint) else {
            return Err(std::io::Error::other("a checkpoint did not serialise"));
        };
        let mac = self.mac(checkpoint).map_err(std::io::Error::other)?;
        let mac = hex::encode(mac.finalize().into_bytes());
        line.insert("hmac".into(), Value::String(mac));
        Ok(Value::Object(line).to_string())
    }

    /// The checkpoint of a line whose HMAC holds.
    pub fn open(&self, line: &str) -> Result<Checkpoint, LineProblem> {
        let mut fields = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(fields)) => fields,
            Ok(_) => return Err(LineProblem::shape("the line is not a JSON object", line)),
            Err(e) => return Err(LineProblem::shape(&format!("not JSON ({e})"), line)),
        };
        let Some(Value::String(found)) = fields.remove("hmac") else {
            return Err(LineProblem::shape("the line has no \"hmac\"", line));
        };
        let checkpoint: Checkpoint = serde_json::from_value(Value::Object(fields))
            .map_err(|e| LineProblem::shape(&format!("not a checkpoint ({e})"), line))?;
        let holds = match (hex::decode(&found), self.mac(&checkpoint)) {
            (Ok(bytes), Ok(mac)) => mac.verify_slice(&bytes).is_ok(),
            _ => false,
        };
        if !holds {
            // the right HMAC is never printed: it would sign the forger's line for them
            return Err(LineProblem {
                problem: "its HMAC does not hold: the line was forged or changed, or \
                          signed with another audit.checkpoint_key"
                    .into(),
                expected: "an HMAC-SHA256 under audit.checkpoint_key".into(),
                found,
            });
        }
        Ok(checkpoint)
    }
}

/// Why a line is not a valid checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub problem: String,
    pub expected: String,
    pub found: String,
}

impl LineProblem {
    fn shape(problem: &str, line: &str) -> Self {
        let shown: String = line.chars().take(120).collect();
        LineProblem {
            problem: format!("{problem}: the line was damaged or is not a checkpoint"),
            expected: "a checkpoint line (a JSON object signed with \"hmac\")".into(),
            found: shown,
        }
    }
}

/// One line read back: where it is (`file:line`) and what it holds.
#[derive(Debug, Clone)]
pub struct ReadLine {
    pub origin: String,
    pub checkpoint: Result<Checkpoint, LineProblem>,
}

/// The checkpoint files `verify` checks the chain against, all under one key.
#[derive(Clone)]
pub struct Checkpoints {
    pub paths: Vec<PathBuf>,
    pub key: CheckpointKey,
}

impl Checkpoints {
    /// Every line of every file, in order; blank lines are skipped. A file that cannot be
    /// read is an error: a configured file that is gone is not an empty history.
    pub async fn read(&self) -> Result<Vec<ReadLine>, (PathBuf, std::io::Error)> {
        let mut lines = Vec::new();
        for path in &self.paths {
            let bytes = tokio::fs::read(path).await.map_err(|e| (path.clone(), e))?;
            let text = String::from_utf8_lossy(&bytes);
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                lines.push(ReadLine {
                    origin: format!("{}:{}", path.display(), i + 1),
                    checkpoint: self.key.open(line),
                });
            }
        }
        Ok(lines)
    }
}

/// Where this process appends its checkpoints.
#[derive(Clone)]
pub struct CheckpointLog {
    path: PathBuf,
    key: CheckpointKey,
    writer: String,
}

impl CheckpointLog {
    /// `None` without `audit.checkpoint_file` (the configuration requires the key with it).
    pub fn from_config(audit: &AuditConfig) -> Option<CheckpointLog> {
        let path = audit.checkpoint_file.clone()?;
        let key = audit.checkpoint_key.clone()?;
        Some(CheckpointLog::new(path, CheckpointKey::new(key)))
    }

    /// A log with a writer id of its own: random, so it names a process, not a person.
    pub fn new(path: PathBuf, key: CheckpointKey) -> Self {
        CheckpointLog {
            path,
            key,
            writer: uuid::Uuid::new_v4().simple().to_string(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn writer(&self) -> &str {
        &self.writer
    }

    /// The file and key to verify against.
    pub fn checkpoints(&self) -> Checkpoints {
        Checkpoints {
            paths: vec![self.path.clone()],
            key: self.key.clone(),
        }
    }

    /// Opens the file for appending (creating it), so a server that could not write its
    /// checkpoints does not start.
    pub fn check_writable(&self) -> std::io::Result<()> {
        append_only(&self.path).map(drop)
    }

    /// Appends `checkpoint` as one line with one write, and syncs it to disk.
    pub async fn append(&self, checkpoint: &Checkpoint) -> std::io::Result<()> {
        let line = format!("{}\n", self.key.sign(checkpoint)?);
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let mut file = append_only(&path)?;
            file.write_all(line.as_bytes())?;
            file.sync_data()
        })
        .await
        .map_err(std::io::Error::other)?
    }
}

/// O_APPEND: each write lands at the end even with several writers on the file.
fn append_only(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> CheckpointKey {
        CheckpointKey::new(SecretString::from(text.to_owned()))
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            at: DateTime::parse_from_rfc3339("2026-12-07T10:00:00.123456Z")
                .unwrap()
                .with_timezone(&Utc),
            kind: Kind::Prune,
            writer: "w1".into(),
            row: 12,
            hash: "a".repeat(64),
            anchor_row: 5,
            anchor_hash: "b".repeat(64),
            pruned_rows: Some(5),
            cutoff: Some(Utc::now().trunc_subsecs(0)),
        }
    }

    /// A signed line opens with its key, and not with another; any value changed, or a
    /// field added, makes it invalid; spacing and key order may change.
    #[test]
    fn a_line_opens_only_unchanged_and_with_its_key() {
        let k = key(&"k".repeat(32));
        let line = k.sign(&checkpoint()).unwrap();
        assert_eq!(k.open(&line), Ok(checkpoint()));
        let err = key(&"x".repeat(32)).open(&line).unwrap_err();
        assert!(err.problem.contains("HMAC does not hold"), "{err:?}");
        assert!(!err.expected.contains(&line[line.len() - 66..]));
        let changed = [
            line.replace("\"row\":12", "\"row\":13"),
            line.replace("\"kind\":\"prune\"", "\"kind\":\"periodic\""),
            line.replace("\"pruned_rows\":5", "\"pruned_rows\":6"),
            line.replace("10:00:00.123456Z", "10:00:00.123457Z"),
            line.replace(&"b".repeat(64), &"c".repeat(64)),
        ];
        for forged in changed {
            assert_ne!(forged, line);
            assert!(k.open(&forged).is_err(), "{forged}");
        }
        let extra = line.replacen('{', "{\"note\":1,", 1);
        assert!(
            k.open(&extra)
                .unwrap_err()
                .problem
                .contains("not a checkpoint")
        );
        let reordered: Value = serde_json::from_str(&line).unwrap();
        let pretty = serde_json::to_string_pretty(&reordered)
            .unwrap()
            .replace('\n', " ");
        assert_eq!(k.open(&pretty), Ok(checkpoint()));
        assert!(
            k.open("{\"row\":1")
                .unwrap_err()
                .problem
                .contains("not JSON")
        );
        assert!(k.open("[1]").is_err());
    }
}
