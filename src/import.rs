//! Bulk import of legacy documents (README "Import"): JSON Lines, streamed, checked line by
//! line, written in batched transactions, idempotent on each document's natural key (the
//! libretto number; the IVC dossier's legacy id, in `ivc`). A bad line is reported with its
//! number and reason and never stops or spoils the others.

mod codes;
mod copy;
pub mod ivc;
mod sqlite;

use crate::domain::FiscalCode;
use crate::domain::libretto::{ExperienceKind, ExperienceOrigin, LibrettoStatus, PersonSnapshot};
use crate::store::libretto::{EVIDENCE_TALLIES, EXPERIENCE_TALLIES};
use crate::store::reference::{EVIDENCE_CATEGORY, ReferenceData};
use chrono::{NaiveDate, Utc};
use entities::{evidence, libretto, libretto_experience};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};
use serde::Deserialize;
use std::collections::{BTreeSet, HashSet};

/// Lines per transaction on PostgreSQL. Large, because with keys spread over the whole index
/// most of a commit's cost is writing every page the batch touched, and 500-line commits
/// rewrote the same index pages 20 times as often; larger ones measured no faster there
/// (1,000,000 libretti: 30,100/s at 10,000 lines, 28,300/s at 50,000).
pub const BATCH: usize = 10_000;

/// Lines per transaction on SQLite, which writes each page a commit dirtied to its WAL once
/// per commit: the unique index on the citizen's code takes keys all over it, so every
/// 10,000-line commit rewrote most of its leaf pages (4.3 million page writes for a million
/// libretti). 50,000 lines: 27,400-28,300 libretti/s against 24,600; 100,000 were no faster
/// and held 400 MB more.
pub const SQLITE_BATCH: usize = 50_000;

/// Lines per transaction for this store.
fn batch_lines(db: &DatabaseConnection) -> usize {
    match db.get_database_backend() {
        DbBackend::Sqlite => SQLITE_BATCH,
        _ => BATCH,
    }
}

/// Rows per INSERT statement: PostgreSQL binds at most 65,535 values per statement.
const ROWS_PER_STATEMENT: usize = 500;

/// One legacy libretto (one JSON object per line).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyLibretto {
    /// Natural key: a libretto already in the store with this number is left as it is.
    pub number: String,
    pub fiscal_code: String,
    pub region: Option<String>,
    /// Reporting territory: a province name or a CPI area ("Empoli").
    pub area: String,
    pub office: Option<String>,
    /// CONSOLIDATED (default), IN_UPDATE or CANCELLED: legacy libretti were issued.
    pub status: Option<String>,
    pub issued_on: NaiveDate,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// `M` or `F`; read from the fiscal code when absent.
    pub gender: Option<String>,
    #[serde(default)]
    pub experiences: Vec<LegacyExperience>,
    #[serde(default)]
    pub evidences: Vec<LegacyEvidence>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyExperience {
    /// WORK or TRAINING.
    pub kind: String,
    /// REGIONAL_DB or SELF_DECLARED.
    pub origin: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyEvidence {
    pub category: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: usize,
    pub imported: usize,
    /// Valid lines whose number (or whose citizen's active libretto) was already stored.
    pub already_present: usize,
    /// (line number, reason), in file order.
    pub rejected: Vec<(usize, String)>,
    /// Secondary indexes and foreign keys dropped for a load into empty tables and built
    /// again after it (`store::bulk`).
    pub rebuilt: usize,
}

/// The rows one line becomes.
struct Rows {
    libretto: libretto::ActiveModel,
    experiences: Vec<libretto_experience::ActiveModel>,
    evidences: Vec<evidence::ActiveModel>,
}

/// Ids derived from a document's natural key, so a re-run writes the same rows (and the
/// database skips them): for IVC dossiers, whose legacy id is not a column of their own.
pub(crate) fn derived_id(key: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, key.as_bytes()).to_string()
}

/// `M` or `F` from the day of birth in the code (women +40), read off the de-omocoded digits.
fn gender_of(code: &FiscalCode) -> Option<String> {
    let base = code.base();
    let day: u32 = base.as_str().get(9..11)?.parse().ok()?;
    Some(if day > 40 { "F" } else { "M" }.to_owned())
}

fn check(
    line: LegacyLibretto,
    reference: &ReferenceData,
    default_region: &str,
    today: NaiveDate,
) -> Result<Rows, String> {
    let number = line.number.trim();
    if number.is_empty() || number.chars().count() > 40 {
        return Err("number: must be 1 to 40 characters".into());
    }
    // the exact code is the person (DOMAIN.md §3.1)
    let code = FiscalCode::parse(&line.fiscal_code).map_err(|e| format!("fiscalCode: {e}"))?;
    let status = match line.status.as_deref() {
        None => LibrettoStatus::Consolidated,
        Some(text) => match LibrettoStatus::parse(text) {
            Some(
                s @ (LibrettoStatus::Consolidated
                | LibrettoStatus::InUpdate
                | LibrettoStatus::Cancelled),
            ) => s,
            _ => {
                return Err(format!(
                    "status: \"{text}\" is not CONSOLIDATED, IN_UPDATE or CANCELLED (legacy libretti were issued)"
                ));
            }
        },
    };
    if line.issued_on > today {
        return Err(format!("issuedOn: {} is in the future", line.issued_on));
    }
    let gender = match line.gender.as_deref() {
        None => gender_of(&code),
        Some(g @ ("M" | "F")) => Some(g.to_owned()),
        Some(other) => return Err(format!("gender: \"{other}\" is not M or F")),
    };
    let age = match line.birth_date {
        Some(birth) if birth >= line.issued_on => {
            return Err(format!(
                "birthDate: {birth} is not before issuedOn {}",
                line.issued_on
            ));
        }
        Some(birth) => line
            .issued_on
            .years_since(birth)
            .and_then(|a| i16::try_from(a).ok()),
        None => None,
    };
    let region = line.region.unwrap_or_else(|| default_region.to_owned());
    let issued = line
        .issued_on
        .and_hms_opt(12, 0, 0)
        .unwrap_or_default()
        .and_utc();
    // The number is the natural key (unique), so the ids need not be derived from it: a
    // re-run's libretto is skipped on its number and its children with it (their new owner
    // id is not stored). Time-ordered ids append to the primary-key and owner indexes
    // instead of landing on random pages of them.
    let id = uuid::Uuid::now_v7().to_string();
    let person = PersonSnapshot {
        fiscal_code: code.as_str().to_owned(),
        given_name: line.given_name,
        family_name: line.family_name,
        birth_date: line.birth_date,
        gender: gender.clone(),
        ..PersonSnapshot::default()
    };
    let mut experiences = Vec::new();
    for (i, e) in line.experiences.into_iter().enumerate() {
        let field = format!("experiences[{i}]");
        let kind = ExperienceKind::from_code(&e.kind)
            .ok_or_else(|| format!("{field}.kind: \"{}\" is not WORK or TRAINING", e.kind))?;
        let origin = ExperienceOrigin::from_code(&e.origin).ok_or_else(|| {
            format!(
                "{field}.origin: \"{}\" is not REGIONAL_DB or SELF_DECLARED",
                e.origin
            )
        })?;
        if let (Some(from), Some(to)) = (e.start_date, e.end_date)
            && to < from
        {
            return Err(format!("{field}.endDate: {to} is before startDate {from}"));
        }
        // columns a legacy line never fills stay out of the INSERT (NULL by default): half
        // the bound values per row
        experiences.push(libretto_experience::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            libretto_id: Set(id.clone()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX) + 1),
            kind: Set(kind.code().to_owned()),
            origin: Set(origin.code().to_owned()),
            organisation: Set(e.organisation),
            title: Set(e.title),
            start_date: Set(e.start_date),
            end_date: Set(e.end_date),
            edited: Set(false),
            dropped: Set(false),
            updated_at: Set(issued),
            updated_by: Set("import".to_owned()),
            ..Default::default()
        });
    }
    let mut evidences = Vec::new();
    for (i, e) in line.evidences.into_iter().enumerate() {
        let field = format!("evidences[{i}]");
        reference
            .check(
                &format!("{field}.category"),
                EVIDENCE_CATEGORY,
                &e.category,
                Some(&region),
                None,
            )
            .map_err(|err| err.to_string())?;
        if e.title.trim().is_empty() {
            return Err(format!("{field}.title: must not be empty"));
        }
        evidences.push(evidence::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            libretto_id: Set(Some(id.clone())),
            category: Set(e.category),
            title: Set(e.title),
            issuer: Set(e.issuer),
            issued_on: Set(e.issued_on),
            created_at: Set(issued),
            created_by: Set("import".to_owned()),
            ..Default::default()
        });
    }
    let snapshot = serde_json::to_string(&person).map_err(|e| e.to_string())?;
    let origins: Vec<String> = experiences
        .iter()
        .filter_map(|e| e.origin.try_as_ref().cloned())
        .collect();
    let categories: Vec<String> = evidences
        .iter()
        .filter_map(|e| e.category.try_as_ref().cloned())
        .collect();
    let mut row = libretto::ActiveModel {
        id: Set(id),
        fiscal_code: Set(code.as_str().to_owned()),
        region: Set(region),
        area: Set(Some(line.area.trim().to_owned())),
        office: Set(line.office),
        status: Set(status.as_str().to_owned()),
        number: Set(Some(number.to_owned())),
        issued_at: Set(Some(issued)),
        last_consolidated_at: Set(Some(issued)),
        versions_issued: Set(1),
        person_snapshot: Set(snapshot),
        cancel_reason: Set(None),
        gender: Set(gender),
        age_at_issue: Set(age),
        created_at: Set(Utc::now()),
        created_by: Set("import".to_owned()),
        updated_at: Set(Utc::now()),
        version: Set(1),
        ..Default::default()
    };
    // the reporting tallies, as `store::libretto::refresh_tallies` counts these rows
    let count = |codes: &[String], code: &str| codes.iter().filter(|c| *c == code).count() as i32;
    for (column, origin) in EXPERIENCE_TALLIES {
        row.set(column, count(&origins, origin).into());
    }
    for (column, category) in EVIDENCE_TALLIES {
        row.set(column, count(&categories, category).into());
    }
    Ok(Rows {
        libretto: row,
        experiences,
        evidences,
    })
}

/// How far an import got, after each batch.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub bytes: u64,
    pub lines: u64,
}

/// Imports every line (`reader.lines()` of a file, or generated ones); `progress` hears how
/// far it got after each batch.
pub async fn libretti(
    db: &DatabaseConnection,
    reference: &ReferenceData,
    default_region: &str,
    input: impl IntoIterator<Item = std::io::Result<String>>,
    progress: impl FnMut(Progress),
) -> Result<ImportReport, sea_orm::DbErr> {
    let today = chrono::Local::now().date_naive();
    let codes = codes::Codes::load(db).await?;
    stream(
        db,
        &["libretto", "libretto_experience", "evidence"],
        input,
        progress,
        |line| {
            let mut legacy = serde_json::from_str::<LegacyLibretto>(line)
                .map_err(|e| format!("not a libretto: {e}"))?;
            codes.libretto(&mut legacy, default_region)?;
            check(legacy, reference, default_region, today)
        },
        write,
    )
    .await
}

/// Batches written at once. PostgreSQL runs each connection's statements on one core, so two
/// connections keep both of a 2-core server busy while the import parses the next batch;
/// SQLite has one writer.
fn writers(db: &DatabaseConnection) -> usize {
    match db.get_database_backend() {
        DbBackend::Postgres => 2,
        _ => 1,
    }
}

/// A table that grew from empty under live foreign keys is planned from statistics that say
/// it is empty: PostgreSQL then checks every key by a sequential scan (measured: 2.8 billion
/// rows read for 100,000 IVC dossiers, 378 dossiers/s). Analysing once the first batch is in
/// puts the plans on the indexes, where they stay as the table grows.
async fn analyze_after_first_batch(
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
async fn refresh_statistics(
    db: &DatabaseConnection,
    report: &ImportReport,
    tables: &[&str],
) -> Result<(), sea_orm::DbErr> {
    if report.imported == 0 {
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
pub(crate) struct Written {
    /// Valid lines in the batch.
    attempted: usize,
    /// Of which stored now (the others were already there).
    inserted: u64,
}

/// The loop every import shares: reads lines, lets `parse` check each (a rejection keeps its
/// line number), hands batches of [`BATCH`] ([`SQLITE_BATCH`] on SQLite) rows to `write` —
/// in a task of their own, so the next batch is parsed while the last is written — and keeps
/// the planner statistics of
/// `tables` right. Into empty tables the load runs without their secondary indexes, rebuilt
/// at the end (`store::bulk`), even when a batch fails.
pub(crate) async fn stream<R, F>(
    db: &DatabaseConnection,
    tables: &[&str],
    input: impl IntoIterator<Item = std::io::Result<String>>,
    progress: impl FnMut(Progress),
    parse: impl FnMut(&str) -> Result<R, String>,
    write: impl Fn(DatabaseConnection, Vec<R>) -> F,
) -> Result<ImportReport, sea_orm::DbErr>
where
    R: Send + 'static,
    F: Future<Output = Result<Written, sea_orm::DbErr>> + Send + 'static,
{
    let deferred = crate::store::bulk::defer(db, tables).await?;
    let loaded = load(db, tables, deferred > 0, input, progress, parse, write).await;
    let rebuilt = crate::store::bulk::restore(db).await;
    let mut report = loaded?;
    report.rebuilt = rebuilt?;
    refresh_statistics(db, &report, tables).await?;
    Ok(report)
}

async fn load<R, F>(
    db: &DatabaseConnection,
    tables: &[&str],
    keys_deferred: bool,
    input: impl IntoIterator<Item = std::io::Result<String>>,
    mut progress: impl FnMut(Progress),
    mut parse: impl FnMut(&str) -> Result<R, String>,
    write: impl Fn(DatabaseConnection, Vec<R>) -> F,
) -> Result<ImportReport, sea_orm::DbErr>
where
    R: Send + 'static,
    F: Future<Output = Result<Written, sea_orm::DbErr>> + Send + 'static,
{
    let mut report = ImportReport::default();
    let batch_lines = batch_lines(db);
    let mut batch: Vec<R> = Vec::with_capacity(batch_lines);
    let mut done = Progress::default();
    let mut in_flight = tokio::task::JoinSet::new();
    let writers = writers(db);
    let mut first_batch = true;
    let mut failed = None;
    let mut input = input.into_iter().enumerate();
    loop {
        let next = input.next();
        if let Some((index, line)) = next.as_ref().map(|(i, l)| (*i, l)) {
            let number = index + 1;
            match line {
                Err(e) => report
                    .rejected
                    .push((number, format!("unreadable line: {e}"))),
                Ok(line) => {
                    done.bytes += line.len() as u64 + 1;
                    done.lines += 1;
                    if !line.trim().is_empty() {
                        report.lines += 1;
                        match parse(line) {
                            Ok(rows) => batch.push(rows),
                            Err(reason) => report.rejected.push((number, reason)),
                        }
                    }
                }
            }
        }
        let end = next.is_none();
        if batch.len() == batch_lines || (end && !batch.is_empty()) {
            while in_flight.len() >= writers {
                settle(&mut in_flight, &mut report, &mut failed).await;
            }
            if failed.is_some() {
                break;
            }
            in_flight.spawn(write(db.clone(), std::mem::take(&mut batch)));
            if first_batch && !keys_deferred {
                // the statistics are taken once the first batch is committed
                settle(&mut in_flight, &mut report, &mut failed).await;
                analyze_after_first_batch(db, tables).await?;
            }
            first_batch = false;
            progress(done);
        }
        if end {
            break;
        }
    }
    while !in_flight.is_empty() {
        settle(&mut in_flight, &mut report, &mut failed).await;
    }
    progress(done);
    match failed {
        Some(err) => Err(err),
        None => Ok(report),
    }
}

/// Waits for one batch in flight and counts it; the first failure is kept.
async fn settle(
    in_flight: &mut tokio::task::JoinSet<Result<Written, sea_orm::DbErr>>,
    report: &mut ImportReport,
    failed: &mut Option<sea_orm::DbErr>,
) {
    let outcome = match in_flight.join_next().await {
        None => return,
        Some(Ok(written)) => written,
        Some(Err(join)) => Err(sea_orm::DbErr::Custom(format!(
            "an import batch stopped: {join}"
        ))),
    };
    match outcome {
        Ok(written) => report.count(written.attempted, written.inserted),
        Err(err) => {
            failed.get_or_insert(err);
        }
    }
}

/// One transaction per batch; rows already stored (same number, or an active libretto of the
/// same citizen) are skipped by the database, and their children with them: children go in
/// only for libretti stored under their id in this batch. PostgreSQL takes the COPY path
/// (`copy`), SQLite its own multi-row INSERTs (`sqlite`), any other store SeaORM's.
async fn write(db: DatabaseConnection, batch: Vec<Rows>) -> Result<Written, sea_orm::DbErr> {
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
struct Destination<C> {
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
fn keep_owned<C>(
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

impl ImportReport {
    /// A written batch: `attempted` valid lines, of which `inserted` were new.
    fn count(&mut self, attempted: usize, inserted: u64) {
        let inserted = usize::try_from(inserted)
            .unwrap_or(attempted)
            .min(attempted);
        self.imported += inserted;
        self.already_present += attempted - inserted;
    }
}
