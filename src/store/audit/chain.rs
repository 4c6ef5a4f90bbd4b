//! The hash chain that makes the audit log tamper-evident (Garante, provvedimento 27 novembre
//! 2008: access logs "inalterabili" and verifiable). Each row's `hash` is SHA-256 over a
//! canonical serialisation of its fields and the previous row's hash, stored as the row's
//! `prev_hash`; the row ids are given here, one after the other, so the chain is the id
//! order. Changing a row breaks its own hash; deleting one breaks the next row's
//! `prev_hash`; cutting rows off the end no longer matches `audit_chain_head`.
//!
//! Appends are serialised by a lock on the head row (PostgreSQL and MySQL `SELECT … FOR
//! UPDATE`; SQLite has one writer), so concurrent requests and replicas cannot fork the
//! chain; on PostgreSQL the read audit's writer instead moves the head with a conditional
//! update in the statement that inserts its rows (`append_if_head`), which the same row
//! lock serialises. `verify` walks the chain from the newest `audit_chain_anchor` (migration
//! 000010, then one per `prune`). Someone able to recompute every later hash and the head
//! can fool any check made from the database alone: `checkpoint` records the head outside it.

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use entities::{audit_chain_anchor, audit_chain_head, audit_log};
use sea_orm::sea_query::{
    Alias, CommonTableExpression, Expr, ExprTrait, Query, QueryStatementBuilder, SimpleExpr,
    WithClause,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    QueryOrder, QuerySelect, QueryTrait,
};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first row of the chain (migration 000010).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The version tag inside every hashed text: a change of the serialisation is a new tag.
const FORMAT: &str = "fascicolo-audit-v1";
const HEAD: i16 = 1;
/// 11 parameters a row: well under PostgreSQL's 65,535 and SQLite's 32,766 per statement.
const ROWS_PER_INSERT: usize = 2_000;

/// A row to append; the chain gives it its id and hashes.
#[derive(Debug, Clone)]
pub struct NewRow {
    pub at: DateTime<Utc>,
    pub request_id: String,
    pub subject: String,
    pub role: String,
    pub office: Option<String>,
    pub fiscal_code: String,
    pub action: String,
    pub fields: String,
}

/// SHA-256 (lowercase hex) of the row's canonical text: a JSON array of the format tag, the
/// id, `at` in UTC with microseconds, the other columns in table order (office `null` when
/// absent) and `prev_hash`. JSON quoting makes the text unambiguous whatever the fields hold.
pub fn hash(row: &audit_log::Model, prev_hash: &str) -> String {
    let text = serde_json::json!([
        FORMAT,
        row.id,
        row.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        row.request_id,
        row.subject,
        row.role,
        row.office,
        row.fiscal_code,
        row.action,
        row.fields,
        prev_hash,
    ])
    .to_string();
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// `at` as the column gives it back, so the hash computed now is the one `verify` recomputes:
/// microseconds (PostgreSQL, SQLite), whole seconds (a MySQL `timestamp`).
fn stored(backend: DbBackend, at: DateTime<Utc>) -> DateTime<Utc> {
    match backend {
        DbBackend::MySql => at.trunc_subsecs(0),
        _ => at.trunc_subsecs(6),
    }
}

/// Appends `rows` to the chain inside the caller's transaction, which must commit for them
/// to count; the head stays locked until then. Two statements on PostgreSQL (lock the head;
/// insert the rows and move the head in one statement), three elsewhere.
pub async fn append(txn: &DatabaseTransaction, rows: Vec<NewRow>) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let backend = txn.get_database_backend();
    // a concurrent append waits here until the first commits, then reads the head it left
    let head = audit_chain_head::Entity::find_by_id(HEAD)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_chain_head (migration 000010)".into()))?;
    let (models, last_id, last_hash) = link(backend, rows, head.last_id, head.last_hash);
    let models: Vec<audit_log::ActiveModel> = models
        .into_iter()
        .map(|m| audit_log::ActiveModel::from(m).reset_all())
        .collect();
    let advance = Query::update()
        .table(audit_chain_head::Entity)
        .value(audit_chain_head::Column::LastId, last_id)
        .value(audit_chain_head::Column::LastHash, last_hash)
        .and_where(Expr::col(audit_chain_head::Column::Id).eq(HEAD))
        .to_owned();
    let mut chunks: Vec<Vec<audit_log::ActiveModel>> = Vec::new();
    let mut models = models.into_iter().peekable();
    while models.peek().is_some() {
        chunks.push(models.by_ref().take(ROWS_PER_INSERT).collect());
    }
    let last = chunks.pop().unwrap_or_default();
    for chunk in chunks {
        audit_log::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    if backend == DbBackend::Postgres {
        // one round trip fewer on the path of every request: a data-modifying CTE
        let insert = audit_log::Entity::insert_many(last).into_query();
        let appended = CommonTableExpression::new()
            .query(insert)
            .table_name(Alias::new("appended"))
            .to_owned();
        txn.execute(&advance.with(WithClause::new().cte(appended).to_owned()))
            .await?;
    } else {
        audit_log::Entity::insert_many(last)
            .exec_without_returning(txn)
            .await?;
        txn.execute(&advance).await?;
    }
    Ok(())
}

/// Gives `rows` their ids after `last_id` and chains their hashes from `last_hash`; the
/// models and the head they leave.
fn link(
    backend: DbBackend,
    rows: Vec<NewRow>,
    mut last_id: i64,
    mut last_hash: String,
) -> (Vec<audit_log::Model>, i64, String) {
    let mut models = Vec::with_capacity(rows.len());
    for row in rows {
        last_id += 1;
        let mut model = audit_log::Model {
            id: last_id,
            at: stored(backend, row.at),
            request_id: row.request_id,
            subject: row.subject,
            role: row.role,
            office: row.office,
            fiscal_code: row.fiscal_code,
            action: row.action,
            fields: row.fields,
            prev_hash: Some(last_hash.clone()),
            hash: None,
        };
        last_hash = hash(&model, &last_hash);
        model.hash = Some(last_hash.clone());
        models.push(model);
    }
    (models, last_id, last_hash)
}

/// The chain's head as a writer last left it (`append_if_head`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub last_id: i64,
    pub last_hash: String,
}

/// Tries a PostgreSQL append by one autocommitted statement: it moves the head only if the
/// head is still `head`, and inserts the rows only if the head moved (one round trip and one
/// commit, where `append` takes four statements under the head's lock). Returns the new
/// head, or `None` when someone else (another replica, a write, a prune) moved the head
/// first: nothing was written, and the caller reads the head again. A writer blocked by a
/// write's lock on the head sees that write's head once it commits, so the chain never forks.
pub async fn append_if_head(
    db: &impl ConnectionTrait,
    rows: Vec<NewRow>,
    head: &Head,
) -> Result<Option<Head>, DbErr> {
    let (models, last_id, last_hash) = link(
        DbBackend::Postgres,
        rows,
        head.last_id,
        head.last_hash.clone(),
    );
    let mut values: Vec<sea_orm::Value> = vec![
        last_id.into(),
        last_hash.clone().into(),
        HEAD.into(),
        head.last_id.into(),
        head.last_hash.clone().into(),
    ];
    let mut tuples = Vec::with_capacity(models.len());
    let count = models.len();
    for m in models {
        let first = values.len() + 1;
        let params: Vec<String> = (first..first + 11).map(|i| format!("${i}")).collect();
        tuples.push(format!("({})", params.join(", ")));
        values.extend([
            m.id.into(),
            m.at.into(),
            m.request_id.into(),
            m.subject.into(),
            m.role.into(),
            m.office.into(),
            m.fiscal_code.into(),
            m.action.into(),
            m.fields.into(),
            m.prev_hash.into(),
            m.hash.into(),
        ]);
    }
    let columns =
        "id, at, request_id, subject, role, office, fiscal_code, action, fields, prev_hash, hash";
    let sql = format!(
        "WITH moved AS (UPDATE audit_chain_head SET last_id = $1, last_hash = $2 \
         WHERE id = $3 AND last_id = $4 AND last_hash = $5 RETURNING id) \
         INSERT INTO audit_log ({columns}) SELECT * FROM (VALUES {}) AS appended ({columns}) \
         WHERE EXISTS (SELECT 1 FROM moved)",
        tuples.join(", ")
    );
    let done = db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            values,
        ))
        .await?;
    Ok((done.rows_affected() == count as u64).then_some(Head { last_id, last_hash }))
}

/// The head as it is now (no lock).
pub async fn read_head(db: &impl ConnectionTrait) -> Result<Head, DbErr> {
    let head = audit_chain_head::Entity::find_by_id(HEAD)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_chain_head (migration 000010)".into()))?;
    Ok(Head {
        last_id: head.last_id,
        last_hash: head.last_hash,
    })
}

/// The condition "appended through the chain": at or below the head. Rows past the head
/// were inserted behind the chain's back (`verify` reports them) and are no access to show.
pub fn within_head() -> sea_orm::sea_query::SimpleExpr {
    let head = Query::select()
        .column(audit_chain_head::Column::LastId)
        .from(audit_chain_head::Entity)
        .and_where(Expr::col(audit_chain_head::Column::Id).eq(HEAD))
        .to_owned();
    Expr::col((audit_log::Entity, audit_log::Column::Id)).lte(SimpleExpr::SubQuery(
        None,
        Box::new(head.into_sub_query_statement()),
    ))
}

/// Rows one `append_if_head` statement takes (11 parameters a row, PostgreSQL's limit 65,535).
pub const ROWS_PER_STATEMENT: usize = ROWS_PER_INSERT;

/// The newest anchor: the furthest `through_id`, the latest written among equals.
pub async fn latest_anchor(db: &impl ConnectionTrait) -> Result<audit_chain_anchor::Model, DbErr> {
    audit_chain_anchor::Entity::find()
        .order_by_desc(audit_chain_anchor::Column::ThroughId)
        .order_by_desc(audit_chain_anchor::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_chain_anchor (migration 000010)".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> audit_log::Model {
        audit_log::Model {
            id: 7,
            at: DateTime::parse_from_rfc3339("2026-11-23T10:00:00.123456Z")
                .unwrap()
                .with_timezone(&Utc),
            request_id: "r-1".into(),
            subject: "op".into(),
            role: "operator".into(),
            office: Some("CPI-FI-01".into()),
            fiscal_code: "RSSMRA85T10A562S".into(),
            action: "read".into(),
            fields: "person".into(),
            prev_hash: None,
            hash: None,
        }
    }

    /// The hash covers every column and the previous hash, and is stable (a stored chain
    /// stays verifiable across releases; a new serialisation needs a new FORMAT).
    #[test]
    fn the_hash_covers_every_field() {
        let base = hash(&row(), GENESIS);
        assert_eq!(base.len(), 64);
        assert_eq!(base, hash(&row(), GENESIS));
        let mut changes: Vec<audit_log::Model> = Vec::new();
        for change in 0..9 {
            let mut r = row();
            match change {
                0 => r.id = 8,
                1 => r.at += chrono::Duration::microseconds(1),
                2 => r.request_id.push('x'),
                3 => r.subject.push('x'),
                4 => r.role.push('x'),
                5 => r.office = None,
                6 => r.fiscal_code = "RSSMRA85T10A562T".into(),
                7 => r.action = "write".into(),
                _ => r.fields.push_str(",cv"),
            }
            changes.push(r);
        }
        for r in &changes {
            assert_ne!(hash(r, GENESIS), base, "{r:?}");
        }
        assert_ne!(hash(&row(), &base), base);
        // a field's text cannot be moved into its neighbour
        let mut a = row();
        a.subject = "op\",\"operator".into();
        a.role = String::new();
        assert_ne!(hash(&a, GENESIS), base);
    }

    /// PostgreSQL gets the rows and the head's move as one statement.
    #[test]
    fn the_postgres_append_is_one_statement() {
        let insert =
            audit_log::Entity::insert_many([audit_log::ActiveModel::from(row()).reset_all()])
                .into_query();
        let update = Query::update()
            .table(audit_chain_head::Entity)
            .value(audit_chain_head::Column::LastId, 7)
            .and_where(Expr::col(audit_chain_head::Column::Id).eq(HEAD))
            .to_owned();
        let cte = CommonTableExpression::new()
            .query(insert)
            .table_name(Alias::new("appended"))
            .to_owned();
        let sql = DbBackend::Postgres
            .build(&update.with(WithClause::new().cte(cte).to_owned()))
            .sql;
        assert!(
            sql.starts_with("WITH \"appended\" AS (INSERT INTO \"audit_log\""),
            "{sql}"
        );
        assert!(sql.contains(") UPDATE \"audit_chain_head\""), "{sql}");
        assert!(!sql.contains("RETURNING"), "{sql}");
    }
}
