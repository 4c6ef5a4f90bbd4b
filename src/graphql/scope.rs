//! What one GraphQL request carries: the caller, its id, the accesses to audit, and the
//! sources that failed while it ran (reported once each, after execution).

use crate::auth::Principal;
use crate::domain::FiscalCode;
use crate::sources::SourceFailure;
use crate::store::audit::AccessRecord;
use async_graphql::Context;
use std::collections::BTreeMap;
use std::sync::Mutex;

pub struct RequestScope {
    pub principal: Principal,
    pub request_id: String,
    access: Mutex<AccessRecord>,
    failures: Mutex<BTreeMap<String, NotedFailure>>,
}

impl RequestScope {
    pub fn new(principal: Principal, request_id: String) -> Self {
        RequestScope {
            principal,
            request_id,
            access: Mutex::default(),
            failures: Mutex::default(),
        }
    }

    pub fn note_read(&self, citizen: &FiscalCode, field: &'static str) {
        self.access
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .note(citizen, field);
    }

    /// An access other than a read (`store::audit::ACCESS_REPORT`, `EXPORT`), audited as
    /// its own row.
    pub fn note_access(&self, citizen: &FiscalCode, action: &'static str, field: &'static str) {
        self.access
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .note_action(citizen, action, field);
    }

    pub fn note_failures(&self, failures: &[SourceFailure]) {
        let mut all = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for f in failures {
            let noted = all.entry(f.source.clone()).or_insert_with(|| NotedFailure {
                reason: f.reason.clone(),
                error_id: f.error_id.clone(),
                stale_age: None,
            });
            // the error says how old the oldest stale data of any view is
            noted.stale_age = noted.stale_age.max(f.stale_age);
        }
    }

    /// The answer told about `citizen` (it exists, or matches a search), whatever fields were
    /// selected: audited as a read through `field` unless a field of the citizen was read.
    pub fn note_lookup(&self, citizen: &FiscalCode, field: &'static str) {
        self.access
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .note_lookup(citizen, field);
    }

    pub fn take_access(&self) -> AccessRecord {
        let mut record =
            std::mem::take(&mut *self.access.lock().unwrap_or_else(|p| p.into_inner()));
        record.settle();
        record
    }

    /// Failed sources, by name, with the first reason seen.
    pub fn take_failures(&self) -> BTreeMap<String, NotedFailure> {
        std::mem::take(&mut *self.failures.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// A source that failed during the request: the first reason seen with its error id, and the
/// age of the oldest stale data served in its place, if any was.
#[derive(Debug, Clone)]
pub struct NotedFailure {
    pub reason: String,
    pub error_id: Option<String>,
    pub stale_age: Option<std::time::Duration>,
}

pub fn scope<'a>(ctx: &Context<'a>) -> &'a RequestScope {
    ctx.data_unchecked::<std::sync::Arc<RequestScope>>()
}
