//! Synthetic legacy documents in the import format (README "Import"), for
//! `fascicolo seed-demo --libretti N --ivc N` and the reporting benchmark. Deterministic, and
//! shaped like the seeds' tables (DOMAIN.md §10), so the demo's reports look like them:
//!
//! - libretti: seed 000's areas in its exact proportions (N = 56,387 gives its table), men
//!   29,723 in 56,387, age bands led by 31-45 then 46-55, the four evidence categories led by
//!   "altra documentazione" and professional documents, experiences mostly from the regional
//!   databases;
//! - IVC dossiers (Piemonte): seed 003's years (141, 389, 492, 369) and attestati (77, 315,
//!   380, 319) in proportion, about 15 % qualifications, users born in Piemonte 50 %, abroad
//!   39 %, in other regions 11 %, the SEP sectors of seed 003 (persona 35.5 %, commerciali
//!   29.6 %, turismo e sport to 77 %).
//!
//! Where a seed gives an order but no figure (age bands, evidence categories), the weights
//! below are ours and say so.

use crate::domain::FiscalCode;
use chrono::{Datelike, Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// Seed 000, "Libretti consolidati 2011-2018" by area: (area, libretti, Belfiore code of its
/// chief town, office prefix). Empoli is a CPI area within the province of Firenze.
pub const SEED_000_AREAS: [(&str, u64, &str, &str); 11] = [
    ("Arezzo", 10_930, "A390", "AR"),
    ("Pisa", 7_937, "G702", "PI"),
    ("Prato", 7_909, "G999", "PO"),
    ("Pistoia", 6_835, "G713", "PT"),
    ("Firenze", 4_895, "D612", "FI"),
    ("Siena", 3_936, "I726", "SI"),
    ("Livorno", 3_459, "E625", "LI"),
    ("Empoli", 3_040, "D403", "EM"),
    ("Lucca", 2_983, "E715", "LU"),
    ("Grosseto", 2_267, "E202", "GR"),
    ("Massa Carrara", 2_196, "F023", "MS"),
];
/// Seed 000: 29,723 of the 56,387 holders are men.
const SEED_000_MEN: u64 = 29_723;
const SEED_000_TOTAL: u64 = 56_387;
/// Seed 000 ranks 31-45 first and 46-55 second; the shares are ours. (band, weight, ages)
const AGE_BANDS: [(u64, std::ops::RangeInclusive<i32>); 4] =
    [(20, 18..=30), (38, 31..=45), (27, 46..=55), (15, 56..=66)];
/// Seed 000 names "altra documentazione" and professional documents as the largest two; the
/// shares are ours.
const EVIDENCE_CATEGORIES: [(&str, u64); 4] = [
    ("OTHER", 40),
    ("PROFESSIONAL", 30),
    ("FORMAL_EDUCATION", 20),
    ("NON_FORMAL", 10),
];

/// Seed 003: (year, dossiers, attestati di validazione).
pub const SEED_003_YEARS: [(i32, u64, u64); 4] = [
    (2022, 141, 77),
    (2023, 389, 315),
    (2024, 492, 380),
    (2025, 369, 319),
];
/// Seed 003: "≈15%" reach a full qualification through the third-party exam.
const QUALIFIED_PERCENT: u64 = 15;
/// Seed 003: users born in Piemonte 50 %, in other countries 39 %, in other regions 11 %,
/// with birthplaces among the main ones it names (and chief towns).
const ORIGINS: [(u64, &[&str]); 3] = [
    (50, &["L219", "D205", "F952", "A182", "A479"]),
    (
        39,
        &[
            "Z129", "Z330", "Z611", "Z100", "Z335", "Z140", "Z602", "Z313", "Z343", "Z600",
        ],
    ),
    (11, &["H501", "F839", "G273", "A662", "F205"]),
];
/// Seed 003's sectors: servizi alla persona 35.5 % (socio-sanitari, educazione e formazione,
/// persona), servizi commerciali 29.6 % (area comune, distribuzione), turismo e sport 11.9 %
/// (to 77 %); the other 23 % over seven more sectors. Weights in tenths of a percent.
const SECTORS: [(&str, u64); 14] = [
    ("21", 175),
    ("22", 100),
    ("23", 80),
    ("24", 176),
    ("17", 120),
    ("18", 80),
    ("20", 39),
    ("01", 33),
    ("02", 33),
    ("06", 33),
    ("07", 33),
    ("10", 33),
    ("12", 33),
    ("15", 32),
];
const PROVIDERS: [&str; 7] = [
    "Agenzia Piemonte Lavoro",
    "CIOFS-FP Piemonte",
    "ENAIP Piemonte",
    "Casa di Carità Arti e Mestieri",
    "CNOS-FAP Piemonte",
    "IAL Piemonte",
    "Immaginazione e Lavoro",
];
const EMPLOYERS: [&str; 6] = [
    "Conceria Valdarno srl",
    "Cooperativa sociale Il Ponte",
    "Supermercati Toscani spa",
    "Hotel Bellavista",
    "Studio Rossi & Associati",
    "Officine Meccaniche Pratesi",
];
const TITLES: [&str; 6] = [
    "Addetto vendite",
    "Operatore socio-sanitario",
    "Cameriere di sala",
    "Impiegato amministrativo",
    "Magazziniere",
    "Corso sicurezza sul lavoro",
];

/// Hands out category indexes so that, after `n` draws, category `k` came out exactly its
/// share of `n` (largest remainder), spread evenly through the sequence.
struct Apportioned {
    counts: Vec<u64>,
    given: Vec<u64>,
    n: u64,
    drawn: u64,
}

impl Apportioned {
    fn new(n: u64, weights: impl IntoIterator<Item = u64>) -> Self {
        let weights: Vec<u64> = weights.into_iter().collect();
        let total: u64 = weights.iter().sum::<u64>().max(1);
        let mut counts: Vec<u64> = weights.iter().map(|w| n * w / total).collect();
        let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
        by_remainder.sort_by_key(|&k| std::cmp::Reverse((n * weights[k]) % total));
        let short = n - counts.iter().sum::<u64>();
        for &k in by_remainder.iter().take(short as usize) {
            counts[k] += 1;
        }
        Apportioned {
            given: vec![0; counts.len()],
            counts,
            n,
            drawn: 0,
        }
    }

    fn next(&mut self) -> usize {
        self.drawn += 1;
        // the category furthest behind its due share so far
        let due = |k: usize| -> i128 {
            i128::from(self.counts[k]) * i128::from(self.drawn)
                - i128::from(self.given[k]) * i128::from(self.n.max(1))
        };
        let k = (0..self.counts.len())
            .filter(|&k| self.given[k] < self.counts[k])
            .max_by_key(|&k| (due(k), std::cmp::Reverse(k)))
            .unwrap_or(0);
        self.given[k] += 1;
        k
    }
}

/// A fiscal code distinct for every `i` below 14^6 (7.5 million): the six name consonants
/// spell `i` in base 14. Returns (family name, given name, code).
fn person(
    i: u64,
    birth: NaiveDate,
    female: bool,
    birth_place: &str,
) -> (String, String, FiscalCode) {
    const CONSONANTS: &[u8] = b"BCDFGLMNPRSTVZ";
    const VOWELS: &[u8] = b"AEIOU";
    let letter = |k: u32| CONSONANTS[((i / 14u64.pow(k)) % 14) as usize] as char;
    let vowel = |k: u32| VOWELS[((i / 5u64.pow(k)) % 5) as usize].to_ascii_lowercase() as char;
    // a name of three syllables from consonants first..first+2
    let word = |first: u32, vowel_at: u32, ending: char| {
        format!(
            "{}{}{}{}{}{}",
            letter(first),
            vowel(vowel_at),
            letter(first + 1).to_ascii_lowercase(),
            vowel(vowel_at + 1),
            letter(first + 2).to_ascii_lowercase(),
            ending
        )
    };
    let family = word(0, 0, vowel(2));
    let given = word(3, 1, if female { 'a' } else { 'o' });
    let code = FiscalCode::encode(&family, &given, birth, female, birth_place);
    (family, given, code)
}

fn day_in(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=days))
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// `n` legacy libretti, one JSON object each, issued 2011 to June 2018 (seed 000's data are
/// of July 2018).
pub fn libretti(n: u64, seed: u64) -> impl Iterator<Item = Value> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut areas = Apportioned::new(n, SEED_000_AREAS.iter().map(|a| a.1));
    let mut genders = Apportioned::new(n, [SEED_000_MEN, SEED_000_TOTAL - SEED_000_MEN]);
    let mut bands = Apportioned::new(n, AGE_BANDS.iter().map(|b| b.0));
    (0..n).map(move |i| {
        let (area, _, chief_town, office) = SEED_000_AREAS[areas.next()];
        let female = genders.next() == 1;
        let ages = AGE_BANDS[bands.next()].1.clone();
        let issued = day_in(&mut rng, date(2011, 1, 10), date(2018, 6, 30));
        let age = rng.random_range(ages);
        let birth = day_in(
            &mut rng,
            date(issued.year() - age - 1, issued.month(), 1) + Duration::days(1),
            date(issued.year() - age, issued.month(), 1),
        );
        let born_at = match rng.random_range(0..100) {
            0..80 => chief_town,
            80..92 => ["H501", "F839", "G273"][rng.random_range(0..3)],
            _ => ["Z129", "Z100", "Z330"][rng.random_range(0..3)],
        };
        let (family, given, code) = person(i, birth, female, born_at);
        let experiences: Vec<Value> = (0..rng.random_range(1..=4))
            .map(|_| {
                let start = day_in(&mut rng, birth + Duration::days(18 * 365), issued);
                let end = day_in(&mut rng, start, issued);
                json!({
                    "kind": if rng.random_bool(0.6) { "WORK" } else { "TRAINING" },
                    "origin": if rng.random_bool(0.75) { "REGIONAL_DB" } else { "SELF_DECLARED" },
                    "organisation": EMPLOYERS[rng.random_range(0..EMPLOYERS.len())],
                    "title": TITLES[rng.random_range(0..TITLES.len())],
                    "startDate": start,
                    "endDate": end,
                })
            })
            .collect();
        let evidences: Vec<Value> = (0..rng.random_range(0..=3))
            .map(|_| {
                let pick = rng.random_range(0..100);
                let mut bound = 0;
                let category = EVIDENCE_CATEGORIES
                    .iter()
                    .find(|(_, w)| {
                        bound += w;
                        pick < bound
                    })
                    .map_or("OTHER", |c| c.0);
                json!({ "category": category, "title": "Documento allegato", "issuedOn": issued })
            })
            .collect();
        json!({
            "number": format!("LFC-TOS-{}-{:07}", issued.year(), i + 1),
            "fiscalCode": code.as_str(),
            "area": area,
            "office": format!("CPI-{office}-0{}", rng.random_range(1..=3)),
            "status": if rng.random_bool(0.96) { "CONSOLIDATED" } else { "IN_UPDATE" },
            "issuedOn": issued,
            "givenName": given,
            "familyName": family,
            "birthDate": birth,
            "gender": if female { "F" } else { "M" },
            "experiences": experiences,
            "evidences": evidences,
        })
    })
}

/// `n` closed legacy IVC dossiers of Piemonte, requested 2022-2025; every date of a dossier
/// falls in its year, so the per-year tables keep seed 003's proportions.
pub fn dossiers(n: u64, seed: u64) -> impl Iterator<Item = Value> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut years = Apportioned::new(n, SEED_003_YEARS.iter().map(|y| y.1));
    // each year's attestati in the seed's proportion of that year's exact count
    let mut attestato_of_year: Vec<Apportioned> = years
        .counts
        .iter()
        .zip(SEED_003_YEARS)
        .map(|(&count, (_, dossiers, attestati))| {
            Apportioned::new(count, [attestati, dossiers - attestati])
        })
        .collect();
    let mut origins = Apportioned::new(n, ORIGINS.iter().map(|o| o.0));
    let mut sectors = Apportioned::new(n, SECTORS.iter().map(|s| s.1));
    (0..n).map(move |i| {
        let y = years.next();
        let year = SEED_003_YEARS[y].0;
        let with_attestato = attestato_of_year[y].next() == 0;
        let places = ORIGINS[origins.next()].1;
        let born_at = places[rng.random_range(0..places.len())];
        let requested = day_in(&mut rng, date(year, 1, 2), date(year, 9, 30));
        let age = rng.random_range(18..=63);
        let birth = day_in(
            &mut rng,
            date(requested.year() - age - 1, 1, 1) + Duration::days(1),
            date(requested.year() - age - 1, 12, 31),
        );
        let female = rng.random_bool(0.55);
        let (_, _, code) = person(i, birth, female, born_at);
        let transparency = requested + Duration::days(rng.random_range(14..=35));
        let attestato_on = transparency + Duration::days(rng.random_range(14..=35));
        let qualified = with_attestato && rng.random_range(0..100) < QUALIFIED_PERCENT * 100 / 79;
        let mut sector_list = vec![SECTORS[sectors.next()].0];
        if rng.random_bool(0.2) {
            sector_list.push(SECTORS[rng.random_range(0..SECTORS.len())].0);
            sector_list.dedup();
        }
        let mut line = json!({
            "legacyId": format!("PIE-{year}-{:07}", i + 1),
            "fiscalCode": code.as_str(),
            "region": "PIE",
            "program": "IVC PLUS",
            "provider": PROVIDERS[rng.random_range(0..PROVIDERS.len())],
            "requestedOn": requested,
            "transparencyReleasedOn": transparency,
            "outcome": match (with_attestato, qualified) {
                (false, _) => "DOSSIER_ONLY",
                (true, false) => "DOSSIER_AND_ATTESTATO",
                (true, true) => "QUALIFICATION",
            },
            "closedOn": attestato_on + Duration::days(20),
            "hours": rng.random_range(4..=26),
            "sectors": sector_list,
        });
        if with_attestato {
            line["attestatoNumber"] = json!(format!("ATT-PIE-{year}-{:07}", i + 1));
            line["attestatoIssuedOn"] = json!(attestato_on);
        }
        if qualified {
            line["certificateNumber"] = json!(format!("CERT-PIE-{year}-{:07}", i + 1));
        }
        line
    })
}

#[cfg(test)]
mod tests;
