//! Custom scalars: `FiscalCode` (validated on input, so no source ever sees a bad code) and
//! `Date` (ISO 8601 calendar date).

use crate::domain::FiscalCode;
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// Codice fiscale of a natural person: 16 characters, omocodia letters accepted, check
/// character verified. Lowercase input is accepted and normalised.
#[Scalar(name = "FiscalCode")]
impl ScalarType for FiscalCode {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => FiscalCode::parse(&s)
                .map_err(|e| InputValueError::custom(format!("invalid codice fiscale: {e}"))),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.as_str().to_owned())
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!("\"{s}\" is not a date (YYYY-MM-DD)"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}
