//! Orientation rules (seed 001, Scheda 2 Orientamento LEP; DOMAIN.md §4, §8 V11-V15): job
//! propensities, the CV's prerequisites and validity, pact measures, portal transfers. No I/O.

use super::libretto::{check_cp2011, check_optional_text, check_text};
use crate::error::DomainError;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// V11, seed 001: "è possibile inserire al massimo 3 propensioni".
pub const MAX_PROPENSITIES: usize = 3;

/// V14, seed 001: the CV becomes obsolete "con data aggiornamento oltre i 6 mesi".
pub const CV_VALIDITY_MONTHS: u32 = 6;

/// A propensity as the operator types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropensityDraft {
    pub occupation_code: String,
    pub occupation_label: String,
    pub from_work: bool,
    pub from_education: bool,
    pub from_training: bool,
    pub interview_on: Option<NaiveDate>,
    pub sep_sector: Option<String>,
    pub years_experience: Option<i32>,
    pub last_year_worked: Option<i32>,
    pub notes: Option<String>,
}

impl PropensityDraft {
    /// V12 (seed 001): the interview date and at least one of the flags work / education /
    /// training are required. Availability and experience duration are not fields of their
    /// own in the seed's card ("vanno lasciati vuoti"): they go in the notes.
    pub fn check(&self, existing: usize, today: NaiveDate) -> Result<NaiveDate, DomainError> {
        if existing >= MAX_PROPENSITIES {
            return Err(DomainError::invalid(
                "propensities",
                "max_propensities",
                format!(
                    "propensities: the citizen already has {existing}; seed 001 admits at most \
                     {MAX_PROPENSITIES} (remove one first)"
                ),
            ));
        }
        check_cp2011("occupationCode", &self.occupation_code)?;
        check_text("occupationLabel", &self.occupation_label, 200)?;
        if !(self.from_work || self.from_education || self.from_training) {
            return Err(DomainError::invalid(
                "fromWork",
                "propensity_origin",
                "fromWork: a propensity comes from work, education or training: set at least one \
                 of fromWork, fromEducation, fromTraining (seed 001)",
            ));
        }
        let interview_on = self.interview_on.ok_or_else(|| {
            DomainError::invalid(
                "interviewOn",
                "required",
                "interviewOn: the date of the interview is required (seed 001)",
            )
        })?;
        if interview_on > today {
            return Err(DomainError::invalid(
                "interviewOn",
                "not_in_future",
                format!("interviewOn: {interview_on} is in the future"),
            ));
        }
        if let Some(years) = self.years_experience
            && !(0..=60).contains(&years)
        {
            return Err(DomainError::invalid(
                "yearsExperience",
                "years_experience_range",
                format!("yearsExperience: {years} is not between 0 and 60"),
            ));
        }
        if let Some(year) = self.last_year_worked
            && !(1950..=today.year()).contains(&year)
        {
            return Err(DomainError::invalid(
                "lastYearWorked",
                "last_year_worked_range",
                format!(
                    "lastYearWorked: {year} is not between 1950 and {}",
                    today.year()
                ),
            ));
        }
        check_optional_text("notes", self.notes.as_deref(), 2000)?;
        Ok(interview_on)
    }
}

/// V13 (seed 001): "per salvare il CV è necessario aver inserito almeno un titolo di studio e
/// almeno una propensione".
pub fn check_cv_prerequisites(
    education_titles: usize,
    propensities: usize,
) -> Result<(), DomainError> {
    let mut missing = Vec::new();
    if education_titles == 0 {
        missing.push("an education title (addEducationTitle)");
    }
    if propensities == 0 {
        missing.push("a propensity (addPropensity)");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "cv",
            "cv_prerequisites",
            format!(
                "cv: saving a CV needs at least one education title and one propensity (seed \
                 001); missing: {}",
                missing.join(" and ")
            ),
        ))
    }
}

/// Last day the CV counts as current (V14).
pub fn cv_valid_until(uploaded_on: NaiveDate) -> NaiveDate {
    uploaded_on
        .checked_add_months(Months::new(CV_VALIDITY_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

pub fn cv_obsolete(uploaded_on: NaiveDate, today: NaiveDate) -> bool {
    today > cv_valid_until(uploaded_on)
}

/// Progress of a pact measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MeasureStatus {
    Planned,
    Started,
    Done,
    /// Dropped from the pact (kept for the record).
    Cancelled,
}

impl MeasureStatus {
    pub const ALL: [MeasureStatus; 4] = [Self::Planned, Self::Started, Self::Done, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "PLANNED",
            Self::Started => "STARTED",
            Self::Done => "DONE",
            Self::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn next(self) -> &'static [MeasureStatus] {
        match self {
            Self::Planned => &[Self::Started, Self::Done, Self::Cancelled],
            Self::Started => &[Self::Done, Self::Cancelled],
            Self::Done | Self::Cancelled => &[],
        }
    }

    pub fn step(self, to: MeasureStatus, id: &str) -> Result<(), DomainError> {
        if self.next().contains(&to) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.next().iter().map(|s| s.as_str()).collect();
        Err(DomainError::invalid_transition(
            &format!("pact measure {id}"),
            self.as_str(),
            &format!("move it to {}", to.as_str()),
            &allowed,
        ))
    }
}

/// Where a CV transfer to the portal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransferStatus {
    /// Waiting for (another) delivery attempt.
    Pending,
    Delivered,
    /// Given up: refused by the portal, or out of attempts.
    Failed,
    /// Not to be sent: the consent that allowed it is no longer in force (`cancelReason`).
    Cancelled,
}

impl TransferStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Delivered => "DELIVERED",
            Self::Failed => "FAILED",
            Self::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Delivered,
            Self::Failed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// Wait before attempt `attempt + 1` after `attempt` failed ones: doubling from `base`, at
/// most `max`.
pub fn retry_delay_ms(attempt: u32, base_ms: u64, max_ms: u64) -> u64 {
    let factor = 1u64
        .checked_shl(attempt.saturating_sub(1))
        .unwrap_or(u64::MAX);
    base_ms.saturating_mul(factor).min(max_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn draft() -> PropensityDraft {
        PropensityDraft {
            occupation_code: "5.1.2.2.0".into(),
            occupation_label: "Commessi delle vendite al minuto".into(),
            from_work: true,
            from_education: false,
            from_training: false,
            interview_on: Some(d("2026-10-01")),
            sep_sector: None,
            years_experience: Some(4),
            last_year_worked: Some(2024),
            notes: None,
        }
    }

    #[test]
    fn a_propensity_needs_date_flag_and_room() {
        let today = d("2026-11-23");
        assert_eq!(draft().check(2, today).unwrap(), d("2026-10-01"));
        let err = draft().check(3, today).unwrap_err();
        assert!(err.to_string().contains("at most 3"), "{err}");
        let mut p = draft();
        p.from_work = false;
        assert!(
            p.check(0, today)
                .unwrap_err()
                .to_string()
                .starts_with("fromWork:")
        );
        let mut p = draft();
        p.interview_on = None;
        assert!(
            p.check(0, today)
                .unwrap_err()
                .to_string()
                .starts_with("interviewOn:")
        );
        let mut p = draft();
        p.occupation_code = "51220".into();
        assert!(p.check(0, today).is_err());
        let mut p = draft();
        p.last_year_worked = Some(2030);
        assert!(p.check(0, today).is_err());
    }

    #[test]
    fn cv_prerequisites_name_what_is_missing() {
        assert!(check_cv_prerequisites(1, 1).is_ok());
        let err = check_cv_prerequisites(0, 1).unwrap_err().to_string();
        assert!(
            err.contains("education title") && !err.contains("a propensity"),
            "{err}"
        );
        let err = check_cv_prerequisites(0, 0).unwrap_err().to_string();
        assert!(
            err.contains("education title") && err.contains("propensity"),
            "{err}"
        );
    }

    #[test]
    fn a_cv_is_valid_six_months() {
        assert_eq!(cv_valid_until(d("2026-05-31")), d("2026-11-30"));
        assert!(!cv_obsolete(d("2026-05-23"), d("2026-11-23")));
        assert!(cv_obsolete(d("2026-05-22"), d("2026-11-23")));
    }

    #[test]
    fn measures_move_forward_only() {
        use MeasureStatus::*;
        assert!(Planned.step(Started, "m").is_ok());
        assert!(Started.step(Done, "m").is_ok());
        assert!(matches!(
            Done.step(Started, "m").unwrap_err(),
            DomainError::InvalidTransition { .. }
        ));
    }

    #[test]
    fn retries_back_off_doubling_up_to_the_cap() {
        assert_eq!(retry_delay_ms(1, 100, 10_000), 100);
        assert_eq!(retry_delay_ms(2, 100, 10_000), 200);
        assert_eq!(retry_delay_ms(4, 100, 10_000), 800);
        assert_eq!(retry_delay_ms(20, 100, 10_000), 10_000);
        assert_eq!(retry_delay_ms(200, 100, 10_000), 10_000);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A parser of codes accepts exactly its own spellings: whatever it accepts reads
        /// back as the text it was given, so nothing near a code slips through.
        #[test]
        fn measure_and_transfer_parsers_accept_only_their_codes(text in "\\PC{0,24}") {
            if let Some(status) = MeasureStatus::parse(&text) {
                prop_assert_eq!(status.as_str(), text.as_str());
            }
            if let Some(status) = TransferStatus::parse(&text) {
                prop_assert_eq!(status.as_str(), text.as_str());
            }
        }
    }
}
