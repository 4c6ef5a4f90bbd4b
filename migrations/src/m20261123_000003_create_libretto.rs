//! The Libretto formativo del cittadino (DOMAIN.md §1) and the evidences shared with IVC
//! dossiers: documents, their experiences and competences, immutable consolidated versions,
//! the state history, attached files, and the counters that number issued documents.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Libretto {
    Table,
    Id,
    FiscalCode,
    Region,
    Area,
    Office,
    Status,
    Number,
    IssuedAt,
    LastConsolidatedAt,
    VersionsIssued,
    PersonSnapshot,
    CancelReason,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum LibrettoExperience {
    Table,
    Id,
    LibrettoId,
    Position,
    Kind,
    Origin,
    SourceName,
    SourceRowId,
    Organisation,
    Title,
    StartDate,
    EndDate,
    ContractType,
    OccupationCode,
    SectorCode,
    WeeklyHours,
    TrainingKind,
    Hours,
    Outcome,
    QualificationCode,
    EqfLevel,
    Description,
    Original,
    Edited,
    Dropped,
    DropReason,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum LibrettoCompetence {
    Table,
    Id,
    LibrettoId,
    Position,
    CompetenceType,
    Description,
    Context,
    PeriodFrom,
    PeriodTo,
    AdaCode,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    Id,
    LibrettoId,
    IvcDossierId,
    Category,
    Title,
    Issuer,
    IssuedOn,
    FileName,
    MediaType,
    SizeBytes,
    Sha256,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum EvidenceFile {
    Table,
    Sha256,
    MediaType,
    SizeBytes,
    Content,
}

#[derive(DeriveIden)]
enum CompetenceEvidence {
    Table,
    CompetenceId,
    EvidenceId,
}

#[derive(DeriveIden)]
enum LibrettoVersion {
    Table,
    Id,
    LibrettoId,
    N,
    Number,
    ConsolidatedAt,
    ConsolidatedBy,
    Content,
}

#[derive(DeriveIden)]
enum LibrettoTransition {
    Table,
    Id,
    LibrettoId,
    FromStatus,
    ToStatus,
    At,
    By,
    Note,
}

#[derive(DeriveIden)]
enum DocumentCounter {
    Table,
    Name,
    Value,
}

fn id36<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(36).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Libretto::Table)
                .col(id36(Libretto::Id).primary_key())
                .col(ColumnDef::new(Libretto::FiscalCode).char_len(16).not_null())
                .col(ColumnDef::new(Libretto::Region).string_len(8).not_null())
                .col(ColumnDef::new(Libretto::Area).string_len(40))
                .col(ColumnDef::new(Libretto::Office).string_len(32))
                .col(ColumnDef::new(Libretto::Status).string_len(20).not_null())
                .col(ColumnDef::new(Libretto::Number).string_len(40).unique_key())
                .col(ColumnDef::new(Libretto::IssuedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(Libretto::LastConsolidatedAt).timestamp_with_time_zone())
                .col(
                    ColumnDef::new(Libretto::VersionsIssued)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(ColumnDef::new(Libretto::PersonSnapshot).text().not_null())
                .col(ColumnDef::new(Libretto::CancelReason).string_len(500))
                .col(
                    ColumnDef::new(Libretto::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Libretto::CreatedBy)
                        .string_len(128)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Libretto::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(ColumnDef::new(Libretto::Version).big_integer().not_null())
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_libretto_fiscal_code", vec![Libretto::FiscalCode]),
            ("ix_libretto_status", vec![Libretto::Status]),
            ("ix_libretto_issued_at", vec![Libretto::IssuedAt]),
            ("ix_libretto_area", vec![Libretto::Area]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Libretto::Table);
            for col in cols {
                index.col(col);
            }
            m.create_index(index).await?;
        }
        // One libretto per citizen at a time; a cancelled one keeps its history beside the next.
        // (Partial indexes exist on PostgreSQL and SQLite, the store's engines; MariaDB has
        // none, and is only a test store there.)
        if m.get_database_backend() != sea_orm_migration::sea_orm::DatabaseBackend::MySql {
            m.get_connection()
                .execute_unprepared(
                    "CREATE UNIQUE INDEX ux_libretto_active ON libretto (fiscal_code) \
                     WHERE status <> 'CANCELLED'",
                )
                .await?;
        }

        m.create_table(
            Table::create()
                .table(LibrettoExperience::Table)
                .col(id36(LibrettoExperience::Id).primary_key())
                .col(id36(LibrettoExperience::LibrettoId))
                .col(
                    ColumnDef::new(LibrettoExperience::Position)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoExperience::Kind)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoExperience::Origin)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(LibrettoExperience::SourceName).string_len(64))
                .col(ColumnDef::new(LibrettoExperience::SourceRowId).string_len(64))
                .col(ColumnDef::new(LibrettoExperience::Organisation).string_len(200))
                .col(ColumnDef::new(LibrettoExperience::Title).string_len(300))
                .col(ColumnDef::new(LibrettoExperience::StartDate).date())
                .col(ColumnDef::new(LibrettoExperience::EndDate).date())
                .col(ColumnDef::new(LibrettoExperience::ContractType).string_len(8))
                .col(ColumnDef::new(LibrettoExperience::OccupationCode).string_len(16))
                .col(ColumnDef::new(LibrettoExperience::SectorCode).string_len(10))
                .col(ColumnDef::new(LibrettoExperience::WeeklyHours).double())
                .col(ColumnDef::new(LibrettoExperience::TrainingKind).string_len(20))
                .col(ColumnDef::new(LibrettoExperience::Hours).integer())
                .col(ColumnDef::new(LibrettoExperience::Outcome).string_len(20))
                .col(ColumnDef::new(LibrettoExperience::QualificationCode).string_len(32))
                .col(ColumnDef::new(LibrettoExperience::EqfLevel).small_integer())
                .col(ColumnDef::new(LibrettoExperience::Description).text())
                .col(ColumnDef::new(LibrettoExperience::Original).text())
                .col(
                    ColumnDef::new(LibrettoExperience::Edited)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(
                    ColumnDef::new(LibrettoExperience::Dropped)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(LibrettoExperience::DropReason).string_len(500))
                .col(
                    ColumnDef::new(LibrettoExperience::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoExperience::UpdatedBy)
                        .string_len(128)
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(LibrettoExperience::Table, LibrettoExperience::LibrettoId)
                        .to(Libretto::Table, Libretto::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_libretto_experience_libretto")
                .table(LibrettoExperience::Table)
                .col(LibrettoExperience::LibrettoId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LibrettoCompetence::Table)
                .col(id36(LibrettoCompetence::Id).primary_key())
                .col(id36(LibrettoCompetence::LibrettoId))
                .col(
                    ColumnDef::new(LibrettoCompetence::Position)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoCompetence::CompetenceType)
                        .string_len(32)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoCompetence::Description)
                        .text()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoCompetence::Context)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(LibrettoCompetence::PeriodFrom).date())
                .col(ColumnDef::new(LibrettoCompetence::PeriodTo).date())
                .col(ColumnDef::new(LibrettoCompetence::AdaCode).string_len(32))
                .col(
                    ColumnDef::new(LibrettoCompetence::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoCompetence::CreatedBy)
                        .string_len(128)
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(LibrettoCompetence::Table, LibrettoCompetence::LibrettoId)
                        .to(Libretto::Table, Libretto::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_libretto_competence_libretto")
                .table(LibrettoCompetence::Table)
                .col(LibrettoCompetence::LibrettoId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(EvidenceFile::Table)
                .col(
                    ColumnDef::new(EvidenceFile::Sha256)
                        .char_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(EvidenceFile::MediaType)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(EvidenceFile::SizeBytes)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(EvidenceFile::Content).blob().not_null())
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Evidence::Table)
                .col(id36(Evidence::Id).primary_key())
                // exactly one owner: a libretto or an IVC dossier
                .col(ColumnDef::new(Evidence::LibrettoId).string_len(36))
                .col(ColumnDef::new(Evidence::IvcDossierId).string_len(36))
                .col(ColumnDef::new(Evidence::Category).string_len(32).not_null())
                .col(ColumnDef::new(Evidence::Title).string_len(300).not_null())
                .col(ColumnDef::new(Evidence::Issuer).string_len(200))
                .col(ColumnDef::new(Evidence::IssuedOn).date())
                .col(ColumnDef::new(Evidence::FileName).string_len(255))
                .col(ColumnDef::new(Evidence::MediaType).string_len(64))
                .col(ColumnDef::new(Evidence::SizeBytes).big_integer())
                .col(ColumnDef::new(Evidence::Sha256).char_len(64))
                .col(
                    ColumnDef::new(Evidence::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Evidence::CreatedBy)
                        .string_len(128)
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Evidence::Table, Evidence::LibrettoId)
                        .to(Libretto::Table, Libretto::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Evidence::Table, Evidence::Sha256)
                        .to(EvidenceFile::Table, EvidenceFile::Sha256),
                )
                .check(
                    Expr::col(Evidence::LibrettoId)
                        .is_not_null()
                        .or(Expr::col(Evidence::IvcDossierId).is_not_null()),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_evidence_libretto", Evidence::LibrettoId),
            ("ix_evidence_ivc_dossier", Evidence::IvcDossierId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Evidence::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(CompetenceEvidence::Table)
                .col(id36(CompetenceEvidence::CompetenceId))
                .col(id36(CompetenceEvidence::EvidenceId))
                .primary_key(
                    Index::create()
                        .col(CompetenceEvidence::CompetenceId)
                        .col(CompetenceEvidence::EvidenceId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CompetenceEvidence::Table, CompetenceEvidence::CompetenceId)
                        .to(LibrettoCompetence::Table, LibrettoCompetence::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CompetenceEvidence::Table, CompetenceEvidence::EvidenceId)
                        .to(Evidence::Table, Evidence::Id),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LibrettoVersion::Table)
                .col(
                    ColumnDef::new(LibrettoVersion::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(id36(LibrettoVersion::LibrettoId))
                .col(ColumnDef::new(LibrettoVersion::N).integer().not_null())
                .col(
                    ColumnDef::new(LibrettoVersion::Number)
                        .string_len(40)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoVersion::ConsolidatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoVersion::ConsolidatedBy)
                        .string_len(128)
                        .not_null(),
                )
                .col(ColumnDef::new(LibrettoVersion::Content).text().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(LibrettoVersion::Table, LibrettoVersion::LibrettoId)
                        .to(Libretto::Table, Libretto::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_libretto_version")
                .table(LibrettoVersion::Table)
                .col(LibrettoVersion::LibrettoId)
                .col(LibrettoVersion::N)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LibrettoTransition::Table)
                .col(
                    ColumnDef::new(LibrettoTransition::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(id36(LibrettoTransition::LibrettoId))
                .col(ColumnDef::new(LibrettoTransition::FromStatus).string_len(20))
                .col(
                    ColumnDef::new(LibrettoTransition::ToStatus)
                        .string_len(20)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoTransition::At)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(LibrettoTransition::By)
                        .string_len(128)
                        .not_null(),
                )
                .col(ColumnDef::new(LibrettoTransition::Note).string_len(500))
                .foreign_key(
                    ForeignKey::create()
                        .from(LibrettoTransition::Table, LibrettoTransition::LibrettoId)
                        .to(Libretto::Table, Libretto::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_libretto_transition_libretto")
                .table(LibrettoTransition::Table)
                .col(LibrettoTransition::LibrettoId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(DocumentCounter::Table)
                .col(
                    ColumnDef::new(DocumentCounter::Name)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(DocumentCounter::Value)
                        .big_integer()
                        .not_null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DocumentCounter::Table.into_iden(),
            LibrettoTransition::Table.into_iden(),
            LibrettoVersion::Table.into_iden(),
            CompetenceEvidence::Table.into_iden(),
            Evidence::Table.into_iden(),
            EvidenceFile::Table.into_iden(),
            LibrettoCompetence::Table.into_iden(),
            LibrettoExperience::Table.into_iden(),
            Libretto::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
