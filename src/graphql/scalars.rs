//! Custom scalars: `FiscalCode` (validated on input, so no source ever sees a bad code) and
//! `Date` (ISO 8601 calendar date).

use crate::domain::FiscalCode;
use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// The domain's `FiscalCode` as the GraphQL scalar of that name. The domain crate knows no
/// GraphQL, so the scalar is this wrapper; it derefs to the code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalCodeScalar(pub FiscalCode);

/// Codice fiscale of a natural person: 16 characters, omocodia letters accepted, check
/// character verified; or a provisional code of 11 digits with its check digit (V3). Lowercase
/// input is accepted and normalised.
#[Scalar(name = "FiscalCode")]
impl ScalarType for FiscalCodeScalar {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => FiscalCode::parse(&s)
                .map(FiscalCodeScalar)
                .map_err(|e| InputValueError::custom(format!("invalid codice fiscale: {e}"))),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.as_str().to_owned())
    }
}

impl std::ops::Deref for FiscalCodeScalar {
    type Target = FiscalCode;

    fn deref(&self) -> &FiscalCode {
        &self.0
    }
}

impl From<FiscalCode> for FiscalCodeScalar {
    fn from(code: FiscalCode) -> Self {
        FiscalCodeScalar(code)
    }
}

impl From<&FiscalCode> for FiscalCodeScalar {
    fn from(code: &FiscalCode) -> Self {
        FiscalCodeScalar(code.clone())
    }
}

/// The codes of a list argument, unwrapped.
pub fn fiscal_codes(list: Vec<FiscalCodeScalar>) -> Vec<FiscalCode> {
    list.into_iter().map(|code| code.0).collect()
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
        Value::String(iso_date(self.0))
    }
}

/// `YYYY-MM-DD`, as chrono's `%Y-%m-%d` writes it, without parsing the format on every
/// call (a 50-profile answer formats about 700 dates and timestamps).
pub fn iso_date(date: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, date);
    out
}

/// `YYYY-MM-DDTHH:MM:SS` and the fraction, as async-graphql writes a `NaiveDateTime`
/// (chrono's `%FT%T%.f`: no fraction when it is zero, else 3, 6 or 9 digits).
pub fn iso_datetime(at: NaiveDateTime) -> String {
    let mut out = String::with_capacity(29);
    push_date(&mut out, at.date());
    let time = at.time();
    out.push('T');
    push_digits(&mut out, time.hour(), 2);
    out.push(':');
    push_digits(&mut out, time.minute(), 2);
    out.push(':');
    // chrono keeps a leap second in the nanoseconds past 1,000,000,000 and writes it as :60
    push_digits(
        &mut out,
        time.second() + time.nanosecond() / 1_000_000_000,
        2,
    );
    let nanos = time.nanosecond() % 1_000_000_000;
    if nanos != 0 {
        out.push('.');
        if nanos.is_multiple_of(1_000_000) {
            push_digits(&mut out, nanos / 1_000_000, 3);
        } else if nanos.is_multiple_of(1_000) {
            push_digits(&mut out, nanos / 1_000, 6);
        } else {
            push_digits(&mut out, nanos, 9);
        }
    }
    out
}

fn push_date(out: &mut String, date: NaiveDate) {
    match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 => push_digits(out, year, 4),
        // outside 0000-9999 chrono writes a sign and at least four digits
        _ => out.push_str(&date.format("%Y").to_string()),
    }
    out.push('-');
    push_digits(out, date.month(), 2);
    out.push('-');
    push_digits(out, date.day(), 2);
}

/// `value` in decimal, zero-padded to `width` digits.
fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width - 1);
    while divisor > 0 {
        out.push(char::from(
            b'0' + u8::try_from(value / divisor % 10).unwrap_or(0),
        ));
        divisor /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::ScalarType;

    #[test]
    fn dates_and_timestamps_read_as_chrono_writes_them() {
        let mut seen = 0;
        for year in [-12, 0, 7, 999, 1960, 2026, 9999, 10_000] {
            for (month, day) in [(1, 1), (2, 29), (7, 15), (12, 31)] {
                let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else {
                    continue;
                };
                assert_eq!(iso_date(date), date.format("%Y-%m-%d").to_string());
                for nanos in [0, 5_000_000, 120_000, 7, 999_999_999, 1_500_000_000] {
                    for (h, m, s) in [(0, 0, 0), (9, 5, 7), (23, 59, 59)] {
                        let Some(at) = date.and_hms_nano_opt(h, m, s, nanos) else {
                            continue;
                        };
                        let chrono = match ScalarType::to_value(&at) {
                            Value::String(s) => s,
                            other => panic!("{other:?}"),
                        };
                        assert_eq!(iso_datetime(at), chrono);
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 400, "{seen}");
    }
}
