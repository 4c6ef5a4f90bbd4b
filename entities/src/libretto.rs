//! A Libretto formativo del cittadino (DOMAIN.md §1): the working copy; consolidated
//! versions are frozen in `libretto_version`.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "libretto")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub fiscal_code: String,
    pub region: String,
    /// Reporting territory (CPI area, e.g. "Empoli"), from the residence at opening.
    pub area: Option<String>,
    pub office: Option<String>,
    pub status: String,
    pub number: Option<String>,
    pub issued_at: Option<DateTimeUtc>,
    pub last_consolidated_at: Option<DateTimeUtc>,
    pub versions_issued: i32,
    /// Section 1.1: JSON snapshot of the merged person.
    pub person_snapshot: String,
    pub cancel_reason: Option<String>,
    /// Reporting: the holder's gender (`M`/`F`) at the first issue.
    pub gender: Option<String>,
    /// Reporting: the holder's age in whole years at the first issue.
    pub age_at_issue: Option<i16>,
    /// Reporting tallies, kept with every change of the libretto's sections (migration
    /// 000009): experiences kept, by origin, and evidences by seed 000's four categories.
    pub regional_experiences: i32,
    pub self_declared_experiences: i32,
    pub formal_education_evidences: i32,
    pub professional_evidences: i32,
    pub non_formal_evidences: i32,
    pub other_evidences: i32,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub updated_at: DateTimeUtc,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
