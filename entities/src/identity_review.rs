//! A document stored under a base code that two people shared, which no person snapshot tells
//! apart: held under a placeholder key (`held_code`) until an administrator assigns it to one
//! of the `candidates` (migration 000012, `services::identity`).

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "identity_review")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `libretto`, `ivc_dossier` or `orientation`.
    pub document_kind: String,
    pub document_id: String,
    pub stored_code: String,
    pub held_code: String,
    /// JSON array of the exact codes the regional sources know for `stored_code`'s base.
    pub candidates: String,
    pub reason: String,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<String>,
    pub resolved_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
