//! One row per (request, citizen, action) that touched a citizen's personal data (DOMAIN.md
//! §6, V25). Append-only and hash-chained (migration 000010): rows are written only through
//! `store::audit::chain::append`, which assigns the `id`s in chain order; only
//! `fascicolo audit prune` deletes, and only the oldest rows.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
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
    /// The citizen's exact codice fiscale; rows written before migration 000012 carry the
    /// de-omocoded base, read through `audit_identity_map`.
    pub fiscal_code: String,
    /// `read`, `write`, `access_report` or `export`.
    pub action: String,
    /// `read`: comma-separated top-level fields returned (e.g. `person,employments`);
    /// `write`: the mutation and the document changed.
    pub fields: String,
    /// The previous row's `hash` (the chain anchor's for the first row after it); null on
    /// rows written before the chain existed.
    pub prev_hash: Option<String>,
    /// SHA-256 (hex) over this row's fields and `prev_hash` (`store::audit::chain`).
    pub hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
