//! The audit log: who read which citizen's data, when, from which office and which fields
//! (DOMAIN.md §6, V25). Written once per request as one multi-row insert.

use crate::auth::Principal;
use crate::domain::FiscalCode;
use chrono::{DateTime, Utc};
use entities::audit_log;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{BTreeMap, BTreeSet};

/// Reads of one request, collected while the query runs: citizen → fields returned.
#[derive(Debug, Default)]
pub struct AccessRecord {
    reads: BTreeMap<FiscalCode, BTreeSet<&'static str>>,
}

impl AccessRecord {
    pub fn note(&mut self, citizen: &FiscalCode, field: &'static str) {
        self.reads.entry(citizen.clone()).or_default().insert(field);
    }

    pub fn is_empty(&self) -> bool {
        self.reads.is_empty()
    }

    pub fn citizens(&self) -> usize {
        self.reads.len()
    }
}

/// Writes the request's reads in one statement; nothing when nothing personal was returned.
pub async fn write(
    db: &impl ConnectionTrait,
    principal: &Principal,
    request_id: &str,
    record: &AccessRecord,
) -> Result<(), sea_orm::DbErr> {
    if record.is_empty() {
        return Ok(());
    }
    let at = Utc::now();
    let rows = record
        .reads
        .iter()
        .map(|(citizen, fields)| audit_log::ActiveModel {
            at: Set(at),
            request_id: Set(request_id.to_owned()),
            subject: Set(principal.subject.clone()),
            role: Set(principal.role.as_str().to_owned()),
            office: Set(principal.office.clone()),
            fiscal_code: Set(citizen.as_str().to_owned()),
            action: Set("read".to_owned()),
            fields: Set(fields.iter().copied().collect::<Vec<_>>().join(",")),
            ..Default::default()
        });
    audit_log::Entity::insert_many(rows).exec(db).await?;
    Ok(())
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
    Ok(rows
        .into_iter()
        .map(|m| AuditEntry {
            id: m.id,
            at: m.at,
            request_id: m.request_id,
            subject: m.subject,
            role: m.role,
            office: m.office,
            fiscal_code: m.fiscal_code,
            action: m.action,
            fields: m.fields.split(',').map(str::to_owned).collect(),
        })
        .collect())
}
