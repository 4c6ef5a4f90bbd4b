//! The documents the re-keying held because two people shared the base code they were stored
//! under (`rekey`), and the administrator's act that gives each to its holder.

use super::checked_reason;
use crate::domain::FiscalCode;
use crate::error::AppError;
use crate::store::Store;
use crate::store::identity::{self as ids, ORIENTATION_TABLES};
use crate::store::write::{self, Actor};
use entities::identity_review;

pub async fn open(store: &Store) -> Result<Vec<identity_review::Model>, AppError> {
    Ok(ids::open_reviews(store.db()).await?)
}

/// Moves the held document to `to`, one of the review's candidates; one transaction with an
/// audit row for the new holder. A second resolution of the same review is a CONFLICT.
pub async fn resolve(
    store: &Store,
    actor: &Actor,
    id: &str,
    to: &FiscalCode,
    reason: &str,
) -> Result<identity_review::Model, AppError> {
    let reason = checked_reason(reason)?;
    let txn = write::begin(store.db()).await?;
    let review = ids::review(&txn, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("identity review {id} does not exist")))?;
    let candidates: Vec<String> = serde_json::from_str(&review.candidates).unwrap_or_default();
    if !candidates.iter().any(|c| c == to.as_str()) {
        return Err(AppError::bad_input(
            "fiscalCode",
            format!(
                "fiscalCode must be one of the review's candidates ({})",
                candidates.join(", ")
            ),
        ));
    }
    if !ids::close_review(&txn, id, actor.subject(), to.as_str()).await? {
        return Err(AppError::Conflict {
            message: format!("identity review {id} was resolved already"),
            current_version: 0,
        });
    }
    let held = ids::documents_under(&txn, &review.held_code).await?;
    let moved = if review.document_kind == "orientation" {
        ids::move_rows(&txn, ORIENTATION_TABLES, &review.held_code, to.as_str()).await
    } else {
        ids::move_document(
            &txn,
            &review.document_kind,
            &review.document_id,
            to.as_str(),
        )
        .await
        .map(|()| 1)
    };
    if let Err(e) = moved {
        // the holder already has a document of this kind (one per citizen)
        if matches!(
            e.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ) {
            return Err(AppError::Conflict {
                message: format!(
                    "{to} already has a {} of their own: cancel or close one of the two first",
                    review.document_kind
                ),
                current_version: 0,
            });
        }
        return Err(e.into());
    }
    for doc in &held {
        super::rekey::rewrite_snapshot(&txn, doc, to.as_str()).await?;
    }
    let what = format!(
        "resolveIdentityReview {id}: {} {} from {} ({reason})",
        review.document_kind, review.document_id, review.stored_code
    );
    write::audit(&txn, actor, to.as_str(), what).await?;
    write::commit(txn).await?;
    ids::review(store.db(), id)
        .await?
        .ok_or_else(|| AppError::internal(format!("identity review {id} vanished")))
}
