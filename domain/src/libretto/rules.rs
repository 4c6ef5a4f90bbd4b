//! What the operator may type into a libretto (DOMAIN.md §8): the rules of an experience, a
//! competence, an evidence and a reason, with no I/O. The one rule that needs the store's
//! reference tables (a contract type in force on a date) is given by the caller, so that it
//! runs where it always ran among the others and the first error stays the same; the CP2011
//! table of V8 is the one the domain ships (`classified`).

use super::classified::{check_occupation, check_sector_format, tagged};
use super::spells::check_training_period;
use super::{
    CompetenceData, ExperienceData, ExperienceKind, ExperienceOrigin, LearningContext, check_ada,
    check_eqf, check_optional_text, check_period, check_text,
};
use crate::codes;
use crate::error::DomainError;
use chrono::NaiveDate;

/// The values of an experience as typed (a self-declared one, or the new values of any).
#[derive(Debug, Clone)]
pub struct ExperienceFields {
    pub kind: ExperienceKind,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub contract_type: Option<String>,
    /// End of an apprenticeship's training period (V5).
    pub training_period_end: Option<NaiveDate>,
    pub occupation_code: Option<String>,
    pub sector_code: Option<String>,
    pub weekly_hours: Option<f64>,
    pub training_kind: Option<String>,
    pub hours: Option<i32>,
    pub outcome: Option<String>,
    pub qualification_code: Option<String>,
    pub eqf_level: Option<i32>,
    pub description: Option<String>,
}

/// Checks an experience and builds it under `id`. `contract_type_in_force(code, start)` is
/// V4: a contract type must be in force at the contract's start date. Then V5 (the training
/// period of an apprenticeship), V8 (the occupation in the CP2011 table) and V9's format; V7's
/// overlaps and V9's table are warnings (`experience_warnings`), never refusals.
pub fn experience<E: From<DomainError>>(
    id: String,
    input: ExperienceFields,
    origin: ExperienceOrigin,
    today: NaiveDate,
    contract_type_in_force: impl FnOnce(&str, NaiveDate) -> Result<(), E>,
) -> Result<ExperienceData, E> {
    let start = input.start_date;
    let end = input.end_date;
    check_period("startDate", start, "endDate", end, today).map_err(|e| tagged(e, "V7"))?;
    check_optional_text("organisation", input.organisation.as_deref(), 200)?;
    check_optional_text("title", input.title.as_deref(), 300)?;
    check_optional_text("description", input.description.as_deref(), 2000)?;
    match input.kind {
        ExperienceKind::Work => {
            if input.organisation.is_none() {
                return Err(E::from(DomainError::invalid(
                    "organisation",
                    "work_names_employer",
                    "organisation: a work experience names the employer",
                )));
            }
            let Some(start) = start else {
                return Err(E::from(DomainError::invalid(
                    "startDate",
                    "work_needs_start",
                    "startDate: a work experience needs its start date",
                )));
            };
            if let Some(code) = &input.contract_type {
                contract_type_in_force(code, start)?;
            }
        }
        ExperienceKind::Training => {
            if input.title.is_none() {
                return Err(E::from(DomainError::invalid(
                    "title",
                    "training_names_title",
                    "title: a training experience names the course or title",
                )));
            }
            check_one_of(
                "trainingKind",
                input.training_kind.as_deref(),
                &codes::TRAINING_KINDS,
            )?;
            check_one_of(
                "outcome",
                input.outcome.as_deref(),
                &codes::TRAINING_OUTCOMES,
            )?;
        }
    }
    check_training_period(
        input.contract_type.as_deref(),
        start,
        end,
        input.training_period_end,
    )?;
    if let Some(code) = &input.occupation_code {
        check_occupation("occupationCode", code)?;
    }
    if let Some(code) = &input.sector_code {
        check_sector_format("sectorCode", code)?;
    }
    if let Some(level) = input.eqf_level {
        check_eqf("eqfLevel", level)?;
    }
    if input.hours.is_some_and(|h| h < 0) {
        return Err(E::from(DomainError::invalid(
            "hours",
            "not_negative",
            "hours: must not be negative",
        )));
    }
    if input
        .weekly_hours
        .is_some_and(|h| !(0.0..=168.0).contains(&h))
    {
        return Err(E::from(DomainError::invalid(
            "weeklyHours",
            "weekly_hours_range",
            "weeklyHours: must be between 0 and 168",
        )));
    }
    Ok(ExperienceData {
        id,
        kind: input.kind,
        origin,
        source_name: None,
        source_row_id: None,
        organisation: input.organisation,
        title: input.title,
        start_date: start,
        end_date: end,
        contract_type: input.contract_type,
        training_period_end: input.training_period_end,
        occupation_code: input.occupation_code,
        sector_code: input.sector_code,
        weekly_hours: input.weekly_hours,
        training_kind: input.training_kind,
        hours: input.hours,
        outcome: input.outcome,
        qualification_code: input.qualification_code,
        eqf_level: input.eqf_level.and_then(|l| i16::try_from(l).ok()),
        description: input.description,
        edited: false,
        dropped: false,
        drop_reason: None,
        original: None,
    })
}

fn check_one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), DomainError> {
    match value {
        Some(value) if !allowed.contains(&value) => Err(DomainError::invalid(
            field,
            "one_of",
            format!("{field}: \"{value}\" is not one of {}", allowed.join(", ")),
        )),
        _ => Ok(()),
    }
}

/// The values of a competence as typed; its type is checked against the region's table
/// before these rules.
#[derive(Debug, Clone)]
pub struct CompetenceFields {
    pub competence_type: String,
    pub description: String,
    pub context: LearningContext,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub ada_code: Option<String>,
    pub evidence_ids: Vec<String>,
}

/// Checks a competence (section 2) and builds it under `id`.
pub fn competence(
    id: String,
    input: CompetenceFields,
    today: NaiveDate,
) -> Result<CompetenceData, DomainError> {
    check_text("description", &input.description, 2000)?;
    check_period(
        "periodFrom",
        input.period_from,
        "periodTo",
        input.period_to,
        today,
    )?;
    if let Some(ada) = &input.ada_code {
        check_ada("adaCode", ada)?;
    }
    Ok(CompetenceData {
        id,
        competence_type: input.competence_type,
        description: input.description.trim().to_owned(),
        context: input.context,
        period_from: input.period_from,
        period_to: input.period_to,
        ada_code: input.ada_code,
        evidence_ids: input.evidence_ids,
    })
}

/// The text fields of an evidence; its category is checked against the region's table first.
pub fn check_evidence(
    title: &str,
    issuer: Option<&str>,
    issued_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), DomainError> {
    check_text("title", title, 300)?;
    check_optional_text("issuer", issuer, 200)?;
    check_period("issuedOn", issued_on, "issuedOn", None, today)
}

/// Linking evidences to a competence names at least one.
pub fn check_evidence_ids(ids: &[String]) -> Result<(), DomainError> {
    if ids.is_empty() {
        return Err(DomainError::invalid(
            "evidenceIds",
            "at_least_one",
            "evidenceIds: name at least one evidence",
        ));
    }
    Ok(())
}

/// The reason of an update or a cancellation.
pub fn check_reason(reason: &str) -> Result<(), DomainError> {
    check_text("reason", reason, 500)
}

/// The optional reason of a dropped experience.
pub fn check_drop_reason(reason: Option<&str>) -> Result<(), DomainError> {
    check_optional_text("reason", reason, 500)
}
