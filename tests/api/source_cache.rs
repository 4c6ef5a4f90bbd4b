//! The per-source cache of regional lookups (`cache_ttl_ms`): a repeated profile costs the
//! sources nothing, a partly cached batch asks only for the rest; and stale answers
//! (`stale_ttl_ms`) standing in, marked, for a source that fails.

use crate::fake_region::{Mode, PROFILE, fake_region};
use crate::fixtures::{self, MARIO, nobody};
use crate::helpers::{source_errors, spawn_app_with};
use fascicolo::domain::FiscalCode;
use fascicolo::sources::demo::{SourceData, create_schema, generate, insert};
use fascicolo::testing::{Engine, TestDatabase, database_or_skip};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A SQLite regional source holding `data`, and its `[[sources]]` block with `keys`. The
/// database lives as long as the returned value.
async fn sql_source(
    test: &str,
    name: &str,
    data: &SourceData,
    keys: &str,
) -> Option<(TestDatabase, String)> {
    let db = database_or_skip(Engine::Sqlite, test).await?;
    let conn = db.connect().await.expect("connect source");
    create_schema(&conn).await.expect("contract schema");
    insert(&conn, data).await.expect("source rows");
    conn.close().await.ok();
    let block = format!(
        "[[sources]]\nname = \"{name}\"\nkind = \"sql\"\nurl = \"{}\"\ntimeout_ms = 3000\n{keys}\n",
        db.url
    );
    Some((db, block))
}

const MARKED: &str = r#"
query($cf: FiscalCode!) {
  citizen(fiscalCode: $cf) {
    person {
      email
      sources { source stale ageSeconds }
      provenance { field source stale ageSeconds }
    }
    employments { source employerName stale ageSeconds }
    trainings { source title stale ageSeconds }
  }
}"#;

const PROFILES: &str = r#"
query($cfs: [FiscalCode!]!) {
  citizens(fiscalCodes: $cfs) {
    person { familyName }
    employments { employerName }
    trainings { title }
  }
}"#;

/// (source, stale, ageSeconds) of each entry of a list.
fn marks(list: &Value) -> Vec<(String, bool, Value)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["source"].as_str().unwrap().to_owned(),
                x["stale"].as_bool().unwrap(),
                x["ageSeconds"].clone(),
            )
        })
        .collect()
}

fn sources_of(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = marks(list).into_iter().map(|(s, _, _)| s).collect();
    names.sort();
    names.dedup();
    names
}

fn source_error<'a>(body: &'a Value, source: &str) -> &'a Value {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["extensions"]["source"] == source)
        .unwrap_or_else(|| panic!("no error for {source}: {body}"))
}

#[tokio::test]
async fn a_repeated_profile_within_the_ttl_asks_no_source() {
    let test = "cache_repeated_profile";
    let region = fake_region().await;
    let Some((_lavoro, lavoro_block)) = sql_source(
        test,
        "lavoro",
        &fixtures::lavoro(),
        "cache_ttl_ms = 60000\n",
    )
    .await
    else {
        return;
    };
    let toml = format!(
        "{lavoro_block}{}",
        region.toml("sil-http", "cache_ttl_ms = 60000\n")
    );
    let Some(app) = spawn_app_with(test, Engine::Sqlite, vec![], &[], &toml).await else {
        return;
    };
    let counts = || {
        (
            app.source_statements("lavoro"),
            app.source_statements("sil-http"),
        )
    };

    let before = counts();
    let first = app.query(MARKED, json!({ "cf": MARIO })).await;
    assert_eq!(first.get("errors"), None, "{first}");
    let after_first = counts();
    assert_eq!(
        (after_first.0 - before.0, after_first.1 - before.1),
        (1, 3),
        "the first read asks the SQL source once, the HTTP service once per view"
    );
    let employments = &first["data"]["citizen"]["employments"];
    assert_eq!(employments.as_array().unwrap().len(), 4);
    assert!(
        marks(employments)
            .iter()
            .all(|(_, stale, age)| !stale && age.is_null()),
        "fetched for this request: no age: {employments}"
    );

    let calls_before = region.calls().len();
    let second = app.query(MARKED, json!({ "cf": MARIO })).await;
    assert_eq!(second.get("errors"), None, "{second}");
    assert_eq!(
        counts(),
        after_first,
        "a repeat within the TTL costs no statement"
    );
    assert_eq!(region.calls().len(), calls_before, "nor any HTTP call");
    let again = &second["data"]["citizen"];
    assert_eq!(again["person"]["email"], "mario.rossi@sil.example.it");
    let cached = marks(&again["employments"]);
    assert_eq!(cached.len(), 4);
    assert!(
        cached.iter().all(|(_, stale, age)| !stale && age.is_i64()),
        "from the cache: fresh, with an age: {cached:?}"
    );
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|e| e["employerName"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&again["employments"]), names(employments));
    assert_eq!(
        sources_of(&again["person"]["sources"]),
        ["lavoro", "sil-http"]
    );

    // a citizen no source knows is remembered as absent
    let unknown = nobody();
    let body = app.query(MARKED, json!({ "cf": unknown.as_str() })).await;
    assert_eq!(body["data"]["citizen"], Value::Null, "{body}");
    let after_miss = counts();
    assert_eq!(
        (after_miss.0 - after_first.0, after_miss.1 - after_first.1),
        (1, 3)
    );
    let body = app.query(MARKED, json!({ "cf": unknown.as_str() })).await;
    assert_eq!(body["data"]["citizen"], Value::Null, "{body}");
    assert_eq!(counts(), after_miss, "a repeated miss costs nothing");

    // per view and citizen: Mario and the unknown citizen, each missed once and hit once
    let stats = app
        .query(
            "{ sources { name cacheTtlMs staleTtlMs cacheHits cacheMisses cacheEntries staleServed } }",
            json!({}),
        )
        .await;
    for source in stats["data"]["sources"].as_array().unwrap() {
        assert_eq!(
            source,
            &json!({ "name": source["name"], "cacheTtlMs": 60000, "staleTtlMs": 0,
                     "cacheHits": 6, "cacheMisses": 6, "cacheEntries": 6, "staleServed": 0 })
        );
    }
    let ready: Value = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        ready["sources"][0]["cache"],
        json!({ "hits": 6, "misses": 6, "entries": 6, "staleServed": 0 })
    );
    app.stop().await;
}

#[tokio::test]
async fn a_partly_cached_batch_asks_the_sources_only_for_the_rest() {
    let test = "cache_partial_batch";
    let data = generate(7, 80);
    let codes: Vec<String> = data
        .lavoro
        .persons
        .iter()
        .map(|p| p.fiscal_code.clone())
        .take(50)
        .collect();
    assert_eq!(codes.len(), 50);
    let region = fake_region().await;
    let Some((_lavoro, lavoro_block)) =
        sql_source(test, "lavoro", &data.lavoro, "cache_ttl_ms = 60000\n").await
    else {
        return;
    };
    let toml = format!(
        "{lavoro_block}{}",
        region.toml("sil-http", "cache_ttl_ms = 60000\n")
    );
    let Some(app) = spawn_app_with(test, Engine::Sqlite, vec![], &[], &toml).await else {
        return;
    };
    let body = app.query(PROFILES, json!({ "cfs": &codes[..49] })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let before = (
        app.source_statements("lavoro"),
        app.source_statements("sil-http"),
    );
    let calls_before = region.calls().len();

    let body = app.query(PROFILES, json!({ "cfs": &codes })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let list = body["data"]["citizens"].as_array().unwrap();
    assert_eq!(list.len(), 50);
    assert!(
        list.iter().all(|c| !c["person"]["familyName"].is_null()),
        "the cached 49 and the new one all answer"
    );
    assert_eq!(
        (
            app.source_statements("lavoro") - before.0,
            app.source_statements("sil-http") - before.1
        ),
        (1, 3),
        "still one statement (one call per view of the service), for the one citizen not cached"
    );
    let last = FiscalCode::parse(&codes[49]).unwrap();
    let expected = vec![last.as_str().to_owned()];
    for call in &region.calls()[calls_before..] {
        let mut asked = call.codes.clone();
        asked.sort();
        assert_eq!(
            asked, expected,
            "{}: only the uncached citizen",
            call.endpoint
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_failing_http_source_serves_its_last_answers_marked_stale_until_they_expire() {
    const STALE_TTL: Duration = Duration::from_millis(4000);
    let test = "stale_http";
    let region = fake_region().await;
    let Some((_lavoro, lavoro_block)) = sql_source(test, "lavoro", &fixtures::lavoro(), "").await
    else {
        return;
    };
    let toml = format!(
        "{lavoro_block}{}",
        region.toml(
            "sil-http",
            &format!(
                "stale_ttl_ms = {}\nfailure_threshold = 1\n",
                STALE_TTL.as_millis()
            )
        )
    );
    let Some(app) = spawn_app_with(test, Engine::Sqlite, vec![], &[], &toml).await else {
        return;
    };
    let fetched = Instant::now();
    let healthy = app.query(MARKED, json!({ "cf": MARIO })).await;
    assert_eq!(healthy.get("errors"), None, "{healthy}");
    let citizen = &healthy["data"]["citizen"];
    assert!(
        marks(&citizen["employments"])
            .iter()
            .all(|(_, stale, age)| !stale && age.is_null())
    );

    region.set(Mode::Status(503));
    // the first failing read fails (the circuit then opens: threshold 1); the second is
    // refused by the open circuit: both serve the last answer
    for reason in ["error", "circuit_open"] {
        let body = app.query(MARKED, json!({ "cf": MARIO })).await;
        let errors = source_errors(&body);
        assert_eq!(errors.len(), 1, "{body}");
        assert_eq!(errors[0].0, "sil-http");
        assert_eq!(errors[0].1, reason, "{body}");
        let error = source_error(&body, "sil-http");
        assert_eq!(error["extensions"]["stale"], true, "{body}");
        let stale_age = error["extensions"]["staleAgeMs"].as_u64().unwrap();
        assert!(stale_age < STALE_TTL.as_millis() as u64, "{body}");
        let citizen = &body["data"]["citizen"];
        let employments = marks(&citizen["employments"]);
        assert_eq!(employments.len(), 4, "{body}");
        for (source, stale, age) in &employments {
            if source == "sil-http" {
                assert!(*stale && age.is_i64(), "{body}");
            } else {
                assert!(!*stale && age.is_null(), "{body}");
            }
        }
        assert_eq!(
            citizen["employments"][0]["employerName"], "Epsilon Srl",
            "the service's row is back in its place"
        );
        let trainings = marks(&citizen["trainings"]);
        assert!(
            trainings
                .iter()
                .any(|(s, stale, age)| s == "sil-http" && *stale && age.is_i64()),
            "{body}"
        );
        let person = &citizen["person"];
        assert_eq!(person["email"], "mario.rossi@sil.example.it");
        let email = person["provenance"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["field"] == "email")
            .unwrap();
        assert_eq!(email["source"], "sil-http");
        assert_eq!(email["stale"], true);
        let sources = marks(&person["sources"]);
        assert!(
            sources
                .iter()
                .any(|(s, stale, _)| s == "sil-http" && *stale)
        );
        assert!(sources.iter().any(|(s, stale, _)| s == "lavoro" && !*stale));
    }

    // past the stale TTL the service's data is simply missing, as without the option
    let elapsed = fetched.elapsed();
    if elapsed < STALE_TTL + Duration::from_millis(200) {
        tokio::time::sleep(STALE_TTL + Duration::from_millis(200) - elapsed).await;
    }
    let body = app.query(MARKED, json!({ "cf": MARIO })).await;
    let error = source_error(&body, "sil-http");
    assert_eq!(error["extensions"]["stale"], false, "{body}");
    assert_eq!(error["extensions"].get("staleAgeMs"), None, "{body}");
    let citizen = &body["data"]["citizen"];
    assert_eq!(sources_of(&citizen["employments"]), ["lavoro"]);
    assert_eq!(sources_of(&citizen["trainings"]), ["lavoro"]);
    assert_eq!(citizen["person"]["email"], "mario.rossi@old.example.it");
    assert_eq!(sources_of(&citizen["person"]["sources"]), ["lavoro"]);

    let stats = app
        .query("{ sources { name staleTtlMs staleServed } }", json!({}))
        .await;
    assert_eq!(
        stats["data"]["sources"][1],
        json!({ "name": "sil-http", "staleTtlMs": STALE_TTL.as_millis() as u64, "staleServed": 6 })
    );
    app.stop().await;
}

#[tokio::test]
async fn a_failing_sql_source_serves_stale_rows_and_one_without_stale_ttl_loses_its_own() {
    let test = "stale_sql";
    let region = fake_region().await;
    let Some((lavoro, lavoro_block)) = sql_source(
        test,
        "lavoro",
        &fixtures::lavoro(),
        "stale_ttl_ms = 60000\nfailure_threshold = 100\n",
    )
    .await
    else {
        return;
    };
    let toml = format!(
        "{lavoro_block}{}",
        region.toml("sil-http", "failure_threshold = 100\n")
    );
    let Some(app) = spawn_app_with(test, Engine::Sqlite, vec![], &[], &toml).await else {
        return;
    };
    let healthy = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(healthy.get("errors"), None, "{healthy}");
    assert_eq!(
        healthy["data"]["citizen"]["employments"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // the region's DBA drops the contract views; the service goes down too
    let conn = lavoro.connect().await.unwrap();
    for view in ["gw_person", "gw_employment", "gw_training"] {
        conn.execute_unprepared(&format!("DROP VIEW {view}"))
            .await
            .unwrap();
    }
    conn.close().await.ok();
    region.set(Mode::Status(503));

    let body = app.query(MARKED, json!({ "cf": MARIO })).await;
    let lavoro_error = source_error(&body, "lavoro");
    assert_eq!(lavoro_error["extensions"]["code"], "SOURCE_UNAVAILABLE");
    assert_eq!(lavoro_error["extensions"]["stale"], true, "{body}");
    assert!(lavoro_error["extensions"]["staleAgeMs"].is_u64(), "{body}");
    let http_error = source_error(&body, "sil-http");
    assert_eq!(http_error["extensions"]["stale"], false, "{body}");
    let citizen = &body["data"]["citizen"];
    let employments = marks(&citizen["employments"]);
    assert_eq!(employments.len(), 3, "the database's rows only: {body}");
    assert!(
        employments
            .iter()
            .all(|(s, stale, age)| s == "lavoro" && *stale && age.is_i64()),
        "{body}"
    );
    assert_eq!(sources_of(&citizen["trainings"]), ["lavoro"]);
    let person = &citizen["person"];
    assert_eq!(person["email"], "mario.rossi@old.example.it");
    assert_eq!(
        marks(&person["sources"])
            .into_iter()
            .map(|(s, stale, _)| (s, stale))
            .collect::<Vec<_>>(),
        [("lavoro".to_owned(), true)]
    );
    app.stop().await;
    lavoro.drop_database().await.ok();
}
