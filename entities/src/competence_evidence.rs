//! Which evidences support which libretto competence.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "competence_evidence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub competence_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub evidence_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
