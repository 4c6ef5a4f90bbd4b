//! The HTTP surface: health, readiness, GraphiQL, GET queries, request ids, and the committed
//! SDL matching the code.

use crate::fixtures::{self, MARIO};
use crate::helpers::{DeadSource, spawn_app_configured};
use fascicolo::testing::Engine;
use serde_json::{Value, json};

#[tokio::test]
async fn health_readiness_graphiql_and_get() {
    let Some(app) = spawn_app_configured(
        "http_misc",
        Engine::Sqlite,
        fixtures::sources(Engine::Sqlite, Engine::Sqlite),
        &[DeadSource("spento")],
        "graphiql = true\nintrospection = true",
        "",
    )
    .await
    else {
        return;
    };
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(
        ready.status(),
        200,
        "a down source does not make the gateway unready"
    );
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["store"], "up");
    let states: Vec<(String, String)> = ready["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().into(),
                s["state"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("lavoro".to_owned(), "up".to_owned()),
            ("formazione".to_owned(), "up".to_owned()),
            ("spento".to_owned(), "down".to_owned())
        ]
    );
    // each source's probe latency, and for the dead one why it failed
    for source in ready["sources"].as_array().unwrap() {
        assert!(source["latencyMs"].is_u64(), "{source}");
    }
    assert!(ready["sources"][2]["error"].is_string(), "{ready}");

    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("graphiql"), "GraphiQL page");
    assert!(
        !html.contains("Bearer"),
        "outside demo mode the page carries no token"
    );

    // GET with a query string, and the request id echoed back
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            (
                "query",
                "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } } }",
            ),
            ("variables", &json!({ "cf": MARIO }).to_string()),
        ])
        .bearer_auth(app.operator())
        .header("x-request-id", "req-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "req-123");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["citizen"]["person"]["familyName"], "ROSSI");

    // the audit row carries the same request id
    let admin = app.token(fascicolo::auth::Role::Admin, None);
    let (_, body) = app
        .post(
            Some(&admin),
            "{ auditLog(first: 1) { edges { node { requestId } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["auditLog"]["edges"][0]["node"]["requestId"],
        "req-123"
    );

    // a malformed query is the client's mistake, with a code
    let body = app.query("{ citizen(", json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    app.stop().await;
}

#[test]
fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schema/schema.graphql"
    ))
    .expect("schema/schema.graphql exists: run `cargo run -- export-schema`");
    assert!(
        committed == fascicolo::graphql::sdl(),
        "schema/schema.graphql is out of date: run `cargo run -- export-schema` and commit it"
    );
}
