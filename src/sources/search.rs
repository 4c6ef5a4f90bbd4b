//! Search criteria over `gw_person` and the keyset cursor that pages through the merged
//! results of every source.

use crate::error::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Validated search criteria (names are prefixes, case-insensitive).
#[derive(Debug, Clone, Default)]
pub struct PersonSearch {
    pub family_name_prefix: Option<String>,
    pub given_name_prefix: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub province: Option<String>,
}

/// Longest name prefix, in characters: longer than any real name, and with its LIKE escapes
/// far below every engine's pattern limit (SQLite's is 50,000 bytes). `graphql::bounds`
/// refuses longer ones before a request runs; this keeps every other caller honest too.
pub const NAME_PREFIX_MAX: usize = 80;

impl PersonSearch {
    /// The criteria of `searchCitizens`, each checked: names of 2 to [`NAME_PREFIX_MAX`]
    /// characters without control characters (a NUL is refused by PostgreSQL, and no name has
    /// one), a province sigla of two letters, at least one criterion.
    pub fn from_criteria(
        family_name: Option<String>,
        given_name: Option<String>,
        birth_date: Option<NaiveDate>,
        province: Option<String>,
    ) -> Result<Self, AppError> {
        let name = |field: &str, value: Option<String>| -> Result<Option<String>, AppError> {
            let Some(value) = value.map(|v| v.trim().to_owned()) else {
                return Ok(None);
            };
            let len = value.chars().count();
            let problem = if len < 2 {
                format!("{field} must have at least 2 characters")
            } else if len > NAME_PREFIX_MAX {
                format!("{field}: {len} characters, at most {NAME_PREFIX_MAX} allowed")
            } else if value.chars().any(char::is_control) {
                format!("{field} must not contain control characters")
            } else {
                return Ok(Some(value));
            };
            Err(AppError::bad_input(field, problem))
        };
        let province = match province.map(|p| p.trim().to_uppercase()) {
            Some(p) if p.len() != 2 || !p.chars().all(|c| c.is_ascii_uppercase()) => {
                return Err(AppError::bad_input(
                    "province",
                    "province must be a 2-letter sigla such as FI",
                ));
            }
            other => other,
        };
        let search = PersonSearch {
            family_name_prefix: name("familyName", family_name)?,
            given_name_prefix: name("givenName", given_name)?,
            birth_date,
            province,
        };
        if search.family_name_prefix.is_none()
            && search.given_name_prefix.is_none()
            && search.birth_date.is_none()
            && search.province.is_none()
        {
            return Err(AppError::bad_input(
                "familyName",
                "give at least one of familyName, givenName, birthDate, province",
            ));
        }
        Ok(search)
    }
}

/// Position after the last citizen of a page: the sort key (uppercase names, stored code).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SearchCursor {
    pub family: String,
    pub given: String,
    pub fiscal_code: String,
}

impl SearchCursor {
    pub fn of(row: &super::contract::PersonRow) -> Self {
        SearchCursor {
            family: row.family_name.clone().unwrap_or_default().to_uppercase(),
            given: row.given_name.clone().unwrap_or_default().to_uppercase(),
            fiscal_code: row.fiscal_code.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bounded_and_printable() {
        let search = |family: &str| {
            PersonSearch::from_criteria(Some(family.into()), None, None, None)
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            search(" rossi ").unwrap().family_name_prefix.as_deref(),
            Some("rossi")
        );
        assert_eq!(
            search(&"A".repeat(81)).unwrap_err(),
            "familyName: 81 characters, at most 80 allowed"
        );
        assert!(search(&"È".repeat(80)).is_ok(), "characters, not bytes");
        assert_eq!(
            search("RO\0SSI").unwrap_err(),
            "familyName must not contain control characters"
        );
        assert_eq!(
            search("R").unwrap_err(),
            "familyName must have at least 2 characters"
        );
    }
}
