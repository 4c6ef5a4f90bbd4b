//! Checkpoints of the audit chain outside the store (issue 20 §4): tampering that the hash
//! chain alone lets through — the tail cut and the head moved back, every row deleted and the
//! head reset, a forged prune anchor, a row rewritten with the chain recomputed — makes
//! `fascicolo audit verify` fail with exit code 1 and the first problem named once a
//! checkpoint covered the rows; a forged checkpoint line is reported; rows inserted past the
//! head are reported and never shown by `accessReport`/`auditLog`. SQLite and PostgreSQL.

use crate::fixtures::{self, MARIO, anna, giulia, luca};
use crate::helpers::{TestApp, fascicolo_audit, spawn_app_with};
use chrono::Utc;
use entities::{audit_chain_anchor, audit_chain_head, audit_log};
use fascicolo::auth::Role;
use fascicolo::store::audit::chain::{self, hash};
use fascicolo::store::audit::checkpoint::{Checkpoint, CheckpointKey, CheckpointLog, Kind};
use fascicolo::store::audit::verify::{Location, verify};
use fascicolo::testing::Engine;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Set,
};
use secrecy::SecretString;
use serde_json::json;
use std::path::Path;

pub const KEY: &str = "checkpoint-key-for-the-tests-0123456789";

const PERSON: &str =
    "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } } }";

/// The `[audit]` section that writes checkpoints to `file` every `secs`.
pub fn checkpointing(file: &Path, secs: u64) -> String {
    format!(
        "[audit]\ncheckpoint_file = \"{}\"\ncheckpoint_key = \"{KEY}\"\ncheckpoint_secs = {secs}\n",
        file.display()
    )
}

pub fn key() -> CheckpointKey {
    CheckpointKey::new(SecretString::from(KEY.to_owned()))
}

/// Another writer on `file` (a replica, or the test), writing what the server's task writes.
pub async fn checkpoint_now(db: &DatabaseConnection, log: &CheckpointLog) -> Checkpoint {
    let checkpoint = Checkpoint::of_store(db, Kind::Periodic, log.writer())
        .await
        .unwrap();
    log.append(&checkpoint).await.unwrap();
    checkpoint
}

/// One read of each of four citizens, one request each: one audit row each.
pub async fn read_four(app: &TestApp) {
    for cf in [
        MARIO.to_owned(),
        anna().as_str().to_owned(),
        giulia().as_str().to_owned(),
        luca().as_str().to_owned(),
    ] {
        let body = app.query(PERSON, json!({ "cf": cf })).await;
        assert_eq!(body.get("errors"), None, "{body}");
    }
}

/// The log as it was, to put back after each tampering.
struct Saved {
    rows: Vec<audit_log::Model>,
    head: audit_chain_head::Model,
    anchors: usize,
}

async fn save(db: &DatabaseConnection) -> Saved {
    Saved {
        rows: audit_log::Entity::find()
            .order_by_asc(audit_log::Column::Id)
            .all(db)
            .await
            .unwrap(),
        head: audit_chain_head::Entity::find_by_id(1i16)
            .one(db)
            .await
            .unwrap()
            .unwrap(),
        anchors: audit_chain_anchor::Entity::find()
            .all(db)
            .await
            .unwrap()
            .len(),
    }
}

async fn restore(db: &DatabaseConnection, saved: &Saved) {
    db.execute_unprepared("DELETE FROM audit_log")
        .await
        .unwrap();
    let rows = saved.rows.iter().cloned().map(audit_log::ActiveModel::from);
    audit_log::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .unwrap();
    audit_chain_head::ActiveModel::from(saved.head.clone())
        .reset_all()
        .update(db)
        .await
        .unwrap();
    let keep = saved.anchors;
    db.execute_unprepared(&format!("DELETE FROM audit_chain_anchor WHERE id > {keep}"))
        .await
        .unwrap();
}

/// Verify, in-process without checkpoints (what the chain alone says) and through the
/// binary with them; the binary's exit code and output.
async fn verify_both(db: &DatabaseConnection, config: &Path) -> (bool, Option<i32>, String) {
    let alone = verify(db, None).await.unwrap().ok();
    let (code, out) = fascicolo_audit(config, &["verify"]);
    (alone, code, out)
}

async fn checkpoints_catch_tampering(test: &str, store: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.chk");
    let sources = fixtures::sources(Engine::Sqlite, Engine::Sqlite);
    let Some(app) = spawn_app_with(test, store, sources, &[], &checkpointing(&file, 3600)).await
    else {
        return;
    };
    // the server writes its start checkpoint from a task of its own: wait for it, so that it
    // covers the empty chain and not rows read below (a slow start made it cover row 4)
    for _ in 0..100 {
        if std::fs::read_to_string(&file).is_ok_and(|text| !text.trim().is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let config = app.config_file(dir.path(), "");
    let db = app.state.store.db().clone();
    read_four(&app).await;
    read_four(&app).await;
    let tester = CheckpointLog::new(file.clone(), key());
    let covered = checkpoint_now(&db, &tester).await;
    assert_eq!(covered.row, 8);
    let saved = save(&db).await;
    let hash_of = |id: i64| saved.rows[id as usize - 1].hash.clone().unwrap();

    // untouched: every check passes
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("audit chain OK: 8 rows verified"), "{out}");
    assert!(
        out.contains("checkpoints OK:") && out.contains("head at row 8"),
        "{out}"
    );

    // (a) the tail deleted and the head rewritten to the last kept row
    db.execute_unprepared("DELETE FROM audit_log WHERE id > 5")
        .await
        .unwrap();
    db.execute_unprepared(&format!(
        "UPDATE audit_chain_head SET last_id = 5, last_hash = '{}'",
        hash_of(5)
    ))
    .await
    .unwrap();
    let (alone, code, out) = verify_both(&db, &config).await;
    assert!(alone, "the chain alone cannot tell");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("BROKEN") && out.contains("row 8:"), "{out}");
    assert!(out.contains("rows 6..8 were cut off"), "{out}");
    restore(&db, &saved).await;

    // (b) every row deleted and the head reset to the start
    db.execute_unprepared("DELETE FROM audit_log")
        .await
        .unwrap();
    db.execute_unprepared(&format!(
        "UPDATE audit_chain_head SET last_id = 0, last_hash = '{}'",
        chain::GENESIS
    ))
    .await
    .unwrap();
    let (alone, code, out) = verify_both(&db, &config).await;
    assert!(alone, "the chain alone cannot tell");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("rows 1..8 were cut off"), "{out}");
    restore(&db, &saved).await;

    // (c) a forged prune anchor, then an older row edited at will
    audit_chain_anchor::ActiveModel {
        through_id: Set(5),
        hash: Set(hash_of(5)),
        at: Set(Utc::now()),
        kind: Set("prune".into()),
        pruned_rows: Set(5),
        cutoff: Set(Some(Utc::now())),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    db.execute_unprepared("UPDATE audit_log SET subject = 'someone-else' WHERE id = 3")
        .await
        .unwrap();
    let (alone, code, out) = verify_both(&db, &config).await;
    assert!(alone, "the chain alone cannot tell");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("row 5:") && out.contains("that no prune recorded"),
        "{out}"
    );
    restore(&db, &saved).await;

    // (e) a covered row changed and every later hash and the head recomputed
    rewrite_from(&db, 3).await;
    let (alone, code, out) = verify_both(&db, &config).await;
    assert!(alone, "the chain alone cannot tell");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("row 8:"), "{out}");
    assert!(
        out.contains(&format!("is not the one {}:", file.display())),
        "{out}"
    );
    assert!(
        out.contains(&covered.hash),
        "the recorded hash is shown: {out}"
    );
    restore(&db, &saved).await;

    forged_lines_are_reported(&file, &config).await;
    rows_past_the_head_are_reported_and_not_shown(&app, &config).await;
    app.stop().await;
}

/// Changes the subject of row `id` and recomputes the chain from there, as someone who knows
/// the hashing would: the chain and its head agree again.
async fn rewrite_from(db: &DatabaseConnection, id: i64) {
    let rows = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await
        .unwrap();
    let mut prev = rows[id as usize - 1].prev_hash.clone().unwrap();
    for mut row in rows.into_iter().skip(id as usize - 1) {
        if row.id == id {
            row.subject = "someone-else".into();
        }
        row.prev_hash = Some(prev.clone());
        prev = hash(&row, &prev);
        row.hash = Some(prev.clone());
        let last = row.id;
        audit_log::ActiveModel::from(row)
            .reset_all()
            .update(db)
            .await
            .unwrap();
        db.execute_unprepared(&format!(
            "UPDATE audit_chain_head SET last_id = {last}, last_hash = '{prev}'"
        ))
        .await
        .unwrap();
    }
    assert!(verify(db, None).await.unwrap().ok());
}

/// A line signed with another key, and one that is not a checkpoint at all.
async fn forged_lines_are_reported(file: &Path, config: &Path) {
    let original = std::fs::read_to_string(file).unwrap();
    let lines = original.lines().count();
    let mut forged: serde_json::Value =
        serde_json::from_str(original.lines().last().unwrap()).unwrap();
    forged["row"] = json!(2);
    std::fs::write(file, format!("{original}{forged}\n")).unwrap();
    let (code, out) = fascicolo_audit(config, &["verify"]);
    assert_eq!(code, Some(1), "{out}");
    let origin = format!("checkpoint {}:{}:", file.display(), lines + 1);
    assert!(out.contains(&origin), "{out}");
    assert!(out.contains("its HMAC does not hold"), "{out}");

    std::fs::write(file, format!("{original}not a checkpoint\n")).unwrap();
    let (code, out) = fascicolo_audit(config, &["verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(&origin) && out.contains("not JSON"), "{out}");
    std::fs::write(file, original).unwrap();
}

/// (d) A row inserted with an id past the head (linked to the head's hash, as a forger
/// would): verify names it, and no report shows it.
async fn rows_past_the_head_are_reported_and_not_shown(app: &TestApp, config: &Path) {
    let db = app.state.store.db();
    let head = chain::read_head(db).await.unwrap();
    let mut forged = audit_log::Model {
        id: head.last_id + 1000,
        at: Utc::now(),
        request_id: "forged".into(),
        subject: "nobody".into(),
        role: "operator".into(),
        office: None,
        fiscal_code: MARIO.into(),
        action: "read".into(),
        fields: "person".into(),
        prev_hash: Some(head.last_hash.clone()),
        hash: None,
    };
    forged.hash = Some(hash(&forged, &head.last_hash));
    audit_log::ActiveModel::from(forged)
        .reset_all()
        .insert(db)
        .await
        .unwrap();
    let report = verify(db, None).await.unwrap();
    let broken = report.broken.expect("found without checkpoints too");
    assert_eq!(broken.location, Location::Row(head.last_id + 1000));
    let (code, out) = fascicolo_audit(config, &["verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("stored past the chain's head"), "{out}");

    let admin = app.token(Role::Admin, None);
    let (status, body) = app
        .post(
            Some(&admin),
            "query($cf: FiscalCode!) { \
               accessReport(fiscalCode: $cf, first: 100) { totalCount edges { node { requestId } } } \
               auditLog(fiscalCode: $cf, first: 100) { edges { node { requestId } } } }",
            json!({ "cf": MARIO }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.get("errors"), None, "{body}");
    let ids = |field: &str| -> Vec<String> {
        body["data"][field]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["requestId"].as_str().unwrap().to_owned())
            .collect()
    };
    // Mario was read twice (rows 1 and 5)
    assert_eq!(ids("accessReport").len(), 2, "{body}");
    assert_eq!(body["data"]["accessReport"]["totalCount"], 2, "{body}");
    assert!(
        !ids("accessReport").contains(&"forged".to_owned()),
        "{body}"
    );
    assert_eq!(ids("auditLog").len(), 2, "{body}");
    assert!(!ids("auditLog").contains(&"forged".to_owned()), "{body}");
}

#[tokio::test]
async fn checkpoints_catch_tampering_sqlite() {
    checkpoints_catch_tampering("checkpoint_tamper_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn checkpoints_catch_tampering_postgres() {
    checkpoints_catch_tampering("checkpoint_tamper_postgres", Engine::Postgres).await;
}
