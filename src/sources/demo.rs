//! Deterministic synthetic regional databases for the demo and the tests: one universe of
//! Tuscan citizens seen by two sources, `lavoro` (the SIL labour database: persons, COB
//! employment relationships, internships and apprenticeships) and `formazione` (the regional
//! training database: persons and training paths), plus the base tables a regional DBA would
//! have and the three contract views over them (DESIGN.md "The regional source contract").
//!
//! Everything is derived from `(seed, citizens)` through one ChaCha8 stream and a fixed
//! [`REFERENCE_DATE`], never from the clock, so a seed names a dataset.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::contract::{EmploymentRow, PersonRow, TrainingRow};
use crate::domain::codes::{self, EducationStage, EducationTitle, Municipality};
use sectors::Employer;

/// The rows one regional source holds, in contract shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceData {
    pub persons: Vec<PersonRow>,
    pub employments: Vec<EmploymentRow>,
    pub trainings: Vec<TrainingRow>,
}

/// The two demo sources generated from the same citizens.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DemoData {
    pub lavoro: SourceData,
    pub formazione: SourceData,
}

/// Last day of the generated history. Fixed so that a seed gives the same data on any day.
pub const REFERENCE_DATE: NaiveDate = date(2026, 10, 31);

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("invalid date"),
    }
}

const FIRST_BIRTH: NaiveDate = date(1958, 1, 1);
const LAST_BIRTH: NaiveDate = date(2006, 12, 31);
/// COB records in the SIL start in 2008 (the COB system went live in 2007-2008).
const FIRST_EMPLOYMENT: NaiveDate = date(2008, 1, 1);
const FIRST_UPDATE: NaiveDate = date(2015, 1, 1);
/// Switch dates of the COB contract table (DOMAIN.md §3.5): apprenticeship reform, table
/// revision, end of agricultural H.01.00 and of co.co.pro.
const FORNERO: NaiveDate = date(2012, 4, 26);
const COB_2013: NaiveDate = date(2013, 1, 10);
const END_H01: NaiveDate = date(2009, 3, 16);
const CO_CO_CO: NaiveDate = date(2014, 1, 7);
const END_CO_CO_PRO: NaiveDate = date(2016, 2, 1);

const FOREIGN_SHARE: f64 = 0.08;
const FORCED_OMOCODE_SHARE: f64 = 0.005;
const IN_LAVORO: f64 = 0.85;
const IN_FORMAZIONE: f64 = 0.65;
/// Share of citizens known to both sources whose rows also differ in one field.
const FIELD_DRIFT: f64 = 0.20;

/// Deterministic synthetic data: the same `(seed, citizens)` gives the same output on every run.
pub fn generate(seed: u64, citizens: usize) -> DemoData {
    Generator::new(seed, citizens).run(citizens)
}

mod citizens;
mod employments;
mod names;
mod sectors;
mod sqlite;
mod trainings;

pub use sqlite::{create_schema, drop_schema, insert, persons_written};

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// A citizen of the universe, as both sources would register them before any drift.
struct Citizen {
    fiscal_code: String,
    given_name: String,
    family_name: String,
    birth_date: NaiveDate,
    birth_place: &'static str,
    female: bool,
    citizenship: &'static str,
    foreign: bool,
    residence: &'static Municipality,
    email: Option<String>,
    phone: Option<String>,
    did_date: Option<NaiveDate>,
}

struct Generator {
    rng: ChaCha8Rng,
    used_codes: HashSet<String>,
    employers: Vec<Employer>,
    /// Employer indices per sector.
    by_sector: Vec<Vec<usize>>,
    /// `CPI-<area>-<nn>` per comune: the largest comune of an area hosts CPI 01.
    cpi_codes: HashMap<&'static str, String>,
    lavoro: SourceData,
    formazione: SourceData,
}

impl Generator {
    fn new(seed: u64, citizens: usize) -> Self {
        let mut generator = Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            used_codes: HashSet::with_capacity(citizens),
            employers: Vec::new(),
            by_sector: Vec::new(),
            cpi_codes: cpi_codes(),
            lavoro: SourceData::default(),
            formazione: SourceData::default(),
        };
        generator.build_employers((citizens / 8).clamp(60, 6_000));
        generator
    }

    fn run(mut self, citizens: usize) -> DemoData {
        for _ in 0..citizens {
            let citizen = self.citizen();
            let in_lavoro = self.rng.random_bool(IN_LAVORO);
            let in_formazione = self.rng.random_bool(IN_FORMAZIONE);
            let (lavoro_person, formazione_person) =
                self.person_rows(&citizen, in_lavoro, in_formazione);
            if let Some(person) = lavoro_person {
                self.lavoro.persons.push(person);
                self.employments(&citizen);
            }
            if let Some(person) = formazione_person {
                self.formazione.persons.push(person);
                self.trainings(&citizen);
            }
        }
        DemoData {
            lavoro: self.lavoro,
            formazione: self.formazione,
        }
    }

    // --- helpers over the random stream -------------------------------------------------------

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    /// One entry of a `|`-separated list.
    fn pick_listed(&mut self, list: &'static str) -> &'static str {
        let n = list.split('|').count();
        list.split('|')
            .nth(self.rng.random_range(0..n))
            .unwrap_or(list)
    }

    fn weighted<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u32 = items.iter().map(&weight).sum();
        let mut ticket = self.rng.random_range(0..total.max(1));
        for item in items {
            let w = weight(item);
            if ticket < w {
                return item;
            }
            ticket -= w;
        }
        &items[items.len() - 1]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0);
        from + TimeDelta::days(self.rng.random_range(0..=span))
    }

    fn timestamp_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDateTime {
        let day = self.date_between(from, to);
        let seconds = self.rng.random_range(7 * 3600..20 * 3600);
        day.and_time(NaiveTime::MIN) + TimeDelta::seconds(seconds)
    }

    fn municipality(&mut self) -> &'static Municipality {
        self.weighted(codes::MUNICIPALITIES.as_slice(), |m| m.population)
    }

    fn municipality_in(&mut self, provinces: &[&str]) -> &'static Municipality {
        if provinces.is_empty() {
            return self.municipality();
        }
        let province = *self.pick(provinces);
        let candidates: Vec<&'static Municipality> = codes::MUNICIPALITIES
            .iter()
            .filter(|m| m.province == province)
            .collect();
        let chosen: &&'static Municipality = self.weighted(&candidates, |m| m.population);
        chosen
    }
}

fn stage_titles(stage: EducationStage) -> Vec<&'static EducationTitle> {
    codes::EDUCATION_TITLES
        .iter()
        .filter(|t| t.stage == stage)
        .collect()
}

/// The same check digit the V3 check reads (`domain::fiscal_code`).
pub use crate::domain::fiscal_code::partita_iva_check_digit;

fn cpi_codes() -> HashMap<&'static str, String> {
    let mut codes_by_comune = HashMap::new();
    for &area in codes::CPI_AREAS.iter() {
        let mut comuni: Vec<&Municipality> = codes::MUNICIPALITIES
            .iter()
            .filter(|m| m.cpi_area() == area)
            .collect();
        comuni.sort_by_key(|m| std::cmp::Reverse(m.population));
        let area_code = if area == codes::EMPOLI_AREA {
            "EM"
        } else {
            comuni.first().map_or("XX", |m| m.province)
        };
        for (rank, m) in comuni.iter().enumerate() {
            let office = match rank {
                0 => 1,
                1..=3 => 2,
                _ => 3,
            };
            codes_by_comune.insert(m.istat_code, format!("CPI-{area_code}-{office:02}"));
        }
    }
    codes_by_comune
}

fn ascii_slug(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c.to_ascii_lowercase() {
            'à' | 'á' => Some('a'),
            'è' | 'é' => Some('e'),
            'ì' | 'í' => Some('i'),
            'ò' | 'ó' => Some('o'),
            'ù' | 'ú' => Some('u'),
            c if c.is_ascii_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

fn add_years(date: NaiveDate, years: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year() + years, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(date.year() + years, date.month(), 28))
        .unwrap_or(date)
}

fn years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests;
