//! A CV (PDF) uploaded for a citizen; the file is in evidence_file. Deleting it keeps the row, marked.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "cv")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub fiscal_code: String,
    pub sha256: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub uploaded_at: DateTimeUtc,
    pub uploaded_by: String,
    pub deleted_at: Option<DateTimeUtc>,
    pub deleted_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
