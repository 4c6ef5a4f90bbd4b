//! Legacy libretti (seed 000's Libretto formativo): the line format, the checks each line
//! passes, and the import of a file of them.

use super::{ImportReport, Progress, codes, stream};
use crate::domain::FiscalCode;
use crate::domain::libretto::{ExperienceKind, ExperienceOrigin, LibrettoStatus, PersonSnapshot};
use crate::store::import::{LibrettoRows as Rows, write};
use crate::store::libretto::{EVIDENCE_TALLIES, EXPERIENCE_TALLIES};
use crate::store::reference::{EVIDENCE_CATEGORY, ReferenceData};
use chrono::{NaiveDate, Utc};
use entities::{evidence, libretto, libretto_experience};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde::Deserialize;

/// One legacy libretto (one JSON object per line).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyLibretto {
    /// Natural key: a libretto already in the store with this number is left as it is.
    pub number: String,
    pub fiscal_code: String,
    pub region: Option<String>,
    /// Reporting territory: a province name or a CPI area ("Empoli").
    pub area: String,
    pub office: Option<String>,
    /// CONSOLIDATED (default), IN_UPDATE or CANCELLED: legacy libretti were issued.
    pub status: Option<String>,
    pub issued_on: NaiveDate,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// `M` or `F`; read from the fiscal code when absent.
    pub gender: Option<String>,
    #[serde(default)]
    pub experiences: Vec<LegacyExperience>,
    #[serde(default)]
    pub evidences: Vec<LegacyEvidence>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyExperience {
    /// WORK or TRAINING.
    pub kind: String,
    /// REGIONAL_DB or SELF_DECLARED.
    pub origin: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyEvidence {
    pub category: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
}

/// `M` or `F` from the day of birth in the code (women +40), read off the de-omocoded digits.
fn gender_of(code: &FiscalCode) -> Option<String> {
    let base = code.base();
    let day: u32 = base.as_str().get(9..11)?.parse().ok()?;
    Some(if day > 40 { "F" } else { "M" }.to_owned())
}

fn check(
    line: LegacyLibretto,
    reference: &ReferenceData,
    default_region: &str,
    today: NaiveDate,
) -> Result<Rows, String> {
    let number = line.number.trim();
    if number.is_empty() || number.chars().count() > 40 {
        return Err("number: must be 1 to 40 characters".into());
    }
    // the exact code is the person (DOMAIN.md §3.1)
    let code = FiscalCode::parse(&line.fiscal_code).map_err(|e| format!("fiscalCode: {e}"))?;
    let status = match line.status.as_deref() {
        None => LibrettoStatus::Consolidated,
        Some(text) => match LibrettoStatus::parse(text) {
            Some(
                s @ (LibrettoStatus::Consolidated
                | LibrettoStatus::InUpdate
                | LibrettoStatus::Cancelled),
            ) => s,
            _ => {
                return Err(format!(
                    "status: \"{text}\" is not CONSOLIDATED, IN_UPDATE or CANCELLED (legacy libretti were issued)"
                ));
            }
        },
    };
    if line.issued_on > today {
        return Err(format!("issuedOn: {} is in the future", line.issued_on));
    }
    let gender = match line.gender.as_deref() {
        None => gender_of(&code),
        Some(g @ ("M" | "F")) => Some(g.to_owned()),
        Some(other) => return Err(format!("gender: \"{other}\" is not M or F")),
    };
    let age = match line.birth_date {
        Some(birth) if birth >= line.issued_on => {
            return Err(format!(
                "birthDate: {birth} is not before issuedOn {}",
                line.issued_on
            ));
        }
        Some(birth) => line
            .issued_on
            .years_since(birth)
            .and_then(|a| i16::try_from(a).ok()),
        None => None,
    };
    let region = line.region.unwrap_or_else(|| default_region.to_owned());
    let issued = line
        .issued_on
        .and_hms_opt(12, 0, 0)
        .unwrap_or_default()
        .and_utc();
    // The number is the natural key (unique), so the ids need not be derived from it: a
    // re-run's libretto is skipped on its number and its children with it (their new owner
    // id is not stored). Time-ordered ids append to the primary-key and owner indexes
    // instead of landing on random pages of them.
    let id = uuid::Uuid::now_v7().to_string();
    let person = PersonSnapshot {
        fiscal_code: code.as_str().to_owned(),
        given_name: line.given_name,
        family_name: line.family_name,
        birth_date: line.birth_date,
        gender: gender.clone(),
        ..PersonSnapshot::default()
    };
    let mut experiences = Vec::new();
    for (i, e) in line.experiences.into_iter().enumerate() {
        let field = format!("experiences[{i}]");
        let kind = ExperienceKind::from_code(&e.kind)
            .ok_or_else(|| format!("{field}.kind: \"{}\" is not WORK or TRAINING", e.kind))?;
        let origin = ExperienceOrigin::from_code(&e.origin).ok_or_else(|| {
            format!(
                "{field}.origin: \"{}\" is not REGIONAL_DB or SELF_DECLARED",
                e.origin
            )
        })?;
        if let (Some(from), Some(to)) = (e.start_date, e.end_date)
            && to < from
        {
            return Err(format!("{field}.endDate: {to} is before startDate {from}"));
        }
        // columns a legacy line never fills stay out of the INSERT (NULL by default): half
        // the bound values per row
        experiences.push(libretto_experience::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            libretto_id: Set(id.clone()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX) + 1),
            kind: Set(kind.code().to_owned()),
            origin: Set(origin.code().to_owned()),
            organisation: Set(e.organisation),
            title: Set(e.title),
            start_date: Set(e.start_date),
            end_date: Set(e.end_date),
            edited: Set(false),
            dropped: Set(false),
            updated_at: Set(issued),
            updated_by: Set("import".to_owned()),
            ..Default::default()
        });
    }
    let mut evidences = Vec::new();
    for (i, e) in line.evidences.into_iter().enumerate() {
        let field = format!("evidences[{i}]");
        reference
            .check(
                &format!("{field}.category"),
                EVIDENCE_CATEGORY,
                &e.category,
                Some(&region),
                None,
            )
            .map_err(|err| err.to_string())?;
        if e.title.trim().is_empty() {
            return Err(format!("{field}.title: must not be empty"));
        }
        evidences.push(evidence::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            libretto_id: Set(Some(id.clone())),
            category: Set(e.category),
            title: Set(e.title),
            issuer: Set(e.issuer),
            issued_on: Set(e.issued_on),
            created_at: Set(issued),
            created_by: Set("import".to_owned()),
            ..Default::default()
        });
    }
    let snapshot = serde_json::to_string(&person).map_err(|e| e.to_string())?;
    let origins: Vec<String> = experiences
        .iter()
        .filter_map(|e| e.origin.try_as_ref().cloned())
        .collect();
    let categories: Vec<String> = evidences
        .iter()
        .filter_map(|e| e.category.try_as_ref().cloned())
        .collect();
    let mut row = libretto::ActiveModel {
        id: Set(id),
        fiscal_code: Set(code.as_str().to_owned()),
        region: Set(region),
        area: Set(Some(line.area.trim().to_owned())),
        office: Set(line.office),
        status: Set(status.as_str().to_owned()),
        number: Set(Some(number.to_owned())),
        issued_at: Set(Some(issued)),
        last_consolidated_at: Set(Some(issued)),
        versions_issued: Set(1),
        person_snapshot: Set(snapshot),
        cancel_reason: Set(None),
        gender: Set(gender),
        age_at_issue: Set(age),
        created_at: Set(Utc::now()),
        created_by: Set("import".to_owned()),
        updated_at: Set(Utc::now()),
        version: Set(1),
        ..Default::default()
    };
    // the reporting tallies, as `store::libretto::refresh_tallies` counts these rows
    let count = |codes: &[String], code: &str| codes.iter().filter(|c| *c == code).count() as i32;
    for (column, origin) in EXPERIENCE_TALLIES {
        row.set(column, count(&origins, origin).into());
    }
    for (column, category) in EVIDENCE_TALLIES {
        row.set(column, count(&categories, category).into());
    }
    Ok(Rows {
        libretto: row,
        experiences,
        evidences,
    })
}

/// Imports every line (`reader.lines()` of a file, or generated ones); `progress` hears how
/// far it got after each batch.
pub async fn libretti(
    db: &DatabaseConnection,
    reference: &ReferenceData,
    default_region: &str,
    input: impl IntoIterator<Item = std::io::Result<String>>,
    progress: impl FnMut(Progress),
) -> Result<ImportReport, sea_orm::DbErr> {
    let today = chrono::Local::now().date_naive();
    let codes = codes::Codes::load(db).await?;
    stream(
        db,
        &["libretto", "libretto_experience", "evidence"],
        input,
        progress,
        |line| {
            let mut legacy = serde_json::from_str::<LegacyLibretto>(line)
                .map_err(|e| format!("not a libretto: {e}"))?;
            codes.libretto(&mut legacy, default_region)?;
            check(legacy, reference, default_region, today)
        },
        write,
    )
    .await
}
