//! A job propensity (propensione, seed 001): at most three per citizen.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "propensity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub fiscal_code: String,
    /// CP2011 code.
    pub occupation_code: String,
    pub occupation_label: String,
    pub from_work: bool,
    pub from_education: bool,
    pub from_training: bool,
    pub interview_on: Date,
    pub sep_sector: Option<String>,
    pub years_experience: Option<i16>,
    pub last_year_worked: Option<i16>,
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    /// Removed from the active ones (DOMAIN.md §9: active/inactive); kept in the history.
    pub removed_on: Option<Date>,
    pub removed_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
