//! The employers and the citizens: names, codes, contacts, and the person rows each source
//! holds of them.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use rand::Rng;

use super::super::contract::PersonRow;
use super::names::{FAMILY_NAMES, FEMALE_NAMES, FOREIGN_NAMES, MALE_NAMES, MOBILE_PREFIXES, NOUNS};
use super::sectors::{Employer, Regime, SECTORS};
use super::{
    Citizen, FIELD_DRIFT, FIRST_BIRTH, FIRST_UPDATE, FORCED_OMOCODE_SHARE, FOREIGN_SHARE,
    Generator, LAST_BIRTH, REFERENCE_DATE, add_years, ascii_slug, partita_iva_check_digit,
};
use crate::domain::FiscalCode;
use crate::domain::codes::{self, Municipality};

impl Generator {
    pub(super) fn build_employers(&mut self, count: usize) {
        let total_weight: u32 = SECTORS.iter().map(|s| s.weight).sum();
        self.by_sector = vec![Vec::new(); SECTORS.len()];
        for (index, sector) in SECTORS.iter().enumerate() {
            if sector.regime == Regime::Domestic {
                continue; // families are created per job
            }
            let n = (count * sector.weight as usize / total_weight as usize).max(3);
            for _ in 0..n {
                let municipality = if self.chance(0.75) {
                    self.municipality_in(sector.provinces)
                } else {
                    self.municipality()
                };
                let name = self.company_name(sector.names, municipality);
                let activity = *self.pick(sector.activities);
                let tax_code = self.partita_iva(municipality);
                self.by_sector[index].push(self.employers.len());
                self.employers.push(Employer {
                    name,
                    tax_code,
                    activity,
                    municipality,
                });
            }
        }
    }

    pub(super) fn company_name(
        &mut self,
        templates: &[&str],
        municipality: &Municipality,
    ) -> String {
        let template = *self.pick(templates);
        let family = *self.pick(FAMILY_NAMES.as_slice());
        let given = if self.chance(0.5) {
            *self.pick(MALE_NAMES.as_slice())
        } else {
            *self.pick(FEMALE_NAMES.as_slice())
        };
        let noun = *self.pick(NOUNS.as_slice());
        template
            .replace("{S}", family)
            .replace("{G}", given)
            .replace("{P}", municipality.name)
            .replace("{N}", noun)
    }

    /// An 11-digit Partita IVA: 7-digit serial, 3-digit provincial office (the province's ISTAT
    /// code), check digit (DOMAIN.md §3.1).
    pub(super) fn partita_iva(&mut self, municipality: &Municipality) -> String {
        let serial = self.rng.random_range(100_000..10_000_000u32);
        let office = &municipality.istat_code[..3];
        let body = format!("{serial:07}{office}");
        format!("{body}{}", partita_iva_check_digit(&body))
    }

    // --- citizens ---------------------------------------------------------------------------

    pub(super) fn citizen(&mut self) -> Citizen {
        let female = self.chance(0.5);
        let foreign = self.chance(FOREIGN_SHARE);
        let mut birth_date = self.date_between(FIRST_BIRTH, LAST_BIRTH);
        let (given_name, family_name, birth_place, citizenship) = if foreign {
            let names = self.weighted(FOREIGN_NAMES.as_slice(), |n| n.weight);
            let state =
                codes::foreign_state(names.state).expect("foreign names name a listed state");
            if !state.existed_at(birth_date) {
                // born before the state existed: keep the person, make them younger
                birth_date =
                    self.date_between(state.established.unwrap_or(FIRST_BIRTH), LAST_BIRTH);
            }
            let given = self.pick_listed(if female { names.female } else { names.male });
            let family = self.pick_listed(names.family);
            (given, family, state.belfiore, state.iso_alpha2)
        } else {
            let given = if female {
                *self.pick(FEMALE_NAMES.as_slice())
            } else {
                *self.pick(MALE_NAMES.as_slice())
            };
            let family = *self.pick(FAMILY_NAMES.as_slice());
            let birth_place = loop {
                let m = self.municipality();
                if m.existed_at(birth_date) {
                    break m.belfiore;
                }
            };
            (given, family, birth_place, "IT")
        };
        let residence = if foreign && birth_place == "Z210" && self.chance(0.5) {
            codes::municipality_by_istat("100005").expect("Prato is listed")
        } else if !foreign && self.chance(0.5) {
            // many still live where they were born
            codes::MUNICIPALITIES
                .iter()
                .find(|m| m.belfiore == birth_place)
                .expect("birth comune is listed")
        } else {
            self.municipality()
        };
        let fiscal_code =
            self.unique_fiscal_code(family_name, given_name, birth_date, female, birth_place);
        let email = self
            .chance(0.8)
            .then(|| self.email(given_name, family_name, birth_date));
        let phone = self.chance(0.85).then(|| self.phone());
        let did_date = if self.chance(0.4) {
            let from = add_years(birth_date, 16).max(FIRST_UPDATE);
            (from < REFERENCE_DATE).then(|| self.date_between(from, REFERENCE_DATE))
        } else {
            None
        };
        Citizen {
            fiscal_code,
            given_name: given_name.to_owned(),
            family_name: family_name.to_owned(),
            birth_date,
            birth_place,
            female,
            citizenship,
            foreign,
            residence,
            email,
            phone,
            did_date,
        }
    }

    /// The code Agenzia delle Entrate would issue: the computed one, or the next omocodia
    /// variant when someone already holds it. A few citizens are also stored under variant 1 so
    /// the demo always shows omocodes.
    pub(super) fn unique_fiscal_code(
        &mut self,
        family: &str,
        given: &str,
        birth_date: NaiveDate,
        female: bool,
        birth_place: &str,
    ) -> String {
        let base = FiscalCode::encode(family, given, birth_date, female, birth_place);
        let first_level = usize::from(self.chance(FORCED_OMOCODE_SHARE));
        for level in first_level..=7 {
            let code = base.omocode_variant(level).as_str().to_owned();
            if self.used_codes.insert(code.clone()) {
                return code;
            }
        }
        // 128 people with one code cannot happen with these name lists; shift the day anyway
        self.unique_fiscal_code(
            family,
            given,
            birth_date + TimeDelta::days(1),
            female,
            birth_place,
        )
    }

    pub(super) fn email(&mut self, given: &str, family: &str, birth_date: NaiveDate) -> String {
        let (g, f) = (ascii_slug(given), ascii_slug(family));
        match self.rng.random_range(0..4) {
            0 => format!("{g}.{f}@example.it"),
            1 => format!("{g}.{f}{}@example.it", self.rng.random_range(1..100)),
            2 => format!("{}{f}{:02}@example.it", &g[..1], birth_date.year() % 100),
            _ => format!("{f}.{g}@example.it"),
        }
    }

    pub(super) fn phone(&mut self) -> String {
        let prefix = *self.pick(MOBILE_PREFIXES.as_slice());
        format!("+39 {prefix} {:07}", self.rng.random_range(0..10_000_000))
    }

    pub(super) fn cpi_code(&self, municipality: &Municipality) -> String {
        self.cpi_codes
            .get(municipality.istat_code)
            .cloned()
            .unwrap_or_default()
    }

    /// The person row of each source that knows the citizen. When both do, they were updated
    /// at different times, and for some the newer row also carries a changed field, so that
    /// "most recent row wins" is visible when merging.
    pub(super) fn person_rows(
        &mut self,
        citizen: &Citizen,
        in_lavoro: bool,
        in_formazione: bool,
    ) -> (Option<PersonRow>, Option<PersonRow>) {
        let from = citizen.did_date.unwrap_or(FIRST_UPDATE).max(FIRST_UPDATE);
        let mut lavoro = in_lavoro.then(|| self.timestamp_between(from, REFERENCE_DATE));
        let formazione = in_formazione.then(|| self.timestamp_between(from, REFERENCE_DATE));
        if let (Some(l), Some(f)) = (lavoro, formazione)
            && l == f
        {
            lavoro = Some(l - TimeDelta::minutes(17));
        }
        let mut lavoro = lavoro.map(|at| self.person_row(citizen, at));
        let mut formazione = formazione.map(|at| self.person_row(citizen, at));
        if let (Some(l), Some(f)) = (lavoro.as_mut(), formazione.as_mut())
            && self.chance(FIELD_DRIFT)
        {
            let newer = if l.updated_at > f.updated_at { l } else { f };
            self.drift(newer, citizen);
        }
        (lavoro, formazione)
    }

    pub(super) fn person_row(&self, citizen: &Citizen, updated_at: NaiveDateTime) -> PersonRow {
        PersonRow {
            fiscal_code: citizen.fiscal_code.clone(),
            given_name: Some(citizen.given_name.clone()),
            family_name: Some(citizen.family_name.clone()),
            birth_date: Some(citizen.birth_date),
            birth_place_code: Some(citizen.birth_place.to_owned()),
            gender: Some(if citizen.female { "F" } else { "M" }.to_owned()),
            citizenship: Some(citizen.citizenship.to_owned()),
            residence_municipality: Some(citizen.residence.istat_code.to_owned()),
            residence_province: Some(citizen.residence.province.to_owned()),
            email: citizen.email.clone(),
            phone: citizen.phone.clone(),
            cpi_code: Some(self.cpi_code(citizen.residence)),
            did_date: citizen.did_date,
            updated_at,
        }
    }

    /// A change only the more recently updated source knows about.
    pub(super) fn drift(&mut self, row: &mut PersonRow, citizen: &Citizen) {
        match self.rng.random_range(0..4) {
            0 => {
                let mut email = self.email(
                    &citizen.given_name,
                    &citizen.family_name,
                    citizen.birth_date,
                );
                if row.email.as_ref() == Some(&email) {
                    email = email.replace("@example.it", "@example.com");
                }
                row.email = Some(email);
            }
            1 => row.phone = Some(self.phone()),
            2 => {
                let moved_to = loop {
                    let m = self.municipality();
                    if m.istat_code != citizen.residence.istat_code {
                        break m;
                    }
                };
                row.residence_municipality = Some(moved_to.istat_code.to_owned());
                row.residence_province = Some(moved_to.province.to_owned());
                row.cpi_code = Some(self.cpi_code(moved_to));
            }
            _ => {
                let did = row.updated_at.date() - TimeDelta::days(self.rng.random_range(1..200));
                row.did_date = Some(did.max(add_years(citizen.birth_date, 16)));
            }
        }
    }
}
