//! HTTP routes: `/graphql` (POST and GET), GraphiQL at `/`, evidence files at
//! `/evidences/{id}/file`, CSV reports at `/reports/<name>.csv`, `/healthz`, `/readyz` and
//! `/metrics`. Every answer carries `Cache-Control: no-store` and the request's id.

pub mod documents;
pub mod evidence_file;
pub mod graphiql;
pub mod graphql;
pub mod graphql_http;
pub mod reports;
pub mod request_id;
pub mod state;

use crate::error::ErrorCode;
use crate::sources::registry::SourceState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
pub use state::HttpState;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub fn router(state: HttpState) -> Router {
    let request_id = HeaderName::from_static(request_id::REQUEST_ID_HEADER);
    let mut router = Router::new()
        .route("/evidences/{id}/file", get(evidence_file::download))
        .route("/documents/libretti/{file}", get(documents::libretto))
        .route("/documents/ivc/{id}/{file}", get(documents::ivc))
        .route("/reports/{file}", get(reports::csv))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz));
    if state.app.config.server.metrics {
        router = router.route("/metrics", get(metrics));
    }
    if state.app.config.server.graphiql() {
        router = router
            .route("/", get(graphiql::page))
            .route("/graphiql/{file}", get(graphiql::asset));
    }
    let router = router
        .layer(RequestBodyLimitLayer::new(
            state.app.config.server.max_body_bytes,
        ))
        // `/graphql` reads its body itself, to refuse an oversized one with a coded answer
        .route(
            "/graphql",
            get(graphql::graphql_handler).post(graphql::graphql_handler),
        )
        .layer(CatchPanicLayer::custom(panicked))
        // answers carry personal data, or say who may read it: no cache between the client
        // and us keeps one, whatever the route (error answers and panics included)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(crate::telemetry::request_span::<axum::body::Body>),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // before the id is set: a client's id that is not kept leaves room for the server's
        .layer(axum::middleware::map_request(request_id::screen));
    // outermost: a preflight is answered before anything else looks at it
    match cors(&state.app.config.server.cors_origins) {
        Some(cors) => router.layer(cors).with_state(state),
        None => router.with_state(state),
    }
}

/// The CORS rules for the configured origins (none configured: no CORS answer at all). Only
/// what a front end needs: GET and POST with a bearer token and a JSON or multipart body.
fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return None;
    }
    // validated with the configuration: each is a plain origin, so each is a header value
    let origins = origins
        .iter()
        .filter_map(|origin| HeaderValue::from_str(origin).ok());
    let request_id = HeaderName::from_static(request_id::REQUEST_ID_HEADER);
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                request_id.clone(),
            ])
            .expose_headers([request_id])
            .max_age(std::time::Duration::from_secs(600)),
    )
}

async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the store answers. A regional source that is down or breaks the contract
/// degrades answers (`degraded: true`) but does not make the gateway unready: no other replica
/// would do better. Each source's state, circuit and last failure (reason word and error id)
/// are public; the contract's problems, which name views and columns, are listed only for a
/// bearer token of a role that may read the `sources` query.
async fn readyz(State(state): State<HttpState>, headers: axum::http::HeaderMap) -> Response {
    let detailed = graphql::authenticate(&state, &headers)
        .is_ok_and(|p| crate::graphql::access::SOURCE_STATUS.allows(p.role));
    let store = state.app.store.ping().await;
    state.app.registry.probe_all().await;
    let mut degraded = false;
    let sources: Vec<serde_json::Value> = state
        .app
        .registry
        .sources()
        .iter()
        .map(|s| {
            let h = s.health();
            degraded |= h.state != SourceState::Up;
            let cache = s.cache_stats();
            let mut source = serde_json::json!({
                "name": &*s.name,
                "kind": s.kind.as_str(),
                "state": match h.state {
                    SourceState::Up => "up",
                    SourceState::Down => "down",
                    SourceState::Contract => "contract",
                    SourceState::Unknown => "unknown",
                },
                "latencyMs": h.latency_ms,
                "error": h.last_error,
                "errorId": h.last_error_id,
                "circuit": s.circuit_state().as_str(),
                "consecutiveFailures": s.circuit().consecutive_failures(),
                "cache": s.cache().map(|_| serde_json::json!({
                    "hits": cache.hits,
                    "misses": cache.misses,
                    "entries": cache.entries,
                    "staleServed": cache.stale_served,
                })),
            });
            if detailed {
                source["problems"] = h.problems.into();
            }
            source
        })
        .collect();
    let ready = store.is_ok();
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "unready" },
        "degraded": degraded,
        "store": if ready { "up" } else { "down" },
        "sources": sources,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

/// Prometheus text format (README "Metrics"); with `server.metrics_token` set, only for a
/// request bearing that token (scrapers are not GraphQL users).
async fn metrics(State(state): State<HttpState>, headers: axum::http::HeaderMap) -> Response {
    use secrecy::ExposeSecret;
    if let Some(token) = &state.app.config.server.metrics_token {
        let given = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let expected = token.expose_secret().as_bytes();
        let matches = given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected));
        if !matches {
            let mut answer = error_response(
                ErrorCode::Unauthenticated,
                "/metrics needs the metrics token as a bearer token",
            );
            answer.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            return answer;
        }
    }
    match state.app.render_metrics() {
        Some(text) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        None => internal_error("metrics", "no metrics recorder is installed"),
    }
}

/// Compares two byte strings in time that depends on their lengths only.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The caller of a non-GraphQL route, from its bearer token, if its role is one of `allowed`;
/// otherwise the 401 or 403 answer, which names what `action` needs.
pub(crate) fn authorize(
    state: &HttpState,
    headers: &axum::http::HeaderMap,
    allowed: &[crate::auth::Role],
    action: &str,
) -> Result<crate::auth::Principal, Box<Response>> {
    let principal = graphql::authenticate(state, headers)?;
    if allowed.contains(&principal.role) {
        return Ok(principal);
    }
    let roles: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
    Err(Box::new(error_response(
        ErrorCode::Forbidden,
        &format!(
            "role {} may not {action} (allowed: {})",
            principal.role.as_str(),
            roles.join(", ")
        ),
    )))
}

/// A JSON error body with its code, for the non-GraphQL routes; the status goes with the code.
pub(crate) fn error_response(code: ErrorCode, message: &str) -> Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }]
    });
    (code.http_status(), axum::Json(body)).into_response()
}

/// A handler that panicked answers like any internal error, instead of a dropped connection.
#[allow(clippy::needless_pass_by_value)] // the signature CatchPanicLayer calls
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    internal_error("request", &format!("panic: {detail}"))
}

/// Masked: the detail goes to the log under an id the client can quote.
pub(crate) fn internal_error(what: &str, detail: &str) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    tracing::error!(error_id = %id, error = %detail, "{what} failed");
    error_response(ErrorCode::Internal, &format!("internal error (id {id})"))
}

#[cfg(test)]
mod tests {
    /// The panic handler answers 500 `INTERNAL` with an id, not the panic's text.
    #[tokio::test]
    async fn a_panic_is_an_internal_error_with_an_id() {
        let router = axum::Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    if true {
                        panic!("secret detail");
                    }
                    "unreachable"
                }),
            )
            .layer(super::CatchPanicLayer::custom(super::panicked));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        let response = reqwest::get(format!("http://{addr}/boom")).await.unwrap();
        assert_eq!(response.status(), 500);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("internal error (id "), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }
}
