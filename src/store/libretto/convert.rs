//! Rows to the domain's values, and the JSON the snapshots and versions are kept in.

use crate::domain::libretto::{
    CompetenceData, EvidenceData, ExperienceData, ExperienceKind, ExperienceOrigin, LearningContext,
};
use crate::error::AppError;
use entities::{evidence, libretto_competence, libretto_experience};

pub fn experience_data(m: libretto_experience::Model) -> ExperienceData {
    ExperienceData {
        id: m.id,
        kind: ExperienceKind::from_code(&m.kind).unwrap_or(ExperienceKind::Work),
        origin: ExperienceOrigin::from_code(&m.origin).unwrap_or(ExperienceOrigin::SelfDeclared),
        source_name: m.source_name,
        source_row_id: m.source_row_id,
        organisation: m.organisation,
        title: m.title,
        start_date: m.start_date,
        end_date: m.end_date,
        contract_type: m.contract_type,
        training_period_end: m.training_period_end,
        occupation_code: m.occupation_code,
        sector_code: m.sector_code,
        weekly_hours: m.weekly_hours,
        training_kind: m.training_kind,
        hours: m.hours,
        outcome: m.outcome,
        qualification_code: m.qualification_code,
        eqf_level: m.eqf_level,
        description: m.description,
        edited: m.edited,
        dropped: m.dropped,
        drop_reason: m.drop_reason,
        original: m.original,
    }
}

pub fn competence_data(m: libretto_competence::Model, evidence_ids: Vec<String>) -> CompetenceData {
    CompetenceData {
        id: m.id,
        competence_type: m.competence_type,
        description: m.description,
        context: LearningContext::parse(&m.context).unwrap_or(LearningContext::Informal),
        period_from: m.period_from,
        period_to: m.period_to,
        ada_code: m.ada_code,
        evidence_ids,
    }
}

pub fn evidence_data(m: evidence::Model) -> EvidenceData {
    EvidenceData {
        id: m.id,
        category: m.category,
        title: m.title,
        issuer: m.issuer,
        issued_on: m.issued_on,
        file_name: m.file_name,
        media_type: m.media_type,
        size_bytes: m.size_bytes,
        sha256: m.sha256,
    }
}

pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(AppError::internal)
}

pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(AppError::internal)
}
