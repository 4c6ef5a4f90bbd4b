//! IVC dossiers (DOMAIN.md §2): the dossier with its released documents, the sessions
//! (interviews, tests, back office) that make its hours, the competences referred to the
//! regional repertoire, and the state history.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IvcDossier {
    Table,
    Id,
    FiscalCode,
    Region,
    Status,
    Outcome,
    RequestedOn,
    StateSince,
    Provider,
    Office,
    Program,
    AdhesionSignedOn,
    MaxMinutes,
    HourlyCostCents,
    MinutesUsed,
    TransparencyReleasedOn,
    TransparencyPerson,
    LibrettoId,
    LibrettoNumber,
    LibrettoVersion,
    Experiences,
    ValidationResult,
    ValidationDecidedOn,
    AttestatoNumber,
    AttestatoIssuedOn,
    Attestato,
    AttestatoPerson,
    ExamSessionOn,
    CertificationPassed,
    CertificateNumber,
    CertificationDecidedOn,
    ClosedOn,
    CloseReason,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    UpdatedBy,
    Version,
}

#[derive(DeriveIden)]
enum IvcSession {
    Table,
    Id,
    DossierId,
    Phase,
    Kind,
    HeldOn,
    Minutes,
    Operator,
    OperatorRole,
    Notes,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum IvcCompetence {
    Table,
    Id,
    DossierId,
    Position,
    Description,
    SepSector,
    QualificationCode,
    QualificationName,
    AdaCodes,
    EqfLevel,
    LearningContext,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum IvcTransition {
    Table,
    Id,
    DossierId,
    FromStatus,
    ToStatus,
    OnDate,
    At,
    By,
    Note,
}

fn id36<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

fn stamp<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn index<T: IntoIden>(name: &str, table: T, col: T) -> IndexCreateStatement {
    Index::create().name(name).table(table).col(col).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IvcDossier as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(id36(D::Id).primary_key())
                // the base (de-omocoded) code
                .col(ColumnDef::new(D::FiscalCode).char_len(16).not_null())
                .col(ColumnDef::new(D::Region).string_len(8).not_null())
                .col(ColumnDef::new(D::Status).string_len(32).not_null())
                .col(ColumnDef::new(D::Outcome).string_len(32))
                .col(ColumnDef::new(D::RequestedOn).date().not_null())
                .col(ColumnDef::new(D::StateSince).date().not_null())
                // ente titolato
                .col(ColumnDef::new(D::Provider).string_len(200).not_null())
                .col(ColumnDef::new(D::Office).string_len(32))
                .col(ColumnDef::new(D::Program).string_len(100))
                .col(ColumnDef::new(D::AdhesionSignedOn).date())
                // the region's cap and unit cost when the dossier was requested
                .col(ColumnDef::new(D::MaxMinutes).integer().not_null())
                .col(ColumnDef::new(D::HourlyCostCents).big_integer().not_null())
                .col(
                    ColumnDef::new(D::MinutesUsed)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(ColumnDef::new(D::TransparencyReleasedOn).date())
                .col(ColumnDef::new(D::TransparencyPerson).text())
                .col(ColumnDef::new(D::LibrettoId).string_len(36))
                .col(ColumnDef::new(D::LibrettoNumber).string_len(40))
                .col(ColumnDef::new(D::LibrettoVersion).integer())
                .col(ColumnDef::new(D::Experiences).text())
                .col(ColumnDef::new(D::ValidationResult).string_len(16))
                .col(ColumnDef::new(D::ValidationDecidedOn).date())
                .col(
                    ColumnDef::new(D::AttestatoNumber)
                        .string_len(40)
                        .unique_key(),
                )
                .col(ColumnDef::new(D::AttestatoIssuedOn).date())
                .col(ColumnDef::new(D::Attestato).text())
                .col(ColumnDef::new(D::AttestatoPerson).text())
                .col(ColumnDef::new(D::ExamSessionOn).date())
                .col(ColumnDef::new(D::CertificationPassed).boolean())
                .col(ColumnDef::new(D::CertificateNumber).string_len(40))
                .col(ColumnDef::new(D::CertificationDecidedOn).date())
                .col(ColumnDef::new(D::ClosedOn).date())
                .col(ColumnDef::new(D::CloseReason).string_len(500))
                .col(stamp(D::CreatedAt))
                .col(ColumnDef::new(D::CreatedBy).string_len(128).not_null())
                .col(stamp(D::UpdatedAt))
                .col(ColumnDef::new(D::UpdatedBy).string_len(128).not_null())
                .col(
                    ColumnDef::new(D::Version)
                        .big_integer()
                        .not_null()
                        .default(1),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_ivc_dossier_fiscal_code", D::FiscalCode),
            ("ix_ivc_dossier_status", D::Status),
            ("ix_ivc_dossier_requested_on", D::RequestedOn),
            ("ix_ivc_dossier_attestato_issued_on", D::AttestatoIssuedOn),
        ] {
            m.create_index(index(name, D::Table, col)).await?;
        }
        // One open path per citizen at a time; the unique index decides between two
        // concurrent requests. Partial indexes exist on PostgreSQL and SQLite, the store's
        // engines; MariaDB has none and is only a test store.
        if m.get_database_backend() != sea_orm_migration::sea_orm::DatabaseBackend::MySql {
            m.get_connection()
                .execute_unprepared(
                    "CREATE UNIQUE INDEX ux_ivc_dossier_open ON ivc_dossier (fiscal_code) \
                     WHERE status <> 'CLOSED'",
                )
                .await?;
        }

        use IvcSession as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(id36(S::Id).primary_key())
                .col(id36(S::DossierId))
                .col(ColumnDef::new(S::Phase).string_len(32).not_null())
                .col(ColumnDef::new(S::Kind).string_len(32).not_null())
                .col(ColumnDef::new(S::HeldOn).date().not_null())
                .col(ColumnDef::new(S::Minutes).integer().not_null())
                .col(ColumnDef::new(S::Operator).string_len(128).not_null())
                .col(ColumnDef::new(S::OperatorRole).string_len(32).not_null())
                .col(ColumnDef::new(S::Notes).text())
                .col(stamp(S::CreatedAt))
                .col(ColumnDef::new(S::CreatedBy).string_len(128).not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(S::Table, S::DossierId)
                        .to(D::Table, D::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_ivc_session_dossier", S::Table, S::DossierId))
            .await?;

        use IvcCompetence as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(id36(C::Id).primary_key())
                .col(id36(C::DossierId))
                .col(ColumnDef::new(C::Position).integer().not_null())
                .col(ColumnDef::new(C::Description).text().not_null())
                .col(ColumnDef::new(C::SepSector).string_len(16).not_null())
                .col(ColumnDef::new(C::QualificationCode).string_len(64))
                .col(ColumnDef::new(C::QualificationName).string_len(300))
                // JSON array of ADA codes
                .col(ColumnDef::new(C::AdaCodes).text().not_null())
                .col(ColumnDef::new(C::EqfLevel).small_integer())
                .col(ColumnDef::new(C::LearningContext).string_len(16).not_null())
                .col(stamp(C::CreatedAt))
                .col(ColumnDef::new(C::CreatedBy).string_len(128).not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::DossierId)
                        .to(D::Table, D::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_ivc_competence_dossier", C::Table, C::DossierId))
            .await?;
        // the `sector` filter and the reporting by SEP sector
        m.create_index(index(
            "ix_ivc_competence_sep_sector",
            C::Table,
            C::SepSector,
        ))
        .await?;

        use IvcTransition as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(
                    ColumnDef::new(T::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(id36(T::DossierId))
                .col(ColumnDef::new(T::FromStatus).string_len(32))
                .col(ColumnDef::new(T::ToStatus).string_len(32).not_null())
                // the business date of the step (adhesion signed, document released...)
                .col(ColumnDef::new(T::OnDate).date().not_null())
                .col(stamp(T::At))
                .col(ColumnDef::new(T::By).string_len(128).not_null())
                .col(ColumnDef::new(T::Note).string_len(500))
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::DossierId)
                        .to(D::Table, D::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_ivc_transition_dossier", T::Table, T::DossierId))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IvcTransition::Table.into_iden(),
            IvcCompetence::Table.into_iden(),
            IvcSession::Table.into_iden(),
            IvcDossier::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
