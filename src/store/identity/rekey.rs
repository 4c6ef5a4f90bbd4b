//! What the re-keying of base-coded rows reads and writes: a citizen's rows moved from one code
//! to another, the documents stored under a code, the re-keying's one-row state and the map
//! that attributes legacy audit rows.

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Tables whose rows belong to one citizen through a `fiscal_code` column, with the column.
/// `orientation` is keyed by the code itself (`id`).
pub const CITIZEN_TABLES: &[(&str, &str)] = &[
    ("libretto", "fiscal_code"),
    ("ivc_dossier", "fiscal_code"),
    ("orientation", "id"),
    ("consent_event", "fiscal_code"),
    ("pact_measure", "fiscal_code"),
    ("propensity", "fiscal_code"),
    ("education_title", "fiscal_code"),
    ("cv", "fiscal_code"),
    ("portal_transfer", "fiscal_code"),
];

/// The orientation record and the rows that hang off it by the citizen's code.
pub const ORIENTATION_TABLES: &[(&str, &str)] = &[
    ("orientation", "id"),
    ("consent_event", "fiscal_code"),
    ("pact_measure", "fiscal_code"),
    ("propensity", "fiscal_code"),
    ("education_title", "fiscal_code"),
    ("cv", "fiscal_code"),
    ("portal_transfer", "fiscal_code"),
];

/// Moves every row of `tables` stored under `from` to `to`.
pub async fn move_rows(
    txn: &impl ConnectionTrait,
    tables: &[(&str, &str)],
    from: &str,
    to: &str,
) -> Result<u64, DbErr> {
    let mut moved = 0;
    for (table, column) in tables {
        let update = Query::update()
            .table(Alias::new(*table))
            .value(Alias::new(*column), to)
            .and_where(Expr::col(Alias::new(*column)).eq(from))
            .to_owned();
        moved += txn.execute(&update).await?.rows_affected();
    }
    Ok(moved)
}

/// Moves one document (a libretto or an IVC dossier, by id) to `to`.
pub async fn move_document(
    txn: &impl ConnectionTrait,
    table: &str,
    id: &str,
    to: &str,
) -> Result<(), DbErr> {
    let update = Query::update()
        .table(Alias::new(table))
        .value(Alias::new("fiscal_code"), to)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    txn.execute(&update).await?;
    Ok(())
}

/// Rewrites the code in a libretto's working person snapshot (its frozen versions stay as
/// they were issued).
pub async fn set_libretto_snapshot(
    txn: &impl ConnectionTrait,
    id: &str,
    snapshot: String,
) -> Result<(), DbErr> {
    let update = Query::update()
        .table(Alias::new("libretto"))
        .value(Alias::new("person_snapshot"), snapshot)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    txn.execute(&update).await?;
    Ok(())
}

/// A document the re-keying looks at: its id, and the person snapshot it carries, if any.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub kind: &'static str,
    pub id: String,
    pub snapshot: Option<String>,
}

/// The documents stored under `code`: libretti and IVC dossiers with their person snapshot
/// (the working one; for a dossier, the transparency or the attestato snapshot), and the
/// orientation record (keyed by the code, no snapshot).
pub async fn documents_under(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Vec<StoredDocument>, DbErr> {
    let backend = db.get_database_backend();
    let p = |n: usize| match backend {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let sql = format!(
        "SELECT 'libretto' AS kind, id, person_snapshot AS snapshot FROM libretto \
         WHERE fiscal_code = {} \
         UNION ALL SELECT 'ivc_dossier', id, COALESCE(transparency_person, attestato_person) \
         FROM ivc_dossier WHERE fiscal_code = {} \
         UNION ALL SELECT 'orientation', id, NULL FROM orientation WHERE id = {}",
        p(1),
        p(2),
        p(3)
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [code.into(), code.into(), code.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("", "kind")?;
            Ok(StoredDocument {
                kind: match kind.as_str() {
                    "libretto" => "libretto",
                    "ivc_dossier" => "ivc_dossier",
                    _ => "orientation",
                },
                id: row.try_get("", "id")?,
                snapshot: row.try_get("", "snapshot")?,
            })
        })
        .collect()
}

/// The re-keying's state: `None` when migration 000012 found nothing to re-key and it is done.
pub async fn rekey_pending(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT state FROM identity_rekey WHERE id = 1",
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<String>("", "state"))
        .transpose()?
        .is_some_and(|s| s != "done"))
}

/// Claims the re-keying for this process (a run that died over ten minutes ago may be taken
/// over); `Some(watermark)` when claimed: the last audit row written under base codes.
pub async fn claim_rekey(db: &impl ConnectionTrait) -> Result<Option<Option<i64>>, DbErr> {
    let backend = db.get_database_backend();
    let now = Utc::now();
    let stale = now - chrono::TimeDelta::minutes(10);
    let update = Query::update()
        .table(Alias::new("identity_rekey"))
        .value(Alias::new("state"), "running")
        .value(Alias::new("started_at"), now)
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .and_where(
            Expr::col(Alias::new("state"))
                .eq("pending")
                .or(Expr::col(Alias::new("state"))
                    .eq("running")
                    .and(Expr::col(Alias::new("started_at")).lt(stale))),
        )
        .to_owned();
    if db.execute(&update).await?.rows_affected() != 1 {
        return Ok(None);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT audit_watermark FROM identity_rekey WHERE id = 1",
        ))
        .await?;
    Ok(Some(
        row.map(|r| r.try_get::<Option<i64>>("", "audit_watermark"))
            .transpose()?
            .flatten(),
    ))
}

/// Gives the claim back (a source failed: the next start tries again).
pub async fn release_rekey(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let update = Query::update()
        .table(Alias::new("identity_rekey"))
        .value(Alias::new("state"), "pending")
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

pub async fn finish_rekey(db: &impl ConnectionTrait, summary: &str) -> Result<(), DbErr> {
    let update = Query::update()
        .table(Alias::new("identity_rekey"))
        .value(Alias::new("state"), "done")
        .value(Alias::new("done_at"), Utc::now())
        .value(Alias::new("summary"), summary)
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// Every distinct code stored in the citizen tables, and in the audit rows up to `watermark`.
pub async fn stored_codes(
    db: &impl ConnectionTrait,
    watermark: Option<i64>,
) -> Result<Vec<String>, DbErr> {
    let backend = db.get_database_backend();
    let mut parts: Vec<String> = CITIZEN_TABLES
        .iter()
        .map(|(t, c)| format!("SELECT {c} AS code FROM {t}"))
        .collect();
    if let Some(w) = watermark {
        parts.push(format!("SELECT fiscal_code FROM audit_log WHERE id <= {w}"));
    }
    let sql = format!(
        "SELECT DISTINCT code FROM ({}) all_codes",
        parts.join(" UNION ")
    );
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "code").map(|c| c.trim().to_owned()))
        .collect()
}

/// Which exact codes the audit rows written under `legacy` (up to the watermark) concern.
pub async fn map_audit_code(
    txn: &impl ConnectionTrait,
    legacy: &str,
    exact: &[String],
    ambiguous: bool,
) -> Result<(), DbErr> {
    if exact.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("audit_identity_map"))
        .columns([
            Alias::new("legacy_code"),
            Alias::new("exact_code"),
            Alias::new("ambiguous"),
        ]);
    for code in exact {
        insert.values_panic([legacy.into(), code.clone().into(), ambiguous.into()]);
    }
    txn.execute(&insert).await?;
    Ok(())
}

/// How the audit rows written before the re-keying (ids up to the watermark) map to `code`:
/// the legacy codes whose rows concern it, each with whether it may concern another person
/// too; and the watermark (`None` when no row predates exact identity).
pub async fn legacy_audit_codes(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<(Vec<(String, bool)>, Option<i64>), DbErr> {
    let backend = db.get_database_backend();
    let p = |n: usize| match backend {
        sea_orm::DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    // one statement: the watermark, the legacy codes mapped to `code`, and whether `code`
    // itself was remapped (then its own legacy rows are someone else's)
    let sql = format!(
        "SELECT 'w' AS kind, NULL AS code, NULL AS ambiguous, audit_watermark AS watermark          FROM identity_rekey WHERE id = 1          UNION ALL SELECT 'm', legacy_code, ambiguous, NULL FROM audit_identity_map          WHERE exact_code = {}          UNION ALL SELECT 'r', legacy_code, NULL, NULL FROM audit_identity_map          WHERE legacy_code = {}",
        p(1),
        p(2)
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [code.into(), code.into()],
        ))
        .await?;
    let mut watermark = None;
    let mut codes = Vec::new();
    let mut remapped = false;
    for row in rows {
        match row.try_get::<String>("", "kind")?.as_str() {
            "w" => watermark = row.try_get::<Option<i64>>("", "watermark")?,
            "m" => {
                let legacy: String = row.try_get("", "code")?;
                let ambiguous = row
                    .try_get::<bool>("", "ambiguous")
                    .or_else(|_| row.try_get::<i32>("", "ambiguous").map(|v| v != 0))?;
                codes.push((legacy.trim().to_owned(), ambiguous));
            }
            _ => remapped = true,
        }
    }
    if !remapped && !codes.iter().any(|(c, _)| c == code) {
        codes.push((code.to_owned(), false));
    }
    Ok((codes, watermark))
}
