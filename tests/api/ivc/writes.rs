//! Writes under load and failure, and batched reads: 50 concurrent writers, 100 citizens'
//! dossiers read in constant statements, a write failing at its last statement.

use super::{IVC, competence, ivc_sources, read, request, session};
use crate::fixtures::MARIO;
use crate::helpers::{SourceSpec, date, error_codes, refuse_audit_writes, spawn_app};
use fascicolo::testing::Engine;
use serde_json::json;

/// 50 operators add a session to the same dossier at once, each reading the version and
/// retrying on CONFLICT: every session lands, the version moves by exactly 50.
async fn concurrent_writers(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let d = IVC
        .step(
            &app,
            &d,
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-01-15" }),
        )
        .await;
    let d = IVC
        .step(
            &app,
            &d,
            "startIvcIdentification",
            json!({ "startedOn": "2026-01-20" }),
        )
        .await;
    let id = d["id"].clone();
    let start = d["version"].as_i64().unwrap();
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for writer in 0..50 {
        let app = app.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0u32;
            loop {
                let body = app
                    .query("query($id: ID!) { ivcDossier(id: $id) { version } }", json!({ "id": id }))
                    .await;
                let version = body["data"]["ivcDossier"]["version"].clone();
                let mut input = session("BACK_OFFICE", "2026-01-21", 10, &format!("op-{writer}"), "PROCESS_EXPERT");
                input["id"] = id.clone();
                input["version"] = version;
                let body = app
                    .query(
                        "mutation($input: AddIvcSessionInput!) { addIvcSession(input: $input) { version } }",
                        json!({ "input": input }),
                    )
                    .await;
                match error_codes(&body).as_slice() {
                    [] => return conflicts,
                    [code] if code == "CONFLICT" => conflicts += 1,
                    other => panic!("writer {writer}: {other:?} {body}"),
                }
            }
        }));
    }
    let mut conflicts = 0;
    for task in tasks {
        conflicts += task.await.unwrap();
    }
    let after = read(&app, &id).await;
    let operators: std::collections::BTreeSet<&str> = after["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["operator"].as_str().unwrap())
        .collect();
    eprintln!("{test}: 50 writers, {conflicts} conflicts retried, no session lost");
    assert_eq!(operators.len(), 50, "every writer's session is there");
    assert_eq!(after["version"].as_i64().unwrap(), start + 50);
    let minutes: i64 = after["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["minutes"].as_i64().unwrap())
        .sum();
    assert_eq!(minutes, 500);
    assert!((after["hoursUsed"].as_f64().unwrap() - 500.0 / 60.0).abs() < 1e-9);
    if let Ok(app) = std::sync::Arc::try_unwrap(app) {
        app.stop().await;
    }
}

#[tokio::test]
async fn ivc_fifty_concurrent_writers_sqlite() {
    concurrent_writers("ivc_concurrency_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_fifty_concurrent_writers_postgres() {
    concurrent_writers("ivc_concurrency_postgres", Engine::Postgres).await;
}

/// 100 citizens' dossiers with sessions, competences and history cost as many store
/// statements as one citizen's.
async fn reads_are_batched(test: &str, store: Engine) {
    let data = fascicolo::sources::demo::generate(11, 200);
    let on = date("2026-01-12");
    let codes: Vec<String> = data
        .lavoro
        .persons
        .iter()
        .filter(|p| {
            p.birth_date
                .is_some_and(|b| (15..=64).contains(&fascicolo::domain::ivc::rules::age_on(b, on)))
        })
        .take(100)
        .map(|p| p.fiscal_code.clone())
        .collect();
    assert_eq!(codes.len(), 100);
    let sources = vec![SourceSpec {
        name: "lavoro",
        engine: Engine::Sqlite,
        data: data.lavoro,
    }];
    let Some(app) = spawn_app(test, store, sources, &[]).await else {
        return;
    };
    for code in &codes {
        let d = request(&app, code, "2026-01-12").await;
        let d = IVC
            .step(
                &app,
                &d,
                "takeIvcInCharge",
                json!({ "adhesionSignedOn": "2026-01-15" }),
            )
            .await;
        let d = IVC
            .step(
                &app,
                &d,
                "startIvcIdentification",
                json!({ "startedOn": "2026-01-20" }),
            )
            .await;
        let d = IVC
            .step(
                &app,
                &d,
                "addIvcSession",
                session(
                    "IDENTIFICATION_INTERVIEW",
                    "2026-01-20",
                    90,
                    "o",
                    "IDENTIFICATION_OPERATOR",
                ),
            )
            .await;
        IVC.step(&app, &d, "addIvcCompetence", competence()).await;
    }
    let query = "query($codes: [FiscalCode!]!) { citizens(fiscalCodes: $codes) { ivcDossiers { \
        status hoursUsed warnings sessions { kind } competences { sepSector } history { to } } } }";
    // a read first: after the writes above, the audit writer learns where the chain head is
    // now (on PostgreSQL its next appends are one statement each)
    let body = app.query(query, json!({ "codes": &codes[..1] })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let mut counts = Vec::new();
    for n in [1, 100] {
        let before = app.store_statements();
        let body = app.query(query, json!({ "codes": &codes[..n] })).await;
        assert!(body.get("errors").is_none(), "{body}");
        let complete = body["data"]["citizens"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                let d = &c["ivcDossiers"][0];
                d["sessions"].as_array().is_some_and(|s| s.len() == 1)
                    && d["competences"].as_array().is_some_and(|s| s.len() == 1)
                    && d["history"].as_array().is_some_and(|s| s.len() == 3)
            })
            .count();
        assert_eq!(complete, n, "{body}");
        counts.push(app.store_statements() - before);
    }
    eprintln!("{test}: store statements for 1 and 100 citizens' IVC dossiers: {counts:?}");
    assert_eq!(
        counts[0], counts[1],
        "store statements grow with citizens: {counts:?}"
    );
    // the list with the same relations, one page of 100
    let before = app.store_statements();
    let body = app
        .query(
            "{ ivcDossiers(first: 100) { edges { node { sessions { kind } competences { sepSector } history { to } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["ivcDossiers"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        100,
        "{body}"
    );
    let list = app.store_statements() - before;
    eprintln!("{test}: store statements for a page of 100 dossiers: {list}");
    assert_eq!(list, counts[0], "list, 3 relations, audit");
    app.stop().await;
}

#[tokio::test]
async fn ivc_reads_are_batched_sqlite() {
    reads_are_batched("ivc_batched_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_reads_are_batched_postgres() {
    reads_are_batched("ivc_batched_postgres", Engine::Postgres).await;
}

/// A step that fails at its last statement (the audit insert, refused by a trigger) leaves
/// nothing: no session, no minutes, no state step, no version change.
async fn failing_write_leaves_nothing(test: &str, store: Engine) {
    use sea_orm::ConnectionTrait;
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let d = IVC
        .step(
            &app,
            &d,
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-01-15" }),
        )
        .await;
    refuse_audit_writes(&app).await;
    for (name, input) in [
        (
            "addIvcSession",
            session(
                "BACK_OFFICE",
                "2026-01-16",
                60,
                "op-1",
                "IDENTIFICATION_OPERATOR",
            ),
        ),
        (
            "startIvcIdentification",
            json!({ "startedOn": "2026-01-20" }),
        ),
    ] {
        let mut input = input;
        input["id"] = d["id"].clone();
        input["version"] = d["version"].clone();
        let body = IVC.call(&app, name, input).await;
        assert_eq!(error_codes(&body), ["INTERNAL"], "{name}: {body}");
    }
    let db = app.state.store.db();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT (SELECT version FROM ivc_dossier WHERE id = '{id}') AS v, \
                 (SELECT status FROM ivc_dossier WHERE id = '{id}') AS s, \
                 (SELECT minutes_used FROM ivc_dossier WHERE id = '{id}') AS m, \
                 (SELECT COUNT(*) FROM ivc_session WHERE dossier_id = '{id}') AS sessions, \
                 (SELECT COUNT(*) FROM ivc_transition WHERE dossier_id = '{id}') AS steps",
                id = d["id"].as_str().unwrap()
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<i64>("", "v").unwrap(),
        d["version"].as_i64().unwrap()
    );
    assert_eq!(row.try_get::<String>("", "s").unwrap(), "TAKEN_IN_CHARGE");
    assert_eq!(row.try_get::<i32>("", "m").unwrap(), 0);
    assert_eq!(row.try_get::<i64>("", "sessions").unwrap(), 0);
    assert_eq!(
        row.try_get::<i64>("", "steps").unwrap(),
        2,
        "requested, taken in charge"
    );
    app.stop().await;
}

#[tokio::test]
async fn ivc_failing_write_leaves_nothing_sqlite() {
    failing_write_leaves_nothing("ivc_atomic_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_failing_write_leaves_nothing_postgres() {
    failing_write_leaves_nothing("ivc_atomic_postgres", Engine::Postgres).await;
}
