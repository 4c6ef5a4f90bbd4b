//! The periods of an experience: the training period of an apprenticeship (V5) and the work
//! spells that overlap (V7).

use super::ExperienceData;
use super::classified::apprenticeship;
use crate::error::DomainError;
use chrono::NaiveDate;

/// V5 (SAP section 4, DOMAIN.md §8: "Apprenticeship (A.03.xx) needs the end of the training
/// period; seasonal apprenticeship ends with it"). An apprenticeship names the end of its
/// training period (the COB's "data fine periodo formativo"), not before the start; a
/// seasonal one (A.03.14) ends the relationship on that same day. No other contract has a
/// training period.
pub fn check_training_period(
    contract_type: Option<&str>,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    training_end: Option<NaiveDate>,
) -> Result<(), DomainError> {
    let Some(a) = contract_type.and_then(apprenticeship) else {
        return match training_end {
            Some(date) => Err(DomainError::invalid(
                "trainingPeriodEnd",
                "training_period_apprenticeship_only",
                format!(
                    "trainingPeriodEnd: {date} given, but only an apprenticeship (A.03.xx) has \
                     a training period; contract type {} is not one (V5)",
                    contract_type.unwrap_or("none")
                ),
            )),
            None => Ok(()),
        };
    };
    let Some(training_end) = training_end else {
        return Err(DomainError::invalid(
            "trainingPeriodEnd",
            "training_period_end",
            format!(
                "trainingPeriodEnd: an apprenticeship ({}) needs the end of its training \
                 period (V5)",
                a.code
            ),
        ));
    };
    if let Some(start) = start
        && training_end < start
    {
        return Err(DomainError::invalid(
            "trainingPeriodEnd",
            "end_after_start",
            format!("trainingPeriodEnd: {training_end} is before startDate {start} (V5)"),
        ));
    }
    if a.seasonal && end != Some(training_end) {
        let end = end.map_or_else(|| "missing".to_owned(), |d| d.to_string());
        return Err(DomainError::invalid(
            "endDate",
            "seasonal_apprenticeship_end",
            format!(
                "endDate: a seasonal apprenticeship ({}) ends with its training period, \
                 {training_end}; endDate is {end} (V5)",
                a.code
            ),
        ));
    }
    Ok(())
}

/// Fewer hours a week than this is part-time under every contract: D.Lgs. 66/2003 art. 3 sets
/// the normal week at 40 hours and lets the collective agreements set fewer, the fewest
/// common one being the public sector's 36 (inference, as V7 itself).
pub const FULL_TIME_WEEKLY_HOURS: f64 = 36.0;

/// Whether a work spell may be a full-time job: not known part-time (fewer than
/// `FULL_TIME_WEEKLY_HOURS` a week) nor intermittent (A.05.xx, lavoro intermittente). Unknown
/// hours count as full-time.
fn may_be_full_time(e: &ExperienceData) -> bool {
    let part_time = e.weekly_hours.is_some_and(|h| h < FULL_TIME_WEEKLY_HOURS);
    let intermittent = e
        .contract_type
        .as_deref()
        .is_some_and(|c| c.starts_with("A.05."));
    !(part_time || intermittent)
}

/// A work spell that counts for V7: kept in the libretto, with a start and no end before it.
fn spell(e: &ExperienceData) -> Option<(NaiveDate, NaiveDate)> {
    if e.kind != super::ExperienceKind::Work || e.dropped {
        return None;
    }
    let start = e.start_date?;
    let end = e.end_date.unwrap_or(NaiveDate::MAX);
    (start <= end).then_some((start, end))
}

fn period(e: &ExperienceData) -> String {
    let from = e.start_date.map_or_else(String::new, |d| d.to_string());
    match e.end_date {
        Some(to) => format!("{from} to {to}"),
        None => format!("{from} onwards"),
    }
}

/// V7 (DOMAIN.md §8, inference: "overlaps only for part-time / multiple jobs"): for the
/// experience at `at`, one warning per other work spell of the libretto it overlaps (days
/// inclusive, an open end running on) when both may be full-time. Dropped experiences and
/// training do not count.
pub fn overlap_warnings(all: &[ExperienceData], at: usize) -> Vec<String> {
    let e = &all[at];
    let Some((start, end)) = spell(e).filter(|_| may_be_full_time(e)) else {
        return Vec::new();
    };
    all.iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .filter_map(|(_, o)| {
            let (o_start, o_end) = spell(o).filter(|_| may_be_full_time(o))?;
            (start <= o_end && o_start <= end).then(|| {
                format!(
                    "startDate: {} overlaps experience {} ({}, {}): two full-time or \
                     unknown-hours jobs at once; work spells overlap only part-time (under \
                     {FULL_TIME_WEEKLY_HOURS} h a week) or intermittent (A.05) (V7)",
                    period(e),
                    o.id,
                    o.organisation.as_deref().unwrap_or("no employer named"),
                    period(o),
                )
            })
        })
        .collect()
}
