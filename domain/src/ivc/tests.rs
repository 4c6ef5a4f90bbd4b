use super::*;

#[test]
fn every_state_round_trips_and_only_closed_is_terminal() {
    for s in IvcStatus::ALL {
        assert_eq!(IvcStatus::parse(s.as_str()), Some(s));
        assert_eq!(s.next().is_empty(), s == IvcStatus::Closed, "{s:?}");
        if s.is_open() {
            assert!(
                s.next().contains(&IvcStatus::Closed),
                "{s:?} can be withdrawn"
            );
        }
    }
}

#[test]
fn the_table_follows_the_documented_paths() {
    use IvcStatus::*;
    assert!(Requested.step(TakenInCharge, "x", "take in charge").is_ok());
    assert!(Requested.step(Identification, "x", "start").is_err());
    assert!(
        TransparencyReleased
            .step(Validation, "x", "validate")
            .is_ok()
    );
    assert!(Identification.step(Validation, "x", "validate").is_err());
    assert!(Validation.step(AttestatoReleased, "x", "complete").is_ok());
    assert!(
        ValidationNegative
            .step(Certification, "x", "certify")
            .is_err()
    );
    assert!(
        AttestatoReleased
            .step(Certification, "x", "certify")
            .is_ok()
    );
    let err = Closed.step(Requested, "x", "reopen").unwrap_err();
    // its code, INVALID_TRANSITION, is asserted where codes are mapped (src/error/code.rs)
    match err {
        DomainError::InvalidTransition {
            current, allowed, ..
        } => {
            assert_eq!(current, "CLOSED");
            assert!(allowed.is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn outcomes_follow_seed_003_classes() {
    use IvcStatus::*;
    for attestato in [true, false] {
        assert_eq!(
            TransparencyReleased.closing_outcome(attestato),
            Some(IvcOutcome::DossierOnly)
        );
        assert_eq!(
            ValidationNegative.closing_outcome(attestato),
            Some(IvcOutcome::DossierOnly)
        );
        assert_eq!(
            AttestatoReleased.closing_outcome(attestato),
            Some(IvcOutcome::DossierAndAttestato)
        );
        assert_eq!(
            CertificateReleased.closing_outcome(attestato),
            Some(IvcOutcome::Qualification)
        );
        for s in [
            Requested,
            TakenInCharge,
            Identification,
            Validation,
            Certification,
            Closed,
        ] {
            assert_eq!(s.closing_outcome(attestato), None, "{s:?}");
        }
    }
    // V24: an exam taken straight after validation and failed leaves the dossier only
    assert_eq!(
        NotPassed.closing_outcome(true),
        Some(IvcOutcome::DossierAndAttestato)
    );
    assert_eq!(
        NotPassed.closing_outcome(false),
        Some(IvcOutcome::DossierOnly)
    );
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn state_and_outcome_parsers_accept_only_their_codes(text in "\\PC{0,24}") {
            if let Some(status) = IvcStatus::parse(&text) {
                prop_assert_eq!(status.as_str(), text.as_str());
            }
            if let Some(outcome) = IvcOutcome::parse(&text) {
                prop_assert_eq!(outcome.as_str(), text.as_str());
            }
            if let Some(kind) = SessionKind::parse(&text) {
                prop_assert_eq!(kind.as_str(), text.as_str());
            }
            if let Some(role) = OperatorRole::parse(&text) {
                prop_assert_eq!(role.as_str(), text.as_str());
            }
            if let Some(result) = ValidationResult::parse(&text) {
                prop_assert_eq!(result.as_str(), text.as_str());
            }
        }

        #[test]
        fn every_state_round_trips(i in 0usize..IvcStatus::ALL.len()) {
            let status = IvcStatus::ALL[i];
            prop_assert_eq!(IvcStatus::parse(status.as_str()), Some(status));
        }
    }
}
