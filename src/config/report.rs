//! Configuration errors as a person fixing them needs them: the key as written in the file
//! (`server.listen`, not figment's `default.server.listen` or the variable's upper case), the
//! value that was refused, where it came from (the file, or the exact environment variable),
//! and why.

use super::{ConfigError, SECTIONS};
use figment::Figment;
use figment::error::Kind;

/// One message for all of figment's errors, each on its own line.
pub(super) fn describe(figment: &Figment, error: figment::Error) -> ConfigError {
    let lines: Vec<String> = error.into_iter().map(|e| line(figment, &e)).collect();
    ConfigError::Invalid(lines.join("\n  "))
}

fn line(figment: &Figment, error: &figment::Error) -> String {
    let key = error.path.join(".").to_ascii_lowercase();
    let from_environment = error
        .metadata
        .as_ref()
        .is_some_and(|m| m.name.contains("environment"));
    let origin = match &error.metadata {
        _ if from_environment => format!(
            " (environment variable FASCICOLO_{})",
            error.path.join("__").to_ascii_uppercase()
        ),
        Some(metadata) => match &metadata.source {
            Some(source) => format!(" ({source})"),
            None => String::new(),
        },
        None => String::new(),
    };
    let why = match &error.kind {
        Kind::UnknownField(found, expected) => format!(
            "unknown key \"{found}\"; the keys here are: {}",
            expected.join(", ")
        ),
        Kind::UnknownVariant(found, expected) => {
            format!("\"{found}\" is not one of: {}", expected.join(", "))
        }
        Kind::MissingField(name) => format!("the key \"{name}\" is required"),
        // figment's own words quote the value ("found string …"): not for a secret
        Kind::InvalidType(_, expected) | Kind::InvalidValue(_, expected) if is_secret(&key) => {
            format!("expected {expected}")
        }
        _ if is_secret(&key) => "not a valid value".into(),
        other => other.to_string(),
    };
    // the refused value, when the key holds one (an unknown key has none)
    let value = match &error.kind {
        Kind::UnknownField(..) | Kind::MissingField(_) => None,
        _ => [error.path.join("."), key.clone()]
            .iter()
            .find_map(|path| figment.find_value(path).ok())
            .map(|value| shown(&key, &value)),
    };
    let at = if key.is_empty() {
        "the file".to_owned()
    } else {
        key
    };
    match value {
        Some(value) => format!("{at} = {value}{origin}: {why}"),
        None => format!("{at}{origin}: {why}"),
    }
}

/// Whether the key (`auth.hs256_secret`, `server.metrics_token`, …) holds a secret.
fn is_secret(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or_default();
    ["secret", "token", "key", "password"]
        .iter()
        .any(|word| last.contains(word))
}

/// A value as TOML would write it: a secret's text left out, a URL without its password
/// (`config::redact`, as every other message that names a URL).
fn shown(key: &str, value: &figment::value::Value) -> String {
    if is_secret(key) {
        return "(value not shown)".into();
    }
    let last = key.rsplit('.').next().unwrap_or_default();
    match value {
        figment::value::Value::String(_, text) if last.contains("url") => {
            format!("{:?}", super::redact(text))
        }
        figment::value::Value::String(_, text) => format!("{text:?}"),
        other => serde_json::to_string(other).unwrap_or_else(|_| "(a value)".into()),
    }
}

/// `FASCICOLO_<SECTION>__<KEY>` variables whose section does not exist: a typo there would
/// otherwise be ignored, unlike the same typo in the file.
pub(super) fn unknown_environment_sections() -> Result<(), ConfigError> {
    let mut unknown: Vec<String> = std::env::vars_os()
        .filter_map(|(name, _)| name.into_string().ok())
        .filter_map(|name| {
            let rest = name.strip_prefix("FASCICOLO_")?;
            let (section, _) = rest.split_once("__")?;
            (!SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(section))).then_some(name)
        })
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    unknown.sort();
    Err(ConfigError::Invalid(format!(
        "{}: no such section; FASCICOLO_<SECTION>__<KEY> takes one of: {}",
        unknown.join(", "),
        SECTIONS.join(", ")
    )))
}
