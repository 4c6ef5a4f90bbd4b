//! Batched reads of IVC dossiers: one `WHERE … IN (…)` statement per relation whatever the
//! number of keys (the loaders' side of DESIGN.md principle 1), and the filtered list.

use crate::domain::ivc::{IvcOutcome, IvcStatus};
use crate::error::AppError;
use chrono::NaiveDate;
use entities::{ivc_competence, ivc_dossier, ivc_session, ivc_transition};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<ivc_dossier::Model, AppError> {
    ivc_dossier::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("IVC dossier {id} does not exist")))
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<ivc_dossier::Model>, sea_orm::DbErr> {
    ivc_dossier::Entity::find()
        .filter(ivc_dossier::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await
}

/// Every dossier of these citizens (exact codes), newest request first.
pub async fn of_citizens(
    db: &impl ConnectionTrait,
    fiscal_codes: &[String],
) -> Result<Vec<ivc_dossier::Model>, sea_orm::DbErr> {
    ivc_dossier::Entity::find()
        .filter(ivc_dossier::Column::FiscalCode.is_in(fiscal_codes.iter().cloned()))
        .order_by_desc(ivc_dossier::Column::RequestedOn)
        .order_by_desc(ivc_dossier::Column::CreatedAt)
        .all(db)
        .await
}

/// Sessions in the order they were held.
pub async fn sessions_of(
    db: &impl ConnectionTrait,
    dossier_ids: &[String],
) -> Result<Vec<ivc_session::Model>, sea_orm::DbErr> {
    ivc_session::Entity::find()
        .filter(ivc_session::Column::DossierId.is_in(dossier_ids.iter().cloned()))
        .order_by_asc(ivc_session::Column::HeldOn)
        .order_by_asc(ivc_session::Column::CreatedAt)
        .order_by_asc(ivc_session::Column::Id)
        .all(db)
        .await
}

pub async fn competences_of(
    db: &impl ConnectionTrait,
    dossier_ids: &[String],
) -> Result<Vec<ivc_competence::Model>, sea_orm::DbErr> {
    ivc_competence::Entity::find()
        .filter(ivc_competence::Column::DossierId.is_in(dossier_ids.iter().cloned()))
        .order_by_asc(ivc_competence::Column::Position)
        .all(db)
        .await
}

pub async fn transitions_of(
    db: &impl ConnectionTrait,
    dossier_ids: &[String],
) -> Result<Vec<ivc_transition::Model>, sea_orm::DbErr> {
    ivc_transition::Entity::find()
        .filter(ivc_transition::Column::DossierId.is_in(dossier_ids.iter().cloned()))
        .order_by_asc(ivc_transition::Column::Id)
        .all(db)
        .await
}

/// What `ivcDossiers` filters on.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    pub status: Option<IvcStatus>,
    pub outcome: Option<IvcOutcome>,
    /// SEP sector of at least one competence.
    pub sector: Option<String>,
    /// Year of the request date.
    pub year: Option<i32>,
}

/// Keyset position: the last (requested_on, id) of the previous page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListCursor {
    pub requested_on: NaiveDate,
    pub id: String,
}

/// Newest request first, then id; at most `limit + 1` rows so the caller knows whether
/// another page follows. The filters use the status, requested_on and SEP sector indexes.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &DossierFilter,
    after: Option<&ListCursor>,
    limit: usize,
) -> Result<Vec<ivc_dossier::Model>, AppError> {
    use ivc_dossier::Column as D;
    let mut query = ivc_dossier::Entity::find();
    if let Some(status) = filter.status {
        query = query.filter(D::Status.eq(status.as_str()));
    }
    if let Some(outcome) = filter.outcome {
        query = query.filter(D::Outcome.eq(outcome.as_str()));
    }
    if let Some(year) = filter.year {
        let bounds = NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31));
        let Some((first, last)) = bounds else {
            return Err(AppError::bad_input(
                "filter.year",
                format!("filter.year: {year} is not a calendar year"),
            ));
        };
        query = query.filter(D::RequestedOn.between(first, last));
    }
    if let Some(sector) = &filter.sector {
        let with_sector = Query::select()
            .column(ivc_competence::Column::DossierId)
            .from(ivc_competence::Entity)
            .and_where(Expr::col(ivc_competence::Column::SepSector).eq(sector.as_str()))
            .to_owned();
        query = query.filter(D::Id.in_subquery(with_sector));
    }
    if let Some(cursor) = after {
        query = query.filter(
            Condition::any()
                .add(D::RequestedOn.lt(cursor.requested_on))
                .add(
                    Condition::all()
                        .add(D::RequestedOn.eq(cursor.requested_on))
                        .add(D::Id.lt(cursor.id.as_str())),
                ),
        );
    }
    Ok(query
        .order_by_desc(D::RequestedOn)
        .order_by_desc(D::Id)
        .limit(limit as u64 + 1)
        .all(db)
        .await?)
}
