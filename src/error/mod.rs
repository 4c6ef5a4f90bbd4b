//! The error type of the API (DESIGN.md "Errors"); `code` maps every error to its
//! `extensions.code`, for GraphQL and the plain HTTP routes alike. Internal causes are logged
//! with an id; the client sees only `INTERNAL` and the id.

mod code;

pub use code::ErrorCode;

use crate::domain::DomainError;
use async_graphql::ErrorExtensions;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A client mistake; `field` names the argument or input field when there is one.
    #[error("{message}")]
    BadUserInput {
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// Optimistic concurrency: the caller's `version` is not the stored one.
    #[error("{message}")]
    Conflict {
        message: String,
        current_version: i64,
    },
    /// A lifecycle step not allowed from the document's current state.
    #[error("{message}")]
    InvalidTransition {
        message: String,
        current: String,
        allowed: Vec<String>,
    },
    #[error("source {source_name} unavailable: {reason}")]
    SourceUnavailable { source_name: String, reason: String },
    #[error("{limit} is {max}: {message}")]
    LimitExceeded {
        limit: &'static str,
        max: usize,
        message: String,
    },
    /// APQ: the hash is not (or no longer) in this replica's cache; the client resends the text.
    #[error("{0}")]
    PersistedQueryNotFound(String),
    /// APQ is off: the client must send the text.
    #[error("{0}")]
    PersistedQueryNotSupported(String),
    /// Trusted documents only, and this document is not one of them.
    #[error("{0}")]
    OperationNotAllowed(String),
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadUserInput {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// `what` may not go from `current` to the step asked; `allowed` lists the next states.
    pub fn invalid_transition(what: &str, current: &str, step: &str, allowed: &[&str]) -> Self {
        DomainError::invalid_transition(what, current, step, allowed).into()
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    pub fn code(&self) -> &'static str {
        ErrorCode::of(self).as_str()
    }

    /// As an error of the whole request, before execution: no field, no position.
    pub fn into_request_error(self) -> async_graphql::ServerError {
        let error = self.extend();
        let mut server = async_graphql::ServerError::new(error.message, None);
        server.extensions = error.extensions;
        server
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        let message = match self {
            AppError::Internal(cause) => {
                let id = uuid::Uuid::new_v4().simple().to_string();
                tracing::error!(error_id = %id, %cause, "internal error");
                format!("internal error (id {id})")
            }
            other => other.to_string(),
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                AppError::BadUserInput {
                    field: Some(field), ..
                } => ext.set("field", field.as_str()),
                AppError::SourceUnavailable {
                    source_name,
                    reason,
                } => {
                    ext.set("source", source_name.as_str());
                    ext.set("reason", reason.as_str());
                }
                AppError::Conflict {
                    current_version, ..
                } => ext.set("currentVersion", *current_version),
                AppError::InvalidTransition {
                    current, allowed, ..
                } => {
                    ext.set("current", current.as_str());
                    ext.set(
                        "allowed",
                        async_graphql::Value::List(
                            allowed
                                .iter()
                                .map(|a| async_graphql::Value::from(a.as_str()))
                                .collect(),
                        ),
                    );
                }
                AppError::LimitExceeded { limit, max, .. } => {
                    ext.set("limit", *limit);
                    ext.set("max", *max as u64);
                }
                _ => {}
            }
        })
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.extend()
    }
}

/// A domain rule's refusal: a bad value names its field, a step its state, a refusal is
/// FORBIDDEN. The rule's name stays in the domain error; the API shows the message.
impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid { field, message, .. } => AppError::BadUserInput {
                field: Some(field),
                message,
            },
            DomainError::InvalidTransition {
                message,
                current,
                allowed,
            } => AppError::InvalidTransition {
                message,
                current,
                allowed,
            },
            DomainError::Refused { message, .. } => AppError::Forbidden(message),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::internal(err)
    }
}

pub type AppResult<T> = Result<T, AppError>;
