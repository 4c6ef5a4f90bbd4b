//! The citizen gives or withdraws the consent to job matching themselves
//! (`setMyJobMatchingConsent`, issue 23): each consent event says whether it was the citizen's
//! own act or an operator's on the citizen's word. Every earlier event was an operator's.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ConsentEvent {
    Table,
    ByCitizen,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ConsentEvent::Table)
                .add_column(
                    ColumnDef::new(ConsentEvent::ByCitizen)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(ConsentEvent::Table)
                .drop_column(ConsentEvent::ByCitizen)
                .to_owned(),
        )
        .await
    }
}
