//! What the gateway knows of each regional source's health, and the one way a call reaches a
//! source: not at all while the source breaks the contract or its circuit is open, otherwise
//! under its deadline. Each failure is classified ([`fault`](super::fault)): only the source's
//! own faults count toward its breaker and mark it DOWN. Each gets an error id, logged with
//! the reason and the engine's code at warn (info for a request the source refused) and with
//! the engine's full text at debug only, since that text may quote a row; clients and
//! `/readyz` get the reason word and the id (issue 20).
//!
//! The contract is checked at start-up and in each readiness probe (`/readyz`, the `sources`
//! query), never per request: a source that breaks it is not asked until a probe finds it
//! fixed, and its fields fail at once with reason `contract`.

use super::circuit::{CIRCUIT_OPEN, Transition};
use super::conformance::ContractProblem;
use super::fault::{CallError, Fault};
use super::registry::RegionalSource;
use chrono::{DateTime, Utc};
use std::future::Future;
use std::time::{Duration, Instant};

/// A source that did not answer a batch: the reason word (`timeout`, `unreachable`, `error`,
/// `contract`, `rejected`, `circuit_open`) and the id its failure was logged under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFailure {
    pub source: String,
    pub reason: String,
    /// In the server log with the failure's details; for `circuit_open`, the failure that
    /// opened the circuit; for `contract`, the check that found the problems.
    pub error_id: Option<String>,
    /// Some rows were served from the source's last good answers instead (`stale_ttl_ms`):
    /// the age of the oldest of them.
    pub stale_age: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceState {
    /// Not asked anything yet.
    Unknown,
    Up,
    Down,
    /// Its views (or endpoints) do not match the contract: it is not asked until a readiness
    /// probe finds them fixed.
    Contract,
}

#[derive(Debug, Clone)]
pub struct SourceHealth {
    pub state: SourceState,
    pub checked_at: Option<DateTime<Utc>>,
    pub latency_ms: Option<u64>,
    /// The reason word of the last failed call, cleared by an answer; `contract` while the
    /// source breaks the contract.
    pub last_error: Option<String>,
    pub last_error_id: Option<String>,
    /// What the last contract check found wrong, one line each (operators only: it names
    /// views and columns).
    pub problems: Vec<String>,
}

/// A source's health as its calls and checks leave it.
#[derive(Debug, Default)]
pub(super) struct Health {
    answered: Option<bool>,
    checked_at: Option<DateTime<Utc>>,
    latency_ms: Option<u64>,
    last_error: Option<(&'static str, String)>,
    /// The failure that last opened the circuit, for the calls it refuses.
    opened_by: Option<String>,
    broken: Option<Broken>,
}

#[derive(Debug)]
struct Broken {
    problems: Vec<String>,
    id: String,
}

fn new_error_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl RegionalSource {
    fn lock_health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn health(&self) -> SourceHealth {
        let health = self.lock_health();
        let state = match (&health.broken, health.answered) {
            (Some(_), _) => SourceState::Contract,
            (None, None) => SourceState::Unknown,
            (None, Some(true)) => SourceState::Up,
            (None, Some(false)) => SourceState::Down,
        };
        // a source that breaks the contract is not called: the contract is its last error
        let last_error = match &health.broken {
            Some(broken) => Some((Fault::Contract.reason(), &broken.id)),
            None => health.last_error.as_ref().map(|(r, id)| (*r, id)),
        };
        SourceHealth {
            state,
            checked_at: health.checked_at,
            latency_ms: health.latency_ms,
            last_error: last_error.map(|(r, _)| r.to_owned()),
            last_error_id: last_error.map(|(_, id)| id.clone()),
            problems: health
                .broken
                .as_ref()
                .map(|b| b.problems.clone())
                .unwrap_or_default(),
        }
    }

    fn failure(&self, reason: &str, error_id: Option<String>) -> SourceFailure {
        SourceFailure {
            source: self.name.to_string(),
            reason: reason.to_owned(),
            error_id,
            stale_age: None,
        }
    }

    /// Runs one call unless the source breaks the contract (see [`Self::attempt`]).
    pub(super) async fn call<T, F>(&self, work: F) -> Result<T, SourceFailure>
    where
        F: Future<Output = Result<T, CallError>>,
    {
        let broken = self.lock_health().broken.as_ref().map(|b| b.id.clone());
        if let Some(id) = broken {
            tracing::debug!(source = %self.name, "the source breaks the contract: call skipped");
            crate::observe::source_call(&self.name, Fault::Contract.reason(), None);
            return Err(self.failure(Fault::Contract.reason(), Some(id)));
        }
        self.attempt(work).await
    }

    /// Runs one call under this source's deadline and circuit, and records its health. While
    /// the circuit is open `work` is dropped unpolled: the source sees nothing.
    async fn attempt<T, F>(&self, work: F) -> Result<T, SourceFailure>
    where
        F: Future<Output = Result<T, CallError>>,
    {
        let Some(permit) = self.circuit.admit() else {
            tracing::debug!(source = %self.name, "circuit open: call skipped");
            crate::observe::source_call(&self.name, CIRCUIT_OPEN, None);
            let opened_by = self.lock_health().opened_by.clone();
            return Err(self.failure(CIRCUIT_OPEN, opened_by));
        };
        let started = Instant::now();
        let outcome = match tokio::time::timeout(self.timeout, work).await {
            Ok(outcome) => outcome,
            Err(_) => Err(CallError::new(Fault::Timeout, "no answer in time")),
        };
        let label = outcome.as_ref().map_or_else(|e| e.fault.reason(), |_| "ok");
        crate::observe::source_call(&self.name, label, Some(started.elapsed()));
        // an error the request caused, or an answer outside the contract, is still an answer
        let answered = outcome
            .as_ref()
            .map_or_else(|e| !e.fault.is_source_fault(), |_| true);
        let transition = permit.finish(answered);
        match outcome {
            Ok(value) => {
                self.record(started, true, None);
                self.log_transition(transition, None);
                Ok(value)
            }
            Err(error) => {
                let id = new_error_id();
                self.log_failure(&error, &id);
                self.record(started, answered, Some((error.fault, &id)));
                self.log_transition(transition, Some(&id));
                Err(self.failure(error.fault.reason(), Some(id)))
            }
        }
    }

    fn log_failure(&self, error: &CallError, id: &str) {
        let (source, reason, code) = (&*self.name, error.fault.reason(), error.code.as_deref());
        if error.fault == Fault::Rejected {
            tracing::info!(
                source,
                reason,
                code,
                error_id = id,
                "regional source failed"
            );
        } else {
            tracing::warn!(
                source,
                reason,
                code,
                error_id = id,
                "regional source failed"
            );
        }
        // the engine's own text may quote a row: personal data, never above debug
        tracing::debug!(source, error_id = id, detail = %error.detail, "regional source failure detail");
    }

    fn record(&self, started: Instant, answered: bool, failed: Option<(Fault, &String)>) {
        let mut health = self.lock_health();
        health.answered = Some(answered);
        health.checked_at = Some(Utc::now());
        health.latency_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        health.last_error = failed.map(|(fault, id)| (fault.reason(), id.clone()));
    }

    fn log_transition(&self, transition: Option<Transition>, error_id: Option<&str>) {
        let cool_down_ms = u64::try_from(self.circuit.cool_down().as_millis()).unwrap_or(u64::MAX);
        let source = &*self.name;
        match transition {
            Some(Transition::Opened) => tracing::warn!(
                source,
                error_id,
                failures = self.circuit.consecutive_failures(),
                cool_down_ms,
                "circuit opened: the source is skipped until the cool-down ends"
            ),
            Some(Transition::Reopened) => tracing::warn!(
                source,
                error_id,
                cool_down_ms,
                "circuit probe failed: skipped for another cool-down"
            ),
            Some(Transition::Closed) => {
                tracing::info!(source, "circuit closed: the source answers again");
            }
            None => {}
        }
        if matches!(transition, Some(Transition::Opened | Transition::Reopened)) {
            self.lock_health().opened_by = error_id.map(str::to_owned);
        }
    }

    /// Start-up and each readiness probe: a round trip that checks the contract too (skipped
    /// while the circuit is open). What it finds decides whether requests may ask the source.
    pub async fn probe(&self) -> Result<(), SourceFailure> {
        let problems = self.attempt(self.adapter.check()).await?;
        match self.note_contract(&problems) {
            None => Ok(()),
            Some(id) => Err(self.failure(Fault::Contract.reason(), Some(id))),
        }
    }

    /// Keeps what a check found; the id of the problems, if any. Logged when they change:
    /// a probe every few seconds finding the same problems says nothing new.
    fn note_contract(&self, problems: &[ContractProblem]) -> Option<String> {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let mut health = self.lock_health();
        let source = &*self.name;
        if lines.is_empty() {
            if health.broken.take().is_some() {
                tracing::info!(source, "regional source matches the contract again");
            }
            return None;
        }
        if let Some(broken) = &health.broken
            && broken.problems == lines
        {
            return Some(broken.id.clone());
        }
        let id = new_error_id();
        // views, columns and types only: no data
        tracing::warn!(
            source,
            error_id = %id,
            problems = %lines.join("; "),
            "regional source breaks the contract: it is not asked until a readiness probe finds it fixed"
        );
        health.broken = Some(Broken {
            problems: lines,
            id: id.clone(),
        });
        Some(id)
    }
}
