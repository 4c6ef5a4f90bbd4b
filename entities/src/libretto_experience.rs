//! A work or training experience of a libretto (section 1), prefilled from a regional
//! source (with its provenance and the original row) or self-declared.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "libretto_experience")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub libretto_id: String,
    pub position: i32,
    pub kind: String,
    pub origin: String,
    pub source_name: Option<String>,
    pub source_row_id: Option<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub contract_type: Option<String>,
    /// End of an apprenticeship's training period (V5), typed by the operator.
    pub training_period_end: Option<Date>,
    pub occupation_code: Option<String>,
    pub sector_code: Option<String>,
    pub weekly_hours: Option<f64>,
    pub training_kind: Option<String>,
    pub hours: Option<i32>,
    pub outcome: Option<String>,
    pub qualification_code: Option<String>,
    pub eqf_level: Option<i16>,
    pub description: Option<String>,
    /// JSON of the experience as prefilled, kept when the operator edits it.
    pub original: Option<String>,
    pub edited: bool,
    pub dropped: bool,
    pub drop_reason: Option<String>,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
