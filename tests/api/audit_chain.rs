//! The tamper-evident audit log: rows written by requests form one hash chain that
//! `fascicolo audit verify` checks (a changed field, a deleted row, rows cut off the end are
//! each reported with the row's id and exit code 1), concurrent requests do not fork it, and
//! `fascicolo audit prune` deletes what is past `audit.retention_days` while the chain still
//! verifies — on SQLite and PostgreSQL stores.

use crate::fixtures::{MARIO, anna, giulia, luca};
use crate::helpers::{TestApp, fascicolo_audit, spawn_fixture_app};
use chrono::{Duration, Utc};
use fascicolo::auth::Role;
use fascicolo::store::audit::chain;
use fascicolo::store::audit::prune::prune;
use fascicolo::store::audit::verify::verify;
use fascicolo::testing::Engine;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, TransactionTrait};
use serde_json::json;

const PERSON: &str =
    "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } } }";

/// Reads of `citizens`, one request each: one audit row each.
async fn read_each(app: &TestApp, citizens: &[String]) {
    for cf in citizens {
        let body = app.query(PERSON, json!({ "cf": cf })).await;
        assert_eq!(body.get("errors"), None, "{body}");
    }
}

fn citizens() -> Vec<String> {
    vec![
        MARIO.to_owned(),
        anna().as_str().to_owned(),
        giulia().as_str().to_owned(),
        luca().as_str().to_owned(),
    ]
}

async fn ids(app: &TestApp) -> Vec<i64> {
    entities::audit_log::Entity::find()
        .order_by_asc(entities::audit_log::Column::Id)
        .all(app.state.store.db())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

async fn tampering_is_reported(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = app.config_file(dir.path(), "");
    // reads, a write (the libretto and its audit row in one transaction) and its read
    read_each(&app, &citizens()).await;
    let body = app
        .query(
            "mutation($cf: FiscalCode!) { openLibretto(input: { fiscalCode: $cf }) { id } }",
            json!({ "cf": anna().as_str() }),
        )
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    read_each(&app, &citizens()).await;
    let rows = ids(&app).await;
    assert_eq!(
        rows.len(),
        10,
        "8 reads, the write and the libretto it returned"
    );
    assert_eq!(rows, (1..=10).collect::<Vec<i64>>(), "ids follow the chain");

    let report = verify(app.state.store.db(), None).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!((report.verified, report.last_id), (10, 10));
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("audit chain OK: 10 rows verified"), "{out}");
    // without a checkpoint file, it says what it cannot see
    assert!(out.contains("truncation cannot be detected"), "{out}");
    assert!(out.contains(&report.last_hash), "{out}");

    // a field changed in the database: that row's hash no longer matches
    let db = app.state.store.db();
    let original: String = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT fields FROM audit_log WHERE id = 4",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "fields")
        .unwrap();
    db.execute_unprepared("UPDATE audit_log SET fields = 'fiscalCode' WHERE id = 4")
        .await
        .unwrap();
    let report = verify(db, None).await.unwrap();
    let broken = report.broken.expect("the change is found");
    assert_eq!(broken.row_id(), Some(4), "{broken}");
    assert!(broken.problem.contains("a field was changed"), "{broken}");
    assert_eq!(report.verified, 3);
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("BROKEN") && out.contains("row 4:"), "{out}");
    assert!(
        out.contains(&broken.expected) && out.contains(&broken.found),
        "expected and found hashes: {out}"
    );
    // the time of an access is covered as well
    db.execute_unprepared(&format!(
        "UPDATE audit_log SET fields = '{original}' WHERE id = 4"
    ))
    .await
    .unwrap();
    assert!(verify(db, None).await.unwrap().ok());
    let shifted = match store {
        Engine::Postgres => "UPDATE audit_log SET at = at - interval '1 hour' WHERE id = 6",
        _ => "UPDATE audit_log SET at = '2020-01-01 00:00:00+00:00' WHERE id = 6",
    };
    db.execute_unprepared(shifted).await.unwrap();
    assert_eq!(
        verify(db, None).await.unwrap().broken.unwrap().row_id(),
        Some(6)
    );

    // a row deleted in the middle: the next row's link names the gap
    db.execute_unprepared("DELETE FROM audit_log WHERE id = 6")
        .await
        .unwrap();
    let broken = verify(db, None).await.unwrap().broken.unwrap();
    assert_eq!(broken.row_id(), Some(7), "{broken}");
    assert!(broken.problem.contains("rows 6..6 are missing"), "{broken}");
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("row 7:"), "{out}");
    app.stop().await;
}

#[tokio::test]
async fn tampering_is_reported_sqlite() {
    tampering_is_reported("chain_tamper_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn tampering_is_reported_postgres() {
    tampering_is_reported("chain_tamper_postgres", Engine::Postgres).await;
}

/// Rows cut off the end leave no next row to complain: the chain head notices.
#[tokio::test]
async fn rows_cut_off_the_end_are_reported() {
    let Some(app) = spawn_fixture_app("chain_tail", Engine::Sqlite).await else {
        return;
    };
    read_each(&app, &citizens()).await;
    let db = app.state.store.db();
    db.execute_unprepared("DELETE FROM audit_log WHERE id >= 3")
        .await
        .unwrap();
    let broken = verify(db, None).await.unwrap().broken.unwrap();
    assert_eq!(broken.row_id(), Some(4), "{broken}");
    assert!(broken.problem.contains("rows 3..4 are missing"), "{broken}");
    app.stop().await;
}

async fn concurrent_requests_keep_one_chain(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let admin = app.token(Role::Admin, None);
    let operator = app.operator();
    let codes = citizens();
    // 16 requests at once: reads by operators and admins, and 4 writes (openLibretto)
    let requests = (0..16).map(|i| {
        // the writes open one libretto for each of the four citizens
        let cf = if i % 4 == 0 {
            codes[i / 4].clone()
        } else {
            codes[i % codes.len()].clone()
        };
        let (token, query) = match i % 4 {
            0 => (
                operator.clone(),
                "mutation($cf: FiscalCode!) { openLibretto(input: { fiscalCode: $cf }) { id } }",
            ),
            1 => (admin.clone(), PERSON),
            _ => (operator.clone(), PERSON),
        };
        let app = &app;
        async move { app.post(Some(&token), query, json!({ "cf": cf })).await }
    });
    let answers = futures::future::join_all(requests).await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body.get("errors"), None, "{body}");
    }
    let rows = ids(&app).await;
    // each write also returned (read) the libretto it opened
    assert_eq!(rows.len(), 20, "{rows:?}");
    assert_eq!(rows, (1..=20).collect::<Vec<i64>>());
    let report = verify(app.state.store.db(), None).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!(report.verified, 20);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_concurrent_requests_keep_one_chain_sqlite() {
    concurrent_requests_keep_one_chain("chain_concurrent_sqlite", Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_concurrent_requests_keep_one_chain_postgres() {
    concurrent_requests_keep_one_chain("chain_concurrent_postgres", Engine::Postgres).await;
}

/// 32 reads at once: every one audited under its own request id in one chain, in fewer
/// commits than requests (the writer commits what waits together), so in fewer statements
/// than 32 reads one at a time.
async fn concurrent_reads_share_audit_commits(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let codes = citizens();
    let before = app.store_statements();
    read_each(&app, &codes[..1]).await;
    let one_read = app.store_statements() - before;
    assert!(one_read >= 1, "a read is audited");

    let before = app.store_statements();
    let reads = (0..32).map(|i| {
        let cf = codes[i % codes.len()].clone();
        let app = &app;
        async move { app.query(PERSON, json!({ "cf": cf })).await }
    });
    for body in futures::future::join_all(reads).await {
        assert_eq!(body.get("errors"), None, "{body}");
    }
    let concurrent = app.store_statements() - before;
    assert!(
        concurrent < 32 * one_read,
        "32 reads cost {concurrent} store statements, one alone {one_read}"
    );
    let rows = entities::audit_log::Entity::find()
        .order_by_asc(entities::audit_log::Column::Id)
        .all(app.state.store.db())
        .await
        .unwrap();
    assert_eq!(rows.len(), 33);
    let distinct: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r.request_id.as_str()).collect();
    assert_eq!(distinct.len(), 33, "one row per request, each with its id");
    let report = verify(app.state.store.db(), None).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!(report.verified, 33);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_share_audit_commits_sqlite() {
    concurrent_reads_share_audit_commits("audit_group_sqlite", Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_share_audit_commits_postgres() {
    concurrent_reads_share_audit_commits("audit_group_postgres", Engine::Postgres).await;
}

/// On PostgreSQL a read's rows go in one statement while no one else moves the head; rows
/// appended under the head's lock meanwhile (a write's, another replica's) make the next
/// read hash its rows again from the new head, and the chain still holds.
#[tokio::test]
async fn a_read_audit_is_one_statement_until_the_head_moves() {
    let Some(app) = spawn_fixture_app("audit_one_statement_postgres", Engine::Postgres).await
    else {
        return;
    };
    let codes = citizens();
    // the first read learns the head (one statement) and appends (one more)
    read_each(&app, &codes[..1]).await;
    let before = app.store_statements();
    read_each(&app, &codes[1..2]).await;
    assert_eq!(
        app.store_statements() - before,
        1,
        "one statement, no transaction"
    );
    // two rows appended the way a write appends its own, under the head's lock
    append_old_rows(&app, 0, 2).await;
    let before = app.store_statements();
    read_each(&app, &codes[3..4]).await;
    // the append that found the head moved, the head read again, the append
    assert_eq!(app.store_statements() - before, 3);
    let before = app.store_statements();
    read_each(&app, &codes[2..3]).await;
    assert_eq!(app.store_statements() - before, 1);
    assert_eq!(ids(&app).await, (1..=6).collect::<Vec<i64>>());
    let report = verify(app.state.store.db(), None).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!(report.verified, 6);
    app.stop().await;
}

/// Rows as an operator's request in `days_ago` would have written them.
pub async fn append_old_rows(app: &TestApp, days_ago: i64, count: usize) {
    let at = Utc::now() - Duration::days(days_ago);
    let rows = (0..count)
        .map(|i| chain::NewRow {
            at: at + Duration::seconds(i as i64),
            request_id: format!("old-{i}"),
            subject: "op-2025".into(),
            role: "operator".into(),
            office: Some("CPI-FI-01".into()),
            fiscal_code: MARIO.into(),
            action: "read".into(),
            fields: "person".into(),
        })
        .collect();
    let txn = app.state.store.db().begin().await.unwrap();
    chain::append(&txn, rows).await.unwrap();
    txn.commit().await.unwrap();
}

async fn prune_keeps_the_chain_verifiable(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // 800 and 400 days old, then today's: the default 730-day retention prunes the first 5
    append_old_rows(&app, 800, 5).await;
    append_old_rows(&app, 400, 2).await;
    read_each(&app, &citizens()).await;
    let db = app.state.store.db();
    assert_eq!(
        entities::audit_log::Entity::find().count(db).await.unwrap(),
        11
    );

    // a retention under the Garante's six months is refused, naming the key
    let short = app.config_file(dir.path(), "[audit]\nretention_days = 90\n");
    let (code, out) = fascicolo_audit(&short, &["prune"]);
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("audit.retention_days = 90"), "{out}");
    assert_eq!(
        entities::audit_log::Entity::find().count(db).await.unwrap(),
        11
    );

    let config = app.config_file(dir.path(), "");
    let (code, out) = fascicolo_audit(&config, &["prune"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("pruned 5 audit rows older than 730 days") && out.contains("after row 5"),
        "{out}"
    );
    assert_eq!(ids(&app).await, (6..=11).collect::<Vec<i64>>());
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("6 rows verified after the anchor at row 5"),
        "{out}"
    );
    let (code, out) = fascicolo_audit(&config, &["prune"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("no audit rows older than 730 days"), "{out}");

    // a prune of every row, then new rows: the chain goes on from the anchor
    let pruned = prune(db, Utc::now(), 0, None).await.unwrap();
    assert_eq!(pruned.rows, 6);
    assert_eq!(pruned.through_id, Some(11));
    let report = verify(db, None).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!((report.verified, report.anchor_row), (0, 11));
    read_each(&app, &citizens()[..2]).await;
    let report = verify(db, None).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!((report.verified, report.last_id), (2, 13));
    let anchors: Vec<(String, i64, i64)> = entities::audit_chain_anchor::Entity::find()
        .order_by_asc(entities::audit_chain_anchor::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.kind, a.through_id, a.pruned_rows))
        .collect();
    assert_eq!(
        anchors,
        [
            ("start".to_owned(), 0, 0),
            ("prune".to_owned(), 5, 5),
            ("prune".to_owned(), 11, 6)
        ]
    );
    app.stop().await;
}

#[tokio::test]
async fn prune_keeps_the_chain_verifiable_sqlite() {
    prune_keeps_the_chain_verifiable("chain_prune_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn prune_keeps_the_chain_verifiable_postgres() {
    prune_keeps_the_chain_verifiable("chain_prune_postgres", Engine::Postgres).await;
}

/// Rows written before migration 000010 keep null hashes; the chain starts after them.
#[tokio::test]
async fn rows_older_than_the_chain_are_left_out_of_it() {
    use migrations::MigratorTrait;
    let Some(database) = fascicolo::testing::database_or_skip(Engine::Sqlite, "chain_start").await
    else {
        return;
    };
    let store = fascicolo::store::Store::connect(&database.url)
        .await
        .unwrap();
    let db = store.db();
    migrations::Migrator::up(db, Some(9)).await.unwrap();
    db.execute_unprepared(
        "INSERT INTO audit_log (at, request_id, subject, role, office, fiscal_code, action, fields) \
         VALUES ('2026-01-01 10:00:00+00:00', 'r1', 'op', 'operator', NULL, 'RSSMRA85T10A562S', 'read', 'person'), \
                ('2026-01-01 10:00:01+00:00', 'r2', 'op', 'operator', NULL, 'RSSMRA85T10A562S', 'read', 'cv')",
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    let report = verify(db, None).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!(
        (report.verified, report.unchained, report.anchor_row),
        (0, 2, 2)
    );
    let txn = db.begin().await.unwrap();
    chain::append(
        &txn,
        vec![chain::NewRow {
            at: Utc::now(),
            request_id: "r3".into(),
            subject: "op".into(),
            role: "operator".into(),
            office: None,
            fiscal_code: MARIO.into(),
            action: "read".into(),
            fields: "person".into(),
        }],
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    let report = verify(db, None).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!((report.verified, report.last_id), (1, 3));
    db.clone().close().await.ok();
    database.drop_database().await.unwrap();
}
