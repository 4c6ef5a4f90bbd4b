//! Where the verifiable audit chain starts: the start of the chain (written by migration
//! 000010, after the rows that existed before it) and one row per `audit prune`, holding the
//! hash of the last row pruned. `audit verify` starts from the newest anchor.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_chain_anchor")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Rows up to this id are not verified (pruned, or older than the chain).
    pub through_id: i64,
    /// The hash the first row after `through_id` carries as its `prev_hash`.
    pub hash: String,
    pub at: DateTimeUtc,
    /// `start` (the migration) or `prune`.
    pub kind: String,
    /// Rows deleted by this prune.
    pub pruned_rows: i64,
    /// The retention cut-off of the prune: rows older than this were due.
    pub cutoff: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
