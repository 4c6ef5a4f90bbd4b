//! What one GraphQL request carries: the caller, its id, the accesses to audit, the sources
//! that failed while it ran (reported once each, after execution), and whether it got as far
//! as execution.

use crate::auth::{Principal, Role};
use crate::domain::FiscalCode;
use crate::error::AppError;
use crate::sources::SourceFailure;
use crate::store::audit::AccessRecord;
use async_graphql::Context;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub struct RequestScope {
    pub principal: Principal,
    pub request_id: String,
    access: Mutex<AccessRecord>,
    failures: Mutex<BTreeMap<String, String>>,
    executed: AtomicBool,
}

impl RequestScope {
    pub fn new(principal: Principal, request_id: String) -> Self {
        RequestScope {
            principal,
            request_id,
            access: Mutex::default(),
            failures: Mutex::default(),
            executed: AtomicBool::new(false),
        }
    }

    /// Whether the operation was executed: a response without it carries only request
    /// errors (syntax, validation, variables), which GraphQL over HTTP answers without `data`.
    pub fn executed(&self) -> bool {
        self.executed.load(Ordering::Relaxed)
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
            all.entry(f.source.clone())
                .or_insert_with(|| f.reason.clone());
        }
    }

    pub fn take_access(&self) -> AccessRecord {
        std::mem::take(&mut *self.access.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Failed sources, by name, with the first reason seen.
    pub fn take_failures(&self) -> BTreeMap<String, String> {
        std::mem::take(&mut *self.failures.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

pub fn scope<'a>(ctx: &Context<'a>) -> &'a RequestScope {
    ctx.data_unchecked::<std::sync::Arc<RequestScope>>()
}

/// Personal data is for operators and administrators only (DESIGN.md "Roles and privacy").
pub fn require_personal_data<'a>(ctx: &Context<'a>) -> Result<&'a RequestScope, AppError> {
    let scope = scope(ctx);
    if scope.principal.role.reads_personal_data() {
        Ok(scope)
    } else {
        Err(AppError::Forbidden(format!(
            "role {} may not read citizens' personal data",
            scope.principal.role.as_str()
        )))
    }
}

pub fn require_role(ctx: &Context<'_>, roles: &[Role]) -> Result<(), AppError> {
    let role = scope(ctx).principal.role;
    if roles.contains(&role) {
        Ok(())
    } else {
        let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(AppError::Forbidden(format!(
            "role {} may not use this field (allowed: {})",
            role.as_str(),
            allowed.join(", ")
        )))
    }
}

/// Marks the request's scope when async-graphql starts executing the operation.
pub struct ExecutionStarted;

impl ExtensionFactory for ExecutionStarted {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ExecutionStarted)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ExecutionStarted {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        if let Some(scope) = ctx.data_opt::<Arc<RequestScope>>() {
            scope.executed.store(true, Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
    }
}
