//! GraphQL over HTTP (the GraphQL-over-HTTP specification; `audit/run.sh` runs its
//! conformance suite): reading a request from GET parameters, a JSON body or a multipart
//! upload, and choosing the media type of the answer from `Accept`.

use crate::error::AppError;
use async_graphql::ServerError;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::{Map, Value};

/// The media types an answer can be encoded in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: the status code tells whether the operation ran.
    GraphqlResponse,
    /// `application/json`: the legacy type, answered 200 for every well-formed request.
    Json,
}

impl Media {
    pub fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        })
    }

    /// `Accept` → the supported type the client prefers, or `None` (answered 406). No header
    /// means `application/json`, as the graphql-http audit still expects (the spec's legacy
    /// default); among equal preferences the more specific range, then the one listed first,
    /// wins, and `*/*` alone is `application/json`.
    pub fn negotiate(headers: &HeaderMap) -> Option<Media> {
        let ranges: Vec<&str> = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        if ranges.is_empty() {
            return Some(Media::Json);
        }
        let best = |media: Media, exact: &str| {
            // the most specific range that matches gives the type its quality (RFC 9110 12.5.1)
            let mut found: Option<(u16, u8, usize)> = None;
            for (position, range) in ranges.iter().enumerate() {
                let mut parts = range.split(';');
                let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
                let specificity = match essence.as_str() {
                    e if e == exact => 2,
                    "application/*" => 1,
                    "*/*" => 0,
                    _ => continue,
                };
                let quality = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .map_or(1000, |q| (q.clamp(0.0, 1.0) * 1000.0) as u16);
                if found.is_none_or(|(_, s, _)| specificity > s) {
                    found = Some((quality, specificity, position));
                }
            }
            found
                .filter(|(quality, _, _)| *quality > 0)
                .map(|(q, s, p)| (q, s, p, media))
        };
        let graphql = best(Media::GraphqlResponse, "application/graphql-response+json");
        let json = best(Media::Json, "application/json");
        match (graphql, json) {
            (Some(g), Some(j)) => {
                // higher quality, then more specific, then listed first; a tie is JSON's
                let g_wins =
                    (g.0, g.1, std::cmp::Reverse(g.2)) > (j.0, j.1, std::cmp::Reverse(j.2));
                Some(if g_wins { g.3 } else { j.3 })
            }
            (Some(g), None) => Some(g.3),
            (None, Some(j)) => Some(j.3),
            (None, None) => None,
        }
    }
}

/// A request that is not a well-formed GraphQL-over-HTTP request: its status and why.
pub struct Rejection {
    pub status: StatusCode,
    pub error: Box<ServerError>,
}

impl Rejection {
    fn bad(message: impl Into<String>) -> Self {
        Rejection {
            status: StatusCode::BAD_REQUEST,
            error: Box::new(
                AppError::BadUserInput {
                    field: None,
                    message: message.into(),
                }
                .into_request_error(),
            ),
        }
    }

    fn unsupported_type(message: String) -> Self {
        Rejection {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ..Rejection::bad(message)
        }
    }

    pub fn not_acceptable() -> Self {
        Rejection {
            status: StatusCode::NOT_ACCEPTABLE,
            ..Rejection::bad(
                "Accept allows neither application/graphql-response+json nor application/json",
            )
        }
    }

    fn too_large(limit: &'static str, max: usize) -> Self {
        Rejection {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            error: Box::new(
                AppError::LimitExceeded {
                    limit,
                    max,
                    message: "the request body is larger".into(),
                }
                .into_request_error(),
            ),
        }
    }

    pub fn into_response(self, media: Media) -> Response {
        let body = serde_json::json!({ "errors": [self.error] });
        let mut response = (self.status, axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, media.content_type());
        response
    }
}

/// Reads the GraphQL request: GET parameters, or a POST body in JSON or multipart (uploads),
/// at most `max_body` bytes. One operation per request: batches (JSON arrays) are refused.
pub async fn read(
    method: &Method,
    headers: &HeaderMap,
    uri: &Uri,
    body: Body,
    limits: BodyLimits,
) -> Result<async_graphql::Request, Rejection> {
    if method == Method::GET || method == Method::HEAD {
        return from_query_string(uri);
    }
    let Some(content_type) = headers.get(header::CONTENT_TYPE) else {
        return Err(Rejection::unsupported_type(
            "Content-Type is missing: send application/json (multipart/form-data for uploads)"
                .into(),
        ));
    };
    let content_type = content_type.to_str().unwrap_or_default();
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts
        .filter_map(|p| {
            let (key, value) = p.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
        })
        .next();
    if charset
        .as_deref()
        .is_some_and(|c| c != "utf-8" && c != "utf8")
    {
        return Err(Rejection::unsupported_type(format!(
            "Content-Type {content_type}: only UTF-8 is read"
        )));
    }
    match essence.as_str() {
        "application/json" => from_json(&read_body(headers, body, limits.json).await?),
        "multipart/form-data" => {
            let bytes = read_body(headers, body, ("server.max_body_bytes", limits.any)).await?;
            let batch = async_graphql::http::receive_batch_body(
                Some(content_type),
                futures::io::Cursor::new(bytes),
                async_graphql::http::MultipartOptions::default(),
            )
            .await
            .map_err(|e| Rejection::bad(format!("multipart request: {e}")))?;
            batch.into_single().map_err(|_| batch_refused())
        }
        _ => Err(Rejection::unsupported_type(format!(
            "Content-Type {content_type} is not supported: send application/json \
             (multipart/form-data for uploads)"
        ))),
    }
}

/// How long a body may be: `json` without uploads (with the key that sets it), `any` with them.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub json: (&'static str, usize),
    pub any: usize,
}

/// The body, refused with 413 as soon as it is known to exceed the limit (by its declared
/// length, else while it arrives).
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    (limit, max): (&'static str, usize),
) -> Result<Vec<u8>, Rejection> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(Rejection::too_large(limit, max));
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Rejection::bad(format!("reading the body: {e}")))?;
        if bytes.len() + chunk.len() > max {
            return Err(Rejection::too_large(limit, max));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn batch_refused() -> Rejection {
    Rejection::bad("batched requests are not supported: send one operation per request")
}

fn from_json(body: &[u8]) -> Result<async_graphql::Request, Rejection> {
    if body.is_empty() {
        return Err(Rejection::bad(
            "the body is empty: send a JSON object with the document in `query`",
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Rejection::bad(format!("the body is not JSON: {e}")))?;
    let mut fields = match value {
        Value::Object(fields) => fields,
        Value::Array(_) => return Err(batch_refused()),
        _ => {
            return Err(Rejection::bad(
                "the body must be a JSON object with the document in `query`",
            ));
        }
    };
    let mut take = |name: &str| fields.remove(name).filter(|v| !v.is_null());
    let query = match take("query") {
        None => None,
        Some(Value::String(query)) => Some(query),
        Some(_) => return Err(Rejection::bad("`query` must be a string")),
    };
    let operation_name = match take("operationName") {
        None => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return Err(Rejection::bad("`operationName` must be a string")),
    };
    let document_id = match take("documentId") {
        None => None,
        Some(Value::String(id)) => Some(id),
        Some(_) => return Err(Rejection::bad("`documentId` must be a string")),
    };
    let variables = object(take("variables"), "variables")?;
    let extensions = object(take("extensions"), "extensions")?;
    let extensions = with_document_id(extensions, document_id)?;
    request(query, operation_name, variables, extensions)
}

/// `documentId: "sha256:<hex>"` (the GraphQL-over-HTTP persisted-documents proposal) as the
/// `persistedQuery` extension the admission already resolves.
fn with_document_id(
    extensions: Option<Map<String, Value>>,
    document_id: Option<String>,
) -> Result<Option<Map<String, Value>>, Rejection> {
    let Some(id) = document_id else {
        return Ok(extensions);
    };
    let prefix = crate::graphql::persisted::DOCUMENT_ID_PREFIX;
    let hash = id
        .strip_prefix(prefix)
        .filter(|hash| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| {
            Rejection::bad(format!(
                "`documentId` must be \"{prefix}\" and the 64 hex digits of the document's \
                 SHA-256"
            ))
        })?;
    let mut extensions = extensions.unwrap_or_default();
    if extensions.contains_key("persistedQuery") {
        return Err(Rejection::bad(
            "send `documentId` or `extensions.persistedQuery`, not both",
        ));
    }
    extensions.insert(
        "persistedQuery".into(),
        serde_json::json!({ "version": 1, "sha256Hash": hash.to_ascii_lowercase() }),
    );
    Ok(Some(extensions))
}

fn object(value: Option<Value>, name: &str) -> Result<Option<Map<String, Value>>, Rejection> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(Rejection::bad(format!(
            "`{name}` must be an object (a map)"
        ))),
    }
}

/// GET parameters, URL-encoded; `variables` and `extensions` are JSON texts.
fn from_query_string(uri: &Uri) -> Result<async_graphql::Request, Rejection> {
    let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|e| Rejection::bad(format!("the query string: {e}")))?
        .0;
    let mut params: std::collections::HashMap<String, String> = Default::default();
    for (name, value) in pairs {
        if params.insert(name.clone(), value).is_some() {
            return Err(Rejection::bad(format!("`{name}` is given twice")));
        }
    }
    let json = |name: &str| -> Result<Option<Map<String, Value>>, Rejection> {
        match params.get(name) {
            None => Ok(None),
            Some(text) => {
                let value: Value = serde_json::from_str(text)
                    .map_err(|e| Rejection::bad(format!("`{name}` is not JSON: {e}")))?;
                object(Some(value), name)
            }
        }
    };
    let variables = json("variables")?;
    let extensions = with_document_id(json("extensions")?, params.get("documentId").cloned())?;
    request(
        params.get("query").cloned(),
        params.get("operationName").cloned(),
        variables,
        extensions,
    )
}

fn request(
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
    extensions: Option<Map<String, Value>>,
) -> Result<async_graphql::Request, Rejection> {
    // a persisted query may come as its hash alone
    let by_hash = extensions
        .as_ref()
        .is_some_and(|e| e.contains_key("persistedQuery"));
    let query = match query {
        Some(query) => query,
        None if by_hash => String::new(),
        None => {
            return Err(Rejection::bad(
                "`query` is missing: the request carries the GraphQL document as a string",
            ));
        }
    };
    let mut request = async_graphql::Request::new(query);
    if let Some(name) = operation_name.filter(|n| !n.is_empty()) {
        request = request.operation_name(name);
    }
    if let Some(variables) = variables {
        request = request.variables(async_graphql::Variables::from_json(Value::Object(
            variables,
        )));
    }
    for (name, value) in extensions.unwrap_or_default() {
        let value = async_graphql::Value::from_json(value)
            .map_err(|e| Rejection::bad(format!("`extensions.{name}`: {e}")))?;
        request.extensions.0.insert(name, value);
    }
    Ok(request)
}

#[cfg(test)]
mod tests;
