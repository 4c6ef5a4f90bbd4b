//! Where a bulk import keeps the definitions of the secondary indexes and foreign keys it
//! dropped while loading into empty tables (`fascicolo::store::bulk`), so that whatever
//! stops the import — an error, a kill, a power cut — the next start of the store puts them
//! back.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeferredDdl {
    Table,
    Name,
    TableName,
    Kind,
    Definition,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DeferredDdl::Table)
                .col(
                    ColumnDef::new(DeferredDdl::TableName)
                        .string_len(128)
                        .not_null(),
                )
                // an index's or a constraint's name, unique within its table
                .col(ColumnDef::new(DeferredDdl::Name).string_len(128).not_null())
                // INDEX or FOREIGN_KEY
                .col(ColumnDef::new(DeferredDdl::Kind).string_len(16).not_null())
                // the statement that recreates it, as the database itself wrote it
                .col(ColumnDef::new(DeferredDdl::Definition).text().not_null())
                .primary_key(
                    Index::create()
                        .col(DeferredDdl::TableName)
                        .col(DeferredDdl::Name),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DeferredDdl::Table).to_owned())
            .await
    }
}
