//! Orientation records (seed 001): measures, propensities, CVs and portal transfers, each
//! with the distinct citizens behind every figure.

use super::{Columns, Measured, count_all, count_distinct, day_start};
use chrono::NaiveDate;
use entities::{cv, pact_measure, portal_transfer, propensity};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, Query, SelectStatement, SimpleExpr};

fn measured(from: SelectStatement, key: SimpleExpr, citizen: impl IntoColumnRef) -> Measured {
    Measured {
        from,
        columns: Columns::Long {
            keys: vec![key],
            value: count_all(),
            also: None,
        },
        people: count_distinct(citizen),
        rows_additive: false,
        cols_additive: false,
    }
}

/// Pact measures by code.
pub fn measures_by_code() -> Measured {
    let select = Query::select().from(pact_measure::Entity).to_owned();
    let key = Expr::col((pact_measure::Entity, pact_measure::Column::Code));
    measured(
        select,
        key,
        (pact_measure::Entity, pact_measure::Column::FiscalCode),
    )
}

/// Active propensities by CP2011 major group (the code's first digit).
pub fn propensities_by_group() -> Measured {
    let select = Query::select()
        .from(propensity::Entity)
        .and_where(Expr::col((propensity::Entity, propensity::Column::RemovedOn)).is_null())
        .to_owned();
    let key = Expr::cust("SUBSTR(propensity.occupation_code, 1, 1)");
    measured(
        select,
        key,
        (propensity::Entity, propensity::Column::FiscalCode),
    )
}

/// Current CVs: VALID or OBSOLETE on `today` (6 months, seed 001).
pub fn cvs_valid_obsolete(today: NaiveDate) -> Measured {
    let limit = today
        .checked_sub_months(chrono::Months::new(
            crate::domain::orientation::CV_VALIDITY_MONTHS,
        ))
        .unwrap_or(NaiveDate::MIN);
    let select = Query::select()
        .from(cv::Entity)
        .and_where(cv::Column::DeletedAt.is_null())
        .to_owned();
    let key = Expr::case(
        Expr::col((cv::Entity, cv::Column::UploadedAt)).lt(day_start(limit)),
        "OBSOLETE",
    )
    .finally("VALID")
    .into();
    measured(select, key, (cv::Entity, cv::Column::FiscalCode))
}

pub fn transfers_by_status() -> Measured {
    let select = Query::select().from(portal_transfer::Entity).to_owned();
    let key = Expr::col((portal_transfer::Entity, portal_transfer::Column::Status));
    measured(
        select,
        key,
        (portal_transfer::Entity, portal_transfer::Column::FiscalCode),
    )
}
