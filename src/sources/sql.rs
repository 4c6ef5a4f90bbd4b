//! The SQL adapter: reads the contract views of one regional database (PostgreSQL,
//! MariaDB/MySQL or SQLite) through SeaORM, one statement per view per batch.

use super::contract::{
    ContractView, EMPLOYMENT_VIEW, EmploymentRow, PERSON_VIEW, PersonRow, TRAINING_VIEW,
    TrainingRow,
};
use super::search::{PersonSearch, SearchCursor};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
    QueryResult, Statement, Value,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::OnceCell;

/// Fiscal codes per statement before a batch is split. 1,000 citizens × 8 spellings stays
/// well under every engine's bind-parameter limit (SQLite 32,766; PostgreSQL and MySQL 65,535).
pub const CHUNK_CITIZENS: usize = 1_000;

/// Codes a PostgreSQL lookup binds one placeholder each; more go as one array
/// (`batch_statement`).
pub const PG_LIST_MAX: usize = 16;

pub struct SqlSource {
    db: DatabaseConnection,
    backend: DatabaseBackend,
    statements: Arc<AtomicU64>,
    /// PostgreSQL type the fiscal codes are cast to so the comparison uses the view's index.
    pg_key_type: OnceCell<&'static str>,
}

/// A pooled connection idle this long is pinged before use; fresher ones are used as they are.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// The pool's liveness checks, for the sources and the store alike (docs/benchmarks.md): a
/// ping before use only for connections idle long enough to have been dropped on the way,
/// and on PostgreSQL none when a clean connection goes back to the pool. sqlx pings there to
/// drain what a cancelled statement left on the wire, but its PostgreSQL driver drains that
/// before every statement anyway (`wait_until_ready`), so the ping was a round trip per
/// statement for nothing; a connection with bytes queued (a dropped transaction's ROLLBACK)
/// is still flushed at once (patched option, vendor/README.md).
pub fn pool_checks(options: &mut ConnectOptions) -> &mut ConnectOptions {
    options
        .test_before_acquire_if_idle_for(IDLE_BEFORE_PING)
        .map_sqlx_postgres_pool_opts(|pool| pool.test_after_release(false))
}

impl SqlSource {
    /// Builds the pool without connecting: a source down at start-up must not stop the gateway.
    pub async fn connect_lazy(
        url: &str,
        max_connections: u32,
        timeout: Duration,
    ) -> Result<Self, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(max_connections)
            .min_connections(0)
            .connect_timeout(timeout.max(Duration::from_millis(200)))
            .acquire_timeout(timeout.max(Duration::from_millis(200)))
            .sqlx_logging(false)
            .connect_lazy(true);
        pool_checks(&mut options);
        let db = Database::connect(options).await?;
        Ok(Self::from_connection(db))
    }

    pub fn from_connection(mut db: DatabaseConnection) -> Self {
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_info| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        SqlSource {
            backend: db.get_database_backend(),
            db,
            statements,
            pg_key_type: OnceCell::new(),
        }
    }

    /// Statements executed on this source since start (every statement, including failures).
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            DatabaseBackend::Postgres => "postgresql",
            DatabaseBackend::MySql => "mysql",
            _ => "sqlite",
        }
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.db.ping().await
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Looks up the declared type of `gw_person.fiscal_code` once on PostgreSQL. Binding a
    /// `text` parameter against a `CHAR(16)` column makes PostgreSQL compare `fiscal_code::text`,
    /// which cannot use the index (DESIGN.md: ~500× slower on 200k citizens).
    pub async fn prepare(&self) -> Result<(), DbErr> {
        if self.backend == DatabaseBackend::Postgres {
            self.pg_key_type().await?;
        }
        Ok(())
    }

    async fn pg_key_type(&self) -> Result<&'static str, DbErr> {
        self.pg_key_type
            .get_or_try_init(|| async {
                let row = self
                    .db
                    .query_one_raw(Statement::from_string(
                        DatabaseBackend::Postgres,
                        "SELECT data_type FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = 'gw_person' \
                         AND column_name = 'fiscal_code'",
                    ))
                    .await?;
                let data_type: Option<String> =
                    row.and_then(|r| r.try_get_by_index::<String>(0).ok());
                Ok(match data_type.as_deref() {
                    Some("character") => "bpchar",
                    Some("character varying") => "varchar",
                    _ => "text",
                })
            })
            .await
            .copied()
    }

    /// The batch statement for one view: public so tests can `EXPLAIN` exactly what runs.
    ///
    /// On PostgreSQL, more than [`PG_LIST_MAX`] codes go as one array parameter cast to the
    /// column's type: the statement text is then the same for any number of codes, prepared
    /// once per connection, and PostgreSQL settles on one generic plan for it. A list of 400
    /// placeholders (50 citizens) was planned again on every call, and prepared again
    /// whenever the count changed. Up to [`PG_LIST_MAX`] codes (one or two citizens) keep
    /// a placeholder each: there PostgreSQL keeps re-planning an array, whose generic plan it
    /// costs for ten elements, but settles on the list's (measured: 70 against 50 µs of
    /// server time per statement for 8 codes). The other engines take a placeholder per code.
    pub async fn batch_statement(
        &self,
        view: &ContractView,
        spellings: &[String],
    ) -> Result<Statement, DbErr> {
        let (condition, values): (String, Vec<Value>) = match self.backend {
            DatabaseBackend::Postgres if spellings.len() > PG_LIST_MAX => {
                let ty = self.pg_key_type().await?;
                (
                    format!("fiscal_code = ANY($1::{ty}[])"),
                    vec![Value::from(spellings.to_vec())],
                )
            }
            DatabaseBackend::Postgres => {
                let ty = self.pg_key_type().await?;
                let list: Vec<String> = (1..=spellings.len())
                    .map(|i| format!("${i}::{ty}"))
                    .collect();
                (
                    format!("fiscal_code IN ({})", list.join(", ")),
                    text_values(spellings),
                )
            }
            _ => (
                format!("fiscal_code IN ({})", vec!["?"; spellings.len()].join(", ")),
                text_values(spellings),
            ),
        };
        let sql = format!(
            "SELECT {} FROM {} WHERE {condition}",
            view.select_list(),
            view.name
        );
        Ok(Statement::from_sql_and_values(self.backend, sql, values))
    }

    async fn fetch<T>(
        &self,
        view: &ContractView,
        spellings: &[String],
        decode: fn(&QueryResult) -> Result<T, DbErr>,
    ) -> Result<Vec<T>, DbErr> {
        let mut out = Vec::new();
        for chunk in spellings.chunks(CHUNK_CITIZENS * 8) {
            let statement = self.batch_statement(view, chunk).await?;
            for row in self.db.query_all_raw(statement).await? {
                out.push(decode(&row)?);
            }
        }
        Ok(out)
    }

    pub async fn persons(&self, spellings: &[String]) -> Result<Vec<PersonRow>, DbErr> {
        self.fetch(&PERSON_VIEW, spellings, decode_person).await
    }

    pub async fn employments(&self, spellings: &[String]) -> Result<Vec<EmploymentRow>, DbErr> {
        self.fetch(&EMPLOYMENT_VIEW, spellings, decode_employment)
            .await
    }

    pub async fn trainings(&self, spellings: &[String]) -> Result<Vec<TrainingRow>, DbErr> {
        self.fetch(&TRAINING_VIEW, spellings, decode_training).await
    }

    /// One page of people matching the search, in (family name, given name, fiscal code)
    /// order after the cursor.
    pub async fn search(
        &self,
        search: &PersonSearch,
        after: Option<&SearchCursor>,
        limit: usize,
    ) -> Result<Vec<PersonRow>, DbErr> {
        let mut conditions = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let param = |values: &mut Vec<Value>, v: Value| -> String {
            values.push(v);
            match self.backend {
                DatabaseBackend::Postgres => format!("${}", values.len()),
                _ => "?".to_owned(),
            }
        };
        // `!` escapes LIKE wildcards: a backslash would need engine-specific literals.
        if let Some(family) = &search.family_name_prefix {
            let p = param(&mut values, like_prefix(family).into());
            conditions.push(format!("UPPER(family_name) LIKE {p} ESCAPE '!'"));
        }
        if let Some(given) = &search.given_name_prefix {
            let p = param(&mut values, like_prefix(given).into());
            conditions.push(format!("UPPER(given_name) LIKE {p} ESCAPE '!'"));
        }
        if let Some(date) = search.birth_date {
            let p = param(&mut values, date.into());
            conditions.push(format!("birth_date = {p}"));
        }
        if let Some(province) = &search.province {
            let p = param(&mut values, province.clone().into());
            conditions.push(format!("residence_province = {p}"));
        }
        let key = "COALESCE(UPPER(family_name), ''), COALESCE(UPPER(given_name), ''), fiscal_code";
        if let Some(cursor) = after {
            let a = param(&mut values, cursor.family.clone().into());
            let b = param(&mut values, cursor.given.clone().into());
            let c = param(&mut values, cursor.fiscal_code.clone().into());
            conditions.push(format!("({key}) > ({a}, {b}, {c})"));
        }
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let sql = format!(
            "SELECT {} FROM {} {where_clause} ORDER BY {key} LIMIT {}",
            PERSON_VIEW.select_list(),
            PERSON_VIEW.name,
            limit
        );
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(self.backend, sql, values))
            .await?;
        rows.iter().map(decode_person).collect()
    }
}

fn text_values(texts: &[String]) -> Vec<Value> {
    texts.iter().map(|s| s.clone().into()).collect()
}

fn like_prefix(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.trim().to_uppercase().chars() {
        if matches!(c, '!' | '%' | '_') {
            out.push('!');
        }
        out.push(c);
    }
    out.push('%');
    out
}

fn text(row: &QueryResult, col: &str) -> Result<Option<String>, DbErr> {
    Ok(row
        .try_get::<Option<String>>("", col)?
        .map(|s| s.trim().to_owned()))
}

fn date(row: &QueryResult, col: &str) -> Result<Option<NaiveDate>, DbErr> {
    if let Ok(v) = row.try_get::<Option<NaiveDate>>("", col) {
        return Ok(v);
    }
    // SQLite and some views hand dates back as text
    match row.try_get::<Option<String>>("", col)? {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d")
            .map(Some)
            .map_err(|e| DbErr::Type(format!("column {col}: '{s}' is not a date: {e}"))),
    }
}

fn timestamp(row: &QueryResult, col: &str) -> Result<NaiveDateTime, DbErr> {
    if let Ok(v) = row.try_get::<NaiveDateTime>("", col) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<DateTime<Utc>>("", col) {
        return Ok(v.naive_utc());
    }
    let s: String = row.try_get("", col)?;
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f"))
        .map_err(|e| DbErr::Type(format!("column {col}: '{s}' is not a timestamp: {e}")))
}

fn integer(row: &QueryResult, col: &str) -> Result<Option<i64>, DbErr> {
    if let Ok(v) = row.try_get::<Option<i64>>("", col) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<Option<i32>>("", col) {
        return Ok(v.map(i64::from));
    }
    Ok(row.try_get::<Option<i16>>("", col)?.map(i64::from))
}

fn decimal(row: &QueryResult, col: &str) -> Result<Option<f64>, DbErr> {
    if let Ok(v) = row.try_get::<Option<f64>>("", col) {
        return Ok(v);
    }
    if let Ok(v) = row.try_get::<Option<f32>>("", col) {
        return Ok(v.map(f64::from));
    }
    #[expect(clippy::cast_precision_loss, reason = "weekly hours are small")]
    Ok(integer(row, col)?.map(|v| v as f64))
}

fn required<T>(value: Option<T>, col: &str) -> Result<T, DbErr> {
    value.ok_or_else(|| DbErr::Type(format!("column {col} is NULL but the contract requires it")))
}

fn decode_person(row: &QueryResult) -> Result<PersonRow, DbErr> {
    Ok(PersonRow {
        fiscal_code: required(text(row, "fiscal_code")?, "fiscal_code")?,
        given_name: text(row, "given_name")?,
        family_name: text(row, "family_name")?,
        birth_date: date(row, "birth_date")?,
        birth_place_code: text(row, "birth_place_code")?,
        gender: text(row, "gender")?,
        citizenship: text(row, "citizenship")?,
        residence_municipality: text(row, "residence_municipality")?,
        residence_province: text(row, "residence_province")?,
        email: text(row, "email")?,
        phone: text(row, "phone")?,
        cpi_code: text(row, "cpi_code")?,
        did_date: date(row, "did_date")?,
        updated_at: timestamp(row, "updated_at")?,
    })
}

fn decode_employment(row: &QueryResult) -> Result<EmploymentRow, DbErr> {
    Ok(EmploymentRow {
        id: required(integer(row, "id")?, "id")?,
        fiscal_code: required(text(row, "fiscal_code")?, "fiscal_code")?,
        employer_tax_code: text(row, "employer_tax_code")?,
        employer_name: text(row, "employer_name")?,
        start_date: required(date(row, "start_date")?, "start_date")?,
        end_date: date(row, "end_date")?,
        contract_type: text(row, "contract_type")?,
        occupation_code: text(row, "occupation_code")?,
        sector_code: text(row, "sector_code")?,
        weekly_hours: decimal(row, "weekly_hours")?,
        workplace_municipality: text(row, "workplace_municipality")?,
    })
}

fn decode_training(row: &QueryResult) -> Result<TrainingRow, DbErr> {
    Ok(TrainingRow {
        id: required(integer(row, "id")?, "id")?,
        fiscal_code: required(text(row, "fiscal_code")?, "fiscal_code")?,
        kind: text(row, "kind")?,
        title: text(row, "title")?,
        provider_name: text(row, "provider_name")?,
        start_date: date(row, "start_date")?,
        end_date: date(row, "end_date")?,
        hours: integer(row, "hours")?,
        outcome: text(row, "outcome")?,
        qualification_code: text(row, "qualification_code")?,
        eqf_level: integer(row, "eqf_level")?,
    })
}
