//! The citizen's own access (issue 23 §2; seed 002 "diritto di accesso alle informazioni che lo
//! riguardano", d.lgs. 150/2015 art. 14, GDPR art. 15 and 20): a `citizen` token reads its own
//! profile, documents, access report and export, gives or withdraws its own consent, and
//! nothing about anyone else — on SQLite and PostgreSQL stores.

use crate::fixtures::{MARIO, anna};
use crate::helpers::{TestApp, error_codes, mutate, mutate_with_file, ok, pdf, spawn_fixture_app};
use crate::orientation::intake;
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use serde_json::{Value, json};
use std::time::Duration;

/// Mario, signed in as himself.
fn mario(app: &TestApp) -> String {
    app.state
        .auth
        .mint(MARIO, Role::Citizen, None, Duration::from_secs(600))
        .unwrap()
}

async fn as_citizen(app: &TestApp, query: &str, variables: Value) -> Value {
    let (status, body) = app.post(Some(&mario(app)), query, variables).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The audit rows written for `code` by role `role`, as an administrator reads them.
async fn audited(app: &TestApp, code: &str, role: &str) -> Vec<Value> {
    let admin = app.token(Role::Admin, None);
    let (_, body) = app
        .post(
            Some(&admin),
            "query($cf: FiscalCode!) { auditLog(fiscalCode: $cf, first: 100) { edges { node { \
             subject role office fiscalCode action fields } } } }",
            json!({ "cf": code }),
        )
        .await;
    ok(&body, "auditLog")["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .filter(|n| n["role"] == role)
        .collect()
}

/// The documents of both citizens, written by an operator: ids for the citizen to ask for.
async fn documents(app: &TestApp) -> (Value, Value, Value) {
    intake(app, MARIO, true).await;
    let mine = mutate(
        app,
        "openLibretto",
        "OpenLibrettoInput",
        "id",
        json!({ "fiscalCode": MARIO }),
    )
    .await;
    let theirs = mutate(
        app,
        "openLibretto",
        "OpenLibrettoInput",
        "id",
        json!({ "fiscalCode": anna().as_str() }),
    )
    .await;
    let dossier = crate::ivc::request(app, anna().as_str(), "2026-03-02").await;
    (
        ok(&mine, "openLibretto")["id"].clone(),
        ok(&theirs, "openLibretto")["id"].clone(),
        dossier["id"].clone(),
    )
}

async fn reads_own_data_only(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let (mine, theirs, their_dossier) = documents(&app).await;
    // the whole profile, special categories included (GDPR art. 15: they are the citizen's)
    let body = as_citizen(
        &app,
        "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { fiscalCode person { familyName \
         provenance { field source } } employments { employerName } libretto { id status } \
         ivcDossiers { id } orientation { specialCategories { code } consent { jobMatching } } \
         codeLinks { from } } }",
        json!({ "cf": MARIO.to_lowercase() }),
    )
    .await;
    let citizen = ok(&body, "citizen");
    assert_eq!(citizen["fiscalCode"], MARIO);
    assert_eq!(citizen["person"]["familyName"], "ROSSI");
    assert_eq!(citizen["libretto"]["id"], mine);
    assert_eq!(
        citizen["orientation"]["specialCategories"][0]["code"],
        "L68_99"
    );
    let body = as_citizen(
        &app,
        "query($id: ID!) { libretto(id: $id) { id fiscalCode } }",
        json!({ "id": mine }),
    )
    .await;
    assert_eq!(ok(&body, "libretto")["fiscalCode"], MARIO);

    // someone else's: refused by code; by id, as if there were none
    let anna = anna();
    let refused = [
        (
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { fiscalCode } }",
            json!({ "cf": anna.as_str() }),
        ),
        (
            "query($cf: [FiscalCode!]!) { citizens(fiscalCodes: $cf) { fiscalCode } }",
            json!({ "cf": [MARIO, anna.as_str()] }),
        ),
        (
            "query($cf: FiscalCode!) { accessReport(fiscalCode: $cf) { totalCount } }",
            json!({ "cf": anna.as_str() }),
        ),
        (
            "query($cf: FiscalCode!) { exportCitizenData(fiscalCode: $cf) }",
            json!({ "cf": anna.as_str() }),
        ),
        (
            "{ searchCitizens(familyName: \"Bianchi\") { edges { node { fiscalCode } } } }",
            json!({}),
        ),
        (
            "{ librettos(first: 5) { edges { node { id } } } }",
            json!({}),
        ),
        (
            "{ ivcDossiers(first: 5) { edges { node { id } } } }",
            json!({}),
        ),
        (
            "{ auditLog(first: 5) { edges { node { subject } } } }",
            json!({}),
        ),
        ("{ statistics { __typename } }", json!({})),
        (
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { possibleOmocodes { fiscalCode } } }",
            json!({ "cf": MARIO }),
        ),
    ];
    for (query, variables) in refused {
        let body = as_citizen(&app, query, variables).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{query}: {body}");
    }
    for (field, id) in [("libretto", &theirs), ("ivcDossier", &their_dossier)] {
        let query = format!("query($id: ID!) {{ {field}(id: $id) {{ id }} }}");
        let body = as_citizen(&app, &query, json!({ "id": id })).await;
        assert_eq!(body, json!({ "data": { field: null } }), "{query}");
    }
    // and nothing the citizen was refused, nor a miss by id, is written as a read of Anna
    assert_eq!(
        audited(&app, anna.as_str(), "citizen").await,
        Vec::<Value>::new()
    );
    // the citizen's own reads are audited like any other, under their own code
    let own = audited(&app, MARIO, "citizen").await;
    assert!(!own.is_empty());
    assert!(
        own.iter()
            .all(|row| row["subject"] == MARIO && row["office"].is_null()),
        "{own:?}"
    );
    assert!(
        own.iter().any(|row| row["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("libretto"))),
        "{own:?}"
    );
    evidence_files(&app, &mine).await;
    app.stop().await;
}

/// The file of an evidence: the citizen downloads their own; someone else's answers 404 like
/// an unknown id.
async fn evidence_files(app: &TestApp, mine: &Value) {
    let step = "mutation($input: LibrettoStepInput!) { startLibrettoCompilation(input: $input) { version } }";
    let body = app
        .query(step, json!({ "input": { "id": mine, "version": 1 } }))
        .await;
    let version = ok(&body, "startLibrettoCompilation")["version"].clone();
    let input = json!({ "librettoId": mine, "version": version, "category": "OTHER",
        "title": "Attestato", "file": null });
    let body = mutate_with_file(
        app,
        "addLibrettoEvidence",
        "LibrettoEvidenceInput",
        "evidences { file { downloadPath } }",
        input,
        Some(("attestato.pdf", pdf())),
    )
    .await;
    let path = ok(&body, "addLibrettoEvidence")["evidences"][0]["file"]["downloadPath"]
        .as_str()
        .unwrap()
        .to_owned();
    let get = async |token: &str, path: &str| {
        let response = app
            .client
            .get(app.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        response.status().as_u16()
    };
    assert_eq!(get(&mario(app), &path).await, 200);
    let anna = app
        .state
        .auth
        .mint(
            anna().as_str(),
            Role::Citizen,
            None,
            Duration::from_secs(600),
        )
        .unwrap();
    assert_eq!(get(&anna, &path).await, 404);
    assert_eq!(get(&anna, "/evidences/nope/file").await, 404);
}

#[tokio::test]
async fn a_citizen_reads_their_own_data_only_sqlite() {
    reads_own_data_only("citizen_own_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn a_citizen_reads_their_own_data_only_postgres() {
    reads_own_data_only("citizen_own_postgres", Engine::Postgres).await;
}

const SET_MINE: &str = "mutation($input: SetMyConsentInput!) { setMyJobMatchingConsent(input: \
    $input) { version consent { jobMatching withdrawnOn history { given by byCitizen } } } }";

async fn gdpr_and_consent(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let record = intake(&app, MARIO, true).await;
    // the access report: the operator's intake is there, and reading it is recorded
    let report = "query($cf: FiscalCode!) { accessReport(fiscalCode: $cf, first: 50) { \
        fiscalCode totalCount edges { node { role action } } } }";
    let body = as_citizen(&app, report, json!({ "cf": MARIO })).await;
    let first = ok(&body, "accessReport");
    assert_eq!(first["fiscalCode"], MARIO);
    assert!(
        first["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"]["role"] == "operator" && e["node"]["action"] == "write"),
        "{first}"
    );
    let body = as_citizen(&app, report, json!({ "cf": MARIO })).await;
    let second = ok(&body, "accessReport");
    assert_eq!(
        second["totalCount"].as_i64().unwrap(),
        first["totalCount"].as_i64().unwrap() + 1
    );
    let body = as_citizen(
        &app,
        "query($cf: FiscalCode!) { exportCitizenData(fiscalCode: $cf) }",
        json!({ "cf": MARIO }),
    )
    .await;
    let export = ok(&body, "exportCitizenData");
    assert_eq!(export["fiscal_code"], MARIO, "{export}");

    // the citizen withdraws; the operator's mutation stays the operator's, and the other way
    let body = as_citizen(
        &app,
        SET_MINE,
        json!({ "input": { "version": record["version"], "given": false } }),
    )
    .await;
    let changed = ok(&body, "setMyJobMatchingConsent");
    assert_eq!(changed["consent"]["jobMatching"], false);
    assert!(changed["consent"]["withdrawnOn"].is_string());
    let last = changed["consent"]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last,
        json!({ "given": false, "by": MARIO, "byCitizen": true })
    );
    let first_event = &changed["consent"]["history"][0];
    assert_eq!(first_event["byCitizen"], false);
    let body = as_citizen(
        &app,
        SET_MINE,
        json!({ "input": { "version": record["version"], "given": true } }),
    )
    .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "a stale version: {body}");
    let operator_only =
        "mutation($input: SetConsentInput!) { setJobMatchingConsent(input: $input) { version } }";
    let body = as_citizen(&app, operator_only, json!({ "input": { "fiscalCode": MARIO, "version": changed["version"], "given": true, "on": "2026-09-02" } })).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let (_, body) = app
        .post(
            Some(&app.operator()),
            SET_MINE,
            json!({ "input": { "version": changed["version"], "given": true } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    // the write is the citizen's, in the audit log
    let writes: Vec<Value> = audited(&app, MARIO, "citizen")
        .await
        .into_iter()
        .filter(|r| r["action"] == "write")
        .collect();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert!(
        writes[0]["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("orientation.setJobMatchingConsent")),
        "{writes:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_citizen_reads_their_report_and_export_and_sets_their_consent_sqlite() {
    gdpr_and_consent("citizen_gdpr_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn a_citizen_reads_their_report_and_export_and_sets_their_consent_postgres() {
    gdpr_and_consent("citizen_gdpr_postgres", Engine::Postgres).await;
}
