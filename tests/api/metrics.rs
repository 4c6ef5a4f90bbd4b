//! `/metrics`: the Prometheus text after real requests, without personal data, and its access
//! rules (`server.metrics`, `server.metrics_token`). The recorder is global to the test
//! process, so counts are checked as "at least what this test caused".

use crate::fixtures::MARIO;
use crate::helpers::{DeadSource, TestApp, spawn_app_configured, spawn_sqlite_app};
use fascicolo::domain::FiscalCode;
use fascicolo::testing::Engine;
use serde_json::json;

const PROFILE: &str = "query MetricsProfile($cf: FiscalCode!) { citizen(fiscalCode: $cf) { \
     person { familyName } employments { employerName } trainings { title } } }";

async fn post_named(app: &TestApp, query: &str, operation: &str) -> serde_json::Value {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(app.operator())
        .json(&json!({
            "query": query,
            "variables": { "cf": MARIO },
            "operationName": operation,
        }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("scrape")
}

/// The value of the sample `name` whose labels include every one of `labels`.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            (metric == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\""))))
            .then(|| value.parse::<f64>().ok())?
        })
        .reduce(f64::max)
}

#[tokio::test]
async fn metrics_count_requests_sources_and_batches_without_personal_data() {
    // all sources up: the operation answers ok
    let Some(app) = spawn_sqlite_app("metrics_ok", &[]).await else {
        return;
    };
    let body = post_named(&app, PROFILE, "MetricsProfile").await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["citizen"]["person"]["familyName"], "ROSSI");
    // refused before running: counted under its (well-formed) name, never its text
    let body = post_named(&app, "query Broken { citizen(", "Broken").await;
    assert!(body["errors"].is_array(), "{body}");
    app.stop().await;

    // a second server in the same process, with a dead source: the answer is partial
    let Some(app) = spawn_sqlite_app("metrics_partial", &[DeadSource("spento")]).await else {
        return;
    };
    let body = post_named(&app, PROFILE, "MetricsProfile").await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "SOURCE_UNAVAILABLE"
    );

    let response = scrape(&app, None).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    let at_least_one = |name: &str, labels: &[(&str, &str)]| {
        let value = sample(&text, name, labels);
        assert!(
            value.is_some_and(|v| v >= 1.0),
            "{name} {labels:?} = {value:?} in\n{text}"
        );
    };
    let requests = "fascicolo_graphql_requests_total";
    at_least_one(
        requests,
        &[("operation", "MetricsProfile"), ("outcome", "ok")],
    );
    at_least_one(
        requests,
        &[("operation", "MetricsProfile"), ("outcome", "partial")],
    );
    at_least_one(requests, &[("operation", "Broken"), ("outcome", "refused")]);
    at_least_one(
        "fascicolo_graphql_request_duration_seconds_count",
        &[("operation", "MetricsProfile")],
    );
    assert!(
        text.contains("fascicolo_graphql_request_duration_seconds_bucket{"),
        "a real histogram, with buckets"
    );
    let calls = "fascicolo_source_calls_total";
    at_least_one(calls, &[("source", "spento"), ("outcome", "unreachable")]);
    at_least_one(calls, &[("source", "lavoro"), ("outcome", "ok")]);
    at_least_one(calls, &[("source", "formazione"), ("outcome", "ok")]);
    at_least_one(
        "fascicolo_source_call_duration_seconds_count",
        &[("source", "lavoro")],
    );
    // one statement per source for one citizen's person, employments and trainings
    assert!(
        sample(
            &text,
            "fascicolo_source_statements_total",
            &[("source", "lavoro")]
        )
        .is_some_and(|v| v >= 1.0),
        "{text}"
    );
    at_least_one("fascicolo_store_statements_total", &[]);
    assert_eq!(
        sample(
            &text,
            "fascicolo_source_circuit_state",
            &[("source", "lavoro")]
        ),
        Some(0.0),
        "closed"
    );
    at_least_one(
        "fascicolo_dataloader_batch_size_count",
        &[("loader", "profile")],
    );
    assert!(
        sample(
            &text,
            "fascicolo_store_pool_connections",
            &[("state", "idle")]
        )
        .is_some(),
        "{text}"
    );

    // no personal data and no query text
    assert!(!text.contains(MARIO), "{text}");
    assert!(
        !text.contains("ROSSI") && !text.contains("citizen("),
        "{text}"
    );
    for token in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        assert!(
            token.len() != 16 || FiscalCode::parse(token).is_err(),
            "a fiscal code in the metrics: {token}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn metrics_token_and_switch() {
    let Some(app) = spawn_app_configured(
        "metrics_token",
        Engine::Sqlite,
        Vec::new(),
        &[],
        "metrics_token = \"scrape-0123456789\"",
        "",
    )
    .await
    else {
        return;
    };
    assert_eq!(scrape(&app, None).await.status(), 401);
    assert_eq!(scrape(&app, Some("wrong")).await.status(), 401);
    // a GraphQL user's token is not the scrapers' token
    assert_eq!(scrape(&app, Some(&app.operator())).await.status(), 401);
    let response = scrape(&app, Some("scrape-0123456789")).await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("fascicolo_store_pool_connections")
    );
    app.stop().await;

    let Some(app) = spawn_app_configured(
        "metrics_off",
        Engine::Sqlite,
        Vec::new(),
        &[],
        "metrics = false",
        "",
    )
    .await
    else {
        return;
    };
    assert_eq!(scrape(&app, None).await.status(), 404);
    app.stop().await;
}
