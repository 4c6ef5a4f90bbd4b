//! Logs and traces through the server's own subscriber (`fascicolo::telemetry`): the request
//! id of the `x-request-id` header on every line a request logs, the batch and source-call
//! spans with their sizes, JSON lines, and the spans exported to an OTLP/HTTP collector.

use crate::fixtures::MARIO;
use crate::helpers::{Captured, DeadSource, TestApp, spawn_sqlite_app};
use fascicolo::config::{LogConfig, LogFormat};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const PROFILE: &str = "query Profile($cf: FiscalCode!) { citizen(fiscalCode: $cf) { \
     person { familyName } employments { employerName } trainings { title } } }";

fn json_logs(level: &str) -> LogConfig {
    LogConfig {
        format: LogFormat::Json,
        level: level.into(),
        ..LogConfig::default()
    }
}

/// Posts the profile query; answers the request id the server gave back.
async fn profile(app: &TestApp) -> String {
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(app.operator())
        .json(
            &json!({ "query": PROFILE, "variables": { "cf": MARIO }, "operationName": "Profile" }),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["citizen"]["person"]["familyName"], "ROSSI");
    id
}

/// The spans of a JSON log line, outermost first.
fn spans(line: &Value) -> Vec<Value> {
    line["spans"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn every_line_of_a_request_carries_its_id_and_spans_say_batch_and_source_sizes() {
    // the test's runtime runs the server on this thread, so a thread-local subscriber sees it
    let captured = Captured::default();
    let writer = captured.clone();
    let (subscriber, _telemetry) = fascicolo::telemetry::subscriber(
        &json_logs("debug,sqlx=warn,hyper=info,h2=info,reqwest=info"),
        move || writer.clone(),
    )
    .unwrap();
    let _logging = tracing::subscriber::set_default(subscriber);
    let Some(app) = spawn_sqlite_app("telemetry_request_id", &[DeadSource("spento")]).await else {
        return;
    };
    let before = captured.text().len();
    let id = profile(&app).await;
    let after = captured.text();
    let lines: Vec<Value> = after[before..]
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.len() >= 3, "the request logged lines: {after}");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    for line in &lines {
        let request = spans(line)
            .into_iter()
            .find(|s| s["name"] == "request")
            .unwrap_or_else(|| panic!("a line outside the request span: {line}"));
        assert_eq!(request["request_id"], id.as_str(), "{line}");
        assert_eq!(request["path"], "/graphql", "{line}");
    }
    assert!(
        lines.iter().any(|l| spans(l)
            .iter()
            .any(|s| s["name"] == "request" && s["operation"] == "Profile")),
        "the operation is on the request span"
    );

    // the dead source's failure is logged inside its source call, inside a loader batch
    let failure = lines
        .iter()
        .find(|l| l["fields"]["message"] == "regional source failed")
        .unwrap_or_else(|| panic!("the failure is logged: {after}"));
    let chain = spans(failure);
    let names: Vec<&str> = chain.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["request", "batch", "source_call"], "{failure}");
    // one citizen, three views: one batch of three keys, one call to the source
    assert_eq!(chain[1]["keys"], 3, "{failure}");
    assert_eq!(chain[1]["loader"], "profile", "{failure}");
    assert_eq!(chain[2]["source"], "spento");
    assert_eq!(chain[2]["keys"], 1);
    assert_eq!(
        chain[2]["view"], "gw_person+gw_employment+gw_training",
        "{failure}"
    );

    // a second request gets another id, and its lines carry that one
    let second_start = captured.text().len();
    let second = profile(&app).await;
    assert_ne!(second, id);
    let text = captured.text();
    assert!(!text[second_start..].contains(&id), "only its own id");
    assert!(text[second_start..].contains(&second));

    // no fiscal code in any line or span
    assert!(!text.contains(MARIO), "{text}");
    app.stop().await;
}

/// A collector on a runtime of its own: the export is a blocking call from the SDK's thread
/// while the test's thread waits for it.
struct Collector {
    url: String,
    received: Exports,
}

/// Each export the collector got: its content type and body.
type Exports = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

fn spawn_collector() -> Collector {
    let received: Exports = Arc::default();
    let kept = received.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let router = axum::Router::new().route(
                "/v1/traces",
                axum::routing::post(
                    move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                        let kept = kept.clone();
                        async move {
                            let kind = headers
                                .get("content-type")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_owned();
                            kept.lock().unwrap().push((kind, body.to_vec()));
                            ""
                        }
                    },
                ),
            );
            axum::serve(listener, router).await.unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    Collector {
        url: format!("http://{addr}/v1/traces"),
        received,
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn spans_are_exported_to_an_otlp_collector() {
    let collector = spawn_collector();
    let config = LogConfig {
        otlp_endpoint: Some(collector.url.clone()),
        otlp_service_name: "fascicolo-test".into(),
        ..json_logs("info")
    };
    let (subscriber, telemetry) = fascicolo::telemetry::subscriber(&config, std::io::sink).unwrap();
    let _logging = tracing::subscriber::set_default(subscriber);
    let Some(app) = spawn_sqlite_app("telemetry_otlp", &[]).await else {
        return;
    };
    let id = profile(&app).await;
    app.stop().await;
    telemetry.flush();
    let received = collector.received.lock().unwrap().clone();
    assert!(!received.is_empty(), "the collector got the spans");
    assert!(
        received
            .iter()
            .all(|(kind, _)| kind == "application/x-protobuf"),
        "OTLP/HTTP protobuf"
    );
    let all: Vec<u8> = received.into_iter().flat_map(|(_, body)| body).collect();
    for expected in [
        "fascicolo-test",
        "request",
        "batch",
        "source_call",
        "gw_person",
        id.as_str(),
    ] {
        assert!(contains(&all, expected), "{expected} in the exported spans");
    }
    assert!(!contains(&all, MARIO), "no fiscal code in a span");
    telemetry.shutdown();
}

#[test]
fn an_otlp_endpoint_must_be_http() {
    let config = LogConfig {
        otlp_endpoint: Some("collector:4318".into()),
        ..LogConfig::default()
    };
    let err = fascicolo::telemetry::subscriber(&config, std::io::sink)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("log.otlp_endpoint"), "{err}");
}
