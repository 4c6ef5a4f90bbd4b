//! How many errors one answer carries, and how long each message is: a hostile document can
//! make async-graphql report an error per argument, field or variable, each message quoting
//! names as long as the client likes, and the answer would grow with the document.

use crate::error::ErrorCode;
use async_graphql::{ErrorExtensionValues, ServerError};

/// Longest message answered, counted as it is written in JSON (an escaped control character
/// is six bytes): `limits.max_errors` (50) of them stay under 64 KiB with their locations.
pub const MAX_MESSAGE_JSON_BYTES: usize = 800;

/// At most `max` errors (at least 2): when there are more, the first `max - 1` stay, every
/// `SOURCE_UNAVAILABLE` among them or not (a partial answer must say which source is
/// missing), and the last one counts the others, as `LIMIT_EXCEEDED` with `limit` =
/// `limits.max_errors` and `omitted` = how many. Each message is shortened to
/// [`MAX_MESSAGE_JSON_BYTES`].
pub fn cap(errors: &mut Vec<ServerError>, max: usize) {
    for error in errors.iter_mut() {
        shorten(&mut error.message);
    }
    if errors.len() <= max {
        return;
    }
    let sources = errors.iter().filter(|e| is_source_failure(e)).count();
    let mut others_kept = max.saturating_sub(1).saturating_sub(sources);
    let total = errors.len();
    errors.retain(|error| {
        if is_source_failure(error) {
            return true;
        }
        let keep = others_kept > 0;
        others_kept = others_kept.saturating_sub(1);
        keep
    });
    let omitted = total - errors.len();
    errors.push(summary(omitted, max));
}

fn is_source_failure(error: &ServerError) -> bool {
    ErrorCode::SourceUnavailable.is_on(error)
}

fn summary(omitted: usize, max: usize) -> ServerError {
    let mut error = ServerError::new(
        format!("limits.max_errors is {max}: {omitted} more errors are left out of this answer"),
        None,
    );
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    extensions.set("code", ErrorCode::LimitExceeded);
    extensions.set("limit", "limits.max_errors");
    extensions.set("max", max as u64);
    extensions.set("omitted", omitted as u64);
    error
}

/// Cuts `message` where its JSON form would pass [`MAX_MESSAGE_JSON_BYTES`], on a character
/// boundary, and says so.
fn shorten(message: &mut String) {
    let mut written = 0;
    for (at, c) in message.char_indices() {
        written += match c {
            '"' | '\\' => 2,
            c if u32::from(c) < 0x20 => 6,
            c => c.len_utf8(),
        };
        if written > MAX_MESSAGE_JSON_BYTES {
            message.truncate(at);
            message.push_str(" […]");
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coded(message: &str, code: &str) -> ServerError {
        let mut error = ServerError::new(message, None);
        error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default)
            .set("code", code);
        error
    }

    #[test]
    fn beyond_the_limit_the_last_error_counts_the_rest_and_sources_stay() {
        let mut errors: Vec<ServerError> = (0..10)
            .map(|i| coded(&format!("e{i}"), "BAD_USER_INPUT"))
            .collect();
        errors.push(coded("s", "SOURCE_UNAVAILABLE"));
        cap(&mut errors, 4);
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "e0",
                "e1",
                "s",
                "limits.max_errors is 4: 8 more errors are left out of this answer"
            ]
        );
        let ext = errors[3].extensions.as_ref().unwrap();
        assert_eq!(ext.get("code"), Some(&"LIMIT_EXCEEDED".into()));
        assert_eq!(ext.get("omitted"), Some(&8u64.into()));
        // at the limit nothing changes
        let mut errors: Vec<ServerError> = (0..4).map(|i| coded(&format!("e{i}"), "X")).collect();
        cap(&mut errors, 4);
        assert_eq!(errors.len(), 4);
        assert_eq!(errors[3].message, "e3");
    }

    #[test]
    fn long_messages_are_cut_by_their_json_length() {
        let mut errors = vec![
            coded(&"x".repeat(5000), "X"),
            coded(&"\u{1}".repeat(5000), "X"),
            coded(&"è".repeat(5000), "X"),
            coded("short", "X"),
        ];
        cap(&mut errors, 50);
        for error in &errors[..3] {
            let json = serde_json::to_string(&error.message).unwrap();
            assert!(json.len() <= MAX_MESSAGE_JSON_BYTES + 10, "{}", json.len());
            assert!(error.message.ends_with(" […]"));
        }
        assert_eq!(errors[3].message, "short");
    }
}
