//! Section 2 of the libretto: competences and the evidences that support them.

use super::status_of;
use crate::domain::libretto::CompetenceData;
use crate::error::AppError;
use crate::store::write::Actor;
use chrono::Utc;
use entities::{competence_evidence, libretto, libretto_competence};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

pub async fn add_competence(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    data: &CompetenceData,
    actor: &Actor,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "add a competence")?;
    let position = libretto_competence::Entity::find()
        .filter(libretto_competence::Column::LibrettoId.eq(&model.id))
        .count(txn)
        .await?;
    libretto_competence::ActiveModel {
        id: Set(data.id.clone()),
        libretto_id: Set(model.id.clone()),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        competence_type: Set(data.competence_type.clone()),
        description: Set(data.description.clone()),
        context: Set(data.context.as_str().to_owned()),
        period_from: Set(data.period_from),
        period_to: Set(data.period_to),
        ada_code: Set(data.ada_code.clone()),
        created_at: Set(Utc::now()),
        created_by: Set(actor.subject().to_owned()),
    }
    .insert(txn)
    .await?;
    link_evidences(txn, model, &data.id, &data.evidence_ids).await
}

/// Links evidences of this libretto to one of its competences (links already there stay).
pub async fn link_evidences(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    competence_id: &str,
    evidence_ids: &[String],
) -> Result<(), AppError> {
    if evidence_ids.is_empty() {
        return Ok(());
    }
    let owned = crate::store::evidence::of_libretto_among(txn, &model.id, evidence_ids).await?;
    if let Some(missing) = evidence_ids
        .iter()
        .find(|id| !owned.iter().any(|e| &e.id == *id))
    {
        return Err(AppError::bad_input(
            "evidenceIds",
            format!(
                "evidenceIds: evidence {missing} does not belong to libretto {}",
                model.id
            ),
        ));
    }
    let rows = evidence_ids
        .iter()
        .map(|evidence_id| competence_evidence::ActiveModel {
            competence_id: Set(competence_id.to_owned()),
            evidence_id: Set(evidence_id.clone()),
        });
    competence_evidence::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([
            competence_evidence::Column::CompetenceId,
            competence_evidence::Column::EvidenceId,
        ])
        .exec(txn)
        .await?;
    Ok(())
}

pub async fn competence_in(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    competence_id: &str,
) -> Result<libretto_competence::Model, AppError> {
    libretto_competence::Entity::find_by_id(competence_id.to_owned())
        .filter(libretto_competence::Column::LibrettoId.eq(&model.id))
        .one(txn)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "competence {competence_id} is not in libretto {}",
                model.id
            ))
        })
}

/// Removes a competence of the working copy (consolidated versions keep theirs).
pub async fn remove_competence(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    competence_id: &str,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "remove a competence")?;
    competence_in(txn, model, competence_id).await?;
    competence_evidence::Entity::delete_many()
        .filter(competence_evidence::Column::CompetenceId.eq(competence_id))
        .exec(txn)
        .await?;
    libretto_competence::Entity::delete_by_id(competence_id.to_owned())
        .exec(txn)
        .await?;
    Ok(())
}
