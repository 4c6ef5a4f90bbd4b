//! The JSON rows of an HTTP source, checked against the contract views and decoded.

use crate::sources::contract::{ContractView, EmploymentRow, PersonRow, TrainingRow};
use crate::sources::fault::{CallError, Fault};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde_json::{Map, Value};

pub(super) fn decode_all<T>(
    endpoint: &str,
    view: &ContractView,
    rows: &[Map<String, Value>],
    decode: fn(&Wire<'_>) -> Result<T, String>,
) -> Result<Vec<T>, CallError> {
    rows.iter()
        .enumerate()
        .map(|(i, fields)| {
            let wire = Wire { fields };
            wire.known_fields(view)
                .and_then(|()| decode(&wire))
                .map_err(|problem| {
                    CallError::new(
                        Fault::Contract,
                        format!("/{endpoint} row {}: {problem}", i + 1),
                    )
                })
        })
        .collect()
}

/// A contract column's name on the wire: `fiscal_code` → `fiscalCode`.
pub fn wire_name(column: &str) -> String {
    let mut out = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// One row as the service sent it. Problems name the field, never its value (values are
/// personal data and reasons reach the logs).
pub(super) struct Wire<'a> {
    fields: &'a Map<String, Value>,
}

impl Wire<'_> {
    /// Unknown members are refused: a misspelt column would otherwise read as null.
    fn known_fields(&self, view: &ContractView) -> Result<(), String> {
        for key in self.fields.keys() {
            if !view.columns.iter().any(|c| wire_name(c.name) == *key) {
                return Err(format!(
                    "unknown field `{key}` (the fields of {} are {})",
                    view.name,
                    view.columns
                        .iter()
                        .map(|c| wire_name(c.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The value of a column; absent and `null` are both "no value".
    fn get(&self, column: &str) -> Option<&Value> {
        self.fields.get(&wire_name(column)).filter(|v| !v.is_null())
    }

    fn wrong(column: &str, expected: &str, found: &Value) -> String {
        let found = match found {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        format!(
            "field `{}` must be {expected}, found {found}",
            wire_name(column)
        )
    }

    fn text(&self, column: &str) -> Result<Option<String>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(Self::wrong(column, "a string", other)),
        }
    }

    fn date(&self, column: &str) -> Result<Option<NaiveDate>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("field `{}` is not a date (YYYY-MM-DD)", wire_name(column))),
            Some(other) => Err(Self::wrong(column, "a date string (YYYY-MM-DD)", other)),
        }
    }

    fn timestamp(&self, column: &str) -> Result<Option<NaiveDateTime>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::String(s)) => {
                // with an offset it is converted to UTC, as the SQL adapter reads a
                // `timestamp with time zone`
                let parsed = DateTime::parse_from_rfc3339(s)
                    .map(|t| t.naive_utc())
                    .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
                    .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"));
                parsed.map(Some).map_err(|_| {
                    format!(
                        "field `{}` is not a timestamp (YYYY-MM-DDTHH:MM:SS)",
                        wire_name(column)
                    )
                })
            }
            Some(other) => Err(Self::wrong(column, "a timestamp string", other)),
        }
    }

    fn integer(&self, column: &str) -> Result<Option<i64>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
            Some(other) => Err(Self::wrong(column, "an integer", other)),
        }
    }

    fn decimal(&self, column: &str) -> Result<Option<f64>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(Self::wrong(column, "a number", other)),
        }
    }
}

pub(super) fn required<T>(value: Option<T>, column: &str) -> Result<T, String> {
    value.ok_or_else(|| {
        format!(
            "field `{}` is missing or null but the contract requires it",
            wire_name(column)
        )
    })
}

pub(super) fn decode_person(w: &Wire<'_>) -> Result<PersonRow, String> {
    Ok(PersonRow {
        fiscal_code: required(w.text("fiscal_code")?, "fiscal_code")?,
        given_name: w.text("given_name")?,
        family_name: w.text("family_name")?,
        birth_date: w.date("birth_date")?,
        birth_place_code: w.text("birth_place_code")?,
        gender: w.text("gender")?,
        citizenship: w.text("citizenship")?,
        residence_municipality: w.text("residence_municipality")?,
        residence_province: w.text("residence_province")?,
        email: w.text("email")?,
        phone: w.text("phone")?,
        cpi_code: w.text("cpi_code")?,
        did_date: w.date("did_date")?,
        updated_at: required(w.timestamp("updated_at")?, "updated_at")?,
    })
}

pub(super) fn decode_employment(w: &Wire<'_>) -> Result<EmploymentRow, String> {
    Ok(EmploymentRow {
        id: required(w.integer("id")?, "id")?,
        fiscal_code: required(w.text("fiscal_code")?, "fiscal_code")?,
        employer_tax_code: w.text("employer_tax_code")?,
        employer_name: w.text("employer_name")?,
        start_date: required(w.date("start_date")?, "start_date")?,
        end_date: w.date("end_date")?,
        contract_type: w.text("contract_type")?,
        occupation_code: w.text("occupation_code")?,
        sector_code: w.text("sector_code")?,
        weekly_hours: w.decimal("weekly_hours")?,
        workplace_municipality: w.text("workplace_municipality")?,
    })
}

pub(super) fn decode_training(w: &Wire<'_>) -> Result<TrainingRow, String> {
    Ok(TrainingRow {
        id: required(w.integer("id")?, "id")?,
        fiscal_code: required(w.text("fiscal_code")?, "fiscal_code")?,
        kind: w.text("kind")?,
        title: w.text("title")?,
        provider_name: w.text("provider_name")?,
        start_date: w.date("start_date")?,
        end_date: w.date("end_date")?,
        hours: w.integer("hours")?,
        outcome: w.text("outcome")?,
        qualification_code: w.text("qualification_code")?,
        eqf_level: w.integer("eqf_level")?,
    })
}
