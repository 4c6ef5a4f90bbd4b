//! The consent to job matching in the store (seed 001, V15): the record's consent columns as
//! the domain sees them, and the `consent_event` history (recorded, never deleted), given at a
//! presa in carico or changed later. The changes and their effect on queued transfers are
//! `services::consent`'s.

use super::write::Actor;
use crate::domain::consent::JobMatchingConsent;
use crate::error::AppError;
use chrono::{NaiveDate, Utc};
use entities::{consent_event, orientation};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};

/// The consent as the record holds it.
pub fn of(record: &orientation::Model) -> JobMatchingConsent {
    JobMatchingConsent {
        given: record.consent_matching,
        at_intake: record.consent_at_intake,
        given_on: record.consent_on,
        withdrawn_on: record.consent_withdrawn_on,
        intake_on: record.intake_on,
    }
}

/// One event of the history; `at_intake` when a presa in carico records it.
pub async fn record_event(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    given: bool,
    on: NaiveDate,
    at_intake: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    consent_event::ActiveModel {
        fiscal_code: Set(fiscal_code.to_owned()),
        given: Set(given),
        at_intake: Set(at_intake),
        on_date: Set(on),
        at: Set(Utc::now()),
        by: Set(actor.subject().to_owned()),
        by_citizen: Set(actor.principal.role == crate::auth::Role::Citizen),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}
