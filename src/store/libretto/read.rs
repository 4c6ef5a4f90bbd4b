//! The libretto reads: by id, by citizen, each relation for many libretti in one statement
//! (the loaders' batches), and the newest-first listing with a keyset cursor.

use crate::domain::libretto::LibrettoStatus;
use crate::error::AppError;
use chrono::Utc;
use entities::{
    competence_evidence, libretto, libretto_competence, libretto_experience, libretto_transition,
    libretto_version,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<libretto::Model, AppError> {
    libretto::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("libretto {id} does not exist")))
}

pub(super) async fn active_of(
    db: &impl ConnectionTrait,
    fiscal_code: &str,
) -> Result<Option<libretto::Model>, AppError> {
    Ok(libretto::Entity::find()
        .filter(libretto::Column::FiscalCode.eq(fiscal_code))
        .filter(libretto::Column::Status.ne(LibrettoStatus::Cancelled.as_str()))
        .one(db)
        .await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<libretto::Model>, sea_orm::DbErr> {
    libretto::Entity::find()
        .filter(libretto::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await
}

/// Every libretto of these citizens, newest first.
pub async fn of_citizens(
    db: &impl ConnectionTrait,
    fiscal_codes: &[String],
) -> Result<Vec<libretto::Model>, sea_orm::DbErr> {
    libretto::Entity::find()
        .filter(libretto::Column::FiscalCode.is_in(fiscal_codes.iter().cloned()))
        .order_by_desc(libretto::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn experiences_of(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<libretto_experience::Model>, sea_orm::DbErr> {
    libretto_experience::Entity::find()
        .filter(libretto_experience::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(libretto_experience::Column::Position)
        .all(db)
        .await
}

pub async fn competences_of(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<libretto_competence::Model>, sea_orm::DbErr> {
    libretto_competence::Entity::find()
        .filter(libretto_competence::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(libretto_competence::Column::Position)
        .all(db)
        .await
}

pub async fn evidence_links_of(
    db: &impl ConnectionTrait,
    competence_ids: &[String],
) -> Result<Vec<competence_evidence::Model>, sea_orm::DbErr> {
    if competence_ids.is_empty() {
        return Ok(Vec::new());
    }
    competence_evidence::Entity::find()
        .filter(competence_evidence::Column::CompetenceId.is_in(competence_ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn versions_of(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<libretto_version::Model>, sea_orm::DbErr> {
    libretto_version::Entity::find()
        .filter(libretto_version::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(libretto_version::Column::N)
        .all(db)
        .await
}

/// One consolidated version of a libretto: number `n`, or the latest when `n` is `None`.
pub async fn version_of(
    db: &impl ConnectionTrait,
    libretto_id: &str,
    n: Option<i32>,
) -> Result<Option<libretto_version::Model>, sea_orm::DbErr> {
    let query = libretto_version::Entity::find()
        .filter(libretto_version::Column::LibrettoId.eq(libretto_id));
    match n {
        Some(n) => {
            query
                .filter(libretto_version::Column::N.eq(n))
                .one(db)
                .await
        }
        None => {
            query
                .order_by_desc(libretto_version::Column::N)
                .one(db)
                .await
        }
    }
}

pub async fn transitions_of(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<libretto_transition::Model>, sea_orm::DbErr> {
    libretto_transition::Entity::find()
        .filter(libretto_transition::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(libretto_transition::Column::Id)
        .all(db)
        .await
}

// ---- listing with a keyset cursor ----

pub struct ListQuery {
    pub area: Option<String>,
    pub status: Option<LibrettoStatus>,
    pub issued_from: Option<chrono::NaiveDate>,
    pub issued_to: Option<chrono::NaiveDate>,
    pub office: Option<String>,
    pub after: Option<ListCursor>,
    pub size: usize,
}

/// Position in the newest-first order: (created_at, id).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListCursor {
    pub created_at: chrono::DateTime<Utc>,
    pub id: String,
}

impl ListCursor {
    pub fn of(model: &libretto::Model) -> Self {
        ListCursor {
            created_at: model.created_at,
            id: model.id.clone(),
        }
    }
}

/// One page of libretti, newest first; `true` when more follow.
pub async fn list(
    db: &impl ConnectionTrait,
    query: &ListQuery,
) -> Result<(Vec<libretto::Model>, bool), AppError> {
    use sea_orm::{Condition, QuerySelect};
    let mut select = libretto::Entity::find();
    if let Some(area) = &query.area {
        select = select.filter(libretto::Column::Area.eq(area.clone()));
    }
    if let Some(status) = query.status {
        select = select.filter(libretto::Column::Status.eq(status.as_str()));
    }
    if let Some(office) = &query.office {
        select = select.filter(libretto::Column::Office.eq(office.clone()));
    }
    if let Some(from) = query.issued_from {
        let from = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        select = select.filter(libretto::Column::IssuedAt.gte(from));
    }
    if let Some(to) = query.issued_to {
        let next = to
            .succ_opt()
            .unwrap_or(to)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        select = select.filter(libretto::Column::IssuedAt.lt(next));
    }
    if let Some(after) = &query.after {
        select = select.filter(
            Condition::any()
                .add(libretto::Column::CreatedAt.lt(after.created_at))
                .add(
                    Condition::all()
                        .add(libretto::Column::CreatedAt.eq(after.created_at))
                        .add(libretto::Column::Id.lt(after.id.clone())),
                ),
        );
    }
    let mut rows = select
        .order_by_desc(libretto::Column::CreatedAt)
        .order_by_desc(libretto::Column::Id)
        .limit(u64::try_from(query.size + 1).unwrap_or(u64::MAX))
        .all(db)
        .await?;
    let has_next = rows.len() > query.size;
    rows.truncate(query.size);
    Ok((rows, has_next))
}
