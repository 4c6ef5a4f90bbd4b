//! An old fiscal code joined to the code that replaced it (omocodia found late, rectified
//! personal data): made and undone only by an administrator, each with a reason (DOMAIN.md
//! §3.1). An unlinked row stays, with who undid it and why.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "fiscal_code_link")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub from_code: String,
    pub to_code: String,
    pub reason: String,
    pub linked_at: DateTimeUtc,
    pub linked_by: String,
    pub unlinked_at: Option<DateTimeUtc>,
    pub unlinked_by: Option<String>,
    pub unlink_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
