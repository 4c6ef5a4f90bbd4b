//! The request id: the client's `x-request-id` when it is a plain token of at most 64
//! characters (`[A-Za-z0-9._-]`), else one of the server's own (a UUID). It names the request
//! in the log, in every audit row the request writes and in the answer's `x-request-id`.

use axum::extract::Request;
use axum::http::HeaderMap;

pub use crate::telemetry::REQUEST_ID_HEADER;

/// Longest client id kept: an id travels into every audit row of its request (a 60 KB one
/// was stored whole in each).
pub const MAX_CLIENT_REQUEST_ID: usize = 64;

/// Whether a client's id is kept as the request's.
pub fn acceptable(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CLIENT_REQUEST_ID
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Drops a client's id that is not [`acceptable`] (or given twice), so that the request-id
/// layer after this one gives the request one of the server's.
pub async fn screen(mut request: Request) -> Request {
    let headers = request.headers_mut();
    let mut given = headers.get_all(REQUEST_ID_HEADER).iter();
    let refused = match (given.next(), given.next()) {
        (Some(id), None) if acceptable(id.as_bytes()) => None,
        (Some(id), _) => Some(id),
        (None, _) => None,
    };
    if let Some(id) = refused {
        // shortened and escaped: whoever correlates by it finds it, nothing else gets in
        let shown: String = String::from_utf8_lossy(id.as_bytes())
            .chars()
            .take(MAX_CLIENT_REQUEST_ID)
            .collect();
        tracing::debug!(
            client_request_id = ?shown,
            length = id.len(),
            "client request id replaced by the server's"
        );
        headers.remove(REQUEST_ID_HEADER);
    }
    request
}

/// The request's id, as the layers set it.
pub fn of(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn only_short_plain_ids_are_kept() {
        for id in ["req-123", "a", "A.b_c-9", &"x".repeat(64)] {
            assert!(acceptable(id.as_bytes()), "{id}");
        }
        for id in ["", "a b", "a/b", "è", "a\u{0}", "<script>", &"x".repeat(65)] {
            assert!(!acceptable(id.as_bytes()), "{id:?}");
        }
    }
}
