//! Reference code tables the regional data is coded with (DOMAIN.md §3): COB contract types
//! with their validity dates, the Tuscan territory (provinces, comuni, CPI reporting areas),
//! foreign birth states, and small CP2011 / ATECO 2007 / titolo di studio / training tables.
//!
//! The tables are data files (`domain/data/*.csv`, each naming its sources; the contract types
//! are the rows the reference-codes migration ships), compiled in and parsed once on first use.
//! Every code was checked against a published table; a code we could not check is left out
//! rather than guessed.

mod table;
#[cfg(test)]
mod tests;
mod training;

pub use training::*;

use chrono::NaiveDate;
use std::sync::LazyLock;
use table::{list, rows, with_header};

/// A table compiled into the binary, named for the panic messages of a malformed row.
macro_rules! data_file {
    ($path:literal) => {
        ($path, include_str!(concat!("../../", $path)))
    };
}
pub(crate) use data_file;

// ---------------------------------------------------------------------------------------------
// COB / UNILAV contract types (DOMAIN.md §3.5)
// ---------------------------------------------------------------------------------------------

/// A COB "tipologia contrattuale". Old employment records legally keep codes that have since
/// expired, so a code is valid for a relationship when it was in force at the start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractType {
    pub code: &'static str,
    pub description: &'static str,
    pub valid_from: NaiveDate,
    /// Last day the code could be used (inclusive); `None` while still in force.
    pub valid_to: Option<NaiveDate>,
}

impl ContractType {
    /// `valid_from <= date <= valid_to`.
    pub fn valid_at(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// The ministerial table as published by ANPAL (AnpalSimo/DB_PLUS2022
/// `CLA_DIZ/dml/Classificazione/TAB_ESPERIENZELAV.sql`), read from the rows of list
/// `contract_type` the migration ships (`list;region;version;code;label;valid_from;valid_to;
/// attribute`), so the table exists once.
pub static CONTRACT_TYPES: LazyLock<Vec<ContractType>> = LazyLock::new(|| {
    let (file, text) = data_file!("../migrations/data/reference_codes.csv");
    rows(file, text, 8)
        .into_iter()
        .filter(|row| row.text(0) == "contract_type")
        .map(|row| ContractType {
            code: row.text(3),
            description: row.text(4),
            valid_from: row.date(5),
            valid_to: row.optional_date(6),
        })
        .collect()
});

/// The contract type with this COB code, whatever its validity.
pub fn contract_type(code: &str) -> Option<&'static ContractType> {
    CONTRACT_TYPES.iter().find(|c| c.code == code)
}

// ---------------------------------------------------------------------------------------------
// Tuscan territory (DOMAIN.md §3.2)
// ---------------------------------------------------------------------------------------------

/// A Tuscan province: sigla, name and the 3-digit ISTAT code that prefixes its comuni's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    pub sigla: &'static str,
    pub name: &'static str,
    pub istat_code: &'static str,
}

/// The ten provinces of Regione Toscana.
pub static PROVINCES: LazyLock<Vec<Province>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/provinces.csv");
    with_header(file, text, &["sigla", "name", "istat_code"])
        .into_iter()
        .map(|row| Province {
            sigla: row.text(0),
            name: row.text(1),
            istat_code: row.text(2),
        })
        .collect()
});

pub fn province(sigla: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.sigla == sigla)
}

/// CPI reporting areas: the ten provinces plus Empoli (seed 000).
pub static CPI_AREAS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/cpi_areas.csv");
    list(file, text, "area")
});

/// The CPI area of the comuni of the Circondario Empolese Valdelsa (province of Firenze).
pub const EMPOLI_AREA: &str = "Empoli";

/// ISTAT codes of the eleven comuni of the Unione dei Comuni Circondario Empolese Valdelsa.
pub static EMPOLESE_VALDELSA: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/empolese_valdelsa.csv");
    with_header(file, text, &["istat_code", "name"])
        .into_iter()
        .map(|row| row.text(0))
        .collect()
});

/// A Tuscan comune. `population` (census order of magnitude) only weights the demo data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Municipality {
    /// ISTAT code: 3-digit province code + 3-digit progressive.
    pub istat_code: &'static str,
    /// Codice catastale (Belfiore), the birth place in a codice fiscale.
    pub belfiore: &'static str,
    pub name: &'static str,
    pub province: &'static str,
    pub population: u32,
    /// Set for comuni born of a merger: before this date people were born in the old comuni and
    /// their codice fiscale carries the old Belfiore code.
    pub established: Option<NaiveDate>,
}

impl Municipality {
    /// The CPI area the comune is reported under: its province, or Empoli.
    pub fn cpi_area(&self) -> &'static str {
        if EMPOLESE_VALDELSA.contains(&self.istat_code) {
            return EMPOLI_AREA;
        }
        province(self.province).map_or("", |p| p.name)
    }

    /// Whether someone born on `date` in this comune has this Belfiore code.
    pub fn existed_at(&self, date: NaiveDate) -> bool {
        self.established.is_none_or(|from| from <= date)
    }
}

/// Capoluoghi and the larger comuni.
pub static MUNICIPALITIES: LazyLock<Vec<Municipality>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/municipalities.csv");
    let columns = [
        "istat_code",
        "belfiore",
        "name",
        "province",
        "population",
        "established",
    ];
    with_header(file, text, &columns)
        .into_iter()
        .map(|row| Municipality {
            istat_code: row.text(0),
            belfiore: row.text(1),
            name: row.text(2),
            province: row.text(3),
            population: row.number(4),
            established: row.optional_date(5),
        })
        .collect()
});

pub fn municipality_by_istat(istat_code: &str) -> Option<&'static Municipality> {
    MUNICIPALITIES.iter().find(|m| m.istat_code == istat_code)
}

// ---------------------------------------------------------------------------------------------
// Foreign states of birth
// ---------------------------------------------------------------------------------------------

/// A foreign state as coded in a codice fiscale (`Z` + 3 digits), with the ISO 3166-1 alpha-2
/// code used for citizenship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignState {
    pub belfiore: &'static str,
    pub name: &'static str,
    pub iso_alpha2: &'static str,
    /// For states born after 1958 (the oldest demo birth year): people born there earlier carry
    /// the predecessor's code (e.g. URSS Z135), so this code only fits later births.
    pub established: Option<NaiveDate>,
}

impl ForeignState {
    pub fn existed_at(&self, date: NaiveDate) -> bool {
        self.established.is_none_or(|from| from <= date)
    }
}

/// Countries of origin common among residents of Toscana (ANPAL table of states).
pub static FOREIGN_STATES: LazyLock<Vec<ForeignState>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/foreign_states.csv");
    with_header(
        file,
        text,
        &["belfiore", "name", "iso_alpha2", "established"],
    )
    .into_iter()
    .map(|row| ForeignState {
        belfiore: row.text(0),
        name: row.text(1),
        iso_alpha2: row.text(2),
        established: row.optional_date(3),
    })
    .collect()
});

pub fn foreign_state(belfiore: &str) -> Option<&'static ForeignState> {
    FOREIGN_STATES.iter().find(|s| s.belfiore == belfiore)
}

// ---------------------------------------------------------------------------------------------
// ISTAT CP2011 occupations (DOMAIN.md §3.3) and ATECO 2007 activities (§3.4)
// ---------------------------------------------------------------------------------------------

/// A CP2011 unità professionale (5 levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupation {
    pub code: &'static str,
    pub label: &'static str,
}

/// Common occupations in the CPI caseload, CP2011 (not CP2021).
pub static OCCUPATIONS: LazyLock<Vec<Occupation>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/occupations.csv");
    with_header(file, text, &["code", "label"])
        .into_iter()
        .map(|row| Occupation {
            code: row.text(0),
            label: row.text(1),
        })
        .collect()
});

pub fn occupation_by_code(code: &str) -> Option<&'static Occupation> {
    OCCUPATIONS.iter().find(|o| o.code == code)
}

/// An ATECO 2007 sottocategoria (`NN.NN.NN`), the version COB/SAP records are coded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EconomicActivity {
    pub code: &'static str,
    pub label: &'static str,
}

pub static ACTIVITIES: LazyLock<Vec<EconomicActivity>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/activities.csv");
    with_header(file, text, &["code", "label"])
        .into_iter()
        .map(|row| EconomicActivity {
            code: row.text(0),
            label: row.text(1),
        })
        .collect()
});

pub fn activity_by_code(code: &str) -> Option<&'static EconomicActivity> {
    ACTIVITIES.iter().find(|a| a.code == code)
}
