use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    RequestId,
    Subject,
    Role,
    Office,
    FiscalCode,
    Action,
    Fields,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(
                        ColumnDef::new(AuditLog::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AuditLog::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditLog::RequestId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditLog::Subject).string_len(128).not_null())
                    .col(ColumnDef::new(AuditLog::Role).string_len(16).not_null())
                    .col(ColumnDef::new(AuditLog::Office).string_len(32))
                    .col(ColumnDef::new(AuditLog::FiscalCode).char_len(16).not_null())
                    .col(ColumnDef::new(AuditLog::Action).string_len(16).not_null())
                    .col(ColumnDef::new(AuditLog::Fields).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_log_fiscal_code_id")
                    .table(AuditLog::Table)
                    .col(AuditLog::FiscalCode)
                    .col(AuditLog::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}
