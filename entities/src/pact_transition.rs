//! One step of a service pact's lifecycle.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "pact_transition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub fiscal_code: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub on_date: Date,
    pub at: DateTimeUtc,
    pub by: String,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
