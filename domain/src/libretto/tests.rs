use super::*;

#[test]
fn lifecycle_allows_only_the_documented_steps() {
    use LibrettoStatus::*;
    assert!(Draft.step(InCompilation, "x", "start").is_ok());
    assert!(Draft.step(Consolidated, "x", "consolidate").is_err());
    assert!(InUpdate.step(Consolidated, "x", "consolidate").is_ok());
    assert!(Consolidated.require_editable("x", "edit").is_err());
    let err = Cancelled.step(InUpdate, "x", "update").unwrap_err();
    assert!(matches!(err, DomainError::InvalidTransition { .. }));
    assert!(err.to_string().contains("CANCELLED"));
}

#[test]
fn codes_are_checked() {
    assert!(check_cp2011("occupation", "5.2.2.3.0").is_ok());
    assert!(check_cp2011("occupation", "5").is_ok());
    assert!(check_cp2011("occupation", "0.1").is_err());
    assert!(check_cp2011("occupation", "5.2.2.3.0.1").is_err());
    assert!(check_ateco("sector", "56.10.11").is_ok());
    assert!(check_ateco("sector", "5.10").is_err());
    assert!(check_ada("ada", "ADA.22.01.07").is_ok());
    assert!(check_ada("ada", "22.01.07").is_err());
    assert!(check_eqf("eqf", 9).is_err());
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
    assert!(check_period("from", d(2020, 1, 1), "to", d(2019, 1, 1), today).is_err());
    assert!(check_period("from", d(2027, 1, 1), "to", None, today).is_err());
    assert!(check_period("from", d(2020, 1, 1), "to", d(2021, 1, 1), today).is_ok());
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The code parsers accept exactly their codes: whatever they accept prints back as
        /// the same text, and nothing panics.
        #[test]
        fn status_and_origin_parsers_accept_only_their_codes(text in "\\PC{0,20}") {
            if let Some(status) = LibrettoStatus::parse(&text) {
                prop_assert_eq!(status.as_str(), text.as_str());
            }
            if let Some(origin) = ExperienceOrigin::from_code(&text) {
                prop_assert_eq!(origin.code(), text.as_str());
            }
            if let Some(kind) = ExperienceKind::from_code(&text) {
                prop_assert_eq!(kind.code(), text.as_str());
            }
        }
    }
}
