//! POST/GET `/graphql`: authenticate, read the request as GraphQL over HTTP, admit it
//! (persisted documents, introspection, limits), run it with per-request loaders, give every
//! error a code, report each failed source once, write the audit rows before answering, and
//! choose the status the answer's media type calls for.

use crate::auth::{AuthError, Principal};
use crate::error::ErrorCode;
use crate::graphql::admission::Refusal;
use crate::graphql::error_cap;
use crate::graphql::loaders::{LoaderContext, add_data_loaders};
use crate::graphql::scope::{NotedFailure, RequestScope};
use crate::http::HttpState;
use crate::http::graphql_http::{Media, Rejection};
use crate::store::audit;
use async_graphql::{ErrorExtensionValues, ServerError};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub async fn graphql_handler(State(state): State<HttpState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(media) = Media::negotiate(&parts.headers) else {
        return Rejection::not_acceptable().into_response(Media::Json);
    };
    let request_id = crate::http::request_id::of(&parts.headers);
    let principal = match authenticate(&state, &parts.headers) {
        Ok(p) => p,
        Err(answer) => {
            let mut answer = *answer;
            answer
                .headers_mut()
                .insert(header::CONTENT_TYPE, media.content_type());
            return answer;
        }
    };
    let server = &state.app.config.server;
    let limits = crate::http::graphql_http::BodyLimits {
        json: if server.max_json_body_bytes < server.max_body_bytes {
            ("server.max_json_body_bytes", server.max_json_body_bytes)
        } else {
            ("server.max_body_bytes", server.max_body_bytes)
        },
        any: server.max_body_bytes,
    };
    let request = match crate::http::graphql_http::read(
        &parts.method,
        &parts.headers,
        &parts.uri,
        body,
        limits,
    )
    .await
    {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(media),
    };
    let over_get = parts.method == Method::GET || parts.method == Method::HEAD;
    let outcome = run(
        &state,
        principal,
        request_id,
        request,
        Caller::Http { over_get },
    )
    .await;
    respond(outcome, media)
}

/// How far a request got, which decides its HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// The operation ran; `data` is in the answer (null when a non-null root field failed).
    Executed,
    /// Refused before execution (syntax, validation, variables, admission): no `data`.
    Refused,
    /// A mutation asked with GET: 405.
    MutationOverGet,
    /// The operation ran but its audit rows could not be written: nothing is answered.
    Withheld,
}

/// Runs one GraphQL request as `principal`, as if it came by POST. Public for in-process
/// callers (the demo documents) and tests of the pipeline itself.
pub async fn execute(
    state: &HttpState,
    principal: Principal,
    request_id: String,
    request: async_graphql::Request,
) -> async_graphql::Response {
    run(state, principal, request_id, request, Caller::InProcess)
        .await
        .0
}

/// Runs the request and records it in the metrics (`/metrics`): by operation name, never by
/// query text.
/// Who asks: an HTTP client, or fascicolo itself (the demo writing its sample documents
/// through the API), whose hundreds of requests at a first start log at debug only.
#[derive(Clone, Copy)]
enum Caller {
    Http { over_get: bool },
    InProcess,
}

/// `tracing::info!` for a client's request, `tracing::debug!` for one of ours.
macro_rules! request_log {
    ($caller:expr, $($arg:tt)*) => {
        if matches!($caller, Caller::InProcess) {
            tracing::debug!($($arg)*)
        } else {
            tracing::info!($($arg)*)
        }
    };
}

async fn run(
    state: &HttpState,
    principal: Principal,
    request_id: String,
    request: async_graphql::Request,
    caller: Caller,
) -> (async_graphql::Response, Outcome) {
    let started = std::time::Instant::now();
    let operation = crate::observe::operation_label(request.operation_name.as_deref());
    tracing::Span::current().record("operation", operation.as_str());
    let mut answer = run_observed(state, principal, request_id, request, caller).await;
    error_cap::cap(&mut answer.0.errors, state.app.config.limits.max_errors);
    crate::observe::graphql_request(&operation, metric_outcome(&answer), started.elapsed());
    answer
}

/// `ok`, `partial` (only sources failed), `error` (any other error) or `refused` (not run).
fn metric_outcome((response, outcome): &(async_graphql::Response, Outcome)) -> &'static str {
    match outcome {
        Outcome::Refused | Outcome::MutationOverGet => "refused",
        Outcome::Withheld => "error",
        Outcome::Executed if response.errors.is_empty() => "ok",
        Outcome::Executed => {
            let from_sources = response
                .errors
                .iter()
                .all(|e| ErrorCode::SourceUnavailable.is_on(e));
            if from_sources { "partial" } else { "error" }
        }
    }
}

async fn run_observed(
    state: &HttpState,
    principal: Principal,
    request_id: String,
    request: async_graphql::Request,
    caller: Caller,
) -> (async_graphql::Response, Outcome) {
    let over_get = matches!(caller, Caller::Http { over_get: true });
    let scope = Arc::new(RequestScope::new(principal, request_id));
    let admitted = state.admission.admit(request, over_get);
    let request = match admitted.and_then(crate::graphql::bounds::admit) {
        Ok(request) => request,
        Err(refusal) => {
            let (errors, outcome) = match refusal {
                Refusal::Errors(errors) => (errors, Outcome::Refused),
                Refusal::MutationOverGet => (
                    vec![coded(
                        "a mutation cannot be asked with GET: send it with POST".into(),
                        ErrorCode::BadUserInput,
                    )],
                    Outcome::MutationOverGet,
                ),
            };
            request_log!(
                caller,
                request_id = %scope.request_id,
                role = scope.principal.role.as_str(),
                errors = errors.len(),
                "graphql request refused"
            );
            return (async_graphql::Response::from_errors(errors), outcome);
        }
    };
    let loaders = LoaderContext {
        registry: state.app.registry.clone(),
        store: state.app.store.clone(),
        scope: scope.clone(),
        links: state.app.links.current(),
    };
    let request = add_data_loaders(request, &loaders).data(Arc::clone(&scope));
    let mut response = state.schema.execute(request).await;
    let outcome = if was_executed(&response) {
        Outcome::Executed
    } else {
        Outcome::Refused
    };
    for error in &mut response.errors {
        classify(error);
    }
    for (source, failure) in scope.take_failures() {
        response.errors.push(source_unavailable(&source, &failure));
    }
    let access = scope.take_access();
    if !access.is_empty()
        && let Err(err) = audit::write(
            &state.app.audit,
            &scope.principal,
            &scope.request_id,
            &access,
        )
        .await
    {
        // Personal data never leaves unaudited.
        let id = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(error_id = %id, error = %err, "audit write failed; response withheld");
        let withheld = async_graphql::Response::from_errors(vec![coded(
            format!("internal error (id {id})"),
            ErrorCode::Internal,
        )]);
        return (withheld, Outcome::Withheld);
    }
    request_log!(
        caller,
        request_id = %scope.request_id,
        role = scope.principal.role.as_str(),
        citizens = access.citizens(),
        errors = response.errors.len(),
        "graphql request"
    );
    (response, outcome)
}

/// Whether async-graphql got as far as executing the operation, read off its answer: a
/// request error (syntax, validation, unknown operation, variables) leaves `data` null and
/// carries only errors without a path, while every error raised during execution has the
/// path of its field, and an executed operation with no error or with a non-null root has
/// data or no errors at all.
fn was_executed(response: &async_graphql::Response) -> bool {
    response.data != async_graphql::Value::Null
        || response.errors.is_empty()
        || response.errors.iter().any(|e| !e.path.is_empty())
}

/// The HTTP answer: `application/json` is 200 for every well-formed request (the body says
/// what happened); `application/graphql-response+json` is 200 only when the operation ran.
fn respond((response, outcome): (async_graphql::Response, Outcome), media: Media) -> Response {
    let graphql_response = media == Media::GraphqlResponse;
    let status = match outcome {
        Outcome::Executed => StatusCode::OK,
        Outcome::Refused if graphql_response => StatusCode::BAD_REQUEST,
        Outcome::Withheld if graphql_response => StatusCode::INTERNAL_SERVER_ERROR,
        Outcome::Refused | Outcome::Withheld => StatusCode::OK,
        Outcome::MutationOverGet => StatusCode::METHOD_NOT_ALLOWED,
    };
    let body = if outcome == Outcome::Executed {
        // straight to bytes: a tree of the whole answer first was a tenth of a large
        // answer's time (docs/benchmarks.md)
        serde_json::to_vec(&response)
    } else {
        let mut body = serde_json::to_value(&response).unwrap_or_default();
        if let Some(body) = body.as_object_mut() {
            // a request error has no `data` entry at all (GraphQL spec, "Response Format")
            body.remove("data");
        }
        serde_json::to_vec(&body)
    };
    let body = match body {
        Ok(body) => body,
        Err(err) => return crate::http::internal_error("graphql answer", &err.to_string()),
    };
    let mut answer = (status, body).into_response();
    let headers = answer.headers_mut();
    headers.insert(header::CONTENT_TYPE, media.content_type());
    if outcome == Outcome::MutationOverGet {
        headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    headers.extend(response.http_headers);
    answer
}

/// Errors raised by async-graphql itself (parsing, validation, input coercion such as an
/// invalid `FiscalCode`) carry no code: they are all the client's mistake.
fn classify(error: &mut ServerError) {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|e| e.get("code").is_some());
    if !has_code {
        error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default)
            .set("code", ErrorCode::BadUserInput);
    }
}

fn coded(message: String, code: ErrorCode) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set("code", code);
    error
}

/// `extensions.reason` is one word and `errorId` the id of the failure in the server log (the
/// source's own text stays there: it may quote a row). `extensions.stale` says whether the
/// source's last good answers stand in for some of its data (marked `stale: true` where they
/// appear), `staleAgeMs` how old the oldest is.
fn source_unavailable(source: &str, failure: &NotedFailure) -> ServerError {
    let reason = &failure.reason;
    let why = match &failure.error_id {
        Some(id) => format!("{reason}, error id {id}"),
        None => reason.clone(),
    };
    let message = match failure.stale_age {
        None => format!(
            "regional source {source} did not answer ({why}); its data is missing from this response"
        ),
        Some(_) => format!(
            "regional source {source} did not answer ({why}); its last known data is served, marked stale, where it had any"
        ),
    };
    let mut error = coded(message, ErrorCode::SourceUnavailable);
    if let Some(ext) = error.extensions.as_mut() {
        ext.set("source", source);
        ext.set("reason", reason.as_str());
        if let Some(id) = &failure.error_id {
            ext.set("errorId", id.as_str());
        }
        ext.set("stale", failure.stale_age.is_some());
        if let Some(age) = failure.stale_age {
            ext.set(
                "staleAgeMs",
                u64::try_from(age.as_millis()).unwrap_or(u64::MAX),
            );
        }
    }
    error
}

/// The caller from the `Authorization: Bearer` header, or the 401 answer (boxed: a response
/// is large beside a principal).
pub(crate) fn authenticate(
    state: &HttpState,
    headers: &HeaderMap,
) -> Result<Principal, Box<Response>> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    state
        .app
        .auth
        .authenticate(authorization)
        .map_err(|err| Box::new(unauthenticated(&err)))
}

pub fn unauthenticated(err: &AuthError) -> Response {
    let body = serde_json::json!({
        "errors": [{
            "message": err.to_string(),
            "extensions": { "code": ErrorCode::Unauthenticated.as_str() }
        }]
    });
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        axum::Json(body),
    )
        .into_response()
}
