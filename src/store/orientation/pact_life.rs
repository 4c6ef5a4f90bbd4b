//! The service pact's lifecycle rows (migration 000015): the frozen signed versions, the
//! steps, the breaches of conditionality, and the list of pacts due for an office (V16).

use crate::error::AppError;
use crate::store::write::Actor;
use chrono::{NaiveDate, Utc};
use entities::{conditionality_event, orientation, pact_transition, pact_version};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

/// A signed version, frozen.
pub struct FrozenPact<'a> {
    pub n: i32,
    pub signed_on: NaiveDate,
    pub office: Option<String>,
    pub content: &'a str,
}

pub async fn freeze_version(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    pact: FrozenPact<'_>,
    actor: &Actor,
) -> Result<(), AppError> {
    pact_version::ActiveModel {
        fiscal_code: Set(fiscal_code.to_owned()),
        n: Set(pact.n),
        signed_on: Set(pact.signed_on),
        office: Set(pact.office),
        operator: Set(actor.subject().to_owned()),
        content: Set(pact.content.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// One step: `from` (none before the first) to `to`, on a business date.
pub async fn record_step(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    (from, to): (Option<&str>, &str),
    on: NaiveDate,
    note: Option<String>,
    actor: &Actor,
) -> Result<(), AppError> {
    pact_transition::ActiveModel {
        fiscal_code: Set(fiscal_code.to_owned()),
        from_status: Set(from.map(str::to_owned)),
        to_status: Set(to.to_owned()),
        on_date: Set(on),
        at: Set(Utc::now()),
        by: Set(actor.subject().to_owned()),
        note: Set(note),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// A breach of conditionality as recorded.
pub struct Breach {
    pub on: NaiveDate,
    pub kind: &'static str,
    pub justified: bool,
    pub sanction: &'static str,
    pub reported_to: String,
    pub note: Option<String>,
}

pub async fn record_breach(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    breach: Breach,
    actor: &Actor,
) -> Result<(), AppError> {
    conditionality_event::ActiveModel {
        fiscal_code: Set(fiscal_code.to_owned()),
        on_date: Set(breach.on),
        kind: Set(breach.kind.to_owned()),
        justified: Set(breach.justified),
        sanction: Set(breach.sanction.to_owned()),
        reported_to: Set(breach.reported_to),
        note: Set(breach.note),
        at: Set(Utc::now()),
        by: Set(actor.subject().to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

// ---- batched reads for the loaders (one statement per relation) ----

pub async fn versions_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<pact_version::Model>, sea_orm::DbErr> {
    pact_version::Entity::find()
        .filter(pact_version::Column::FiscalCode.is_in(codes.iter().cloned()))
        .order_by_asc(pact_version::Column::N)
        .all(db)
        .await
}

pub async fn steps_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<pact_transition::Model>, sea_orm::DbErr> {
    pact_transition::Entity::find()
        .filter(pact_transition::Column::FiscalCode.is_in(codes.iter().cloned()))
        .order_by_asc(pact_transition::Column::Id)
        .all(db)
        .await
}

pub async fn breaches_of(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<conditionality_event::Model>, sea_orm::DbErr> {
    conditionality_event::Entity::find()
        .filter(conditionality_event::Column::FiscalCode.is_in(codes.iter().cloned()))
        .order_by_asc(conditionality_event::Column::Id)
        .all(db)
        .await
}

/// Keyset position in the due list: the due date, then the code.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DueCursor {
    pub due_on: NaiveDate,
    pub code: String,
}

/// Records taken in charge at `office` whose pact is not signed yet (none, or a draft) and has
/// a due date, soonest first; `limit + 1` rows at most so the caller knows whether more follow.
/// One statement, on the index of `pact_due_on`.
pub async fn due_at_office(
    db: &impl ConnectionTrait,
    office: &str,
    after: Option<&DueCursor>,
    limit: usize,
) -> Result<Vec<orientation::Model>, sea_orm::DbErr> {
    use orientation::Column as C;
    let mut query = orientation::Entity::find()
        .filter(C::IntakeOffice.eq(office))
        .filter(C::PactDueOn.is_not_null())
        .filter(
            Condition::any()
                .add(C::PactStatus.is_null())
                .add(C::PactStatus.eq("DRAFT")),
        );
    if let Some(after) = after {
        query = query.filter(
            Condition::any().add(C::PactDueOn.gt(after.due_on)).add(
                Condition::all()
                    .add(C::PactDueOn.eq(after.due_on))
                    .add(C::Id.gt(after.code.clone())),
            ),
        );
    }
    query
        .order_by_asc(C::PactDueOn)
        .order_by_asc(C::Id)
        .limit(limit as u64 + 1)
        .all(db)
        .await
}
