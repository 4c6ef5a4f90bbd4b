//! Orientation records in the store (seed 001): the per-citizen record whose `version` guards
//! every write, pact measures, propensities, education titles and CVs; the consent is
//! `consent`'s, the outbox of portal transfers `outbox`'s. Each write is one transaction with
//! its audit row.

use super::evidence::{UploadedFile, check_file};
use super::write::{self, Actor};
use crate::domain::orientation::{MeasureStatus, PropensityDraft, check_cv_prerequisites};
use crate::error::AppError;
use chrono::{NaiveDate, Utc};
use entities::{
    consent_event, cv, education_title, evidence_file, orientation, pact_measure, propensity,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr,
};

pub const TABLE: &str = "orientation";
const WHAT: &str = "orientation record of";

pub struct NewIntake {
    /// Base fiscal code.
    pub fiscal_code: String,
    pub on: NaiveDate,
    pub office: Option<String>,
    pub consent_matching: bool,
    pub special_categories: Vec<String>,
    pub profiling_notes: Option<String>,
}

fn json(value: &impl serde::Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(AppError::internal)
}

/// The presa in carico: creates the citizen's record (version 1) with the consent given or
/// not. A second intake is a CONFLICT: the record exists, take the citizen in charge again
/// with `recordNewIntake` (`consent::retake`). The conflict names the record and its version,
/// nothing of its content (the caller checks the territory rule first).
pub async fn record_intake(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewIntake,
) -> Result<orientation::Model, AppError> {
    let txn = write::begin(db).await?;
    let now = Utc::now();
    let row = orientation::ActiveModel {
        id: Set(new.fiscal_code.clone()),
        version: Set(1),
        intake_on: Set(new.on),
        intake_office: Set(new.office),
        intake_by: Set(actor.subject().to_owned()),
        consent_matching: Set(new.consent_matching),
        consent_at_intake: Set(new.consent_matching),
        consent_on: Set(new.consent_matching.then_some(new.on)),
        consent_withdrawn_on: Set(None),
        special_categories: Set(if new.special_categories.is_empty() {
            None
        } else {
            Some(json(&new.special_categories)?)
        }),
        profiling_notes: Set(new.profiling_notes),
        pact_signed_on: Set(None),
        pact_office: Set(None),
        pact_operator: Set(None),
        search_plan: Set(None),
        created_at: Set(now),
        created_by: Set(actor.subject().to_owned()),
        updated_at: Set(now),
        updated_by: Set(actor.subject().to_owned()),
    };
    if let Err(err) = orientation::Entity::insert(row).exec(&txn).await {
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            txn.rollback().await?;
            let current = find(db, &new.fiscal_code).await?;
            return Err(AppError::Conflict {
                message: format!(
                    "orientation record {} exists (version {}): take the citizen in charge \
                     again with recordNewIntake, or change that record",
                    current.id, current.version
                ),
                current_version: current.version,
            });
        }
        return Err(err.into());
    }
    super::consent::record_event(
        &txn,
        &new.fiscal_code,
        new.consent_matching,
        new.on,
        true,
        actor,
    )
    .await?;
    write::audit(
        &txn,
        actor,
        &new.fiscal_code,
        "orientation.recordIntake".to_owned(),
    )
    .await?;
    let model = find(&txn, &new.fiscal_code).await?;
    write::commit(txn).await?;
    Ok(model)
}

pub async fn find(
    db: &impl ConnectionTrait,
    fiscal_code: &str,
) -> Result<orientation::Model, AppError> {
    orientation::Entity::find_by_id(fiscal_code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "citizen {fiscal_code} has not been taken in charge (recordIntake first)"
            ))
        })
}

/// One orientation write: claims `version` (CONFLICT when stale, NOT_FOUND without intake),
/// lets `change` validate and write its rows and say what to set on the record, then
/// writes the audit row. Any error leaves nothing.
pub async fn mutate(
    db: &DatabaseConnection,
    actor: &Actor,
    fiscal_code: &str,
    version: i64,
    action: &str,
    change: impl AsyncFnOnce(
        &DatabaseTransaction,
        &orientation::Model,
    ) -> Result<orientation::ActiveModel, AppError>,
) -> Result<orientation::Model, AppError> {
    let txn = write::begin(db).await?;
    write::claim_version(&txn, TABLE, WHAT, fiscal_code, version)
        .await
        .map_err(|err| match err {
            AppError::NotFound(_) => AppError::NotFound(format!(
                "citizen {fiscal_code} has not been taken in charge (recordIntake first)"
            )),
            other => other,
        })?;
    let current = find(&txn, fiscal_code).await?;
    let mut row = change(&txn, &current).await?;
    row.updated_at = Set(Utc::now());
    row.updated_by = Set(actor.subject().to_owned());
    orientation::Entity::update_many()
        .set(row)
        .filter(orientation::Column::Id.eq(fiscal_code))
        .exec(&txn)
        .await?;
    write::audit(&txn, actor, fiscal_code, format!("orientation.{action}")).await?;
    let after = find(&txn, fiscal_code).await?;
    write::commit(txn).await?;
    Ok(after)
}

pub fn unchanged() -> orientation::ActiveModel {
    <orientation::ActiveModel as Default>::default()
}

pub struct NewMeasure {
    pub code: String,
    pub planned_on: NaiveDate,
    pub notes: Option<String>,
}

pub async fn add_measures(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    measures: Vec<NewMeasure>,
    actor: &Actor,
) -> Result<(), AppError> {
    for m in measures {
        pact_measure::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            fiscal_code: Set(fiscal_code.to_owned()),
            code: Set(m.code),
            status: Set(MeasureStatus::Planned.as_str().to_owned()),
            planned_on: Set(m.planned_on),
            started_on: Set(None),
            done_on: Set(None),
            notes: Set(m.notes),
            created_at: Set(Utc::now()),
            created_by: Set(actor.subject().to_owned()),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Moves a measure of this citizen's pact to `to` on `on`.
pub async fn move_measure(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    measure_id: &str,
    to: MeasureStatus,
    on: NaiveDate,
) -> Result<(), AppError> {
    let measure = pact_measure::Entity::find_by_id(measure_id.to_owned())
        .one(txn)
        .await?
        .filter(|m| m.fiscal_code == fiscal_code)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "measure {measure_id} is not in the pact of {fiscal_code}"
            ))
        })?;
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
    let mut row: pact_measure::ActiveModel = measure.into();
    row.status = Set(to.as_str().to_owned());
    match to {
        MeasureStatus::Started => row.started_on = Set(Some(on)),
        MeasureStatus::Done => row.done_on = Set(Some(on)),
        _ => {}
    }
    row.update(txn).await?;
    Ok(())
}

/// V11/V12: checked against the propensities the citizen has inside the transaction that
/// holds the record's version, so two operators cannot both add a 3rd.
pub async fn add_propensity(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    draft: PropensityDraft,
    today: NaiveDate,
    actor: &Actor,
) -> Result<(), AppError> {
    let existing = propensity::Entity::find()
        .filter(propensity::Column::FiscalCode.eq(fiscal_code))
        .count(txn)
        .await?;
    let interview_on = draft.check(usize::try_from(existing).unwrap_or(usize::MAX), today)?;
    let small = |v: Option<i32>| v.and_then(|v| i16::try_from(v).ok());
    propensity::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        fiscal_code: Set(fiscal_code.to_owned()),
        occupation_code: Set(draft.occupation_code),
        occupation_label: Set(draft.occupation_label.trim().to_owned()),
        from_work: Set(draft.from_work),
        from_education: Set(draft.from_education),
        from_training: Set(draft.from_training),
        interview_on: Set(interview_on),
        sep_sector: Set(draft.sep_sector),
        years_experience: Set(small(draft.years_experience)),
        last_year_worked: Set(small(draft.last_year_worked)),
        notes: Set(draft.notes),
        created_at: Set(Utc::now()),
        created_by: Set(actor.subject().to_owned()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub async fn remove_propensity(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    id: &str,
) -> Result<(), AppError> {
    let done = propensity::Entity::delete_many()
        .filter(propensity::Column::Id.eq(id))
        .filter(propensity::Column::FiscalCode.eq(fiscal_code))
        .exec(txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(AppError::NotFound(format!(
            "propensity {id} is not one of {fiscal_code}"
        )));
    }
    Ok(())
}

pub async fn add_education_title(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    code: &str,
    year: Option<i16>,
    actor: &Actor,
) -> Result<(), AppError> {
    education_title::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        fiscal_code: Set(fiscal_code.to_owned()),
        code: Set(code.to_owned()),
        year: Set(year),
        created_at: Set(Utc::now()),
        created_by: Set(actor.subject().to_owned()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The citizen's current CV (the newest not deleted), if any.
pub async fn current_cv(
    db: &impl ConnectionTrait,
    fiscal_code: &str,
) -> Result<Option<cv::Model>, sea_orm::DbErr> {
    cv::Entity::find()
        .filter(cv::Column::FiscalCode.eq(fiscal_code))
        .filter(cv::Column::DeletedAt.is_null())
        .order_by_desc(cv::Column::UploadedAt)
        .one(db)
        .await
}

/// V13: a PDF within the size limit, and an education title and a propensity recorded. The
/// previous CV is replaced (marked deleted).
pub async fn upload_cv(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    file: UploadedFile,
    max_file_bytes: usize,
    actor: &Actor,
) -> Result<(), AppError> {
    let titles = education_title::Entity::find()
        .filter(education_title::Column::FiscalCode.eq(fiscal_code))
        .count(txn)
        .await?;
    let propensities = propensity::Entity::find()
        .filter(propensity::Column::FiscalCode.eq(fiscal_code))
        .count(txn)
        .await?;
    check_cv_prerequisites(
        usize::try_from(titles).unwrap_or(usize::MAX),
        usize::try_from(propensities).unwrap_or(usize::MAX),
    )?;
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
    let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
    evidence_file::Entity::insert(evidence_file::ActiveModel {
        sha256: Set(sha256.clone()),
        media_type: Set(media_type.to_owned()),
        size_bytes: Set(size),
        content: Set(file.content),
    })
    .on_conflict_do_nothing_on([evidence_file::Column::Sha256])
    .exec(txn)
    .await?;
    let now = Utc::now();
    if let Some(previous) = current_cv(txn, fiscal_code).await? {
        let old_sha = previous.sha256.clone();
        let mut row: cv::ActiveModel = previous.into();
        row.deleted_at = Set(Some(now));
        row.deleted_by = Set(Some(actor.subject().to_owned()));
        row.update(txn).await?;
        if old_sha != sha256 {
            purge_if_unused(txn, &old_sha).await?;
        }
    }
    cv::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        fiscal_code: Set(fiscal_code.to_owned()),
        sha256: Set(sha256),
        file_name: Set(file.name),
        size_bytes: Set(size),
        uploaded_at: Set(now),
        uploaded_by: Set(actor.subject().to_owned()),
        deleted_at: Set(None),
        deleted_by: Set(None),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Deletes our copy: the file is erased, the record stays marked with who and when; the
/// portal's profile is not touched (seed 001: "Cancella CV" does not remove it).
pub async fn delete_cv(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    actor: &Actor,
) -> Result<(), AppError> {
    let current = current_cv(txn, fiscal_code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("citizen {fiscal_code} has no CV")))?;
    let sha = current.sha256.clone();
    let mut row: cv::ActiveModel = current.into();
    row.deleted_at = Set(Some(Utc::now()));
    row.deleted_by = Set(Some(actor.subject().to_owned()));
    row.update(txn).await?;
    purge_if_unused(txn, &sha).await
}

/// Erases a file's content once no current CV and no evidence uses it: a deleted or replaced
/// CV keeps its record (who, when, hash) but not the citizen's document.
async fn purge_if_unused(txn: &DatabaseTransaction, sha256: &str) -> Result<(), AppError> {
    let cvs = cv::Entity::find()
        .filter(cv::Column::Sha256.eq(sha256))
        .filter(cv::Column::DeletedAt.is_null())
        .count(txn)
        .await?;
    let evidences = entities::evidence::Entity::find()
        .filter(entities::evidence::Column::Sha256.eq(sha256))
        .count(txn)
        .await?;
    if cvs == 0 && evidences == 0 {
        evidence_file::Entity::delete_by_id(sha256.to_owned())
            .exec(txn)
            .await?;
    }
    Ok(())
}

// ---- batched reads for the loaders (one statement per relation) ----

pub async fn records_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<orientation::Model>, sea_orm::DbErr> {
    orientation::Entity::find()
        .filter(orientation::Column::Id.is_in(codes.iter().cloned()))
        .all(db)
        .await
}

pub async fn consent_history_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<consent_event::Model>, sea_orm::DbErr> {
    consent_event::Entity::find()
        .filter(consent_event::Column::FiscalCode.is_in(codes.iter().cloned()))
        .order_by_asc(consent_event::Column::Id)
        .all(db)
        .await
}

pub async fn measures_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<pact_measure::Model>, sea_orm::DbErr> {
    pact_measure::Entity::find()
        .filter(pact_measure::Column::FiscalCode.is_in(codes.iter().cloned()))
        .order_by_asc(pact_measure::Column::PlannedOn)
        .order_by_asc(pact_measure::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn propensities_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<propensity::Model>, sea_orm::DbErr> {
    propensity::Entity::find()
        .filter(propensity::Column::FiscalCode.is_in(codes.iter().cloned()))
        .order_by_asc(propensity::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn education_titles_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<education_title::Model>, sea_orm::DbErr> {
    education_title::Entity::find()
        .filter(education_title::Column::FiscalCode.is_in(codes.iter().cloned()))
        .order_by_asc(education_title::Column::CreatedAt)
        .all(db)
        .await
}

/// Current CVs (not deleted), newest first.
pub async fn cvs_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<cv::Model>, sea_orm::DbErr> {
    cv::Entity::find()
        .filter(cv::Column::FiscalCode.is_in(codes.iter().cloned()))
        .filter(cv::Column::DeletedAt.is_null())
        .order_by_desc(cv::Column::UploadedAt)
        .all(db)
        .await
}
