//! The bulk import's load into empty tables: secondary indexes and foreign keys dropped for
//! the load come back exactly as they were, after it or at the store's next start; batches
//! written side by side agree on lines that repeat across them.

use crate::helpers::{TestApp, spawn_fixture_app};
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

const TABLES: [&str; 3] = ["libretto", "libretto_experience", "evidence"];

/// Every index and foreign key of the libretto tables, as the database defines them.
async fn catalog(app: &TestApp) -> Vec<(String, String)> {
    let db = app.state.store.db();
    let backend = db.get_database_backend();
    let list = TABLES.map(|t| format!("'{t}'")).join(", ");
    let sql = match backend {
        DbBackend::Postgres => format!(
            "SELECT indexname AS name, indexdef AS definition FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename IN ({list}) \
             UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE contype = 'f' AND conrelid::regclass::text IN ({list}) ORDER BY 1"
        ),
        _ => format!(
            "SELECT name, COALESCE(sql, '(unique constraint)') AS definition FROM sqlite_master \
             WHERE type = 'index' AND tbl_name IN ({list}) ORDER BY 1"
        ),
    };
    db.query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get::<String>("", "name").unwrap(),
                r.try_get::<String>("", "definition").unwrap(),
            )
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = app.state.store.db();
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// What the store drops for a load into empty tables: the four secondary indexes of
/// `libretto`, one of `libretto_experience`, two of `evidence`; on PostgreSQL also the three
/// foreign keys of the children.
fn deferrable(store: Engine) -> usize {
    match store {
        Engine::Postgres => 10,
        _ => 7,
    }
}

/// 20,000 generated libretti, two batches of 10,000, where the last 50 lines of each batch
/// repeat the first 50 of the other: written side by side on PostgreSQL, each batch waits
/// for a key the other holds, the database ends the deadlock, and the batch it rolled back
/// is written again. On SQLite (batches of 50,000) the repeats fall in one transaction,
/// whose children are then only those of the libretti it stored.
fn lines_repeating_across_batches() -> (Vec<Value>, usize, usize) {
    let mut lines: Vec<Value> = fascicolo::demo::legacy::libretti(20_000, 11).collect();
    for k in 0..50 {
        lines[9_950 + k] = lines[10_000 + k].clone();
        lines[19_950 + k] = lines[k].clone();
    }
    let distinct = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !(9_950..10_000).contains(i) && !(19_950..20_000).contains(i))
        .map(|(_, l)| l);
    let (experiences, evidences) = distinct.fold((0, 0), |(x, e), l| {
        (
            x + l["experiences"].as_array().map_or(0, Vec::len),
            e + l["evidences"].as_array().map_or(0, Vec::len),
        )
    });
    (lines, experiences, evidences)
}

async fn a_load_into_empty_tables_rebuilds_what_it_dropped(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM libretto").await, 0);
    let before = catalog(&app).await;
    let (lines, experiences, evidences) = lines_repeating_across_batches();
    let text = lines
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let import = async || {
        fascicolo::import::libretti(
            app.state.store.db(),
            &app.state.reference,
            "TOS",
            std::io::BufRead::lines(std::io::Cursor::new(text.as_bytes())),
            |_| {},
        )
        .await
        .unwrap()
    };
    let first = import().await;
    assert_eq!(
        (first.imported, first.already_present, first.rebuilt),
        (19_900, 100, deferrable(store)),
        "{:?}",
        first.rejected
    );
    assert_eq!(catalog(&app).await, before);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM deferred_ddl").await,
        0
    );
    // each stored libretto with its own children, none of a skipped line's
    let children = [
        ("libretto_experience", experiences),
        ("evidence", evidences),
    ];
    for (table, expected) in children {
        let sql =
            format!("SELECT COUNT(*) AS n FROM {table} c JOIN libretto l ON l.id = c.libretto_id");
        assert_eq!(count(&app, &sql).await, expected as i64, "{table}");
        let all = format!("SELECT COUNT(*) AS n FROM {table}");
        assert_eq!(count(&app, &all).await, expected as i64, "{table}");
    }
    // the reports read the rebuilt indexes
    let admin = app.token(Role::Admin, None);
    let (status, body) = app
        .post(
            Some(&admin),
            "{ statistics { libretti { byArea { total } } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["statistics"]["libretti"]["byArea"]["total"], 19_900,
        "{body}"
    );
    // a second run finds the tables full: nothing dropped, nothing added
    let again = import().await;
    assert_eq!(
        (again.imported, again.already_present, again.rebuilt),
        (0, 20_000, 0)
    );
    assert_eq!(catalog(&app).await, before);
    app.stop().await;
}

#[tokio::test]
async fn a_load_into_empty_tables_rebuilds_what_it_dropped_sqlite() {
    a_load_into_empty_tables_rebuilds_what_it_dropped("bulk_rebuild_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn a_load_into_empty_tables_rebuilds_what_it_dropped_postgres() {
    a_load_into_empty_tables_rebuilds_what_it_dropped("bulk_rebuild_postgres", Engine::Postgres)
        .await;
}

/// An import killed during its load leaves the indexes dropped and their definitions in
/// `deferred_ddl`; the store's next start builds them again.
async fn an_interrupted_load_is_rebuilt_at_the_next_start(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let before = catalog(&app).await;
    let dropped = fascicolo::store::bulk::defer(app.state.store.db(), &TABLES)
        .await
        .unwrap();
    assert_eq!(dropped, deferrable(store));
    assert_eq!(catalog(&app).await.len(), before.len() - dropped);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM deferred_ddl").await,
        dropped as i64
    );
    app.state.store.migrate().await.unwrap();
    assert_eq!(catalog(&app).await, before);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM deferred_ddl").await,
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn an_interrupted_load_is_rebuilt_at_the_next_start_sqlite() {
    an_interrupted_load_is_rebuilt_at_the_next_start("bulk_interrupted_sqlite", Engine::Sqlite)
        .await;
}

#[tokio::test]
async fn an_interrupted_load_is_rebuilt_at_the_next_start_postgres() {
    an_interrupted_load_is_rebuilt_at_the_next_start("bulk_interrupted_postgres", Engine::Postgres)
        .await;
}

/// Runs `fascicolo import <kind> FILE` on the test server's store; the rejects file's rows.
fn import_file(app: &TestApp, kind: &str, lines: &[Value]) -> (String, Vec<(usize, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let config = app.config_file(dir.path(), "");
    let file = dir.path().join("legacy.jsonl");
    let text: Vec<String> = lines.iter().map(Value::to_string).collect();
    std::fs::write(&file, text.join("\n")).unwrap();
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_fascicolo"))
            .env_remove("FASCICOLO_CONFIG")
            .env("RUST_LOG", "warn")
            .args(["import", kind, "--config"])
            .arg(&config)
            .arg(&file)
            .args(extra)
            .output()
            .unwrap()
    };
    let output = run(&[]);
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    let rejects =
        std::fs::read_to_string(dir.path().join("legacy.jsonl.rejected.tsv")).unwrap_or_default();
    let rows: Vec<(usize, String)> = rejects
        .lines()
        .skip(1)
        .map(|l| {
            let (line, reason) = l.split_once('\t').unwrap();
            (line.parse().unwrap(), reason.to_owned())
        })
        .collect();
    // a rejected line makes the exit status 1, unless --allow-rejects accepts a partial import
    assert_eq!(output.status.success(), rows.is_empty(), "{output:?}");
    if !rows.is_empty() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--allow-rejects"), "{stderr}");
        let accepted = run(&["--allow-rejects"]);
        assert!(accepted.status.success(), "{accepted:?}");
    }
    (out, rows)
}

/// Issue 19 §5: every coded field of an import line is checked against the reference data;
/// a bad one sends the line, with its number and a reason naming the field and the rule, to
/// the rejects file, and nothing of it is stored.
async fn every_coded_field_is_checked(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let libretto = |n: usize, change: Value| {
        let mut line = json!({ "number": format!("LFC-{n}"), "fiscalCode": crate::fixtures::MARIO,
            "area": "Pisa", "office": "CPI-PI-01", "issuedOn": "2015-01-10" });
        if n > 1 {
            line["fiscalCode"] = json!(crate::fixtures::anna().as_str());
        }
        for (k, v) in change.as_object().unwrap() {
            line[k] = v.clone();
        }
        line
    };
    let lines = [
        libretto(1, json!({})),
        libretto(2, json!({ "area": "Atlantide" })),
        libretto(3, json!({ "office": "CPI-XX-01" })),
        libretto(4, json!({ "region": "ATL" })),
        libretto(5, json!({ "status": "DRAFT" })),
        libretto(6, json!({ "gender": "X" })),
        libretto(
            7,
            json!({ "experiences": [{ "kind": "HOBBY", "origin": "REGIONAL_DB" }] }),
        ),
        libretto(
            8,
            json!({ "experiences": [{ "kind": "WORK", "origin": "GOSSIP" }] }),
        ),
        libretto(
            9,
            json!({ "evidences": [{ "category": "SELFIE", "title": "x" }] }),
        ),
        libretto(10, json!({ "region": "PIE" })),
        libretto(11, json!({ "office": "=HYPERLINK(\"x\")" })),
        libretto(
            12,
            json!({ "area": "MASSA CARRARA", "office": "CPI-MS-01" }),
        ),
    ];
    let (out, rejected) = import_file(&app, "libretti", &lines);
    assert!(
        out.contains("12 lines: 2 imported, 0 already present, 10 rejected"),
        "{out}"
    );
    let expected = [
        (2, "area: \"Atlantide\" is not a CPI area of TOS"),
        (3, "office: \"CPI-XX-01\" is not a CPI office of region TOS"),
        (4, "region: \"ATL\" is not an ISTAT region code"),
        (
            5,
            "status: \"DRAFT\" is not CONSOLIDATED, IN_UPDATE or CANCELLED",
        ),
        (6, "gender: \"X\" is not M or F"),
        (7, "experiences[0].kind: \"HOBBY\" is not WORK or TRAINING"),
        (
            8,
            "experiences[0].origin: \"GOSSIP\" is not REGIONAL_DB or SELF_DECLARED",
        ),
        (
            9,
            "evidences[0].category: \"SELFIE\" is not a code of the evidence category table",
        ),
        (10, "area: no CPI areas are known for region PIE"),
        (
            11,
            "office: \"=HYPERLINK(\"x\")\" is not a CPI office of region TOS",
        ),
    ];
    assert_eq!(rejected.len(), expected.len(), "{rejected:?}");
    for ((line, reason), (n, start)) in rejected.iter().zip(expected) {
        assert_eq!(*line, n, "{rejected:?}");
        assert!(reason.starts_with(start), "line {n}: {reason}");
    }
    // nothing of a rejected line is stored; the area as the reference data names it
    let admin = app.token(Role::Admin, None);
    let (_, body) = app
        .post(
            Some(&admin),
            "{ statistics { libretti { byArea { cells { key count } total } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["statistics"]["libretti"]["byArea"],
        json!({ "cells": [{ "key": "Massa-Carrara", "count": 1 }, { "key": "Pisa", "count": 1 }],
                "total": 2 }),
        "{body}"
    );

    let dossier = |n: usize, change: Value| {
        let mut line = json!({ "legacyId": format!("D-{n}"), "fiscalCode": crate::fixtures::MARIO,
            "region": "PIE", "office": "CPI-TO-01", "provider": "Ente", "requestedOn": "2023-03-01",
            "outcome": "DOSSIER_ONLY", "closedOn": "2023-06-01", "hours": 10, "sectors": ["23"] });
        for (k, v) in change.as_object().unwrap() {
            line[k] = v.clone();
        }
        line
    };
    let lines = [
        dossier(1, json!({})),
        dossier(2, json!({ "region": "ATL" })),
        dossier(3, json!({ "office": "CPI-FI-01" })),
        dossier(4, json!({ "sectors": ["99"] })),
        dossier(5, json!({ "outcome": "MAYBE" })),
        dossier(6, json!({ "status": "LOST" })),
    ];
    let (out, rejected) = import_file(&app, "ivc", &lines);
    assert!(
        out.contains("6 lines: 1 imported, 0 already present, 5 rejected"),
        "{out}"
    );
    let expected = [
        (2, "region: \"ATL\" is not an ISTAT region code"),
        (3, "office: \"CPI-FI-01\" is not a CPI office of region PIE"),
        (
            4,
            "sectors[0]: \"99\" is not a code of the sep sector table",
        ),
        (5, "outcome: \"MAYBE\" is not an outcome"),
        (6, "status: \"LOST\" is not an IVC dossier state"),
    ];
    assert_eq!(rejected.len(), expected.len(), "{rejected:?}");
    for ((line, reason), (n, start)) in rejected.iter().zip(expected) {
        assert_eq!(*line, n, "{rejected:?}");
        assert!(reason.starts_with(start), "line {n}: {reason}");
    }
    let (_, body) = app
        .post(
            Some(&admin),
            "{ statistics { ivc { requestsByYear { total } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["statistics"]["ivc"]["requestsByYear"]["total"],
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn every_coded_field_is_checked_sqlite() {
    every_coded_field_is_checked("import_codes_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn every_coded_field_is_checked_postgres() {
    every_coded_field_is_checked("import_codes_postgres", Engine::Postgres).await;
}
