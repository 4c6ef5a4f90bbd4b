//! An immutable consolidated version of a libretto: its whole content as JSON.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "libretto_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub libretto_id: String,
    pub n: i32,
    pub number: String,
    pub consolidated_at: DateTimeUtc,
    pub consolidated_by: String,
    pub content: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
