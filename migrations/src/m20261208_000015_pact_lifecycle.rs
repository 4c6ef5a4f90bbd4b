//! The Patto di servizio personalizzato as a lifecycle (issue 24; DOMAIN.md §9 "Bozza →
//! Stipulato → (Aggiornato)* → {Concluso, Decaduto, Chiuso}"): the record keeps the pact's
//! state, its working content and the user category that sets when it is due (V16); each
//! signed version is frozen in `pact_version`, each step in `pact_transition`, and each breach
//! of conditionality (D.Lgs 150/2015 art. 21) in `conditionality_event`.
//!
//! A propensity removed stays, inactive (`removed_on`), in the citizen's history. (The IVC
//! columns and the code columns of the same issue are migration 000017's.)
//!
//! Existing data: a record with `pact_signed_on` had a pact signed once, so it becomes
//! `SIGNED` with version 1 frozen from the columns it had (the measures stay in
//! `pact_measure`, as before).

use crate::shared::{index, stamp};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Orientation {
    Table,
    PactStatus,
    PactVersions,
    PactDraft,
    UserCategory,
    CategorySince,
    PactDueOn,
    Profiling,
}

#[derive(DeriveIden)]
enum Propensity {
    Table,
    RemovedOn,
    RemovedBy,
}

#[derive(DeriveIden)]
enum PactVersion {
    Table,
    FiscalCode,
    N,
    SignedOn,
    Office,
    Operator,
    Content,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PactTransition {
    Table,
    FiscalCode,
    FromStatus,
    ToStatus,
    OnDate,
    At,
    By,
    Note,
}

#[derive(DeriveIden)]
enum ConditionalityEvent {
    Table,
    FiscalCode,
    OnDate,
    Kind,
    Justified,
    Sanction,
    ReportedTo,
    Note,
    At,
    By,
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id"))
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn code16<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(16).not_null().to_owned()
}

fn by<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).string_len(128).not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Orientation as O;
        // one column per ALTER: SQLite adds a single column per statement
        let columns = [
            ColumnDef::new(O::PactStatus).string_len(16).to_owned(),
            ColumnDef::new(O::PactVersions)
                .integer()
                .not_null()
                .default(0)
                .to_owned(),
            ColumnDef::new(O::PactDraft).text().to_owned(),
            ColumnDef::new(O::UserCategory).string_len(32).to_owned(),
            ColumnDef::new(O::CategorySince).date().to_owned(),
            ColumnDef::new(O::PactDueOn).date().to_owned(),
            ColumnDef::new(O::Profiling).text().to_owned(),
        ];
        for column in columns {
            m.alter_table(Table::alter().table(O::Table).add_column(column).to_owned())
                .await?;
        }
        // DOMAIN.md §9 "Propensione: active/inactive; count(active) ≤ 3": a removed one stays
        for column in [
            ColumnDef::new(Propensity::RemovedOn).date().to_owned(),
            ColumnDef::new(Propensity::RemovedBy)
                .string_len(128)
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Propensity::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        // the due list reads by office and due date
        m.create_index(index("ix_orientation_pact_due", O::Table, O::PactDueOn))
            .await?;

        use PactVersion as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(id())
                .col(code16(V::FiscalCode))
                .col(ColumnDef::new(V::N).integer().not_null())
                .col(ColumnDef::new(V::SignedOn).date().not_null())
                .col(ColumnDef::new(V::Office).string_len(32))
                .col(by(V::Operator))
                .col(ColumnDef::new(V::Content).text().not_null())
                .col(stamp(V::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_pact_version")
                .table(V::Table)
                .col(V::FiscalCode)
                .col(V::N)
                .unique()
                .to_owned(),
        )
        .await?;

        use PactTransition as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(id())
                .col(code16(T::FiscalCode))
                .col(ColumnDef::new(T::FromStatus).string_len(16))
                .col(ColumnDef::new(T::ToStatus).string_len(16).not_null())
                .col(ColumnDef::new(T::OnDate).date().not_null())
                .col(stamp(T::At))
                .col(by(T::By))
                .col(ColumnDef::new(T::Note).text())
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_pact_transition_code", T::Table, T::FiscalCode))
            .await?;

        use ConditionalityEvent as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(id())
                .col(code16(C::FiscalCode))
                .col(ColumnDef::new(C::OnDate).date().not_null())
                .col(ColumnDef::new(C::Kind).string_len(32).not_null())
                .col(ColumnDef::new(C::Justified).boolean().not_null())
                .col(ColumnDef::new(C::Sanction).string_len(16).not_null())
                // JSON array: INPS, ANPAL
                .col(ColumnDef::new(C::ReportedTo).text().not_null())
                .col(ColumnDef::new(C::Note).text())
                .col(stamp(C::At))
                .col(by(C::By))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_conditionality_event_code",
            C::Table,
            C::FiscalCode,
        ))
        .await?;

        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE orientation SET pact_status = 'SIGNED', pact_versions = 1 \
             WHERE pact_signed_on IS NOT NULL",
        )
        .await?;
        // built by sea-query so `by` and `at` are quoted for each engine
        let signed = || {
            Query::select()
                .from(O::Table)
                .and_where(Expr::col(Alias::new("pact_signed_on")).is_not_null())
                .to_owned()
        };
        let operator = || {
            Func::coalesce([
                Expr::col(Alias::new("pact_operator")),
                Expr::col(Alias::new("updated_by")),
            ])
        };
        let versions = Query::insert()
            .into_table(V::Table)
            .columns([
                V::FiscalCode,
                V::N,
                V::SignedOn,
                V::Office,
                V::Operator,
                V::Content,
                V::CreatedAt,
            ])
            .select_from(
                signed()
                    .column(Alias::new("id"))
                    .expr(Expr::val(1))
                    .column(Alias::new("pact_signed_on"))
                    .column(Alias::new("pact_office"))
                    .expr(operator())
                    .expr(Expr::val("{\"migrated\":true}"))
                    .column(Alias::new("updated_at"))
                    .to_owned(),
            )
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        m.exec_stmt(versions).await?;
        let steps = Query::insert()
            .into_table(T::Table)
            .columns([
                T::FiscalCode,
                T::FromStatus,
                T::ToStatus,
                T::OnDate,
                T::At,
                T::By,
                T::Note,
            ])
            .select_from(
                signed()
                    .column(Alias::new("id"))
                    .expr(Expr::val(Option::<String>::None))
                    .expr(Expr::val("SIGNED"))
                    .column(Alias::new("pact_signed_on"))
                    .column(Alias::new("updated_at"))
                    .expr(operator())
                    .expr(Expr::val("recorded before the pact had a lifecycle"))
                    .to_owned(),
            )
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        m.exec_stmt(steps).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Orientation as O;
        for table in [
            ConditionalityEvent::Table.into_iden(),
            PactTransition::Table.into_iden(),
            PactVersion::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.drop_index(
            Index::drop()
                .name("ix_orientation_pact_due")
                .table(O::Table)
                .to_owned(),
        )
        .await?;
        for column in [Propensity::RemovedOn, Propensity::RemovedBy] {
            m.alter_table(
                Table::alter()
                    .table(Propensity::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        for column in [
            O::PactStatus,
            O::PactVersions,
            O::PactDraft,
            O::UserCategory,
            O::CategorySince,
            O::PactDueOn,
            O::Profiling,
        ] {
            m.alter_table(
                Table::alter()
                    .table(O::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
