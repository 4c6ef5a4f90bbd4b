//! Rows of the contract views as a SQL source returns them, decoded column by column.

use crate::sources::contract::{EmploymentRow, PersonRow, TrainingRow};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sea_orm::{DbErr, QueryResult};

pub(super) fn text(row: &QueryResult, at: usize) -> Result<Option<String>, DbErr> {
    Ok(row.try_get_by_index::<Option<String>>(at)?.map(|s| {
        // fixed-width CHAR columns come back padded
        if s.ends_with(' ') || s.starts_with(' ') {
            s.trim().to_owned()
        } else {
            s
        }
    }))
}

pub(super) fn date(row: &QueryResult, at: usize, col: &str) -> Result<Option<NaiveDate>, DbErr> {
    if let Ok(v) = row.try_get_by_index::<Option<NaiveDate>>(at) {
        return Ok(v);
    }
    // SQLite and some views hand dates back as text
    match row.try_get_by_index::<Option<String>>(at)? {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| DbErr::Type(format!("column {col}: not a date (YYYY-MM-DD)"))),
    }
}

pub(super) fn timestamp(row: &QueryResult, at: usize, col: &str) -> Result<NaiveDateTime, DbErr> {
    if let Ok(v) = row.try_get_by_index::<NaiveDateTime>(at) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get_by_index::<DateTime<Utc>>(at) {
        return Ok(v.naive_utc());
    }
    let s: String = row
        .try_get_by_index(at)
        .map_err(|e| DbErr::Type(format!("column {col}: {e}")))?;
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f"))
        .map_err(|_| DbErr::Type(format!("column {col}: not a timestamp")))
}

pub(super) fn integer(row: &QueryResult, at: usize, col: &str) -> Result<Option<i64>, DbErr> {
    if let Ok(v) = row.try_get_by_index::<Option<i64>>(at) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get_by_index::<Option<i32>>(at) {
        return Ok(v.map(i64::from));
    }
    Ok(row
        .try_get_by_index::<Option<i16>>(at)
        .map_err(|e| DbErr::Type(format!("column {col}: {e}")))?
        .map(i64::from))
}

pub(super) fn decimal(row: &QueryResult, at: usize, col: &str) -> Result<Option<f64>, DbErr> {
    if let Ok(v) = row.try_get_by_index::<Option<f64>>(at) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get_by_index::<Option<f32>>(at) {
        return Ok(v.map(f64::from));
    }
    #[expect(clippy::cast_precision_loss, reason = "weekly hours are small")]
    Ok(integer(row, at, col)?.map(|v| v as f64))
}

pub(super) fn required<T>(value: Option<T>, col: &str) -> Result<T, DbErr> {
    value.ok_or_else(|| DbErr::Type(format!("column {col} is NULL but the contract requires it")))
}

/// Columns of each view besides `fiscal_code`, in the layout of `views_statement`.
pub(super) const PERSON_COLUMNS: usize = 13;
pub(super) const EMPLOYMENT_COLUMNS: usize = 10;

/// A person row whose `fiscal_code` is at `code` and other columns, in contract order,
/// from `first`.
pub(super) fn decode_person(
    row: &QueryResult,
    code: usize,
    first: usize,
) -> Result<PersonRow, DbErr> {
    let at = |i: usize| first + i;
    Ok(PersonRow {
        fiscal_code: required(text(row, code)?, "fiscal_code")?,
        given_name: text(row, at(0))?,
        family_name: text(row, at(1))?,
        birth_date: date(row, at(2), "birth_date")?,
        birth_place_code: text(row, at(3))?,
        gender: text(row, at(4))?,
        citizenship: text(row, at(5))?,
        residence_municipality: text(row, at(6))?,
        residence_province: text(row, at(7))?,
        email: text(row, at(8))?,
        phone: text(row, at(9))?,
        cpi_code: text(row, at(10))?,
        did_date: date(row, at(11), "did_date")?,
        updated_at: timestamp(row, at(12), "updated_at")?,
    })
}

pub(super) fn decode_employment(
    row: &QueryResult,
    code: usize,
    first: usize,
) -> Result<EmploymentRow, DbErr> {
    let at = |i: usize| first + i;
    Ok(EmploymentRow {
        id: required(integer(row, at(0), "id")?, "id")?,
        fiscal_code: required(text(row, code)?, "fiscal_code")?,
        employer_tax_code: text(row, at(1))?,
        employer_name: text(row, at(2))?,
        start_date: required(date(row, at(3), "start_date")?, "start_date")?,
        end_date: date(row, at(4), "end_date")?,
        contract_type: text(row, at(5))?,
        occupation_code: text(row, at(6))?,
        sector_code: text(row, at(7))?,
        weekly_hours: decimal(row, at(8), "weekly_hours")?,
        workplace_municipality: text(row, at(9))?,
    })
}

pub(super) fn decode_training(
    row: &QueryResult,
    code: usize,
    first: usize,
) -> Result<TrainingRow, DbErr> {
    let at = |i: usize| first + i;
    Ok(TrainingRow {
        id: required(integer(row, at(0), "id")?, "id")?,
        fiscal_code: required(text(row, code)?, "fiscal_code")?,
        kind: text(row, at(1))?,
        title: text(row, at(2))?,
        provider_name: text(row, at(3))?,
        start_date: date(row, at(4), "start_date")?,
        end_date: date(row, at(5), "end_date")?,
        hours: integer(row, at(6), "hours")?,
        outcome: text(row, at(7))?,
        qualification_code: text(row, at(8))?,
        eqf_level: integer(row, at(9), "eqf_level")?,
    })
}
