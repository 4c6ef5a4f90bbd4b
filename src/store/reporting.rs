//! The region's numbers (DOMAIN.md §10): every aggregate is one GROUP BY in the database,
//! returning (key, count) rows; nothing is counted in the gateway.

use crate::store::libretto::{EVIDENCE_TALLIES, EXPERIENCE_TALLIES};
use chrono::{Duration, NaiveDate, Utc};
use entities::{
    cv, ivc_competence, ivc_dossier, libretto, pact_measure, portal_transfer, propensity,
};
use sea_orm::sea_query::{
    Alias, Asterisk, Condition, Expr, ExprTrait, Func, IntoColumnRef, Query, SelectStatement,
    SimpleExpr,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, QueryResult};

/// A group's key as text (years and codes alike), `None` for rows without one.
pub type Group = (Option<String>, i64);

/// Which libretti a report counts: issued ones (consolidated at least once), not cancelled
/// unless `status` asks for it.
#[derive(Debug, Clone, Default)]
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
}

fn day_start(day: NaiveDate) -> chrono::DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
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

fn key_of(row: &QueryResult) -> Result<Option<String>, DbErr> {
    if let Ok(v) = row.try_get::<Option<String>>("", "k") {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<Option<i64>>("", "k") {
        return Ok(v.map(|v| v.to_string()));
    }
    row.try_get::<Option<i32>>("", "k")
        .map(|v| v.map(|v| v.to_string()))
}

fn count_of(row: &QueryResult) -> Result<i64, DbErr> {
    row.try_get::<i64>("", "n")
        .or_else(|_| row.try_get::<i32>("", "n").map(i64::from))
}

/// The order every report answers in: largest group first, then by key.
fn largest_first(groups: &mut [Group]) {
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// Runs `select` (which groups by `key`) and reads the groups, largest first.
async fn groups(
    db: &impl ConnectionTrait,
    mut select: SelectStatement,
    key: SimpleExpr,
    count: SimpleExpr,
) -> Result<Vec<Group>, DbErr> {
    // grouped by the output name: a key with bound values (a date limit) would otherwise
    // be two different expressions to PostgreSQL
    select
        .expr_as(key, Alias::new("k"))
        .expr_as(count, Alias::new("n"))
        .add_group_by([Expr::col(Alias::new("k"))]);
    let rows = db.query_all(&select).await?;
    let mut out = rows
        .iter()
        .map(|row| Ok((key_of(row)?, count_of(row)?)))
        .collect::<Result<Vec<Group>, DbErr>>()?;
    largest_first(&mut out);
    Ok(out)
}

fn count_all() -> SimpleExpr {
    Expr::col(Asterisk).count()
}

fn count_distinct(column: impl IntoColumnRef) -> SimpleExpr {
    Func::count_distinct(Expr::col(column)).into()
}

fn libretti(scope: &LibrettoScope) -> SelectStatement {
    Query::select()
        .from(libretto::Entity)
        .cond_where(scope.condition())
        .to_owned()
}

/// Libretti per dimension of the libretto row: area, status, office, holder's gender.
pub async fn libretti_by(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
    column: libretto::Column,
) -> Result<Vec<Group>, DbErr> {
    groups(
        db,
        libretti(scope),
        Expr::col((libretto::Entity, column)),
        count_all(),
    )
    .await
}

pub async fn libretti_by_year(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
) -> Result<Vec<Group>, DbErr> {
    let key = year_of(
        db.get_database_backend(),
        (libretto::Entity, libretto::Column::IssuedAt),
    );
    groups(db, libretti(scope), key, count_all()).await
}

/// Holders in scope: with cancelled libretti out of it, a citizen holds at most one (the
/// unique index `ux_libretto_active` of migration 000003, on PostgreSQL and SQLite), so a
/// plain count is exact and spares the database sorting a million fiscal codes; otherwise
/// the distinct fiscal codes.
fn holders(db: &impl ConnectionTrait, scope: &LibrettoScope) -> SimpleExpr {
    let one_each = db.get_database_backend() != DbBackend::MySql
        && scope.status.as_deref() != Some("CANCELLED");
    if one_each {
        count_all()
    } else {
        count_distinct((libretto::Entity, libretto::Column::FiscalCode))
    }
}

/// Citizens (distinct holders) per age band at the first issue (seed 000's bands).
pub async fn citizens_by_age_band(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
) -> Result<Vec<Group>, DbErr> {
    let key = Expr::cust(
        "CASE WHEN libretto.age_at_issue IS NULL THEN 'UNKNOWN' \
         WHEN libretto.age_at_issue <= 30 THEN 'UP_TO_30' \
         WHEN libretto.age_at_issue <= 45 THEN 'FROM_31_TO_45' \
         WHEN libretto.age_at_issue <= 55 THEN 'FROM_46_TO_55' ELSE 'OVER_55' END",
    );
    groups(db, libretti(scope), key, holders(db, scope)).await
}

pub async fn citizens_by_gender(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
) -> Result<Vec<Group>, DbErr> {
    let key = Expr::col((libretto::Entity, libretto::Column::Gender));
    groups(db, libretti(scope), key, holders(db, scope)).await
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

fn read_i64(row: &QueryResult, name: &str) -> Result<i64, DbErr> {
    row.try_get::<i64>("", name)
        .or_else(|_| row.try_get::<i32>("", name).map(i64::from))
}

/// Sums per-libretto tallies over the libretti in scope: one row, one sum per code, no join
/// with the child tables (migration 000009). Codes with none are left out, as a GROUP BY
/// would.
async fn tallies(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
    pairs: &[(libretto::Column, &str)],
) -> Result<Vec<Group>, DbErr> {
    let backend = db.get_database_backend();
    let mut select = libretti(scope);
    for (i, (column, _)) in pairs.iter().enumerate() {
        let sum = sum_of(backend, Expr::col((libretto::Entity, *column)));
        select.expr_as(sum, Alias::new(format!("t{i}")));
    }
    let Some(row) = db.query_one(&select).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, (_, code)) in pairs.iter().enumerate() {
        let n = read_i64(&row, &format!("t{i}"))?;
        if n > 0 {
            out.push((Some((*code).to_owned()), n));
        }
    }
    largest_first(&mut out);
    Ok(out)
}

/// Evidences of the libretti in scope by category (the four of seed 000).
pub async fn evidences_by_category(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
) -> Result<Vec<Group>, DbErr> {
    tallies(db, scope, &EVIDENCE_TALLIES).await
}

/// Experiences kept in the libretti (dropped ones excluded) by origin: regional database or
/// self-declared (seed 000).
pub async fn experiences_by_origin(
    db: &impl ConnectionTrait,
    scope: &LibrettoScope,
) -> Result<Vec<Group>, DbErr> {
    tallies(db, scope, &EXPERIENCE_TALLIES).await
}

// ---- IVC (seed 003) ----

#[derive(Debug, Clone, Default)]
pub struct IvcScope {
    pub region: Option<String>,
    pub program: Option<String>,
}

impl IvcScope {
    fn condition(&self) -> Condition {
        let col = |c: ivc_dossier::Column| Expr::col((ivc_dossier::Entity, c));
        let mut cond = Condition::all();
        if let Some(region) = &self.region {
            cond = cond.add(col(ivc_dossier::Column::Region).eq(region.clone()));
        }
        if let Some(program) = &self.program {
            cond = cond.add(col(ivc_dossier::Column::Program).eq(program.clone()));
        }
        cond
    }
}

fn dossiers(scope: &IvcScope) -> SelectStatement {
    Query::select()
        .from(ivc_dossier::Entity)
        .cond_where(scope.condition())
        .to_owned()
}

/// Dossiers by the year they were requested.
pub async fn dossiers_by_year(
    db: &impl ConnectionTrait,
    scope: &IvcScope,
) -> Result<Vec<Group>, DbErr> {
    let key = year_of(
        db.get_database_backend(),
        (ivc_dossier::Entity, ivc_dossier::Column::RequestedOn),
    );
    groups(db, dossiers(scope), key, count_all()).await
}

/// Attestati di validazione by the year they were issued.
pub async fn attestati_by_year(
    db: &impl ConnectionTrait,
    scope: &IvcScope,
) -> Result<Vec<Group>, DbErr> {
    let mut select = dossiers(scope);
    select.and_where(ivc_dossier::Column::AttestatoIssuedOn.is_not_null());
    let key = year_of(
        db.get_database_backend(),
        (ivc_dossier::Entity, ivc_dossier::Column::AttestatoIssuedOn),
    );
    groups(db, select, key, count_all()).await
}

/// Closed dossiers by outcome class (seed 003: dossier only, dossier + attestato,
/// qualification; and withdrawals).
pub async fn outcomes(db: &impl ConnectionTrait, scope: &IvcScope) -> Result<Vec<Group>, DbErr> {
    let mut select = dossiers(scope);
    select.and_where(ivc_dossier::Column::Status.eq("CLOSED"));
    let key = Expr::col((ivc_dossier::Entity, ivc_dossier::Column::Outcome));
    groups(db, select, key, count_all()).await
}

/// Dossiers by the SEP sector of their competences (a dossier counts once per sector).
pub async fn dossiers_by_sector(
    db: &impl ConnectionTrait,
    scope: &IvcScope,
) -> Result<Vec<Group>, DbErr> {
    let select = Query::select()
        .from(ivc_competence::Entity)
        .inner_join(
            ivc_dossier::Entity,
            Expr::col((ivc_competence::Entity, ivc_competence::Column::DossierId))
                .equals((ivc_dossier::Entity, ivc_dossier::Column::Id)),
        )
        .cond_where(scope.condition())
        .to_owned();
    let key = Expr::col((ivc_competence::Entity, ivc_competence::Column::SepSector));
    groups(
        db,
        select,
        key,
        count_distinct((ivc_dossier::Entity, ivc_dossier::Column::Id)),
    )
    .await
}

/// Citizens (distinct fiscal codes) by where they were born, as the fiscal code says:
/// SAME_REGION as the dossier, OTHER_REGION, ABROAD (a `Z` state code), UNKNOWN (a code no
/// table knows) — seed 003's "Piemonte 50%, altri Paesi esteri 39%, altre Regioni 11%".
pub async fn users_by_origin(
    db: &impl ConnectionTrait,
    scope: &IvcScope,
) -> Result<Vec<Group>, DbErr> {
    // stored codes are the base spelling, so characters 12-15 are the Belfiore code
    let select = dossiers(scope)
        .left_join(
            Alias::new("birth_place"),
            Expr::cust("birth_place.code = substr(ivc_dossier.fiscal_code, 12, 4)"),
        )
        .to_owned();
    let key = Expr::cust(
        "CASE WHEN substr(ivc_dossier.fiscal_code, 12, 1) = 'Z' THEN 'ABROAD' \
         WHEN birth_place.region = ivc_dossier.region THEN 'SAME_REGION' \
         WHEN birth_place.code IS NOT NULL THEN 'OTHER_REGION' ELSE 'UNKNOWN' END",
    );
    let users = count_distinct((ivc_dossier::Entity, ivc_dossier::Column::FiscalCode));
    groups(db, select, key, users).await
}

/// Total minutes of sessions and their cost in cents (each dossier at its own unit cost).
pub async fn hours_and_cost(
    db: &impl ConnectionTrait,
    scope: &IvcScope,
) -> Result<(i64, i64), DbErr> {
    let minutes = Expr::col((ivc_dossier::Entity, ivc_dossier::Column::MinutesUsed));
    let cost = Expr::col((ivc_dossier::Entity, ivc_dossier::Column::MinutesUsed)).mul(Expr::col((
        ivc_dossier::Entity,
        ivc_dossier::Column::HourlyCostCents,
    )));
    let backend = db.get_database_backend();
    let select = dossiers(scope)
        .expr_as(sum_of(backend, minutes), Alias::new("m"))
        .expr_as(sum_of(backend, cost), Alias::new("c"))
        .to_owned();
    let Some(row) = db.query_one(&select).await? else {
        return Ok((0, 0));
    };
    let read = |name: &str| read_i64(&row, name);
    Ok((read("m")?, read("c")? / 60))
}

// ---- orientation (seed 001) ----

/// Pact measures by code and status, as `CODE/STATUS` keys.
pub async fn measures_by_code(db: &impl ConnectionTrait) -> Result<Vec<Group>, DbErr> {
    let select = Query::select().from(pact_measure::Entity).to_owned();
    let key = Expr::col((pact_measure::Entity, pact_measure::Column::Code));
    groups(db, select, key, count_all()).await
}

/// Propensities by CP2011 major group (the code's first digit).
pub async fn propensities_by_group(db: &impl ConnectionTrait) -> Result<Vec<Group>, DbErr> {
    let select = Query::select().from(propensity::Entity).to_owned();
    let key = Expr::cust("SUBSTR(propensity.occupation_code, 1, 1)");
    groups(db, select, key, count_all()).await
}

/// Current CVs: (valid, obsolete) against `today` (6 months, seed 001).
pub async fn cvs_valid_obsolete(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<Vec<Group>, DbErr> {
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
    groups(db, select, key, count_all()).await
}

pub async fn transfers_by_status(db: &impl ConnectionTrait) -> Result<Vec<Group>, DbErr> {
    let select = Query::select().from(portal_transfer::Entity).to_owned();
    let key = Expr::col((portal_transfer::Entity, portal_transfer::Column::Status));
    groups(db, select, key, count_all()).await
}
