//! Orientation through GraphQL only (seed 001): intake with consent, propensities (at most
//! 3), education titles, the CV and its prerequisites, the service pact, and the transfer to
//! a fake job portal on 127.0.0.1:0 that fails, is slow and sees retries — on SQLite and
//! PostgreSQL stores.

use crate::fake_portal::{Portal, Shared, fake_portal, portal_toml, settled_transfer};
use crate::fixtures::{MARIO, anna, sources};
use crate::helpers::{
    Document, TestApp, code_of, error_codes, pdf, spawn_app, spawn_app_with, spawn_fixture_app,
};
use base64::Engine as _;
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const RECORD: &str = "fiscalCode version takenInChargeOn office recordedBy \
    consent { jobMatching givenAtIntake allowsPortalTransfer givenOn withdrawnOn \
      history { given atIntake on by } } \
    specialCategories { code label } profilingNotes \
    servicePact { signedOn operator searchPlan measures { id measure { code label } status \
      plannedOn startedOn doneOn } } \
    propensities { id occupationCode occupationLabel fromWork fromEducation fromTraining \
      interviewOn yearsExperience lastYearWorked notes } \
    educationTitles { code label year } \
    cv { fileName sizeBytes sha256 validUntil obsolete } \
    portalTransfers { id status attempts lastError portalCvId preRegistered cancelReason \
      cancelledAt nextAttemptAt }";

fn input_type(name: &str) -> &'static str {
    match name {
        "recordIntake" => "RecordIntakeInput",
        "recordNewIntake" => "RecordNewIntakeInput",
        "setJobMatchingConsent" => "SetConsentInput",
        "signServicePact" => "SignServicePactInput",
        "addPactMeasure" => "AddPactMeasureInput",
        "updatePactMeasure" => "UpdatePactMeasureInput",
        "addPropensity" => "AddPropensityInput",
        "removePropensity" => "RemovePropensityInput",
        "addEducationTitle" => "AddEducationTitleInput",
        "deleteCv" | "transferCvToPortal" => "OrientationRefInput",
        "uploadCv" => "UploadCvInput",
        other => panic!("unknown mutation {other}"),
    }
}

/// The orientation record's mutations: addressed by `fiscalCode`, each selecting the record.
pub const ORIENTATION: Document = Document {
    fields: RECORD,
    key: "fiscalCode",
    input_type,
};

async fn upload_cv(app: &TestApp, record: &Value, name: &str, bytes: Vec<u8>) -> Value {
    let input = json!({ "fiscalCode": record["fiscalCode"], "version": record["version"],
                        "file": null });
    ORIENTATION
        .upload(app, "uploadCv", input, Some((name, bytes)))
        .await
}

pub async fn intake(app: &TestApp, fiscal_code: &str, consent: bool) -> Value {
    let body = ORIENTATION
        .call(
            app,
            "recordIntake",
            json!({ "fiscalCode": fiscal_code, "takenOn": "2026-09-01", "office": "CPI-FI-01",
                "consentToJobMatching": consent, "specialCategories": ["L68_99"],
                "profilingNotes": "Disponibile a spostamenti in provincia" }),
        )
        .await;
    assert!(body.get("errors").is_none(), "recordIntake: {body}");
    body["data"]["recordIntake"].clone()
}

fn propensity(code: &str, label: &str) -> Value {
    json!({ "occupationCode": code, "occupationLabel": label, "fromWork": true,
            "interviewOn": "2026-09-10", "yearsExperience": 4, "lastYearWorked": 2025,
            "notes": "Patente B; disponibile part-time" })
}

/// Intake, an education title, a propensity and a CV: ready for the portal.
pub async fn ready_for_portal(app: &TestApp, fiscal_code: &str, consent: bool) -> Value {
    let r = intake(app, fiscal_code, consent).await;
    let r = ORIENTATION
        .step(
            app,
            &r,
            "addEducationTitle",
            json!({ "code": "30000000", "year": 2004 }),
        )
        .await;
    let r = ORIENTATION
        .step(
            app,
            &r,
            "addPropensity",
            propensity("5.1.2.2.0", "Commesso"),
        )
        .await;
    let body = upload_cv(app, &r, "cv.pdf", pdf()).await;
    assert!(body.get("errors").is_none(), "uploadCv: {body}");
    body["data"]["uploadCv"].clone()
}

async fn orientation_flow(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let r = intake_and_what_the_cv_needs(&app).await;
    let (r, sha) = the_cv_and_the_service_pact(&app, r).await;
    stale_versions_conflict_and_the_profile_shows_all(&app, &r).await;
    deleting_the_cv_keeps_the_record(&app, &r, &sha).await;
    app.stop().await;
}

#[tokio::test]
async fn orientation_flow_sqlite() {
    orientation_flow("orientation_flow_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn orientation_flow_postgres() {
    orientation_flow("orientation_flow_postgres", Engine::Postgres).await;
}

/// Intake; a second one conflicts; the CV's prerequisites (V13) and the propensities'
/// rules (V11/V12); the record.
async fn intake_and_what_the_cv_needs(app: &TestApp) -> Value {
    let r = intake(app, MARIO, true).await;
    assert_eq!(r["version"], 1);
    assert_eq!(r["consent"]["jobMatching"], true);
    assert_eq!(r["consent"]["givenOn"], "2026-09-01");
    assert_eq!(
        r["specialCategories"][0]["label"],
        "Collocamento mirato (L. 68/1999)"
    );
    // a second intake is a conflict with the record's version
    let body = ORIENTATION
        .call(
            app,
            "recordIntake",
            json!({ "fiscalCode": MARIO, "takenOn": "2026-09-02", "consentToJobMatching": false }),
        )
        .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");

    // V13: the CV needs an education title and a propensity; the error says which is missing
    let body = upload_cv(app, &r, "cv.pdf", pdf()).await;
    let message = body["errors"][0]["message"].as_str().unwrap().to_owned();
    let missing = message
        .split("missing: ")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(
        missing.contains("education title") && missing.contains("propensity"),
        "{body}"
    );
    let r = ORIENTATION
        .step(
            app,
            &r,
            "addEducationTitle",
            json!({ "code": "30000000", "year": 2004 }),
        )
        .await;
    assert_eq!(
        r["educationTitles"][0]["label"],
        "Qualifica professionale (IeFP, 3 anni)"
    );
    let err = ORIENTATION
        .refused(app, &r, "addEducationTitle", json!({ "code": "99999999" }))
        .await;
    assert_eq!(err["extensions"]["field"], "code", "{err}");
    let body = upload_cv(app, &r, "cv.pdf", pdf()).await;
    let message = body["errors"][0]["message"].as_str().unwrap().to_owned();
    let missing = message
        .split("missing: ")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(
        !missing.contains("education title") && missing.contains("propensity"),
        "{body}"
    );

    // V11/V12: three propensities at most, each with a date and an origin flag
    let mut p = propensity("5.1.2.2.0", "Commesso");
    p["fromWork"] = json!(false);
    let err = ORIENTATION.refused(app, &r, "addPropensity", p).await;
    assert_eq!(err["extensions"]["field"], "fromWork", "{err}");
    let mut p = propensity("5.1.2.2.0", "Commesso");
    p.as_object_mut().unwrap().remove("interviewOn");
    let err = ORIENTATION.refused(app, &r, "addPropensity", p).await;
    assert_eq!(err["extensions"]["field"], "interviewOn", "{err}");
    let mut r = r;
    for (code, label) in [
        ("5.1.2.2.0", "Commesso delle vendite al minuto"),
        ("4.1.1.1.0", "Addetto alla segreteria"),
        ("8.1.4.2.0", "Addetto alle pulizie"),
    ] {
        r = ORIENTATION
            .step(app, &r, "addPropensity", propensity(code, label))
            .await;
    }
    assert_eq!(r["propensities"].as_array().unwrap().len(), 3);
    let err = ORIENTATION
        .refused(
            app,
            &r,
            "addPropensity",
            propensity("5.2.2.1.0", "Cameriere"),
        )
        .await;
    assert_eq!(code_of(&err), "BAD_USER_INPUT");
    assert_eq!(err["extensions"]["field"], "propensities", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("at most 3"),
        "{err}"
    );
    r
}

/// The CV (PDF only, SHA-256, valid 6 months) and the service pact; the record and the
/// CV's SHA-256.
async fn the_cv_and_the_service_pact(app: &TestApp, r: Value) -> (Value, String) {
    // the CV: PDF only, SHA-256, valid 6 months
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    let body = upload_cv(app, &r, "cv.png", png).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "file", "{body}");
    let body = upload_cv(app, &r, "cv.pdf", pdf()).await;
    assert!(body.get("errors").is_none(), "{body}");
    let r = body["data"]["uploadCv"].clone();
    let sha = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(pdf()));
    assert_eq!(r["cv"]["sha256"], sha);
    let today = chrono::Local::now().date_naive();
    let until = today.checked_add_months(chrono::Months::new(6)).unwrap();
    assert_eq!(r["cv"]["validUntil"], until.to_string());
    assert_eq!(r["cv"]["obsolete"], false);

    // the service pact with measures of the catalogue, moving forward only
    let err = ORIENTATION.refused(
        app,
        &r,
        "signServicePact",
        json!({ "signedOn": "2026-09-05", "measures": [{ "code": "Z99", "plannedOn": "2026-09-10" }] }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "measures.code", "{err}");
    let r = ORIENTATION
        .step(
            app,
            &r,
            "signServicePact",
            json!({ "signedOn": "2026-09-05", "searchPlan": "Due candidature a settimana",
                "measures": [{ "code": "A05", "plannedOn": "2026-09-05" },
                             { "code": "C07", "plannedOn": "2026-10-01" }] }),
        )
        .await;
    let measures = r["servicePact"]["measures"].as_array().unwrap().clone();
    assert_eq!(measures.len(), 2);
    assert_eq!(measures[1]["measure"]["code"], "C07");
    let c07 = measures[1]["id"].clone();
    let r = ORIENTATION
        .step(
            app,
            &r,
            "updatePactMeasure",
            json!({ "measureId": c07, "status": "STARTED", "on": "2026-10-01" }),
        )
        .await;
    let r = ORIENTATION
        .step(
            app,
            &r,
            "updatePactMeasure",
            json!({ "measureId": c07, "status": "DONE", "on": "2026-10-20" }),
        )
        .await;
    assert_eq!(r["servicePact"]["measures"][1]["doneOn"], "2026-10-20");
    let err = ORIENTATION
        .refused(
            app,
            &r,
            "updatePactMeasure",
            json!({ "measureId": c07, "status": "STARTED", "on": "2026-10-21" }),
        )
        .await;
    assert_eq!(code_of(&err), "INVALID_TRANSITION", "{err}");
    (r, sha)
}

/// A stale version changes nothing; the citizen profile carries it all.
async fn stale_versions_conflict_and_the_profile_shows_all(app: &TestApp, r: &Value) {
    // a stale version is a conflict and changes nothing
    let mut stale = r.clone();
    stale["version"] = json!(2);
    let err = ORIENTATION
        .refused(app, &stale, "deleteCv", json!({}))
        .await;
    assert_eq!(code_of(&err), "CONFLICT", "{err}");
    assert_eq!(err["extensions"]["currentVersion"], r["version"]);

    // the citizen profile carries it all; measures of the catalogue are listed
    let body = app
        .query(
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { servicePact { measures { status } } \
             propensities { occupationCode } cv { obsolete } orientation { version } } \
             pactMeasures { code label minMinutes maxMinutes } }",
            json!({ "cf": MARIO }),
        )
        .await;
    let citizen = &body["data"]["citizen"];
    assert_eq!(
        citizen["propensities"].as_array().unwrap().len(),
        3,
        "{body}"
    );
    assert_eq!(citizen["servicePact"]["measures"][1]["status"], "DONE");
    assert_eq!(citizen["orientation"]["version"], r["version"]);
    let a05 = body["data"]["pactMeasures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "A05")
        .unwrap()
        .clone();
    assert_eq!(a05["maxMinutes"], 90, "V17: orientamento di base ≤ 90 min");
}

/// Deleting the CV keeps the record and the history.
async fn deleting_the_cv_keeps_the_record(app: &TestApp, r: &Value, sha: &str) {
    // deleting the CV keeps the record and the history
    let r = ORIENTATION.step(app, r, "deleteCv", json!({})).await;
    assert_eq!(r["cv"], Value::Null);
    let files = entities::evidence_file::Entity::find()
        .filter(entities::evidence_file::Column::Sha256.eq(sha))
        .count(app.state.store.db())
        .await
        .unwrap();
    assert_eq!(files, 0, "the deleted CV's content is erased");
}

/// The portal fails twice, then accepts: one CV on the portal, delivered on the 3rd attempt,
/// with the citizen's essentials and no special category.
async fn transfer_is_retried_until_delivered(test: &str, store: Engine) {
    let portal: Shared = Arc::new(Mutex::new(Portal {
        fail_first: 2,
        ..Portal::default()
    }));
    let url = fake_portal(portal.clone()).await;
    let Some(app) = spawn_app_with(
        test,
        store,
        sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        &portal_toml(&url, 2_000),
    )
    .await
    else {
        return;
    };
    let r = ready_for_portal(&app, MARIO, true).await;
    let r = ORIENTATION
        .step(&app, &r, "transferCvToPortal", json!({}))
        .await;
    assert_eq!(r["portalTransfers"][0]["status"], "PENDING", "{r}");
    let transfer = settled_transfer(&app, MARIO, Duration::from_secs(15)).await;
    assert_eq!(transfer["status"], "DELIVERED", "{transfer}");
    assert_eq!(transfer["attempts"], 3, "{transfer}");
    assert_eq!(transfer["portalCvId"], "portal-cv-1");
    assert_eq!(transfer["preRegistered"], true);
    assert_eq!(transfer["lastError"], Value::Null);
    {
        let p = portal.lock().unwrap();
        assert_eq!(p.requests.len(), 3);
        assert_eq!(p.stored.len(), 1, "one CV on the portal");
        let keys: std::collections::HashSet<_> = p.requests.iter().map(|r| r.1.clone()).collect();
        assert_eq!(
            keys.len(),
            1,
            "every attempt carries the same idempotency key"
        );
        let (auth, _, body) = p.requests.last().unwrap();
        assert_eq!(auth.as_deref(), Some("Bearer portal-secret"));
        assert_eq!(body["citizen"]["familyName"], "ROSSI", "{body}");
        assert_eq!(body["propensities"][0]["occupationCode"], "5.1.2.2.0");
        assert_eq!(body["educationTitles"][0]["code"], "30000000");
        let content = base64::engine::general_purpose::STANDARD
            .decode(body["cv"]["contentBase64"].as_str().unwrap())
            .unwrap();
        assert_eq!(content, pdf());
        let text = body.to_string();
        assert!(
            !text.contains("L68_99") && !text.contains("pecial"),
            "GDPR art. 9: {text}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn portal_transfer_is_retried_until_delivered_sqlite() {
    transfer_is_retried_until_delivered("portal_retry_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn portal_transfer_is_retried_until_delivered_postgres() {
    transfer_is_retried_until_delivered("portal_retry_postgres", Engine::Postgres).await;
}

/// The portal fails twice, then stores the CV but answers too slowly; the gateway stops
/// meanwhile; the next gateway retries after the lease with the same key: the portal holds
/// exactly one CV (the "done when").
#[tokio::test]
async fn portal_transfer_survives_a_restart_mid_delivery() {
    let portal: Shared = Arc::new(Mutex::new(Portal {
        fail_first: 2,
        slow_first: Some(Duration::from_secs(30)),
        ..Portal::default()
    }));
    let url = fake_portal(portal.clone()).await;
    let Some(app) = spawn_app_with(
        "portal_restart",
        Engine::Sqlite,
        sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        &portal_toml(&url, 1_500),
    )
    .await
    else {
        return;
    };
    let r = ready_for_portal(&app, MARIO, true).await;
    ORIENTATION
        .step(&app, &r, "transferCvToPortal", json!({}))
        .await;
    let started = Instant::now();
    while portal.lock().unwrap().requests.is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no delivery attempt"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let app = app.restart().await;
    let transfer = settled_transfer(&app, MARIO, Duration::from_secs(15)).await;
    assert_eq!(transfer["status"], "DELIVERED", "{transfer}");
    assert_eq!(
        transfer["attempts"], 4,
        "2 refused, 1 cut off, 1 answered: {transfer}"
    );
    assert_eq!(
        transfer["preRegistered"], false,
        "the portal had it from the cut-off attempt"
    );
    {
        let p = portal.lock().unwrap();
        assert_eq!(p.requests.len(), 4);
        let keys: std::collections::HashSet<_> = p.requests.iter().map(|r| r.1.clone()).collect();
        assert_eq!(keys.len(), 1, "same idempotency key");
        assert_eq!(p.stored.len(), 1, "one CV on the portal");
    }
    app.stop().await;
}

/// V15: no consent, no transfer; a withdrawn consent stops transfers too. The portal role
/// sees consenting citizens only, and nothing else of the profile.
#[tokio::test]
async fn consent_gates_the_portal() {
    let Some(app) = spawn_fixture_app("portal_consent", Engine::Sqlite).await else {
        return;
    };
    let without = ready_for_portal(&app, anna().as_str(), false).await;
    let err = ORIENTATION
        .refused(&app, &without, "transferCvToPortal", json!({}))
        .await;
    assert_eq!(code_of(&err), "FORBIDDEN", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("did not give the consent"),
        "{err}"
    );

    let with = ready_for_portal(&app, MARIO, true).await;
    let portal = app.token(Role::Portal, None);
    let ask = async |token: &str| {
        app.post(
            Some(token),
            "query($cf: [FiscalCode!]!) { portalCandidates(fiscalCodes: $cf) { fiscalCode \
             propensities { occupationCode } cv { validUntil obsolete } } }",
            json!({ "cf": [MARIO, anna().as_str()] }),
        )
        .await
        .1
    };
    let body = ask(&portal).await;
    assert!(body.get("errors").is_none(), "{body}");
    let candidates = body["data"]["portalCandidates"].as_array().unwrap().clone();
    assert_eq!(candidates[0]["fiscalCode"], MARIO);
    assert_eq!(
        candidates[0]["propensities"][0]["occupationCode"],
        "5.1.2.2.0"
    );
    assert_eq!(candidates[0]["cv"]["obsolete"], false);
    assert_eq!(
        candidates[1],
        Value::Null,
        "no consent: nothing, not even existence"
    );
    let body = ask(&app.operator()).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    // only what the push contract sends: no operator's notes, no uploader
    for (field, selection) in [
        ("notes", "propensities { notes }"),
        ("uploadedBy", "cv { uploadedBy }"),
    ] {
        let query = format!(
            "query($cf: [FiscalCode!]!) {{ portalCandidates(fiscalCodes: $cf) {{ {selection} }} }}"
        );
        let (_, body) = app
            .post(Some(&portal), &query, json!({ "cf": [MARIO] }))
            .await;
        assert!(body["data"].is_null(), "{field}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(field),
            "{body}"
        );
    }
    let (_, body) = app
        .post(
            Some(&portal),
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { fiscalCode } }",
            json!({ "cf": MARIO }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");

    let with = ORIENTATION
        .step(
            &app,
            &with,
            "setJobMatchingConsent",
            json!({ "given": false, "on": "2026-10-01" }),
        )
        .await;
    assert_eq!(with["consent"]["withdrawnOn"], "2026-10-01");
    assert_eq!(
        with["consent"]["history"].as_array().unwrap().len(),
        2,
        "recorded, not deleted"
    );
    let err = ORIENTATION
        .refused(&app, &with, "transferCvToPortal", json!({}))
        .await;
    assert_eq!(code_of(&err), "FORBIDDEN", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("withdrew"),
        "{err}"
    );
    let body = ask(&portal).await;
    assert_eq!(body["data"]["portalCandidates"][0], Value::Null, "{body}");
    app.stop().await;
}

/// A query for 100 citizens with orientation record, pact, measures, propensities, titles,
/// CV and transfers costs the same store statements as for one.
async fn reads_are_batched(test: &str, store: Engine) {
    let data = fascicolo::sources::demo::generate(12, 200);
    let codes: Vec<String> = data
        .lavoro
        .persons
        .iter()
        .take(100)
        .map(|p| p.fiscal_code.clone())
        .collect();
    assert_eq!(codes.len(), 100);
    let sources = vec![crate::helpers::SourceSpec {
        name: "lavoro",
        engine: Engine::Sqlite,
        data: data.lavoro,
    }];
    let Some(app) = spawn_app(test, store, sources, &[]).await else {
        return;
    };
    for code in &codes {
        let r = ready_for_portal(&app, code, true).await;
        ORIENTATION.step(
            &app,
            &r,
            "signServicePact",
            json!({ "signedOn": "2026-09-05", "measures": [{ "code": "A05", "plannedOn": "2026-09-05" }] }),
        )
        .await;
    }
    let query = "query($codes: [FiscalCode!]!) { citizens(fiscalCodes: $codes) { \
        servicePact { measures { status } } propensities { occupationCode } cv { obsolete } \
        orientation { version consent { history { given } } educationTitles { code } \
        portalTransfers { status } } } }";
    // a read first: after the writes above, the audit writer learns where the chain head is
    // now (on PostgreSQL its next appends are one statement each)
    let body = app.query(query, json!({ "codes": &codes[..1] })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let mut counts = Vec::new();
    for n in [1, 100] {
        let before = app.store_statements();
        let body = app.query(query, json!({ "codes": &codes[..n] })).await;
        assert!(body.get("errors").is_none(), "{body}");
        let complete = body["data"]["citizens"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["servicePact"]["measures"]
                    .as_array()
                    .is_some_and(|m| m.len() == 1)
                    && c["propensities"].as_array().is_some_and(|p| p.len() == 1)
                    && c["cv"]["obsolete"] == false
                    && c["orientation"]["educationTitles"]
                        .as_array()
                        .is_some_and(|t| t.len() == 1)
            })
            .count();
        assert_eq!(complete, n, "{body}");
        counts.push(app.store_statements() - before);
    }
    eprintln!("{test}: store statements for 1 and 100 citizens' orientation: {counts:?}");
    assert_eq!(
        counts[0], counts[1],
        "store statements grow with citizens: {counts:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn orientation_reads_are_batched_sqlite() {
    reads_are_batched("orientation_batched_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn orientation_reads_are_batched_postgres() {
    reads_are_batched("orientation_batched_postgres", Engine::Postgres).await;
}

/// A change failing at its last statement (the audit insert) leaves nothing: no measure, no
/// pact, no queued transfer, the same version.
#[tokio::test]
async fn orientation_failing_write_leaves_nothing() {
    use sea_orm::ConnectionTrait;
    let Some(app) = spawn_fixture_app("orientation_atomic", Engine::Sqlite).await else {
        return;
    };
    let r = ready_for_portal(&app, MARIO, true).await;
    crate::helpers::refuse_audit_writes(&app).await;
    for (name, input) in [
        (
            "signServicePact",
            json!({ "signedOn": "2026-09-05", "measures": [{ "code": "A05", "plannedOn": "2026-09-05" }] }),
        ),
        ("transferCvToPortal", json!({})),
    ] {
        let mut input = input;
        input["fiscalCode"] = r["fiscalCode"].clone();
        input["version"] = r["version"].clone();
        let body = ORIENTATION.call(&app, name, input).await;
        assert_eq!(error_codes(&body), ["INTERNAL"], "{name}: {body}");
    }
    let db = app.state.store.db();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT (SELECT version FROM orientation WHERE id = '{MARIO}') AS v, \
                 (SELECT pact_signed_on IS NULL FROM orientation WHERE id = '{MARIO}') AS unsigned, \
                 (SELECT COUNT(*) FROM pact_measure) AS measures, \
                 (SELECT COUNT(*) FROM portal_transfer) AS transfers"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<i64>("", "v").unwrap(),
        r["version"].as_i64().unwrap()
    );
    assert!(row.try_get::<bool>("", "unsigned").unwrap());
    assert_eq!(row.try_get::<i64>("", "measures").unwrap(), 0);
    assert_eq!(row.try_get::<i64>("", "transfers").unwrap(), 0);
    app.stop().await;
}
