//! One row per (request, citizen) whose personal data a request returned (DOMAIN.md §6, V25).
//! Append-only: nothing in the gateway updates or deletes it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub request_id: String,
    /// `sub` of the token.
    pub subject: String,
    pub role: String,
    /// CPI code of the caller's office, when the token carries one.
    pub office: Option<String>,
    /// Base (de-omocoded) codice fiscale of the citizen whose data was read.
    pub fiscal_code: String,
    /// `read` for now; writes come with the libretto and IVC mutations.
    pub action: String,
    /// Comma-separated top-level Citizen fields returned (e.g. `person,employments`).
    pub fields: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
