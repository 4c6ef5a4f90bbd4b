//! A competence of an IVC dossier, referred to the regional repertoire (SEP sector,
//! qualification, ADA codes of the Atlante, EQF level).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "ivc_competence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub dossier_id: String,
    pub position: i32,
    pub description: String,
    pub sep_sector: String,
    pub qualification_code: Option<String>,
    pub qualification_name: Option<String>,
    /// JSON array of ADA codes.
    pub ada_codes: String,
    pub eqf_level: Option<i16>,
    pub learning_context: String,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
