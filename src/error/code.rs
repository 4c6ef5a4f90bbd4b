//! The one map from errors to the stable SHOUTY_SNAKE `extensions.code` a client reads, with
//! the HTTP status the plain (non-GraphQL) routes answer it with.

use super::AppError;
use axum::http::StatusCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadUserInput,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    InvalidTransition,
    SourceUnavailable,
    LimitExceeded,
    PersistedQueryNotFound,
    PersistedQueryNotSupported,
    OperationNotAllowed,
    Internal,
}

impl ErrorCode {
    pub fn of(error: &AppError) -> Self {
        match error {
            AppError::BadUserInput { .. } => Self::BadUserInput,
            AppError::Unauthenticated(_) => Self::Unauthenticated,
            AppError::Forbidden(_) => Self::Forbidden,
            AppError::NotFound(_) => Self::NotFound,
            AppError::Conflict { .. } => Self::Conflict,
            AppError::InvalidTransition { .. } => Self::InvalidTransition,
            AppError::SourceUnavailable { .. } => Self::SourceUnavailable,
            AppError::LimitExceeded { .. } => Self::LimitExceeded,
            AppError::PersistedQueryNotFound(_) => Self::PersistedQueryNotFound,
            AppError::PersistedQueryNotSupported(_) => Self::PersistedQueryNotSupported,
            AppError::OperationNotAllowed(_) => Self::OperationNotAllowed,
            AppError::Internal(_) => Self::Internal,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::InvalidTransition => "INVALID_TRANSITION",
            Self::SourceUnavailable => "SOURCE_UNAVAILABLE",
            Self::LimitExceeded => "LIMIT_EXCEEDED",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::PersistedQueryNotSupported => "PERSISTED_QUERY_NOT_SUPPORTED",
            Self::OperationNotAllowed => "OPERATION_NOT_ALLOWED",
            Self::Internal => "INTERNAL",
        }
    }

    /// The status of a plain HTTP route's error answer. GraphQL answers stay 200: the code is
    /// in the body.
    pub fn http_status(self) -> StatusCode {
        match self {
            Self::BadUserInput
            | Self::PersistedQueryNotFound
            | Self::PersistedQueryNotSupported
            | Self::OperationNotAllowed => StatusCode::BAD_REQUEST,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict | Self::InvalidTransition => StatusCode::CONFLICT,
            Self::SourceUnavailable => StatusCode::BAD_GATEWAY,
            Self::LimitExceeded => StatusCode::BAD_REQUEST,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether a GraphQL error carries this code.
    pub fn is_on(self, error: &async_graphql::ServerError) -> bool {
        error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .is_some_and(|code| *code == async_graphql::Value::from(self.as_str()))
    }
}

impl From<ErrorCode> for async_graphql::Value {
    fn from(code: ErrorCode) -> Self {
        async_graphql::Value::from(code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consent::JobMatchingConsent;
    use crate::domain::ivc::{IvcStatus, OperatorRole, SessionFacts, SessionKind, rules};
    use crate::domain::libretto::LibrettoStatus;
    use crate::domain::orientation::MeasureStatus;
    use chrono::NaiveDate;

    fn code(err: impl Into<AppError>) -> &'static str {
        err.into().code()
    }

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Moved from the domain's tests, which now assert the variant: the codes the domain's
    /// refusals reach the client with.
    #[test]
    fn domain_errors_keep_their_codes() {
        let never = JobMatchingConsent {
            given: false,
            at_intake: false,
            given_on: None,
            withdrawn_on: None,
            intake_on: d("2026-09-01"),
        };
        let err = never.check_transfer("RSSMRA85T10A562S").unwrap_err();
        assert_eq!(code(err), "FORBIDDEN");

        let recorded = [SessionFacts {
            phase: IvcStatus::TakenInCharge,
            kind: SessionKind::Accoglienza,
            operator: "op-1".into(),
            role: OperatorRole::IdentificationOperator,
            held_on: d("2026-01-10"),
            minutes: 60,
        }];
        let err = rules::check_terzieta(
            IvcStatus::Validation,
            OperatorRole::ContentExpert,
            " OP-1 ",
            &recorded,
        )
        .unwrap_err();
        assert_eq!(code(err), "BAD_USER_INPUT");

        let err = LibrettoStatus::Cancelled
            .step(LibrettoStatus::InUpdate, "x", "update")
            .unwrap_err();
        assert_eq!(code(err), "INVALID_TRANSITION");
        let err = IvcStatus::Closed
            .step(IvcStatus::Requested, "x", "reopen")
            .unwrap_err();
        assert_eq!(code(err), "INVALID_TRANSITION");
        assert_eq!(
            code(
                MeasureStatus::Done
                    .step(MeasureStatus::Started, "m")
                    .unwrap_err()
            ),
            "INVALID_TRANSITION"
        );
    }

    #[test]
    fn a_bad_value_keeps_its_field() {
        let err = AppError::from(crate::domain::DomainError::invalid("minutes", "rule", "m"));
        assert!(matches!(
            err,
            AppError::BadUserInput { field: Some(f), .. } if f == "minutes"
        ));
    }
}
