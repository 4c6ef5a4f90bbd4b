//! The training histories: schooling, vocational courses, internships and apprenticeships,
//! in `formazione` and (internships, apprenticeships) in `lavoro`.

use chrono::{Datelike, NaiveDate, TimeDelta};
use rand::Rng;

use super::super::contract::TrainingRow;
use super::{Citizen, Generator, REFERENCE_DATE, add_years, date, stage_titles, years_between};
use crate::domain::codes::{
    self, EducationStage, EducationTitle, Municipality, OUTCOME_COMPLETED, OUTCOME_ONGOING,
    OUTCOME_QUALIFIED, OUTCOME_WITHDRAWN,
};

impl Generator {
    pub(super) fn push_training(&mut self, in_lavoro: bool, mut row: TrainingRow) {
        let source = if in_lavoro {
            &mut self.lavoro
        } else {
            &mut self.formazione
        };
        row.id = source.trainings.len() as i64 + 1;
        source.trainings.push(row);
    }

    /// The SIL keeps the internship it registered as an employment (C.01.00) also as a
    /// training path, promoted by the CPI.
    pub(super) fn internship_from_employment(
        &mut self,
        citizen: &Citizen,
        employer: &str,
        occupation: &str,
        start: NaiveDate,
        end: Option<NaiveDate>,
        weekly_hours: Option<f64>,
    ) {
        let label = codes::occupation_by_code(occupation).map_or("", |o| o.label);
        let end = end.unwrap_or(REFERENCE_DATE);
        let (end_date, outcome) = if end > REFERENCE_DATE {
            (None, OUTCOME_ONGOING)
        } else if self.chance(0.1) {
            (Some(end), OUTCOME_WITHDRAWN)
        } else {
            (Some(end), OUTCOME_COMPLETED)
        };
        let weeks = (end - start).num_days() / 7;
        let hours = weeks * weekly_hours.unwrap_or(30.0) as i64;
        self.push_training(
            true,
            TrainingRow {
                id: 0,
                fiscal_code: citizen.fiscal_code.clone(),
                kind: Some(codes::KIND_INTERNSHIP.to_owned()),
                title: Some(format!(
                    "Tirocinio non curriculare presso {employer} - {label}"
                )),
                provider_name: Some(format!(
                    "Centro per l'impiego di {}",
                    citizen.residence.cpi_area()
                )),
                start_date: Some(start),
                end_date,
                hours: Some(hours.max(40)),
                outcome: Some(outcome.to_owned()),
                qualification_code: None,
                eqf_level: None,
            },
        );
    }

    /// The formazione di base e trasversale an apprentice attends (120 hours over three years
    /// for the professionalizzante, 40 per year), from the hiring date.
    pub(super) fn apprenticeship_row(
        &mut self,
        citizen: &Citizen,
        start: NaiveDate,
        end: Option<NaiveDate>,
    ) -> Option<TrainingRow> {
        let course_start = start + TimeDelta::days(self.rng.random_range(20..90));
        if course_start > REFERENCE_DATE {
            return None;
        }
        let planned_end = course_start + TimeDelta::days(self.rng.random_range(300..1000));
        let (end_date, outcome, hours) = match end {
            Some(e) if e < planned_end && e <= REFERENCE_DATE => {
                (Some(e.max(course_start)), OUTCOME_WITHDRAWN, 40)
            }
            _ if planned_end > REFERENCE_DATE => (None, OUTCOME_ONGOING, 120),
            _ => (Some(planned_end), OUTCOME_COMPLETED, 120),
        };
        let provider = *self.pick(&codes::TRAINING_AGENCIES);
        Some(TrainingRow {
            id: 0,
            fiscal_code: citizen.fiscal_code.clone(),
            kind: Some(codes::KIND_APPRENTICESHIP.to_owned()),
            title: Some("Formazione di base e trasversale per apprendisti".to_owned()),
            provider_name: Some(provider.to_owned()),
            start_date: Some(course_start),
            end_date,
            hours: Some(hours),
            outcome: Some(outcome.to_owned()),
            qualification_code: None,
            eqf_level: None,
        })
    }

    /// 0-4 training paths of the regional training database, in chronological order.
    pub(super) fn trainings(&mut self, citizen: &Citizen) {
        let count = self
            .weighted(&[(0usize, 20), (1, 30), (2, 25), (3, 15), (4, 10)], |c| c.1)
            .0;
        let mut rows = self.education(citizen);
        rows.truncate(count);
        let adult = add_years(citizen.birth_date, 18).max(date(2005, 1, 1));
        let mut attempts = 0;
        while rows.len() < count && attempts < 8 && adult < REFERENCE_DATE {
            attempts += 1;
            let row = match self.rng.random_range(0..10) {
                0..6 => Some(self.vocational(citizen, adult)),
                6..8 => Some(self.internship(citizen, adult)),
                _ => {
                    let start = self.date_between(adult, REFERENCE_DATE);
                    if years_between(citizen.birth_date, start) < 30 {
                        self.apprenticeship_row(citizen, start, None)
                    } else {
                        None
                    }
                }
            };
            rows.extend(row);
        }
        rows.sort_by_key(|r| r.start_date);
        for row in rows {
            self.push_training(false, row);
        }
    }

    /// The last one or two titoli di studio of the citizen's school career. People born abroad
    /// show the licenza media they took as adults at a CPIA, if any.
    pub(super) fn education(&mut self, citizen: &Citizen) -> Vec<TrainingRow> {
        let by = citizen.birth_date.year();
        if citizen.foreign {
            if !self.chance(0.3) {
                return Vec::new();
            }
            let title = stage_titles(EducationStage::LowerSecondary)[0];
            let start = self.date_between(
                add_years(citizen.birth_date, 20).max(date(2005, 1, 1)),
                REFERENCE_DATE,
            );
            let end = start + TimeDelta::days(self.rng.random_range(180..300));
            let province = codes::province(citizen.residence.province).map_or("", |p| p.name);
            let provider =
                format!("Centro provinciale per l'istruzione degli adulti (CPIA) di {province}");
            return vec![self.education_row(citizen, title, provider, start, end)];
        }
        // the highest stage reached, by cohort: the old university system ended with the
        // enrolments of 2000/01, the 3+2 laurea specialistica with those of 2007/08
        let top = loop {
            let stage = *self.weighted(
                &[
                    (EducationStage::LowerSecondary, 14),
                    (EducationStage::VocationalQualification, 12),
                    (EducationStage::UpperSecondary, 44),
                    (EducationStage::Bachelor, 14),
                    (EducationStage::Master, 6),
                    (EducationStage::SingleCycle, 3),
                    (EducationStage::OldDegree, 7),
                    (EducationStage::PostGraduate, 3),
                ],
                |s| s.1,
            );
            let fits = match stage.0 {
                EducationStage::OldDegree => by <= 1981,
                EducationStage::Bachelor
                | EducationStage::Master
                | EducationStage::PostGraduate => by >= 1982,
                EducationStage::SingleCycle => (1982..=1999).contains(&by),
                _ => true,
            };
            if fits {
                break stage.0;
            }
        };
        let mut path: Vec<(EducationStage, i32, i32)> = Vec::new(); // stage, start age, years
        match top {
            EducationStage::LowerSecondary => path.push((EducationStage::LowerSecondary, 11, 3)),
            EducationStage::VocationalQualification => {
                path.push((EducationStage::LowerSecondary, 11, 3));
                path.push((EducationStage::VocationalQualification, 14, 3));
            }
            _ => {
                path.push((EducationStage::UpperSecondary, 14, 5));
                match top {
                    EducationStage::Bachelor => path.push((EducationStage::Bachelor, 19, 3)),
                    EducationStage::Master => {
                        path.push((EducationStage::Bachelor, 19, 3));
                        path.push((EducationStage::Master, 22, 2));
                    }
                    EducationStage::SingleCycle => path.push((EducationStage::SingleCycle, 19, 6)),
                    EducationStage::OldDegree => path.push((EducationStage::OldDegree, 19, 5)),
                    EducationStage::PostGraduate => {
                        path.push((EducationStage::Bachelor, 19, 3));
                        path.push((EducationStage::Master, 22, 2));
                        path.push((EducationStage::PostGraduate, 24, 1));
                    }
                    _ => {}
                }
            }
        }
        let city = self.school_city(citizen.residence);
        let university = *self.pick(&codes::UNIVERSITIES);
        let mut rows = Vec::new();
        let mut delay = 0; // years lost along the way
        for (stage, start_age, years) in path.iter().skip(path.len().saturating_sub(2)).copied() {
            let titles = stage_titles(stage);
            let title = *self.pick(&titles);
            let first_year = by + start_age + delay;
            let start = date(first_year, if stage.is_university() { 10 } else { 9 }, 15);
            if start > REFERENCE_DATE {
                break;
            }
            let late = if stage.is_university() {
                self.rng.random_range(0..3)
            } else {
                0
            };
            delay += late;
            let end = if stage.is_university() {
                date(
                    first_year + years + late,
                    *self.pick(&[3, 7, 10, 12]),
                    self.rng.random_range(1..29),
                )
            } else {
                date(first_year + years, 7, 10)
            };
            let provider = match title.institution {
                Some(institution) => format!("{institution} di {city}"),
                None => university.to_owned(),
            };
            let mut row = self.education_row(citizen, title, provider, start, end);
            if stage.is_university() && row.end_date.is_some() && self.chance(0.12) {
                // dropped out of university
                let left = start + TimeDelta::days(self.rng.random_range(200..900));
                row.end_date = Some(left.min(REFERENCE_DATE));
                row.outcome = Some(OUTCOME_WITHDRAWN.to_owned());
                row.qualification_code = None;
                rows.push(row);
                break;
            }
            rows.push(row);
        }
        rows
    }

    pub(super) fn education_row(
        &mut self,
        citizen: &Citizen,
        title: &EducationTitle,
        provider: String,
        start: NaiveDate,
        end: NaiveDate,
    ) -> TrainingRow {
        let ongoing = end > REFERENCE_DATE;
        TrainingRow {
            id: 0,
            fiscal_code: citizen.fiscal_code.clone(),
            kind: Some(codes::KIND_EDUCATION.to_owned()),
            title: Some(title.title.to_owned()),
            provider_name: Some(provider),
            start_date: Some(start),
            end_date: (!ongoing).then_some(end),
            hours: None,
            outcome: Some(
                if ongoing {
                    OUTCOME_ONGOING
                } else {
                    OUTCOME_QUALIFIED
                }
                .to_owned(),
            ),
            qualification_code: Some(title.sap_code.to_owned()),
            eqf_level: Some(i64::from(title.eqf_level)),
        }
    }

    /// Upper schools sit in the larger towns: the residence if it is one, else the capoluogo.
    pub(super) fn school_city(&self, residence: &'static Municipality) -> &'static str {
        if residence.population >= 15_000 {
            return residence.name;
        }
        codes::MUNICIPALITIES
            .iter()
            .filter(|m| m.province == residence.province)
            .max_by_key(|m| m.population)
            .map_or(residence.name, |m| m.name)
    }

    pub(super) fn vocational(&mut self, citizen: &Citizen, from: NaiveDate) -> TrainingRow {
        let course = *self.pick(codes::VOCATIONAL_COURSES.as_slice());
        let start = self.date_between(from, REFERENCE_DATE);
        // short certificates take a few days; longer courses about 25 hours a week
        let days = if course.hours <= 16 {
            i64::from(course.hours / 8).max(1)
        } else {
            i64::from(course.hours) * 7 / 25
        };
        let end = start + TimeDelta::days(days);
        let (end_date, outcome) = if end > REFERENCE_DATE {
            (None, OUTCOME_ONGOING)
        } else if self.chance(0.07) {
            let left = start + TimeDelta::days(self.rng.random_range(0..=days));
            (Some(left), OUTCOME_WITHDRAWN)
        } else if course.qualifying {
            (Some(end), OUTCOME_QUALIFIED)
        } else {
            (Some(end), OUTCOME_COMPLETED)
        };
        let provider = *self.pick(&codes::TRAINING_AGENCIES);
        TrainingRow {
            id: 0,
            fiscal_code: citizen.fiscal_code.clone(),
            kind: Some(codes::KIND_VOCATIONAL.to_owned()),
            title: Some(course.title.to_owned()),
            provider_name: Some(provider.to_owned()),
            start_date: Some(start),
            end_date,
            hours: Some(i64::from(course.hours)),
            outcome: Some(outcome.to_owned()),
            qualification_code: None,
            eqf_level: course.eqf_level.map(i64::from),
        }
    }

    /// An internship promoted by a training agency or a university (tirocinio curriculare or
    /// non curriculare), recorded by the training database.
    pub(super) fn internship(&mut self, citizen: &Citizen, from: NaiveDate) -> TrainingRow {
        let occupation = *self.pick(codes::OCCUPATIONS.as_slice());
        let start = self.date_between(from, REFERENCE_DATE);
        let weeks = self.rng.random_range(8..=26);
        let end = start + TimeDelta::weeks(weeks);
        let (end_date, outcome) = if end > REFERENCE_DATE {
            (None, OUTCOME_ONGOING)
        } else if self.chance(0.1) {
            (
                Some(start + TimeDelta::weeks(self.rng.random_range(1..=weeks))),
                OUTCOME_WITHDRAWN,
            )
        } else {
            (Some(end), OUTCOME_COMPLETED)
        };
        let (title, provider) = if self.chance(0.3) {
            (
                format!("Tirocinio curriculare - {}", occupation.label),
                (*self.pick(&codes::UNIVERSITIES)).to_owned(),
            )
        } else {
            (
                format!("Tirocinio non curriculare - {}", occupation.label),
                (*self.pick(&codes::TRAINING_AGENCIES)).to_owned(),
            )
        };
        TrainingRow {
            id: 0,
            fiscal_code: citizen.fiscal_code.clone(),
            kind: Some(codes::KIND_INTERNSHIP.to_owned()),
            title: Some(title),
            provider_name: Some(provider),
            start_date: Some(start),
            end_date,
            hours: Some(weeks * 30),
            outcome: Some(outcome.to_owned()),
            qualification_code: None,
            eqf_level: None,
        }
    }
}
