//! V22 (DOMAIN.md §8): a content expert's session records the assessor's own EQF level and
//! the declaration of no conflict of interest (Campania "Esperto SEP" form; D.Lgs 13/2013
//! art. 5 terzietà). Nullable: other roles and earlier sessions have neither.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IvcSession {
    Table,
    AssessorEqfLevel,
    NoConflictDeclared,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // one column per ALTER: SQLite adds a single column per statement
        m.alter_table(
            Table::alter()
                .table(IvcSession::Table)
                .add_column(ColumnDef::new(IvcSession::AssessorEqfLevel).small_integer())
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(IvcSession::Table)
                .add_column(ColumnDef::new(IvcSession::NoConflictDeclared).boolean())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [IvcSession::AssessorEqfLevel, IvcSession::NoConflictDeclared] {
            m.alter_table(
                Table::alter()
                    .table(IvcSession::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
