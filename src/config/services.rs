//! The sections of the services: `documents`, `reporting`, `identity`, `portal`, `ivc`.

use super::ConfigError;
use super::server::yes;
use secrecy::SecretString;
use serde::Deserialize;
/// The documents fascicolo stores (libretti, IVC dossiers) and their evidence files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentsConfig {
    /// Region code that issues the documents and selects region-specific reference codes.
    #[serde(default = "default_region")]
    pub region: String,
    /// Largest evidence file accepted (PDF, PNG or JPEG).
    #[serde(default = "default_file_bytes")]
    pub max_file_bytes: usize,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        DocumentsConfig {
            region: default_region(),
            max_file_bytes: default_file_bytes(),
        }
    }
}

/// Aggregates for the `reporting` role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingConfig {
    /// Cells counting fewer people than this are suppressed (count null, `suppressed`
    /// true) for every role but `admin`, so no small group can be re-identified.
    #[serde(default = "default_min_cell")]
    pub min_cell_size: i64,
}

impl Default for ReportingConfig {
    fn default() -> Self {
        ReportingConfig {
            min_cell_size: default_min_cell(),
        }
    }
}

fn default_min_cell() -> i64 {
    5
}

/// Identity (DOMAIN.md §3.1): the links between old and new fiscal codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// How often a replica re-reads the links other replicas made (its own changes apply at
    /// once); 0 turns the periodic re-read off (a single replica).
    #[serde(default = "default_link_refresh_ms")]
    pub link_refresh_ms: u64,
}

impl Default for IdentityConfig {
    fn default() -> Self {
        IdentityConfig {
            link_refresh_ms: default_link_refresh_ms(),
        }
    }
}

fn default_link_refresh_ms() -> u64 {
    5_000
}

/// The Toscana Lavoro job portal that receives CVs (seed 001). Transfers are queued even
/// without a `url`; the delivery worker runs only when it is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    /// Base URL; CVs are POSTed to `<url>/cv`.
    pub url: Option<String>,
    /// Bearer token the portal expects.
    pub token: Option<SecretString>,
    /// Deadline of one delivery attempt.
    #[serde(default = "default_portal_timeout")]
    pub timeout_ms: u64,
    /// How often the worker looks for due transfers.
    #[serde(default = "default_portal_poll")]
    pub poll_ms: u64,
    /// Attempts before a transfer is FAILED.
    #[serde(default = "default_portal_attempts")]
    pub max_attempts: u32,
    /// Wait after the first failed attempt; doubles after each one, up to `backoff_max_ms`.
    #[serde(default = "default_portal_backoff_base")]
    pub backoff_base_ms: u64,
    #[serde(default = "default_portal_backoff_max")]
    pub backoff_max_ms: u64,
}

impl Default for PortalConfig {
    fn default() -> Self {
        PortalConfig {
            url: None,
            token: None,
            timeout_ms: default_portal_timeout(),
            poll_ms: default_portal_poll(),
            max_attempts: default_portal_attempts(),
            backoff_base_ms: default_portal_backoff_base(),
            backoff_max_ms: default_portal_backoff_max(),
        }
    }
}

fn default_portal_timeout() -> u64 {
    10_000
}
fn default_portal_poll() -> u64 {
    1_000
}
fn default_portal_attempts() -> u32 {
    10
}
fn default_portal_backoff_base() -> u64 {
    2_000
}
fn default_portal_backoff_max() -> u64 {
    3_600_000
}

/// The IVC rules of the region (DOMAIN.md §2.7, §8 V18-V19). Defaults: seed 003 (IVC PLUS
/// Piemonte) for hours, cost, ages and the one-path rule; seed 000 (Toscana pilot) for the
/// interview plan, which only gives warnings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IvcConfig {
    /// Region of the dossiers' reference codes (SEP sectors); unset = `documents.region`.
    pub region: Option<String>,
    /// seed 003: "durata massima del percorso IVC (26 ore)", back office included.
    #[serde(default = "default_ivc_max_hours")]
    pub max_hours: u32,
    /// seed 003: "UCS di 40 € ora/servizio (applicabile anche per il back office)".
    #[serde(default = "default_ivc_hourly_cost")]
    pub hourly_cost_eur: f64,
    /// seed 003: "tra i 15-64 anni".
    #[serde(default = "default_ivc_min_age")]
    pub min_age: i32,
    #[serde(default = "default_ivc_max_age")]
    pub max_age: i32,
    /// seed 003: "che non abbiano già fruito del servizio di IVC".
    #[serde(default = "yes")]
    pub one_path_per_citizen: bool,
    /// Ente pubblico titolare named on the Attestato di validazione unless the input names one.
    #[serde(default = "default_ivc_public_body")]
    pub public_body: String,
    /// seed 000 (Toscana pilot): "da 2 a 4 colloqui di 1-2 ore" — warnings only.
    #[serde(default = "default_ivc_interviews_min")]
    pub interviews_min: u32,
    #[serde(default = "default_ivc_interviews_max")]
    pub interviews_max: u32,
    #[serde(default = "default_ivc_interview_min_minutes")]
    pub interview_min_minutes: i32,
    #[serde(default = "default_ivc_interview_max_minutes")]
    pub interview_max_minutes: i32,
    /// seed 003: the "durata massima ... di ogni singolo servizio"; no figure in the seed, so a
    /// working day: a longer session is refused as an entry error.
    #[serde(default = "default_ivc_max_session_minutes")]
    pub max_session_minutes: i32,
    /// seed 003: only people "residenti o domiciliati" in the region (its provinces: shipped
    /// for TOS and PIE).
    #[serde(default = "yes")]
    pub residence_required: bool,
}

impl IvcConfig {
    /// The policy the domain's IVC rules and the IVC service apply, built once at start-up,
    /// for the dossiers' `region`.
    pub fn policy(&self, region: &str) -> crate::domain::ivc::IvcPolicy {
        crate::domain::ivc::IvcPolicy {
            min_age: self.min_age,
            max_age: self.max_age,
            interviews_min: self.interviews_min,
            interviews_max: self.interviews_max,
            interview_min_minutes: self.interview_min_minutes,
            interview_max_minutes: self.interview_max_minutes,
            max_minutes: i32::try_from(self.max_hours.saturating_mul(60)).unwrap_or(i32::MAX),
            max_session_minutes: self.max_session_minutes,
            hourly_cost_cents: self.hourly_cost_cents(),
            one_path_per_citizen: self.one_path_per_citizen,
            residence_provinces: if self.residence_required {
                crate::domain::ivc::rules::region_provinces(region)
            } else {
                None
            },
        }
    }
}

impl Default for IvcConfig {
    fn default() -> Self {
        IvcConfig {
            region: None,
            max_hours: default_ivc_max_hours(),
            hourly_cost_eur: default_ivc_hourly_cost(),
            min_age: default_ivc_min_age(),
            max_age: default_ivc_max_age(),
            one_path_per_citizen: true,
            public_body: default_ivc_public_body(),
            interviews_min: default_ivc_interviews_min(),
            interviews_max: default_ivc_interviews_max(),
            interview_min_minutes: default_ivc_interview_min_minutes(),
            interview_max_minutes: default_ivc_interview_max_minutes(),
            max_session_minutes: default_ivc_max_session_minutes(),
            residence_required: true,
        }
    }
}

impl IvcConfig {
    /// The hourly cost in cents, the unit dossiers store.
    pub fn hourly_cost_cents(&self) -> i64 {
        (self.hourly_cost_eur * 100.0).round() as i64
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |msg: &str| Err(ConfigError::Invalid(format!("ivc: {msg}")));
        if self.max_hours == 0 {
            return invalid("max_hours must be greater than 0");
        }
        if !(self.hourly_cost_eur.is_finite() && self.hourly_cost_eur >= 0.0) {
            return invalid("hourly_cost_eur must be a non-negative amount");
        }
        if self.min_age < 0 || self.min_age > self.max_age {
            return invalid("min_age must be between 0 and max_age");
        }
        if self.max_session_minutes <= 0
            || i64::from(self.max_session_minutes) > i64::from(self.max_hours) * 60
        {
            return invalid("max_session_minutes must be between 1 and max_hours × 60");
        }
        if self.interviews_min > self.interviews_max
            || self.interview_min_minutes > self.interview_max_minutes
        {
            return invalid("interviews_min/interview_min_minutes must not exceed their max");
        }
        if self.public_body.trim().is_empty() {
            return invalid("public_body must not be empty");
        }
        Ok(())
    }
}

fn default_ivc_max_hours() -> u32 {
    26
}
fn default_ivc_hourly_cost() -> f64 {
    40.0
}
fn default_ivc_min_age() -> i32 {
    15
}
fn default_ivc_max_age() -> i32 {
    64
}
fn default_ivc_public_body() -> String {
    "Regione Toscana".into()
}
fn default_ivc_interviews_min() -> u32 {
    2
}
fn default_ivc_interviews_max() -> u32 {
    4
}
fn default_ivc_interview_min_minutes() -> i32 {
    60
}
fn default_ivc_interview_max_minutes() -> i32 {
    120
}
fn default_ivc_max_session_minutes() -> i32 {
    8 * 60
}

fn default_region() -> String {
    "TOS".into()
}
fn default_file_bytes() -> usize {
    5 * 1024 * 1024
}
