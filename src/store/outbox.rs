//! The outbox of CV transfers to the job portal (`portal_transfer`, seed 001): queued with the
//! operator's request, cancelled in the transaction that leaves the citizen without a consent
//! valid for the portal, claimed and settled by the delivery worker (`crate::portal`). All SQL
//! of the table is here.
//!
//! The decision to send is the claim: one statement that leases a queued transfer only while
//! the citizen's consent allows it (V15), so a claim and a withdrawal are serialised on the
//! transfer's row, whichever commits first. A withdrawal cancels what is queued; a transfer
//! already claimed was decided under the consent then in force: its one attempt (its bytes
//! may be on the wire) ends as it ends, and it is never attempted again, because the next
//! claim finds the consent gone and cancels it instead.

use super::audit::chain;
use super::consent;
use super::write::Actor;
use crate::domain::orientation::TransferStatus;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use entities::{cv, evidence_file, orientation, portal_transfer};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

/// V15 in SQL, on the transfer's row: its citizen's consent is in force and was given at the
/// presa in carico (`JobMatchingConsent::allows_transfer`, which the mutations use).
fn consent_allows() -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(orientation::Entity)
            .and_where(
                Expr::col((orientation::Entity, orientation::Column::Id))
                    .equals((portal_transfer::Entity, portal_transfer::Column::FiscalCode)),
            )
            .and_where(
                Expr::col((orientation::Entity, orientation::Column::ConsentMatching)).eq(true),
            )
            .and_where(
                Expr::col((orientation::Entity, orientation::Column::ConsentAtIntake)).eq(true),
            )
            .to_owned(),
    )
}

/// The transfer's CV is still the citizen's (not deleted or replaced).
fn cv_current() -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(cv::Entity)
            .and_where(
                Expr::col((cv::Entity, cv::Column::Id))
                    .equals((portal_transfer::Entity, portal_transfer::Column::CvId)),
            )
            .and_where(Expr::col((cv::Entity, cv::Column::DeletedAt)).is_null())
            .to_owned(),
    )
}

/// Queued and not under way: no lease, or the lease of a worker that stopped.
fn queued(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(portal_transfer::Column::Status.eq(TransferStatus::Pending.as_str()))
        .add(
            Condition::any()
                .add(portal_transfer::Column::LeaseUntil.is_null())
                .add(portal_transfer::Column::LeaseUntil.lt(now)),
        )
}

/// Queues CV `cv_id` for the portal, in the caller's transaction (the outbox; the consent
/// and the CV were checked by `services::consent`). A transfer of the same CV still pending
/// is not queued twice.
pub async fn queue(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    cv_id: String,
    actor: &Actor,
) -> Result<portal_transfer::Model, AppError> {
    if let Some(pending) = portal_transfer::Entity::find()
        .filter(portal_transfer::Column::CvId.eq(&cv_id))
        .filter(portal_transfer::Column::Status.eq(TransferStatus::Pending.as_str()))
        .one(txn)
        .await?
    {
        return Ok(pending);
    }
    let now = Utc::now();
    let model = portal_transfer::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        fiscal_code: Set(fiscal_code.to_owned()),
        cv_id: Set(cv_id),
        idempotency_key: Set(uuid::Uuid::new_v4().to_string()),
        status: Set(TransferStatus::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        delivered_at: Set(None),
        portal_cv_id: Set(None),
        pre_registered: Set(None),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        created_at: Set(now),
        created_by: Set(actor.subject().to_owned()),
    }
    .insert(txn)
    .await?;
    Ok(model)
}

/// Cancels the citizen's queued transfers with `reason`, in the caller's transaction (the
/// one that withdraws the consent); how many.
pub async fn cancel_queued(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    reason: &str,
) -> Result<u64, AppError> {
    let now = Utc::now();
    let done = portal_transfer::Entity::update_many()
        .col_expr(
            portal_transfer::Column::Status,
            Expr::value(TransferStatus::Cancelled.as_str()),
        )
        .col_expr(portal_transfer::Column::CancelledAt, Expr::value(now))
        .col_expr(portal_transfer::Column::CancelReason, Expr::value(reason))
        .filter(portal_transfer::Column::FiscalCode.eq(fiscal_code))
        .filter(queued(now))
        .exec(txn)
        .await?;
    Ok(done.rows_affected)
}

/// Transfers whose next attempt is due and that no worker holds, oldest due first.
pub async fn due(
    db: &DatabaseConnection,
    limit: u64,
) -> Result<Vec<portal_transfer::Model>, DbErr> {
    let now = Utc::now();
    portal_transfer::Entity::find()
        .filter(queued(now))
        .filter(portal_transfer::Column::NextAttemptAt.lte(now))
        .order_by_asc(portal_transfer::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await
}

/// The send decision: takes the transfer for one attempt until `lease_until`, only if it is
/// still queued, the citizen's consent still allows it and its CV is still current, in one
/// statement.
pub async fn claim(
    db: &DatabaseConnection,
    transfer_id: &str,
    lease_until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = portal_transfer::Entity::update_many()
        .col_expr(
            portal_transfer::Column::LeaseUntil,
            Expr::value(lease_until),
        )
        .col_expr(
            portal_transfer::Column::Attempts,
            Expr::col(portal_transfer::Column::Attempts).add(1),
        )
        .filter(portal_transfer::Column::Id.eq(transfer_id))
        .filter(queued(Utc::now()))
        .filter(consent_allows())
        .filter(cv_current())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// After a claim that did not take the transfer: cancels it when the citizen's consent no
/// longer allows it (a withdrawal that found it under way, or a consent changed by other
/// means), or fails it when its CV was deleted or replaced; the reason, or `None` when
/// neither holds (another worker has it).
pub async fn settle_unclaimed(
    db: &DatabaseConnection,
    transfer: &portal_transfer::Model,
) -> Result<Option<String>, DbErr> {
    let record = orientation::Entity::find_by_id(transfer.fiscal_code.clone())
        .one(db)
        .await?;
    let refusal = match &record {
        None => Some("the citizen has no orientation record".to_owned()),
        Some(record) => consent::of(record).transfer_refusal(),
    };
    let now = Utc::now();
    let (status, stamp, reason, unless) = match refusal {
        Some(reason) => (
            TransferStatus::Cancelled,
            Some(now),
            reason,
            consent_allows(),
        ),
        None => (
            TransferStatus::Failed,
            None,
            "the CV was deleted or replaced before it could be delivered".to_owned(),
            cv_current(),
        ),
    };
    let reason_column = match status {
        TransferStatus::Cancelled => portal_transfer::Column::CancelReason,
        _ => portal_transfer::Column::LastError,
    };
    let done = portal_transfer::Entity::update_many()
        .col_expr(
            portal_transfer::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(portal_transfer::Column::CancelledAt, Expr::value(stamp))
        .col_expr(reason_column, Expr::value(&reason))
        .filter(portal_transfer::Column::Id.eq(&transfer.id))
        .filter(queued(now))
        .filter(unless.not())
        .exec(db)
        .await?;
    Ok((done.rows_affected == 1).then_some(reason))
}

/// What the portal acknowledged.
pub struct Acknowledged {
    pub portal_cv_id: String,
    pub pre_registered: bool,
}

/// Records the portal's acknowledgement and, in the same transaction, the disclosure's audit
/// row. The status follows the facts: an attempt that outlived its lease and was cancelled or
/// failed meanwhile delivered all the same. `false` when another attempt of the transfer
/// recorded it first (same idempotency key, same CV on the portal): no second row.
pub async fn settle_delivered(
    db: &DatabaseConnection,
    transfer_id: &str,
    receipt: Acknowledged,
    disclosure: chain::NewRow,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let done = portal_transfer::Entity::update_many()
        .col_expr(
            portal_transfer::Column::Status,
            Expr::value(TransferStatus::Delivered.as_str()),
        )
        .col_expr(
            portal_transfer::Column::DeliveredAt,
            Expr::value(disclosure.at),
        )
        .col_expr(
            portal_transfer::Column::PortalCvId,
            Expr::value(receipt.portal_cv_id),
        )
        .col_expr(
            portal_transfer::Column::PreRegistered,
            Expr::value(receipt.pre_registered),
        )
        .col_expr(
            portal_transfer::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            portal_transfer::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(portal_transfer::Column::Id.eq(transfer_id))
        .filter(portal_transfer::Column::Status.ne(TransferStatus::Delivered.as_str()))
        .exec(&txn)
        .await?;
    let first = done.rows_affected == 1;
    if first {
        chain::append(&txn, vec![disclosure]).await?;
    }
    txn.commit().await?;
    Ok(first)
}

/// Records an attempt that did not deliver: the reason, and either the time of the next
/// attempt or, with `retry_at` `None`, FAILED. A transfer no longer pending (cancelled
/// meanwhile) keeps its status.
pub async fn settle_undelivered(
    db: &DatabaseConnection,
    transfer_id: &str,
    reason: String,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let mut update = portal_transfer::Entity::update_many()
        .col_expr(portal_transfer::Column::LastError, Expr::value(reason))
        .col_expr(
            portal_transfer::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    update = match retry_at {
        Some(at) => update.col_expr(portal_transfer::Column::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(
            portal_transfer::Column::Status,
            Expr::value(TransferStatus::Failed.as_str()),
        ),
    };
    update
        .filter(portal_transfer::Column::Id.eq(transfer_id))
        .filter(portal_transfer::Column::Status.eq(TransferStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// The citizens' transfers, newest first (the loader's one statement).
pub async fn transfers_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<portal_transfer::Model>, DbErr> {
    portal_transfer::Entity::find()
        .filter(portal_transfer::Column::FiscalCode.is_in(codes.iter().cloned()))
        .order_by_desc(portal_transfer::Column::CreatedAt)
        .all(db)
        .await
}

/// The CV a transfer sends, as the delivery worker reads it (deleted or not).
pub async fn cv_of(
    db: &impl ConnectionTrait,
    transfer: &portal_transfer::Model,
) -> Result<Option<cv::Model>, DbErr> {
    cv::Entity::find_by_id(transfer.cv_id.clone()).one(db).await
}

/// The file of a CV, with its content.
pub async fn file_of(
    db: &impl ConnectionTrait,
    cv: &cv::Model,
) -> Result<Option<evidence_file::Model>, DbErr> {
    evidence_file::Entity::find_by_id(cv.sha256.clone())
        .one(db)
        .await
}
