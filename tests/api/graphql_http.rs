//! GraphQL over HTTP: media types, status codes, GET, what is not a GraphQL request; and the
//! graphql-http conformance audit (`audit/run.sh`) against the real binary.

use crate::helpers::{TestApp, spawn_app};
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

struct Answer {
    status: u16,
    content_type: String,
    allow: Option<String>,
    body: Value,
}

async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("request");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let content_type = header("content-type").unwrap_or_default();
    let allow = header("allow");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        content_type,
        allow,
        body,
    }
}

fn post(app: &TestApp, accept: Option<&str>) -> reqwest::RequestBuilder {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(app.operator());
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    request
}

fn get(app: &TestApp, params: &[(&str, &str)], accept: &str) -> reqwest::RequestBuilder {
    app.client
        .get(app.url("/graphql"))
        .query(params)
        .header("accept", accept)
        .bearer_auth(app.operator())
}

fn message(body: &Value) -> String {
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn media_types_and_status_codes_follow_graphql_over_http() {
    let Some(app) = spawn_app("graphql_http_status", Engine::Sqlite, vec![], &[]).await else {
        return;
    };
    let typename = json!({ "query": "{ __typename }" });
    accept_picks_the_media_type_and_status(&app, &typename).await;
    unsupported_media_types_are_refused(&app, &typename).await;
    malformed_requests_say_why(&app).await;
    methods_and_authentication(&app, &typename).await;
    app.stop().await;
}

/// The Accept header picks the media type, and with it the status of a refused document.
async fn accept_picks_the_media_type_and_status(app: &TestApp, typename: &Value) {
    // no Accept, or */*: application/json
    for accept in [None, Some("*/*")] {
        let a = answer(post(app, accept).json(typename)).await;
        assert_eq!(a.status, 200);
        assert!(a.content_type.starts_with("application/json"), "{accept:?}");
        assert_eq!(a.body, json!({ "data": { "__typename": "Query" } }));
    }
    let a = answer(post(app, Some(GRAPHQL_RESPONSE)).json(typename)).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.content_type, format!("{GRAPHQL_RESPONSE}; charset=utf-8"));

    // a document that does not parse, or does not validate: 400 with graphql-response+json,
    // 200 with application/json, and never a `data` entry
    for query in ["{ citizen(", "{ noSuchField }"] {
        let request = json!({ "query": query });
        let a = answer(post(app, Some(GRAPHQL_RESPONSE)).json(&request)).await;
        assert_eq!(a.status, 400, "{query}: {}", a.body);
        assert_eq!(a.body.get("data"), None, "{}", a.body);
        assert_eq!(a.body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let a = answer(post(app, Some("application/json")).json(&request)).await;
        assert_eq!(a.status, 200, "{query}: {}", a.body);
        assert_eq!(a.body.get("data"), None, "{}", a.body);
    }
    // an operation that ran, although its non-null root field failed: 200 and `data: null`
    let a = answer(post(app, Some(GRAPHQL_RESPONSE)).json(&json!({
        "query": "{ auditLog(first: 1) { edges { node { requestId } } } }"
    })))
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["data"], Value::Null);
    assert_eq!(a.body["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

/// 406 for no supported type in Accept, 415 for a body that is not UTF-8 JSON.
async fn unsupported_media_types_are_refused(app: &TestApp, typename: &Value) {
    // no supported type in Accept: 406
    let a = answer(post(app, Some("text/html")).json(typename)).await;
    assert_eq!(a.status, 406);
    assert!(message(&a.body).contains("application/json"), "{}", a.body);

    // not JSON, or JSON in another charset: 415
    let text = typename.to_string();
    let a = answer(post(app, None).body(text.clone())).await;
    assert_eq!(a.status, 415, "no Content-Type");
    let a = answer(
        post(app, None)
            .header("content-type", "text/plain")
            .body(text.clone()),
    )
    .await;
    assert_eq!(a.status, 415);
    let a = answer(
        post(app, None)
            .header("content-type", "application/json; charset=latin1")
            .body(text),
    )
    .await;
    assert_eq!(a.status, 415);
}

/// A malformed GraphQL-over-HTTP request is 400 with the reason; null parameters are absent.
async fn malformed_requests_say_why(app: &TestApp) {
    // not a well-formed GraphQL-over-HTTP request: 400, with the reason
    for (body, reason) in [
        ("", "empty"),
        ("{\"query\":", "not JSON"),
        (
            "[{\"query\":\"{ __typename }\"}]",
            "batched requests are not supported",
        ),
        ("\"{ __typename }\"", "JSON object"),
        ("{}", "`query` is missing"),
        ("{\"query\": 7}", "`query` must be a string"),
        (
            "{\"query\": \"{ __typename }\", \"operationName\": false}",
            "`operationName` must be a string",
        ),
        (
            "{\"query\": \"{ __typename }\", \"variables\": [7]}",
            "`variables` must be an object",
        ),
        (
            "{\"query\": \"{ __typename }\", \"extensions\": \"x\"}",
            "`extensions` must be an object",
        ),
    ] {
        for accept in ["application/json", GRAPHQL_RESPONSE] {
            let a = answer(
                post(app, Some(accept))
                    .header("content-type", "application/json")
                    .body(body),
            )
            .await;
            assert_eq!(a.status, 400, "{body}");
            assert!(message(&a.body).contains(reason), "{body}: {}", a.body);
            assert_eq!(a.body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        }
    }
    // null parameters are absent parameters
    let a = answer(post(app, Some(GRAPHQL_RESPONSE)).json(&json!({
        "query": "{ __typename }", "operationName": null, "variables": null, "extensions": null
    })))
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
}

/// GET serves queries only; other methods are 405; without a token, 401.
async fn methods_and_authentication(app: &TestApp, typename: &Value) {
    // GET: queries only; a mutation is 405 with Allow: POST, whatever the media type
    let a = answer(get(app, &[("query", "{ __typename }")], GRAPHQL_RESPONSE)).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["data"]["__typename"], "Query");
    for accept in ["application/json", GRAPHQL_RESPONSE] {
        let a = answer(get(app, &[("query", "mutation { __typename }")], accept)).await;
        assert_eq!(a.status, 405, "{}", a.body);
        assert_eq!(a.allow.as_deref(), Some("POST"));
        assert!(message(&a.body).contains("POST"), "{}", a.body);
    }
    let both = "query Q { __typename } mutation M { __typename }";
    let a = answer(get(
        app,
        &[("query", both), ("operationName", "Q")],
        GRAPHQL_RESPONSE,
    ))
    .await;
    assert_eq!(a.status, 200, "the query of a document with a mutation too");
    let a = answer(get(
        app,
        &[("query", both), ("operationName", "M")],
        GRAPHQL_RESPONSE,
    ))
    .await;
    assert_eq!(a.status, 405);
    let a = answer(get(app, &[], GRAPHQL_RESPONSE)).await;
    assert_eq!(a.status, 400, "GET without a query");
    let a = answer(get(
        app,
        &[("query", "{ __typename }"), ("variables", "[1]")],
        GRAPHQL_RESPONSE,
    ))
    .await;
    assert_eq!(a.status, 400, "GET with variables that are not a map");
    // other methods: 405 from the router, naming the allowed ones
    let a = answer(app.client.put(app.url("/graphql")).json(typename)).await;
    assert_eq!(a.status, 405);
    assert!(a.allow.unwrap_or_default().contains("POST"));

    // without a token: 401, in the media type asked
    let a = answer(
        app.client
            .post(app.url("/graphql"))
            .header("accept", GRAPHQL_RESPONSE)
            .json(typename),
    )
    .await;
    assert_eq!(a.status, 401);
    assert!(a.content_type.starts_with(GRAPHQL_RESPONSE));
    assert_eq!(a.body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
}

/// The whole graphql-http server audit (61 checks: MUST, SHOULD and MAY) through
/// `audit/run.sh`, which starts this build's binary and runs `audit/graphql-http.mjs`.
#[test]
fn the_graphql_http_audit_passes() {
    use std::process::Command;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let audit = root.join("audit");
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("skipped: node is not installed (the audit runs on Node.js)");
        return;
    }
    if !audit.join("node_modules/graphql-http").is_dir() {
        // from the lock file; offline works when npm's cache already has the packages
        let installed = Command::new("npm")
            .args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--prefer-offline",
                "--prefix",
            ])
            .arg(&audit)
            .output();
        match installed {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                eprintln!(
                    "skipped: npm ci --prefix audit failed:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                return;
            }
            Err(e) => {
                eprintln!("skipped: audit/node_modules is missing and npm cannot run: {e}");
                return;
            }
        }
    }
    let out = Command::new("bash")
        .arg(audit.join("run.sh"))
        .env("FASCICOLO_BIN", env!("CARGO_BIN_EXE_fascicolo"))
        .env_remove("FASCICOLO_CONFIG")
        .output()
        .expect("run audit/run.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "audit failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("61 of 61 passed"), "{stdout}");
}
