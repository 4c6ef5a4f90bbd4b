//! The rules on typed values (DOMAIN.md §8), shared by the libretto, IVC and orientation
//! inputs; each error names the field and the rule.

use crate::error::DomainError;
use chrono::NaiveDate;

pub fn check_text(field: &str, value: &str, max: usize) -> Result<(), DomainError> {
    if value.trim().is_empty() {
        return Err(DomainError::invalid(
            field,
            "not_empty",
            format!("{field}: must not be empty"),
        ));
    }
    let len = value.chars().count();
    if len > max {
        return Err(DomainError::invalid(
            field,
            "max_length",
            format!("{field}: {len} characters, at most {max} allowed"),
        ));
    }
    Ok(())
}

pub fn check_optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<(), DomainError> {
    value.map_or(Ok(()), |v| check_text(field, v, max))
}

/// V7: no end before start; and nothing dated after today.
pub fn check_period(
    from_field: &str,
    from: Option<NaiveDate>,
    to_field: &str,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if let Some(from) = from
        && from > today
    {
        return Err(DomainError::invalid(
            from_field,
            "not_in_future",
            format!("{from_field}: {from} is in the future"),
        ));
    }
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(DomainError::invalid(
            to_field,
            "end_after_start",
            format!("{to_field}: {to} is before {from_field} {from}"),
        ));
    }
    Ok(())
}

/// V8: ISTAT CP2011, 1 to 5 levels (`5`, `5.2`, `5.2.2`, `5.2.2.3`, `5.2.2.3.0`).
pub fn check_cp2011(field: &str, code: &str) -> Result<(), DomainError> {
    let parts: Vec<&str> = code.split('.').collect();
    let ok = (1..=5).contains(&parts.len())
        && parts[0].len() == 1
        && matches!(parts[0].as_bytes()[0], b'1'..=b'9')
        && parts[1..]
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            "cp2011_code",
            format!("{field}: \"{code}\" is not an ISTAT CP2011 code (e.g. 5.2.2.3.0)"),
        ))
    }
}

/// V9: ATECO, `NN`, `NN.N`, `NN.NN`, `NN.NN.N` or `NN.NN.NN`.
pub fn check_ateco(field: &str, code: &str) -> Result<(), DomainError> {
    let parts: Vec<&str> = code.split('.').collect();
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let ok = (1..=3).contains(&parts.len())
        && parts[0].len() == 2
        && parts
            .iter()
            .all(|p| digits(p) && !p.is_empty() && p.len() <= 2);
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            "ateco_code",
            format!("{field}: \"{code}\" is not an ATECO code (e.g. 56.10.11)"),
        ))
    }
}

/// V23: EQF levels 1-8.
pub fn check_eqf(field: &str, level: i32) -> Result<(), DomainError> {
    if (1..=8).contains(&level) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            "eqf_level",
            format!("{field}: EQF level {level} is not between 1 and 8"),
        ))
    }
}

/// Atlante del lavoro ADA codes, e.g. `ADA.22.01.07` (DOMAIN.md §2.6).
pub fn check_ada(field: &str, code: &str) -> Result<(), DomainError> {
    let rest = code.strip_prefix("ADA.").unwrap_or("");
    let parts: Vec<&str> = rest.split('.').collect();
    let ok = parts.len() == 3
        && parts.iter().enumerate().all(|(i, p)| {
            !p.is_empty() && p.len() <= [2, 3, 3][i] && p.bytes().all(|b| b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            "ada_code",
            format!("{field}: \"{code}\" is not an ADA code of the Atlante (e.g. ADA.22.01.07)"),
        ))
    }
}
