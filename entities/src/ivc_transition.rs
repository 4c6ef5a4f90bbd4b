//! One step of an IVC dossier's lifecycle (DOMAIN.md §9), append-only.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "ivc_transition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub dossier_id: String,
    /// None for the request that created the dossier.
    pub from_status: Option<String>,
    pub to_status: String,
    /// Business date of the step.
    pub on_date: Date,
    pub at: DateTimeUtc,
    pub by: String,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
