//! The audit log: who touched which citizen's data, when, from which office, which fields and
//! how (`read`, `write`, `access_report`, `export`, `disclose`) (DOMAIN.md §6, V25). Each
//! request's rows are appended to the hash chain (`chain`) before it is answered, committed
//! together with those of concurrent requests (`group`); the access report and the export
//! read them back per citizen.

pub mod chain;
pub mod checkpoint;
pub mod checkpointer;
pub mod group;
pub mod prune;
pub mod verify;

pub use group::AuditWriter;

use crate::auth::Principal;
use crate::domain::FiscalCode;
use chrono::{DateTime, Utc};
use entities::audit_log;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

pub const READ: &str = "read";
pub const WRITE: &str = "write";
/// An administrator read the list of accesses to the citizen's data (`accessReport`).
pub const ACCESS_REPORT: &str = "access_report";
/// An administrator took the citizen's whole record out (`exportCitizenData`).
pub const EXPORT: &str = "export";
/// The citizen's data went to a recipient outside the gateway: the portal acknowledged a CV
/// transfer (subject: the recipient; fields: the data categories sent; request id: the
/// transfer's id).
pub const DISCLOSE: &str = "disclose";
/// A document of the citizen's was downloaded as PDF (fields: which document and version,
/// e.g. `libretto:LIB-…:v2`, `ivc-attestato:IVC-…`).
pub const DOCUMENT: &str = "document";

/// Accesses of one request, collected while the query runs: (citizen, action) → fields.
#[derive(Debug, Default)]
pub struct AccessRecord {
    accesses: BTreeMap<(FiscalCode, &'static str), BTreeSet<Cow<'static, str>>>,
    /// Citizens an answer told about whatever fields it gave (issue 19 §3): a `citizen`
    /// answered with only `__typename` says whether the code is known, a search page with only
    /// cursors says who matches. Each becomes a read row of its own unless a field of the
    /// citizen was read anyway.
    lookups: BTreeMap<FiscalCode, &'static str>,
}

impl AccessRecord {
    /// A read of `field` of the citizen's data.
    pub fn note(&mut self, citizen: &FiscalCode, field: &'static str) {
        self.note_action(citizen, READ, field);
    }

    pub fn note_action(
        &mut self,
        citizen: &FiscalCode,
        action: &'static str,
        field: impl Into<Cow<'static, str>>,
    ) {
        self.accesses
            .entry((citizen.clone(), action))
            .or_default()
            .insert(field.into());
    }

    /// The answer told about `citizen` through `field` (a root field), whatever was selected.
    pub fn note_lookup(&mut self, citizen: &FiscalCode, field: &'static str) {
        self.lookups.entry(citizen.clone()).or_insert(field);
    }

    /// Turns the lookups no field read covered into read rows; the request's record is then
    /// complete.
    pub fn settle(&mut self) {
        for (citizen, field) in std::mem::take(&mut self.lookups) {
            let read = (citizen, READ);
            if !self.accesses.contains_key(&read) {
                self.accesses.entry(read).or_default().insert(field.into());
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.accesses.is_empty() && self.lookups.is_empty()
    }

    /// Distinct citizens touched.
    pub fn citizens(&self) -> usize {
        self.accesses
            .keys()
            .map(|(c, _)| c)
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// Appends the request's rows to the chain through the replica's writer (group commit with
/// concurrent requests) and waits for their commit; nothing when nothing personal was
/// touched.
pub async fn write(
    writer: &AuditWriter,
    principal: &Principal,
    request_id: &str,
    record: &AccessRecord,
) -> Result<(), sea_orm::DbErr> {
    if record.is_empty() {
        return Ok(());
    }
    let at = Utc::now();
    let rows = record
        .accesses
        .iter()
        .map(|((citizen, action), fields)| chain::NewRow {
            at,
            request_id: request_id.to_owned(),
            subject: principal.subject.clone(),
            role: principal.role.as_str().to_owned(),
            office: principal.office.clone(),
            fiscal_code: citizen.as_str().to_owned(),
            action: (*action).to_owned(),
            fields: fields
                .iter()
                .map(|f| f.as_ref())
                .collect::<Vec<_>>()
                .join(","),
        })
        .collect();
    writer.append(rows).await
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub request_id: String,
    pub subject: String,
    pub role: String,
    pub office: Option<String>,
    pub fiscal_code: String,
    pub action: String,
    pub fields: Vec<String>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(m: audit_log::Model) -> Self {
        AuditEntry {
            id: m.id,
            at: m.at,
            request_id: m.request_id,
            subject: m.subject,
            role: m.role,
            office: m.office,
            fiscal_code: m.fiscal_code,
            action: m.action,
            fields: m.fields.split(',').map(str::to_owned).collect(),
        }
    }
}

/// The audit rows about one person: those written under their codes (the citizen's and the
/// older codes linked to it) since identity became the exact code, and those written before
/// under the base codes the re-keying mapped to them (migration 000012, `audit_identity_map`).
/// Audit rows are hash-chained, so they are read through the map, never rewritten.
#[derive(Debug, Clone, Default)]
pub struct PersonRows {
    codes: Vec<String>,
    /// Legacy codes and whether their rows may concern another person sharing the base.
    legacy: Vec<(String, bool)>,
    watermark: Option<i64>,
}

impl PersonRows {
    pub async fn of(
        db: &impl ConnectionTrait,
        codes: &[FiscalCode],
    ) -> Result<PersonRows, sea_orm::DbErr> {
        let mut rows = PersonRows {
            codes: codes.iter().map(|c| c.as_str().to_owned()).collect(),
            ..PersonRows::default()
        };
        for code in codes {
            let (legacy, watermark) =
                super::identity::legacy_audit_codes(db, code.as_str()).await?;
            rows.watermark = watermark;
            rows.legacy.extend(legacy);
        }
        Ok(rows)
    }

    /// Without the rows that may concern another person (written before exact identity under
    /// a base code two people shared): what the citizen is shown of their own log, since those
    /// rows may be the other person's accesses.
    pub fn unambiguous(mut self) -> Self {
        self.legacy.retain(|(_, ambiguous)| !ambiguous);
        self
    }

    pub fn condition(&self) -> sea_orm::Condition {
        use sea_orm::Condition;
        let current = audit_log::Column::FiscalCode.is_in(self.codes.clone());
        let Some(watermark) = self.watermark else {
            return Condition::all().add(current);
        };
        let legacy: Vec<String> = self.legacy.iter().map(|(c, _)| c.clone()).collect();
        Condition::any()
            .add(
                Condition::all()
                    .add(audit_log::Column::Id.gt(watermark))
                    .add(current),
            )
            .add(
                Condition::all()
                    .add(audit_log::Column::Id.lte(watermark))
                    .add(audit_log::Column::FiscalCode.is_in(legacy)),
            )
    }

    /// Whether a row may concern another person: written before exact identity under a base
    /// code two people shared.
    pub fn ambiguous(&self, entry: &AuditEntry) -> bool {
        self.watermark.is_some_and(|w| entry.id <= w)
            && self
                .legacy
                .iter()
                .any(|(code, ambiguous)| *ambiguous && *code == entry.fiscal_code)
    }
}

/// Newest first; `before_id` is the keyset cursor. This and the per-citizen reads show only
/// rows the chain appended (`chain::within_head`). Returns `limit + 1` rows at most so the
/// caller knows whether another page follows.
pub async fn list(
    db: &impl ConnectionTrait,
    person: Option<&PersonRows>,
    before_id: Option<i64>,
    limit: usize,
) -> Result<Vec<AuditEntry>, sea_orm::DbErr> {
    let mut query = audit_log::Entity::find()
        .filter(chain::within_head())
        .order_by_desc(audit_log::Column::Id);
    if let Some(person) = person {
        query = query.filter(person.condition());
    }
    if let Some(id) = before_id {
        query = query.filter(audit_log::Column::Id.lt(id));
    }
    let rows = query.limit(limit as u64 + 1).all(db).await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// The accesses to one person, oldest first from after `after_id`; `limit + 1` rows at most,
/// as `list`. Served by the (fiscal_code, id) index.
pub async fn of_citizen(
    db: &impl ConnectionTrait,
    person: &PersonRows,
    after_id: Option<i64>,
    limit: usize,
) -> Result<Vec<AuditEntry>, sea_orm::DbErr> {
    let mut query = audit_log::Entity::find()
        .filter(person.condition())
        .filter(chain::within_head())
        .order_by_asc(audit_log::Column::Id);
    if let Some(id) = after_id {
        query = query.filter(audit_log::Column::Id.gt(id));
    }
    let rows = query.limit(limit as u64 + 1).all(db).await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// How many rows the log holds about one person.
pub async fn count_of_citizen(
    db: &impl ConnectionTrait,
    person: &PersonRows,
) -> Result<u64, sea_orm::DbErr> {
    audit_log::Entity::find()
        .filter(person.condition())
        .filter(chain::within_head())
        .count(db)
        .await
}
