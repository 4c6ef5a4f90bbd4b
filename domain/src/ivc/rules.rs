//! The IVC rules on the path as pure checks: eligibility and hours (V18, seed 003), the
//! Toscana interview plan (V19, seed 000), session kinds per phase, terzietà (V22), dates.

use super::IvcPolicy;
use super::{IvcStatus, OperatorRole, SessionFacts, SessionKind};
use crate::error::DomainError;
use crate::libretto::check_eqf;
use chrono::{Datelike, NaiveDate};

// ---- eligibility (V18) ----

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Seed 003: "giovani e adulti tra i 15-64 anni" at the request date.
pub fn check_age(
    birth: Option<NaiveDate>,
    requested_on: NaiveDate,
    policy: &IvcPolicy,
) -> Result<(), DomainError> {
    let Some(birth) = birth else {
        return Err(DomainError::invalid(
            "fiscalCode",
            "birth_date_known",
            "fiscalCode: no regional source knows the citizen's birth date, so the IVC age \
             requirement cannot be checked",
        ));
    };
    let age = age_on(birth, requested_on);
    if age < policy.min_age || age > policy.max_age {
        return Err(DomainError::invalid(
            "fiscalCode",
            "age_range",
            format!(
                "fiscalCode: the citizen is {age} on {requested_on}; the IVC service is for \
                 people aged {} to {} (seed 003)",
                policy.min_age, policy.max_age
            ),
        ));
    }
    Ok(())
}

/// The provinces (sigle) of a region whose table is shipped: Toscana's ten (DOMAIN.md §3.2)
/// and Piemonte's eight (seed 003's region).
pub fn region_provinces(region: &str) -> Option<&'static [&'static str]> {
    const TOSCANA: [&str; 10] = ["AR", "FI", "GR", "LI", "LU", "MS", "PI", "PO", "PT", "SI"];
    const PIEMONTE: [&str; 8] = ["AL", "AT", "BI", "CN", "NO", "TO", "VB", "VC"];
    match region {
        "TOS" => Some(&TOSCANA),
        "PIE" => Some(&PIEMONTE),
        _ => None,
    }
}

/// Seed 003 (V18): the service is for people "residenti o domiciliati" in the region. The
/// person record's residence counts; otherwise a domicile in the region declared at the
/// request (`domicileProvince`), which the dossier keeps.
pub fn check_residence(
    residence_province: Option<&str>,
    domicile_province: Option<&str>,
    policy: &IvcPolicy,
) -> Result<(), DomainError> {
    let Some(provinces) = policy.residence_provinces else {
        return Ok(());
    };
    let inside = |p: &str| provinces.contains(&p.trim().to_ascii_uppercase().as_str());
    if let Some(domicile) = domicile_province {
        if !inside(domicile) {
            return Err(DomainError::invalid(
                "domicileProvince",
                "residence",
                format!(
                    "domicileProvince: {} is not a province of the region ({}); seed 003: the \
                     IVC service is for people \"residenti o domiciliati\" in it",
                    domicile.trim(),
                    provinces.join(", ")
                ),
            ));
        }
        return Ok(());
    }
    if residence_province.is_some_and(inside) {
        return Ok(());
    }
    Err(DomainError::invalid(
        "domicileProvince",
        "residence",
        format!(
            "domicileProvince: the person record gives the residence {}, outside the region \
             ({}); seed 003: the IVC service is for people \"residenti o domiciliati\" in it: \
             declare the domicile with domicileProvince",
            residence_province.map_or("as unknown".to_owned(), |p| format!("in {p}")),
            provinces.join(", ")
        ),
    ))
}

// ---- hours and cost (V18, seed 003) ----

pub fn describe_minutes(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m} min")
    }
}

/// Seed 003: "durata massima del percorso IVC (26 ore)", back office included.
pub fn check_hours(
    used_minutes: i64,
    add_minutes: i64,
    max_minutes: i64,
) -> Result<(), DomainError> {
    if add_minutes <= 0 {
        return Err(DomainError::invalid(
            "minutes",
            "positive_duration",
            format!("minutes: {add_minutes} is not a duration; give the minutes of the session"),
        ));
    }
    if used_minutes + add_minutes > max_minutes {
        let left = (max_minutes - used_minutes).max(0);
        return Err(DomainError::invalid(
            "minutes",
            "max_path_hours",
            format!(
                "minutes: the IVC path may last at most {} (seed 003); {} used, {} left, this \
                 session of {} would exceed it",
                describe_minutes(max_minutes),
                describe_minutes(used_minutes),
                describe_minutes(left),
                describe_minutes(add_minutes)
            ),
        ));
    }
    Ok(())
}

/// Seed 003: "durata massima ... di ogni singolo servizio" (`ivc.max_session_minutes`).
pub fn check_session_length(minutes: i64, max_session_minutes: i64) -> Result<(), DomainError> {
    if minutes > max_session_minutes {
        return Err(DomainError::invalid(
            "minutes",
            "max_session_minutes",
            format!(
                "minutes: one session may last at most {} (ivc.max_session_minutes; seed 003: \
                 \"durata massima di ogni singolo servizio\"); this one lasts {}",
                describe_minutes(max_session_minutes),
                describe_minutes(minutes)
            ),
        ));
    }
    Ok(())
}

/// Seed 003 UCS: hours × hourly cost, in cents (rounded to the cent).
pub fn cost_cents(minutes: i64, hourly_cost_cents: i64) -> i64 {
    (minutes * hourly_cost_cents + 30) / 60
}

// ---- sessions: phase fit and terzietà (V22) ----

pub fn check_session_kind(phase: IvcStatus, kind: SessionKind) -> Result<(), DomainError> {
    let kinds = phase.session_kinds();
    if kinds.contains(&kind) {
        return Ok(());
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    Err(DomainError::invalid(
        "kind",
        "session_kind_in_phase",
        format!(
            "kind: a {} session does not belong to the {} phase; sessions of this phase are: {}",
            kind.as_str(),
            phase.as_str(),
            names.join(", ")
        ),
    ))
}

/// Two spellings of one operator id are the same person.
fn same_operator(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The phases of the identification service (seed 003: accoglienza, adesione, intervista).
fn is_identification_phase(phase: IvcStatus) -> bool {
    matches!(phase, IvcStatus::TakenInCharge | IvcStatus::Identification)
}

/// D.Lgs 13/2013 art. 5 (terzietà e indipendenza): the content expert who assesses is not an
/// operator who accompanied the same citizen through identification.
pub fn check_terzieta(
    phase: IvcStatus,
    role: OperatorRole,
    operator: &str,
    recorded: &[SessionFacts],
) -> Result<(), DomainError> {
    let assessing = matches!(phase, IvcStatus::Validation | IvcStatus::Certification);
    if !assessing || role != OperatorRole::ContentExpert {
        return Ok(());
    }
    if let Some(s) = recorded
        .iter()
        .find(|s| is_identification_phase(s.phase) && same_operator(&s.operator, operator))
    {
        return Err(DomainError::invalid(
            "operator",
            "terzieta",
            format!(
                "operator: {operator} held the {} session of {} in the {} phase of this dossier, \
                 so cannot assess it as CONTENT_EXPERT (terzietà, D.Lgs 13/2013 art. 5)",
                s.kind.as_str(),
                s.held_on,
                s.phase.as_str()
            ),
        ));
    }
    Ok(())
}

/// What a content expert declares about themself when assessing (V22).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssessorDeclaration {
    pub eqf_level: Option<i32>,
    pub no_conflict_of_interest: Option<bool>,
}

/// V22 (DOMAIN.md §8; the "Esperto SEP" forms): a CONTENT_EXPERT who assesses, in validation
/// or certification, holds an EQF level at least that of the competences under assessment
/// (`assessed_eqf`, the highest among them) and declares no conflict of interest with the
/// citizen. Other sessions carry no such declaration.
pub fn check_assessor(
    phase: IvcStatus,
    role: OperatorRole,
    declared: AssessorDeclaration,
    assessed_eqf: Option<i32>,
) -> Result<(), DomainError> {
    let assessing = matches!(phase, IvcStatus::Validation | IvcStatus::Certification)
        && role == OperatorRole::ContentExpert;
    if !assessing {
        return match declared {
            AssessorDeclaration {
                eqf_level: None,
                no_conflict_of_interest: None,
            } => Ok(()),
            AssessorDeclaration {
                eqf_level: Some(_), ..
            } => Err(DomainError::invalid(
                "assessorEqfLevel",
                "assessor_only_declares",
                "assessorEqfLevel: only a CONTENT_EXPERT assessing in VALIDATION or                  CERTIFICATION declares it",
            )),
            _ => Err(DomainError::invalid(
                "noConflictOfInterest",
                "assessor_only_declares",
                "noConflictOfInterest: only a CONTENT_EXPERT assessing in VALIDATION or                  CERTIFICATION declares it",
            )),
        };
    }
    let level = declared.eqf_level.ok_or_else(|| {
        DomainError::invalid(
            "assessorEqfLevel",
            "assessor_eqf_required",
            "assessorEqfLevel: a CONTENT_EXPERT who assesses gives their own EQF level, at              least that of the competences assessed (V22)",
        )
    })?;
    check_eqf("assessorEqfLevel", level)?;
    if let Some(required) = assessed_eqf
        && level < required
    {
        return Err(DomainError::invalid(
            "assessorEqfLevel",
            "assessor_eqf_at_least_assessed",
            format!(
                "assessorEqfLevel: {level} is below EQF {required}, the level of the                  competences under assessment; the assessor's must be at least that (V22)"
            ),
        ));
    }
    if declared.no_conflict_of_interest != Some(true) {
        return Err(DomainError::invalid(
            "noConflictOfInterest",
            "no_conflict_declared",
            "noConflictOfInterest: a CONTENT_EXPERT assesses only after declaring no conflict              of interest with the citizen (V22, terzietà D.Lgs 13/2013 art. 5)",
        ));
    }
    Ok(())
}

/// Validation cannot end without a colloquio tecnico (seed 003) held by a content expert.
pub fn check_validation_complete(recorded: &[SessionFacts]) -> Result<(), DomainError> {
    let held = recorded.iter().any(|s| {
        s.phase == IvcStatus::Validation
            && s.kind == SessionKind::TechnicalInterview
            && s.role == OperatorRole::ContentExpert
    });
    if held {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "result",
            "technical_interview_held",
            "result: validation cannot be completed before a TECHNICAL_INTERVIEW by a \
             CONTENT_EXPERT is recorded (seed 003: colloquio tecnico)",
        ))
    }
}

/// The modalità di valutazione an attestato reports: the kinds of assessment actually held
/// during validation (D.Lgs 13/2013 art. 6), in a stable order.
pub fn assessment_modes(recorded: &[SessionFacts]) -> Vec<SessionKind> {
    SessionKind::ALL
        .into_iter()
        .filter(|k| *k != SessionKind::BackOffice)
        .filter(|k| {
            recorded
                .iter()
                .any(|s| s.phase == IvcStatus::Validation && s.kind == *k)
        })
        .collect()
}

/// Seed 000 (Toscana pilot): "da 2 a 4 colloqui di 1-2 ore" — advice, never an error. Too few
/// interviews are worth a warning only once identification is over (transparency released).
pub fn warnings(
    identification_over: bool,
    recorded: &[SessionFacts],
    policy: &IvcPolicy,
) -> Vec<String> {
    let interviews: Vec<&SessionFacts> = recorded
        .iter()
        .filter(|s| s.kind == SessionKind::IdentificationInterview)
        .collect();
    let mut out = Vec::new();
    let n = interviews.len();
    if n > policy.interviews_max as usize
        || (identification_over && n < policy.interviews_min as usize)
    {
        out.push(format!(
            "{n} identification interviews: the Toscana pilot plans {} to {} (seed 000)",
            policy.interviews_min, policy.interviews_max
        ));
    }
    for s in interviews {
        if s.minutes < policy.interview_min_minutes || s.minutes > policy.interview_max_minutes {
            out.push(format!(
                "identification interview of {} lasted {} min: the Toscana pilot plans {} to {} \
                 min (seed 000: colloqui di 1-2 ore)",
                s.held_on, s.minutes, policy.interview_min_minutes, policy.interview_max_minutes
            ));
        }
    }
    out
}

// ---- dates ----

/// A date of the path: not in the future, not before the current phase began.
pub fn check_event_date(
    field: &str,
    date: NaiveDate,
    phase_since: NaiveDate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if date > today {
        return Err(DomainError::invalid(
            field,
            "not_in_future",
            format!("{field}: {date} is in the future"),
        ));
    }
    if date < phase_since {
        return Err(DomainError::invalid(
            field,
            "not_before_phase",
            format!("{field}: {date} is before the current phase began ({phase_since})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
