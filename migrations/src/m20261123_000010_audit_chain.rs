//! A tamper-evident audit log (issue 7): every row carries `prev_hash` and `hash`, SHA-256
//! over its fields and the previous row's hash (computed by the gateway,
//! `store::audit::chain`), so changing or deleting a row breaks the chain at that row.
//! - `audit_chain_head` (one row) is the end of the chain: appends lock it, which serialises
//!   them across requests and replicas, and `audit verify` checks the last row against it.
//! - `audit_chain_anchor` says where verification starts. The chain starts after the rows
//!   that exist now: they keep null hashes and an anchor `start` covers them, with the
//!   all-zero hash as the first row's `prev_hash`. Each `audit prune` adds an anchor holding
//!   the hash of the last row it deleted.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The `prev_hash` of the first row of the chain.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditChainHead {
    Table,
    Id,
    LastId,
    LastHash,
}

#[derive(DeriveIden)]
enum AuditChainAnchor {
    Table,
    Id,
    ThroughId,
    Hash,
    At,
    Kind,
    PrunedRows,
    Cutoff,
}

/// The last id written so far, 0 on an empty log.
fn last_id() -> SimpleExpr {
    Func::coalesce([Expr::col(AuditLog::Id).max(), Expr::val(0i64)]).into()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // one column per ALTER: SQLite adds a single column per statement
        for column in [AuditLog::PrevHash, AuditLog::Hash] {
            m.alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .add_column(ColumnDef::new(column).char_len(64).null())
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(AuditChainHead::Table)
                .col(
                    ColumnDef::new(AuditChainHead::Id)
                        .small_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(AuditChainHead::LastId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditChainHead::LastHash)
                        .char_len(64)
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditChainAnchor::Table)
                .col(
                    ColumnDef::new(AuditChainAnchor::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(AuditChainAnchor::ThroughId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditChainAnchor::Hash)
                        .char_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditChainAnchor::At)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditChainAnchor::Kind)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditChainAnchor::PrunedRows)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(ColumnDef::new(AuditChainAnchor::Cutoff).timestamp_with_time_zone())
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditChainHead::Table)
                .columns([
                    AuditChainHead::Id,
                    AuditChainHead::LastId,
                    AuditChainHead::LastHash,
                ])
                .select_from(
                    Query::select()
                        .expr(Expr::val(1i16))
                        .expr(last_id())
                        .expr(Expr::val(GENESIS))
                        .from(AuditLog::Table)
                        .to_owned(),
                )
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditChainAnchor::Table)
                .columns([
                    AuditChainAnchor::ThroughId,
                    AuditChainAnchor::Hash,
                    AuditChainAnchor::At,
                    AuditChainAnchor::Kind,
                    AuditChainAnchor::PrunedRows,
                ])
                .select_from(
                    Query::select()
                        .expr(last_id())
                        .expr(Expr::val(GENESIS))
                        .expr(Expr::val(chrono::Utc::now()))
                        .expr(Expr::val("start"))
                        .expr(Expr::val(0i64))
                        .from(AuditLog::Table)
                        .to_owned(),
                )
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditChainAnchor::Table.into_iden(),
            AuditChainHead::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [AuditLog::PrevHash, AuditLog::Hash] {
            m.alter_table(
                Table::alter()
                    .table(AuditLog::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
