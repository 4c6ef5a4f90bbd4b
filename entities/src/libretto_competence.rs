//! A competence of a libretto (section 2): type, description, acquisition context.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "libretto_competence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub libretto_id: String,
    pub position: i32,
    pub competence_type: String,
    pub description: String,
    pub context: String,
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    pub ada_code: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
