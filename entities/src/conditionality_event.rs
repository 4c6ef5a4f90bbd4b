//! A breach of the service pact's obligations (D.Lgs 150/2015 art. 21) and its sanction, as
//! reported to INPS and ANPAL: recorded, never deleted.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "conditionality_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub fiscal_code: String,
    pub on_date: Date,
    pub kind: String,
    pub justified: bool,
    pub sanction: String,
    /// JSON array of the bodies told: `INPS`, `ANPAL`.
    pub reported_to: String,
    pub note: Option<String>,
    pub at: DateTimeUtc,
    pub by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
