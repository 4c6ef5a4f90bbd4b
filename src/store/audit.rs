//! The audit log: who touched which citizen's data, when, from which office, which fields and
//! how (`read`, `write`, `access_report`, `export`, `disclose`) (DOMAIN.md §6, V25). Each
//! request's rows are appended to the hash chain (`chain`) before it is answered, committed
//! together with those of concurrent requests (`group`); the access report and the export
//! read them back per citizen.

pub mod chain;
pub mod group;

pub use group::AuditWriter;

use crate::auth::Principal;
use crate::domain::FiscalCode;
use chrono::{DateTime, Utc};
use entities::audit_log;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
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

/// Accesses of one request, collected while the query runs: (citizen, action) → fields.
#[derive(Debug, Default)]
pub struct AccessRecord {
    accesses: BTreeMap<(FiscalCode, &'static str), BTreeSet<&'static str>>,
}

impl AccessRecord {
    /// A read of `field` of the citizen's data.
    pub fn note(&mut self, citizen: &FiscalCode, field: &'static str) {
        self.note_action(citizen, READ, field);
    }

    pub fn note_action(&mut self, citizen: &FiscalCode, action: &'static str, field: &'static str) {
        self.accesses
            .entry((citizen.clone(), action))
            .or_default()
            .insert(field);
    }

    pub fn is_empty(&self) -> bool {
        self.accesses.is_empty()
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
            fields: fields.iter().copied().collect::<Vec<_>>().join(","),
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

/// Newest first; `before_id` is the keyset cursor. Returns `limit + 1` rows at most so the
/// caller knows whether another page follows.
pub async fn list(
    db: &impl ConnectionTrait,
    citizen: Option<&FiscalCode>,
    before_id: Option<i64>,
    limit: usize,
) -> Result<Vec<AuditEntry>, sea_orm::DbErr> {
    let mut query = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(citizen) = citizen {
        query = query.filter(audit_log::Column::FiscalCode.eq(citizen.as_str()));
    }
    if let Some(id) = before_id {
        query = query.filter(audit_log::Column::Id.lt(id));
    }
    let rows = query.limit(limit as u64 + 1).all(db).await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// The accesses to one citizen (base code), oldest first from after `after_id`; `limit + 1`
/// rows at most, as `list`. Served by the (fiscal_code, id) index.
pub async fn of_citizen(
    db: &impl ConnectionTrait,
    citizen: &FiscalCode,
    after_id: Option<i64>,
    limit: usize,
) -> Result<Vec<AuditEntry>, sea_orm::DbErr> {
    let mut query = audit_log::Entity::find()
        .filter(audit_log::Column::FiscalCode.eq(citizen.as_str()))
        .order_by_asc(audit_log::Column::Id);
    if let Some(id) = after_id {
        query = query.filter(audit_log::Column::Id.gt(id));
    }
    let rows = query.limit(limit as u64 + 1).all(db).await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// How many rows the log holds about one citizen (base code).
pub async fn count_of_citizen(
    db: &impl ConnectionTrait,
    citizen: &FiscalCode,
) -> Result<u64, sea_orm::DbErr> {
    audit_log::Entity::find()
        .filter(audit_log::Column::FiscalCode.eq(citizen.as_str()))
        .count(db)
        .await
}
