//! The consent to job matching (incontro domanda/offerta) and what it allows (seed 001;
//! DOMAIN.md §6, V15). The CV goes to the job portal only with a consent given at the presa
//! in carico and not withdrawn since; a consent given later is recorded but does not open the
//! way on its own: the citizen is taken in charge again, consenting (a new intake). No I/O.

use crate::error::DomainError;
use chrono::NaiveDate;

/// Seed 001, "Trasferisci CV al Portale": "L'operazione di trasferimento andrà a buon fine
/// SOLO SE, al momento della Presa in carico, è stato dato il consenso da parte del cittadino
/// all'utilizzo dei propri dati per l'incontro domanda offerta".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobMatchingConsent {
    /// The consent is in force now.
    pub given: bool,
    /// The consent in force was given at the latest presa in carico.
    pub at_intake: bool,
    pub given_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
    /// The latest presa in carico.
    pub intake_on: NaiveDate,
}

/// What the operator can do about any refusal: the rule admits no other way.
const REMEDY: &str = "to send it, take the citizen in charge again with the consent \
    (recordNewIntake with consentToJobMatching: true)";

impl JobMatchingConsent {
    /// V15: the CV may go to the portal, and the portal may see the citizen.
    pub fn allows_transfer(&self) -> bool {
        self.given && self.at_intake
    }

    /// Why the CV may not go to the portal, with the remedy; `None` when it may.
    pub fn transfer_refusal(&self) -> Option<String> {
        if self.allows_transfer() {
            return None;
        }
        let why = match (self.given, self.withdrawn_on) {
            (true, _) => format!(
                "gave the consent to job matching on {}, after the presa in carico of {}: \
                 seed 001 accepts only the consent given at the presa in carico",
                self.given_on.unwrap_or(self.intake_on),
                self.intake_on
            ),
            (false, Some(on)) => format!("withdrew the consent to job matching on {on}"),
            (false, None) => format!(
                "did not give the consent to job matching at the presa in carico of {}",
                self.intake_on
            ),
        };
        Some(format!("the citizen {why}; {REMEDY} (seed 001)"))
    }

    /// V15 for `transferCvToPortal`: FORBIDDEN with the reason and the remedy.
    pub fn check_transfer(&self, citizen: &str) -> Result<(), DomainError> {
        match self.transfer_refusal() {
            None => Ok(()),
            Some(why) => Err(DomainError::Refused {
                rule: "consent_for_transfer",
                message: format!("the CV of {citizen} cannot go to the portal: {why}"),
            }),
        }
    }

    /// The last day the consent changed or the citizen was taken in charge: a new change
    /// or presa in carico comes no earlier, so the history reads in order.
    pub fn last_change(&self) -> NaiveDate {
        [self.given_on, self.withdrawn_on]
            .into_iter()
            .flatten()
            .fold(self.intake_on, NaiveDate::max)
    }

    /// A new presa in carico on `taken_on`: not before the last change.
    pub fn check_new_intake(&self, taken_on: NaiveDate) -> Result<(), DomainError> {
        let since = self.last_change();
        if taken_on < since {
            return Err(DomainError::invalid(
                "takenOn",
                "intake_after_last_change",
                format!(
                    "takenOn: {taken_on} is before the latest presa in carico or consent change \
                     ({since}); a new presa in carico follows them"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn at_intake() -> JobMatchingConsent {
        JobMatchingConsent {
            given: true,
            at_intake: true,
            given_on: Some(d("2026-09-01")),
            withdrawn_on: None,
            intake_on: d("2026-09-01"),
        }
    }

    #[test]
    fn only_the_consent_of_the_intake_allows_the_transfer() {
        assert!(at_intake().allows_transfer());
        assert_eq!(at_intake().transfer_refusal(), None);
        let later = JobMatchingConsent {
            at_intake: false,
            given_on: Some(d("2026-10-01")),
            ..at_intake()
        };
        assert!(!later.allows_transfer());
        let why = later.transfer_refusal().unwrap();
        assert!(why.contains("on 2026-10-01, after the presa in carico of 2026-09-01"));
        assert!(why.contains("recordNewIntake"), "{why}");
        let withdrawn = JobMatchingConsent {
            given: false,
            withdrawn_on: Some(d("2026-10-02")),
            ..at_intake()
        };
        let why = withdrawn.transfer_refusal().unwrap();
        assert!(why.contains("withdrew the consent to job matching on 2026-10-02"));
        assert!(why.contains("recordNewIntake"), "{why}");
        let never = JobMatchingConsent {
            given: false,
            at_intake: false,
            given_on: None,
            ..at_intake()
        };
        let err = never.check_transfer("RSSMRA85T10A562S").unwrap_err();
        assert!(matches!(err, DomainError::Refused { .. }), "{err:?}");
        assert!(err.to_string().contains("did not give"), "{err}");
    }

    #[test]
    fn a_new_intake_follows_the_last_change() {
        let withdrawn = JobMatchingConsent {
            given: false,
            withdrawn_on: Some(d("2026-10-02")),
            ..at_intake()
        };
        assert_eq!(withdrawn.last_change(), d("2026-10-02"));
        assert!(withdrawn.check_new_intake(d("2026-10-02")).is_ok());
        let err = withdrawn.check_new_intake(d("2026-10-01")).unwrap_err();
        assert!(err.to_string().starts_with("takenOn:"), "{err}");
    }
}
