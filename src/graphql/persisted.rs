//! Documents asked for by hash: Automatic Persisted Queries (Apollo's protocol, an LRU cache
//! per replica) and, in production, trusted documents (an allow-list shipped by the front
//! ends: only its documents run, by hash or by exact text).
//!
//! The protocol: `extensions.persistedQuery = { "version": 1, "sha256Hash": "<hex>" }`, with
//! or without the `query` text; the hash is SHA-256 of the exact text. The GraphQL-over-HTTP
//! persisted-documents proposal's `documentId: "sha256:<hex>"` is read as the same
//! (`http::graphql_http`), and an allow-list may key its documents either way (GraphQL Code
//! Generator writes `sha256:<hex>`).

use crate::error::AppError;
use async_graphql::ServerError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub enum PersistedDocuments {
    /// Neither APQ nor an allow-list: the text is always needed.
    Off,
    Apq(Mutex<lru::LruCache<String, Arc<str>>>),
    Trusted(HashMap<String, Arc<str>>),
}

/// A hash and text the client sent together, to remember once the document is admitted.
pub struct Registration {
    hash: String,
    text: Arc<str>,
}

#[derive(Debug, thiserror::Error)]
#[error("trusted documents {path}: {reason}")]
pub struct TrustedDocumentsError {
    path: String,
    reason: String,
}

impl PersistedDocuments {
    pub fn apq(entries: usize) -> Self {
        match NonZeroUsize::new(entries) {
            Some(cap) => PersistedDocuments::Apq(Mutex::new(lru::LruCache::new(cap))),
            None => PersistedDocuments::Off,
        }
    }

    /// Reads the allow-list; every entry must be the SHA-256 of its text, so a list built with
    /// another hash (or edited by hand) fails at start-up, not at the first request.
    pub fn trusted(path: &Path) -> Result<Self, TrustedDocumentsError> {
        let fail = |reason: String| TrustedDocumentsError {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let entries: HashMap<String, String> = serde_json::from_str(&text).map_err(|e| {
            fail(format!(
                "expected a JSON object of \"<sha256>\" (or \"sha256:<sha256>\"): \
                 \"<document>\": {e}"
            ))
        })?;
        let mut list = HashMap::with_capacity(entries.len());
        for (hash, document) in entries {
            let key = hash.to_ascii_lowercase();
            let key = key
                .strip_prefix(DOCUMENT_ID_PREFIX)
                .unwrap_or(&key)
                .to_owned();
            let actual = sha256(&document);
            if key != actual {
                return Err(fail(format!(
                    "entry {hash} is not the SHA-256 of its document ({actual})"
                )));
            }
            if let Err(e) = async_graphql::parser::parse_query(&document) {
                return Err(fail(format!("entry {hash} does not parse: {e}")));
            }
            list.insert(key, Arc::from(document));
        }
        Ok(PersistedDocuments::Trusted(list))
    }

    /// Puts the text of a hash-only request into `request.query` and checks the allow-list.
    /// Returns what to remember in the APQ cache once the document is admitted.
    pub fn resolve(
        &self,
        request: &mut async_graphql::Request,
    ) -> Result<Option<Registration>, ServerError> {
        let hash = match request.extensions.0.remove("persistedQuery") {
            Some(value) => Some(asked_hash(value)?),
            None => None,
        };
        let has_text = !request.query.is_empty();
        match (self, hash) {
            (PersistedDocuments::Trusted(list), None) => {
                if list.contains_key(&sha256(&request.query)) {
                    Ok(None)
                } else {
                    Err(AppError::OperationNotAllowed(
                        "this server runs trusted documents only, and this document is not \
                         one of them"
                            .into(),
                    )
                    .into_request_error())
                }
            }
            (_, None) => Ok(None),
            (PersistedDocuments::Off, Some(_)) if !has_text => {
                Err(AppError::PersistedQueryNotSupported(
                    "persisted queries are not supported by this server: send the query text"
                        .into(),
                )
                .into_request_error())
            }
            (PersistedDocuments::Off, Some(hash)) => matches_text(&hash, &request.query),
            (PersistedDocuments::Apq(cache), Some(hash)) if !has_text => {
                let text = cache
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get(&hash)
                    .cloned();
                match text {
                    Some(text) => {
                        request.query = text.to_string();
                        Ok(None)
                    }
                    None => Err(AppError::PersistedQueryNotFound(format!(
                        "persisted query {hash} not found: send it with its text"
                    ))
                    .into_request_error()),
                }
            }
            (PersistedDocuments::Apq(_), Some(hash)) => {
                matches_text(&hash, &request.query)?;
                Ok(Some(Registration {
                    hash,
                    text: Arc::from(request.query.as_str()),
                }))
            }
            (PersistedDocuments::Trusted(list), Some(hash)) => {
                if has_text {
                    matches_text(&hash, &request.query)?;
                }
                match list.get(&hash) {
                    Some(text) => {
                        if !has_text {
                            request.query = text.to_string();
                        }
                        Ok(None)
                    }
                    None => Err(AppError::OperationNotAllowed(format!(
                        "operation {hash} is not one of this server's trusted documents"
                    ))
                    .into_request_error()),
                }
            }
        }
    }

    pub fn register(&self, registration: Registration) {
        if let PersistedDocuments::Apq(cache) = self {
            cache
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .put(registration.hash, registration.text);
        }
    }
}

/// The one kind of document id this server knows: `sha256:` and the hash of the text.
pub const DOCUMENT_ID_PREFIX: &str = "sha256:";

pub fn sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The lowercase hash of a `persistedQuery` extension, version 1 only.
fn asked_hash(value: async_graphql::Value) -> Result<String, ServerError> {
    let bad =
        |why: &str| AppError::bad_input("extensions.persistedQuery", why).into_request_error();
    let async_graphql::Value::Object(fields) = value else {
        return Err(bad(
            "persistedQuery must be an object { version: 1, sha256Hash }",
        ));
    };
    match fields.get("version") {
        Some(async_graphql::Value::Number(n)) if n.as_i64() == Some(1) => {}
        _ => return Err(bad("persistedQuery.version must be 1")),
    }
    match fields.get("sha256Hash") {
        Some(async_graphql::Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(hash.to_ascii_lowercase())
        }
        _ => Err(bad(
            "persistedQuery.sha256Hash must be the 64 hex digits of a SHA-256",
        )),
    }
}

fn matches_text(hash: &str, text: &str) -> Result<Option<Registration>, ServerError> {
    if sha256(text) == hash {
        Ok(None)
    } else {
        Err(AppError::bad_input(
            "extensions.persistedQuery.sha256Hash",
            "sha256Hash is not the SHA-256 of the query text",
        )
        .into_request_error())
    }
}
