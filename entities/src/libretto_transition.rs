//! One step of a libretto's lifecycle (DOMAIN.md §9), append-only.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "libretto_transition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub libretto_id: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub at: DateTimeUtc,
    pub by: String,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
