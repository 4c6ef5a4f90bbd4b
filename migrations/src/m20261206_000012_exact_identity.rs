//! Identity is the exact fiscal code (DOMAIN.md §3.1, corrected): an omocode variant is another
//! person. Until now every stored row was keyed by the de-omocoded base code, so two people
//! sharing a base were one citizen here. This migration adds:
//! - `fiscal_code_link`: explicit, audited links from an old code to the code that replaced it;
//! - `identity_rekey`: the one-row state of the re-keying of the rows stored under base codes.
//!   Only the regional sources know which exact codes exist, and a migration cannot ask them,
//!   so the re-keying runs in the application after this migration (`services::identity`),
//!   marked pending here when there is anything to re-key;
//! - `identity_review`: documents that belonged to two people merged under one base and that
//!   no person snapshot tells apart, held until an administrator assigns them;
//! - `audit_identity_map`: which exact codes the audit rows written under a base code (up to
//!   `identity_rekey.audit_watermark`) belong to. Audit rows are hash-chained and never
//!   rewritten, so the map reinterprets them instead.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FiscalCodeLink {
    Table,
    Id,
    FromCode,
    ToCode,
    Reason,
    LinkedAt,
    LinkedBy,
    UnlinkedAt,
    UnlinkedBy,
    UnlinkReason,
}

#[derive(DeriveIden)]
enum IdentityRekey {
    Table,
    Id,
    State,
    AuditWatermark,
    StartedAt,
    DoneAt,
    Summary,
}

#[derive(DeriveIden)]
enum IdentityReview {
    Table,
    Id,
    DocumentKind,
    DocumentId,
    StoredCode,
    HeldCode,
    Candidates,
    Reason,
    CreatedAt,
    ResolvedAt,
    ResolvedBy,
    ResolvedCode,
}

#[derive(DeriveIden)]
enum AuditIdentityMap {
    Table,
    LegacyCode,
    ExactCode,
    Ambiguous,
}

fn code16<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(16).not_null().to_owned()
}

fn stamp<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use FiscalCodeLink as L;
        m.create_table(
            Table::create()
                .table(L::Table)
                .col(
                    ColumnDef::new(L::Id)
                        .string_len(36)
                        .not_null()
                        .primary_key(),
                )
                .col(code16(L::FromCode))
                .col(code16(L::ToCode))
                .col(ColumnDef::new(L::Reason).text().not_null())
                .col(stamp(L::LinkedAt).not_null())
                .col(ColumnDef::new(L::LinkedBy).string_len(200).not_null())
                .col(stamp(L::UnlinkedAt))
                .col(ColumnDef::new(L::UnlinkedBy).string_len(200))
                .col(ColumnDef::new(L::UnlinkReason).text())
                .to_owned(),
        )
        .await?;
        let backend = m.get_database_backend();
        // one active link out of a code; the history of unlinked ones stays beside it
        if backend != DatabaseBackend::MySql {
            m.get_connection()
                .execute_unprepared(
                    "CREATE UNIQUE INDEX ux_fiscal_code_link_active ON fiscal_code_link \
                     (from_code) WHERE unlinked_at IS NULL",
                )
                .await?;
        }
        m.create_index(
            Index::create()
                .name("ix_fiscal_code_link_to")
                .table(L::Table)
                .col(L::ToCode)
                .to_owned(),
        )
        .await?;

        use IdentityRekey as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(ColumnDef::new(R::Id).integer().not_null().primary_key())
                // pending, running or done
                .col(ColumnDef::new(R::State).string_len(16).not_null())
                .col(ColumnDef::new(R::AuditWatermark).big_integer())
                .col(stamp(R::StartedAt))
                .col(stamp(R::DoneAt))
                .col(ColumnDef::new(R::Summary).text())
                .to_owned(),
        )
        .await?;

        use IdentityReview as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(
                    ColumnDef::new(V::Id)
                        .string_len(36)
                        .not_null()
                        .primary_key(),
                )
                // libretto, ivc_dossier or orientation
                .col(ColumnDef::new(V::DocumentKind).string_len(16).not_null())
                .col(ColumnDef::new(V::DocumentId).string_len(36).not_null())
                // the base code the document was stored under
                .col(code16(V::StoredCode))
                // the placeholder key it is held under until assigned
                .col(code16(V::HeldCode))
                // JSON array of the exact codes the sources know for that base
                .col(ColumnDef::new(V::Candidates).text().not_null())
                .col(ColumnDef::new(V::Reason).text().not_null())
                .col(stamp(V::CreatedAt).not_null())
                .col(stamp(V::ResolvedAt))
                .col(ColumnDef::new(V::ResolvedBy).string_len(200))
                .col(ColumnDef::new(V::ResolvedCode).string_len(16))
                .to_owned(),
        )
        .await?;

        use AuditIdentityMap as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(code16(A::LegacyCode))
                .col(code16(A::ExactCode))
                .col(ColumnDef::new(A::Ambiguous).boolean().not_null())
                .primary_key(Index::create().col(A::LegacyCode).col(A::ExactCode))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_identity_map_exact")
                .table(A::Table)
                .col(A::ExactCode)
                .to_owned(),
        )
        .await?;

        // Anything stored under a base code is re-keyed by the application at its next start;
        // audit rows up to the watermark are read through the map that re-keying writes.
        let conn = m.get_connection();
        let stored = [
            "libretto",
            "ivc_dossier",
            "orientation",
            "consent_event",
            "pact_measure",
            "propensity",
            "education_title",
            "cv",
            "portal_transfer",
            "audit_log",
        ]
        .iter()
        .map(|t| format!("SELECT 1 FROM {t}"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
        let has_rows = conn
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT EXISTS ({stored}) AS any_rows"),
            ))
            .await?
            .map(|row| {
                row.try_get::<bool>("", "any_rows")
                    .or_else(|_| row.try_get::<i32>("", "any_rows").map(|v| v != 0))
            })
            .transpose()?
            .unwrap_or(false);
        let state = if has_rows { "pending" } else { "done" };
        conn.execute_raw(Statement::from_string(
            backend,
            format!(
                "INSERT INTO identity_rekey (id, state, audit_watermark) \
                 SELECT 1, '{state}', MAX(id) FROM audit_log"
            ),
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_identity_map",
            "identity_review",
            "identity_rekey",
            "fiscal_code_link",
        ] {
            m.drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
