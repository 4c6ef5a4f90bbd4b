//! CORS (`server.cors_origins`): a preflight from a listed origin is answered for the routes a
//! front end calls; any other origin, or a server with no origin listed, gets no CORS header,
//! so the browser keeps its page out.

use crate::fixtures::sources;
use crate::helpers::{TestApp, spawn_app_configured};
use fascicolo::testing::Engine;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};

const FRONT_END: &str = "https://operatori.example";

async fn preflight(app: &TestApp, path: &str, origin: &str) -> (u16, HeaderMap) {
    let response = app
        .client
        .request(Method::OPTIONS, app.url(path))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .expect("preflight");
    (response.status().as_u16(), response.headers().clone())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().expect("ascii header"))
}

fn lower(value: Option<&str>) -> String {
    value.unwrap_or_default().to_ascii_lowercase()
}

async fn app(test: &str, origins: &str) -> Option<TestApp> {
    let keys = if origins.is_empty() {
        String::new()
    } else {
        format!("cors_origins = {origins}")
    };
    spawn_app_configured(
        test,
        Engine::Sqlite,
        sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        &keys,
        "",
    )
    .await
}

#[tokio::test]
async fn a_listed_origin_is_allowed_and_any_other_is_not() {
    let Some(app) = app(
        "a_listed_origin_is_allowed_and_any_other_is_not",
        r#"["https://operatori.example", "http://localhost:5173"]"#,
    )
    .await
    else {
        return;
    };
    for path in ["/graphql", "/evidences/x/file", "/reports/libretti.csv"] {
        let (status, headers) = preflight(&app, path, FRONT_END).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            header(&headers, "access-control-allow-origin"),
            Some(FRONT_END),
            "{path}"
        );
        let methods = lower(header(&headers, "access-control-allow-methods"));
        assert!(
            methods.contains("post") && methods.contains("get"),
            "{path}: {methods}"
        );
        let allowed = lower(header(&headers, "access-control-allow-headers"));
        assert!(
            allowed.contains("authorization") && allowed.contains("content-type"),
            "{path}: {allowed}"
        );

        let (_, headers) = preflight(&app, path, "https://evil.example").await;
        assert_eq!(
            header(&headers, "access-control-allow-origin"),
            None,
            "{path}"
        );
    }

    // the real request from the page: allowed, and the page may read the request id
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("origin", FRONT_END)
        .bearer_auth(app.operator())
        .json(&serde_json::json!({ "query": "{ pactMeasures { code } }" }))
        .send()
        .await
        .unwrap();
    let headers = response.headers().clone();
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some(FRONT_END)
    );
    assert!(lower(header(&headers, "access-control-expose-headers")).contains("x-request-id"));
    assert!(
        headers.get("vary").is_some(),
        "caches must key on the origin"
    );
    let other = app
        .client
        .post(app.url("/graphql"))
        .header("origin", HeaderValue::from_static("https://evil.example"))
        .bearer_auth(app.operator())
        .json(&serde_json::json!({ "query": "{ pactMeasures { code } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(header(other.headers(), "access-control-allow-origin"), None);
    app.stop().await;
}

#[tokio::test]
async fn no_origin_listed_no_cors() {
    let Some(app) = app("no_origin_listed_no_cors", "").await else {
        return;
    };
    let (_, headers) = preflight(&app, "/graphql", FRONT_END).await;
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    app.stop().await;
}
