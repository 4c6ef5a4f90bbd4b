//! Who the person is for the CPI (the user category that sets when the pact is due, V16)
//! and their profiling (seed 001): each one orientation write with its audit row.

use crate::domain::FiscalCode;
use crate::domain::pact::{UserCategory, check_category_since};
use crate::error::AppError;
use crate::services::orientation::not_future;
use crate::store::orientation::{self as store, RecordUpdate};
use crate::store::write::Actor;
use chrono::NaiveDate;
use entities::orientation;
use sea_orm::DatabaseConnection;

type Record = orientation::Model;

/// Sets who the person is for the CPI and since when (the DID, the INPS application, the
/// adhesion), which sets the day the pact is due (V16).
pub async fn set_user_category(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    (category, since): (UserCategory, NaiveDate),
    today: NaiveDate,
) -> Result<Record, AppError> {
    check_category_since(since, today, "since")?;
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        "setUserCategory",
        async |_txn, _current| {
            Ok(RecordUpdate {
                category: Some((category, since, category.due_on(since))),
                ..RecordUpdate::default()
            })
        },
    )
    .await
}

/// Records the profiling (seed 001 "profilazione qualitativa", with the quantitative class);
/// a new one replaces the previous on the record, the audit row keeps that it changed.
pub async fn record_profiling(
    db: &DatabaseConnection,
    actor: &Actor,
    (fiscal_code, version): (&FiscalCode, i64),
    profiling: crate::domain::profiling::Profiling,
    today: NaiveDate,
) -> Result<Record, AppError> {
    not_future("on", profiling.on, today)?;
    profiling.check()?;
    let json = serde_json::to_string(&profiling).map_err(AppError::internal)?;
    store::mutate(
        db,
        actor,
        fiscal_code.as_str(),
        version,
        "recordProfiling",
        async |_txn, current| {
            if profiling.on < current.intake_on {
                return Err(AppError::bad_input(
                    "on",
                    format!(
                        "on: {} is before the intake ({})",
                        profiling.on, current.intake_on
                    ),
                ));
            }
            Ok(RecordUpdate {
                profiling: Some(json.clone()),
                ..RecordUpdate::default()
            })
        },
    )
    .await
}
