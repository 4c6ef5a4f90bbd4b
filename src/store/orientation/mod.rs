//! Orientation records in the store (seed 001): the per-citizen record whose `version` guards
//! every write, and the one-transaction shape of every change (`mutate`); pact measures,
//! propensities and education titles are in `pact`, CVs in `cv`; the consent is `consent`'s,
//! the outbox of portal transfers `outbox`'s. The rules are `services::orientation`'s and
//! `services::consent`'s.

pub mod cv;
pub mod pact;
pub mod pact_life;

pub use cv::{current_cv, cvs_of};
pub use pact::{NewMeasure, education_titles_of, measures_of, propensities_of};

use super::write::{self, Actor};
use crate::domain::consent::JobMatchingConsent;
use crate::domain::pact::{PactStatus, UserCategory};
use crate::error::AppError;
use chrono::{NaiveDate, Utc};
use entities::{consent_event, orientation};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Set, SqlErr,
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
/// with `recordNewIntake` (`services::consent`). The conflict names the record and its version,
/// nothing of its content, and only to an operator the territory rule admits.
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
        pact_status: Set(None),
        pact_versions: Set(0),
        pact_draft: Set(None),
        user_category: Set(None),
        category_since: Set(None),
        pact_due_on: Set(None),
        profiling: Set(None),
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
/// checks the territory rule (before any refusal of `change` could describe the record),
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
    ) -> Result<RecordUpdate, AppError>,
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
    let mut row = change(&txn, &current).await?.into_row();
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

/// What a change sets on the record; a field left `None` leaves its columns as they are.
#[derive(Default)]
pub struct RecordUpdate {
    pub pact: Option<PactSigned>,
    /// The pact's new state, its signed versions and its current content (JSON).
    pub pact_state: Option<(PactStatus, i32, String)>,
    /// The user category, since when, and the day the pact is due (V16).
    pub category: Option<(UserCategory, NaiveDate, Option<NaiveDate>)>,
    /// The structured profiling (JSON).
    pub profiling: Option<String>,
    pub profiling_notes: Option<String>,
    /// The consent columns (not its intake date: that is `intake`'s).
    pub consent: Option<JobMatchingConsent>,
    pub intake: Option<Intake>,
}

/// The pact's header: `signed_on` is the first signing (the stipula); later versions keep it.
pub struct PactSigned {
    pub signed_on: NaiveDate,
    pub office: Option<String>,
    pub operator: String,
    pub search_plan: Option<String>,
}

/// A new presa in carico.
pub struct Intake {
    pub on: NaiveDate,
    pub office: Option<String>,
    pub by: String,
}

impl RecordUpdate {
    fn into_row(self) -> orientation::ActiveModel {
        let mut row = <orientation::ActiveModel as Default>::default();
        if let Some(pact) = self.pact {
            row.pact_signed_on = Set(Some(pact.signed_on));
            row.pact_office = Set(pact.office);
            row.pact_operator = Set(Some(pact.operator));
            row.search_plan = Set(pact.search_plan);
        }
        if let Some((status, versions, content)) = self.pact_state {
            row.pact_status = Set(Some(status.as_str().to_owned()));
            row.pact_versions = Set(versions);
            row.pact_draft = Set(Some(content));
        }
        if let Some((category, since, due)) = self.category {
            row.user_category = Set(Some(category.as_str().to_owned()));
            row.category_since = Set(Some(since));
            row.pact_due_on = Set(due);
        }
        if let Some(profiling) = self.profiling {
            row.profiling = Set(Some(profiling));
        }
        if let Some(notes) = self.profiling_notes {
            row.profiling_notes = Set(Some(notes));
        }
        if let Some(consent) = self.consent {
            row.consent_matching = Set(consent.given);
            row.consent_at_intake = Set(consent.at_intake);
            row.consent_on = Set(consent.given_on);
            row.consent_withdrawn_on = Set(consent.withdrawn_on);
        }
        if let Some(intake) = self.intake {
            row.intake_on = Set(intake.on);
            row.intake_office = Set(intake.office);
            row.intake_by = Set(intake.by);
        }
        row
    }
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
