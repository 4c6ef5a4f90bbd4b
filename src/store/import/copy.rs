//! The PostgreSQL bulk path of the import: a batch's rows go into the table by `COPY`, or,
//! when some of them are already stored, to a temporary staging table by `COPY` and into the
//! real table by one `INSERT … SELECT … ON CONFLICT DO NOTHING`; either instead of INSERT
//! statements of 500 rows with 10,000 bound values each. Parsing, binding and
//! planning those statements cost more server time than writing the rows (measured on 100,000
//! libretti: 14.9 s with multi-row INSERTs, against 3.5 s for an `INSERT … SELECT` of the same
//! rows with the same indexes).

use super::Destination;
use sea_orm::sea_query::{Iden, Value};
use sea_orm::sqlx::{self, AssertSqlSafe, PgConnection};
use sea_orm::{ActiveModelTrait, DbErr, EntityTrait, RuntimeErr};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

pub(crate) fn db_err(err: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(Arc::new(err)))
}

/// How often a batch that lost a deadlock is tried again before the import gives up.
const DEADLOCK_RETRIES: usize = 5;

/// PostgreSQL chose this transaction to end a deadlock (SQLSTATE 40P01).
fn is_deadlock(err: &DbErr) -> bool {
    sqlstate(err).as_deref() == Some("40P01")
}

fn sqlstate(err: &DbErr) -> Option<String> {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match &**e {
                sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// One attempt at a batch's writes, inside the transaction it is given.
pub(crate) type Attempt<'c, T> =
    std::pin::Pin<Box<dyn Future<Output = Result<T, DbErr>> + Send + 'c>>;

/// Runs `attempt` over `rows` in one transaction and commits it. Two batches in flight wait
/// on each other when each holds a key the other inserts (the same number on two lines of
/// the file, say); PostgreSQL then rolls one back, and that one is run again: the other has
/// committed, so its keys now count as already present.
pub(crate) async fn retrying_deadlocks<D: Sync + ?Sized, T>(
    db: &sea_orm::DatabaseConnection,
    rows: &D,
    attempt: for<'c> fn(&'c mut PgConnection, &'c D) -> Attempt<'c, T>,
) -> Result<T, DbErr> {
    let mut attempts = 0;
    loop {
        let mut txn = db
            .get_postgres_connection_pool()
            .begin()
            .await
            .map_err(db_err)?;
        match attempt(&mut txn, rows).await {
            Ok(value) => {
                txn.commit().await.map_err(db_err)?;
                return Ok(value);
            }
            Err(err) if is_deadlock(&err) && attempts < DEADLOCK_RETRIES => {
                attempts += 1;
                tracing::info!(
                    attempt = attempts,
                    "import batch rolled back by a deadlock; retrying"
                );
                txn.rollback().await.map_err(db_err)?;
            }
            Err(err) => return Err(err),
        }
    }
}

/// The children whose owner (`owner_of`) was stored by this batch.
pub(crate) fn owned_by<'a, C>(
    children: &'a [C],
    stored: &HashSet<String>,
    owner_of: impl Fn(&C) -> Option<String>,
) -> Vec<&'a C> {
    children
        .iter()
        .filter(|c| owner_of(c).is_some_and(|id| stored.contains(&id)))
        .collect()
}

/// Inserts `rows` (every row setting the same columns), skipping each one that collides with
/// a stored row on any unique key; returns the `key` of every row inserted.
///
/// First straight into the table by `COPY`, in a savepoint: when no row collides (a first
/// load, where most batches are), each row is written once. A collision stops that `COPY`
/// at the row (unique violation), and the batch goes by the staging table instead, where
/// `ON CONFLICT DO NOTHING` skips the rows already present (measured on 100,000 libretti into
/// empty tables: 4.3 s of the server's 8 s went to the `INSERT … SELECT` from staging).
pub(crate) async fn insert_new<A>(
    txn: &mut PgConnection,
    rows: &[&A],
    key: <A::Entity as EntityTrait>::Column,
) -> Result<HashSet<String>, DbErr>
where
    A: ActiveModelTrait,
{
    let Some(first) = rows.first() else {
        return Ok(HashSet::new());
    };
    let destination = Destination::of(*first);
    let Destination {
        table,
        columns,
        names,
    } = &destination;
    let mut csv = String::new();
    let mut keys = HashSet::with_capacity(rows.len());
    for row in rows {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                csv.push(',');
            }
            let value = destination.value(*column, row.get(*column))?;
            write_csv_field(&mut csv, &value).map_err(|what| destination.error(what))?;
        }
        csv.push('\n');
        if let Some(Value::String(Some(id))) = row.get(key).into_value() {
            keys.insert(id);
        }
    }
    execute(txn, "SAVEPOINT import_direct").await?;
    match copy_in(
        txn,
        &format!("COPY \"{table}\" ({names}) FROM STDIN (FORMAT csv)"),
        &csv,
    )
    .await
    {
        Ok(()) => {
            execute(txn, "RELEASE SAVEPOINT import_direct").await?;
            return Ok(keys);
        }
        Err(err) if is_unique_violation(&err) => {
            execute(txn, "ROLLBACK TO SAVEPOINT import_direct").await?;
        }
        Err(err) => return Err(err),
    }
    // the staging table lives as long as the connection and is emptied at every commit
    let staging = format!("import_{table}");
    execute(
        txn,
        &format!(
            "CREATE TEMP TABLE IF NOT EXISTS \"{staging}\" (LIKE \"{table}\" INCLUDING DEFAULTS) \
             ON COMMIT DELETE ROWS"
        ),
    )
    .await?;
    copy_in(
        txn,
        &format!("COPY \"{staging}\" ({names}) FROM STDIN (FORMAT csv)"),
        &csv,
    )
    .await?;
    let inserted: Vec<(String,)> = sqlx::query_as(AssertSqlSafe(format!(
        "INSERT INTO \"{table}\" ({names}) SELECT {names} FROM \"{staging}\" \
         ON CONFLICT DO NOTHING RETURNING \"{}\"",
        key.to_string()
    )))
    .fetch_all(&mut *txn)
    .await
    .map_err(db_err)?;
    execute(txn, &format!("TRUNCATE \"{staging}\"")).await?;
    Ok(inserted.into_iter().map(|(id,)| id).collect())
}

async fn execute(txn: &mut PgConnection, sql: &str) -> Result<(), DbErr> {
    sqlx::query(AssertSqlSafe(sql.to_owned()))
        .execute(&mut *txn)
        .await
        .map_err(db_err)?;
    Ok(())
}

async fn copy_in(txn: &mut PgConnection, statement: &str, csv: &str) -> Result<(), DbErr> {
    let mut copy = txn.copy_in_raw(statement).await.map_err(db_err)?;
    copy.send(csv.as_bytes()).await.map_err(db_err)?;
    copy.finish().await.map_err(db_err)?;
    Ok(())
}

/// A row collided with a stored one on a unique key (SQLSTATE 23505).
fn is_unique_violation(err: &DbErr) -> bool {
    sqlstate(err).as_deref() == Some("23505")
}

/// One field of PostgreSQL's CSV format: an unquoted empty field is NULL, so every text is
/// quoted (an empty string stays a string).
fn write_csv_field(out: &mut String, value: &Value) -> Result<(), String> {
    fn quoted(out: &mut String, text: &str) {
        out.push('"');
        for c in text.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    }
    // `write!` into a String cannot fail
    match value {
        Value::Bool(v) => {
            if let Some(b) = v {
                out.push_str(if *b { "t" } else { "f" });
            }
        }
        Value::SmallInt(v) => v.iter().for_each(|n| _ = write!(out, "{n}")),
        Value::Int(v) => v.iter().for_each(|n| _ = write!(out, "{n}")),
        Value::BigInt(v) => v.iter().for_each(|n| _ = write!(out, "{n}")),
        Value::Double(v) => v.iter().for_each(|n| _ = write!(out, "{n}")),
        Value::String(v) => v.iter().for_each(|s| quoted(out, s)),
        Value::Json(v) => v.iter().for_each(|j| quoted(out, &j.to_string())),
        Value::ChronoDate(v) => v.iter().for_each(|d| _ = write!(out, "{d}")),
        Value::ChronoDateTimeUtc(v) => v.iter().for_each(|t| quoted(out, &t.to_rfc3339())),
        other => return Err(format!("no CSV form for {other:?}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(value: &Value) -> String {
        let mut out = String::new();
        write_csv_field(&mut out, value).unwrap();
        out
    }

    #[test]
    fn csv_fields_keep_null_apart_from_empty_text_and_escape_quotes() {
        assert_eq!(field(&Value::String(None)), "");
        assert_eq!(field(&Value::String(Some(String::new()))), "\"\"");
        assert_eq!(
            field(&Value::String(Some("Hotel \"Bella\", Pisa\n".into()))),
            "\"Hotel \"\"Bella\"\", Pisa\n\""
        );
        assert_eq!(field(&Value::Bool(Some(false))), "f");
        assert_eq!(field(&Value::Int(Some(-3))), "-3");
        assert_eq!(field(&Value::Int(None)), "");
        let day = chrono::NaiveDate::from_ymd_opt(2014, 10, 27).unwrap();
        assert_eq!(field(&Value::ChronoDate(Some(day))), "2014-10-27");
        let noon = day.and_hms_opt(12, 0, 0).unwrap().and_utc();
        assert_eq!(
            field(&Value::ChronoDateTimeUtc(Some(noon))),
            "\"2014-10-27T12:00:00+00:00\""
        );
    }

    #[test]
    fn a_value_without_a_csv_form_is_an_error_not_a_guess() {
        let mut out = String::new();
        assert!(write_csv_field(&mut out, &Value::Bytes(Some(vec![1]))).is_err());
    }
}
