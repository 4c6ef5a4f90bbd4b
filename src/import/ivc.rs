//! Legacy IVC dossiers (seed 003's IVC PLUS and earlier paths) from JSON Lines: the dossier
//! with its outputs and hours, its competences' SEP sectors. The natural key is the legacy
//! application's id within the region.

use super::{ImportReport, Progress, derived_id, stream};
use crate::domain::FiscalCode;
use crate::domain::ivc::{IvcOutcome, IvcStatus};
use crate::store::import::ivc::{DossierRows as Rows, write};
use crate::store::reference::{ReferenceData, SEP_SECTOR};
use chrono::{NaiveDate, Utc};
use entities::{ivc_competence, ivc_dossier};
use sea_orm::{DatabaseConnection, Set};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyDossier {
    /// Natural key within the region.
    pub legacy_id: String,
    pub fiscal_code: String,
    pub region: Option<String>,
    pub program: Option<String>,
    pub provider: String,
    pub office: Option<String>,
    pub requested_on: NaiveDate,
    /// CLOSED by default.
    pub status: Option<String>,
    /// Required for a CLOSED dossier: DOSSIER_ONLY, DOSSIER_AND_ATTESTATO, QUALIFICATION or
    /// WITHDRAWN.
    pub outcome: Option<String>,
    pub transparency_released_on: Option<NaiveDate>,
    pub attestato_number: Option<String>,
    pub attestato_issued_on: Option<NaiveDate>,
    pub certificate_number: Option<String>,
    pub closed_on: Option<NaiveDate>,
    /// Session hours of the path.
    #[serde(default)]
    pub hours: f64,
    /// Unit cost; 40 € (seed 003) when absent.
    pub hourly_cost_eur: Option<f64>,
    /// SEP sectors of the competences identified.
    #[serde(default)]
    pub sectors: Vec<String>,
}

fn not_after(
    field: &str,
    date: Option<NaiveDate>,
    earliest: NaiveDate,
    today: NaiveDate,
) -> Result<(), String> {
    match date {
        Some(d) if d < earliest => Err(format!("{field}: {d} is before requestedOn {earliest}")),
        Some(d) if d > today => Err(format!("{field}: {d} is in the future")),
        _ => Ok(()),
    }
}

fn check(
    line: LegacyDossier,
    reference: &ReferenceData,
    default_region: &str,
    max_hours: u32,
    today: NaiveDate,
) -> Result<Rows, String> {
    let legacy = line.legacy_id.trim();
    if legacy.is_empty() || legacy.chars().count() > 64 {
        return Err("legacyId: must be 1 to 64 characters".into());
    }
    // the exact code is the person (DOMAIN.md §3.1)
    let code = FiscalCode::parse(&line.fiscal_code).map_err(|e| format!("fiscalCode: {e}"))?;
    let region = line.region.unwrap_or_else(|| default_region.to_owned());
    let status = match line.status.as_deref() {
        None => IvcStatus::Closed,
        Some(text) => IvcStatus::parse(text)
            .ok_or_else(|| format!("status: \"{text}\" is not an IVC dossier state"))?,
    };
    let outcome = match (status, line.outcome.as_deref()) {
        (IvcStatus::Closed, None) => {
            return Err("outcome: a CLOSED dossier needs its outcome".into());
        }
        (IvcStatus::Closed, Some(text)) => Some(
            IvcOutcome::parse(text)
                .ok_or_else(|| format!("outcome: \"{text}\" is not an outcome"))?,
        ),
        (_, Some(_)) => return Err("outcome: only a CLOSED dossier has an outcome".into()),
        (_, None) => None,
    };
    if line.requested_on > today {
        return Err(format!(
            "requestedOn: {} is in the future",
            line.requested_on
        ));
    }
    let start = line.requested_on;
    not_after(
        "transparencyReleasedOn",
        line.transparency_released_on,
        start,
        today,
    )?;
    not_after("attestatoIssuedOn", line.attestato_issued_on, start, today)?;
    not_after("closedOn", line.closed_on, start, today)?;
    if line.attestato_number.is_some() != line.attestato_issued_on.is_some() {
        return Err(
            "attestatoNumber: the attestato needs both its number and attestatoIssuedOn".into(),
        );
    }
    if !(line.hours.is_finite() && (0.0..=f64::from(max_hours)).contains(&line.hours)) {
        return Err(format!(
            "hours: {} is not between 0 and {max_hours} (ivc.max_hours)",
            line.hours
        ));
    }
    let cost = line.hourly_cost_eur.unwrap_or(40.0);
    if !(cost.is_finite() && cost >= 0.0) {
        return Err(format!("hourlyCostEur: {cost} is not an amount"));
    }
    let id = derived_id(&format!("ivc/{region}/{legacy}/"));
    let now = Utc::now();
    let mut competences = Vec::new();
    for (i, sector) in line.sectors.iter().enumerate() {
        reference
            .check(
                &format!("sectors[{i}]"),
                SEP_SECTOR,
                sector,
                Some(&region),
                Some(start),
            )
            .map_err(|e| e.to_string())?;
        competences.push(ivc_competence::ActiveModel {
            id: Set(derived_id(&format!("ivc/{region}/{legacy}/competence/{i}"))),
            dossier_id: Set(id.clone()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX) + 1),
            description: Set("Competenza importata dall'applicativo precedente".to_owned()),
            sep_sector: Set(sector.clone()),
            qualification_code: Set(None),
            qualification_name: Set(None),
            ada_codes: Set("[]".to_owned()),
            eqf_level: Set(None),
            learning_context: Set("INFORMAL".to_owned()),
            created_at: Set(now),
            created_by: Set("import".to_owned()),
        });
    }
    let minutes = (line.hours * 60.0).round() as i32;
    let since = line
        .closed_on
        .or(line.attestato_issued_on)
        .or(line.transparency_released_on)
        .unwrap_or(start);
    Ok(Rows {
        dossier: ivc_dossier::ActiveModel {
            id: Set(id),
            fiscal_code: Set(code.as_str().to_owned()),
            region: Set(region),
            status: Set(status.as_str().to_owned()),
            outcome: Set(outcome.map(|o| o.as_str().to_owned())),
            requested_on: Set(start),
            state_since: Set(since),
            provider: Set(line.provider),
            office: Set(line.office),
            program: Set(line.program),
            domicile_province: Set(None),
            adhesion_signed_on: Set(None),
            max_minutes: Set(i32::try_from(max_hours.saturating_mul(60)).unwrap_or(i32::MAX)),
            hourly_cost_cents: Set((cost * 100.0).round() as i64),
            minutes_used: Set(minutes),
            transparency_released_on: Set(line.transparency_released_on),
            transparency_person: Set(None),
            libretto_id: Set(None),
            libretto_number: Set(None),
            libretto_version: Set(None),
            experiences: Set(None),
            validation_result: Set(None),
            validation_decided_on: Set(None),
            attestato_number: Set(line.attestato_number),
            attestato_issued_on: Set(line.attestato_issued_on),
            attestato: Set(None),
            attestato_person: Set(None),
            exam_session_on: Set(None),
            certification_passed: Set(line.certificate_number.as_ref().map(|_| true)),
            certificate_number: Set(line.certificate_number),
            certification_decided_on: Set(None),
            certificate_qualification_code: Set(None),
            certificate_qualification_name: Set(None),
            certificate_eqf_level: Set(None),
            exam_commission: Set(None),
            closed_on: Set(line.closed_on),
            close_reason: Set(None),
            created_at: Set(now),
            created_by: Set("import".to_owned()),
            updated_at: Set(now),
            updated_by: Set("import".to_owned()),
            version: Set(1),
        },
        competences,
    })
}

/// Imports every line of `input` (see [`super::libretti`]).
pub async fn dossiers(
    db: &DatabaseConnection,
    reference: &ReferenceData,
    default_region: &str,
    max_hours: u32,
    input: impl IntoIterator<Item = std::io::Result<String>>,
    progress: impl FnMut(Progress),
) -> Result<ImportReport, sea_orm::DbErr> {
    let today = chrono::Local::now().date_naive();
    let codes = super::codes::Codes::load(db).await?;
    stream(
        db,
        &["ivc_dossier", "ivc_competence"],
        input,
        progress,
        |line| {
            let legacy = serde_json::from_str::<LegacyDossier>(line)
                .map_err(|e| format!("not an IVC dossier: {e}"))?;
            codes.dossier(&legacy, default_region)?;
            check(legacy, reference, default_region, max_hours, today)
        },
        write,
    )
    .await
}
