//! Reports over a million libretti (issue 6) read one narrow index instead of the table and
//! its children:
//! - what libretti contain (experiences by origin, evidences by category) is summed from six
//!   per-libretto tallies instead of joining millions of child rows to the libretto filters;
//!   they are refreshed in the transaction of every change to a libretto's sections
//!   (`store::libretto::refresh_tallies`) and set by the import. The four evidence categories
//!   are seed 000's (reference list `evidence_category`); a new one needs a column here.
//!   Existing libretti are counted now.
//! - every column the libretto reports filter, group or sum is in `ix_libretto_reporting`,
//!   which the database scans alone (index-only on PostgreSQL, covering on SQLite), led by
//!   the area so "by area" streams in order. It makes `ix_libretto_area`, its prefix,
//!   redundant.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Libretto {
    Table,
    Id,
    Area,
    Status,
    IssuedAt,
    Office,
    Gender,
    AgeAtIssue,
    FiscalCode,
    RegionalExperiences,
    SelfDeclaredExperiences,
    FormalEducationEvidences,
    ProfessionalEvidences,
    NonFormalEvidences,
    OtherEvidences,
}

#[derive(DeriveIden)]
enum LibrettoExperience {
    Table,
    LibrettoId,
    Origin,
    Dropped,
}

#[derive(DeriveIden)]
enum Evidence {
    Table,
    LibrettoId,
    Category,
}

const EXPERIENCES: [(Libretto, &str); 2] = [
    (Libretto::RegionalExperiences, "REGIONAL_DB"),
    (Libretto::SelfDeclaredExperiences, "SELF_DECLARED"),
];
const EVIDENCES: [(Libretto, &str); 4] = [
    (Libretto::FormalEducationEvidences, "FORMAL_EDUCATION"),
    (Libretto::ProfessionalEvidences, "PROFESSIONAL"),
    (Libretto::NonFormalEvidences, "NON_FORMAL"),
    (Libretto::OtherEvidences, "OTHER"),
];

fn count_of(select: SelectStatement) -> SimpleExpr {
    SimpleExpr::SubQuery(None, Box::new(select.into_sub_query_statement()))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let columns = EXPERIENCES.iter().chain(EVIDENCES.iter()).map(|c| c.0);
        // one column per ALTER: SQLite adds a single column per statement
        for column in columns {
            m.alter_table(
                Table::alter()
                    .table(Libretto::Table)
                    .add_column(ColumnDef::new(column).integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        }
        let owner = || Expr::col((Libretto::Table, Libretto::Id));
        let mut update = Query::update();
        update.table(Libretto::Table);
        for (column, origin) in EXPERIENCES {
            update.value(
                column,
                count_of(
                    Query::select()
                        .expr(Expr::col(Asterisk).count())
                        .from(LibrettoExperience::Table)
                        .and_where(
                            Expr::col((LibrettoExperience::Table, LibrettoExperience::LibrettoId))
                                .eq(owner()),
                        )
                        .and_where(Expr::col(LibrettoExperience::Dropped).eq(false))
                        .and_where(Expr::col(LibrettoExperience::Origin).eq(origin))
                        .to_owned(),
                ),
            );
        }
        for (column, category) in EVIDENCES {
            update.value(
                column,
                count_of(
                    Query::select()
                        .expr(Expr::col(Asterisk).count())
                        .from(Evidence::Table)
                        .and_where(Expr::col((Evidence::Table, Evidence::LibrettoId)).eq(owner()))
                        .and_where(Expr::col(Evidence::Category).eq(category))
                        .to_owned(),
                ),
            );
        }
        m.exec_stmt(update).await?;
        let mut index = Index::create();
        index.name("ix_libretto_reporting").table(Libretto::Table);
        for column in [
            Libretto::Area,
            Libretto::Status,
            Libretto::IssuedAt,
            Libretto::Office,
            Libretto::Gender,
            Libretto::AgeAtIssue,
            Libretto::FiscalCode,
        ]
        .into_iter()
        .chain(EXPERIENCES.iter().chain(EVIDENCES.iter()).map(|c| c.0))
        {
            index.col(column);
        }
        m.create_index(index).await?;
        m.drop_index(
            Index::drop()
                .name("ix_libretto_area")
                .table(Libretto::Table)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_libretto_area")
                .table(Libretto::Table)
                .col(Libretto::Area)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_libretto_reporting")
                .table(Libretto::Table)
                .to_owned(),
        )
        .await?;
        for column in EXPERIENCES.iter().chain(EVIDENCES.iter()).map(|c| c.0) {
            m.alter_table(
                Table::alter()
                    .table(Libretto::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
