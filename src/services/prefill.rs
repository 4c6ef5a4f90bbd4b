//! What a libretto copies from the regional sources (DOMAIN.md §1.3): the person record as a
//! snapshot (section 1.1) and every employment and training as an experience that keeps its
//! source and row id. The failures of the sources go to the caller's `note` (the request's
//! error list) before anything else is decided.

use super::Deps;
use crate::domain::FiscalCode;
use crate::domain::codes;
use crate::domain::libretto::{ExperienceData, ExperienceKind, ExperienceOrigin, PersonSnapshot};
use crate::error::AppError;
use crate::sources::SourceFailure;
use crate::sources::contract::{EmploymentRow, TrainingRow};
use crate::sources::merge::{Merged, MergedPerson, Sourced};
use crate::sources::registry::ViewKeys;
use chrono::Utc;

/// A new libretto's content from the sources.
pub struct Prefill {
    pub person: PersonSnapshot,
    /// Reporting territory: the CPI area of the residence municipality.
    pub area: Option<String>,
    pub experiences: Vec<ExperienceData>,
}

/// Reads citizen `key` from every source. A source down refuses the prefill: a libretto
/// prefilled from half the sources would silently miss experiences.
pub async fn gather(
    deps: &Deps<'_>,
    key: &FiscalCode,
    note: impl FnOnce(&[SourceFailure]),
) -> Result<Prefill, AppError> {
    let gathered = deps
        .registry
        .profiles(
            &ViewKeys::all(std::slice::from_ref(key)),
            &deps.links.current(),
        )
        .await;
    note(&gathered.failures);
    if !gathered.failures.is_empty() {
        let names: Vec<&str> = gathered
            .failures
            .iter()
            .map(|f| f.source.as_str())
            .collect();
        return Err(AppError::SourceUnavailable {
            source_name: names.join(", "),
            reason: "cannot prefill the libretto while a regional source is down; retry".into(),
        });
    }
    let profile = gathered.value;
    let person = profile
        .persons
        .get(key)
        .ok_or_else(|| AppError::NotFound(format!("no regional source knows citizen {key}")))?;
    let area = person
        .residence_municipality
        .as_ref()
        .and_then(|m| codes::municipality_by_istat(&m.value))
        .map(|m| m.cpi_area().to_owned())
        .filter(|a| !a.is_empty());
    let mut experiences: Vec<ExperienceData> = profile
        .employments
        .get(key)
        .map(|rows| rows.iter().map(prefilled_employment).collect())
        .unwrap_or_default();
    if let Some(rows) = profile.trainings.get(key) {
        experiences.extend(rows.iter().map(prefilled_training));
    }
    Ok(Prefill {
        person: snapshot(person),
        area,
        experiences,
    })
}

/// The person record now, to refresh section 1.1 at a consolidation. A source down (or
/// answered from its stale cache) gives `None`, so the snapshot taken earlier is kept rather
/// than blocking the issue: the other sources alone would freeze a person record that is
/// partial, or older than the one already kept.
pub async fn current_person(
    deps: &Deps<'_>,
    key: &FiscalCode,
    note: impl FnOnce(&[SourceFailure]),
) -> Option<PersonSnapshot> {
    let persons = deps
        .registry
        .persons(std::slice::from_ref(key), &deps.links.current())
        .await;
    note(&persons.failures);
    if persons.failures.is_empty() {
        persons.value.get(key).map(snapshot)
    } else {
        None
    }
}

pub fn snapshot(person: &MergedPerson) -> PersonSnapshot {
    fn v<T: Clone>(m: &Option<Merged<T>>) -> Option<T> {
        m.as_ref().map(|m| m.value.clone())
    }
    PersonSnapshot {
        fiscal_code: person.fiscal_code.as_str().to_owned(),
        given_name: v(&person.given_name),
        family_name: v(&person.family_name),
        birth_date: v(&person.birth_date),
        birth_place_code: v(&person.birth_place_code),
        gender: v(&person.gender),
        citizenship: v(&person.citizenship),
        residence_municipality: v(&person.residence_municipality),
        residence_province: v(&person.residence_province),
        email: v(&person.email),
        phone: v(&person.phone),
        sources: person
            .sources
            .iter()
            .map(|s| s.source.to_string())
            .collect(),
        taken_at: Some(Utc::now().naive_utc()),
    }
}

/// A prefilled experience: provenance set, no operator values yet.
fn prefilled(kind: ExperienceKind, source: String, row_id: String) -> ExperienceData {
    ExperienceData {
        id: uuid::Uuid::new_v4().to_string(),
        kind,
        origin: ExperienceOrigin::RegionalDb,
        source_name: Some(source),
        source_row_id: Some(row_id),
        organisation: None,
        title: None,
        start_date: None,
        end_date: None,
        contract_type: None,
        training_period_end: None,
        occupation_code: None,
        sector_code: None,
        weekly_hours: None,
        training_kind: None,
        hours: None,
        outcome: None,
        qualification_code: None,
        eqf_level: None,
        description: None,
        edited: false,
        dropped: false,
        drop_reason: None,
        original: None,
    }
}

fn prefilled_employment(row: &Sourced<EmploymentRow>) -> ExperienceData {
    let e = &row.row;
    ExperienceData {
        organisation: e.employer_name.clone(),
        start_date: Some(e.start_date),
        end_date: e.end_date,
        contract_type: e.contract_type.clone(),
        occupation_code: e.occupation_code.clone(),
        sector_code: e.sector_code.clone(),
        weekly_hours: e.weekly_hours,
        ..prefilled(
            ExperienceKind::Work,
            row.source.to_string(),
            e.id.to_string(),
        )
    }
}

fn prefilled_training(row: &Sourced<TrainingRow>) -> ExperienceData {
    let t = &row.row;
    ExperienceData {
        organisation: t.provider_name.clone(),
        title: t.title.clone(),
        start_date: t.start_date,
        end_date: t.end_date,
        training_kind: t.kind.clone(),
        hours: t.hours.and_then(|h| i32::try_from(h).ok()),
        outcome: t.outcome.clone(),
        qualification_code: t.qualification_code.clone(),
        eqf_level: t.eqf_level.and_then(|l| i16::try_from(l).ok()),
        ..prefilled(
            ExperienceKind::Training,
            row.source.to_string(),
            t.id.to_string(),
        )
    }
}
