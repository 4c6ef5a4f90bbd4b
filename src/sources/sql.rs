//! The SQL adapter: reads the contract views of one regional database (PostgreSQL,
//! MariaDB/MySQL or SQLite) through SeaORM, one statement per view per batch.

use super::contract::View;
use super::contract::{ColumnKind, PERSON_VIEW, PersonRow, VIEWS, ViewCodes, ViewRows};
use super::search::{PersonSearch, SearchCursor};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr,
    Statement, Value,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::OnceCell;

mod decode;

use decode::{
    EMPLOYMENT_COLUMNS, PERSON_COLUMNS, decode_employment, decode_person, decode_training, integer,
};

/// Fiscal codes per view and statement before a batch is split: three views of 8,000 codes
/// stay under every engine's bind-parameter limit (SQLite 32,766; PostgreSQL and MySQL 65,535).
pub const CHUNK_CODES: usize = 8_000;

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

pub use crate::db_pool::pool_checks;

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

    /// The rows of every view asked, in one statement (one per [`CHUNK_CODES`] codes):
    /// a source answers a whole profile in one round trip instead of one per view. Measured
    /// on PostgreSQL, one citizen: 113 µs of the server's CPU against 170-183 µs for the
    /// three statements, and half the wall time.
    pub async fn fetch_views(&self, asked: &ViewCodes) -> Result<ViewRows, DbErr> {
        let chunk = CHUNK_CODES;
        let rounds = View::ALL.map(|view| asked.of(view).len().div_ceil(chunk));
        let mut out = ViewRows::default();
        for round in 0..rounds.into_iter().max().unwrap_or(0) {
            let mut part = ViewCodes::default();
            for view in View::ALL {
                let codes = asked.of(view).chunks(chunk).nth(round).unwrap_or(&[]);
                *part.of_mut(view) = codes.to_vec();
            }
            let statement = self.views_statement(&part).await?;
            for row in self.db.query_all_raw(statement).await? {
                const EMPLOYMENT_AT: usize = 2 + PERSON_COLUMNS;
                const TRAINING_AT: usize = EMPLOYMENT_AT + EMPLOYMENT_COLUMNS;
                match integer(&row, 0, "gw_view")? {
                    Some(1) => out.persons.push(decode_person(&row, 1, 2)?),
                    Some(2) => out
                        .employments
                        .push(decode_employment(&row, 1, EMPLOYMENT_AT)?),
                    Some(3) => out.trainings.push(decode_training(&row, 1, TRAINING_AT)?),
                    other => {
                        return Err(DbErr::Type(format!("gw_view {other:?} is not a view")));
                    }
                }
            }
        }
        Ok(out)
    }

    /// The statement `fetch_views` sends: public so tests can `EXPLAIN` exactly what runs.
    ///
    /// One `SELECT` a view asked, stacked by `UNION ALL` in one column layout: `gw_view` (1
    /// person, 2 employment, 3 training), `fiscal_code`, then the other columns of the person,
    /// employment and training views in contract order, each branch filling its own and NULL
    /// elsewhere (typed on PostgreSQL, which resolves a union's types branch by branch).
    ///
    /// On PostgreSQL, more than [`PG_LIST_MAX`] codes of a view go as one array parameter
    /// cast to the column's type: the statement text is then the same for any number of
    /// codes, prepared once per connection, and PostgreSQL settles on one generic plan for
    /// it. A list of 400 placeholders (50 citizens) was planned again on every call, and
    /// prepared again whenever the count changed. Up to [`PG_LIST_MAX`] codes (one or two
    /// citizens) keep a placeholder each: there PostgreSQL keeps re-planning an array, whose
    /// generic plan it costs for ten elements, but settles on the list's (measured: 70
    /// against 50 µs of server time per statement for 8 codes). The other engines take a
    /// placeholder per code.
    pub async fn views_statement(&self, asked: &ViewCodes) -> Result<Statement, DbErr> {
        let mut values: Vec<Value> = Vec::new();
        let mut branches = Vec::new();
        let lists = View::ALL.map(|view| asked.of(view));
        for (index, (view, codes)) in VIEWS.iter().zip(lists).enumerate() {
            if codes.is_empty() {
                continue;
            }
            let condition = self.key_condition(codes, &mut values).await?;
            let columns: Vec<String> = VIEWS
                .iter()
                .enumerate()
                .flat_map(|(other, other_view)| {
                    other_view
                        .columns
                        .iter()
                        .filter(|c| c.name != "fiscal_code")
                        .map(move |c| {
                            if other == index {
                                c.name.to_owned()
                            } else {
                                self.null_of(c.kind).to_owned()
                            }
                        })
                })
                .collect();
            branches.push(format!(
                "SELECT {} AS gw_view, fiscal_code, {} FROM {} WHERE {condition}",
                index + 1,
                columns.join(", "),
                view.name
            ));
        }
        Ok(Statement::from_sql_and_values(
            self.backend,
            branches.join(" UNION ALL "),
            values,
        ))
    }

    /// `fiscal_code` among `codes`, their values appended to `values`.
    async fn key_condition(
        &self,
        codes: &[String],
        values: &mut Vec<Value>,
    ) -> Result<String, DbErr> {
        Ok(match self.backend {
            DatabaseBackend::Postgres if codes.len() > PG_LIST_MAX => {
                let ty = self.pg_key_type().await?;
                values.push(Value::from(codes.to_vec()));
                format!("fiscal_code = ANY(${}::{ty}[])", values.len())
            }
            DatabaseBackend::Postgres => {
                let ty = self.pg_key_type().await?;
                let first = values.len() + 1;
                values.extend(codes.iter().map(|c| Value::from(c.clone())));
                let list: Vec<String> = (first..first + codes.len())
                    .map(|i| format!("${i}::{ty}"))
                    .collect();
                format!("fiscal_code IN ({})", list.join(", "))
            }
            _ => {
                values.extend(codes.iter().map(|c| Value::from(c.clone())));
                format!("fiscal_code IN ({})", vec!["?"; codes.len()].join(", "))
            }
        })
    }

    /// A NULL of a column another branch fills: typed on PostgreSQL (a union of an untyped
    /// NULL with NULL is text there, which no later branch's date or number matches); the
    /// other engines type a union from all its branches.
    fn null_of(&self, kind: ColumnKind) -> &'static str {
        if self.backend != DatabaseBackend::Postgres {
            return "NULL";
        }
        match kind {
            ColumnKind::Text => "NULL::text",
            ColumnKind::Date => "NULL::date",
            ColumnKind::Timestamp => "NULL::timestamp",
            ColumnKind::Integer => "NULL::bigint",
            ColumnKind::Decimal => "NULL::double precision",
        }
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
        rows.iter().map(|row| decode_person(row, 0, 1)).collect()
    }
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
