//! The outbox of CV transfers to the job portal: written with the request, delivered by the worker.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "portal_transfer")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub fiscal_code: String,
    pub cv_id: String,
    /// Sent with every attempt so that the portal stores the CV once.
    pub idempotency_key: String,
    /// PENDING, DELIVERED, FAILED or CANCELLED.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker holds the transfer until then; after it (a crash) another may take it.
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTimeUtc>,
    pub portal_cv_id: Option<String>,
    pub pre_registered: Option<bool>,
    /// When a consent no longer in force stopped it (CANCELLED), and why.
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
