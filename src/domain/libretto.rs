//! The Libretto formativo del cittadino (DOMAIN.md §1, seed 000): its lifecycle (§9), the
//! content a consolidated version freezes, and the rules on what the operator types (§8).
//! Pure: no I/O.

use crate::error::AppError;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Lifecycle (DOMAIN.md §9). "Consolidato" is what seed 000 counts as issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
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

    pub fn step(self, to: LibrettoStatus, id: &str, step: &str) -> Result<(), AppError> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            Err(self.refuse(id, step))
        }
    }

    pub fn require_editable(self, id: &str, step: &str) -> Result<(), AppError> {
        if self.editable() {
            Ok(())
        } else {
            Err(self.refuse(id, step))
        }
    }

    fn refuse(self, id: &str, step: &str) -> AppError {
        let allowed: Vec<&str> = self.next().iter().map(|s| s.as_str()).collect();
        AppError::invalid_transition(&format!("libretto {id}"), self.as_str(), step, &allowed)
    }
}

/// Where a competence was learnt (D.Lgs 13/2013 art. 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExperienceKind {
    Work,
    Training,
}

/// Seed 000: experiences come "da banche dati regionali" or from the citizen's
/// "autodichiarazioni".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
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
) -> Result<(), AppError> {
    if !citizen_signed {
        return Err(AppError::bad_input(
            "citizenSigned",
            "citizenSigned: the citizen must sign the libretto before it is consolidated",
        ));
    }
    if content.person.family_name.is_none() || content.person.birth_date.is_none() {
        return Err(AppError::bad_input(
            "person",
            "person: section 1 needs the citizen's name and birth date from a regional source",
        ));
    }
    if content.competences.is_empty() {
        return Err(AppError::bad_input(
            "competences",
            "competences: section 2 needs at least one competence",
        ));
    }
    if let Some(c) = content
        .competences
        .iter()
        .find(|c| c.evidence_ids.is_empty())
    {
        return Err(AppError::bad_input(
            "competences",
            format!(
                "competences: competence {} (\"{}\") has no evidence; attach at least one",
                c.id,
                truncate(&c.description, 40)
            ),
        ));
    }
    if !content.experiences.iter().any(|e| !e.dropped) {
        return Err(AppError::bad_input(
            "experiences",
            "experiences: section 1 needs at least one work or training experience",
        ));
    }
    Ok(())
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

// ---- rules on typed values (DOMAIN.md §8); each error names the field and the rule ----

pub fn check_text(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    if value.trim().is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("{field}: must not be empty"),
        ));
    }
    let len = value.chars().count();
    if len > max {
        return Err(AppError::bad_input(
            field,
            format!("{field}: {len} characters, at most {max} allowed"),
        ));
    }
    Ok(())
}

pub fn check_optional_text(field: &str, value: Option<&str>, max: usize) -> Result<(), AppError> {
    value.map_or(Ok(()), |v| check_text(field, v, max))
}

/// V7: no end before start; and nothing dated after today.
pub fn check_period(
    from_field: &str,
    from: Option<NaiveDate>,
    to_field: &str,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), AppError> {
    if let Some(from) = from
        && from > today
    {
        return Err(AppError::bad_input(
            from_field,
            format!("{from_field}: {from} is in the future"),
        ));
    }
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(AppError::bad_input(
            to_field,
            format!("{to_field}: {to} is before {from_field} {from}"),
        ));
    }
    Ok(())
}

/// V8: ISTAT CP2011, 1 to 5 levels (`5`, `5.2`, `5.2.2`, `5.2.2.3`, `5.2.2.3.0`).
pub fn check_cp2011(field: &str, code: &str) -> Result<(), AppError> {
    let parts: Vec<&str> = code.split('.').collect();
    let ok = (1..=5).contains(&parts.len())
        && parts[0].len() == 1
        && matches!(parts[0].as_bytes()[0], b'1'..=b'9')
        && parts[1..]
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            format!("{field}: \"{code}\" is not an ISTAT CP2011 code (e.g. 5.2.2.3.0)"),
        ))
    }
}

/// V9: ATECO, `NN`, `NN.N`, `NN.NN`, `NN.NN.N` or `NN.NN.NN`.
pub fn check_ateco(field: &str, code: &str) -> Result<(), AppError> {
    let parts: Vec<&str> = code.split('.').collect();
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let ok = (1..=3).contains(&parts.len())
        && parts[0].len() == 2
        && parts
            .iter()
            .all(|p| digits(p) && !p.is_empty() && p.len() <= 2);
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            format!("{field}: \"{code}\" is not an ATECO code (e.g. 56.10.11)"),
        ))
    }
}

/// V23: EQF levels 1-8.
pub fn check_eqf(field: &str, level: i32) -> Result<(), AppError> {
    if (1..=8).contains(&level) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            format!("{field}: EQF level {level} is not between 1 and 8"),
        ))
    }
}

/// Atlante del lavoro ADA codes, e.g. `ADA.22.01.07` (DOMAIN.md §2.6).
pub fn check_ada(field: &str, code: &str) -> Result<(), AppError> {
    let rest = code.strip_prefix("ADA.").unwrap_or("");
    let parts: Vec<&str> = rest.split('.').collect();
    let ok = parts.len() == 3
        && parts.iter().enumerate().all(|(i, p)| {
            !p.is_empty() && p.len() <= [2, 3, 3][i] && p.bytes().all(|b| b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            format!("{field}: \"{code}\" is not an ADA code of the Atlante (e.g. ADA.22.01.07)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_allows_only_the_documented_steps() {
        use LibrettoStatus::*;
        assert!(Draft.step(InCompilation, "x", "start").is_ok());
        assert!(Draft.step(Consolidated, "x", "consolidate").is_err());
        assert!(InUpdate.step(Consolidated, "x", "consolidate").is_ok());
        assert!(Consolidated.require_editable("x", "edit").is_err());
        let err = Cancelled.step(InUpdate, "x", "update").unwrap_err();
        assert_eq!(err.code(), "INVALID_TRANSITION");
        assert!(err.to_string().contains("CANCELLED"));
    }

    #[test]
    fn codes_are_checked() {
        assert!(check_cp2011("occupation", "5.2.2.3.0").is_ok());
        assert!(check_cp2011("occupation", "5").is_ok());
        assert!(check_cp2011("occupation", "0.1").is_err());
        assert!(check_cp2011("occupation", "5.2.2.3.0.1").is_err());
        assert!(check_ateco("sector", "56.10.11").is_ok());
        assert!(check_ateco("sector", "5.10").is_err());
        assert!(check_ada("ada", "ADA.22.01.07").is_ok());
        assert!(check_ada("ada", "22.01.07").is_err());
        assert!(check_eqf("eqf", 9).is_err());
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert!(check_period("from", d(2020, 1, 1), "to", d(2019, 1, 1), today).is_err());
        assert!(check_period("from", d(2027, 1, 1), "to", None, today).is_err());
        assert!(check_period("from", d(2020, 1, 1), "to", d(2021, 1, 1), today).is_ok());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The code parsers accept exactly their codes: whatever they accept prints back as
        /// the same text, and nothing panics.
        #[test]
        fn status_and_origin_parsers_accept_only_their_codes(text in "\\PC{0,20}") {
            if let Some(status) = LibrettoStatus::parse(&text) {
                prop_assert_eq!(status.as_str(), text.as_str());
            }
            if let Some(origin) = ExperienceOrigin::from_code(&text) {
                prop_assert_eq!(origin.code(), text.as_str());
            }
            if let Some(kind) = ExperienceKind::from_code(&text) {
                prop_assert_eq!(kind.code(), text.as_str());
            }
        }
    }
}
