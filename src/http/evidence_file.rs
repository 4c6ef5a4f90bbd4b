//! GET `/evidences/{id}/file`: the file attached to an evidence, for operators and
//! administrators and for the citizen whose evidence it is (someone else's answers 404 like
//! an unknown id), audited as a read of the citizen's data before it is sent.

use super::{error_response, internal_error};
use crate::auth::Role;
use crate::domain::FiscalCode;
use crate::error::ErrorCode;
use crate::http::HttpState;
use crate::store::audit::{self, AccessRecord};
use crate::store::evidence::file_of;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The audit field of a file download.
const AUDIT_FIELD: &str = "evidenceFile";

pub async fn download(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let principal = match super::authorize(
        &state,
        &headers,
        &[Role::Operator, Role::Admin, Role::Citizen],
        "download evidence files",
    ) {
        Ok(p) => p,
        Err(answer) => return *answer,
    };
    let db = state.app.store.db();
    let stored = match file_of(db, &id).await {
        Ok(Some(stored)) if principal.may_see(&state.app.links.current(), &stored.fiscal_code) => {
            stored
        }
        Ok(_) => {
            return error_response(
                ErrorCode::NotFound,
                &format!("evidence {id} does not exist or has no file"),
            );
        }
        Err(err) => return internal_error("evidence file download", &err.to_string()),
    };
    let Ok(citizen) = FiscalCode::parse(&stored.fiscal_code) else {
        return internal_error(
            "evidence file download",
            "stored fiscal code does not parse",
        );
    };
    let request_id = super::request_id::of(&headers);
    let mut access = AccessRecord::default();
    access.note(&citizen, AUDIT_FIELD);
    // personal data never leaves unaudited
    if let Err(err) = audit::write(&state.app.audit, &principal, &request_id, &access).await {
        return internal_error("evidence file download", &err.to_string());
    }
    let name = stored.file_name.as_deref().unwrap_or("evidence");
    let mut response = stored.file.content.into_response();
    let h = response.headers_mut();
    for (key, value) in [
        (header::CONTENT_TYPE, stored.file.media_type.clone()),
        (header::CONTENT_DISPOSITION, disposition(name)),
        (header::ETAG, format!("\"{}\"", stored.file.sha256)),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            h.insert(key, value);
        }
    }
    response
}

/// `attachment` with the uploaded name reduced to safe ASCII (it is the citizen's text), and
/// the exact name in RFC 5987 form.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn the_uploaded_name_cannot_break_the_header() {
        assert_eq!(
            disposition("cv \"finale\".pdf"),
            "attachment; filename=\"cv _finale_.pdf\"; filename*=UTF-8''cv%20%22finale%22.pdf"
        );
        assert!(
            disposition("attestato\r\nX: y.pdf")
                .parse::<axum::http::HeaderValue>()
                .is_ok()
        );
        assert!(disposition("perché.pdf").contains("filename*=UTF-8''perch%C3%A9.pdf"));
    }
}
