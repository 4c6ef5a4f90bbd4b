//! The IVC rules on the path as pure checks: eligibility and hours (V18, seed 003), the
//! Toscana interview plan (V19, seed 000), session kinds per phase, terzietà (V22), dates.

use super::{IvcStatus, OperatorRole, SessionFacts, SessionKind};
use crate::config::IvcConfig;
use crate::domain::libretto::check_eqf;
use crate::error::AppError;
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
    policy: &IvcConfig,
) -> Result<(), AppError> {
    let Some(birth) = birth else {
        return Err(AppError::bad_input(
            "fiscalCode",
            "fiscalCode: no regional source knows the citizen's birth date, so the IVC age \
             requirement cannot be checked",
        ));
    };
    let age = age_on(birth, requested_on);
    if age < policy.min_age || age > policy.max_age {
        return Err(AppError::bad_input(
            "fiscalCode",
            format!(
                "fiscalCode: the citizen is {age} on {requested_on}; the IVC service is for \
                 people aged {} to {} (seed 003)",
                policy.min_age, policy.max_age
            ),
        ));
    }
    Ok(())
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
pub fn check_hours(used_minutes: i64, add_minutes: i64, max_minutes: i64) -> Result<(), AppError> {
    if add_minutes <= 0 {
        return Err(AppError::bad_input(
            "minutes",
            format!("minutes: {add_minutes} is not a duration; give the minutes of the session"),
        ));
    }
    if used_minutes + add_minutes > max_minutes {
        let left = (max_minutes - used_minutes).max(0);
        return Err(AppError::bad_input(
            "minutes",
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

/// Seed 003 UCS: hours × hourly cost, in cents (rounded to the cent).
pub fn cost_cents(minutes: i64, hourly_cost_cents: i64) -> i64 {
    (minutes * hourly_cost_cents + 30) / 60
}

// ---- sessions: phase fit and terzietà (V22) ----

pub fn check_session_kind(phase: IvcStatus, kind: SessionKind) -> Result<(), AppError> {
    let kinds = phase.session_kinds();
    if kinds.contains(&kind) {
        return Ok(());
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    Err(AppError::bad_input(
        "kind",
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
) -> Result<(), AppError> {
    let assessing = matches!(phase, IvcStatus::Validation | IvcStatus::Certification);
    if !assessing || role != OperatorRole::ContentExpert {
        return Ok(());
    }
    if let Some(s) = recorded
        .iter()
        .find(|s| is_identification_phase(s.phase) && same_operator(&s.operator, operator))
    {
        return Err(AppError::bad_input(
            "operator",
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
) -> Result<(), AppError> {
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
            } => Err(AppError::bad_input(
                "assessorEqfLevel",
                "assessorEqfLevel: only a CONTENT_EXPERT assessing in VALIDATION or                  CERTIFICATION declares it",
            )),
            _ => Err(AppError::bad_input(
                "noConflictOfInterest",
                "noConflictOfInterest: only a CONTENT_EXPERT assessing in VALIDATION or                  CERTIFICATION declares it",
            )),
        };
    }
    let level = declared.eqf_level.ok_or_else(|| {
        AppError::bad_input(
            "assessorEqfLevel",
            "assessorEqfLevel: a CONTENT_EXPERT who assesses gives their own EQF level, at              least that of the competences assessed (V22)",
        )
    })?;
    check_eqf("assessorEqfLevel", level)?;
    if let Some(required) = assessed_eqf
        && level < required
    {
        return Err(AppError::bad_input(
            "assessorEqfLevel",
            format!(
                "assessorEqfLevel: {level} is below EQF {required}, the level of the                  competences under assessment; the assessor's must be at least that (V22)"
            ),
        ));
    }
    if declared.no_conflict_of_interest != Some(true) {
        return Err(AppError::bad_input(
            "noConflictOfInterest",
            "noConflictOfInterest: a CONTENT_EXPERT assesses only after declaring no conflict              of interest with the citizen (V22, terzietà D.Lgs 13/2013 art. 5)",
        ));
    }
    Ok(())
}

/// Validation cannot end without a colloquio tecnico (seed 003) held by a content expert.
pub fn check_validation_complete(recorded: &[SessionFacts]) -> Result<(), AppError> {
    let held = recorded.iter().any(|s| {
        s.phase == IvcStatus::Validation
            && s.kind == SessionKind::TechnicalInterview
            && s.role == OperatorRole::ContentExpert
    });
    if held {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "result",
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
    policy: &IvcConfig,
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
) -> Result<(), AppError> {
    if date > today {
        return Err(AppError::bad_input(
            field,
            format!("{field}: {date} is in the future"),
        ));
    }
    if date < phase_since {
        return Err(AppError::bad_input(
            field,
            format!("{field}: {date} is before the current phase began ({phase_since})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn policy() -> IvcConfig {
        IvcConfig::default()
    }

    fn session(
        phase: IvcStatus,
        kind: SessionKind,
        operator: &str,
        role: OperatorRole,
    ) -> SessionFacts {
        SessionFacts {
            phase,
            kind,
            held_on: d("2026-03-01"),
            minutes: 90,
            operator: operator.into(),
            role,
        }
    }

    #[test]
    fn an_assessing_content_expert_declares_eqf_and_no_conflict() {
        use IvcStatus::*;
        use OperatorRole::*;
        let ok = AssessorDeclaration {
            eqf_level: Some(5),
            no_conflict_of_interest: Some(true),
        };
        assert!(check_assessor(Validation, ContentExpert, ok, Some(4)).is_ok());
        assert!(check_assessor(Certification, ContentExpert, ok, Some(5)).is_ok());
        assert!(check_assessor(Validation, ContentExpert, ok, None).is_ok());
        let low = check_assessor(Validation, ContentExpert, ok, Some(6)).unwrap_err();
        assert!(low.to_string().contains("5 is below EQF 6"), "{low}");
        let missing = AssessorDeclaration {
            eqf_level: None,
            no_conflict_of_interest: Some(true),
        };
        let err = check_assessor(Validation, ContentExpert, missing, Some(3)).unwrap_err();
        assert!(err.to_string().starts_with("assessorEqfLevel:"), "{err}");
        let undeclared = AssessorDeclaration {
            eqf_level: Some(7),
            no_conflict_of_interest: Some(false),
        };
        let err = check_assessor(Validation, ContentExpert, undeclared, Some(3)).unwrap_err();
        assert!(
            err.to_string().starts_with("noConflictOfInterest:"),
            "{err}"
        );
        let out_of_range = AssessorDeclaration {
            eqf_level: Some(9),
            no_conflict_of_interest: Some(true),
        };
        assert!(check_assessor(Validation, ContentExpert, out_of_range, None).is_err());
        // not an assessment: nothing to declare, and a declaration is refused
        let none = AssessorDeclaration::default();
        assert!(check_assessor(Identification, ContentExpert, none, Some(8)).is_ok());
        assert!(check_assessor(Validation, ProcessExpert, none, Some(8)).is_ok());
        assert!(check_assessor(Validation, ProcessExpert, ok, Some(4)).is_err());
    }

    #[test]
    fn age_is_checked_on_the_request_date() {
        let p = policy();
        let on = d("2026-06-01");
        assert_eq!(age_on(d("2011-06-02"), on), 14);
        assert_eq!(age_on(d("2011-06-01"), on), 15);
        assert!(check_age(Some(d("2011-06-02")), on, &p).is_err());
        assert!(check_age(Some(d("2011-06-01")), on, &p).is_ok());
        assert!(check_age(Some(d("1961-06-02")), on, &p).is_ok(), "64");
        assert!(check_age(Some(d("1961-06-01")), on, &p).is_err(), "65");
        assert!(check_age(None, on, &p).is_err());
    }

    #[test]
    fn hours_cap_names_used_and_left() {
        assert!(check_hours(25 * 60, 60, 26 * 60).is_ok());
        let err = check_hours(26 * 60, 1, 26 * 60).unwrap_err().to_string();
        assert!(err.contains("26 h used, 0 h left"), "{err}");
        let err = check_hours(24 * 60 + 30, 120, 26 * 60)
            .unwrap_err()
            .to_string();
        assert!(err.contains("24 h 30 min used, 1 h 30 min left"), "{err}");
        assert!(check_hours(0, 0, 26 * 60).is_err());
        assert_eq!(
            cost_cents(26 * 60, 4000),
            104_000,
            "seed 003: 1.040 € per person"
        );
        assert_eq!(cost_cents(90, 4000), 6000);
    }

    #[test]
    fn kinds_fit_their_phase() {
        use IvcStatus::*;
        assert!(check_session_kind(Validation, SessionKind::TechnicalInterview).is_ok());
        assert!(check_session_kind(Identification, SessionKind::TechnicalInterview).is_err());
        assert!(check_session_kind(AttestatoReleased, SessionKind::BackOffice).is_ok());
        assert!(Requested.session_kinds().is_empty());
        assert!(Closed.session_kinds().is_empty());
    }

    #[test]
    fn terzieta_rejects_the_identification_operator_as_assessor() {
        use OperatorRole::*;
        let recorded = vec![
            session(
                IvcStatus::Identification,
                SessionKind::IdentificationInterview,
                "op-1",
                IdentificationOperator,
            ),
            session(
                IvcStatus::TakenInCharge,
                SessionKind::Accoglienza,
                "op-2",
                ContentExpert,
            ),
        ];
        let err =
            check_terzieta(IvcStatus::Validation, ContentExpert, " OP-1 ", &recorded).unwrap_err();
        assert_eq!(err.code(), "BAD_USER_INPUT");
        assert!(err.to_string().contains("terzietà"));
        assert!(check_terzieta(IvcStatus::Validation, ContentExpert, "op-2", &recorded).is_err());
        assert!(check_terzieta(IvcStatus::Validation, ContentExpert, "op-3", &recorded).is_ok());
        assert!(check_terzieta(IvcStatus::Validation, ProcessExpert, "op-1", &recorded).is_ok());
    }

    #[test]
    fn validation_needs_a_technical_interview_by_a_content_expert() {
        use OperatorRole::*;
        let mut recorded = vec![session(
            IvcStatus::Validation,
            SessionKind::TechnicalInterview,
            "p",
            ProcessExpert,
        )];
        assert!(check_validation_complete(&recorded).is_err());
        recorded.push(session(
            IvcStatus::Validation,
            SessionKind::TechnicalInterview,
            "c",
            ContentExpert,
        ));
        recorded.push(session(
            IvcStatus::Validation,
            SessionKind::BackOffice,
            "c",
            ContentExpert,
        ));
        assert!(check_validation_complete(&recorded).is_ok());
        assert_eq!(
            assessment_modes(&recorded),
            [SessionKind::TechnicalInterview]
        );
    }

    #[test]
    fn interview_warnings_follow_the_toscana_pilot() {
        use OperatorRole::*;
        let p = policy();
        let mut recorded = vec![session(
            IvcStatus::Identification,
            SessionKind::IdentificationInterview,
            "o",
            IdentificationOperator,
        )];
        assert!(
            warnings(false, &recorded, &p).is_empty(),
            "still in progress"
        );
        assert_eq!(warnings(true, &recorded, &p).len(), 1);
        recorded[0].minutes = 30;
        recorded.push(session(
            IvcStatus::Identification,
            SessionKind::IdentificationInterview,
            "o",
            IdentificationOperator,
        ));
        let w = warnings(true, &recorded, &p);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("30 min"));
    }
}
