//! The coded values of an experience checked against the tables the domain ships
//! (`domain/data`, `migrations/data/reference_codes.csv`), not only their format: V4 (the
//! contract type in force at the start), V8 (occupation, CP2011), V9 (sector, ATECO 2007), and
//! which contract types are apprenticeships (V5). Each message names the field and the rule.

use super::{check_ateco, check_cp2011};
use crate::codes;
use crate::error::DomainError;
use chrono::NaiveDate;

/// Appends the rule's number to a refusal's message, so that it reads the same as an error
/// and as a warning.
pub(super) fn tagged(err: DomainError, rule_number: &str) -> DomainError {
    match err {
        DomainError::Invalid {
            field,
            rule,
            message,
        } => DomainError::Invalid {
            field,
            rule,
            message: format!("{message} ({rule_number})"),
        },
        other => other,
    }
}

/// V4 (ANPAL `TAB_ESPERIENZELAV`, DOMAIN.md §3.5): "a code is valid for a relationship when it
/// was in force on the start date". The service checks typed values against the store's
/// reference table; this is the same check on the domain's copy of the table, for the
/// warnings of regional rows.
pub fn check_contract_in_force(
    field: &str,
    code: &str,
    start: NaiveDate,
) -> Result<(), DomainError> {
    let Some(c) = codes::contract_type(code) else {
        return Err(DomainError::invalid(
            field,
            "contract_type_known",
            format!("{field}: \"{code}\" is not a code of the contract type table (V4)"),
        ));
    };
    if c.valid_at(start) {
        return Ok(());
    }
    let span = match c.valid_to {
        Some(to) => format!("from {} to {to}", c.valid_from),
        None => format!("from {}", c.valid_from),
    };
    Err(DomainError::invalid(
        field,
        "contract_type_in_force",
        format!("{field}: code {code} is valid {span}, not on {start} (V4)"),
    ))
}

/// An apprenticeship contract type (V5), and whether it is the seasonal one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Apprenticeship {
    pub code: &'static str,
    pub seasonal: bool,
}

/// DOMAIN.md §8 V5 ("Apprenticeship (A.03.xx)"): the A.03 codes the ministerial table names
/// "APPRENDISTATO…" (A.03.00-A.03.03, A.03.08-A.03.14). A.03.04 (contratto di formazione e
/// lavoro) and A.03.07 (contratto di inserimento) sit in the same group but are not
/// apprenticeships, so they carry no training period; the seasonal one is the type the table
/// names "…PER LAVORATORI STAGIONALI" (A.03.14).
pub fn apprenticeship(contract_type: &str) -> Option<Apprenticeship> {
    let c = codes::contract_type(contract_type)?;
    (c.code.starts_with("A.03.") && c.description.starts_with("APPRENDISTATO")).then(|| {
        Apprenticeship {
            code: c.code,
            seasonal: c.description.contains("STAGIONALI"),
        }
    })
}

/// V8 (SAP section 4, DOMAIN.md §3.3: "Occupation is a CP2011 leaf code"): an experience's
/// occupation is a well-formed ISTAT CP2011 unità professionale (5 levels). Refused when
/// typed; whether the table knows it is `check_occupation_in_table`'s.
pub fn check_occupation(field: &str, code: &str) -> Result<(), DomainError> {
    check_cp2011(field, code).map_err(|e| tagged(e, "V8"))?;
    if code.split('.').count() != 5 {
        return Err(DomainError::invalid(
            field,
            "cp2011_leaf",
            format!(
                "{field}: \"{code}\" is a CP2011 group, not an unità professionale (5 levels, \
                 e.g. 5.2.2.3.0) (V8)"
            ),
        ));
    }
    Ok(())
}

/// V8, the table: an occupation absent from the CP2011 unità professionali the domain ships
/// (`domain/data/occupations.csv`). A warning, typed or not: the shipped table holds 28 of
/// CP2011's ~800 units, so refusing would refuse real codes; it becomes an error once the
/// whole table is shipped.
pub fn check_occupation_in_table(field: &str, code: &str) -> Result<(), DomainError> {
    if codes::occupation_by_code(code).is_some() {
        return Ok(());
    }
    Err(DomainError::invalid(
        field,
        "cp2011_known",
        format!(
            "{field}: \"{code}\" is not in the CP2011 table of unità professionali shipped \
             (domain/data/occupations.csv) (V8)"
        ),
    ))
}

/// V9, the format (ISTAT, DOMAIN.md §3.4: ATECO written `NN` to `NN.NN.NN`): refused when
/// typed, a warning on a regional row.
pub fn check_sector_format(field: &str, code: &str) -> Result<(), DomainError> {
    check_ateco(field, code).map_err(|e| tagged(e, "V9"))
}

/// V9, the table (ISTAT; DOMAIN.md §3.4: "ATECO 2007 (the version COB and SAP records use)"):
/// a sector code absent from the ATECO 2007 sottocategorie the domain ships
/// (`domain/data/activities.csv`). A warning only, typed or not: the severity the reference
/// gives V9.
pub fn check_sector_in_table(field: &str, code: &str) -> Result<(), DomainError> {
    if codes::activity_by_code(code).is_some() {
        return Ok(());
    }
    Err(DomainError::invalid(
        field,
        "ateco2007_known",
        format!(
            "{field}: \"{code}\" is not in the ATECO 2007 table of sottocategorie \
             (domain/data/activities.csv) (V9)"
        ),
    ))
}
