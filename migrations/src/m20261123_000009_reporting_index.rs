//! Reports over a million libretti read one narrow index instead of the table: every column
//! the libretto reports filter or group by, in one index the database scans alone
//! (index-only on PostgreSQL, a covering index on SQLite), led by the area so "by area"
//! streams in order. It makes `ix_libretto_area`, its prefix, redundant.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Libretto {
    Table,
    Area,
    Status,
    IssuedAt,
    Office,
    Gender,
    AgeAtIssue,
    FiscalCode,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_libretto_reporting")
                .table(Libretto::Table)
                .col(Libretto::Area)
                .col(Libretto::Status)
                .col(Libretto::IssuedAt)
                .col(Libretto::Office)
                .col(Libretto::Gender)
                .col(Libretto::AgeAtIssue)
                .col(Libretto::FiscalCode)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_libretto_area")
                .table(Libretto::Table)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_libretto_area")
                .table(Libretto::Table)
                .col(Libretto::Area)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_libretto_reporting")
                .table(Libretto::Table)
                .to_owned(),
        )
        .await
    }
}
