//! `auth.operators_write_own_territory_only`: operators write only for citizens of their
//! office's province (`CPI-XX-…` → `XX`, matched against the citizen's CPI or residence
//! province); off by default, when every write still records the operator's office.

use crate::fixtures::{self, MARIO, anna};
use crate::helpers::{TestApp, error_codes, spawn_app_auth};
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const OPEN: &str =
    "mutation($input: OpenLibrettoInput!) { openLibretto(input: $input) { fiscalCode status } }";

async fn app(test: &str, rule: bool) -> Option<TestApp> {
    spawn_app_auth(
        test,
        Engine::Sqlite,
        fixtures::sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        "",
        &format!("operators_write_own_territory_only = {rule}\n"),
        "",
    )
    .await
}

async fn open(app: &TestApp, office: Option<&str>, fiscal_code: &str) -> Value {
    let token = app.token(Role::Operator, office);
    let (status, body) = app
        .post(
            Some(&token),
            OPEN,
            json!({ "input": { "fiscalCode": fiscal_code } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Offices of the audit rows of writes about `fiscal_code`.
async fn write_offices(app: &TestApp, fiscal_code: &str) -> Vec<Value> {
    let admin = app.token(Role::Admin, None);
    let (_, body) = app
        .post(
            Some(&admin),
            "query($cf: FiscalCode!) { auditLog(fiscalCode: $cf, first: 50) { edges { node { action office } } } }",
            json!({ "cf": fiscal_code }),
        )
        .await;
    body["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["action"] == "write")
        .map(|e| e["node"]["office"].clone())
        .collect()
}

#[tokio::test]
async fn operators_write_only_in_their_territory_when_the_rule_is_on() {
    let Some(app) = app("territory_on", true).await else {
        return;
    };
    // Mario: in charge of CPI-FI-01, resident in Prato (PO) per the newest source
    let body = open(&app, Some("CPI-LI-01"), MARIO).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("auth.operators_write_own_territory_only") && message.contains("LI"),
        "{message}"
    );
    assert_eq!(
        write_offices(&app, MARIO).await,
        Vec::<Value>::new(),
        "nothing written"
    );

    // no office in the token: the territory is unknown
    let body = open(&app, None, MARIO).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a CPI code"),
        "{body}"
    );

    // his residence province
    let body = open(&app, Some("CPI-PO-01"), MARIO).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(body["data"]["openLibretto"]["status"], "DRAFT");
    // Anna: resident in Florence, in charge of CPI-FI-01; another Florence office may write
    let body = open(&app, Some("CPI-FI-02"), anna().as_str()).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(write_offices(&app, MARIO).await, [json!("CPI-PO-01")]);
    assert_eq!(
        write_offices(&app, anna().as_str()).await,
        [json!("CPI-FI-02")]
    );
    app.stop().await;
}

#[tokio::test]
async fn without_the_rule_any_office_writes_and_is_recorded() {
    let Some(app) = app("territory_off", false).await else {
        return;
    };
    let body = open(&app, Some("CPI-LI-01"), MARIO).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(write_offices(&app, MARIO).await, [json!("CPI-LI-01")]);
    // the reporting role still may not write, whatever the rule
    let reporting = app.token(Role::Reporting, None);
    let (_, body) = app
        .post(
            Some(&reporting),
            OPEN,
            json!({ "input": { "fiscalCode": anna().as_str() } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("role reporting may not write citizens' data"),
        "{body}"
    );
    app.stop().await;
}
