//! No identity without an audit row (issue 19 §3): an answer that only says whether a code is
//! known (`__typename`), a search page of cursors alone and a portal candidate answered with
//! its code alone are each audited; cursors are sealed, so they carry no name or code, and
//! are refused by another list or when changed. SQLite and PostgreSQL stores.

use crate::fixtures::{self, MARIO, anna, nobody};
use crate::helpers::{TestApp, error_codes, spawn_app};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fascicolo::auth::Role;
use fascicolo::testing::Engine as Db;
use serde_json::{Value, json};

/// The fields of the audit rows about `code`, newest first.
async fn audited(app: &TestApp, code: &str) -> Vec<Value> {
    let log = "query($cf: FiscalCode) { auditLog(fiscalCode: $cf, first: 50) { \
        edges { node { action fields } } } }";
    let admin = app.token(Role::Admin, None);
    let (_, body) = app.post(Some(&admin), log, json!({ "cf": code })).await;
    body["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["fields"].clone())
        .collect()
}

async fn lookups_are_audited(test: &str, store: Db) {
    let sources = fixtures::sources(Db::Sqlite, Db::Sqlite);
    let Some(app) = spawn_app(test, store, sources, &[]).await else {
        return;
    };
    // existence alone
    let body = app
        .query(
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { __typename } }",
            json!({ "cf": MARIO }),
        )
        .await;
    assert_eq!(body["data"]["citizen"]["__typename"], "Citizen", "{body}");
    assert_eq!(audited(&app, MARIO).await, [json!(["citizen"])]);
    let body = app
        .query(
            "query($cfs: [FiscalCode!]!) { citizens(fiscalCodes: $cfs) { __typename } }",
            json!({ "cfs": [anna().as_str(), nobody().as_str()] }),
        )
        .await;
    assert_eq!(body["data"]["citizens"][1], Value::Null, "{body}");
    assert_eq!(audited(&app, anna().as_str()).await, [json!(["citizens"])]);
    // a code nobody knows was still asked about: the answer told that
    assert_eq!(
        audited(&app, nobody().as_str()).await,
        [json!(["citizens"])]
    );
    // a field read covers the lookup: one row, as before
    app.query(
        "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } } }",
        json!({ "cf": MARIO }),
    )
    .await;
    assert_eq!(audited(&app, MARIO).await[0], json!(["person"]));

    // a page of cursors alone names who matched
    let search = "query($after: String) { searchCitizens(familyName: \"rossi\", first: 1, \
        after: $after) { edges { cursor } pageInfo { endCursor hasNextPage } } }";
    let body = app.query(search, json!({})).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let page = &body["data"]["searchCitizens"];
    let cursor = page["edges"][0]["cursor"].as_str().unwrap().to_owned();
    // Rossi Andrea comes first by name
    let andrea = fixtures::andrea();
    assert_eq!(
        audited(&app, andrea.as_str()).await,
        [json!(["searchCitizens"])]
    );

    // the cursor is sealed: no name, no code, whether read as text or decoded
    let decoded = URL_SAFE_NO_PAD.decode(&cursor).unwrap_or_default();
    let plain = String::from_utf8_lossy(&decoded).to_uppercase();
    for secret in ["ROSSI", "ANDREA", andrea.as_str()] {
        assert!(!cursor.to_uppercase().contains(secret) && !plain.contains(secret));
    }
    let next = app.query(search, json!({ "after": cursor })).await;
    assert_eq!(next.get("errors"), None, "the cursor still pages: {next}");
    // changed, or another list's, it is refused
    let mut bytes = decoded.clone();
    bytes[30] ^= 0x01;
    let forged = URL_SAFE_NO_PAD.encode(bytes);
    let body = app.query(search, json!({ "after": forged })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let librettos = "query($after: String) { librettos(first: 1, after: $after) { \
        edges { cursor } } }";
    let body = app.query(librettos, json!({ "after": cursor })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "after");
    app.stop().await;
}

#[tokio::test]
async fn lookups_are_audited_and_cursors_sealed_sqlite() {
    lookups_are_audited("lookups_sqlite", Db::Sqlite).await;
}

#[tokio::test]
async fn lookups_are_audited_and_cursors_sealed_postgres() {
    lookups_are_audited("lookups_postgres", Db::Postgres).await;
}

/// The portal learns a candidate consents from the code alone: that answer is audited; a
/// citizen without consent is answered null and reveals nothing.
#[tokio::test]
async fn a_portal_candidate_answered_by_code_alone_is_audited() {
    let sources = fixtures::sources(Db::Sqlite, Db::Sqlite);
    let Some(app) = spawn_app("lookups_portal", Db::Sqlite, sources, &[]).await else {
        return;
    };
    let intake = "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { version } }";
    let input = json!({ "fiscalCode": MARIO, "takenOn": "2026-09-01",
        "consentToJobMatching": true });
    let body = app.query(intake, json!({ "input": input })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let portal = app.token(Role::Portal, None);
    let candidates = "query($cfs: [FiscalCode!]!) { portalCandidates(fiscalCodes: $cfs) { \
        fiscalCode } }";
    let (_, body) = app
        .post(
            Some(&portal),
            candidates,
            json!({ "cfs": [MARIO, anna().as_str()] }),
        )
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(body["data"]["portalCandidates"][0]["fiscalCode"], MARIO);
    assert_eq!(body["data"]["portalCandidates"][1], Value::Null);
    assert_eq!(audited(&app, MARIO).await[0], json!(["portalCandidates"]));
    assert_eq!(audited(&app, anna().as_str()).await, Vec::<Value>::new());
    app.stop().await;
}
