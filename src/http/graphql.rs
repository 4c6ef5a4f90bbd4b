//! POST/GET `/graphql`: authenticate, run the query with per-request loaders, give every error
//! a code, report each failed source once, and write the audit rows before answering.

use crate::app::HttpState;
use crate::auth::{AuthError, Principal};
use crate::graphql::loaders::{LoaderContext, add_data_loaders};
use crate::graphql::scope::RequestScope;
use crate::store::audit;
use async_graphql::{ErrorExtensionValues, ServerError};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

pub async fn graphql_handler(
    State(state): State<HttpState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let request_id = headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let principal = match authenticate(&state, &headers) {
        Ok(p) => p,
        Err(answer) => return *answer,
    };
    let response = execute(&state, principal, request_id, request.into_inner()).await;
    GraphQLResponse::from(response).into_response()
}

/// Runs one GraphQL request as `principal`. Public for tests of the pipeline itself.
pub async fn execute(
    state: &HttpState,
    principal: Principal,
    request_id: String,
    request: async_graphql::Request,
) -> async_graphql::Response {
    let scope = Arc::new(RequestScope::new(principal, request_id));
    let loaders = LoaderContext {
        registry: state.app.registry.clone(),
        store: state.app.store.clone(),
        scope: scope.clone(),
    };
    let request = add_data_loaders(request, &loaders).data(Arc::clone(&scope));
    let mut response = state.schema.execute(request).await;
    for error in &mut response.errors {
        classify(error);
    }
    for (source, reason) in scope.take_failures() {
        response.errors.push(source_unavailable(&source, &reason));
    }
    let access = scope.take_access();
    if !access.is_empty()
        && let Err(err) = audit::write(
            state.app.store.db(),
            &scope.principal,
            &scope.request_id,
            &access,
        )
        .await
    {
        // Personal data never leaves unaudited.
        let id = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(error_id = %id, error = %err, "audit write failed; response withheld");
        let mut withheld = async_graphql::Response::new(async_graphql::Value::Null);
        withheld
            .errors
            .push(coded(format!("internal error (id {id})"), "INTERNAL"));
        return withheld;
    }
    tracing::info!(
        request_id = %scope.request_id,
        role = scope.principal.role.as_str(),
        citizens = access.citizens(),
        errors = response.errors.len(),
        "graphql request"
    );
    response
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
            .set("code", "BAD_USER_INPUT");
    }
}

fn coded(message: String, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set("code", code);
    error
}

fn source_unavailable(source: &str, reason: &str) -> ServerError {
    let mut error = coded(
        format!(
            "regional source {source} did not answer ({reason}); its data is missing from this response"
        ),
        "SOURCE_UNAVAILABLE",
    );
    if let Some(ext) = error.extensions.as_mut() {
        ext.set("source", source);
        ext.set("reason", reason);
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
            "extensions": { "code": "UNAUTHENTICATED" }
        }]
    });
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        axum::Json(body),
    )
        .into_response()
}
