//! Reference code tables (contract types, education titles, evidence categories, SEP sectors,
//! competence types) as data with validity dates, shipped from `data/reference_codes.csv`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReferenceCode {
    Table,
    Id,
    List,
    Region,
    Version,
    Code,
    Label,
    ValidFrom,
    ValidTo,
    Attribute,
}

const DATA: &str = include_str!("../data/reference_codes.csv");

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReferenceCode::Table)
                    .col(
                        ColumnDef::new(ReferenceCode::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ReferenceCode::List)
                            .string_len(32)
                            .not_null(),
                    )
                    // empty string = every region (NULL would defeat the unique index)
                    .col(
                        ColumnDef::new(ReferenceCode::Region)
                            .string_len(8)
                            .not_null()
                            .default(""),
                    )
                    .col(
                        ColumnDef::new(ReferenceCode::Version)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReferenceCode::Code)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ReferenceCode::Label)
                            .string_len(300)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ReferenceCode::ValidFrom).date())
                    .col(ColumnDef::new(ReferenceCode::ValidTo).date())
                    .col(ColumnDef::new(ReferenceCode::Attribute).string_len(64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_reference_code")
                    .table(ReferenceCode::Table)
                    .col(ReferenceCode::List)
                    .col(ReferenceCode::Region)
                    .col(ReferenceCode::Version)
                    .col(ReferenceCode::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let insert = crate::shared::reference_codes_insert("reference_codes.csv", DATA)?;
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ReferenceCode::Table).to_owned())
            .await
    }
}
