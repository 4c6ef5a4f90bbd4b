//! Section 1 of the libretto: work and training experiences, prefilled or self-declared.

use super::{status_of, to_json};
use crate::domain::libretto::{ExperienceData, ExperienceOrigin};
use crate::error::AppError;
use crate::store::write::Actor;
use chrono::Utc;
use entities::{libretto, libretto_experience};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

pub async fn add_experience(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    data: &ExperienceData,
    actor: &Actor,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "add an experience")?;
    let position = libretto_experience::Entity::find()
        .filter(libretto_experience::Column::LibrettoId.eq(&model.id))
        .count(txn)
        .await?;
    libretto_experience::Entity::insert(experience_row(
        &model.id,
        usize::try_from(position).unwrap_or(usize::MAX),
        data,
        actor,
    )?)
    .exec(txn)
    .await?;
    Ok(())
}

/// Replaces the editable fields; a prefilled experience keeps its original values and its
/// provenance, and is marked edited.
pub async fn update_experience(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    data: &ExperienceData,
    actor: &Actor,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "edit an experience")?;
    let existing = experience_in(txn, model, &data.id).await?;
    let mut row: libretto_experience::ActiveModel = existing.clone().into();
    row.organisation = Set(data.organisation.clone());
    row.title = Set(data.title.clone());
    row.start_date = Set(data.start_date);
    row.end_date = Set(data.end_date);
    row.contract_type = Set(data.contract_type.clone());
    row.training_period_end = Set(data.training_period_end);
    row.occupation_code = Set(data.occupation_code.clone());
    row.sector_code = Set(data.sector_code.clone());
    row.weekly_hours = Set(data.weekly_hours);
    row.training_kind = Set(data.training_kind.clone());
    row.hours = Set(data.hours);
    row.outcome = Set(data.outcome.clone());
    row.qualification_code = Set(data.qualification_code.clone());
    row.eqf_level = Set(data.eqf_level);
    row.description = Set(data.description.clone());
    row.edited = Set(existing.origin == ExperienceOrigin::RegionalDb.code());
    row.updated_at = Set(Utc::now());
    row.updated_by = Set(actor.subject().to_owned());
    row.update(txn).await?;
    Ok(())
}

/// Drops (or restores) an experience: it stays in the libretto, marked, with the reason.
pub async fn drop_experience(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    experience_id: &str,
    dropped: bool,
    reason: Option<String>,
    actor: &Actor,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "drop an experience")?;
    let existing = experience_in(txn, model, experience_id).await?;
    let mut row: libretto_experience::ActiveModel = existing.into();
    row.dropped = Set(dropped);
    row.drop_reason = Set(if dropped { reason } else { None });
    row.updated_at = Set(Utc::now());
    row.updated_by = Set(actor.subject().to_owned());
    row.update(txn).await?;
    Ok(())
}

pub async fn experience_in(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    experience_id: &str,
) -> Result<libretto_experience::Model, AppError> {
    libretto_experience::Entity::find_by_id(experience_id.to_owned())
        .filter(libretto_experience::Column::LibrettoId.eq(&model.id))
        .one(txn)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "experience {experience_id} is not in libretto {}",
                model.id
            ))
        })
}

pub(super) fn experience_row(
    libretto_id: &str,
    position: usize,
    e: &ExperienceData,
    actor: &Actor,
) -> Result<libretto_experience::ActiveModel, AppError> {
    let original = match e.origin {
        ExperienceOrigin::RegionalDb => Some(to_json(e)?),
        ExperienceOrigin::SelfDeclared => None,
    };
    Ok(libretto_experience::ActiveModel {
        id: Set(e.id.clone()),
        libretto_id: Set(libretto_id.to_owned()),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        kind: Set(e.kind.code().to_owned()),
        origin: Set(e.origin.code().to_owned()),
        source_name: Set(e.source_name.clone()),
        source_row_id: Set(e.source_row_id.clone()),
        organisation: Set(e.organisation.clone()),
        title: Set(e.title.clone()),
        start_date: Set(e.start_date),
        end_date: Set(e.end_date),
        contract_type: Set(e.contract_type.clone()),
        training_period_end: Set(e.training_period_end),
        occupation_code: Set(e.occupation_code.clone()),
        sector_code: Set(e.sector_code.clone()),
        weekly_hours: Set(e.weekly_hours),
        training_kind: Set(e.training_kind.clone()),
        hours: Set(e.hours),
        outcome: Set(e.outcome.clone()),
        qualification_code: Set(e.qualification_code.clone()),
        eqf_level: Set(e.eqf_level),
        description: Set(e.description.clone()),
        original: Set(original),
        edited: Set(false),
        dropped: Set(false),
        drop_reason: Set(None),
        updated_at: Set(Utc::now()),
        updated_by: Set(actor.subject().to_owned()),
    })
}
