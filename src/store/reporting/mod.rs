//! The region's numbers (DOMAIN.md §10): every report is counted by the database (GROUP BY),
//! never from rows loaded into the gateway. A report is read as a *fine table*: its figures
//! broken down by the report's key and, when a filter slices the population, by that
//! filter's values too, each with the distinct citizens behind it (counted in SQL), so that
//! `reporting` can decide what may be published.

pub mod ivc;
pub mod libretti;
pub mod orientation;

use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Func, IntoColumnRef, SelectStatement, SimpleExpr,
};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult};
use std::collections::BTreeMap;

pub use ivc::IvcScope;
pub use libretti::LibrettoScope;

/// A row or column key: one part (a year, a code…) or two (an area and an office).
pub type Key = Vec<Option<String>>;

/// One figure of a fine table and the distinct citizens behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FineCell {
    pub row: Key,
    pub col: Key,
    pub value: i64,
    pub people: i64,
    /// A second figure published exactly where `value` is (an IVC cost beside its minutes).
    pub also: i64,
}

/// A report's figures by row (a filter's values; one empty row without a filter) and column
/// (the report's keys), with the citizens behind every row, column and all of them.
#[derive(Debug, Clone, Default)]
pub struct FineTable {
    pub cells: Vec<FineCell>,
    pub row_people: BTreeMap<Key, i64>,
    pub col_people: BTreeMap<Key, i64>,
    pub total_people: i64,
    pub rows_additive: bool,
    pub cols_additive: bool,
}

/// What a report counts, as SQL.
pub struct Measured {
    /// FROM and WHERE: the scope and the report's own conditions.
    pub from: SelectStatement,
    pub columns: Columns,
    /// The distinct citizens behind a group (for `Wide`: behind any of its figures).
    pub people: SimpleExpr,
    /// A citizen is behind one row at most (one libretto each, in one area and office).
    pub rows_additive: bool,
    /// … and behind one column at most.
    pub cols_additive: bool,
}

#[expect(
    clippy::large_enum_variant,
    reason = "one per report request, never in a collection"
)]
pub enum Columns {
    /// Grouped by these keys (none: one column), `value` per group, `also` beside it.
    Long {
        keys: Vec<SimpleExpr>,
        value: SimpleExpr,
        also: Option<SimpleExpr>,
    },
    /// One figure per code from per-row tallies, all in one result row: (code, value, people).
    Wide(Vec<(&'static str, SimpleExpr, SimpleExpr)>),
}

fn name(prefix: &str, i: usize) -> Alias {
    Alias::new(format!("{prefix}{i}"))
}

/// Adds `exprs` as `prefix0, prefix1…` and groups by them (by output name: a key with bound
/// values, like a date limit, would otherwise be two different expressions to PostgreSQL).
fn grouped(select: &mut SelectStatement, prefix: &str, exprs: &[SimpleExpr]) {
    for (i, e) in exprs.iter().enumerate() {
        select.expr_as(e.clone(), name(prefix, i));
        select.add_group_by([Expr::col(name(prefix, i))]);
    }
}

fn key_of(row: &QueryResult, prefix: &str, parts: usize) -> Result<Key, DbErr> {
    (0..parts)
        .map(|i| {
            let column = format!("{prefix}{i}");
            if let Ok(v) = row.try_get::<Option<String>>("", &column) {
                return Ok(v);
            }
            if let Ok(v) = row.try_get::<Option<i64>>("", &column) {
                return Ok(v.map(|v| v.to_string()));
            }
            row.try_get::<Option<i32>>("", &column)
                .map(|v| v.map(|v| v.to_string()))
        })
        .collect()
}

fn read_i64(row: &QueryResult, name: &str) -> Result<i64, DbErr> {
    row.try_get::<i64>("", name)
        .or_else(|_| row.try_get::<i32>("", name).map(i64::from))
}

/// People per key of `exprs` (or of nobody: one total), by their own statement.
async fn people_by(
    db: &impl ConnectionTrait,
    measured: &Measured,
    exprs: &[SimpleExpr],
) -> Result<BTreeMap<Key, i64>, DbErr> {
    let mut select = measured.from.clone();
    grouped(&mut select, "g", exprs);
    select.expr_as(measured.people.clone(), Alias::new("p"));
    let mut out = BTreeMap::new();
    for row in db.query_all(&select).await? {
        out.insert(key_of(&row, "g", exprs.len())?, read_i64(&row, "p")?);
    }
    Ok(out)
}

/// Reads a report broken down by `rows` (none: one row), with the citizens behind every row,
/// column and the whole: one statement, plus one per margin whose citizens are not the sum
/// of its cells'.
pub async fn fine_table(
    db: &impl ConnectionTrait,
    measured: &Measured,
    rows: &[SimpleExpr],
) -> Result<FineTable, DbErr> {
    let mut select = measured.from.clone();
    grouped(&mut select, "r", rows);
    let mut table = FineTable {
        rows_additive: measured.rows_additive || rows.is_empty(),
        cols_additive: measured.cols_additive,
        ..FineTable::default()
    };
    match &measured.columns {
        Columns::Long { keys, value, also } => {
            grouped(&mut select, "c", keys);
            select.expr_as(value.clone(), Alias::new("n"));
            select.expr_as(measured.people.clone(), Alias::new("p"));
            if let Some(also) = also {
                select.expr_as(also.clone(), Alias::new("a"));
            }
            for row in db.query_all(&select).await? {
                let cell = FineCell {
                    row: key_of(&row, "r", rows.len())?,
                    col: key_of(&row, "c", keys.len())?,
                    value: read_i64(&row, "n")?,
                    people: read_i64(&row, "p")?,
                    also: if also.is_some() {
                        read_i64(&row, "a")?
                    } else {
                        0
                    },
                };
                if cell.value != 0 || cell.people != 0 {
                    table.cells.push(cell);
                }
            }
        }
        Columns::Wide(codes) => {
            for (i, (_, value, people)) in codes.iter().enumerate() {
                select.expr_as(value.clone(), name("v", i));
                select.expr_as(people.clone(), name("q", i));
            }
            select.expr_as(measured.people.clone(), Alias::new("p"));
            for row in db.query_all(&select).await? {
                let key = key_of(&row, "r", rows.len())?;
                for (i, (code, _, _)) in codes.iter().enumerate() {
                    let cell = FineCell {
                        row: key.clone(),
                        col: vec![Some((*code).to_owned())],
                        value: read_i64(&row, &format!("v{i}"))?,
                        people: read_i64(&row, &format!("q{i}"))?,
                        also: 0,
                    };
                    if cell.value != 0 || cell.people != 0 {
                        table.cells.push(cell);
                    }
                }
                table.row_people.insert(key, read_i64(&row, "p")?);
            }
        }
    }
    margins(db, measured, rows, &mut table).await?;
    Ok(table)
}

/// The citizens behind each row, each column and all: sums where they add up, else counted.
async fn margins(
    db: &impl ConnectionTrait,
    measured: &Measured,
    rows: &[SimpleExpr],
    table: &mut FineTable,
) -> Result<(), DbErr> {
    let sum_by = |of_row: bool, table: &FineTable| {
        let mut out = BTreeMap::<Key, i64>::new();
        for c in &table.cells {
            let key = if of_row { &c.row } else { &c.col };
            *out.entry(key.clone()).or_default() += c.people;
        }
        out
    };
    let wide = matches!(measured.columns, Columns::Wide(_));
    if !wide {
        table.row_people = if table.cols_additive {
            sum_by(true, table)
        } else {
            people_by(db, measured, rows).await?
        };
    }
    table.col_people = if table.rows_additive {
        sum_by(false, table)
    } else {
        match &measured.columns {
            Columns::Long { keys, .. } => people_by(db, measured, keys).await?,
            Columns::Wide(codes) => {
                let mut select = measured.from.clone();
                for (i, (_, _, people)) in codes.iter().enumerate() {
                    select.expr_as(people.clone(), name("q", i));
                }
                let mut out = BTreeMap::new();
                if let Some(row) = db.query_one(&select).await? {
                    for (i, (code, _, _)) in codes.iter().enumerate() {
                        out.insert(
                            vec![Some((*code).to_owned())],
                            read_i64(&row, &format!("q{i}"))?,
                        );
                    }
                }
                out
            }
        }
    };
    table.total_people = if table.rows_additive {
        table.row_people.values().sum()
    } else if table.cols_additive && !wide {
        table.col_people.values().sum()
    } else {
        people_by(db, measured, &[]).await?.into_values().sum()
    };
    Ok(())
}

// ---- expressions the reports share ----

fn count_all() -> SimpleExpr {
    Expr::col(Asterisk).count()
}

fn count_distinct(column: impl IntoColumnRef) -> SimpleExpr {
    Func::count_distinct(Expr::col(column)).into()
}

/// Distinct citizens among the rows where `when` holds.
fn count_distinct_when(when: SimpleExpr, column: impl IntoColumnRef) -> SimpleExpr {
    let code: SimpleExpr = Expr::case(when, Expr::col(column))
        .finally(Expr::val(Option::<String>::None))
        .into();
    Func::count_distinct(code).into()
}

/// The rows where `when` holds, as a 64-bit count.
fn count_when(backend: DbBackend, when: SimpleExpr) -> SimpleExpr {
    sum_of(backend, Expr::case(when, 1).finally(0).into())
}

/// The sum of `expr` as a 64-bit integer on every backend (sums widen to numeric on
/// PostgreSQL and decimal on MySQL).
fn sum_of(backend: DbBackend, expr: SimpleExpr) -> SimpleExpr {
    let template = match backend {
        DbBackend::Postgres => "CAST(COALESCE(SUM($1), 0) AS BIGINT)",
        DbBackend::MySql => "CAST(COALESCE(SUM(?), 0) AS SIGNED)",
        _ => "CAST(COALESCE(SUM(?), 0) AS BIGINT)",
    };
    Expr::cust_with_exprs(template, [expr])
}

/// The calendar year of a date or timestamp column, in the backend's dialect.
fn year_of(backend: DbBackend, column: impl IntoColumnRef) -> SimpleExpr {
    let column = Expr::col(column);
    match backend {
        DbBackend::Postgres => {
            Expr::cust_with_exprs("CAST(EXTRACT(YEAR FROM $1) AS INTEGER)", [column])
        }
        // (custom expressions take the backend's placeholder: `?` outside PostgreSQL)
        DbBackend::MySql => Expr::cust_with_exprs("YEAR(?)", [column]),
        // dates and timestamps are ISO-8601 text, and strftime rejects nanoseconds
        _ => Expr::cust_with_exprs("CAST(substr(?, 1, 4) AS INTEGER)", [column]),
    }
}

fn day_start(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}
