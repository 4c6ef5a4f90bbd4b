//! A fake Toscana Lavoro portal on 127.0.0.1:0 for the delivery worker: it can be down, fail
//! a number of times, hold a request (then answer it or fail it), and records every request
//! and the CVs it stores (one per idempotency key, like the real one).

use crate::helpers::TestApp;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the fake portal does and has seen.
#[derive(Default)]
pub struct Portal {
    /// Answer 503 to everything while set (the portal is down).
    pub down: bool,
    /// Answer 503 to this many requests first.
    pub fail_first: usize,
    /// Hold the request that first stores the CV this long before answering (a slow portal).
    pub slow_first: Option<Duration>,
    /// Hold the next request this long, then answer 503 without storing anything.
    pub fail_slowly: Option<Duration>,
    /// (Authorization, Idempotency-Key, body) of every request, in arrival order.
    pub requests: Vec<(Option<String>, Option<String>, Value)>,
    /// idempotency key → CV id: the CVs the portal holds.
    pub stored: HashMap<String, String>,
}

impl Portal {
    /// Requests about one citizen.
    pub fn requests_for(&self, fiscal_code: &str) -> usize {
        self.requests
            .iter()
            .filter(|r| r.2["citizen"]["fiscalCode"] == fiscal_code)
            .count()
    }
}

pub type Shared = Arc<Mutex<Portal>>;

async fn receive(
    State(portal): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> axum::response::Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let key = header("idempotency-key");
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let (answer, hold) = {
        let mut p = portal.lock().unwrap();
        p.requests
            .push((header("authorization"), key.clone(), json));
        if let Some(hold) = p.fail_slowly.take() {
            let refusal = (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response();
            (refusal, Some(hold))
        } else if p.down || p.fail_first > 0 {
            p.fail_first = p.fail_first.saturating_sub(1);
            return (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response();
        } else {
            let key = key.unwrap_or_default();
            let seen = p.stored.contains_key(&key);
            let n = p.stored.len() + 1;
            let cv_id = p
                .stored
                .entry(key)
                .or_insert_with(|| format!("portal-cv-{n}"))
                .clone();
            let status = if seen {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            let receipt = json!({ "cvId": cv_id, "preRegistered": !seen });
            let hold = if seen { None } else { p.slow_first };
            ((status, axum::Json(receipt)).into_response(), hold)
        }
    };
    if let Some(hold) = hold {
        tokio::time::sleep(hold).await;
    }
    answer
}

/// Serves `portal`; its base URL.
pub async fn fake_portal(portal: Shared) -> String {
    let router = axum::Router::new()
        .route("/cv", axum::routing::post(receive))
        .with_state(portal);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

pub fn portal_toml(url: &str, timeout_ms: u64) -> String {
    portal_toml_with(url, timeout_ms, 100, 400)
}

/// The `[portal]` section with the back-off after failed attempts.
pub fn portal_toml_with(
    url: &str,
    timeout_ms: u64,
    backoff_ms: u64,
    backoff_max_ms: u64,
) -> String {
    format!(
        "[portal]\nurl = \"{url}\"\ntoken = \"portal-secret\"\ntimeout_ms = {timeout_ms}\n\
         poll_ms = 50\nbackoff_base_ms = {backoff_ms}\nbackoff_max_ms = {backoff_max_ms}\n\
         max_attempts = 6\n"
    )
}

pub const TRANSFERS: &str = "portalTransfers { id status attempts lastError portalCvId \
    preRegistered cancelReason cancelledAt nextAttemptAt }";

/// The citizen's transfers, newest first.
pub async fn transfers(app: &TestApp, fiscal_code: &str) -> Vec<Value> {
    let query = format!(
        "query($cf: FiscalCode!) {{ citizen(fiscalCode: $cf) {{ orientation {{ {TRANSFERS} }} }} }}"
    );
    let body = app.query(&query, json!({ "cf": fiscal_code })).await;
    body["data"]["citizen"]["orientation"]["portalTransfers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Polls the citizen's newest transfer until `done` holds for it (or `wait` passes).
pub async fn transfer_when(
    app: &TestApp,
    fiscal_code: &str,
    wait: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let transfer = transfers(app, fiscal_code)
            .await
            .first()
            .cloned()
            .unwrap_or(Value::Null);
        if done(&transfer) || started.elapsed() > wait {
            return transfer;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls the citizen's newest transfer until it is no longer PENDING (or `wait` passes).
pub async fn settled_transfer(app: &TestApp, fiscal_code: &str, wait: Duration) -> Value {
    transfer_when(app, fiscal_code, wait, |t| t["status"] != "PENDING").await
}
