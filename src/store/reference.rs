//! Reference code tables read from the store (shipped by migration, DOMAIN.md §7): loaded
//! once at start-up, then every operator-typed code is checked here against its list, its
//! region and the date it must be valid at.

use crate::error::AppError;
use chrono::NaiveDate;
use entities::reference_code;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Statement};
use std::collections::{HashMap, HashSet};

pub const CONTRACT_TYPE: &str = "contract_type";
pub const EDUCATION_TITLE: &str = "education_title";
pub const EVIDENCE_CATEGORY: &str = "evidence_category";
pub const SEP_SECTOR: &str = "sep_sector";
pub const COMPETENCE_TYPE: &str = "competence_type";
pub const PACT_MEASURE: &str = "pact_measure";
pub const SPECIAL_CATEGORY: &str = "special_category";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefCode {
    pub list: String,
    pub region: String,
    pub version: String,
    pub code: String,
    pub label: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub attribute: Option<String>,
}

impl RefCode {
    pub fn valid_at(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= date) && self.valid_to.is_none_or(|to| date <= to)
    }

    fn serves(&self, region: Option<&str>) -> bool {
        self.region.is_empty() || region == Some(self.region.as_str())
    }
}

/// Every reference code, by list.
#[derive(Debug, Default)]
pub struct ReferenceData {
    lists: HashMap<String, Vec<RefCode>>,
}

impl ReferenceData {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, sea_orm::DbErr> {
        let rows = reference_code::Entity::find()
            .order_by_asc(reference_code::Column::Id)
            .all(db)
            .await?;
        let mut lists: HashMap<String, Vec<RefCode>> = HashMap::new();
        for row in rows {
            lists.entry(row.list.clone()).or_default().push(RefCode {
                list: row.list,
                region: row.region,
                version: row.version,
                code: row.code,
                label: row.label,
                valid_from: row.valid_from,
                valid_to: row.valid_to,
                attribute: row.attribute,
            });
        }
        Ok(ReferenceData { lists })
    }

    /// Codes of a list usable in `region` (region-specific ones and those of every region).
    pub fn list(&self, list: &str, region: Option<&str>) -> Vec<&RefCode> {
        self.lists
            .get(list)
            .map(|codes| codes.iter().filter(|c| c.serves(region)).collect())
            .unwrap_or_default()
    }

    /// The code, whatever its validity (for labels of stored data).
    pub fn find(&self, list: &str, code: &str) -> Option<&RefCode> {
        self.lists.get(list)?.iter().find(|c| c.code == code)
    }

    /// Checks that `code` is in `list` for `region` and, when `at` is given, valid on that date;
    /// the error names `field` and the rule broken.
    pub fn check(
        &self,
        field: &str,
        list: &str,
        code: &str,
        region: Option<&str>,
        at: Option<NaiveDate>,
    ) -> Result<&RefCode, AppError> {
        let candidates: Vec<&RefCode> = self
            .list(list, region)
            .into_iter()
            .filter(|c| c.code == code)
            .collect();
        if candidates.is_empty() {
            return Err(AppError::bad_input(
                field,
                format!(
                    "{field}: \"{code}\" is not a code of the {} table{}",
                    list.replace('_', " "),
                    region
                        .map(|r| format!(" for region {r}"))
                        .unwrap_or_default()
                ),
            ));
        }
        let Some(at) = at else {
            return Ok(candidates[0]);
        };
        candidates
            .iter()
            .find(|c| c.valid_at(at))
            .copied()
            .ok_or_else(|| {
                let c = candidates[0];
                let span = match (c.valid_from, c.valid_to) {
                    (Some(from), Some(to)) => format!("from {from} to {to}"),
                    (Some(from), None) => format!("from {from}"),
                    (None, Some(to)) => format!("until {to}"),
                    (None, None) => "always".to_owned(),
                };
                AppError::bad_input(
                    field,
                    format!("{field}: code {code} is valid {span}, not on {at}"),
                )
            })
    }
}

/// The province sigle of every Italian region (ISTAT codes, e.g. `TOS`, `PIE`), from the
/// comuni of `birth_place` (migration 000008, ISTAT's list): one statement, for the checks
/// of a whole import.
pub async fn provinces_by_region(
    db: &impl ConnectionTrait,
) -> Result<HashMap<String, HashSet<String>>, sea_orm::DbErr> {
    let sql = "SELECT DISTINCT region, province FROM birth_place WHERE region <> ''";
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for row in rows {
        let region: String = row.try_get("", "region")?;
        out.entry(region)
            .or_default()
            .insert(row.try_get("", "province")?);
    }
    Ok(out)
}
