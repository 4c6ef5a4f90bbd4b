//! `searchCitizens`: Relay pagination across sources, deduplicated, in name order.

use crate::fixtures;
use crate::helpers::{SourceSpec, error_codes, person, spawn_app, spawn_sqlite_app};
use fascicolo::sources::demo::SourceData;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const SEARCH: &str = r#"
query($family: String, $first: Int, $after: String, $province: String) {
  searchCitizens(familyName: $family, first: $first, after: $after, province: $province) {
    edges { cursor node { fiscalCode person { familyName givenName sources { source } } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"#;

fn names(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["node"]["person"]["familyName"].as_str().unwrap(),
                e["node"]["person"]["givenName"].as_str().unwrap()
            )
        })
        .collect()
}

async fn pages_across_sources(test: &str, lavoro: Engine, formazione: Engine) {
    let Some(app) = spawn_app(
        test,
        Engine::Sqlite,
        fixtures::sources(lavoro, formazione),
        &[],
    )
    .await
    else {
        return;
    };
    let body = app
        .query(SEARCH, json!({ "family": "rossi", "first": 2 }))
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    let page = &body["data"]["searchCitizens"];
    assert_eq!(names(page), ["ROSSI ANDREA", "ROSSI GIULIA"]);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], false);
    let after = page["pageInfo"]["endCursor"].clone();
    let body = app
        .query(
            SEARCH,
            json!({ "family": "Rossi", "first": 2, "after": after }),
        )
        .await;
    let page = &body["data"]["searchCitizens"];
    // Mario is in both sources but appears once, with both sources in his record
    assert_eq!(names(page), ["ROSSI MARIO", "ROSSINI PIERO"]);
    assert_eq!(
        page["edges"][0]["node"]["person"]["sources"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);

    let body = app
        .query(SEARCH, json!({ "family": "ROSSI", "province": "po" }))
        .await;
    assert_eq!(
        names(&body["data"]["searchCitizens"]),
        ["ROSSI MARIO"],
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn search_pages_across_sqlite_sources() {
    pages_across_sources("search_sqlite", Engine::Sqlite, Engine::Sqlite).await;
}

#[tokio::test]
async fn search_pages_across_postgres_and_mariadb_sources() {
    pages_across_sources("search_pg_mariadb", Engine::Postgres, Engine::MySql).await;
}

#[tokio::test]
async fn search_rejects_empty_or_bad_criteria() {
    let Some(app) = spawn_sqlite_app("search_bad", &[]).await else {
        return;
    };
    let body = app.query(SEARCH, json!({})).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    assert_eq!(body["errors"][0]["extensions"]["field"], "familyName");
    let body = app.query(SEARCH, json!({ "family": "R" })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"]);
    let body = app
        .query(SEARCH, json!({ "family": "ROSSI", "after": "garbage" }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "after");
    let body = app
        .query(SEARCH, json!({ "family": "ROSSI", "first": 100000 }))
        .await;
    assert_eq!(error_codes(&body), ["LIMIT_EXCEEDED"]);
    // LIKE wildcards in the input are literal characters
    let body = app.query(SEARCH, json!({ "family": "%%" })).await;
    assert_eq!(body["data"]["searchCitizens"]["edges"], json!([]), "{body}");
    app.stop().await;
}

/// `%`, `_` and `!` (the escape character) in a name are literal on every engine: the
/// statement escapes them with `ESCAPE '!'`.
async fn wildcards_are_literal(test: &str, engine: Engine) {
    let named = [
        ("ROSS_I", "ANNA"),
        ("ROSSXI", "BRUNO"),
        ("PERC%NTO", "CARLA"),
        ("PERCENTO", "DARIO"),
        ("ESCL!MA", "ELIO"),
        ("ESCLXMA", "FABIO"),
    ];
    let persons = named
        .iter()
        .enumerate()
        .map(|(i, (family, given))| {
            let born = format!("1980-01-{:02}", i + 1);
            let code = fixtures::code("Bianchi", given, &born, false, "D612");
            person(code.as_str(), family, given, "2024-01-01 00:00:00")
        })
        .collect();
    let source = SourceSpec {
        name: "caratteri",
        engine,
        data: SourceData {
            persons,
            ..SourceData::default()
        },
    };
    let Some(app) = spawn_app(test, Engine::Sqlite, vec![source], &[]).await else {
        return;
    };
    for (asked, found) in [
        ("ross_", vec!["ROSS_I ANNA"]),
        ("perc%", vec!["PERC%NTO CARLA"]),
        ("escl!", vec!["ESCL!MA ELIO"]),
        // in the order of the merge (by code point: `X` before `_`)
        ("ross", vec!["ROSSXI BRUNO", "ROSS_I ANNA"]),
    ] {
        let body = app.query(SEARCH, json!({ "family": asked })).await;
        assert_eq!(body.get("errors"), None, "{asked}: {body}");
        assert_eq!(names(&body["data"]["searchCitizens"]), found, "{asked}");
    }
    app.stop().await;
}

#[tokio::test]
async fn wildcards_are_literal_sqlite() {
    wildcards_are_literal("search_wildcards_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn wildcards_are_literal_postgres() {
    wildcards_are_literal("search_wildcards_postgres", Engine::Postgres).await;
}

#[tokio::test]
async fn wildcards_are_literal_mariadb() {
    wildcards_are_literal("search_wildcards_mariadb", Engine::MySql).await;
}
