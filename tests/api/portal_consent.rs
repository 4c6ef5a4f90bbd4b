//! The consent to job matching and the portal (seed 001, V15; issue 19 §2): only the consent
//! given at the presa in carico lets the CV go, a consent given later needs a new intake, a
//! withdrawal cancels what is queued in its own transaction and the worker checks the consent
//! again at each attempt, and every acknowledged delivery is an audit row (`disclose`) in the
//! citizen's access report. SQLite and PostgreSQL stores, a fake portal on 127.0.0.1:0.

use crate::fake_portal::{
    Portal, Shared, fake_portal, portal_toml, portal_toml_with, settled_transfer, transfer_when,
    transfers,
};
use crate::fixtures::{MARIO, anna, sources};

use crate::helpers::{TestApp, code_of, error_codes, spawn_app_with, spawn_fixture_app};
use crate::orientation::{ORIENTATION, ready_for_portal};
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REPORT: &str = "query($cf: FiscalCode!) { accessReport(fiscalCode: $cf, first: 100) { \
    edges { node { at subject role office action fields requestId } } } }";

/// The `disclose` rows of the citizen's access report.
async fn disclosures(app: &TestApp, fiscal_code: &str) -> Vec<Value> {
    let admin = app.token(Role::Admin, None);
    let (_, body) = app
        .post(Some(&admin), REPORT, json!({ "cf": fiscal_code }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["accessReport"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .filter(|n| n["action"] == "disclose")
        .collect()
}

/// Who sees the citizen among the portal's candidates.
async fn portal_sees(app: &TestApp, fiscal_code: &str) -> bool {
    let (_, body) = app
        .post(
            Some(&app.token(Role::Portal, None)),
            "query($cf: [FiscalCode!]!) { portalCandidates(fiscalCodes: $cf) { fiscalCode } }",
            json!({ "cf": [fiscal_code] }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    !body["data"]["portalCandidates"][0].is_null()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// The "done when": the portal is down while two citizens' CVs wait; Mario withdraws
/// his consent; the portal comes back. Mario's transfer is CANCELLED by the withdrawal itself,
/// with the reason, and nothing of his is sent again; Anna's is delivered, and her access
/// report says to whom, which data and which transfer.
async fn withdrawal_cancels_the_queue(test: &str, store: Engine) {
    let portal: Shared = Arc::new(Mutex::new(Portal {
        down: true,
        ..Portal::default()
    }));
    let url = fake_portal(portal.clone()).await;
    // the next attempt 1.5 s after a failed one: time to withdraw while none is under way
    let toml = portal_toml_with(&url, 2_000, 1_500, 1_500);
    let Some(app) = spawn_app_with(
        test,
        store,
        sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        &toml,
    )
    .await
    else {
        return;
    };
    let anna = anna();
    let mario = ready_for_portal(&app, MARIO, true).await;
    let mario = ORIENTATION
        .step(&app, &mario, "transferCvToPortal", json!({}))
        .await;
    let r = ready_for_portal(&app, anna.as_str(), true).await;
    ORIENTATION
        .step(&app, &r, "transferCvToPortal", json!({}))
        .await;
    let failed_once = |t: &Value| t["attempts"] == 1 && t["lastError"].is_string();
    let waiting = transfer_when(&app, MARIO, Duration::from_secs(10), failed_once).await;
    assert!(failed_once(&waiting), "{waiting}");
    let due_again: chrono::DateTime<chrono::Utc> = text(&waiting["nextAttemptAt"]).parse().unwrap();

    let mario = ORIENTATION
        .step(
            &app,
            &mario,
            "setJobMatchingConsent",
            json!({ "given": false, "on": "2026-10-01" }),
        )
        .await;
    let cancelled = &mario["portalTransfers"][0];
    assert_eq!(
        cancelled["status"], "CANCELLED",
        "in the withdrawal: {mario}"
    );
    assert!(
        text(&cancelled["cancelReason"])
            .contains("withdrew the consent to job matching on 2026-10-01"),
        "{cancelled}"
    );
    assert!(cancelled["cancelledAt"].is_string(), "{cancelled}");
    assert_eq!(cancelled["nextAttemptAt"], Value::Null, "not due any more");

    let waiting = transfer_when(&app, anna.as_str(), Duration::from_secs(10), failed_once).await;
    assert!(failed_once(&waiting), "{waiting}");
    portal.lock().unwrap().down = false;
    let delivered = settled_transfer(&app, anna.as_str(), Duration::from_secs(15)).await;
    assert_eq!(delivered["status"], "DELIVERED", "{delivered}");
    // past the moment Mario's next attempt was due, and some scans more
    let wait = due_again - chrono::Utc::now() + chrono::Duration::milliseconds(600);
    tokio::time::sleep(wait.to_std().unwrap_or_default()).await;
    let pushed = {
        let p = portal.lock().unwrap();
        assert_eq!(
            p.requests_for(MARIO),
            1,
            "only the attempt before the withdrawal"
        );
        assert_eq!(
            p.requests_for(anna.as_str()),
            2,
            "refused once, then delivered"
        );
        assert_eq!(p.stored.len(), 1, "Anna's CV only");
        p.requests.last().unwrap().2.clone()
    };
    let after = &transfers(&app, MARIO).await[0];
    assert_eq!(after["status"], "CANCELLED", "{after}");
    assert_eq!(after["attempts"], 1, "{after}");

    // the disclosure: one row, written when the portal acknowledged the CV
    let rows = disclosures(&app, anna.as_str()).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["subject"], format!("portal {url}"), "the recipient");
    assert_eq!(row["role"], "portal");
    assert_eq!(row["office"], Value::Null);
    assert_eq!(row["requestId"], delivered["id"], "the transfer's id");
    let fields: Vec<&str> = row["fields"].as_array().unwrap().iter().map(text).collect();
    for category in ["citizen.fiscalCode", "citizen.familyName", "propensities"] {
        assert!(fields.contains(&category), "{category}: {fields:?}");
    }
    assert!(
        fields.contains(&"educationTitles") && fields.contains(&"cv"),
        "{fields:?}"
    );
    // each category names what the push carried
    for field in &fields {
        let value = match field.split_once('.') {
            Some((part, key)) => &pushed[part][key],
            None => &pushed[*field],
        };
        assert!(!value.is_null(), "{field} was not sent: {pushed}");
    }
    assert!(
        disclosures(&app, MARIO).await.is_empty(),
        "nothing of Mario's went out"
    );
    app.stop().await;
}

#[tokio::test]
async fn withdrawal_cancels_the_queued_transfer_sqlite() {
    withdrawal_cancels_the_queue("withdrawal_queue_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn withdrawal_cancels_the_queued_transfer_postgres() {
    withdrawal_cancels_the_queue("withdrawal_queue_postgres", Engine::Postgres).await;
}

/// A withdrawal committed while an attempt is under way: that attempt was decided under the
/// consent, so the withdrawal leaves it (PENDING); its failure is never retried, the worker
/// cancels it at the next claim. An attempt under way that the portal acknowledges did
/// disclose the data: DELIVERED, with its audit row.
async fn withdrawal_during_an_attempt(test: &str, store: Engine) {
    let portal: Shared = Arc::new(Mutex::new(Portal {
        fail_slowly: Some(Duration::from_millis(1_500)),
        ..Portal::default()
    }));
    let url = fake_portal(portal.clone()).await;
    let Some(app) = spawn_app_with(
        test,
        store,
        sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        &portal_toml(&url, 5_000),
    )
    .await
    else {
        return;
    };
    let under_way = async |fiscal_code: &str| {
        let started = Instant::now();
        while portal.lock().unwrap().requests_for(fiscal_code) == 0 {
            assert!(started.elapsed() < Duration::from_secs(10), "no attempt");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let withdraw = async |record: &Value| {
        let on = json!({ "given": false, "on": "2026-10-01" });
        ORIENTATION
            .step(&app, record, "setJobMatchingConsent", on)
            .await
    };

    let r = ready_for_portal(&app, MARIO, true).await;
    let r = ORIENTATION
        .step(&app, &r, "transferCvToPortal", json!({}))
        .await;
    under_way(MARIO).await;
    let r = withdraw(&r).await;
    assert_eq!(
        r["portalTransfers"][0]["status"], "PENDING",
        "under way: {r}"
    );
    let settled = settled_transfer(&app, MARIO, Duration::from_secs(15)).await;
    assert_eq!(settled["status"], "CANCELLED", "{settled}");
    assert_eq!(settled["attempts"], 1, "{settled}");
    assert!(text(&settled["lastError"]).contains("503"), "{settled}");
    assert!(
        text(&settled["cancelReason"]).contains("withdrew"),
        "{settled}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(portal.lock().unwrap().requests_for(MARIO), 1, "not retried");
    assert!(disclosures(&app, MARIO).await.is_empty());

    portal.lock().unwrap().slow_first = Some(Duration::from_millis(1_500));
    let anna = anna();
    let r = ready_for_portal(&app, anna.as_str(), true).await;
    let r = ORIENTATION
        .step(&app, &r, "transferCvToPortal", json!({}))
        .await;
    under_way(anna.as_str()).await;
    let r = withdraw(&r).await;
    assert_eq!(
        r["portalTransfers"][0]["status"], "PENDING",
        "under way: {r}"
    );
    let settled = settled_transfer(&app, anna.as_str(), Duration::from_secs(15)).await;
    assert_eq!(settled["status"], "DELIVERED", "{settled}");
    assert_eq!(disclosures(&app, anna.as_str()).await.len(), 1);
    assert_eq!(portal.lock().unwrap().requests_for(anna.as_str()), 1);
    app.stop().await;
}

#[tokio::test]
async fn withdrawal_during_an_attempt_is_never_retried_sqlite() {
    withdrawal_during_an_attempt("withdrawal_in_flight_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn withdrawal_during_an_attempt_is_never_retried_postgres() {
    withdrawal_during_an_attempt("withdrawal_in_flight_postgres", Engine::Postgres).await;
}

/// Seed 001: a consent given after the presa in carico is recorded but does not let the CV
/// go; the refusal says to take the citizen in charge again, and doing so (with the consent)
/// does. A new presa in carico without it cancels what is queued.
async fn consent_given_later(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let r = ready_for_portal(&app, MARIO, false).await;
    assert_eq!(r["consent"]["allowsPortalTransfer"], false);
    assert_eq!(r["consent"]["history"][0]["atIntake"], true);
    let err = ORIENTATION
        .refused(&app, &r, "transferCvToPortal", json!({}))
        .await;
    assert_eq!(code_of(&err), "FORBIDDEN", "{err}");
    let message = text(&err["message"]);
    assert!(
        message.contains("did not give the consent to job matching at the presa in carico")
            && message.contains("recordNewIntake"),
        "{err}"
    );

    let r = ORIENTATION
        .step(
            &app,
            &r,
            "setJobMatchingConsent",
            json!({ "given": true, "on": "2026-10-01" }),
        )
        .await;
    let consent = &r["consent"];
    assert_eq!(consent["jobMatching"], true, "recorded and in force");
    assert_eq!(consent["givenAtIntake"], false);
    assert_eq!(consent["allowsPortalTransfer"], false);
    assert_eq!(consent["history"][1]["atIntake"], false, "{consent}");
    let err = ORIENTATION
        .refused(&app, &r, "transferCvToPortal", json!({}))
        .await;
    assert_eq!(code_of(&err), "FORBIDDEN", "{err}");
    let message = text(&err["message"]);
    assert!(
        message.contains("on 2026-10-01, after the presa in carico of 2026-09-01")
            && message.contains("take the citizen in charge again")
            && message.contains("recordNewIntake"),
        "{err}"
    );
    assert!(
        !portal_sees(&app, MARIO).await,
        "nor does the portal see him"
    );

    // the remedy: a new presa in carico, after the last change, with the consent
    let again = json!({ "takenOn": "2026-09-30", "consentToJobMatching": true });
    let err = ORIENTATION
        .refused(&app, &r, "recordNewIntake", again)
        .await;
    assert_eq!(err["extensions"]["field"], "takenOn", "{err}");
    let again = json!({ "takenOn": "2026-10-05", "consentToJobMatching": true });
    let r = ORIENTATION.step(&app, &r, "recordNewIntake", again).await;
    assert_eq!(r["takenInChargeOn"], "2026-10-05");
    assert_eq!(r["office"], "CPI-FI-01", "the token's office");
    let consent = &r["consent"];
    assert_eq!(consent["givenAtIntake"], true, "{consent}");
    assert_eq!(consent["allowsPortalTransfer"], true);
    assert_eq!(consent["givenOn"], "2026-10-05");
    let history: Vec<(bool, bool)> = consent["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["given"] == true, c["atIntake"] == true))
        .collect();
    assert_eq!(history, [(false, true), (true, false), (true, true)]);
    let r = ORIENTATION
        .step(&app, &r, "transferCvToPortal", json!({}))
        .await;
    assert_eq!(r["portalTransfers"][0]["status"], "PENDING", "{r}");
    assert!(portal_sees(&app, MARIO).await);

    // a new presa in carico without the consent closes the way and cancels the queue
    let again = json!({ "takenOn": "2026-10-06", "consentToJobMatching": false });
    let r = ORIENTATION.step(&app, &r, "recordNewIntake", again).await;
    let transfer = &r["portalTransfers"][0];
    assert_eq!(transfer["status"], "CANCELLED", "{r}");
    assert!(
        text(&transfer["cancelReason"]).contains("at the presa in carico of 2026-10-06"),
        "{transfer}"
    );
    assert!(!portal_sees(&app, MARIO).await);

    // a second first intake: a conflict that names the record, not its dates
    let body = ORIENTATION
        .call(
            &app,
            "recordIntake",
            json!({ "fiscalCode": MARIO, "takenOn": "2026-10-07", "consentToJobMatching": true }),
        )
        .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    let message = text(&body["errors"][0]["message"]);
    assert!(message.contains("recordNewIntake"), "{message}");
    assert!(
        !message.contains("2026-"),
        "no dates of the record: {message}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_consent_given_later_needs_a_new_intake_sqlite() {
    consent_given_later("consent_later_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn a_consent_given_later_needs_a_new_intake_postgres() {
    consent_given_later("consent_later_postgres", Engine::Postgres).await;
}

/// "Cancella CV" while the transfer waits for the portal: the worker decides each attempt
/// with the CV's state too, so the deleted CV never leaves (FAILED, with the reason).
#[tokio::test]
async fn a_cv_deleted_while_queued_is_not_sent() {
    let portal: Shared = Arc::new(Mutex::new(Portal {
        down: true,
        ..Portal::default()
    }));
    let url = fake_portal(portal.clone()).await;
    let toml = portal_toml_with(&url, 2_000, 1_000, 1_000);
    let Some(app) = spawn_app_with(
        "deleted_cv_queued",
        Engine::Sqlite,
        sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        &toml,
    )
    .await
    else {
        return;
    };
    let r = ready_for_portal(&app, MARIO, true).await;
    let r = ORIENTATION
        .step(&app, &r, "transferCvToPortal", json!({}))
        .await;
    let failed_once = |t: &Value| t["attempts"] == 1 && t["lastError"].is_string();
    assert!(failed_once(
        &transfer_when(&app, MARIO, Duration::from_secs(10), failed_once).await
    ));
    ORIENTATION.step(&app, &r, "deleteCv", json!({})).await;
    portal.lock().unwrap().down = false;
    let settled = settled_transfer(&app, MARIO, Duration::from_secs(10)).await;
    assert_eq!(settled["status"], "FAILED", "{settled}");
    assert!(text(&settled["lastError"]).contains("deleted"), "{settled}");
    let p = portal.lock().unwrap();
    assert_eq!((p.requests_for(MARIO), p.stored.len()), (1, 0));
}
