//! `check-sources`: compares a regional database with the source contract (the views in
//! [`contract::VIEWS`](super::contract::VIEWS)) and lists every problem — missing view, missing
//! column, wrong type — one clear line each; for an `http` source, calls each endpoint and
//! checks that the answers have the contract's shape ([`check_source`] does both kinds).
//!
//! Types are compared by family ([`ColumnKind`]), read from the engine's catalog: PostgreSQL and
//! MySQL/MariaDB `information_schema.columns`, SQLite `pragma_table_info` (declared types,
//! mapped with SQLite's affinity rules). Extra columns are fine; nullability is not checked
//! (views do not carry it reliably).

use std::collections::HashMap;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};
use secrecy::ExposeSecret;

use super::adapter::CallError;
use super::contract::{ColumnKind, ContractView, VIEWS};
use super::http::{EMPLOYMENTS, HttpSource, PERSONS, SEARCH, TRAININGS};
use super::search::PersonSearch;
use crate::app::redact;
use crate::config::{SourceConfig, SourceKind};
use crate::domain::FiscalCode;

/// One way a regional database differs from the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractProblem {
    /// The view (or a table with its name) does not exist, or this user cannot see it.
    MissingView { view: String },
    /// The view exists but lacks a contract column.
    MissingColumn { view: String, column: String },
    /// The column exists with a type of another family; `found` is the engine's spelling.
    WrongType {
        view: String,
        column: String,
        found: String,
        expected: ColumnKind,
    },
    /// An `http` source's endpoint answered with an error or outside the contract.
    Endpoint { endpoint: String, problem: String },
}

impl std::fmt::Display for ContractProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ContractProblem::MissingView { view } => write!(
                f,
                "view {view} is missing (create it as described in the README's contract section)"
            ),
            ContractProblem::MissingColumn { view, column } => {
                write!(f, "view {view}: column {column} is missing")
            }
            ContractProblem::WrongType {
                view,
                column,
                found,
                expected,
            } => write!(
                f,
                "view {view}: column {column} has type {found}, expected {}",
                expected.describe()
            ),
            ContractProblem::Endpoint { endpoint, problem } => {
                write!(f, "POST /{endpoint}: {problem}")
            }
        }
    }
}

/// What `check-sources` found for one configured source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceCheck {
    /// The source answers and matches the contract.
    Conforms,
    /// The source answers with these differences from the contract.
    Problems(Vec<ContractProblem>),
    /// No connection or no answer in time.
    Unreachable(String),
    /// Connected, but the catalogue could not be read (e.g. a permission error).
    Catalogue(String),
}

/// One configured source and what its check found; `Display` prints the lines
/// `check-sources` shows for it.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub name: String,
    pub kind: SourceKind,
    /// The URL without its password.
    pub target: String,
    pub outcome: SourceCheck,
}

impl SourceReport {
    pub fn passed(&self) -> bool {
        self.outcome == SourceCheck::Conforms
    }
}

impl std::fmt::Display for SourceReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = &self.name;
        match &self.outcome {
            SourceCheck::Conforms => match self.kind {
                SourceKind::Sql => writeln!(
                    f,
                    "✓ {name}: gw_person, gw_employment, gw_training match the contract"
                ),
                SourceKind::Http => writeln!(
                    f,
                    "✓ {name}: /persons, /employments, /trainings, /search answer the contract"
                ),
            },
            SourceCheck::Problems(problems) => {
                writeln!(f, "✗ {name}: {} problem(s)", problems.len())?;
                for p in problems {
                    writeln!(f, "    - {p}")?;
                }
                Ok(())
            }
            SourceCheck::Unreachable(why) => {
                writeln!(f, "✗ {name}: unreachable ({}): {why}", self.target)
            }
            SourceCheck::Catalogue(why) => {
                writeln!(f, "✗ {name}: cannot read the catalogue: {why}")
            }
        }
    }
}

/// Checks one configured source of either kind, with a deadline of at least 2 s per step
/// (a check is run by hand; a cold connection may be slower than a batch's `timeout_ms`).
pub async fn check_source(config: &SourceConfig) -> SourceReport {
    let url = config.url.expose_secret();
    let deadline = Duration::from_millis(config.timeout_ms.max(2_000));
    let outcome = match config.kind {
        SourceKind::Sql => check_sql(url, deadline).await,
        SourceKind::Http => check_http(config, deadline).await,
    };
    SourceReport {
        name: config.name.clone(),
        kind: config.kind,
        target: redact(url),
        outcome,
    }
}

async fn check_sql(url: &str, deadline: Duration) -> SourceCheck {
    let db = match tokio::time::timeout(deadline, sea_orm::Database::connect(url)).await {
        Ok(Ok(db)) => db,
        Ok(Err(e)) => return SourceCheck::Unreachable(e.to_string()),
        Err(_) => return SourceCheck::Unreachable("no answer in time".into()),
    };
    let outcome = match check_contract(&db).await {
        Ok(problems) if problems.is_empty() => SourceCheck::Conforms,
        Ok(problems) => SourceCheck::Problems(problems),
        Err(e) => SourceCheck::Catalogue(e.to_string()),
    };
    db.close().await.ok();
    outcome
}

/// Calls every endpoint: an empty batch to `/persons`; `/search` with no criteria and limit 1
/// for a sample citizen; then that citizen's rows from `/persons`, `/employments` and
/// `/trainings` (or empty batches when the service knows nobody). Every answer is decoded
/// as the gateway decodes it, so a row outside the contract is reported with its field.
async fn check_http(config: &SourceConfig, deadline: Duration) -> SourceCheck {
    let source = match HttpSource::new(
        config.url.expose_secret(),
        config.token.clone(),
        1,
        deadline,
    ) {
        Ok(source) => source,
        Err(e) => return SourceCheck::Unreachable(e.without_url().to_string()),
    };
    if let Err(CallError(reason)) = within(deadline, source.persons(&[])).await {
        if let Some(why) = reason.strip_prefix("unreachable: ") {
            return SourceCheck::Unreachable(why.to_owned());
        }
        if reason == "timeout" {
            return SourceCheck::Unreachable("no answer in time".into());
        }
        return SourceCheck::Problems(vec![endpoint_problem(PERSONS, &reason)]);
    }
    let mut problems = Vec::new();
    let sample = match within(deadline, source.search(&PersonSearch::default(), None, 1)).await {
        Ok(rows) => rows.into_iter().next(),
        Err(CallError(reason)) => {
            problems.push(endpoint_problem(SEARCH, &reason));
            None
        }
    };
    let codes: Vec<String> = match &sample {
        Some(person) => match FiscalCode::parse(&person.fiscal_code) {
            Ok(code) => vec![code.as_str().to_owned()],
            Err(_) => vec![person.fiscal_code.clone()],
        },
        None => Vec::new(),
    };
    if sample.is_some() {
        match within(deadline, source.persons(&codes)).await {
            Ok(rows) if rows.is_empty() => problems.push(ContractProblem::Endpoint {
                endpoint: PERSONS.into(),
                problem: "does not return the person that /search returned first".into(),
            }),
            Ok(_) => {}
            Err(CallError(reason)) => problems.push(endpoint_problem(PERSONS, &reason)),
        }
    }
    if let Err(CallError(reason)) = within(deadline, source.employments(&codes)).await {
        problems.push(endpoint_problem(EMPLOYMENTS, &reason));
    }
    if let Err(CallError(reason)) = within(deadline, source.trainings(&codes)).await {
        problems.push(endpoint_problem(TRAININGS, &reason));
    }
    if problems.is_empty() {
        SourceCheck::Conforms
    } else {
        SourceCheck::Problems(problems)
    }
}

async fn within<T>(
    deadline: Duration,
    call: impl std::future::Future<Output = Result<T, CallError>>,
) -> Result<T, CallError> {
    tokio::time::timeout(deadline, call)
        .await
        .unwrap_or_else(|_| Err(CallError("timeout".into())))
}

/// A call's reason without the parts the problem line already says.
fn endpoint_problem(endpoint: &str, reason: &str) -> ContractProblem {
    let detail = reason.strip_prefix("error: ").unwrap_or(reason);
    let detail = detail
        .strip_prefix(&format!("/{endpoint} "))
        .unwrap_or(detail);
    ContractProblem::Endpoint {
        endpoint: endpoint.to_owned(),
        problem: detail.to_owned(),
    }
}

/// Checks the contract views of `db`. An empty list means the database conforms. Errors are
/// the catalog query's (e.g. a permission error), not problems of the contract.
pub async fn check_contract(db: &DatabaseConnection) -> Result<Vec<ContractProblem>, DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(backend, catalog_query(backend)))
        .await?;

    // view (lowercase) -> column (lowercase) -> found type
    let mut found: HashMap<String, HashMap<String, String>> = HashMap::new();
    for row in rows {
        let view: String = row.try_get_by_index(0)?;
        let column: String = row.try_get_by_index(1)?;
        let data_type: Option<String> = row.try_get_by_index(2)?;
        found
            .entry(view.to_lowercase())
            .or_default()
            .insert(column.to_lowercase(), data_type.unwrap_or_default());
    }

    Ok(VIEWS
        .iter()
        .flat_map(|view| problems_of(backend, view, found.get(view.name)))
        .collect())
}

/// The problems of one view, given the columns the catalog reported for it.
fn problems_of(
    backend: DatabaseBackend,
    view: &ContractView,
    columns: Option<&HashMap<String, String>>,
) -> Vec<ContractProblem> {
    let Some(columns) = columns else {
        return vec![ContractProblem::MissingView {
            view: view.name.to_owned(),
        }];
    };
    let mut problems = Vec::new();
    for column in view.columns {
        match columns.get(column.name) {
            None => problems.push(ContractProblem::MissingColumn {
                view: view.name.to_owned(),
                column: column.name.to_owned(),
            }),
            Some(data_type) => {
                if !type_matches(backend, data_type, column.kind) {
                    problems.push(ContractProblem::WrongType {
                        view: view.name.to_owned(),
                        column: column.name.to_owned(),
                        found: if data_type.is_empty() {
                            "(none)".to_owned()
                        } else {
                            data_type.clone()
                        },
                        expected: column.kind,
                    });
                }
            }
        }
    }
    problems
}

/// One statement for all views: `(view name, column name, type)` rows.
fn catalog_query(backend: DatabaseBackend) -> String {
    let names = VIEWS
        .iter()
        .map(|v| format!("'{}'", v.name))
        .collect::<Vec<_>>()
        .join(", ");
    match backend {
        // Casts: the information_schema domains (sql_identifier, character_data) are not text
        // to the driver.
        DatabaseBackend::Postgres => format!(
            "SELECT table_name::text, column_name::text, data_type::text \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name IN ({names}) \
             ORDER BY table_name, ordinal_position"
        ),
        // Casts: MySQL 8 reports some information_schema columns as binary strings.
        DatabaseBackend::MySql => format!(
            "SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR), CAST(data_type AS CHAR) \
             FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND LOWER(table_name) IN ({names}) \
             ORDER BY table_name, ordinal_position"
        ),
        // A view's columns carry the declared type of the base column they select, or an
        // empty type when they are expressions.
        DatabaseBackend::Sqlite => VIEWS
            .iter()
            .map(|v| {
                format!(
                    "SELECT '{0}', name, type FROM pragma_table_info('{0}')",
                    v.name
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL "),
        // `DatabaseBackend` is non-exhaustive; any other engine gets the standard catalog.
        _ => format!(
            "SELECT table_name, column_name, data_type FROM information_schema.columns \
             WHERE table_name IN ({names})"
        ),
    }
}

/// The family of an engine's type name, `None` when it belongs to none (BLOB, JSON, bool…).
/// SQLite's empty declared type (an expression column) never gets here: it matches anything.
fn family(backend: DatabaseBackend, data_type: &str) -> Option<ColumnKind> {
    let t = data_type.trim().to_ascii_lowercase();
    if backend == DatabaseBackend::Sqlite {
        // SQLite affinity rules, in their order, with DATE/DATETIME/TIMESTAMP split out of
        // NUMERIC affinity because the adapter reads them as dates/timestamps.
        let t = t.to_ascii_uppercase();
        return if t.contains("INT") {
            Some(ColumnKind::Integer)
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Some(ColumnKind::Text)
        } else if t == "DATE" {
            Some(ColumnKind::Date)
        } else if t.contains("DATETIME") || t.contains("TIMESTAMP") {
            Some(ColumnKind::Timestamp)
        } else if ["REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL"]
            .iter()
            .any(|k| t.contains(k))
        {
            Some(ColumnKind::Decimal)
        } else {
            None
        };
    }
    // PostgreSQL and MySQL `data_type` are bare names (no length/precision); drop any
    // parenthesised part anyway.
    let base = t.split('(').next().unwrap_or("").trim();
    match base {
        "character" | "character varying" | "text" | "char" | "varchar" | "bpchar" | "name"
        | "tinytext" | "mediumtext" | "longtext" | "enum" => Some(ColumnKind::Text),
        "date" => Some(ColumnKind::Date),
        "timestamp without time zone" | "timestamp with time zone" | "timestamp" | "datetime" => {
            Some(ColumnKind::Timestamp)
        }
        "bigint" | "integer" | "smallint" | "int" | "tinyint" | "mediumint" => {
            Some(ColumnKind::Integer)
        }
        "numeric" | "decimal" | "double precision" | "double" | "real" | "float" => {
            Some(ColumnKind::Decimal)
        }
        _ => None,
    }
}

/// Whether a column of type `data_type` satisfies `expected`.
fn type_matches(backend: DatabaseBackend, data_type: &str, expected: ColumnKind) -> bool {
    if backend == DatabaseBackend::Sqlite && data_type.trim().is_empty() {
        return true;
    }
    match (family(backend, data_type), expected) {
        (Some(found), expected) if found == expected => true,
        (Some(ColumnKind::Integer), ColumnKind::Decimal) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::Database;

    use super::*;
    use crate::testing::{Engine, database_or_skip};

    /// Engine-specific spellings of the contract's types for the test DDL.
    struct Types {
        text: &'static str,
        code: &'static str,
        date: &'static str,
        timestamp: &'static str,
        bigint: &'static str,
        int: &'static str,
        decimal: &'static str,
    }

    const SQLITE: Types = Types {
        text: "TEXT",
        code: "CHAR(16)",
        date: "DATE",
        timestamp: "TIMESTAMP",
        bigint: "BIGINT",
        int: "INTEGER",
        decimal: "DECIMAL(5,2)",
    };
    const POSTGRES: Types = Types {
        text: "VARCHAR(200)",
        code: "CHAR(16)",
        date: "DATE",
        timestamp: "TIMESTAMP",
        bigint: "BIGINT",
        int: "INTEGER",
        decimal: "NUMERIC(5,2)",
    };
    const MYSQL: Types = Types {
        text: "VARCHAR(200)",
        code: "CHAR(16)",
        date: "DATE",
        timestamp: "DATETIME",
        bigint: "BIGINT",
        int: "SMALLINT",
        decimal: "DECIMAL(5,2)",
    };

    /// Base tables (named like a DBA's local schema) and the three contract views over them.
    fn conforming_ddl(t: &Types) -> Vec<String> {
        let Types {
            text,
            code,
            date,
            timestamp,
            bigint,
            int,
            decimal,
        } = t;
        vec![
            format!(
                "CREATE TABLE anagrafica (cf {code} PRIMARY KEY, nome {text}, cognome {text}, \
                 data_nascita {date}, luogo_nascita {text}, sesso {text}, cittadinanza {text}, \
                 comune_res {text}, prov_res {text}, email {text}, telefono {text}, cpi {text}, \
                 data_did {date}, aggiornato {timestamp} NOT NULL)"
            ),
            "CREATE VIEW gw_person AS SELECT cf AS fiscal_code, nome AS given_name, \
             cognome AS family_name, data_nascita AS birth_date, luogo_nascita AS birth_place_code, \
             sesso AS gender, cittadinanza AS citizenship, comune_res AS residence_municipality, \
             prov_res AS residence_province, email, telefono AS phone, cpi AS cpi_code, \
             data_did AS did_date, aggiornato AS updated_at FROM anagrafica"
                .to_owned(),
            format!(
                "CREATE TABLE rapporti (id {bigint} PRIMARY KEY, cf {code} NOT NULL, \
                 cf_datore {text}, datore {text}, inizio {date} NOT NULL, fine {date}, \
                 tipo {text}, qualifica {text}, ateco {text}, ore {decimal}, comune {text})"
            ),
            "CREATE VIEW gw_employment AS SELECT id, cf AS fiscal_code, \
             cf_datore AS employer_tax_code, datore AS employer_name, inizio AS start_date, \
             fine AS end_date, tipo AS contract_type, qualifica AS occupation_code, \
             ateco AS sector_code, ore AS weekly_hours, comune AS workplace_municipality \
             FROM rapporti"
                .to_owned(),
            format!(
                "CREATE TABLE formazione (id {bigint} PRIMARY KEY, cf {code} NOT NULL, \
                 tipo {text}, titolo {text}, ente {text}, inizio {date}, fine {date}, \
                 ore {int}, esito {text}, qualifica {text}, eqf {int})"
            ),
            // `hours` comes from an integer column where a numeric one would also do; `kind`
            // is an expression (no declared type on SQLite).
            "CREATE VIEW gw_training AS SELECT id, cf AS fiscal_code, LOWER(tipo) AS kind, \
             titolo AS title, ente AS provider_name, inizio AS start_date, fine AS end_date, \
             ore AS hours, esito AS outcome, qualifica AS qualification_code, \
             eqf AS eqf_level FROM formazione"
                .to_owned(),
        ]
    }

    /// gw_person as in the contract; gw_employment without `sector_code` and with
    /// `start_date` from a text column; no gw_training.
    fn nonconforming_ddl(t: &Types) -> Vec<String> {
        let Types {
            text,
            code,
            date,
            decimal,
            bigint,
            ..
        } = t;
        let mut ddl = conforming_ddl(t);
        ddl.truncate(2);
        ddl.push(format!(
            "CREATE TABLE rapporti (id {bigint} PRIMARY KEY, cf {code} NOT NULL, \
             cf_datore {text}, datore {text}, inizio {text} NOT NULL, fine {date}, \
             tipo {text}, qualifica {text}, ore {decimal}, comune {text})"
        ));
        ddl.push(
            "CREATE VIEW gw_employment AS SELECT id, cf AS fiscal_code, \
             cf_datore AS employer_tax_code, datore AS employer_name, inizio AS start_date, \
             fine AS end_date, tipo AS contract_type, qualifica AS occupation_code, \
             ore AS weekly_hours, comune AS workplace_municipality FROM rapporti"
                .to_owned(),
        );
        ddl
    }

    fn expected_problems(text_type: &str) -> Vec<ContractProblem> {
        vec![
            ContractProblem::WrongType {
                view: "gw_employment".into(),
                column: "start_date".into(),
                found: text_type.into(),
                expected: ColumnKind::Date,
            },
            ContractProblem::MissingColumn {
                view: "gw_employment".into(),
                column: "sector_code".into(),
            },
            ContractProblem::MissingView {
                view: "gw_training".into(),
            },
        ]
    }

    async fn run(db: &DatabaseConnection, ddl: &[String]) {
        for statement in ddl {
            db.execute_unprepared(statement)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
    }

    #[tokio::test]
    async fn sqlite_conforming_views_have_no_problems() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        run(&db, &conforming_ddl(&SQLITE)).await;
        assert_eq!(check_contract(&db).await.unwrap(), vec![]);
    }

    #[tokio::test]
    async fn sqlite_reports_missing_view_missing_column_and_wrong_type() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        run(&db, &nonconforming_ddl(&SQLITE)).await;
        let problems = check_contract(&db).await.unwrap();
        assert_eq!(problems, expected_problems("TEXT"));
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "view gw_employment: column start_date has type TEXT, expected DATE",
                "view gw_employment: column sector_code is missing",
                "view gw_training is missing (create it as described in the README's contract section)",
            ]
        );
    }

    #[tokio::test]
    async fn sqlite_empty_database_misses_every_view() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let problems = check_contract(&db).await.unwrap();
        assert_eq!(
            problems,
            VIEWS
                .iter()
                .map(|v| ContractProblem::MissingView {
                    view: v.name.into()
                })
                .collect::<Vec<_>>()
        );
    }

    #[tokio::test]
    async fn sqlite_wrong_family_is_reported_with_the_declared_type() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let mut ddl = conforming_ddl(&SQLITE);
        // updated_at declared DATE instead of a timestamp; id as TEXT.
        ddl[0] = ddl[0].replace("aggiornato TIMESTAMP", "aggiornato DATE");
        ddl[4] = ddl[4].replace("id BIGINT", "id VARCHAR(20)");
        run(&db, &ddl).await;
        let problems = check_contract(&db).await.unwrap();
        assert_eq!(
            problems,
            vec![
                ContractProblem::WrongType {
                    view: "gw_person".into(),
                    column: "updated_at".into(),
                    found: "DATE".into(),
                    expected: ColumnKind::Timestamp,
                },
                ContractProblem::WrongType {
                    view: "gw_training".into(),
                    column: "id".into(),
                    found: "VARCHAR(20)".into(),
                    expected: ColumnKind::Integer,
                },
            ]
        );
        assert_eq!(
            problems[1].to_string(),
            "view gw_training: column id has type VARCHAR(20), expected an integer type \
             (SMALLINT/INTEGER/BIGINT)"
        );
    }

    #[test]
    fn families() {
        use ColumnKind::*;
        use DatabaseBackend::{MySql, Postgres, Sqlite};
        for (backend, t, kind) in [
            (Sqlite, "BIGINT", Some(Integer)),
            (Sqlite, "character(16)", Some(Text)),
            (Sqlite, "DATE", Some(Date)),
            (Sqlite, "DATETIME", Some(Timestamp)),
            (Sqlite, "timestamp", Some(Timestamp)),
            (Sqlite, "DOUBLE PRECISION", Some(Decimal)),
            (Sqlite, "BLOB", None),
            (Postgres, "character", Some(Text)),
            (Postgres, "timestamp with time zone", Some(Timestamp)),
            (Postgres, "double precision", Some(Decimal)),
            (Postgres, "boolean", None),
            (MySql, "varchar", Some(Text)),
            (MySql, "datetime", Some(Timestamp)),
            (MySql, "tinyint", Some(Integer)),
            (MySql, "blob", None),
        ] {
            assert_eq!(family(backend, t), kind, "{backend:?} {t}");
        }
        assert!(type_matches(Postgres, "integer", Decimal));
        assert!(!type_matches(Postgres, "numeric", Integer));
        assert!(type_matches(Sqlite, "", Date));
    }

    async fn conforming_and_not(engine: Engine, types: &Types, text_type: &str, name: &str) {
        for (ddl, expected) in [
            (conforming_ddl(types), vec![]),
            (nonconforming_ddl(types), expected_problems(text_type)),
        ] {
            let Some(test_db) = database_or_skip(engine, name).await else {
                return;
            };
            let db = test_db
                .connect()
                .await
                .expect("connect to the test database");
            run(&db, &ddl).await;
            let problems = check_contract(&db).await;
            db.close().await.expect("close");
            test_db
                .drop_database()
                .await
                .expect("drop the test database");
            assert_eq!(problems.expect("check_contract"), expected);
        }
    }

    #[tokio::test]
    async fn postgres_conforming_and_nonconforming_views() {
        conforming_and_not(
            Engine::Postgres,
            &POSTGRES,
            "character varying",
            "postgres_conforming_and_nonconforming_views",
        )
        .await;
    }

    #[tokio::test]
    async fn mysql_conforming_and_nonconforming_views() {
        conforming_and_not(
            Engine::MySql,
            &MYSQL,
            "varchar",
            "mysql_conforming_and_nonconforming_views",
        )
        .await;
    }
}
