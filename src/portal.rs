//! Delivery of CVs to the Toscana Lavoro portal (seed 001): the worker that drains the
//! `portal_transfer` outbox, and the HTTP contract (README "Portal contract").
//!
//! A transfer is claimed with a lease before each attempt, so a gateway stopped mid-delivery
//! leaves it to the next one after the lease; every attempt carries the transfer's
//! idempotency key, so the portal stores one CV however many attempts reach it. The claim
//! reads the citizen's consent in the same statement (`store::outbox`), after the body is
//! built, so the request follows the decision at once; each acknowledged delivery is
//! recorded with its audit row (action `disclose`) in one transaction.

use crate::auth::Role;
use crate::config::PortalConfig;
use crate::domain::FiscalCode;
use crate::domain::orientation::{cv_valid_until, retry_delay_ms};
use crate::state::AppState;
use crate::store::audit::{self, chain};
use crate::store::orientation::{education_titles_of, propensities_of};
use crate::store::outbox::{self, Acknowledged};
use crate::store::reference::EDUCATION_TITLE;
use base64::Engine as _;
use chrono::{Duration as ChronoDuration, Utc};
use entities::portal_transfer;
use secrecy::ExposeSecret;
use std::time::Duration;
use tokio::sync::watch;

/// Transfers handled per scan.
const BATCH: u64 = 16;

pub use crate::services::portal_contract::{
    CvDelivery, PortalCitizen, PortalCv, PortalEducationTitle, PortalPropensity, PortalReceipt,
};

/// Why an attempt did not deliver; `retry` says whether another attempt may succeed.
#[derive(Debug)]
struct Undelivered {
    reason: String,
    retry: bool,
}

impl Undelivered {
    fn retry(reason: impl Into<String>) -> Self {
        Undelivered {
            reason: reason.into(),
            retry: true,
        }
    }

    fn permanent(reason: impl Into<String>) -> Self {
        Undelivered {
            reason: reason.into(),
            retry: false,
        }
    }
}

/// Runs until `stop` turns true: scans for due transfers every `poll_ms`.
pub async fn run(app: AppState, mut stop: watch::Receiver<bool>) {
    let config = app.config.portal.clone();
    let Some(url) = config.url.clone() else {
        return;
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_millis(config.timeout_ms))
        .build()
    {
        Ok(client) => client,
        Err(err) => {
            tracing::error!(error = %err, "portal worker cannot build its HTTP client");
            return;
        }
    };
    tracing::info!(portal = %url, "portal delivery worker started");
    let recipient = recipient(&url);
    loop {
        if let Err(err) = deliver_due(&app, &client, &url, &recipient, &config).await {
            tracing::warn!(error = %err, "portal worker scan failed");
        }
        tokio::select! {
            _ = stop.changed() => break,
            () = tokio::time::sleep(Duration::from_millis(config.poll_ms)) => {}
        }
    }
}

/// Who receives the data, as the audit rows of deliveries name it: the portal's origin
/// (scheme, host, port), without path or credentials.
fn recipient(url: &str) -> String {
    reqwest::Url::parse(url).map_or_else(
        |_| "portal".to_owned(),
        |u| format!("portal {}", u.origin().ascii_serialization()),
    )
}

/// One scan: claims and delivers the transfers that are due.
async fn deliver_due(
    app: &AppState,
    client: &reqwest::Client,
    url: &str,
    recipient: &str,
    config: &PortalConfig,
) -> Result<(), sea_orm::DbErr> {
    let db = app.store.db();
    for transfer in outbox::due(db, BATCH).await? {
        // built before the claim (the regional sources may take their time), so the request
        // follows the send decision at once
        let body = delivery(app, &transfer).await;
        let lease = Utc::now() + ChronoDuration::milliseconds(lease_ms(config));
        if !outbox::claim(db, &transfer.id, lease).await? {
            if outbox::settle_unclaimed(db, &transfer).await?.is_some() {
                tracing::info!(transfer = %transfer.id, "transfer stopped before its attempt");
            }
            continue; // or another worker took it
        }
        let outcome = match body {
            Ok(body) => attempt_delivery(client, url, config, &transfer, &body)
                .await
                .map(|receipt| (receipt, body.data_categories())),
            Err(undelivered) => Err(undelivered),
        };
        let attempt = transfer.attempts + 1;
        record(app, &transfer, attempt, outcome, recipient, config).await?;
    }
    Ok(())
}

/// Long enough for one attempt; a crash frees the transfer for the next worker after this.
fn lease_ms(config: &PortalConfig) -> i64 {
    i64::try_from(config.timeout_ms.saturating_mul(2)).unwrap_or(i64::MAX / 2)
}

async fn record(
    app: &AppState,
    transfer: &portal_transfer::Model,
    attempt: i32,
    outcome: Result<(PortalReceipt, Vec<&'static str>), Undelivered>,
    recipient: &str,
    config: &PortalConfig,
) -> Result<(), sea_orm::DbErr> {
    let db = app.store.db();
    match outcome {
        Ok((receipt, categories)) => {
            // GDPR art. 15(1)(c): the citizen learns to whom which data went
            let disclosure = chain::NewRow {
                at: Utc::now(),
                request_id: transfer.id.clone(),
                subject: recipient.to_owned(),
                role: Role::Portal.as_str().to_owned(),
                office: None,
                fiscal_code: transfer.fiscal_code.clone(),
                action: audit::DISCLOSE.to_owned(),
                fields: categories.join(","),
            };
            let acknowledged = Acknowledged {
                portal_cv_id: receipt.cv_id,
                pre_registered: receipt.pre_registered,
            };
            let first =
                outbox::settle_delivered(db, &transfer.id, acknowledged, disclosure).await?;
            tracing::info!(transfer = %transfer.id, attempt, first, "CV delivered to the portal");
        }
        Err(undelivered) => {
            let attempts = u32::try_from(attempt).unwrap_or(u32::MAX);
            let give_up = !undelivered.retry || attempts >= config.max_attempts;
            tracing::warn!(
                transfer = %transfer.id, attempt, give_up, reason = %undelivered.reason,
                "CV not delivered to the portal"
            );
            let retry_at = (!give_up).then(|| {
                let wait = retry_delay_ms(attempts, config.backoff_base_ms, config.backoff_max_ms);
                Utc::now()
                    + ChronoDuration::milliseconds(i64::try_from(wait).unwrap_or(i64::MAX / 2))
            });
            outbox::settle_undelivered(db, &transfer.id, undelivered.reason, retry_at).await?;
        }
    }
    Ok(())
}

async fn attempt_delivery(
    client: &reqwest::Client,
    url: &str,
    config: &PortalConfig,
    transfer: &portal_transfer::Model,
    body: &CvDelivery,
) -> Result<PortalReceipt, Undelivered> {
    let mut request = client
        .post(format!("{}/cv", url.trim_end_matches('/')))
        .header("Idempotency-Key", &transfer.idempotency_key)
        .json(body);
    if let Some(token) = &config.token {
        request = request.bearer_auth(token.expose_secret());
    }
    let response = request.send().await.map_err(|e| {
        Undelivered::retry(if e.is_timeout() {
            format!("the portal did not answer within {} ms", config.timeout_ms)
        } else {
            format!("the portal cannot be reached: {e}")
        })
    })?;
    let status = response.status();
    if status.is_success() {
        return response.json::<PortalReceipt>().await.map_err(|e| {
            Undelivered::retry(format!(
                "the portal answered {status} without a receipt: {e}"
            ))
        });
    }
    let text: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    let reason = format!("the portal answered {status}: {text}");
    if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
        Err(Undelivered::retry(reason))
    } else {
        Err(Undelivered::permanent(reason))
    }
}

/// The request body: the citizen's essentials from the regional sources, the propensities,
/// the education titles and the CV file.
async fn delivery(
    app: &AppState,
    transfer: &portal_transfer::Model,
) -> Result<CvDelivery, Undelivered> {
    let db = app.store.db();
    let stored = |e: sea_orm::DbErr| Undelivered::retry(format!("store: {e}"));
    let cv = outbox::cv_of(db, transfer)
        .await
        .map_err(stored)?
        .ok_or_else(|| Undelivered::permanent("the CV no longer exists"))?;
    if cv.deleted_at.is_some() {
        return Err(Undelivered::permanent(
            "the CV was deleted or replaced before it could be delivered",
        ));
    }
    let file = outbox::file_of(db, &cv)
        .await
        .map_err(stored)?
        .ok_or_else(|| Undelivered::permanent("the CV file is missing"))?;
    let key = FiscalCode::parse(&transfer.fiscal_code)
        .map_err(|e| Undelivered::permanent(format!("stored fiscal code: {e}")))?;
    let persons = app
        .registry
        .persons(std::slice::from_ref(&key), &app.links.current())
        .await;
    let Some(person) = persons.value.get(&key) else {
        return Err(if persons.failures.is_empty() {
            Undelivered::permanent("no regional source knows the citizen")
        } else {
            Undelivered::retry("the regional sources did not answer for the citizen's data")
        });
    };
    let v = |m: &Option<crate::sources::merge::Merged<String>>| m.as_ref().map(|m| m.value.clone());
    let codes = [transfer.fiscal_code.clone()];
    let propensities = propensities_of(db, &codes).await.map_err(stored)?;
    let titles = education_titles_of(db, &codes).await.map_err(stored)?;
    Ok(CvDelivery {
        idempotency_key: transfer.idempotency_key.clone(),
        citizen: PortalCitizen {
            fiscal_code: transfer.fiscal_code.clone(),
            given_name: v(&person.given_name),
            family_name: v(&person.family_name),
            birth_date: person.birth_date.as_ref().map(|b| b.value),
            email: v(&person.email),
            phone: v(&person.phone),
            residence_municipality: v(&person.residence_municipality),
            residence_province: v(&person.residence_province),
        },
        // only the active ones: a removed propensity is no longer the citizen's profile
        propensities: propensities
            .into_iter()
            .filter(|p| p.removed_on.is_none())
            .map(PortalPropensity::from)
            .collect(),
        education_titles: titles
            .into_iter()
            .map(|t| PortalEducationTitle {
                label: app
                    .reference
                    .find(EDUCATION_TITLE, &t.code)
                    .map(|c| c.label.clone()),
                code: t.code,
                year: t.year,
            })
            .collect(),
        cv: PortalCv {
            file_name: cv.file_name,
            media_type: file.media_type,
            size_bytes: file.size_bytes,
            sha256: file.sha256,
            uploaded_at: cv.uploaded_at,
            valid_until: cv_valid_until(cv.uploaded_at.date_naive()),
            content_base64: base64::engine::general_purpose::STANDARD.encode(&file.content),
        },
    })
}
