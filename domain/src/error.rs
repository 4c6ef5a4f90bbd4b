//! The domain's error: a rule refused a value or a step. Each error names the rule, and the
//! input field when there is one; the app maps it to its API error (`src/error`).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value breaks a rule (DOMAIN.md §8): `field` is the input field, `rule` the rule's name.
    #[error("{message}")]
    Invalid {
        field: String,
        rule: &'static str,
        message: String,
    },
    /// A lifecycle step not allowed from the document's current state.
    #[error("{message}")]
    InvalidTransition {
        message: String,
        current: String,
        allowed: Vec<String>,
    },
    /// An action the rules forbid whatever the input (e.g. a transfer without consent).
    #[error("{message}")]
    Refused { rule: &'static str, message: String },
}

impl DomainError {
    pub fn invalid(
        field: impl Into<String>,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Self {
        DomainError::Invalid {
            field: field.into(),
            rule,
            message: message.into(),
        }
    }

    /// `what` may not go from `current` to the step asked; `allowed` lists the next states.
    pub fn invalid_transition(what: &str, current: &str, step: &str, allowed: &[&str]) -> Self {
        let next = if allowed.is_empty() {
            "none: it is read-only".to_owned()
        } else {
            allowed.join(", ")
        };
        DomainError::InvalidTransition {
            message: format!("{what} is {current}: cannot {step}; allowed next states: {next}"),
            current: current.to_owned(),
            allowed: allowed.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// The input field the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            DomainError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The name of the rule that refused (`"transition"` for a lifecycle step).
    pub fn rule(&self) -> &'static str {
        match self {
            DomainError::Invalid { rule, .. } | DomainError::Refused { rule, .. } => rule,
            DomainError::InvalidTransition { .. } => "transition",
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
