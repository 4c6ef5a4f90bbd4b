//! The regional source contract: the three read-only views every regional database exposes
//! (DESIGN.md "The regional source contract") and the rows we read from them.
//!
//! This module owns the column lists and their expected types; the SQL adapter, the demo
//! generator and `check-sources` all read them from here so the contract lives in one place.

use chrono::{NaiveDate, NaiveDateTime};

/// Broad SQL type family a contract column must have. Engines spell types differently
/// (`character(16)`, `char`, `bpchar`, `TEXT` on SQLite…), so `check-sources` compares families.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Date,
    Timestamp,
    Integer,
    Decimal,
}

impl ColumnKind {
    pub fn describe(self) -> &'static str {
        match self {
            ColumnKind::Text => "a character type (CHAR/VARCHAR/TEXT)",
            ColumnKind::Date => "DATE",
            ColumnKind::Timestamp => "a timestamp type (TIMESTAMP/DATETIME)",
            ColumnKind::Integer => "an integer type (SMALLINT/INTEGER/BIGINT)",
            ColumnKind::Decimal => "a numeric type (DOUBLE/REAL/NUMERIC or integer)",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ContractColumn {
    pub name: &'static str,
    pub kind: ColumnKind,
    pub nullable: bool,
}

/// The three contract views, as keys (of the cache, of the per-view lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Person,
    Employment,
    Training,
}

impl View {
    pub const ALL: [View; 3] = [View::Person, View::Employment, View::Training];

    /// The contract view's name.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Person => PERSON_VIEW.name,
            View::Employment => EMPLOYMENT_VIEW.name,
            View::Training => TRAINING_VIEW.name,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ContractView {
    pub name: &'static str,
    pub columns: &'static [ContractColumn],
}

const fn col(name: &'static str, kind: ColumnKind, nullable: bool) -> ContractColumn {
    ContractColumn {
        name,
        kind,
        nullable,
    }
}

use ColumnKind::{Date, Decimal, Integer, Text, Timestamp};

pub const PERSON_VIEW: ContractView = ContractView {
    name: "gw_person",
    columns: &[
        col("fiscal_code", Text, false),
        col("given_name", Text, true),
        col("family_name", Text, true),
        col("birth_date", Date, true),
        col("birth_place_code", Text, true),
        col("gender", Text, true),
        col("citizenship", Text, true),
        col("residence_municipality", Text, true),
        col("residence_province", Text, true),
        col("email", Text, true),
        col("phone", Text, true),
        col("cpi_code", Text, true),
        col("did_date", Date, true),
        col("updated_at", Timestamp, false),
    ],
};

pub const EMPLOYMENT_VIEW: ContractView = ContractView {
    name: "gw_employment",
    columns: &[
        col("id", Integer, false),
        col("fiscal_code", Text, false),
        col("employer_tax_code", Text, true),
        col("employer_name", Text, true),
        col("start_date", Date, false),
        col("end_date", Date, true),
        col("contract_type", Text, true),
        col("occupation_code", Text, true),
        col("sector_code", Text, true),
        col("weekly_hours", Decimal, true),
        col("workplace_municipality", Text, true),
    ],
};

pub const TRAINING_VIEW: ContractView = ContractView {
    name: "gw_training",
    columns: &[
        col("id", Integer, false),
        col("fiscal_code", Text, false),
        col("kind", Text, true),
        col("title", Text, true),
        col("provider_name", Text, true),
        col("start_date", Date, true),
        col("end_date", Date, true),
        col("hours", Integer, true),
        col("outcome", Text, true),
        col("qualification_code", Text, true),
        col("eqf_level", Integer, true),
    ],
};

pub const VIEWS: [ContractView; 3] = [PERSON_VIEW, EMPLOYMENT_VIEW, TRAINING_VIEW];

impl ContractView {
    /// `col1, col2, …` in contract order, for SELECT lists.
    pub fn select_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One row of `gw_person`, as the source stored it.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub fiscal_code: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub birth_place_code: Option<String>,
    pub gender: Option<String>,
    pub citizenship: Option<String>,
    pub residence_municipality: Option<String>,
    pub residence_province: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub cpi_code: Option<String>,
    pub did_date: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

/// One row of `gw_employment` (a COB/UNILAV employment relationship).
#[derive(Debug, Clone, PartialEq)]
pub struct EmploymentRow {
    pub id: i64,
    pub fiscal_code: String,
    pub employer_tax_code: Option<String>,
    pub employer_name: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub contract_type: Option<String>,
    pub occupation_code: Option<String>,
    pub sector_code: Option<String>,
    pub weekly_hours: Option<f64>,
    pub workplace_municipality: Option<String>,
}

/// One row of `gw_training` (education, vocational training, internship, apprenticeship).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingRow {
    pub id: i64,
    pub fiscal_code: String,
    pub kind: Option<String>,
    pub title: Option<String>,
    pub provider_name: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub hours: Option<i64>,
    pub outcome: Option<String>,
    pub qualification_code: Option<String>,
    pub eqf_level: Option<i64>,
}

/// One list per contract view (an empty list: the view is not asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewLists<T> {
    pub person: Vec<T>,
    pub employment: Vec<T>,
    pub training: Vec<T>,
}

/// The codes (as text) one call asks of each view.
pub type ViewCodes = ViewLists<String>;

impl<T> Default for ViewLists<T> {
    fn default() -> Self {
        ViewLists {
            person: Vec::new(),
            employment: Vec::new(),
            training: Vec::new(),
        }
    }
}

impl<T> ViewLists<T> {
    pub fn of(&self, view: View) -> &[T] {
        match view {
            View::Person => &self.person,
            View::Employment => &self.employment,
            View::Training => &self.training,
        }
    }

    pub fn of_mut(&mut self, view: View) -> &mut Vec<T> {
        match view {
            View::Person => &mut self.person,
            View::Employment => &mut self.employment,
            View::Training => &mut self.training,
        }
    }

    pub fn is_empty(&self) -> bool {
        View::ALL.iter().all(|view| self.of(*view).is_empty())
    }

    /// The names of the views asked, for spans: `gw_person+gw_training`.
    pub fn views(&self) -> String {
        View::ALL
            .iter()
            .filter(|view| !self.of(**view).is_empty())
            .map(|view| view.as_str())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// What one call answered, view by view.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ViewRows {
    pub persons: Vec<PersonRow>,
    pub employments: Vec<EmploymentRow>,
    pub trainings: Vec<TrainingRow>,
}

impl ViewRows {
    pub fn len(&self) -> usize {
        self.persons.len() + self.employments.len() + self.trainings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
