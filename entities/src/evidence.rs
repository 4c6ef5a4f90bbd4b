//! An evidence (evidenza) of a libretto or an IVC dossier, optionally with a file.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub libretto_id: Option<String>,
    pub ivc_dossier_id: Option<String>,
    pub category: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<Date>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
