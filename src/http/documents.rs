//! GET `/documents/…`: the citizen's documents as PDF (issue 23). Operators and
//! administrators download any; a citizen only their own, and someone else's id answers 404
//! exactly like an id that does not exist. Every download is an audit row (`document`, with
//! which document and version) written before a byte is sent.
//!
//! - `/documents/libretti/{id}.pdf[?version=N]`: the latest consolidated version, or version N;
//! - `/documents/ivc/{id}/transparency.pdf`, `attestato.pdf`, `certificate.pdf`.

use super::{error_response, internal_error};
use crate::auth::Role;
use crate::documents::{IvcDocument, Wanted};
use crate::domain::FiscalCode;
use crate::error::{AppError, ErrorCode};
use crate::http::HttpState;
use crate::store::audit::{self, AccessRecord};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

const ROLES: &[Role] = &[Role::Operator, Role::Admin, Role::Citizen];

pub async fn libretto(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(id) = file.strip_suffix(".pdf").filter(|id| !id.is_empty()) else {
        return error_response(
            ErrorCode::NotFound,
            &format!("no document {file}: ask for /documents/libretti/<id>.pdf"),
        );
    };
    let version = match version(&params) {
        Ok(v) => v,
        Err(message) => return error_response(ErrorCode::BadUserInput, &message),
    };
    let wanted = Wanted::Libretto {
        id: id.to_owned(),
        version,
    };
    download(&state, &headers, &wanted).await
}

pub async fn ivc(
    State(state): State<HttpState>,
    Path((id, file)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(document) = IvcDocument::from_file(&file) else {
        return error_response(
            ErrorCode::NotFound,
            &format!(
                "no document {file} of an IVC dossier: transparency.pdf, attestato.pdf or \
                 certificate.pdf"
            ),
        );
    };
    if let Some(name) = params.keys().next() {
        return error_response(
            ErrorCode::BadUserInput,
            &format!("{name}: an IVC document takes no parameter"),
        );
    }
    download(&state, &headers, &Wanted::Ivc { id, document }).await
}

/// `?version=N`: a positive whole number; any other parameter is refused by name.
fn version(params: &HashMap<String, String>) -> Result<Option<i32>, String> {
    if let Some(other) = params.keys().find(|k| *k != "version") {
        return Err(format!(
            "{other}: unknown parameter (a libretto takes version=N)"
        ));
    }
    params
        .get("version")
        .map(|text| match text.parse::<i32>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!(
                "version: must be a consolidated version's number, 1 or more (got {text:?})"
            )),
        })
        .transpose()
}

async fn download(state: &HttpState, headers: &HeaderMap, wanted: &Wanted) -> Response {
    let principal = match super::authorize(state, headers, ROLES, "download documents") {
        Ok(p) => p,
        Err(answer) => return *answer,
    };
    let db = state.app.store.db();
    // whose it is first: nothing about a document someone may not see is told, not even
    // whether it was released
    let found = match wanted.find(db).await {
        Ok(Some(found)) if principal.may_see(&state.app.links.current(), found.owner()) => found,
        Ok(_) => return error_response(ErrorCode::NotFound, &wanted.not_found()),
        Err(err) => return app_error("document", &err),
    };
    let rendered = match crate::documents::render(db, &state.app.reference, (wanted, found)).await {
        Ok(r) => r,
        Err(err) => return app_error("document", &err),
    };
    let Ok(citizen) = FiscalCode::parse(&rendered.fiscal_code) else {
        return internal_error("document", "stored fiscal code does not parse");
    };
    let mut access = AccessRecord::default();
    access.note_action(&citizen, audit::DOCUMENT, rendered.audit_field);
    let request_id = super::request_id::of(headers);
    // personal data never leaves unaudited
    if let Err(err) = audit::write(&state.app.audit, &principal, &request_id, &access).await {
        return internal_error("document download", &err.to_string());
    }
    let mut response = rendered.pdf.into_response();
    let h = response.headers_mut();
    for (key, value) in [
        (header::CONTENT_TYPE, "application/pdf".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", rendered.file_name),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            h.insert(key, value);
        }
    }
    response
}

/// A store error as its code says: NOT_FOUND with its message, anything else masked.
fn app_error(what: &str, err: &AppError) -> Response {
    match ErrorCode::of(err) {
        ErrorCode::Internal => internal_error(what, &err.to_string()),
        code => error_response(code, &err.to_string()),
    }
}
