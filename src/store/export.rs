//! Everything the store holds about one citizen as one JSON document (GDPR art. 15 and 20):
//! libretti with their sections, evidences, steps and frozen versions; IVC dossiers with
//! sessions, competences, evidences and steps; the orientation record with consents, pact
//! measures, propensities, education titles, CVs and portal transfers; and the audit rows
//! about the citizen. Evidence and CV files are described (name, type, size, SHA-256), not
//! included. Rows appear with their stored column names; columns that hold JSON text are
//! expanded into JSON.
//!
//! A table added to the store with a fiscal code, or owned by a row that has one, belongs
//! here (the test `gdpr::every_store_table_is_exported_or_not_personal` lists them).

use crate::domain::FiscalCode;
use chrono::Utc;
use entities::{
    audit_log, competence_evidence, consent_event, cv, education_title, evidence, fiscal_code_link,
    ivc_competence, ivc_dossier, ivc_session, ivc_transition, libretto, libretto_competence,
    libretto_experience, libretto_transition, libretto_version, orientation, pact_measure,
    portal_transfer, propensity,
};
use sea_orm::ExprTrait;
use sea_orm::{
    AccessMode, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, IsolationLevel, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// The `schema` key of the document; `version` changes when its shape does.
pub const SCHEMA: &str = "fascicolo/citizen-export";
pub const VERSION: u32 = 1;

/// Tables the export reads, and the store's tables that hold nothing about a person; the
/// test compares their union with the store's tables.
pub const EXPORTED_TABLES: &[&str] = &[
    "libretto",
    "libretto_experience",
    "libretto_competence",
    "competence_evidence",
    "evidence",
    "libretto_transition",
    "libretto_version",
    "ivc_dossier",
    "ivc_session",
    "ivc_competence",
    "ivc_transition",
    "orientation",
    "consent_event",
    "pact_measure",
    "pact_version",
    "pact_transition",
    "conditionality_event",
    "propensity",
    "education_title",
    "cv",
    "portal_transfer",
    "audit_log",
    "fiscal_code_link",
];
/// `evidence_file` holds the bytes the evidence and CV rows describe (by SHA-256): not
/// exported, the files are downloaded one by one. `identity_review` holds documents whose
/// holder is not known yet (exported with that holder once an administrator assigns them);
/// `audit_identity_map` only says how the audit rows exported were attributed;
/// `identity_rekey` is one row of state.
pub const NOT_EXPORTED_TABLES: &[&str] = &[
    "identity_review",
    "audit_identity_map",
    "identity_rekey",
    "evidence_file",
    "reference_code",
    "birth_place",
    "document_counter",
    "audit_chain_head",
    "audit_chain_anchor",
    "deferred_ddl",
];

/// Columns stored as JSON text, expanded in the document.
const JSON_COLUMNS: &[&str] = &[
    "person_snapshot",
    "content",
    "original",
    "transparency_person",
    "experiences",
    "attestato",
    "attestato_person",
    "ada_codes",
    "special_categories",
];

fn to_value(row: &impl Serialize) -> Value {
    let mut value = serde_json::to_value(row).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for key in JSON_COLUMNS {
            if let Some(Value::String(text)) = map.get(*key)
                && let Ok(parsed @ (Value::Object(_) | Value::Array(_))) =
                    serde_json::from_str::<Value>(text)
            {
                map.insert((*key).to_owned(), parsed);
            }
        }
    }
    value
}

fn values<T: Serialize>(rows: &[T]) -> Vec<Value> {
    rows.iter().map(to_value).collect()
}

/// Rows by their owner's id, in the order read.
fn by_owner<T: Serialize>(
    rows: &[T],
    owner: impl Fn(&T) -> Option<&str>,
) -> HashMap<String, Vec<Value>> {
    let mut grouped: HashMap<String, Vec<Value>> = HashMap::new();
    for row in rows {
        if let Some(key) = owner(row) {
            grouped
                .entry(key.to_owned())
                .or_default()
                .push(to_value(row));
        }
    }
    grouped
}

/// `row` with `children` added under their keys.
fn with(row: &impl Serialize, children: Vec<(&str, Value)>) -> Value {
    let mut value = to_value(row);
    if let Value::Object(map) = &mut value {
        for (key, child) in children {
            map.insert(key.to_owned(), child);
        }
    }
    value
}

fn take(groups: &mut HashMap<String, Vec<Value>>, id: &str) -> Value {
    Value::Array(groups.remove(id).unwrap_or_default())
}

/// The document for `citizen` (their exact code; the audit rows of `person`). Read in one
/// transaction, so a write that lands meanwhile is all in or all out.
pub async fn citizen(
    db: &DatabaseConnection,
    citizen: &FiscalCode,
    person: &super::audit::PersonRows,
) -> Result<Value, DbErr> {
    let txn = if db.get_database_backend() == DbBackend::Postgres {
        db.begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await?
    } else {
        // SQLite (WAL) reads one snapshot per transaction; MySQL's default is REPEATABLE READ
        db.begin().await?
    };
    let code = citizen.as_str();
    let libretti = libretti(&txn, code).await?;
    let dossiers = dossiers(&txn, code).await?;
    let orientation = orientation_of(&txn, code).await?;
    let links = fiscal_code_link::Entity::find()
        .filter(
            fiscal_code_link::Column::FromCode
                .eq(code)
                .or(fiscal_code_link::Column::ToCode.eq(code)),
        )
        .order_by_asc(fiscal_code_link::Column::LinkedAt)
        .all(&txn)
        .await?;
    let audit = audit_log::Entity::find()
        .filter(person.condition())
        .filter(super::audit::chain::within_head())
        .order_by_asc(audit_log::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(json!({
        "schema": SCHEMA,
        "version": VERSION,
        "generated_at": Utc::now(),
        "fiscal_code": code,
        "libretti": libretti,
        "ivc_dossiers": dossiers,
        "orientation": orientation,
        "fiscal_code_links": values(&links),
        "audit_log": values(&audit),
        "not_included": "the contents of evidence and CV files (each row gives file_name, \
            media_type, size_bytes and sha256; GET /evidences/{id}/file downloads an \
            evidence's); the regional databases' data (the citizen query reads them)",
    }))
}

async fn libretti(txn: &DatabaseTransaction, code: &str) -> Result<Vec<Value>, DbErr> {
    let rows = libretto::Entity::find()
        .filter(libretto::Column::FiscalCode.eq(code))
        .order_by_asc(libretto::Column::CreatedAt)
        .all(txn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|l| l.id.clone()).collect();
    let experiences = libretto_experience::Entity::find()
        .filter(libretto_experience::Column::LibrettoId.is_in(ids.clone()))
        .order_by_asc(libretto_experience::Column::Position)
        .all(txn)
        .await?;
    let competences = libretto_competence::Entity::find()
        .filter(libretto_competence::Column::LibrettoId.is_in(ids.clone()))
        .order_by_asc(libretto_competence::Column::Position)
        .all(txn)
        .await?;
    let competence_ids: Vec<String> = competences.iter().map(|c| c.id.clone()).collect();
    let links = if competence_ids.is_empty() {
        Vec::new()
    } else {
        competence_evidence::Entity::find()
            .filter(competence_evidence::Column::CompetenceId.is_in(competence_ids))
            .all(txn)
            .await?
    };
    let evidences = evidence::Entity::find()
        .filter(evidence::Column::LibrettoId.is_in(ids.clone()))
        .order_by_asc(evidence::Column::CreatedAt)
        .all(txn)
        .await?;
    let transitions = libretto_transition::Entity::find()
        .filter(libretto_transition::Column::LibrettoId.is_in(ids.clone()))
        .order_by_asc(libretto_transition::Column::Id)
        .all(txn)
        .await?;
    let versions = libretto_version::Entity::find()
        .filter(libretto_version::Column::LibrettoId.is_in(ids))
        .order_by_asc(libretto_version::Column::N)
        .all(txn)
        .await?;
    let mut evidence_ids: HashMap<&str, Vec<&str>> = HashMap::new();
    for link in &links {
        evidence_ids
            .entry(link.competence_id.as_str())
            .or_default()
            .push(link.evidence_id.as_str());
    }
    let mut competences_of: HashMap<String, Vec<Value>> = HashMap::new();
    for c in &competences {
        let evidences = evidence_ids.remove(c.id.as_str()).unwrap_or_default();
        competences_of
            .entry(c.libretto_id.clone())
            .or_default()
            .push(with(c, vec![("evidence_ids", json!(evidences))]));
    }
    let mut experiences = by_owner(&experiences, |e| Some(&e.libretto_id));
    let mut evidences = by_owner(&evidences, |e| e.libretto_id.as_deref());
    let mut transitions = by_owner(&transitions, |t| Some(&t.libretto_id));
    let mut versions = by_owner(&versions, |v| Some(&v.libretto_id));
    Ok(rows
        .iter()
        .map(|l| {
            with(
                l,
                vec![
                    ("experiences", take(&mut experiences, &l.id)),
                    ("competences", take(&mut competences_of, &l.id)),
                    ("evidences", take(&mut evidences, &l.id)),
                    ("transitions", take(&mut transitions, &l.id)),
                    ("versions", take(&mut versions, &l.id)),
                ],
            )
        })
        .collect())
}

async fn dossiers(txn: &DatabaseTransaction, code: &str) -> Result<Vec<Value>, DbErr> {
    let rows = ivc_dossier::Entity::find()
        .filter(ivc_dossier::Column::FiscalCode.eq(code))
        .order_by_asc(ivc_dossier::Column::CreatedAt)
        .all(txn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|d| d.id.clone()).collect();
    let sessions = ivc_session::Entity::find()
        .filter(ivc_session::Column::DossierId.is_in(ids.clone()))
        .order_by_asc(ivc_session::Column::HeldOn)
        .order_by_asc(ivc_session::Column::CreatedAt)
        .all(txn)
        .await?;
    let competences = ivc_competence::Entity::find()
        .filter(ivc_competence::Column::DossierId.is_in(ids.clone()))
        .order_by_asc(ivc_competence::Column::Position)
        .all(txn)
        .await?;
    let evidences = evidence::Entity::find()
        .filter(evidence::Column::IvcDossierId.is_in(ids.clone()))
        .order_by_asc(evidence::Column::CreatedAt)
        .all(txn)
        .await?;
    let transitions = ivc_transition::Entity::find()
        .filter(ivc_transition::Column::DossierId.is_in(ids))
        .order_by_asc(ivc_transition::Column::Id)
        .all(txn)
        .await?;
    let mut sessions = by_owner(&sessions, |s| Some(&s.dossier_id));
    let mut competences = by_owner(&competences, |c| Some(&c.dossier_id));
    let mut evidences = by_owner(&evidences, |e| e.ivc_dossier_id.as_deref());
    let mut transitions = by_owner(&transitions, |t| Some(&t.dossier_id));
    Ok(rows
        .iter()
        .map(|d| {
            with(
                d,
                vec![
                    ("sessions", take(&mut sessions, &d.id)),
                    ("competences", take(&mut competences, &d.id)),
                    ("evidences", take(&mut evidences, &d.id)),
                    ("transitions", take(&mut transitions, &d.id)),
                ],
            )
        })
        .collect())
}

async fn orientation_of(txn: &DatabaseTransaction, code: &str) -> Result<Value, DbErr> {
    let record = orientation::Entity::find_by_id(code.to_owned())
        .one(txn)
        .await?;
    let consents = consent_event::Entity::find()
        .filter(consent_event::Column::FiscalCode.eq(code))
        .order_by_asc(consent_event::Column::Id)
        .all(txn)
        .await?;
    let measures = pact_measure::Entity::find()
        .filter(pact_measure::Column::FiscalCode.eq(code))
        .order_by_asc(pact_measure::Column::PlannedOn)
        .order_by_asc(pact_measure::Column::CreatedAt)
        .all(txn)
        .await?;
    let propensities = propensity::Entity::find()
        .filter(propensity::Column::FiscalCode.eq(code))
        .order_by_asc(propensity::Column::CreatedAt)
        .all(txn)
        .await?;
    let titles = education_title::Entity::find()
        .filter(education_title::Column::FiscalCode.eq(code))
        .order_by_asc(education_title::Column::CreatedAt)
        .all(txn)
        .await?;
    let cvs = cv::Entity::find()
        .filter(cv::Column::FiscalCode.eq(code))
        .order_by_asc(cv::Column::UploadedAt)
        .all(txn)
        .await?;
    let transfers = portal_transfer::Entity::find()
        .filter(portal_transfer::Column::FiscalCode.eq(code))
        .order_by_asc(portal_transfer::Column::CreatedAt)
        .all(txn)
        .await?;
    let codes = [code.to_owned()];
    let pact_versions = crate::store::orientation::pact_life::versions_of(txn, &codes).await?;
    let pact_steps = crate::store::orientation::pact_life::steps_of(txn, &codes).await?;
    let breaches = crate::store::orientation::pact_life::breaches_of(txn, &codes).await?;
    let mut document = Map::new();
    document.insert(
        "record".into(),
        record.as_ref().map_or(Value::Null, to_value),
    );
    for (key, rows) in [
        ("consent_events", values(&consents)),
        ("pact_measures", values(&measures)),
        ("pact_versions", values(&pact_versions)),
        ("pact_transitions", values(&pact_steps)),
        ("conditionality_events", values(&breaches)),
        ("propensities", values(&propensities)),
        ("education_titles", values(&titles)),
        ("cvs", values(&cvs)),
        ("portal_transfers", values(&transfers)),
    ] {
        document.insert(key.into(), Value::Array(rows));
    }
    Ok(Value::Object(document))
}
