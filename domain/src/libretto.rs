//! The Libretto formativo del cittadino (DOMAIN.md §1, seed 000): its lifecycle (§9), the
//! content a consolidated version freezes, and the rules on what the operator types (§8).
//! Pure: no I/O.

mod checks;
mod classified;
pub mod rules;
mod spells;
mod warnings;

pub use checks::{
    check_ada, check_ateco, check_cp2011, check_eqf, check_optional_text, check_period, check_text,
};
pub use classified::{
    Apprenticeship, apprenticeship, check_contract_in_force, check_occupation, check_sector_format,
    check_sector_in_table,
};
pub use spells::{FULL_TIME_WEEKLY_HOURS, check_training_period, overlap_warnings};
pub use warnings::{experience_warnings, value_warnings};

use crate::error::DomainError;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Lifecycle (DOMAIN.md §9). "Consolidato" is what seed 000 counts as issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LibrettoStatus {
    Draft,
    InCompilation,
    Consolidated,
    InUpdate,
    Cancelled,
}

impl LibrettoStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::InCompilation => "IN_COMPILATION",
            Self::Consolidated => "CONSOLIDATED",
            Self::InUpdate => "IN_UPDATE",
            Self::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::InCompilation,
            Self::Consolidated,
            Self::InUpdate,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// The states reachable in one step.
    pub fn next(self) -> &'static [LibrettoStatus] {
        use LibrettoStatus::{Cancelled, Consolidated, Draft, InCompilation, InUpdate};
        match self {
            Draft => &[InCompilation, Cancelled],
            InCompilation => &[Consolidated, Cancelled],
            Consolidated => &[InUpdate, Cancelled],
            InUpdate => &[Consolidated, Cancelled],
            Cancelled => &[],
        }
    }

    /// Content can change only while the libretto is being written; a consolidated version
    /// is immutable, and an update starts with `updateLibretto` (→ IN_UPDATE).
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::InCompilation | Self::InUpdate)
    }

    pub fn step(self, to: LibrettoStatus, id: &str, step: &str) -> Result<(), DomainError> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            Err(self.refuse(id, step))
        }
    }

    pub fn require_editable(self, id: &str, step: &str) -> Result<(), DomainError> {
        if self.editable() {
            Ok(())
        } else {
            Err(self.refuse(id, step))
        }
    }

    fn refuse(self, id: &str, step: &str) -> DomainError {
        let allowed: Vec<&str> = self.next().iter().map(|s| s.as_str()).collect();
        DomainError::invalid_transition(&format!("libretto {id}"), self.as_str(), step, &allowed)
    }
}

/// Where a competence was learnt (D.Lgs 13/2013 art. 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LearningContext {
    Formal,
    NonFormal,
    Informal,
}

impl LearningContext {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Formal => "FORMAL",
            Self::NonFormal => "NON_FORMAL",
            Self::Informal => "INFORMAL",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Formal, Self::NonFormal, Self::Informal]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExperienceKind {
    Work,
    Training,
}

/// Seed 000: experiences come "da banche dati regionali" or from the citizen's
/// "autodichiarazioni".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExperienceOrigin {
    RegionalDb,
    SelfDeclared,
}

macro_rules! text_enum {
    ($ty:ty { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $ty {
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }
            pub fn from_code(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}
text_enum!(ExperienceKind { Work => "WORK", Training => "TRAINING" });
text_enum!(ExperienceOrigin { RegionalDb => "REGIONAL_DB", SelfDeclared => "SELF_DECLARED" });

/// Section 1.1: the merged person as it was when the libretto was opened or consolidated.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonSnapshot {
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
    /// Regional sources the data came from.
    pub sources: Vec<String>,
    pub taken_at: Option<NaiveDateTime>,
}

/// One experience as a version freezes it (and as the API shows it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperienceData {
    pub id: String,
    pub kind: ExperienceKind,
    pub origin: ExperienceOrigin,
    pub source_name: Option<String>,
    pub source_row_id: Option<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub contract_type: Option<String>,
    /// End of an apprenticeship's training period (V5; "data fine periodo formativo").
    /// Absent from versions frozen before the field existed.
    #[serde(default)]
    pub training_period_end: Option<NaiveDate>,
    pub occupation_code: Option<String>,
    pub sector_code: Option<String>,
    pub weekly_hours: Option<f64>,
    pub training_kind: Option<String>,
    pub hours: Option<i32>,
    pub outcome: Option<String>,
    pub qualification_code: Option<String>,
    pub eqf_level: Option<i16>,
    pub description: Option<String>,
    pub edited: bool,
    pub dropped: bool,
    pub drop_reason: Option<String>,
    /// The prefilled values before the operator's edits (JSON of this same shape).
    pub original: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceData {
    pub id: String,
    pub category: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompetenceData {
    pub id: String,
    pub competence_type: String,
    pub description: String,
    pub context: LearningContext,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub ada_code: Option<String>,
    pub evidence_ids: Vec<String>,
}

/// Everything a consolidated version freezes (sections 1 and 2 and the evidence list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibrettoContent {
    pub person: PersonSnapshot,
    pub experiences: Vec<ExperienceData>,
    pub competences: Vec<CompetenceData>,
    pub evidences: Vec<EvidenceData>,
}

/// What consolidation requires (DOMAIN.md §9 "evidence check; citizen signs"; the libretto
/// doubles as the IVC Documento di trasparenza, whose minimum content is anagrafica,
/// competences and related experiences: DM 30/6/2015 art. 6 c.1, V21).
pub fn check_consolidation(
    content: &LibrettoContent,
    citizen_signed: bool,
) -> Result<(), DomainError> {
    if !citizen_signed {
        return Err(DomainError::invalid(
            "citizenSigned",
            "signed_before_consolidation",
            "citizenSigned: the citizen must sign the libretto before it is consolidated",
        ));
    }
    if content.person.family_name.is_none() || content.person.birth_date.is_none() {
        return Err(DomainError::invalid(
            "person",
            "person_section_complete",
            "person: section 1 needs the citizen's name and birth date from a regional source",
        ));
    }
    if content.competences.is_empty() {
        return Err(DomainError::invalid(
            "competences",
            "competence_required",
            "competences: section 2 needs at least one competence",
        ));
    }
    if let Some(c) = content
        .competences
        .iter()
        .find(|c| c.evidence_ids.is_empty())
    {
        return Err(DomainError::invalid(
            "competences",
            "competence_evidence_required",
            format!(
                "competences: competence {} (\"{}\") has no evidence; attach at least one",
                c.id,
                truncate(&c.description, 40)
            ),
        ));
    }
    if !content.experiences.iter().any(|e| !e.dropped) {
        return Err(DomainError::invalid(
            "experiences",
            "experience_required",
            "experiences: section 1 needs at least one work or training experience",
        ));
    }
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod experience_tests;
#[cfg(test)]
mod tests;
