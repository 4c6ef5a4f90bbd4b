//! The employment histories of the `lavoro` source: sectors, employers, COB contracts.

use chrono::{NaiveDate, TimeDelta};
use rand::Rng;

use super::super::contract::EmploymentRow;
use super::names::{FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES};
use super::sectors::{CARE_SECTORS, DOMESTIC, Employer, Regime, SECTORS, Sector, TEXTILE};
use super::{
    CO_CO_CO, COB_2013, Citizen, END_CO_CO_PRO, END_H01, FIRST_EMPLOYMENT, FORNERO, Generator,
    REFERENCE_DATE, add_years, date, years_between,
};
use crate::domain::FiscalCode;
use crate::domain::codes::{self, Municipality};

impl Generator {
    pub(super) fn employments(&mut self, citizen: &Citizen) {
        let count = *self.weighted(
            &[(0, 10), (1, 20), (2, 20), (3, 18), (4, 14), (5, 10), (6, 8)],
            |c| c.1,
        );
        let mut cursor = add_years(citizen.birth_date, 17).max(FIRST_EMPLOYMENT);
        let mut sector = self.first_sector(citizen);
        for job in 0..count.0 {
            let start = self.date_between(
                cursor,
                cursor + TimeDelta::days(if job == 0 { 900 } else { 300 }),
            );
            if start > REFERENCE_DATE {
                break;
            }
            if job > 0 && self.chance(0.35) {
                sector = self.weighted_sector();
            }
            let last = job + 1 == count.0;
            let end = self.employment(citizen, sector, start, last);
            match end {
                Some(end) if end < REFERENCE_DATE => cursor = end + TimeDelta::days(1),
                _ => break,
            }
        }
    }

    pub(super) fn first_sector(&mut self, citizen: &Citizen) -> usize {
        if citizen.birth_place == "Z210" && self.chance(0.6) {
            return TEXTILE;
        }
        if citizen.foreign && citizen.female && self.chance(0.35) {
            return DOMESTIC;
        }
        if citizen.female && self.chance(0.15) {
            return *self.pick(&CARE_SECTORS);
        }
        self.weighted_sector()
    }

    pub(super) fn weighted_sector(&mut self) -> usize {
        let index: Vec<usize> = (0..SECTORS.len()).collect();
        *self.weighted(&index, |&i| SECTORS[i].weight)
    }

    /// One employment relationship; returns its (planned) end date, `None` when open-ended.
    pub(super) fn employment(
        &mut self,
        citizen: &Citizen,
        sector_index: usize,
        start: NaiveDate,
        last: bool,
    ) -> Option<NaiveDate> {
        let sector = &SECTORS[sector_index];
        let (employer_name, employer_tax_code, activity, workplace) =
            if sector.regime == Regime::Domestic {
                self.family_employer(citizen)
            } else {
                let employer = self.employer(sector_index, citizen.residence.province);
                (
                    employer.name.clone(),
                    employer.tax_code.clone(),
                    employer.activity,
                    employer.municipality,
                )
            };
        let age = years_between(citizen.birth_date, start);
        let contract = self.contract(sector.regime, start, age);
        let end = self.end_date(contract, start, last);
        let occupation = *self.pick(sector.occupations);
        let weekly_hours = self.weekly_hours(sector, contract, citizen.female);
        self.lavoro.employments.push(EmploymentRow {
            id: self.lavoro.employments.len() as i64 + 1,
            fiscal_code: citizen.fiscal_code.clone(),
            employer_tax_code: Some(employer_tax_code),
            employer_name: Some(employer_name.clone()),
            start_date: start,
            end_date: end,
            contract_type: Some(contract.to_owned()),
            occupation_code: Some(occupation.to_owned()),
            sector_code: Some(activity.to_owned()),
            weekly_hours,
            workplace_municipality: Some(workplace.istat_code.to_owned()),
        });
        if contract == "C.01.00" {
            self.internship_from_employment(
                citizen,
                &employer_name,
                occupation,
                start,
                end,
                weekly_hours,
            );
        } else if contract.starts_with("A.03.")
            && let Some(row) = self.apprenticeship_row(citizen, start, end)
        {
            self.push_training(true, row);
        }
        end
    }

    pub(super) fn employer(&mut self, sector: usize, province: &str) -> &Employer {
        let pool = &self.by_sector[sector];
        let local: Vec<usize> = pool
            .iter()
            .copied()
            .filter(|&e| self.employers[e].municipality.province == province)
            .collect();
        let index = if !local.is_empty() && self.rng.random_bool(0.75) {
            local[self.rng.random_range(0..local.len())]
        } else {
            pool[self.rng.random_range(0..pool.len())]
        };
        &self.employers[index]
    }

    /// A family hiring a colf or badante: the employer is a person, with a 16-character
    /// codice fiscale as tax code, living near the worker.
    pub(super) fn family_employer(
        &mut self,
        citizen: &Citizen,
    ) -> (String, String, &'static str, &'static Municipality) {
        let female = self.chance(0.6);
        let given = if female {
            *self.pick(FEMALE_NAMES.as_slice())
        } else {
            *self.pick(MALE_NAMES.as_slice())
        };
        let family = *self.pick(FAMILY_NAMES.as_slice());
        let birth = self.date_between(date(1925, 1, 1), date(1965, 12, 31));
        let place = loop {
            let m = self.municipality();
            if m.existed_at(birth) {
                break m;
            }
        };
        let tax_code = FiscalCode::encode(family, given, birth, female, place.belfiore);
        (
            format!("{family} {given}"),
            tax_code.as_str().to_owned(),
            "97.00.00",
            citizen.residence,
        )
    }

    /// A COB code in force at `start` that fits the sector and the worker's age.
    pub(super) fn contract(&mut self, regime: Regime, start: NaiveDate, age: i32) -> &'static str {
        let before_2013 = start < COB_2013;
        let code = if regime == Regime::Domestic {
            match (before_2013, self.chance(0.6)) {
                (true, true) => "A.04.00",
                (true, false) => "A.04.01",
                (false, _) => "A.04.02",
            }
        } else if age < 30 && regime != Regime::Agency && self.chance(0.14) {
            if start < FORNERO {
                "A.03.02"
            } else {
                "A.03.09"
            }
        } else if age < 35 && self.chance(0.07) {
            "C.01.00"
        } else {
            match regime {
                Regime::Agriculture if start < END_H01 => "H.01.00",
                Regime::Hospitality if self.chance(0.2) => {
                    if before_2013 {
                        "A.05.01"
                    } else {
                        "A.05.02"
                    }
                }
                Regime::Agency if before_2013 => "A.06.01",
                Regime::Knowledge if self.chance(0.12) => {
                    if start >= CO_CO_CO && (start >= END_CO_CO_PRO || self.chance(0.5)) {
                        "B.03.00"
                    } else {
                        "B.01.00"
                    }
                }
                Regime::Care if self.chance(0.15) => "A.02.01",
                _ => match self.rng.random_range(0..100) {
                    0..35 => "A.01.00",
                    35..90 => "A.02.00",
                    _ => "A.02.01",
                },
            }
        };
        match codes::contract_type(code) {
            Some(c) if c.valid_at(start) => code,
            _ => "A.02.00",
        }
    }

    pub(super) fn end_date(
        &mut self,
        contract: &str,
        start: NaiveDate,
        last: bool,
    ) -> Option<NaiveDate> {
        let open_ended = matches!(contract, "A.01.00" | "A.04.00" | "A.04.02" | "A.06.00");
        let days = match contract {
            "C.01.00" => self.rng.random_range(60..=180),
            "H.01.00" => self.rng.random_range(20..=180),
            "A.05.01" | "A.05.02" => self.rng.random_range(30..=365),
            c if c.starts_with("A.03.") => self.rng.random_range(180..=1095),
            _ if open_ended => self.rng.random_range(180..=3000),
            _ => self.rng.random_range(30..=540),
        };
        let end = start + TimeDelta::days(days);
        if (open_ended || contract.starts_with("A.03."))
            && (end > REFERENCE_DATE || (last && self.chance(0.6)))
        {
            // still working there: no end date (fixed-term contracts keep their planned end)
            return None;
        }
        Some(end)
    }

    pub(super) fn weekly_hours(
        &mut self,
        sector: &Sector,
        contract: &str,
        female: bool,
    ) -> Option<f64> {
        match contract {
            // hours of intermittent work are called week by week
            "A.05.00" | "A.05.01" | "A.05.02" => None,
            "C.01.00" => Some(*self.pick(&[25.0, 30.0, 36.0])),
            "A.04.00" | "A.04.01" | "A.04.02" => Some(*self.pick(&[20.0, 25.0, 30.0, 40.0, 54.0])),
            _ if self.chance(if female { 0.45 } else { 0.18 }) => {
                Some(*self.pick(&[30.0, 24.0, 20.0, 18.5, 15.0]))
            }
            _ => Some(sector.full_time_hours),
        }
    }
}
