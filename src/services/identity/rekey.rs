//! Re-keying the rows stored under de-omocoded base codes (before migration 000012) to the exact
//! code of the person each belongs to. Only the regional sources know which exact codes exist,
//! so this runs in the application, once, at the first start after the migration (or with
//! `fascicolo identity rekey`), and only when every source answers.
//!
//! For each stored base code the sources are asked for the base and its seven issued variants:
//! - no code known: the rows stay (they are the base's, as far as anyone can tell);
//! - one code known: every row moves to it;
//! - several (two people were merged here): a libretto or IVC dossier whose person snapshot
//!   matches exactly one of them (names, e-mail, phone, residence) moves to that person; any
//!   other document (an orientation record has no snapshot) is held under a placeholder key no
//!   citizen has, with an `identity_review` row, until an administrator assigns it
//!   (`resolveIdentityReview`). Audit rows are never rewritten: `audit_identity_map` says which
//!   person(s) each legacy code's rows concern, ambiguous ones flagged.
//!
//! Each base is one transaction with an audit row (action `rekey`) per document moved or held.

use crate::domain::FiscalCode;
use crate::domain::identity::LinkMap;
use crate::sources::SourceRegistry;
use crate::sources::merge::MergedPerson;
use crate::store::Store;
use crate::store::audit::chain;
use crate::store::identity::{self as ids, ORIENTATION_TABLES, StoredDocument};
use chrono::Utc;
use sea_orm::{DbErr, TransactionTrait};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What one run did, for the log, the `identity_rekey.summary` column and the CLI.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct RekeySummary {
    /// Distinct base codes found in the store.
    pub stored_codes: usize,
    /// Bases whose rows moved to the one exact code the sources know.
    pub moved_codes: usize,
    /// Bases the sources know under two or more exact codes (people merged before).
    pub ambiguous_codes: usize,
    /// Documents of ambiguous bases told apart by their person snapshot.
    pub matched_by_snapshot: usize,
    /// Documents held for an administrator's review.
    pub held_for_review: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RekeyError {
    #[error(
        "regional source(s) {0} did not answer: re-keying needs every source, and will run at the next start (or `fascicolo identity rekey`)"
    )]
    SourcesDown(String),
    #[error("store: {0}")]
    Store(#[from] DbErr),
}

/// Runs the re-keying if migration 000012 left it pending and no other replica is running
/// it; `None` when there was nothing to do.
pub async fn run_if_pending(
    store: &Store,
    registry: &SourceRegistry,
) -> Result<Option<RekeySummary>, RekeyError> {
    let db = store.db();
    if !ids::rekey_pending(db).await? {
        return Ok(None);
    }
    let Some(watermark) = ids::claim_rekey(db).await? else {
        return Ok(None);
    };
    match rekey(store, registry, watermark).await {
        Ok(summary) => {
            let text = serde_json::to_string(&summary).unwrap_or_default();
            ids::finish_rekey(db, &text).await?;
            Ok(Some(summary))
        }
        Err(e) => {
            ids::release_rekey(db).await?;
            Err(e)
        }
    }
}

async fn rekey(
    store: &Store,
    registry: &SourceRegistry,
    watermark: Option<i64>,
) -> Result<RekeySummary, RekeyError> {
    // the store wrote only base codes before; a code with omocodia letters was written since,
    // for the exact person, and stays
    let stored: Vec<FiscalCode> = ids::stored_codes(store.db(), watermark)
        .await?
        .iter()
        .filter_map(|c| FiscalCode::parse(c).ok())
        .filter(|c| !c.is_omocode())
        .collect();
    let mut summary = RekeySummary {
        stored_codes: stored.len(),
        ..RekeySummary::default()
    };
    for chunk in stored.chunks(500) {
        let families: Vec<(FiscalCode, Vec<FiscalCode>)> = chunk
            .iter()
            .map(|code| {
                let base = code.base();
                let mut family = vec![base.clone()];
                family.extend(base.omocode_relatives());
                (code.clone(), family)
            })
            .collect();
        let asked: Vec<FiscalCode> = families.iter().flat_map(|(_, f)| f.clone()).collect();
        let gathered = registry.persons(&asked, &LinkMap::default()).await;
        if !gathered.failures.is_empty() {
            let names: Vec<&str> = gathered
                .failures
                .iter()
                .map(|f| f.source.as_str())
                .collect();
            return Err(RekeyError::SourcesDown(names.join(", ")));
        }
        let known = gathered.value;
        for (stored, family) in families {
            let candidates: Vec<&MergedPerson> =
                family.iter().filter_map(|c| known.get(c)).collect();
            rekey_one(store, &stored, &candidates, &mut summary).await?;
        }
    }
    Ok(summary)
}

async fn rekey_one(
    store: &Store,
    stored: &FiscalCode,
    candidates: &[&MergedPerson],
    summary: &mut RekeySummary,
) -> Result<(), DbErr> {
    let txn = store.db().begin().await?;
    let mut audit = Vec::new();
    match candidates {
        [] => {}
        [only] if only.fiscal_code == *stored => {}
        [only] => {
            let to = only.fiscal_code.as_str();
            for doc in ids::documents_under(&txn, stored.as_str()).await? {
                rewrite_snapshot(&txn, &doc, to).await?;
                audit.push(row(
                    to,
                    format!("rekey {} {}: from {stored}", doc.kind, doc.id),
                ));
            }
            ids::move_rows(&txn, ids::CITIZEN_TABLES, stored.as_str(), to).await?;
            ids::map_audit_code(&txn, stored.as_str(), &[to.to_owned()], false).await?;
            summary.moved_codes += 1;
        }
        several => {
            summary.ambiguous_codes += 1;
            let codes: Vec<String> = several
                .iter()
                .map(|p| p.fiscal_code.as_str().to_owned())
                .collect();
            for doc in ids::documents_under(&txn, stored.as_str()).await? {
                match doc.snapshot.as_deref().and_then(|s| best_match(s, several)) {
                    Some(to) => {
                        let to = to.as_str();
                        if to != stored.as_str() {
                            ids::move_document(&txn, doc.kind, &doc.id, to).await?;
                            rewrite_snapshot(&txn, &doc, to).await?;
                        }
                        audit.push(row(
                            to,
                            format!(
                                "rekey {} {}: from {stored}, by its person snapshot",
                                doc.kind, doc.id
                            ),
                        ));
                        summary.matched_by_snapshot += 1;
                    }
                    None => {
                        hold(&txn, stored, &doc, &codes).await?;
                        for code in &codes {
                            audit.push(row(
                                code,
                                format!(
                                    "rekey {} {}: held for review, {stored} is shared",
                                    doc.kind, doc.id
                                ),
                            ));
                        }
                        summary.held_for_review += 1;
                    }
                }
            }
            ids::map_audit_code(&txn, stored.as_str(), &codes, true).await?;
        }
    }
    chain::append(&txn, audit).await?;
    txn.commit().await
}

/// The libretto's working snapshot carries the code it was opened for: it now says the exact one.
pub(super) async fn rewrite_snapshot(
    txn: &sea_orm::DatabaseTransaction,
    doc: &StoredDocument,
    to: &str,
) -> Result<(), DbErr> {
    if doc.kind != "libretto" {
        return Ok(());
    }
    let Some(text) = &doc.snapshot else {
        return Ok(());
    };
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Ok(());
    };
    if let Some(object) = value.as_object_mut() {
        object.insert("fiscal_code".into(), to.into());
    }
    ids::set_libretto_snapshot(txn, &doc.id, value.to_string()).await
}

/// Moves a document (an orientation record with the rows hanging off it) under a key no
/// citizen has, and records why.
async fn hold(
    txn: &sea_orm::DatabaseTransaction,
    stored: &FiscalCode,
    doc: &StoredDocument,
    candidates: &[String],
) -> Result<(), DbErr> {
    let held = held_code(doc.kind, &doc.id);
    if doc.kind == "orientation" {
        ids::move_rows(txn, ORIENTATION_TABLES, stored.as_str(), &held).await?;
    } else {
        ids::move_document(txn, doc.kind, &doc.id, &held).await?;
    }
    let reason = match doc.snapshot {
        Some(_) => "its person snapshot matches none or several of the people sharing the code",
        None => "it has no person snapshot to tell the people sharing the code apart",
    };
    ids::insert_review(
        txn,
        entities::identity_review::Model {
            id: uuid::Uuid::new_v4().to_string(),
            document_kind: doc.kind.to_owned(),
            document_id: if doc.kind == "orientation" {
                held.clone()
            } else {
                doc.id.clone()
            },
            stored_code: stored.as_str().to_owned(),
            held_code: held,
            candidates: serde_json::to_string(candidates).unwrap_or_default(),
            reason: reason.to_owned(),
            created_at: Utc::now(),
            resolved_at: None,
            resolved_by: None,
            resolved_code: None,
        },
    )
    .await
}

/// A 16-character key that is never a fiscal code (it starts with `~`), one per document.
pub fn held_code(kind: &str, id: &str) -> String {
    let digest = Sha256::digest(format!("{kind}:{id}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
    format!("~{}", &hex[..15])
}

/// The one candidate whose person record matches the snapshot best, if it is clearly the
/// best: at least two identifying fields equal, and more than any other candidate.
fn best_match(snapshot: &str, candidates: &[&MergedPerson]) -> Option<FiscalCode> {
    let snapshot: serde_json::Value = serde_json::from_str(snapshot).ok()?;
    let field = |name: &str| -> Option<String> {
        snapshot
            .get(name)
            .and_then(|v| v.as_str())
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
    };
    let wanted = [
        field("given_name"),
        field("family_name"),
        field("email"),
        field("phone"),
        field("residence_municipality"),
    ];
    let mut scores: BTreeMap<usize, Vec<&FiscalCode>> = BTreeMap::new();
    for person in candidates {
        let theirs = [
            &person.given_name,
            &person.family_name,
            &person.email,
            &person.phone,
            &person.residence_municipality,
        ]
        .map(|m| m.as_ref().map(|m| m.value.trim().to_lowercase()));
        let score = wanted
            .iter()
            .zip(&theirs)
            .filter(|(w, t)| w.is_some() && w == t)
            .count();
        scores.entry(score).or_default().push(&person.fiscal_code);
    }
    let (best, who) = scores.into_iter().next_back()?;
    (best >= 2 && who.len() == 1).then(|| who[0].clone())
}

fn row(code: &str, fields: String) -> chain::NewRow {
    chain::NewRow {
        at: Utc::now(),
        request_id: "rekey".into(),
        subject: "fascicolo".into(),
        role: "system".into(),
        office: None,
        fiscal_code: code.to_owned(),
        action: "rekey".into(),
        fields,
    }
}
