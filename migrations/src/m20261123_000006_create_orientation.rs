//! Orientation (seed 001, DOMAIN.md §4): one record per citizen with the intake, the consent
//! to job matching and the service pact; its consent history, pact measures, propensities,
//! education titles and CVs; and the outbox of CV transfers to the job portal.

use crate::shared::{id36, index, reference_codes_insert, stamp};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const DATA: &str = include_str!("../data/orientation_codes.csv");

#[derive(DeriveIden)]
enum Orientation {
    Table,
    /// The citizen's base fiscal code.
    Id,
    Version,
    IntakeOn,
    IntakeOffice,
    IntakeBy,
    ConsentMatching,
    ConsentOn,
    ConsentWithdrawnOn,
    SpecialCategories,
    ProfilingNotes,
    PactSignedOn,
    PactOffice,
    PactOperator,
    SearchPlan,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum ConsentEvent {
    Table,
    Id,
    FiscalCode,
    Given,
    OnDate,
    At,
    By,
}

#[derive(DeriveIden)]
enum PactMeasure {
    Table,
    Id,
    FiscalCode,
    Code,
    Status,
    PlannedOn,
    StartedOn,
    DoneOn,
    Notes,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Propensity {
    Table,
    Id,
    FiscalCode,
    OccupationCode,
    OccupationLabel,
    FromWork,
    FromEducation,
    FromTraining,
    InterviewOn,
    SepSector,
    YearsExperience,
    LastYearWorked,
    Notes,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum EducationTitle {
    Table,
    Id,
    FiscalCode,
    Code,
    Year,
    CreatedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Cv {
    Table,
    Id,
    FiscalCode,
    Sha256,
    FileName,
    SizeBytes,
    UploadedAt,
    UploadedBy,
    DeletedAt,
    DeletedBy,
}

#[derive(DeriveIden)]
enum PortalTransfer {
    Table,
    Id,
    FiscalCode,
    CvId,
    IdempotencyKey,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    DeliveredAt,
    PortalCvId,
    PreRegistered,
    CreatedAt,
    CreatedBy,
}

fn code16<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(16).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Orientation as O;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(code16(O::Id).primary_key())
                .col(ColumnDef::new(O::Version).big_integer().not_null())
                .col(ColumnDef::new(O::IntakeOn).date().not_null())
                .col(ColumnDef::new(O::IntakeOffice).string_len(32))
                .col(ColumnDef::new(O::IntakeBy).string_len(128).not_null())
                .col(ColumnDef::new(O::ConsentMatching).boolean().not_null())
                .col(ColumnDef::new(O::ConsentOn).date())
                .col(ColumnDef::new(O::ConsentWithdrawnOn).date())
                // JSON array of special_category codes (GDPR art. 9)
                .col(ColumnDef::new(O::SpecialCategories).text())
                .col(ColumnDef::new(O::ProfilingNotes).text())
                .col(ColumnDef::new(O::PactSignedOn).date())
                .col(ColumnDef::new(O::PactOffice).string_len(32))
                .col(ColumnDef::new(O::PactOperator).string_len(128))
                .col(ColumnDef::new(O::SearchPlan).text())
                .col(stamp(O::CreatedAt))
                .col(ColumnDef::new(O::CreatedBy).string_len(128).not_null())
                .col(stamp(O::UpdatedAt))
                .col(ColumnDef::new(O::UpdatedBy).string_len(128).not_null())
                .to_owned(),
        )
        .await?;

        use ConsentEvent as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(
                    ColumnDef::new(E::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(code16(E::FiscalCode))
                .col(ColumnDef::new(E::Given).boolean().not_null())
                .col(ColumnDef::new(E::OnDate).date().not_null())
                .col(stamp(E::At))
                .col(ColumnDef::new(E::By).string_len(128).not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_consent_event_citizen", E::Table, E::FiscalCode))
            .await?;

        use PactMeasure as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(id36(P::Id).primary_key())
                .col(code16(P::FiscalCode))
                .col(ColumnDef::new(P::Code).string_len(16).not_null())
                .col(ColumnDef::new(P::Status).string_len(16).not_null())
                .col(ColumnDef::new(P::PlannedOn).date().not_null())
                .col(ColumnDef::new(P::StartedOn).date())
                .col(ColumnDef::new(P::DoneOn).date())
                .col(ColumnDef::new(P::Notes).text())
                .col(stamp(P::CreatedAt))
                .col(ColumnDef::new(P::CreatedBy).string_len(128).not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_pact_measure_citizen", P::Table, P::FiscalCode))
            .await?;

        use Propensity as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(id36(R::Id).primary_key())
                .col(code16(R::FiscalCode))
                .col(ColumnDef::new(R::OccupationCode).string_len(16).not_null())
                .col(
                    ColumnDef::new(R::OccupationLabel)
                        .string_len(200)
                        .not_null(),
                )
                .col(ColumnDef::new(R::FromWork).boolean().not_null())
                .col(ColumnDef::new(R::FromEducation).boolean().not_null())
                .col(ColumnDef::new(R::FromTraining).boolean().not_null())
                .col(ColumnDef::new(R::InterviewOn).date().not_null())
                .col(ColumnDef::new(R::SepSector).string_len(16))
                .col(ColumnDef::new(R::YearsExperience).small_integer())
                .col(ColumnDef::new(R::LastYearWorked).small_integer())
                .col(ColumnDef::new(R::Notes).text())
                .col(stamp(R::CreatedAt))
                .col(ColumnDef::new(R::CreatedBy).string_len(128).not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_propensity_citizen", R::Table, R::FiscalCode))
            .await?;

        use EducationTitle as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(id36(T::Id).primary_key())
                .col(code16(T::FiscalCode))
                .col(ColumnDef::new(T::Code).string_len(16).not_null())
                .col(ColumnDef::new(T::Year).small_integer())
                .col(stamp(T::CreatedAt))
                .col(ColumnDef::new(T::CreatedBy).string_len(128).not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_education_title_citizen", T::Table, T::FiscalCode))
            .await?;

        use Cv as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(id36(C::Id).primary_key())
                .col(code16(C::FiscalCode))
                // the PDF itself is in evidence_file, stored once per SHA-256
                .col(ColumnDef::new(C::Sha256).string_len(64).not_null())
                .col(ColumnDef::new(C::FileName).string_len(255).not_null())
                .col(ColumnDef::new(C::SizeBytes).big_integer().not_null())
                .col(stamp(C::UploadedAt))
                .col(ColumnDef::new(C::UploadedBy).string_len(128).not_null())
                .col(ColumnDef::new(C::DeletedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(C::DeletedBy).string_len(128))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_cv_citizen", C::Table, C::FiscalCode))
            .await?;

        use PortalTransfer as X;
        m.create_table(
            Table::create()
                .table(X::Table)
                .col(id36(X::Id).primary_key())
                .col(code16(X::FiscalCode))
                .col(id36(X::CvId))
                .col(id36(X::IdempotencyKey).unique_key())
                .col(ColumnDef::new(X::Status).string_len(16).not_null())
                .col(ColumnDef::new(X::Attempts).integer().not_null())
                .col(stamp(X::NextAttemptAt))
                .col(ColumnDef::new(X::LeaseUntil).timestamp_with_time_zone())
                .col(ColumnDef::new(X::LastError).text())
                .col(ColumnDef::new(X::DeliveredAt).timestamp_with_time_zone())
                .col(ColumnDef::new(X::PortalCvId).string_len(128))
                .col(ColumnDef::new(X::PreRegistered).boolean())
                .col(stamp(X::CreatedAt))
                .col(ColumnDef::new(X::CreatedBy).string_len(128).not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_portal_transfer_citizen", X::Table, X::FiscalCode))
            .await?;
        // the worker's scan: due transfers
        m.create_index(
            Index::create()
                .name("ix_portal_transfer_due")
                .table(X::Table)
                .col(X::Status)
                .col(X::NextAttemptAt)
                .to_owned(),
        )
        .await?;

        m.exec_stmt(reference_codes_insert("orientation_codes.csv", DATA)?)
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PortalTransfer::Table.into_iden(),
            Cv::Table.into_iden(),
            EducationTitle::Table.into_iden(),
            Propensity::Table.into_iden(),
            PactMeasure::Table.into_iden(),
            ConsentEvent::Table.into_iden(),
            Orientation::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.get_connection()
            .execute_unprepared(
                "DELETE FROM reference_code WHERE list IN ('pact_measure', 'special_category')",
            )
            .await?;
        Ok(())
    }
}
