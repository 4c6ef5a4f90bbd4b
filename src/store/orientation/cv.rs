//! The citizen's CV (seed 001): the current one (the newest not deleted), its replacement and
//! deletion, and the erasure of a file no current CV or evidence uses any more.

use crate::error::AppError;
use crate::store::evidence::UploadedFile;
use crate::store::write::Actor;
use chrono::Utc;
use entities::{cv, evidence_file};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

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

/// Stores a checked CV file (`media_type`, `sha256` from `evidence::check_file`) as the
/// citizen's current CV; the previous one is replaced (marked deleted, its file erased when
/// nothing else uses it).
pub async fn replace_cv(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    file: UploadedFile,
    (media_type, sha256): (&str, String),
    actor: &Actor,
) -> Result<(), AppError> {
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
