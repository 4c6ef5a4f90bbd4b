//! V5 (SAP section 4, DOMAIN.md §8): an apprenticeship (A.03.xx) records the end of its
//! training period ("data fine periodo formativo"). One nullable date on the libretto's
//! experiences; existing rows have none (the regional sources do not carry it), and their
//! warnings say so.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LibrettoExperience {
    Table,
    TrainingPeriodEnd,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(LibrettoExperience::Table)
                .add_column(ColumnDef::new(LibrettoExperience::TrainingPeriodEnd).date())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(LibrettoExperience::Table)
                .drop_column(LibrettoExperience::TrainingPeriodEnd)
                .to_owned(),
        )
        .await
    }
}
