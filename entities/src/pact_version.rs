//! A signed version of a citizen's Patto di servizio personalizzato: its content as JSON,
//! immutable.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "pact_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub fiscal_code: String,
    pub n: i32,
    pub signed_on: Date,
    pub office: Option<String>,
    pub operator: String,
    pub content: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
