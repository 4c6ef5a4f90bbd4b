//! The libretto in the store: every mutation as one transaction (version claimed first, audit
//! row last) and the lifecycle steps. All SQL of the libretto tables is in this module: the
//! sections in `experiences` and `competences`, the frozen versions in `consolidate`, the
//! reporting tallies in `tallies`, the batched reads the loaders use in `read`.

mod competences;
mod consolidate;
mod convert;
mod experiences;
mod read;
mod tallies;

pub use competences::*;
pub use consolidate::*;
pub use convert::*;
pub use experiences::*;
pub use read::*;
pub use tallies::*;

use super::write::{self, Actor};
use crate::domain::libretto::{ExperienceData, LibrettoStatus, PersonSnapshot};
use crate::error::AppError;
use chrono::Utc;
use entities::{libretto, libretto_experience, libretto_transition};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set, SqlErr,
};

pub const TABLE: &str = "libretto";

/// A new libretto: the snapshot and the prefilled experiences (DOMAIN.md §1.3).
pub struct NewLibretto {
    pub fiscal_code: String,
    pub region: String,
    pub area: Option<String>,
    pub office: Option<String>,
    pub person: PersonSnapshot,
    pub experiences: Vec<ExperienceData>,
}

pub async fn open(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewLibretto,
) -> Result<libretto::Model, AppError> {
    let txn = write::begin(db).await?;
    let now = Utc::now();
    let id = uuid::Uuid::new_v4().to_string();
    let row = libretto::ActiveModel {
        id: Set(id.clone()),
        fiscal_code: Set(new.fiscal_code.clone()),
        region: Set(new.region),
        area: Set(new.area),
        office: Set(new.office),
        status: Set(LibrettoStatus::Draft.as_str().to_owned()),
        number: Set(None),
        issued_at: Set(None),
        gender: Set(None),
        age_at_issue: Set(None),
        last_consolidated_at: Set(None),
        versions_issued: Set(0),
        person_snapshot: Set(to_json(&new.person)?),
        cancel_reason: Set(None),
        created_at: Set(now),
        created_by: Set(actor.subject().to_owned()),
        updated_at: Set(now),
        version: Set(1),
        // the reporting tallies start at the column default, 0
        ..Default::default()
    };
    if let Err(err) = libretto::Entity::insert(row).exec(&txn).await {
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            // PostgreSQL refuses further statements in a failed transaction
            txn.rollback().await?;
            let existing = active_of(db, &new.fiscal_code).await?;
            return Err(AppError::Conflict {
                message: format!(
                    "citizen {} already has libretto {} ({}): update it instead of opening another",
                    new.fiscal_code,
                    existing.as_ref().map_or("?", |l| l.id.as_str()),
                    existing.as_ref().map_or("?", |l| l.status.as_str()),
                ),
                current_version: existing.map_or(0, |l| l.version),
            });
        }
        return Err(err.into());
    }
    let rows: Vec<_> = new
        .experiences
        .iter()
        .enumerate()
        .map(|(i, e)| experience_row(&id, i, e, actor))
        .collect::<Result<_, _>>()?;
    if !rows.is_empty() {
        libretto_experience::Entity::insert_many(rows)
            .exec(&txn)
            .await?;
        refresh_tallies(&txn, &id).await?;
    }
    record_transition(&txn, &id, None, LibrettoStatus::Draft, actor, None).await?;
    write::audit(
        &txn,
        actor,
        &new.fiscal_code,
        format!(
            "libretto.open libretto={id} prefilled={}",
            new.experiences.len()
        ),
    )
    .await?;
    let model = find(&txn, &id).await?;
    write::commit(txn).await?;
    Ok(model)
}

/// Runs `change` on libretto `id` as one transaction: claims `version` (CONFLICT if stale),
/// then `change` validates against the current row and writes, then the audit row.
pub async fn mutate(
    db: &DatabaseConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    action: &str,
    change: impl AsyncFnOnce(&DatabaseTransaction, &libretto::Model) -> Result<(), AppError>,
) -> Result<libretto::Model, AppError> {
    let txn = write::begin(db).await?;
    write::claim_version(&txn, TABLE, "libretto", id, version).await?;
    let current = find(&txn, id).await?;
    change(&txn, &current).await?;
    refresh_tallies(&txn, id).await?;
    libretto::Entity::update_many()
        .col_expr(libretto::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(libretto::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    write::audit(
        &txn,
        actor,
        &current.fiscal_code,
        format!("libretto.{action} libretto={id}"),
    )
    .await?;
    let after = find(&txn, id).await?;
    write::commit(txn).await?;
    Ok(after)
}

pub fn status_of(model: &libretto::Model) -> Result<LibrettoStatus, AppError> {
    LibrettoStatus::parse(&model.status).ok_or_else(|| {
        AppError::internal(format!("libretto {} has status {}", model.id, model.status))
    })
}

pub async fn set_status(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    to: LibrettoStatus,
    actor: &Actor,
    note: Option<String>,
) -> Result<(), AppError> {
    let from = status_of(model)?;
    libretto::Entity::update_many()
        .col_expr(libretto::Column::Status, Expr::value(to.as_str()))
        .filter(libretto::Column::Id.eq(&model.id))
        .exec(txn)
        .await?;
    record_transition(txn, &model.id, Some(from), to, actor, note).await
}

async fn record_transition(
    txn: &DatabaseTransaction,
    id: &str,
    from: Option<LibrettoStatus>,
    to: LibrettoStatus,
    actor: &Actor,
    note: Option<String>,
) -> Result<(), AppError> {
    libretto_transition::ActiveModel {
        libretto_id: Set(id.to_owned()),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        at: Set(Utc::now()),
        by: Set(actor.subject().to_owned()),
        note: Set(note),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub async fn set_cancel_reason(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    reason: &str,
) -> Result<(), AppError> {
    libretto::Entity::update_many()
        .col_expr(
            libretto::Column::CancelReason,
            Expr::value(reason.to_owned()),
        )
        .filter(libretto::Column::Id.eq(&model.id))
        .exec(txn)
        .await?;
    Ok(())
}
