//! The orientation record as a use case (seed 001): service pact and its measures,
//! propensities, education titles and the CV. Each change checks the rules of
//! `domain::orientation` inside `store::orientation::mutate` (one transaction, the record's
//! version claimed first, audit row last). The presa in carico, the consent and the transfer
//! to the portal are `consent`'s.

use crate::domain::FiscalCode;
use crate::domain::libretto::check_optional_text;
use crate::domain::orientation::{MeasureStatus, PropensityDraft, check_cv_prerequisites};
use crate::domain::pact::PactStatus;
use crate::error::AppError;
use crate::store::evidence::{UploadedFile, check_file};
use crate::store::orientation::{self as store, NewMeasure, RecordUpdate, cv, pact};
use crate::store::reference::{EDUCATION_TITLE, PACT_MEASURE, ReferenceData, SEP_SECTOR};
use crate::store::write::Actor;
use chrono::NaiveDate;
use entities::orientation;
use sea_orm::DatabaseConnection;

type Record = orientation::Model;

pub fn not_future(field: &str, on: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
    if on > today {
        return Err(AppError::bad_input(
            field,
            format!("{field}: {on} is in the future"),
        ));
    }
    Ok(())
}

/// A measure of the pact's code table (on its planned date), its notes checked.
pub fn checked_measure(
    reference: &ReferenceData,
    (code, planned_on, notes): (&str, NaiveDate, Option<String>),
    field: &str,
) -> Result<NewMeasure, AppError> {
    reference.check(field, PACT_MEASURE, code.trim(), None, Some(planned_on))?;
    check_optional_text("notes", notes.as_deref(), 1000)?;
    Ok(NewMeasure {
        code: code.trim().to_owned(),
        planned_on,
        notes,
    })
}

/// Adds a measure to a pact being drafted or in force.
pub async fn add_pact_measure(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    measure: NewMeasure,
) -> Result<Record, AppError> {
    let action = "addPactMeasure";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            let status = current.pact_status.as_deref().and_then(PactStatus::parse);
            if !matches!(
                status,
                Some(PactStatus::Draft | PactStatus::Signed | PactStatus::Updated)
            ) {
                return Err(AppError::bad_input(
                    "measure",
                    format!(
                        "measure: the citizen's service pact is {}: measures are agreed on a \
                         pact being drafted or in force (draftServicePact or signServicePact)",
                        status.map_or("not drafted yet", |s| s.as_str())
                    ),
                ));
            }
            pact::add_measures(txn, &current.id, vec![measure], actor).await?;
            Ok(RecordUpdate::default())
        },
    )
    .await
}

/// PLANNED → STARTED → DONE, or → CANCELLED, not before the measure was planned or started.
pub async fn update_pact_measure(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    measure_id: &str,
    (to, on): (MeasureStatus, NaiveDate),
) -> Result<Record, AppError> {
    let action = "updatePactMeasure";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            let measure = pact::measure(txn, &current.id, measure_id).await?;
            let from = MeasureStatus::parse(&measure.status)
                .ok_or_else(|| AppError::internal(format!("measure status {}", measure.status)))?;
            from.step(to, measure_id)?;
            let since = measure.started_on.unwrap_or(measure.planned_on);
            if to != MeasureStatus::Cancelled && on < since {
                return Err(AppError::bad_input(
                    "on",
                    format!("on: {on} is before {since}, when the measure was planned or started"),
                ));
            }
            pact::move_measure(txn, measure, to, on).await?;
            Ok(RecordUpdate::default())
        },
    )
    .await
}

/// The SEP sector of a propensity, when given, is one of the reference table today.
pub fn check_propensity_sector(
    reference: &ReferenceData,
    sector: Option<&str>,
    today: NaiveDate,
) -> Result<(), AppError> {
    if let Some(sector) = sector {
        reference.check("sepSector", SEP_SECTOR, sector.trim(), None, Some(today))?;
    }
    Ok(())
}

/// V11/V12: at most 3, checked against the propensities the citizen has inside the
/// transaction that holds the record's version, so two operators cannot both add a 3rd.
pub async fn add_propensity(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    draft: PropensityDraft,
    today: NaiveDate,
) -> Result<Record, AppError> {
    let action = "addPropensity";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            let existing = pact::propensity_count(txn, &current.id).await?;
            let interview_on = draft.check(existing, today)?;
            pact::add_propensity(txn, &current.id, draft, interview_on, actor).await?;
            Ok(RecordUpdate::default())
        },
    )
    .await
}

/// Makes a propensity inactive (DOMAIN.md §9: "Propensione: active/inactive; count(active)
/// ≤ 3"): it leaves the three the citizen may hold and the portal, and stays in the history.
pub async fn remove_propensity(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    (propensity_id, on): (&str, NaiveDate),
    today: NaiveDate,
) -> Result<Record, AppError> {
    not_future("on", on, today)?;
    let action = "removePropensity";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            pact::remove_propensity(txn, &current.id, propensity_id, on, actor).await?;
            Ok(RecordUpdate::default())
        },
    )
    .await
}

/// V10: a title of the SAP table; its year, when given, between 1940 and this year.
pub fn checked_education_title(
    reference: &ReferenceData,
    code: &str,
    year: Option<i32>,
    today: NaiveDate,
) -> Result<(String, Option<i16>), AppError> {
    let title = code.trim().to_owned();
    reference.check("code", EDUCATION_TITLE, &title, None, None)?;
    let year = match year {
        None => None,
        Some(y) if (1940..=chrono::Datelike::year(&today)).contains(&y) => i16::try_from(y).ok(),
        Some(y) => {
            return Err(AppError::bad_input(
                "year",
                format!("year: {y} is not between 1940 and this year"),
            ));
        }
    };
    Ok((title, year))
}

pub async fn add_education_title(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    (title, year): (String, Option<i16>),
) -> Result<Record, AppError> {
    let action = "addEducationTitle";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            pact::add_education_title(txn, &current.id, &title, year, actor).await?;
            Ok(RecordUpdate::default())
        },
    )
    .await
}

/// V13: a PDF within the size limit, and an education title and a propensity recorded. The
/// previous CV is replaced. Valid 6 months.
pub async fn upload_cv(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    file: UploadedFile,
    max_file_bytes: usize,
) -> Result<Record, AppError> {
    let action = "uploadCv";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            let titles = pact::education_title_count(txn, &current.id).await?;
            let propensities = pact::propensity_count(txn, &current.id).await?;
            check_cv_prerequisites(titles, propensities)?;
            let (media_type, sha256) = check_file(&file, max_file_bytes)?;
            if media_type != "application/pdf" {
                return Err(AppError::bad_input(
                    "file",
                    format!(
                        "file: {} is not a PDF; a CV is accepted as PDF only (seed 001)",
                        file.name
                    ),
                ));
            }
            cv::replace_cv(txn, &current.id, file, (media_type, sha256), actor).await?;
            Ok(RecordUpdate::default())
        },
    )
    .await
}

/// Deletes our copy of the CV (recorded); the portal profile is not touched (seed 001).
pub async fn delete_cv(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
) -> Result<Record, AppError> {
    let action = "deleteCv";
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        action,
        async |txn, current| {
            cv::delete_cv(txn, &current.id, actor).await?;
            Ok(RecordUpdate::default())
        },
    )
    .await
}
