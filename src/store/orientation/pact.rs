//! The rows of the service pact and the profile around it (seed 001): pact measures,
//! propensities and education titles, written inside the transaction of `mutate` that holds
//! the record's version; the rules are `services::orientation`'s.

use crate::domain::orientation::{MeasureStatus, PropensityDraft};
use crate::error::AppError;
use crate::store::write::Actor;
use chrono::{NaiveDate, Utc};
use entities::{education_title, pact_measure, propensity};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

#[derive(Clone)]
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

/// A measure of this citizen's pact; NOT_FOUND when the pact has no such measure.
pub async fn measure(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    measure_id: &str,
) -> Result<pact_measure::Model, AppError> {
    pact_measure::Entity::find_by_id(measure_id.to_owned())
        .one(txn)
        .await?
        .filter(|m| m.fiscal_code == fiscal_code)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "measure {measure_id} is not in the pact of {fiscal_code}"
            ))
        })
}

/// Moves `measure` to `to`, started or done `on`.
pub async fn move_measure(
    txn: &DatabaseTransaction,
    measure: pact_measure::Model,
    to: MeasureStatus,
    on: NaiveDate,
) -> Result<(), AppError> {
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

/// How many propensities the citizen has (inside the transaction that holds the record's
/// version, so two operators cannot both add a 3rd).
pub async fn propensity_count(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
) -> Result<usize, AppError> {
    let existing = propensity::Entity::find()
        .filter(propensity::Column::FiscalCode.eq(fiscal_code))
        .filter(propensity::Column::RemovedOn.is_null())
        .count(txn)
        .await?;
    Ok(usize::try_from(existing).unwrap_or(usize::MAX))
}

/// A checked propensity, interviewed on `interview_on`.
pub async fn add_propensity(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    draft: PropensityDraft,
    interview_on: NaiveDate,
    actor: &Actor,
) -> Result<(), AppError> {
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
        removed_on: Set(None),
        removed_by: Set(None),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Makes an active propensity inactive on `on`; it stays in the history.
pub async fn remove_propensity(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
    id: &str,
    on: NaiveDate,
    actor: &Actor,
) -> Result<(), AppError> {
    let found = propensity::Entity::find()
        .filter(propensity::Column::Id.eq(id))
        .filter(propensity::Column::FiscalCode.eq(fiscal_code))
        .one(txn)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!("propensity {id} is not one of {fiscal_code}"))
        })?;
    if let Some(removed) = found.removed_on {
        return Err(AppError::bad_input(
            "propensityId",
            format!("propensityId: propensity {id} was removed on {removed} already"),
        ));
    }
    if on < found.interview_on {
        return Err(AppError::bad_input(
            "on",
            format!(
                "on: {on} is before the propensity's interview ({})",
                found.interview_on
            ),
        ));
    }
    propensity::Entity::update_many()
        .col_expr(propensity::Column::RemovedOn, Expr::value(on))
        .col_expr(propensity::Column::RemovedBy, Expr::value(actor.subject()))
        .filter(propensity::Column::Id.eq(id))
        .exec(txn)
        .await?;
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

pub async fn education_title_count(
    txn: &DatabaseTransaction,
    fiscal_code: &str,
) -> Result<usize, AppError> {
    let titles = education_title::Entity::find()
        .filter(education_title::Column::FiscalCode.eq(fiscal_code))
        .count(txn)
        .await?;
    Ok(usize::try_from(titles).unwrap_or(usize::MAX))
}

// ---- batched reads for the loaders (one statement per relation) ----

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
