//! IVC and identity columns of issue 24:
//! - an IVC dossier keeps the domicile in the region declared at the request (seed 003,
//!   "residenti o domiciliati"), and its certificate the qualification, the EQF level and the
//!   exam commission;
//! - seed 003 counts a dossier in the year its Dossier del Cittadino was released: the IVC
//!   reports group and filter by that date, now indexed;
//! - V3: a provisional code (11 digits) is a key too. CHAR(16) pads it with blanks on
//!   PostgreSQL and MariaDB, and the audit chain hashes the code as written, so the code
//!   columns that were CHAR become VARCHAR. SQLite neither pads nor can alter a type.

use crate::shared::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IvcDossier {
    Table,
    TransparencyReleasedOn,
    DomicileProvince,
    CertificateQualificationCode,
    CertificateQualificationName,
    CertificateEqfLevel,
    ExamCommission,
}

/// The tables whose code column was CHAR(16).
const CHAR_CODE_TABLES: [&str; 3] = ["audit_log", "libretto", "ivc_dossier"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IvcDossier as D;
        // one column per ALTER: SQLite adds a single column per statement
        for column in [
            ColumnDef::new(D::DomicileProvince).string_len(2).to_owned(),
            ColumnDef::new(D::CertificateQualificationCode)
                .string_len(40)
                .to_owned(),
            ColumnDef::new(D::CertificateQualificationName)
                .string_len(200)
                .to_owned(),
            ColumnDef::new(D::CertificateEqfLevel)
                .small_integer()
                .to_owned(),
            ColumnDef::new(D::ExamCommission).text().to_owned(),
        ] {
            m.alter_table(Table::alter().table(D::Table).add_column(column).to_owned())
                .await?;
        }
        m.create_index(index(
            "ix_ivc_dossier_released",
            D::Table,
            D::TransparencyReleasedOn,
        ))
        .await?;
        if m.get_database_backend() != DatabaseBackend::Sqlite {
            for table in CHAR_CODE_TABLES {
                m.alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .modify_column(
                            ColumnDef::new(Alias::new("fiscal_code"))
                                .string_len(16)
                                .not_null(),
                        )
                        .to_owned(),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// The code columns stay VARCHAR: a provisional code stored since would not fit a CHAR
    /// without its blanks, and a VARCHAR holds every earlier code unchanged.
    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IvcDossier as D;
        m.drop_index(
            Index::drop()
                .name("ix_ivc_dossier_released")
                .table(D::Table)
                .to_owned(),
        )
        .await?;
        for column in [
            D::DomicileProvince,
            D::CertificateQualificationCode,
            D::CertificateQualificationName,
            D::CertificateEqfLevel,
            D::ExamCommission,
        ] {
            m.alter_table(
                Table::alter()
                    .table(D::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
