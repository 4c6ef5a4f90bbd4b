//! What the rules say of the experiences they let in (DOMAIN.md §8): a regional row is never
//! refused (seed 000: the libretto is prefilled "da banche dati regionali"), so the checks
//! that refuse a typed value become warnings on it; and V7's overlaps and V9's table are
//! warnings whoever typed the value. Computed from the stored experiences alone, so a read
//! and a mutation's answer say the same.

use super::ExperienceData;
use super::check_period;
use super::classified::{
    check_contract_in_force, check_occupation, check_occupation_in_table, check_sector_format,
    check_sector_in_table, tagged,
};
use super::spells::{check_training_period, overlap_warnings};
use crate::error::DomainError;
use chrono::NaiveDate;

/// The warnings of each experience of a libretto (or of a version), in the same order.
pub fn experience_warnings(all: &[ExperienceData]) -> Vec<Vec<String>> {
    (0..all.len())
        .map(|i| {
            let mut out = value_warnings(&all[i]);
            out.extend(overlap_warnings(all, i));
            out
        })
        .collect()
}

/// The rules on one experience's own values, each failure as its message: V7 (end not before
/// start; a regional row may start in the future, as a COB is sent before the hiring), V4,
/// V5, V8, V9 (format, then the table).
pub fn value_warnings(e: &ExperienceData) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |checked: Result<(), DomainError>| {
        if let Err(err) = checked {
            out.push(err.to_string());
        }
    };
    note(
        check_period(
            "startDate",
            e.start_date,
            "endDate",
            e.end_date,
            NaiveDate::MAX,
        )
        .map_err(|err| tagged(err, "V7")),
    );
    if let (Some(code), Some(start)) = (e.contract_type.as_deref(), e.start_date) {
        note(check_contract_in_force("contractType", code, start));
    }
    note(check_training_period(
        e.contract_type.as_deref(),
        e.start_date,
        e.end_date,
        e.training_period_end,
    ));
    if let Some(code) = &e.occupation_code {
        note(
            check_occupation("occupationCode", code)
                .and_then(|()| check_occupation_in_table("occupationCode", code)),
        );
    }
    if let Some(code) = &e.sector_code {
        note(
            check_sector_format("sectorCode", code)
                .and_then(|()| check_sector_in_table("sectorCode", code)),
        );
    }
    out
}
