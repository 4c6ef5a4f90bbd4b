//! A measure agreed in the service pact (idolarti action code), with its progress.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "pact_measure")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub fiscal_code: String,
    pub code: String,
    pub status: String,
    pub planned_on: Date,
    pub started_on: Option<Date>,
    pub done_on: Option<Date>,
    pub notes: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
