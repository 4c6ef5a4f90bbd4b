//! The rows a dossier collects along its path: sessions and competences, written inside the
//! transaction of `mutate` that holds the dossier's version.

use super::{read, session_facts};
use crate::domain::ivc::content::CompetenceDraft;
use crate::domain::ivc::rules::AssessorDeclaration;
use crate::domain::ivc::{IvcStatus, OperatorRole, SessionFacts, SessionKind};
use crate::error::AppError;
use crate::store::libretto::to_json;
use crate::store::write::Actor;
use chrono::{NaiveDate, Utc};
use entities::{ivc_competence, ivc_session};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};

/// The dossier's sessions as the rules see them.
pub async fn recorded_sessions(
    txn: &DatabaseTransaction,
    id: &str,
) -> Result<Vec<SessionFacts>, AppError> {
    read::sessions_of(txn, &[id.to_owned()])
        .await?
        .iter()
        .map(session_facts)
        .collect()
}

/// The highest EQF level among the dossier's competences.
pub async fn assessed_eqf(txn: &DatabaseTransaction, id: &str) -> Result<Option<i32>, AppError> {
    Ok(read::competences_of(txn, &[id.to_owned()])
        .await?
        .iter()
        .filter_map(|c| c.eqf_level.map(i32::from))
        .max())
}

pub async fn competence_count(txn: &DatabaseTransaction, id: &str) -> Result<usize, AppError> {
    Ok(read::competences_of(txn, &[id.to_owned()]).await?.len())
}

pub struct NewSession {
    pub kind: SessionKind,
    pub held_on: NaiveDate,
    pub minutes: i32,
    pub operator: String,
    pub role: OperatorRole,
    pub notes: Option<String>,
    pub assessor: AssessorDeclaration,
}

pub async fn insert_session(
    txn: &DatabaseTransaction,
    id: &str,
    phase: IvcStatus,
    session: NewSession,
    actor: &Actor,
) -> Result<(), AppError> {
    let assessor_eqf_level = session
        .assessor
        .eqf_level
        .map(|l| i16::try_from(l).map_err(AppError::internal))
        .transpose()?;
    ivc_session::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        dossier_id: Set(id.to_owned()),
        phase: Set(phase.as_str().to_owned()),
        kind: Set(session.kind.as_str().to_owned()),
        held_on: Set(session.held_on),
        minutes: Set(session.minutes),
        operator: Set(session.operator.trim().to_owned()),
        operator_role: Set(session.role.as_str().to_owned()),
        notes: Set(session.notes),
        assessor_eqf_level: Set(assessor_eqf_level),
        no_conflict_declared: Set(session.assessor.no_conflict_of_interest),
        created_at: Set(Utc::now()),
        created_by: Set(actor.subject().to_owned()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Appends a competence after the `existing` ones.
pub async fn insert_competence(
    txn: &DatabaseTransaction,
    id: &str,
    existing: usize,
    competence: CompetenceDraft,
    actor: &Actor,
) -> Result<(), AppError> {
    let position = existing as i32 + 1;
    let eqf_level = competence
        .eqf_level
        .map(|l| i16::try_from(l).map_err(AppError::internal))
        .transpose()?;
    ivc_competence::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        dossier_id: Set(id.to_owned()),
        position: Set(position),
        description: Set(competence.description.trim().to_owned()),
        sep_sector: Set(competence.sep_sector),
        qualification_code: Set(competence.qualification_code),
        qualification_name: Set(competence.qualification_name),
        ada_codes: Set(to_json(&competence.ada_codes)?),
        eqf_level: Set(eqf_level),
        learning_context: Set(competence.learning_context.as_str().to_owned()),
        created_at: Set(Utc::now()),
        created_by: Set(actor.subject().to_owned()),
    }
    .insert(txn)
    .await?;
    Ok(())
}
