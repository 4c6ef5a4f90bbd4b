//! Whether a regional database matches the source contract (the views in
//! [`contract::VIEWS`](super::contract::VIEWS)): every problem — missing view, missing column,
//! wrong type — as one [`ContractProblem`]. `check-sources` prints them; the registry runs the
//! same check at start-up and in each readiness probe, and keeps a source that fails it out of
//! every request until it passes (issue 20).
//!
//! Types are compared by family ([`ColumnKind`]), read from the engine's catalog: PostgreSQL and
//! MySQL/MariaDB `information_schema.columns`, SQLite `pragma_table_info` (declared types,
//! mapped with SQLite's affinity rules). Extra columns are fine; nullability is not checked
//! (views do not carry it reliably).

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

use super::contract::{ColumnKind, ContractView, VIEWS};
use super::fault::CallError;

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

/// A failed call as a problem line: its detail without the endpoint the line already names.
/// (The HTTP adapter's details name fields and statuses, never a row's values.)
pub fn endpoint_problem(endpoint: &str, error: &CallError) -> ContractProblem {
    let detail = error.detail.as_str();
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
mod tests;
