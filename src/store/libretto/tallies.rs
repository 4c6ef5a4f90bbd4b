//! The reporting tallies on the libretto row (migration 000009), recounted by every write.

use entities::{evidence, libretto, libretto_experience};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The reporting tallies on the libretto row (migration 000009): experiences kept, by origin.
pub const EXPERIENCE_TALLIES: [(libretto::Column, &str); 2] = [
    (libretto::Column::RegionalExperiences, "REGIONAL_DB"),
    (libretto::Column::SelfDeclaredExperiences, "SELF_DECLARED"),
];
/// … and evidences by seed 000's four categories.
pub const EVIDENCE_TALLIES: [(libretto::Column, &str); 4] = [
    (
        libretto::Column::FormalEducationEvidences,
        "FORMAL_EDUCATION",
    ),
    (libretto::Column::ProfessionalEvidences, "PROFESSIONAL"),
    (libretto::Column::NonFormalEvidences, "NON_FORMAL"),
    (libretto::Column::OtherEvidences, "OTHER"),
];

/// Recounts libretto `id`'s tallies from its rows, in the caller's transaction: one UPDATE
/// whatever the change was, so they cannot drift from the sections they count.
pub async fn refresh_tallies(db: &impl ConnectionTrait, id: &str) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::{Asterisk, Query, QueryStatementBuilder, SelectStatement, SimpleExpr};
    let count = |select: &mut SelectStatement| -> SimpleExpr {
        SimpleExpr::SubQuery(
            None,
            Box::new(
                select
                    .expr(Expr::col(Asterisk).count())
                    .to_owned()
                    .into_sub_query_statement(),
            ),
        )
    };
    let owner = || Expr::col((libretto::Entity, libretto::Column::Id));
    let mut update = libretto::Entity::update_many().filter(libretto::Column::Id.eq(id));
    for (column, origin) in EXPERIENCE_TALLIES {
        let mut select = Query::select();
        select
            .from(libretto_experience::Entity)
            .and_where(
                Expr::col((
                    libretto_experience::Entity,
                    libretto_experience::Column::LibrettoId,
                ))
                .eq(owner()),
            )
            .and_where(libretto_experience::Column::Dropped.eq(false))
            .and_where(libretto_experience::Column::Origin.eq(origin));
        update = update.col_expr(column, count(&mut select));
    }
    for (column, category) in EVIDENCE_TALLIES {
        let mut select = Query::select();
        select
            .from(evidence::Entity)
            .and_where(Expr::col((evidence::Entity, evidence::Column::LibrettoId)).eq(owner()))
            .and_where(evidence::Column::Category.eq(category));
        update = update.col_expr(column, count(&mut select));
    }
    update.exec(db).await?;
    Ok(())
}
