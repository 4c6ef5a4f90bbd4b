//! Bulk loads into empty tables (the first import of a legacy application's documents): the
//! tables' secondary indexes, and on PostgreSQL their foreign keys, are dropped for the load
//! and built again after it, as PostgreSQL's manual advises ("Populating a Database").
//! Building an index over a million sorted keys costs a fraction of inserting them one by one
//! into random pages, and a foreign key is checked once by one join instead of once per row.
//! The unique indexes stay: they are what makes a re-run skip what is already stored.
//!
//! What was dropped is written to `deferred_ddl` (migration 000011) in the transaction that
//! drops it, and [`restore`] runs at every start of the store (`Store::migrate`), so an import
//! that stops half-way, whatever stops it, leaves a store that rebuilds them at its next start.

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement, TransactionTrait, Value,
};

const INDEX: &str = "INDEX";
const FOREIGN_KEY: &str = "FOREIGN_KEY";

/// One dropped index or constraint, as the database describes it.
struct Definition {
    table: String,
    name: String,
    kind: &'static str,
    /// The statement that recreates it, written by the database itself.
    create: String,
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The `i`th bound value: `$i` on PostgreSQL, `?` elsewhere.
fn placeholder(backend: DbBackend, i: usize) -> String {
    match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => "?".to_owned(),
    }
}

/// `$1, $2, …` on PostgreSQL, `?, ?, …` elsewhere.
fn placeholders(backend: DbBackend, count: usize) -> String {
    (1..=count)
        .map(|i| placeholder(backend, i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Drops the secondary indexes (and, on PostgreSQL, the foreign keys) of `tables` when every
/// one of them is empty, recording how to rebuild them; how many were dropped. Stores with
/// rows keep everything: rebuilding their indexes would cost more than the load saves.
pub async fn defer(db: &DatabaseConnection, tables: &[&str]) -> Result<usize, DbErr> {
    let backend = db.get_database_backend();
    if backend == DbBackend::MySql || tables.is_empty() {
        return Ok(0);
    }
    let txn = db.begin().await?;
    for table in tables {
        let sql = format!("SELECT 1 AS one FROM {} LIMIT 1", quoted(table));
        if txn
            .query_one_raw(Statement::from_string(backend, sql))
            .await?
            .is_some()
        {
            return Ok(0);
        }
    }
    let names: Vec<Value> = tables.iter().map(|t| (*t).into()).collect();
    let list = placeholders(backend, tables.len());
    let queries: Vec<(&'static str, String)> = match backend {
        DbBackend::Postgres => vec![
            (
                INDEX,
                format!(
                    "SELECT t.relname AS table_name, i.relname AS name, \
                     pg_get_indexdef(x.indexrelid) AS definition \
                     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
                     JOIN pg_class t ON t.oid = x.indrelid \
                     JOIN pg_namespace n ON n.oid = t.relnamespace \
                     WHERE n.nspname = current_schema() AND t.relname IN ({list}) \
                     AND NOT x.indisunique AND NOT x.indisprimary \
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) \
                     ORDER BY 1, 2"
                ),
            ),
            (
                FOREIGN_KEY,
                format!(
                    "SELECT t.relname AS table_name, c.conname AS name, \
                     'ALTER TABLE ' || quote_ident(t.relname) || ' ADD CONSTRAINT ' \
                     || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid) AS definition \
                     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                     JOIN pg_namespace n ON n.oid = t.relnamespace \
                     WHERE n.nspname = current_schema() AND c.contype = 'f' \
                     AND t.relname IN ({list}) ORDER BY 1, 2"
                ),
            ),
        ],
        // SQLite's foreign keys are part of their table: they stay, and cost an index lookup
        _ => vec![(
            INDEX,
            format!(
                "SELECT m.tbl_name AS table_name, m.name AS name, m.sql AS definition \
                 FROM sqlite_master m WHERE m.type = 'index' AND m.sql IS NOT NULL \
                 AND m.tbl_name IN ({list}) \
                 AND NOT EXISTS (SELECT 1 FROM pragma_index_list(m.tbl_name) l \
                                 WHERE l.name = m.name AND l.\"unique\") \
                 ORDER BY 1, 2"
            ),
        )],
    };
    let mut deferred = Vec::new();
    for (kind, sql) in queries {
        let statement = Statement::from_sql_and_values(backend, sql, names.clone());
        for row in txn.query_all_raw(statement).await? {
            deferred.push(Definition {
                table: row.try_get("", "table_name")?,
                name: row.try_get("", "name")?,
                kind,
                create: row.try_get("", "definition")?,
            });
        }
    }
    for d in &deferred {
        let record = format!(
            "INSERT INTO deferred_ddl (table_name, name, kind, definition) VALUES ({})",
            placeholders(backend, 4)
        );
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            record,
            [
                d.table.as_str().into(),
                d.name.as_str().into(),
                d.kind.into(),
                d.create.as_str().into(),
            ],
        ))
        .await?;
        let drop = if d.kind == INDEX {
            format!("DROP INDEX {}", quoted(&d.name))
        } else {
            format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                quoted(&d.table),
                quoted(&d.name)
            )
        };
        txn.execute_unprepared(&drop).await?;
    }
    txn.commit().await?;
    if !deferred.is_empty() {
        tracing::info!(
            count = deferred.len(),
            tables = %tables.join(","),
            "empty tables: secondary indexes and foreign keys dropped for the bulk load"
        );
    }
    Ok(deferred.len())
}

/// Rebuilds everything [`defer`] dropped (indexes first, then the foreign keys, which are
/// checked against every row as they come back); how many. Each one is claimed by deleting
/// its record in the transaction that rebuilds it, so two processes restoring at once build
/// each one once.
pub async fn restore(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let backend = db.get_database_backend();
    if backend == DbBackend::MySql {
        return Ok(0);
    }
    let pending = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT table_name, name FROM deferred_ddl \
             ORDER BY CASE kind WHEN 'INDEX' THEN 0 ELSE 1 END, table_name, name",
        ))
        .await?;
    let mut restored = 0;
    for row in pending {
        let table: String = row.try_get("", "table_name")?;
        let name: String = row.try_get("", "name")?;
        let txn = db.begin().await?;
        let claimed = txn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "DELETE FROM deferred_ddl WHERE table_name = {} AND name = {} \
                     RETURNING definition",
                    placeholder(backend, 1),
                    placeholder(backend, 2)
                ),
                [table.as_str().into(), name.as_str().into()],
            ))
            .await?;
        let Some(claimed) = claimed else {
            continue;
        };
        let definition: String = claimed.try_get("", "definition")?;
        txn.execute_unprepared(&definition).await.map_err(|e| {
            DbErr::Custom(format!(
                "rebuilding {name} on {table} after a bulk load: {e}"
            ))
        })?;
        txn.commit().await?;
        restored += 1;
    }
    if restored > 0 {
        tracing::info!(
            count = restored,
            "indexes and foreign keys rebuilt after a bulk load"
        );
    }
    Ok(restored)
}
