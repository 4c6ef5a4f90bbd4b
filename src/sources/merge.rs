//! Merging one citizen's person rows from several sources: each field comes from the most
//! recently updated row that has it, and says which source that was (DESIGN.md principle 3).

use super::contract::PersonRow;
use crate::domain::FiscalCode;
use crate::domain::identity::CodeLink;
use chrono::{NaiveDate, NaiveDateTime};
use std::sync::Arc;
use std::time::Duration;

/// Whether a row was asked of its source for this request or taken from the source's cache
/// (`sources[].cache_ttl_ms`), and whether it was served stale because the source failed
/// (`sources[].stale_ttl_ms`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Freshness {
    /// How long ago the source gave the row; `None` when it was asked for this request.
    pub age: Option<Duration>,
    /// The source failed and this is its last good answer.
    pub stale: bool,
}

/// A row and the source it came from.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub source: Arc<str>,
    pub row: T,
    pub freshness: Freshness,
    /// Set when the row is stored under an older code an administrator linked to the
    /// citizen's code (`linkFiscalCodes`): the link it is shown through.
    pub link: Option<Arc<CodeLink>>,
}

/// A merged value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged<T> {
    pub value: T,
    pub source: Arc<str>,
    pub updated_at: NaiveDateTime,
    pub freshness: Freshness,
}

/// One source's knowledge of the citizen.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonSourceRef {
    pub source: Arc<str>,
    /// The code as that source stores it: the citizen's own, or an older code linked to it.
    pub fiscal_code: String,
    pub updated_at: NaiveDateTime,
    pub freshness: Freshness,
    pub link: Option<Arc<CodeLink>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MergedPerson {
    /// The exact code that identifies the citizen (DOMAIN.md §3.1).
    pub fiscal_code: FiscalCode,
    pub given_name: Option<Merged<String>>,
    pub family_name: Option<Merged<String>>,
    pub birth_date: Option<Merged<NaiveDate>>,
    pub birth_place_code: Option<Merged<String>>,
    pub gender: Option<Merged<String>>,
    pub citizenship: Option<Merged<String>>,
    pub residence_municipality: Option<Merged<String>>,
    pub residence_province: Option<Merged<String>>,
    pub email: Option<Merged<String>>,
    pub phone: Option<Merged<String>>,
    pub cpi_code: Option<Merged<String>>,
    pub did_date: Option<Merged<NaiveDate>>,
    /// Every source that knows the citizen, most recently updated first.
    pub sources: Vec<PersonSourceRef>,
}

/// `None` when there are no rows.
pub fn merge_person(
    fiscal_code: FiscalCode,
    mut rows: Vec<Sourced<PersonRow>>,
) -> Option<MergedPerson> {
    if rows.is_empty() {
        return None;
    }
    rows.sort_by(|a, b| {
        b.row
            .updated_at
            .cmp(&a.row.updated_at)
            .then_with(|| a.source.cmp(&b.source))
    });
    fn pick<T: Clone>(
        rows: &[Sourced<PersonRow>],
        field: impl Fn(&PersonRow) -> Option<&T>,
    ) -> Option<Merged<T>> {
        rows.iter().find_map(|r| {
            field(&r.row).map(|v| Merged {
                value: v.clone(),
                source: r.source.clone(),
                updated_at: r.row.updated_at,
                freshness: r.freshness,
            })
        })
    }
    Some(MergedPerson {
        fiscal_code,
        given_name: pick(&rows, |r| r.given_name.as_ref().filter(|v| !v.is_empty())),
        family_name: pick(&rows, |r| r.family_name.as_ref().filter(|v| !v.is_empty())),
        birth_date: pick(&rows, |r| r.birth_date.as_ref()),
        birth_place_code: pick(&rows, |r| {
            r.birth_place_code.as_ref().filter(|v| !v.is_empty())
        }),
        gender: pick(&rows, |r| r.gender.as_ref().filter(|v| !v.is_empty())),
        citizenship: pick(&rows, |r| r.citizenship.as_ref().filter(|v| !v.is_empty())),
        residence_municipality: pick(&rows, |r| {
            r.residence_municipality.as_ref().filter(|v| !v.is_empty())
        }),
        residence_province: pick(&rows, |r| {
            r.residence_province.as_ref().filter(|v| !v.is_empty())
        }),
        email: pick(&rows, |r| r.email.as_ref().filter(|v| !v.is_empty())),
        phone: pick(&rows, |r| r.phone.as_ref().filter(|v| !v.is_empty())),
        cpi_code: pick(&rows, |r| r.cpi_code.as_ref().filter(|v| !v.is_empty())),
        did_date: pick(&rows, |r| r.did_date.as_ref()),
        sources: rows
            .iter()
            .map(|r| PersonSourceRef {
                source: r.source.clone(),
                fiscal_code: r.row.fiscal_code.clone(),
                updated_at: r.row.updated_at,
                freshness: r.freshness,
                link: r.link.clone(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn row(email: Option<&str>, phone: Option<&str>, updated: (u32, u32)) -> PersonRow {
        PersonRow {
            fiscal_code: "RSSMRA85T10A562S".into(),
            given_name: Some("MARIO".into()),
            family_name: Some("ROSSI".into()),
            birth_date: NaiveDate::from_ymd_opt(1985, 12, 10),
            birth_place_code: Some("A562".into()),
            gender: Some("M".into()),
            citizenship: Some("IT".into()),
            residence_municipality: Some("048017".into()),
            residence_province: Some("FI".into()),
            email: email.map(Into::into),
            phone: phone.map(Into::into),
            cpi_code: None,
            did_date: None,
            updated_at: NaiveDate::from_ymd_opt(2024, updated.0, updated.1)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        }
    }

    #[test]
    fn newest_row_wins_field_by_field_with_provenance() {
        let base = FiscalCode::parse("RSSMRA85T10A562S").unwrap();
        let merged = merge_person(
            base,
            vec![
                Sourced {
                    source: "lavoro".into(),
                    row: row(Some("old@example.it"), Some("055 1"), (1, 1)),
                    freshness: Freshness::default(),
                    link: None,
                },
                Sourced {
                    source: "formazione".into(),
                    row: row(Some("new@example.it"), None, (6, 1)),
                    freshness: Freshness::default(),
                    link: None,
                },
            ],
        )
        .unwrap();
        let email = merged.email.unwrap();
        assert_eq!(email.value, "new@example.it");
        assert_eq!(&*email.source, "formazione");
        // the newest row has no phone: the older source still supplies it, and says so
        let phone = merged.phone.unwrap();
        assert_eq!(phone.value, "055 1");
        assert_eq!(&*phone.source, "lavoro");
        let names: Vec<&str> = merged.sources.iter().map(|s| &*s.source).collect();
        assert_eq!(names, ["formazione", "lavoro"]);
    }

    #[test]
    fn no_rows_no_person() {
        let base = FiscalCode::parse("RSSMRA85T10A562S").unwrap();
        assert!(merge_person(base, vec![]).is_none());
    }
}
