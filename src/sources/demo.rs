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
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, TransactionTrait, Value,
};

use super::contract::{EmploymentRow, PersonRow, TrainingRow};
use crate::domain::FiscalCode;
use crate::domain::codes::{
    self, EducationStage, EducationTitle, Municipality, OUTCOME_COMPLETED, OUTCOME_ONGOING,
    OUTCOME_QUALIFIED, OUTCOME_WITHDRAWN,
};

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

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
static MALE_NAMES: [&str; 40] = [
    "Marco", "Andrea", "Luca", "Alessandro", "Matteo", "Lorenzo", "Francesco", "Simone",
    "Davide", "Riccardo", "Giovanni", "Stefano", "Paolo", "Roberto", "Massimo", "Fabio",
    "Daniele", "Federico", "Gabriele", "Tommaso", "Niccolò", "Filippo", "Jacopo", "Edoardo",
    "Leonardo", "Mattia", "Claudio", "Giuseppe", "Antonio", "Michele", "Emanuele", "Alberto",
    "Enrico", "Sandro", "Mauro", "Giacomo", "Duccio", "Cosimo", "Pietro", "Samuele",
];

#[rustfmt::skip]
static FEMALE_NAMES: [&str; 40] = [
    "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Elena", "Alessia",
    "Silvia", "Laura", "Federica", "Elisa", "Giorgia", "Ilaria", "Beatrice", "Caterina",
    "Arianna", "Serena", "Claudia", "Paola", "Monica", "Cristina", "Barbara", "Simona",
    "Roberta", "Anna", "Maria", "Lucia", "Benedetta", "Costanza", "Irene", "Alice", "Camilla",
    "Sofia", "Aurora", "Noemi", "Veronica", "Manuela", "Daniela", "Gemma",
];

#[rustfmt::skip]
static FAMILY_NAMES: [&str; 60] = [
    "Rossi", "Bianchi", "Innocenti", "Bini", "Fabbri", "Conti", "Ricci", "Bartolini",
    "Giannini", "Lombardi", "Martini", "Mancini", "Masi", "Cecchi", "Baldi", "Bruni", "Santini",
    "Ferri", "Marchi", "Bacci", "Nesti", "Pieri", "Bertini", "Rossetti", "Lazzeri", "Benvenuti",
    "Parri", "Magni", "Corsi", "Fantoni", "Galli", "Sani", "Vannini", "Papini", "Niccolai",
    "Ciampi", "Mazzoni", "Neri", "Lenzi", "Meucci", "Guidi", "Giusti", "Orlandi", "Pellegrini",
    "Tognetti", "Cappelli", "Barbieri", "Gori", "Landi", "Pucci", "Bellini", "Romagnoli",
    "Banchelli", "Bardi", "Cioni", "Frosini", "Lotti", "Mugnai", "Pratesi", "Biagini",
];

/// Names plausible for people born in a foreign state, with its weight among Tuscany's foreign
/// residents (order of magnitude).
/// Lists are `|`-separated.
struct ForeignNames {
    state: &'static str,
    weight: u32,
    male: &'static str,
    female: &'static str,
    family: &'static str,
}

const fn foreign(
    state: &'static str,
    weight: u32,
    male: &'static str,
    female: &'static str,
    family: &'static str,
) -> ForeignNames {
    ForeignNames {
        state,
        weight,
        male,
        female,
        family,
    }
}

static FOREIGN_NAMES: [ForeignNames; 15] = [
    foreign(
        "Z129",
        22,
        "Andrei|Mihai|Florin|Ionut|Adrian|Cristian|Gabriel",
        "Elena|Ioana|Andreea|Maria|Alina|Mihaela|Florentina",
        "Popescu|Ionescu|Popa|Radu|Dumitru|Stan|Constantin|Munteanu",
    ),
    foreign(
        "Z100",
        15,
        "Arben|Ermal|Besnik|Gentian|Klodian|Ardit|Erion",
        "Elira|Anila|Blerina|Erjona|Valbona|Klea|Dorina",
        "Hoxha|Shehu|Gjoka|Leka|Marku|Dervishi|Meta|Kola",
    ),
    foreign(
        "Z210",
        13,
        "Wei|Jian|Hao|Lei|Jun|Ming|Bo",
        "Li|Mei|Xiu|Yan|Hong|Ling|Fang",
        "Hu|Chen|Wang|Zhang|Lin|Zhou|Xu|Huang|Ye|Jin",
    ),
    foreign(
        "Z330",
        8,
        "Mohamed|Youssef|Rachid|Abdelaziz|Hamza|Said|Karim",
        "Fatima|Khadija|Samira|Nadia|Latifa|Amina|Salma",
        "El Amrani|Benali|Bouzid|El Idrissi|Chakir|Tazi|Alaoui",
    ),
    foreign(
        "Z216",
        3,
        "Jose|Mark|John Paul|Rodel|Jerome",
        "Maricel|Rowena|Jocelyn|Grace|Ana Marie",
        "Santos|Reyes|Cruz|Bautista|Garcia|Dela Cruz|Villanueva",
    ),
    foreign(
        "Z611",
        3,
        "Luis|Carlos|Jorge|Miguel|Cesar",
        "Rosa|Carmen|Milagros|Ana|Maribel",
        "Quispe|Flores|Huaman|Mendoza|Rojas|Chavez|Vargas",
    ),
    foreign(
        "Z138",
        3,
        "Oleksandr|Andriy|Serhiy|Vasyl|Taras",
        "Olena|Oksana|Nataliya|Iryna|Halyna",
        "Kovalenko|Shevchenko|Bondarenko|Melnyk|Tkachenko|Boyko",
    ),
    foreign(
        "Z343",
        3,
        "Mamadou|Ousmane|Cheikh|Abdoulaye|Modou",
        "Awa|Fatou|Aminata|Mariama|Coumba",
        "Diop|Ndiaye|Fall|Sow|Gueye|Diallo|Faye",
    ),
    foreign(
        "Z249",
        3,
        "Mohammad|Abdul|Rahim|Kamal|Shahid",
        "Nasrin|Fatema|Ruma|Sultana|Shirin",
        "Hossain|Rahman|Islam|Ahmed|Miah|Uddin",
    ),
    foreign(
        "Z335",
        2,
        "Chinedu|Emeka|Oluwaseun|Ibrahim|Samuel",
        "Blessing|Chioma|Ngozi|Funmilayo|Precious",
        "Okafor|Adeyemi|Okonkwo|Eze|Ogunleye|Nwosu",
    ),
    foreign(
        "Z140",
        2,
        "Ion|Vasile|Dumitru|Sergiu|Victor",
        "Tatiana|Svetlana|Natalia|Elena|Ludmila",
        "Rusu|Ciobanu|Ceban|Lungu|Cojocaru|Rotaru",
    ),
    foreign(
        "Z236",
        2,
        "Muhammad|Ali|Imran|Asif|Bilal",
        "Ayesha|Sana|Nadia|Fatima|Hina",
        "Khan|Hussain|Iqbal|Butt|Malik",
    ),
    foreign(
        "Z352",
        2,
        "Mohamed|Ahmed|Sami|Walid|Hichem",
        "Amel|Sonia|Ines|Leila|Rim",
        "Ben Ali|Trabelsi|Gharbi|Jebali|Mejri|Ayari",
    ),
    foreign(
        "Z602",
        2,
        "Joao|Gabriel|Lucas|Rafael|Thiago",
        "Ana|Juliana|Fernanda|Camila|Leticia",
        "Silva|Santos|Oliveira|Souza|Pereira|Costa",
    ),
    foreign(
        "Z600",
        1,
        "Martin|Diego|Facundo|Matias|Nicolas",
        "Sofia|Valentina|Lucia|Florencia|Camila",
        "Gonzalez|Rodriguez|Fernandez|Lopez|Martinez|Gomez",
    ),
];

/// Words for invented company names.
#[rustfmt::skip]
static NOUNS: [&str; 18] = [
    "Giglio", "Arno", "Chianti", "Valdarno", "Mugello", "Tirreno", "Apuane", "Maremma",
    "Casentino", "Girasole", "Ulivo", "Cipresso", "Melograno", "Aurora", "Fenice", "Quercia",
    "Magnolia", "Ginestra",
];

static MOBILE_PREFIXES: [&str; 16] = [
    "320", "328", "329", "333", "334", "338", "339", "340", "345", "347", "348", "349", "366",
    "380", "388", "392",
];

// ---------------------------------------------------------------------------------------------
// Sectors: which employers exist, whom they hire, under which contracts
// ---------------------------------------------------------------------------------------------

/// Contract habits of a sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Regime {
    Standard,
    /// Restaurants, bars, hotels: intermittent work is common.
    Hospitality,
    Agriculture,
    /// Families employing colf and badanti: employer is a person, A.04 codes.
    Domestic,
    /// Agenzie per il lavoro (somministrazione).
    Agency,
    /// Professional and IT firms: collaborations besides employment.
    Knowledge,
    Care,
}

struct Sector {
    activities: &'static [&'static str],
    occupations: &'static [&'static str],
    /// Company name templates: `{S}` family name, `{G}` given name, `{P}` comune, `{N}` noun.
    names: &'static [&'static str],
    weight: u32,
    full_time_hours: f64,
    regime: Regime,
    /// Provinces where the sector concentrates (empty: everywhere).
    provinces: &'static [&'static str],
}

static SECTORS: [Sector; 21] = [
    Sector {
        activities: &["47.11.20"],
        occupations: &["5.1.2.2.0", "5.1.2.4.0", "4.3.1.2.0"],
        names: &[
            "Supermercati {S} S.r.l.",
            "Market {P} S.r.l.",
            "Alimentari {S} & C. S.n.c.",
        ],
        weight: 12,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["47.71.10"],
        occupations: &["5.1.2.2.0", "5.1.2.4.0"],
        names: &[
            "{S} Moda S.r.l.",
            "Boutique {G} S.a.s.",
            "Abbigliamento {S} S.r.l.",
        ],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["56.10.11"],
        occupations: &["5.2.2.1.0", "5.2.2.2.0", "5.2.2.3.2"],
        names: &[
            "Trattoria da {G} S.n.c.",
            "Ristorante {S} S.r.l.",
            "Osteria del {N} S.r.l.",
            "Pizzeria {N} S.a.s.",
        ],
        weight: 10,
        full_time_hours: 40.0,
        regime: Regime::Hospitality,
        provinces: &[],
    },
    Sector {
        activities: &["56.30.00"],
        occupations: &["5.2.2.4.0", "5.2.2.2.0"],
        names: &[
            "Bar {S} S.n.c.",
            "Caffè {P} S.r.l.",
            "Bar pasticceria {N} S.a.s.",
        ],
        weight: 5,
        full_time_hours: 40.0,
        regime: Regime::Hospitality,
        provinces: &[],
    },
    Sector {
        activities: &["55.10.00"],
        occupations: &["5.2.2.3.2", "5.2.2.1.0", "4.1.1.2.0"],
        names: &[
            "Hotel {P} S.r.l.",
            "Albergo {N} S.a.s.",
            "Grand Hotel {N} S.p.A.",
        ],
        weight: 5,
        full_time_hours: 40.0,
        regime: Regime::Hospitality,
        provinces: &["FI", "SI", "LI", "GR", "LU"],
    },
    Sector {
        activities: &["41.20.00"],
        occupations: &["6.1.2.1.0", "8.4.2.1.0"],
        names: &[
            "Edil{S} S.r.l.",
            "Costruzioni {S} S.r.l.",
            "Impresa edile {S} & Figli S.n.c.",
        ],
        weight: 8,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["25.11.00", "25.62.00"],
        occupations: &["6.2.1.2.0", "6.2.3.7.0", "8.4.3.1.0", "7.4.4.3.0"],
        names: &[
            "Officine meccaniche {S} S.p.A.",
            "Carpenteria metallica {S} S.r.l.",
            "Meccanica {P} S.r.l.",
        ],
        weight: 8,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["13.20.00", "14.13.10"],
        occupations: &["8.4.3.1.0", "4.3.1.2.0", "4.3.2.1.0"],
        names: &[
            "Lanificio {S} S.p.A.",
            "Tessitura {S} S.r.l.",
            "Confezioni {N} S.r.l.",
        ],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &["PO", "PT"],
    },
    Sector {
        activities: &["15.12.09", "15.20.10"],
        occupations: &["8.4.3.1.0", "4.3.1.2.0"],
        names: &[
            "Pelletteria {S} S.r.l.",
            "Calzaturificio {S} S.r.l.",
            "Pelletterie {N} S.r.l.",
        ],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &["FI", "PI", "AR"],
    },
    Sector {
        activities: &["49.41.00", "52.10.20"],
        occupations: &["7.4.2.3.0", "7.4.4.3.0", "4.3.1.2.0"],
        names: &[
            "Autotrasporti {S} S.r.l.",
            "Logistica {P} S.r.l.",
            "Trasporti {N} S.r.l.",
        ],
        weight: 7,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["62.01.00", "62.02.00"],
        occupations: &["2.1.1.4.1", "3.1.2.1.0", "4.1.1.1.0"],
        names: &[
            "{S} Software S.r.l.",
            "{N} Informatica S.r.l.",
            "Digitale {P} S.r.l.",
        ],
        weight: 4,
        full_time_hours: 40.0,
        regime: Regime::Knowledge,
        provinces: &["FI", "PI", "SI"],
    },
    Sector {
        activities: &["69.20.11"],
        occupations: &["3.3.1.2.1", "4.3.2.1.0", "4.1.1.1.0"],
        names: &[
            "Studio {S} commercialisti associati",
            "Studio commercialista dott. {G} {S}",
        ],
        weight: 3,
        full_time_hours: 40.0,
        regime: Regime::Knowledge,
        provinces: &[],
    },
    Sector {
        activities: &["86.10.10"],
        occupations: &["3.2.1.1.1", "5.3.1.1.0"],
        names: &["Casa di cura {N} S.p.A.", "Casa di cura Villa {G} S.r.l."],
        weight: 4,
        full_time_hours: 36.0,
        regime: Regime::Care,
        provinces: &[],
    },
    Sector {
        activities: &["87.30.00"],
        occupations: &["5.3.1.1.0", "3.2.1.1.1", "5.4.4.3.0"],
        names: &["RSA Villa {G} S.r.l.", "Residenza per anziani {N} S.r.l."],
        weight: 5,
        full_time_hours: 38.0,
        regime: Regime::Care,
        provinces: &[],
    },
    Sector {
        activities: &["88.10.00"],
        occupations: &["5.3.1.1.0", "5.4.4.3.0"],
        names: &[
            "Cooperativa sociale {N} Onlus",
            "{N} Società cooperativa sociale",
        ],
        weight: 5,
        full_time_hours: 38.0,
        regime: Regime::Care,
        provinces: &[],
    },
    Sector {
        activities: &["97.00.00"],
        occupations: &["8.2.2.1.0", "5.4.4.3.0"],
        names: &[],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Domestic,
        provinces: &[],
    },
    Sector {
        activities: &["96.02.01"],
        occupations: &["5.4.3.1.0"],
        names: &["Parrucchieria {G}", "Hair studio {S} S.n.c."],
        weight: 3,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["96.02.02"],
        occupations: &["5.4.3.2.0"],
        names: &["Centro estetico {G}", "Istituto di bellezza {N} S.a.s."],
        weight: 2,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &[],
    },
    Sector {
        activities: &["01.21.00", "01.26.00", "11.02.10"],
        occupations: &["8.3.1.1.0"],
        names: &[
            "Fattoria {S} Società agricola",
            "Tenuta {N} Società agricola S.r.l.",
            "Frantoio {S} Società agricola",
        ],
        weight: 5,
        // CCNL operai agricoli e florovivaisti
        full_time_hours: 39.0,
        regime: Regime::Agriculture,
        provinces: &["SI", "FI", "GR", "AR"],
    },
    Sector {
        activities: &["81.30.00"],
        occupations: &["8.3.1.2.0"],
        names: &["Giardini {S} S.r.l.", "Vivai e giardini {N} S.n.c."],
        weight: 2,
        full_time_hours: 40.0,
        regime: Regime::Standard,
        provinces: &["PT"],
    },
    Sector {
        activities: &["78.20.00"],
        occupations: &["8.4.3.1.0", "4.3.1.2.0", "5.1.2.2.0", "7.4.4.3.0"],
        names: &[
            "{N} Lavoro S.p.A. agenzia per il lavoro",
            "Agenzia per il lavoro {N} S.p.A.",
        ],
        weight: 6,
        full_time_hours: 40.0,
        regime: Regime::Agency,
        provinces: &[],
    },
];

const TEXTILE: usize = 7;
const DOMESTIC: usize = 15;
const CARE_SECTORS: [usize; 3] = [12, 13, 14];

struct Employer {
    name: String,
    tax_code: String,
    activity: &'static str,
    municipality: &'static Municipality,
}

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

    // --- employers --------------------------------------------------------------------------

    fn build_employers(&mut self, count: usize) {
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

    fn company_name(&mut self, templates: &[&str], municipality: &Municipality) -> String {
        let template = *self.pick(templates);
        let family = *self.pick(&FAMILY_NAMES);
        let given = if self.chance(0.5) {
            *self.pick(&MALE_NAMES)
        } else {
            *self.pick(&FEMALE_NAMES)
        };
        let noun = *self.pick(&NOUNS);
        template
            .replace("{S}", family)
            .replace("{G}", given)
            .replace("{P}", municipality.name)
            .replace("{N}", noun)
    }

    /// An 11-digit Partita IVA: 7-digit serial, 3-digit provincial office (the province's ISTAT
    /// code), check digit (DOMAIN.md §3.1).
    fn partita_iva(&mut self, municipality: &Municipality) -> String {
        let serial = self.rng.random_range(100_000..10_000_000u32);
        let office = &municipality.istat_code[..3];
        let body = format!("{serial:07}{office}");
        format!("{body}{}", partita_iva_check_digit(&body))
    }

    // --- citizens ---------------------------------------------------------------------------

    fn citizen(&mut self) -> Citizen {
        let female = self.chance(0.5);
        let foreign = self.chance(FOREIGN_SHARE);
        let mut birth_date = self.date_between(FIRST_BIRTH, LAST_BIRTH);
        let (given_name, family_name, birth_place, citizenship) = if foreign {
            let names = self.weighted(&FOREIGN_NAMES, |n| n.weight);
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
                *self.pick(&FEMALE_NAMES)
            } else {
                *self.pick(&MALE_NAMES)
            };
            let family = *self.pick(&FAMILY_NAMES);
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
    fn unique_fiscal_code(
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

    fn email(&mut self, given: &str, family: &str, birth_date: NaiveDate) -> String {
        let (g, f) = (ascii_slug(given), ascii_slug(family));
        match self.rng.random_range(0..4) {
            0 => format!("{g}.{f}@example.it"),
            1 => format!("{g}.{f}{}@example.it", self.rng.random_range(1..100)),
            2 => format!("{}{f}{:02}@example.it", &g[..1], birth_date.year() % 100),
            _ => format!("{f}.{g}@example.it"),
        }
    }

    fn phone(&mut self) -> String {
        let prefix = *self.pick(&MOBILE_PREFIXES);
        format!("+39 {prefix} {:07}", self.rng.random_range(0..10_000_000))
    }

    fn cpi_code(&self, municipality: &Municipality) -> String {
        self.cpi_codes
            .get(municipality.istat_code)
            .cloned()
            .unwrap_or_default()
    }

    /// The person row of each source that knows the citizen. When both do, they were updated
    /// at different times, and for some the newer row also carries a changed field, so that
    /// "most recent row wins" is visible when merging.
    fn person_rows(
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

    fn person_row(&self, citizen: &Citizen, updated_at: NaiveDateTime) -> PersonRow {
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
    fn drift(&mut self, row: &mut PersonRow, citizen: &Citizen) {
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

    // --- employments (lavoro) ---------------------------------------------------------------

    fn employments(&mut self, citizen: &Citizen) {
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

    fn first_sector(&mut self, citizen: &Citizen) -> usize {
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

    fn weighted_sector(&mut self) -> usize {
        let index: Vec<usize> = (0..SECTORS.len()).collect();
        *self.weighted(&index, |&i| SECTORS[i].weight)
    }

    /// One employment relationship; returns its (planned) end date, `None` when open-ended.
    fn employment(
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

    fn employer(&mut self, sector: usize, province: &str) -> &Employer {
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
    fn family_employer(
        &mut self,
        citizen: &Citizen,
    ) -> (String, String, &'static str, &'static Municipality) {
        let female = self.chance(0.6);
        let given = if female {
            *self.pick(&FEMALE_NAMES)
        } else {
            *self.pick(&MALE_NAMES)
        };
        let family = *self.pick(&FAMILY_NAMES);
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
    fn contract(&mut self, regime: Regime, start: NaiveDate, age: i32) -> &'static str {
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

    fn end_date(&mut self, contract: &str, start: NaiveDate, last: bool) -> Option<NaiveDate> {
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

    fn weekly_hours(&mut self, sector: &Sector, contract: &str, female: bool) -> Option<f64> {
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

    // --- trainings --------------------------------------------------------------------------

    fn push_training(&mut self, in_lavoro: bool, mut row: TrainingRow) {
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
    fn internship_from_employment(
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
    fn apprenticeship_row(
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
        let provider = *self.pick(codes::TRAINING_AGENCIES.as_slice());
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
    fn trainings(&mut self, citizen: &Citizen) {
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
    fn education(&mut self, citizen: &Citizen) -> Vec<TrainingRow> {
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
        let university = *self.pick(codes::UNIVERSITIES.as_slice());
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

    fn education_row(
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
    fn school_city(&self, residence: &'static Municipality) -> &'static str {
        if residence.population >= 15_000 {
            return residence.name;
        }
        codes::MUNICIPALITIES
            .iter()
            .filter(|m| m.province == residence.province)
            .max_by_key(|m| m.population)
            .map_or(residence.name, |m| m.name)
    }

    fn vocational(&mut self, citizen: &Citizen, from: NaiveDate) -> TrainingRow {
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
        let provider = *self.pick(codes::TRAINING_AGENCIES.as_slice());
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
    fn internship(&mut self, citizen: &Citizen, from: NaiveDate) -> TrainingRow {
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
                (*self.pick(codes::UNIVERSITIES.as_slice())).to_owned(),
            )
        } else {
            (
                format!("Tirocinio non curriculare - {}", occupation.label),
                (*self.pick(codes::TRAINING_AGENCIES.as_slice())).to_owned(),
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

fn stage_titles(stage: EducationStage) -> Vec<&'static EducationTitle> {
    codes::EDUCATION_TITLES
        .iter()
        .filter(|t| t.stage == stage)
        .collect()
}

/// Check digit of a Partita IVA (or numeric codice fiscale) from its first 10 digits: odd
/// positions as they are, even positions doubled (minus 9 above 9), `(10 - sum % 10) % 10`.
pub fn partita_iva_check_digit(first10: &str) -> char {
    let sum: u32 = first10
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                d
            } else if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

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

// ---------------------------------------------------------------------------------------------
// Schema: the DBA's base tables and the contract views over them
// ---------------------------------------------------------------------------------------------

const PERSON_TABLE: &str = "sil_anagrafica";
const EMPLOYMENT_TABLE: &str = "sil_rapporti_lavoro";
const TRAINING_TABLE: &str = "sil_percorsi_formativi";

const PERSON_COLUMNS: [&str; 14] = [
    "codice_fiscale",
    "nome",
    "cognome",
    "data_nascita",
    "cod_catastale_nascita",
    "sesso",
    "cittadinanza",
    "cod_istat_residenza",
    "sigla_prov_residenza",
    "email",
    "telefono",
    "cod_cpi",
    "data_did",
    "data_ultima_modifica",
];

const EMPLOYMENT_COLUMNS: [&str; 11] = [
    "id_rapporto",
    "codice_fiscale",
    "cf_datore_lavoro",
    "ragione_sociale_datore",
    "data_inizio",
    "data_fine",
    "tipologia_contrattuale",
    "qualifica_istat",
    "settore_ateco",
    "ore_settimanali",
    "cod_istat_sede_lavoro",
];

const TRAINING_COLUMNS: [&str; 11] = [
    "id_percorso",
    "codice_fiscale",
    "tipo_percorso",
    "titolo",
    "ente_erogatore",
    "data_inizio",
    "data_fine",
    "durata_ore",
    "esito",
    "cod_qualifica",
    "livello_eqf",
];

/// Creates the base tables and the three contract views on a fresh database (SQLite,
/// PostgreSQL or MySQL/MariaDB). Column types follow the contract: the views select the base
/// columns unchanged, so each view column keeps its table's declared type.
pub async fn create_schema(db: &DatabaseConnection) -> Result<(), DbErr> {
    for statement in schema_statements(db.get_database_backend()) {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

fn schema_statements(backend: DatabaseBackend) -> Vec<String> {
    let (timestamp, double) = match backend {
        DatabaseBackend::Postgres => ("TIMESTAMP", "DOUBLE PRECISION"),
        DatabaseBackend::MySql => ("DATETIME", "DOUBLE"),
        _ => ("TIMESTAMP", "REAL"),
    };
    vec![
        // the primary key is the fiscal-code index of the registry
        format!(
            "CREATE TABLE {PERSON_TABLE} (
                codice_fiscale CHAR(16) NOT NULL PRIMARY KEY,
                nome VARCHAR(80),
                cognome VARCHAR(80),
                data_nascita DATE,
                cod_catastale_nascita CHAR(4),
                sesso CHAR(1),
                cittadinanza CHAR(2),
                cod_istat_residenza CHAR(6),
                sigla_prov_residenza CHAR(2),
                email VARCHAR(254),
                telefono VARCHAR(32),
                cod_cpi VARCHAR(16),
                data_did DATE,
                data_ultima_modifica {timestamp} NOT NULL
            )"
        ),
        format!(
            "CREATE TABLE {EMPLOYMENT_TABLE} (
                id_rapporto BIGINT NOT NULL PRIMARY KEY,
                codice_fiscale CHAR(16) NOT NULL,
                cf_datore_lavoro VARCHAR(16),
                ragione_sociale_datore VARCHAR(200),
                data_inizio DATE NOT NULL,
                data_fine DATE,
                tipologia_contrattuale VARCHAR(7),
                qualifica_istat VARCHAR(16),
                settore_ateco VARCHAR(8),
                ore_settimanali {double},
                cod_istat_sede_lavoro CHAR(6)
            )"
        ),
        format!(
            "CREATE TABLE {TRAINING_TABLE} (
                id_percorso BIGINT NOT NULL PRIMARY KEY,
                codice_fiscale CHAR(16) NOT NULL,
                tipo_percorso VARCHAR(20),
                titolo VARCHAR(300),
                ente_erogatore VARCHAR(200),
                data_inizio DATE,
                data_fine DATE,
                durata_ore INTEGER,
                esito VARCHAR(20),
                cod_qualifica VARCHAR(16),
                livello_eqf SMALLINT
            )"
        ),
        format!("CREATE INDEX idx_{EMPLOYMENT_TABLE}_cf ON {EMPLOYMENT_TABLE} (codice_fiscale)"),
        format!("CREATE INDEX idx_{TRAINING_TABLE}_cf ON {TRAINING_TABLE} (codice_fiscale)"),
        format!(
            "CREATE VIEW gw_person AS SELECT
                codice_fiscale AS fiscal_code,
                nome AS given_name,
                cognome AS family_name,
                data_nascita AS birth_date,
                cod_catastale_nascita AS birth_place_code,
                sesso AS gender,
                cittadinanza AS citizenship,
                cod_istat_residenza AS residence_municipality,
                sigla_prov_residenza AS residence_province,
                email AS email,
                telefono AS phone,
                cod_cpi AS cpi_code,
                data_did AS did_date,
                data_ultima_modifica AS updated_at
            FROM {PERSON_TABLE}"
        ),
        format!(
            "CREATE VIEW gw_employment AS SELECT
                id_rapporto AS id,
                codice_fiscale AS fiscal_code,
                cf_datore_lavoro AS employer_tax_code,
                ragione_sociale_datore AS employer_name,
                data_inizio AS start_date,
                data_fine AS end_date,
                tipologia_contrattuale AS contract_type,
                qualifica_istat AS occupation_code,
                settore_ateco AS sector_code,
                ore_settimanali AS weekly_hours,
                cod_istat_sede_lavoro AS workplace_municipality
            FROM {EMPLOYMENT_TABLE}"
        ),
        format!(
            "CREATE VIEW gw_training AS SELECT
                id_percorso AS id,
                codice_fiscale AS fiscal_code,
                tipo_percorso AS kind,
                titolo AS title,
                ente_erogatore AS provider_name,
                data_inizio AS start_date,
                data_fine AS end_date,
                durata_ore AS hours,
                esito AS outcome,
                cod_qualifica AS qualification_code,
                livello_eqf AS eqf_level
            FROM {TRAINING_TABLE}"
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// Rows per INSERT statement, and bind parameters per statement: below SQLite's 32,766 and the
/// 65,535 of PostgreSQL and MySQL.
const ROWS_PER_STATEMENT: usize = 500;
const PARAMS_PER_STATEMENT: usize = 30_000;

/// Loads one source into the base tables: one transaction, multi-row INSERTs with bound values.
pub async fn insert(db: &DatabaseConnection, data: &SourceData) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    insert_rows(
        &txn,
        PERSON_TABLE,
        &PERSON_COLUMNS,
        data.persons.iter().map(person_values),
    )
    .await?;
    insert_rows(
        &txn,
        EMPLOYMENT_TABLE,
        &EMPLOYMENT_COLUMNS,
        data.employments.iter().map(employment_values),
    )
    .await?;
    insert_rows(
        &txn,
        TRAINING_TABLE,
        &TRAINING_COLUMNS,
        data.trainings.iter().map(training_values),
    )
    .await?;
    txn.commit().await
}

async fn insert_rows<C, const N: usize>(
    conn: &C,
    table: &'static str,
    columns: &'static [&'static str; N],
    rows: impl Iterator<Item = [Value; N]>,
) -> Result<(), DbErr>
where
    C: ConnectionTrait,
{
    let per_statement = (PARAMS_PER_STATEMENT / N).min(ROWS_PER_STATEMENT);
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut statement = Query::insert();
        statement.into_table(table).columns(columns.iter().copied());
        for row in rows.by_ref().take(per_statement) {
            statement.values_panic(row.into_iter().map(Expr::val));
        }
        conn.execute(&statement).await?;
    }
    Ok(())
}

fn person_values(p: &PersonRow) -> [Value; 14] {
    [
        p.fiscal_code.clone().into(),
        p.given_name.clone().into(),
        p.family_name.clone().into(),
        p.birth_date.into(),
        p.birth_place_code.clone().into(),
        p.gender.clone().into(),
        p.citizenship.clone().into(),
        p.residence_municipality.clone().into(),
        p.residence_province.clone().into(),
        p.email.clone().into(),
        p.phone.clone().into(),
        p.cpi_code.clone().into(),
        p.did_date.into(),
        p.updated_at.into(),
    ]
}

fn employment_values(e: &EmploymentRow) -> [Value; 11] {
    [
        e.id.into(),
        e.fiscal_code.clone().into(),
        e.employer_tax_code.clone().into(),
        e.employer_name.clone().into(),
        e.start_date.into(),
        e.end_date.into(),
        e.contract_type.clone().into(),
        e.occupation_code.clone().into(),
        e.sector_code.clone().into(),
        e.weekly_hours.into(),
        e.workplace_municipality.clone().into(),
    ]
}

fn training_values(t: &TrainingRow) -> [Value; 11] {
    // bound with the columns' own widths (INTEGER, SMALLINT)
    let hours = t.hours.map(|h| i32::try_from(h).unwrap_or(i32::MAX));
    let eqf = t.eqf_level.map(|l| i16::try_from(l).unwrap_or(i16::MAX));
    [
        t.id.into(),
        t.fiscal_code.clone().into(),
        t.kind.clone().into(),
        t.title.clone().into(),
        t.provider_name.clone().into(),
        t.start_date.into(),
        t.end_date.into(),
        hours.into(),
        t.outcome.clone().into(),
        t.qualification_code.clone().into(),
        eqf.into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::{TRAINING_KINDS, TRAINING_OUTCOMES};
    use sea_orm::{Database, Statement};
    use std::collections::HashMap;

    fn codes_of(source: &SourceData) -> Vec<&str> {
        source
            .persons
            .iter()
            .map(|p| p.fiscal_code.as_str())
            .collect()
    }

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        let a = generate(42, 400);
        assert_eq!(a, generate(42, 400));
        let b = generate(43, 400);
        assert_ne!(codes_of(&a.lavoro), codes_of(&b.lavoro));
    }

    #[test]
    fn fiscal_codes_parse_and_are_distinct_per_source() {
        let data = generate(1, 2_000);
        for source in [&data.lavoro, &data.formazione] {
            let codes = codes_of(source);
            let distinct: HashSet<&str> = codes.iter().copied().collect();
            assert_eq!(distinct.len(), codes.len());
            for code in codes {
                let parsed = FiscalCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
                assert_eq!(parsed.as_str(), code);
            }
        }
        // the universe has one code per citizen: a code is the same person in both sources
        let lavoro: HashMap<&str, &PersonRow> = data
            .lavoro
            .persons
            .iter()
            .map(|p| (p.fiscal_code.as_str(), p))
            .collect();
        for p in &data.formazione.persons {
            if let Some(l) = lavoro.get(p.fiscal_code.as_str()) {
                assert_eq!(
                    (
                        &l.given_name,
                        &l.family_name,
                        l.birth_date,
                        &l.birth_place_code
                    ),
                    (
                        &p.given_name,
                        &p.family_name,
                        p.birth_date,
                        &p.birth_place_code
                    )
                );
            }
        }
    }

    #[test]
    fn omocodes_and_foreign_births_appear() {
        let data = generate(7, 2_000);
        let persons = &data.lavoro.persons;
        let omocodes = persons
            .iter()
            .filter(|p| FiscalCode::parse(&p.fiscal_code).unwrap().is_omocode())
            .count();
        assert!(omocodes >= 2, "{omocodes} omocodes");
        let foreign: Vec<&PersonRow> = persons
            .iter()
            .filter(|p| {
                p.birth_place_code
                    .as_deref()
                    .is_some_and(|c| c.starts_with('Z'))
            })
            .collect();
        assert!(
            foreign.len() > persons.len() / 25,
            "{} foreign-born",
            foreign.len()
        );
        for p in &foreign {
            let state = codes::foreign_state(p.birth_place_code.as_deref().unwrap()).unwrap();
            assert_eq!(p.citizenship.as_deref(), Some(state.iso_alpha2));
            assert!(state.existed_at(p.birth_date.unwrap()));
        }
        for p in persons
            .iter()
            .filter(|p| p.citizenship.as_deref() == Some("IT"))
        {
            let born = codes::MUNICIPALITIES
                .iter()
                .find(|m| Some(m.belfiore) == p.birth_place_code.as_deref())
                .expect("Italian births are in listed comuni");
            assert!(born.existed_at(p.birth_date.unwrap()));
        }
    }

    #[test]
    fn person_rows_are_complete_and_coherent() {
        let data = generate(3, 1_000);
        let n = 1_000.0;
        let lavoro = data.lavoro.persons.len() as f64 / n;
        let formazione = data.formazione.persons.len() as f64 / n;
        assert!((0.80..0.90).contains(&lavoro), "{lavoro}");
        assert!((0.59..0.71).contains(&formazione), "{formazione}");
        for p in data.lavoro.persons.iter().chain(&data.formazione.persons) {
            let birth = p.birth_date.unwrap();
            assert!((FIRST_BIRTH..=LAST_BIRTH).contains(&birth));
            assert!(matches!(p.gender.as_deref(), Some("M" | "F")));
            let m =
                codes::municipality_by_istat(p.residence_municipality.as_deref().unwrap()).unwrap();
            assert_eq!(p.residence_province.as_deref(), Some(m.province));
            assert!(p.cpi_code.as_deref().unwrap().starts_with("CPI-"));
            assert!(p.updated_at.date() <= REFERENCE_DATE && p.updated_at.date() >= FIRST_UPDATE);
            if let Some(email) = &p.email {
                assert!(
                    email.ends_with("@example.it") || email.ends_with("@example.com"),
                    "{email}"
                );
                assert!(email.is_ascii() && !email.contains(' '), "{email}");
            }
        }
        assert!(data.lavoro.persons.iter().any(|p| p.email.is_none()));
        assert!(data.lavoro.persons.iter().any(|p| p.did_date.is_some()));
    }

    #[test]
    fn citizens_in_both_sources_differ_in_update_time_and_sometimes_in_a_field() {
        let data = generate(11, 1_000);
        let formazione: HashMap<&str, &PersonRow> = data
            .formazione
            .persons
            .iter()
            .map(|p| (p.fiscal_code.as_str(), p))
            .collect();
        let (mut both, mut drifted) = (0, 0);
        for l in &data.lavoro.persons {
            let Some(f) = formazione.get(l.fiscal_code.as_str()) else {
                continue;
            };
            both += 1;
            assert_ne!(l.updated_at, f.updated_at);
            let differs = (&l.email, &l.phone, &l.residence_municipality, l.did_date)
                != (&f.email, &f.phone, &f.residence_municipality, f.did_date);
            drifted += usize::from(differs);
        }
        assert!(both > 400, "{both} in both sources");
        let share = drifted as f64 / both as f64;
        assert!((0.12..0.28).contains(&share), "{share}");
    }

    #[test]
    fn employments_follow_the_cob_rules() {
        let data = generate(5, 2_000);
        assert!(data.formazione.employments.is_empty());
        let employments = &data.lavoro.employments;
        assert!(employments.len() > 2_000, "{}", employments.len());
        let mut contracts = HashSet::new();
        for e in employments {
            let code = e.contract_type.as_deref().unwrap();
            let contract = codes::contract_type(code).unwrap();
            assert!(
                contract.valid_at(e.start_date),
                "{code} at {}",
                e.start_date
            );
            contracts.insert(code);
            assert!(e.start_date >= FIRST_EMPLOYMENT && e.start_date <= REFERENCE_DATE);
            assert!(e.end_date.is_none_or(|end| end > e.start_date));
            assert!(codes::occupation_by_code(e.occupation_code.as_deref().unwrap()).is_some());
            assert!(codes::activity_by_code(e.sector_code.as_deref().unwrap()).is_some());
            assert!(
                codes::municipality_by_istat(e.workplace_municipality.as_deref().unwrap())
                    .is_some()
            );
            let tax_code = e.employer_tax_code.as_deref().unwrap();
            if tax_code.len() == 11 {
                assert!(tax_code.bytes().all(|b| b.is_ascii_digit()));
                let check = partita_iva_check_digit(&tax_code[..10]);
                assert_eq!(tax_code.chars().last(), Some(check), "{tax_code}");
            } else {
                // families employing domestic workers use their codice fiscale
                assert_eq!(e.sector_code.as_deref(), Some("97.00.00"));
                assert!(FiscalCode::parse(tax_code).is_ok(), "{tax_code}");
            }
            if let Some(hours) = e.weekly_hours {
                assert!((10.0..=54.0).contains(&hours), "{hours}");
            }
        }
        // both apprenticeship regimes and internships show up
        for code in ["A.03.02", "A.03.09", "C.01.00", "A.01.00", "A.02.00"] {
            assert!(contracts.contains(code), "no {code}");
        }
        assert!(employments.iter().any(|e| e.end_date.is_none()));
        let ids: Vec<i64> = employments.iter().map(|e| e.id).collect();
        assert_eq!(ids, (1..=employments.len() as i64).collect::<Vec<_>>());
    }

    #[test]
    fn trainings_use_the_contract_vocabularies() {
        let data = generate(9, 2_000);
        let mut kinds = HashSet::new();
        for (source, allowed) in [
            (
                &data.lavoro,
                &[codes::KIND_INTERNSHIP, codes::KIND_APPRENTICESHIP][..],
            ),
            (&data.formazione, &TRAINING_KINDS[..]),
        ] {
            let ids: Vec<i64> = source.trainings.iter().map(|t| t.id).collect();
            assert_eq!(ids, (1..=source.trainings.len() as i64).collect::<Vec<_>>());
            for t in &source.trainings {
                let kind = t.kind.as_deref().unwrap();
                assert!(allowed.contains(&kind), "{kind}");
                kinds.insert(kind);
                let outcome = t.outcome.as_deref().unwrap();
                assert!(TRAINING_OUTCOMES.contains(&outcome));
                let start = t.start_date.unwrap();
                assert!(start <= REFERENCE_DATE);
                assert_eq!(outcome == OUTCOME_ONGOING, t.end_date.is_none(), "{t:?}");
                assert!(
                    t.end_date
                        .is_none_or(|end| end >= start && end <= REFERENCE_DATE)
                );
                if let Some(level) = t.eqf_level {
                    assert!((1..=8).contains(&level));
                }
                if kind == codes::KIND_EDUCATION && outcome == OUTCOME_QUALIFIED {
                    let code = t.qualification_code.as_deref().unwrap();
                    assert!(codes::EDUCATION_TITLES.iter().any(|e| e.sap_code == code));
                }
            }
        }
        assert_eq!(kinds.len(), 4);
        assert!(!data.lavoro.trainings.is_empty());
        let vocational_eqf: HashSet<i64> = data
            .formazione
            .trainings
            .iter()
            .filter(|t| t.kind.as_deref() == Some(codes::KIND_VOCATIONAL))
            .filter_map(|t| t.eqf_level)
            .collect();
        assert!(vocational_eqf.iter().all(|l| (2..=5).contains(l)));
    }

    #[test]
    fn partita_iva_check_digit_matches_the_worked_example() {
        // 1234567 (serial) 048 (Firenze office): X = 20, Y = 22, C = (10 - 2) % 10
        // (fabriziosta/PartitaIVAlastDigitCalculator README)
        assert_eq!(partita_iva_check_digit("1234567048"), '8');
        assert_eq!(partita_iva_check_digit("0000000000"), '0');
    }

    async fn count(db: &DatabaseConnection, view: &str) -> i64 {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {view}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "n").unwrap()
    }

    #[tokio::test]
    async fn sqlite_round_trip_through_the_contract_views() {
        let data = generate(21, 300);
        let source = &data.lavoro;
        let db = Database::connect("sqlite::memory:").await.unwrap();
        create_schema(&db).await.unwrap();
        insert(&db, source).await.unwrap();

        assert_eq!(count(&db, "gw_person").await, source.persons.len() as i64);
        assert_eq!(
            count(&db, "gw_employment").await,
            source.employments.len() as i64
        );
        assert_eq!(
            count(&db, "gw_training").await,
            source.trainings.len() as i64
        );

        let expected = source
            .persons
            .iter()
            .find(|p| p.email.is_some() && p.did_date.is_some())
            .unwrap();
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                format!(
                    "SELECT {} FROM gw_person WHERE fiscal_code = ?",
                    crate::sources::contract::PERSON_VIEW.select_list()
                ),
                [expected.fiscal_code.clone().into()],
            ))
            .await
            .unwrap()
            .expect("the person is in the view");
        let text = |col: &str| row.try_get::<Option<String>>("", col).unwrap();
        let day = |col: &str| row.try_get::<Option<NaiveDate>>("", col).unwrap();
        let got = PersonRow {
            fiscal_code: row.try_get("", "fiscal_code").unwrap(),
            given_name: text("given_name"),
            family_name: text("family_name"),
            birth_date: day("birth_date"),
            birth_place_code: text("birth_place_code"),
            gender: text("gender"),
            citizenship: text("citizenship"),
            residence_municipality: text("residence_municipality"),
            residence_province: text("residence_province"),
            email: text("email"),
            phone: text("phone"),
            cpi_code: text("cpi_code"),
            did_date: day("did_date"),
            updated_at: row.try_get("", "updated_at").unwrap(),
        };
        assert_eq!(&got, expected);

        let employment = &source.employments[0];
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT contract_type, weekly_hours, start_date FROM gw_employment WHERE id = ?",
                [employment.id.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            row.try_get::<Option<String>>("", "contract_type").unwrap(),
            employment.contract_type
        );
        assert_eq!(
            row.try_get::<Option<f64>>("", "weekly_hours").unwrap(),
            employment.weekly_hours
        );
        assert_eq!(
            row.try_get::<NaiveDate>("", "start_date").unwrap(),
            employment.start_date
        );
    }
}
