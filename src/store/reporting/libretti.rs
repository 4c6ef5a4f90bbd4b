//! Issued libretti (seed 000 counts "libretti consolidati"): which ones a report counts, by
//! what, and the citizens behind each figure.

use super::{
    Columns, Measured, count_all, count_distinct, count_distinct_when, count_when, day_start,
    sum_of, year_of,
};
use crate::store::libretto::{EVIDENCE_TALLIES, EXPERIENCE_TALLIES};
use chrono::{Duration, NaiveDate};
use entities::libretto;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{ConnectionTrait, DbBackend};

/// Which libretti a report counts: issued ones (consolidated at least once), not cancelled
/// unless `status` asks for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LibrettoScope {
    pub area: Option<String>,
    pub status: Option<String>,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    pub office: Option<String>,
}

impl LibrettoScope {
    fn condition(&self) -> Condition {
        let col = |c: libretto::Column| Expr::col((libretto::Entity, c));
        let mut cond = Condition::all().add(col(libretto::Column::IssuedAt).is_not_null());
        cond = match &self.status {
            Some(status) => cond.add(col(libretto::Column::Status).eq(status.clone())),
            None => cond.add(col(libretto::Column::Status).ne("CANCELLED")),
        };
        if let Some(area) = &self.area {
            cond = cond.add(col(libretto::Column::Area).eq(area.clone()));
        }
        if let Some(office) = &self.office {
            cond = cond.add(col(libretto::Column::Office).eq(office.clone()));
        }
        if let Some(from) = self.issued_from {
            cond = cond.add(col(libretto::Column::IssuedAt).gte(day_start(from)));
        }
        if let Some(to) = self.issued_to {
            cond = cond.add(col(libretto::Column::IssuedAt).lt(day_start(to) + Duration::days(1)));
        }
        cond
    }

    fn select(&self) -> SelectStatement {
        Query::select()
            .from(libretto::Entity)
            .cond_where(self.condition())
            .to_owned()
    }
}

/// With cancelled libretti out of scope a citizen holds at most one (the unique index
/// `ux_libretto_active` of migration 000003, on PostgreSQL and SQLite): then a count of
/// libretti is a count of distinct citizens, exactly, without the database sorting a million
/// fiscal codes, and a citizen is behind one row and one column of any breakdown.
fn one_each(db: &impl ConnectionTrait, scope: &LibrettoScope) -> bool {
    db.get_database_backend() != DbBackend::MySql && scope.status.as_deref() != Some("CANCELLED")
}

/// Distinct holders among the libretti of a group.
fn holders(one_each: bool) -> SimpleExpr {
    if one_each {
        count_all()
    } else {
        count_distinct((libretto::Entity, libretto::Column::FiscalCode))
    }
}

fn column(c: libretto::Column) -> SimpleExpr {
    Expr::col((libretto::Entity, c))
}

/// The libretti and their holders, by `keys`; `value` is the libretti, or the holders.
fn counted(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
    keys: Vec<SimpleExpr>,
    count_holders: bool,
) -> Measured {
    let one_each = one_each(db, scope);
    Measured {
        from: scope.select(),
        columns: Columns::Long {
            keys,
            value: if count_holders {
                holders(one_each)
            } else {
                count_all()
            },
            also: None,
        },
        people: holders(one_each),
        rows_additive: one_each,
        cols_additive: one_each,
    }
}

/// The breakdowns a filter slices libretti by: the (area, office) pair — areas and offices
/// are sums over it —, the status, the year of issue.
pub fn territory() -> Vec<SimpleExpr> {
    vec![
        column(libretto::Column::Area),
        column(libretto::Column::Office),
    ]
}

pub fn status() -> Vec<SimpleExpr> {
    vec![column(libretto::Column::Status)]
}

pub fn issue_year(backend: DbBackend) -> Vec<SimpleExpr> {
    vec![year_of(
        backend,
        (libretto::Entity, libretto::Column::IssuedAt),
    )]
}

/// Libretti by (area, office): `byArea` and `byOffice` are its sums.
pub fn by_territory(db: &impl ConnectionTrait, scope: &LibrettoScope) -> Measured {
    counted(db, scope, territory(), false)
}

pub fn by_status(db: &impl ConnectionTrait, scope: &LibrettoScope) -> Measured {
    counted(db, scope, status(), false)
}

pub fn by_issue_year(db: &impl ConnectionTrait, scope: &LibrettoScope) -> Measured {
    counted(db, scope, issue_year(db.get_database_backend()), false)
}

pub fn holders_by_gender(db: &impl ConnectionTrait, scope: &LibrettoScope) -> Measured {
    counted(db, scope, vec![column(libretto::Column::Gender)], true)
}

/// Holders per age band at the first issue (seed 000's bands).
pub fn holders_by_age_band(db: &impl ConnectionTrait, scope: &LibrettoScope) -> Measured {
    let band = Expr::cust(
        "CASE WHEN libretto.age_at_issue IS NULL THEN 'UNKNOWN' \
         WHEN libretto.age_at_issue <= 30 THEN 'UP_TO_30' \
         WHEN libretto.age_at_issue <= 45 THEN 'FROM_31_TO_45' \
         WHEN libretto.age_at_issue <= 55 THEN 'FROM_46_TO_55' ELSE 'OVER_55' END",
    );
    counted(db, scope, vec![band], true)
}

/// Sums per-libretto tallies (migration 000009: no join with the child tables), one figure
/// per code, each with the distinct holders who have at least one: a tally of things is
/// published by the people behind it, not by how many things they are.
fn tallies(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
    pairs: &[(libretto::Column, &'static str)],
) -> Measured {
    let backend = db.get_database_backend();
    let one_each = one_each(db, scope);
    let code = (libretto::Entity, libretto::Column::FiscalCode);
    let holding = |when: SimpleExpr| {
        if one_each {
            count_when(backend, when)
        } else {
            count_distinct_when(when, code)
        }
    };
    let codes = pairs
        .iter()
        .map(|&(c, name)| (name, sum_of(backend, column(c)), holding(column(c).gt(0))))
        .collect();
    let any = pairs
        .iter()
        .map(|&(c, _)| column(c))
        .reduce(|a, b| a.add(b))
        .unwrap_or_else(|| Expr::val(0));
    Measured {
        from: scope.select(),
        columns: Columns::Wide(codes),
        people: holding(any.gt(0)),
        rows_additive: one_each,
        cols_additive: false,
    }
}

/// Evidences by category (the four of seed 000).
pub fn evidences_by_category(db: &impl ConnectionTrait, scope: &LibrettoScope) -> Measured {
    tallies(db, scope, &EVIDENCE_TALLIES)
}

/// Experiences kept (dropped ones excluded) by origin: regional database or self-declared
/// (seed 000).
pub fn experiences_by_origin(db: &impl ConnectionTrait, scope: &LibrettoScope) -> Measured {
    tallies(db, scope, &EXPERIENCE_TALLIES)
}
