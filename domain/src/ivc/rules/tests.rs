use super::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn policy() -> IvcPolicy {
    IvcPolicy::default()
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
    assert_eq!(err.field(), Some("operator"));
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

#[test]
fn one_session_has_a_maximum_length() {
    assert!(check_session_length(8 * 60, 8 * 60).is_ok());
    let err = check_session_length(25 * 60, 8 * 60).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("at most 8 h") && text.contains("25 h"),
        "{text}"
    );
    assert!(matches!(
        err,
        DomainError::Invalid { ref field, rule: "max_session_minutes", .. } if field == "minutes"
    ));
}
