//! Training: the regional source contract's vocabularies, titoli di studio (DOMAIN.md §3.6),
//! vocational courses and providers.

use super::data_file;
use super::table::{list, with_header};
use std::sync::LazyLock;

/// `gw_training.kind` values (DESIGN.md "The regional source contract").
pub const KIND_EDUCATION: &str = "education";
pub const KIND_VOCATIONAL: &str = "vocational";
pub const KIND_INTERNSHIP: &str = "internship";
pub const KIND_APPRENTICESHIP: &str = "apprenticeship";
pub const TRAINING_KINDS: [&str; 4] = [
    KIND_EDUCATION,
    KIND_VOCATIONAL,
    KIND_INTERNSHIP,
    KIND_APPRENTICESHIP,
];

/// `gw_training.outcome` values: attended to the end, obtained the qualification, dropped out,
/// still in progress (no end date).
pub const OUTCOME_COMPLETED: &str = "completed";
pub const OUTCOME_QUALIFIED: &str = "qualified";
pub const OUTCOME_WITHDRAWN: &str = "withdrawn";
pub const OUTCOME_ONGOING: &str = "ongoing";
pub const TRAINING_OUTCOMES: [&str; 4] = [
    OUTCOME_COMPLETED,
    OUTCOME_QUALIFIED,
    OUTCOME_WITHDRAWN,
    OUTCOME_ONGOING,
];

/// Where a titolo di studio sits in the Italian school and university system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EducationStage {
    /// Scuola secondaria di primo grado (licenza media).
    LowerSecondary,
    /// Qualifica professionale IeFP (3 years, no university access).
    VocationalQualification,
    /// Diploma di scuola secondaria superiore (maturità).
    UpperSecondary,
    /// Laurea di primo livello (3 years).
    Bachelor,
    /// Laurea specialistica (2 years after a bachelor).
    Master,
    /// Laurea specialistica a ciclo unico (5-6 years).
    SingleCycle,
    /// Diploma di laurea del vecchio ordinamento (4-6 years, enrolments until 2001).
    OldDegree,
    /// Master universitario, dottorato.
    PostGraduate,
}

impl EducationStage {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "LowerSecondary" => Self::LowerSecondary,
            "VocationalQualification" => Self::VocationalQualification,
            "UpperSecondary" => Self::UpperSecondary,
            "Bachelor" => Self::Bachelor,
            "Master" => Self::Master,
            "SingleCycle" => Self::SingleCycle,
            "OldDegree" => Self::OldDegree,
            "PostGraduate" => Self::PostGraduate,
            _ => return None,
        })
    }

    /// Titles issued by a university rather than a school.
    pub fn is_university(self) -> bool {
        matches!(
            self,
            Self::Bachelor
                | Self::Master
                | Self::SingleCycle
                | Self::OldDegree
                | Self::PostGraduate
        )
    }
}

/// A titolo di studio with its SAP code (8 digits, first digit = level; `x0000000` is the level
/// itself) and EQF level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EducationTitle {
    pub title: &'static str,
    pub sap_code: &'static str,
    pub eqf_level: u8,
    pub stage: EducationStage,
    /// The kind of school that issues it ("Liceo scientifico"); `None` for university titles.
    pub institution: Option<&'static str>,
}

/// Titoli di studio with their SAP codes (SAP tables `TAB_STUDIOLIVELLO`, `TAB_STUDIOTITOLO`).
pub static EDUCATION_TITLES: LazyLock<Vec<EducationTitle>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/education_titles.csv");
    let columns = ["title", "sap_code", "eqf_level", "stage", "institution"];
    with_header(file, text, &columns)
        .into_iter()
        .map(|row| EducationTitle {
            title: row.text(0),
            sap_code: row.text(1),
            eqf_level: row.number(2),
            stage: EducationStage::parse(row.text(3))
                .unwrap_or_else(|| row.bad(3, "an EducationStage")),
            institution: row.optional(4),
        })
        .collect()
});

/// A regional vocational course (formazione professionale). `eqf_level` is `None` for the short
/// mandatory certificates (safety, HACCP) that no qualification framework levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VocationalCourse {
    pub title: &'static str,
    pub hours: u32,
    pub eqf_level: Option<u8>,
    /// Ends with a qualification (outcome `qualified`) rather than an attendance certificate.
    pub qualifying: bool,
}

pub static VOCATIONAL_COURSES: LazyLock<Vec<VocationalCourse>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/vocational_courses.csv");
    with_header(file, text, &["title", "hours", "eqf_level", "qualifying"])
        .into_iter()
        .map(|row| VocationalCourse {
            title: row.text(0),
            hours: row.number(1),
            eqf_level: row.optional(2).map(|_| row.number(2)),
            qualifying: row.flag(3),
        })
        .collect()
});

/// Universities by official name.
pub static UNIVERSITIES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/universities.csv");
    list(file, text, "name")
});

/// Training agencies for the demo data: invented names, not real organisations.
pub static TRAINING_AGENCIES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let (file, text) = data_file!("data/training_agencies.csv");
    list(file, text, "name")
});
