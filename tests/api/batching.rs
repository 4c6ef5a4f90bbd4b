//! Statement counts: a profile of N citizens costs each source one statement per contract
//! view, and the store one audit append, whatever N is (DESIGN.md principle 1).

use crate::helpers::{SourceSpec, later_audit_statements, spawn_app};
use fascicolo::sources::contract::ViewCodes;
use fascicolo::sources::demo::generate;
use fascicolo::testing::Engine;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

const PROFILES: &str = r#"
query($cfs: [FiscalCode!]!) {
  citizens(fiscalCodes: $cfs) {
    fiscalCode
    person { familyName email sources { source } }
    employments { employerName contractType }
    trainings { title outcome }
  }
}"#;

const ALIASED: &str = r#"
query($a: FiscalCode!, $b: FiscalCode!, $c: FiscalCode!) {
  a: citizen(fiscalCode: $a) { fiscalCode person { familyName } employments { employerName } trainings { title } }
  b: citizen(fiscalCode: $b) { fiscalCode person { familyName } employments { employerName } trainings { title } }
  c: citizen(fiscalCode: $c) { fiscalCode person { familyName } employments { employerName } trainings { title } }
}"#;

async fn counts_do_not_grow(test: &str, engine: Engine) {
    let data = generate(42, 300);
    let codes: Vec<String> = data
        .lavoro
        .persons
        .iter()
        .map(|p| p.fiscal_code.clone())
        .collect();
    assert!(codes.len() >= 100);
    let sources = vec![
        SourceSpec {
            name: "lavoro",
            engine,
            data: data.lavoro,
        },
        SourceSpec {
            name: "formazione",
            engine,
            data: data.formazione,
        },
    ];
    let Some(app) = spawn_app(test, engine, sources, &[]).await else {
        return;
    };
    // a first read: the audit writer learns the chain head
    let body = app.query(PROFILES, json!({ "cfs": &codes[..1] })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let mut per_n = Vec::new();
    for n in [1usize, 10, 100] {
        let before = (
            app.source_statements("lavoro"),
            app.source_statements("formazione"),
            app.store_statements(),
        );
        let body = app.query(PROFILES, json!({ "cfs": &codes[..n] })).await;
        assert_eq!(body.get("errors"), None, "{body}");
        let list = body["data"]["citizens"].as_array().unwrap();
        assert_eq!(list.len(), n);
        assert!(list.iter().all(|c| !c["person"]["familyName"].is_null()));
        let after = (
            app.source_statements("lavoro"),
            app.source_statements("formazione"),
            app.store_statements(),
        );
        per_n.push((
            n,
            after.0 - before.0,
            after.1 - before.1,
            after.2 - before.2,
        ));
    }
    // several root fields: their loaders wait for each other's keys (DataLoader's delay),
    // so three aliased `citizen` fields still cost one statement per source
    let before = (
        app.source_statements("lavoro"),
        app.source_statements("formazione"),
    );
    let body = app
        .query(
            ALIASED,
            json!({ "a": codes[0], "b": codes[1], "c": codes[2] }),
        )
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    for (alias, code) in ["a", "b", "c"].iter().zip(&codes) {
        assert_eq!(body["data"][alias]["fiscalCode"], json!(code), "{body}");
        assert!(
            !body["data"][alias]["person"]["familyName"].is_null(),
            "{body}"
        );
    }
    let aliased = (
        app.source_statements("lavoro") - before.0,
        app.source_statements("formazione") - before.1,
    );
    assert_eq!(
        aliased,
        (1, 1),
        "three root fields, one statement per source"
    );
    println!("{test}: (N, lavoro, formazione, store) = {per_n:?}");
    for (n, lavoro, formazione, store) in &per_n {
        assert_eq!(
            *lavoro, 1,
            "N={n}: one statement for the three contract views on lavoro"
        );
        assert_eq!(
            *formazione, 1,
            "N={n}: one statement for the three contract views on formazione"
        );
        assert_eq!(
            *store,
            later_audit_statements(engine),
            "N={n}: one chained audit append"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn statement_counts_equal_for_1_10_100_citizens_sqlite() {
    counts_do_not_grow("statement_counts_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn statement_counts_equal_for_1_10_100_citizens_postgres() {
    counts_do_not_grow("statement_counts_postgres", Engine::Postgres).await;
}

#[tokio::test]
async fn statement_counts_equal_for_1_10_100_citizens_mariadb() {
    counts_do_not_grow("statement_counts_mariadb", Engine::MySql).await;
}

/// On PostgreSQL the batch lookup must use the fiscal-code index of a CHAR(16) column in every
/// view it reads: a `text` parameter would turn it into `fiscal_code::text = …` and a full
/// scan. Both forms: a placeholder per code (8 citizens) and one array (50).
#[tokio::test]
async fn postgres_batch_lookup_uses_the_index() {
    let data = generate(5, 2_000);
    let codes: Vec<String> = data
        .lavoro
        .persons
        .iter()
        .take(50)
        .map(|p| p.fiscal_code.clone())
        .collect();
    let sources = vec![SourceSpec {
        name: "lavoro",
        engine: Engine::Postgres,
        data: data.lavoro,
    }];
    let Some(app) = spawn_app(
        "postgres_batch_lookup_uses_the_index",
        Engine::Sqlite,
        sources,
        &[],
    )
    .await
    else {
        return;
    };
    let source = &app.state.registry.sources()[0];
    let adapter = source.adapter().as_sql().expect("a SQL source");
    // a small table is cheaper to scan: forbid the scan so only a usable index avoids it
    let db = adapter.connection().begin().await.unwrap();
    db.execute_unprepared("SET LOCAL enable_seqscan = off")
        .await
        .unwrap();
    for count in [8, 50] {
        let asked = ViewCodes {
            person: codes[..count].to_vec(),
            employment: codes[..count].to_vec(),
            training: codes[..count].to_vec(),
        };
        let statement = adapter.views_statement(&asked).await.unwrap();
        let explain = sea_orm::Statement::from_sql_and_values(
            statement.db_backend,
            format!("EXPLAIN {}", statement.sql),
            statement.values.clone().map(|v| v.0).unwrap_or_default(),
        );
        let plan: Vec<String> = db
            .query_all_raw(explain)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect();
        let plan = plan.join("\n");
        let index_scans =
            plan.matches("Index Scan").count() + plan.matches("Index Only Scan").count();
        assert!(
            index_scans >= 3,
            "{count} codes: one index scan per view: {plan}"
        );
        assert!(!plan.contains("Seq Scan"), "{count} codes: {plan}");
        assert!(
            !plan.contains("::text"),
            "{count} codes: key cast to text: {plan}"
        );
    }
    app.stop().await;
}
