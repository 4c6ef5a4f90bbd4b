//! The import's writes (README "Import"): every statement the bulk import sends to the store's
//! tables, one batch per transaction; the COPY path on PostgreSQL (`copy`), multi-row INSERTs on
//! SQLite (`sqlite`), SeaORM's statements elsewhere. `crate::import` parses and checks the
//! lines and hands the rows here.

mod copy;
pub mod ivc;
mod sqlite;

use entities::{evidence, libretto, libretto_experience};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use std::collections::{BTreeSet, HashSet};

/// Rows per INSERT statement: PostgreSQL binds at most 65,535 values per statement.
const ROWS_PER_STATEMENT: usize = 500;

/// The rows one line becomes.
pub struct LibrettoRows {
    pub libretto: libretto::ActiveModel,
    pub experiences: Vec<libretto_experience::ActiveModel>,
    pub evidences: Vec<evidence::ActiveModel>,
}

/// Batches written at once. PostgreSQL runs each connection's statements on one core, so two
/// connections keep both of a 2-core server busy while the import parses the next batch;
/// SQLite has one writer.
pub fn writers(db: &DatabaseConnection) -> usize {
    match db.get_database_backend() {
        DbBackend::Postgres => 2,
        _ => 1,
    }
}

/// A table that grew from empty under live foreign keys is planned from statistics that say
/// it is empty: PostgreSQL then checks every key by a sequential scan (measured: 2.8 billion
/// rows read for 100,000 IVC dossiers, 378 dossiers/s). Analysing once the first batch is in
/// puts the plans on the indexes, where they stay as the table grows.
pub async fn analyze_after_first_batch(
    db: &DatabaseConnection,
    tables: &[&str],
) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("ANALYZE {}", tables.join(", ")))
            .await?;
    }
    Ok(())
}

/// After a bulk load the planner's statistics are stale (a report over a million fresh rows
/// would be planned as if the tables were empty): refresh them for the tables written.
pub async fn refresh_statistics(
    db: &DatabaseConnection,
    imported: usize,
    tables: &[&str],
) -> Result<(), sea_orm::DbErr> {
    if imported == 0 {
        return Ok(());
    }
    let list = tables.join(", ");
    let statement = match db.get_database_backend() {
        // VACUUM also marks the pages all-visible, which index-only scans need
        DbBackend::Postgres => format!("VACUUM (ANALYZE) {list}"),
        DbBackend::MySql => format!("ANALYZE TABLE {list}"),
        // SQLite's own advice after large changes: analyses what needs it, within limits
        _ => "PRAGMA optimize".to_owned(),
    };
    db.execute_unprepared(&statement).await?;
    Ok(())
}

/// What one batch's transaction did.
pub struct Written {
    /// Valid lines in the batch.
    pub attempted: usize,
    /// Of which stored now (the others were already there).
    pub inserted: u64,
}

/// One transaction per batch; rows already stored (same number, or an active libretto of the
/// same citizen) are skipped by the database, and their children with them: children go in
/// only for libretti stored under their id in this batch. PostgreSQL takes the COPY path
/// (`copy`), SQLite its own multi-row INSERTs (`sqlite`), any other store SeaORM's.
pub async fn write(
    db: DatabaseConnection,
    batch: Vec<LibrettoRows>,
) -> Result<Written, sea_orm::DbErr> {
    let attempted = batch.len();
    let mut libretti = Vec::with_capacity(attempted);
    let mut experiences = Vec::new();
    let mut evidences = Vec::new();
    for rows in batch {
        libretti.push(rows.libretto);
        experiences.extend(rows.experiences);
        evidences.extend(rows.evidences);
    }
    let owner_of_experience =
        |e: &libretto_experience::ActiveModel| e.libretto_id.try_as_ref().cloned();
    let owner_of_evidence =
        |e: &evidence::ActiveModel| e.libretto_id.try_as_ref().cloned().flatten();
    let inserted = match db.get_database_backend() {
        DbBackend::Postgres => {
            let rows = (libretti.iter().collect::<Vec<_>>(), experiences, evidences);
            copy::retrying_deadlocks(&db, &rows, |txn, (libretti, exp, ev)| {
                Box::pin(copy_batch(txn, libretti, exp, ev))
            })
            .await?
        }
        DbBackend::Sqlite => {
            let mut txn = db
                .get_sqlite_connection_pool()
                .begin()
                .await
                .map_err(copy::db_err)?;
            let inserted = sqlite::insert_new(&mut txn, libretti).await?;
            if inserted < attempted as u64 {
                // some were stored already: only the children of those this batch stored go in
                let owners = experiences
                    .iter()
                    .filter_map(owner_of_experience)
                    .chain(evidences.iter().filter_map(owner_of_evidence));
                let stored = sqlite::stored_ids(&mut txn, "libretto", owners).await?;
                keep_owned(&mut experiences, &stored, owner_of_experience);
                keep_owned(&mut evidences, &stored, owner_of_evidence);
            }
            sqlite::insert_new(&mut txn, experiences).await?;
            sqlite::insert_new(&mut txn, evidences).await?;
            txn.commit().await.map_err(copy::db_err)?;
            inserted
        }
        _ => {
            let txn = db.begin().await?;
            let inserted = insert_new(&txn, libretti).await?;
            let owners = experiences
                .iter()
                .filter_map(owner_of_experience)
                .chain(evidences.iter().filter_map(owner_of_evidence));
            let stored = stored_ids::<libretto::Entity>(&txn, libretto::Column::Id, owners).await?;
            keep_owned(&mut experiences, &stored, owner_of_experience);
            keep_owned(&mut evidences, &stored, owner_of_evidence);
            insert_new(&txn, experiences).await?;
            insert_new(&txn, evidences).await?;
            txn.commit().await?;
            inserted
        }
    };
    Ok(Written {
        attempted,
        inserted,
    })
}

/// One attempt at a batch on PostgreSQL: the libretti, then the children of those stored.
async fn copy_batch(
    txn: &mut sea_orm::sqlx::PgConnection,
    libretti: &[&libretto::ActiveModel],
    experiences: &[libretto_experience::ActiveModel],
    evidences: &[evidence::ActiveModel],
) -> Result<u64, sea_orm::DbErr> {
    let stored = copy::insert_new(txn, libretti, libretto::Column::Id).await?;
    let experiences = copy::owned_by(experiences, &stored, |e| {
        e.libretto_id.try_as_ref().cloned()
    });
    copy::insert_new(txn, &experiences, libretto_experience::Column::Id).await?;
    let evidences = copy::owned_by(evidences, &stored, |e| {
        e.libretto_id.try_as_ref().cloned().flatten()
    });
    copy::insert_new(txn, &evidences, evidence::Column::Id).await?;
    Ok(stored.len() as u64)
}

/// Where the bulk paths (`copy`, `sqlite`) write a batch of rows: the table, the columns its
/// first row sets (every row of a batch sets the same ones) and their quoted names. Table and
/// column names come from the entities, never from the input.
pub(crate) struct Destination<C> {
    table: String,
    columns: Vec<C>,
    names: String,
}

impl<C: ColumnTrait> Destination<C> {
    fn of<A>(first: &A) -> Self
    where
        A: ActiveModelTrait,
        A::Entity: EntityTrait<Column = C>,
    {
        use sea_orm::EntityName;
        let columns: Vec<C> = C::iter().filter(|c| first.get(*c).is_set()).collect();
        let names = columns
            .iter()
            .map(|c| format!("\"{}\"", c.to_string()))
            .collect::<Vec<_>>()
            .join(", ");
        Destination {
            table: A::Entity::default().table_name().to_owned(),
            columns,
            names,
        }
    }

    /// The value a row gives `column`: an error when it leaves it unset while the first row
    /// set it.
    fn value(
        &self,
        column: C,
        value: sea_orm::ActiveValue<sea_orm::Value>,
    ) -> Result<sea_orm::Value, sea_orm::DbErr> {
        value.into_value().ok_or_else(|| {
            self.error(format!(
                "a row leaves {} unset while others set it",
                column.to_string()
            ))
        })
    }

    fn error(&self, what: impl std::fmt::Display) -> sea_orm::DbErr {
        sea_orm::DbErr::Custom(format!("import into {}: {what}", self.table))
    }
}

/// Keeps the children whose owner is among `stored`.
pub(crate) fn keep_owned<C>(
    children: &mut Vec<C>,
    stored: &HashSet<String>,
    owner_of: impl Fn(&C) -> Option<String>,
) {
    children.retain(|c| owner_of(c).is_some_and(|id| stored.contains(&id)));
}

/// Inserts `rows` [`ROWS_PER_STATEMENT`] at a time, the database skipping each one that collides with a
/// stored row on any unique key (that is what makes a re-run idempotent); how many went in.
pub(crate) async fn insert_new<A>(
    txn: &DatabaseTransaction,
    rows: Vec<A>,
) -> Result<u64, sea_orm::DbErr>
where
    A: ActiveModelTrait + Send,
{
    let mut inserted = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        // moved, not cloned: copying every row's strings was a tenth of the import's time
        let chunk: Vec<A> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        inserted += A::Entity::insert_many(chunk)
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(inserted)
}

/// Which of `ids` are stored in `E` (one statement per [`ROWS_PER_STATEMENT`] ids).
pub(crate) async fn stored_ids<E: EntityTrait>(
    txn: &DatabaseTransaction,
    id: E::Column,
    ids: impl IntoIterator<Item = String>,
) -> Result<HashSet<String>, sea_orm::DbErr> {
    let ids: Vec<String> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut stored = HashSet::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        stored.extend(
            E::find()
                .select_only()
                .column(id)
                .filter(id.is_in(chunk.iter().cloned()))
                .into_tuple::<String>()
                .all(txn)
                .await?,
        );
    }
    Ok(stored)
}
