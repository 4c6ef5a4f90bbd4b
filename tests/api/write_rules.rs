//! What a write carries and what its refusal tells (issue 19 §3-4): an operator's write
//! records the office of its token, and only an administrator names another; with the
//! territory rule on, an operator outside the citizen's territory learns nothing of the
//! citizen's record from a refusal.

use crate::fixtures::{self, MARIO, anna};
use crate::helpers::{TestApp, error_codes, spawn_app, spawn_app_auth};
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

/// One write of each document kind: (mutation, input type, input for a citizen).
fn writes(fiscal_code: &str) -> [(&'static str, &'static str, Value); 3] {
    [
        (
            "openLibretto",
            "OpenLibrettoInput",
            json!({ "fiscalCode": fiscal_code }),
        ),
        (
            "requestIvc",
            "RequestIvcInput",
            json!({ "fiscalCode": fiscal_code, "requestedOn": "2026-01-12",
                    "provider": "Ente" }),
        ),
        (
            "recordIntake",
            "RecordIntakeInput",
            json!({ "fiscalCode": fiscal_code, "takenOn": "2026-09-01",
                    "consentToJobMatching": false }),
        ),
    ]
}

async fn write(app: &TestApp, token: &str, name: &str, ty: &str, input: &Value) -> Value {
    let query = format!("mutation($input: {ty}!) {{ {name}(input: $input) {{ office }} }}");
    let (status, body) = app
        .post(Some(token), &query, json!({ "input": input }))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn office_of_the_token(test: &str, store: Engine) {
    let sources = fixtures::sources(Engine::Sqlite, Engine::Sqlite);
    let Some(app) = spawn_app(test, store, sources, &[]).await else {
        return;
    };
    let operator = app.operator();
    let admin = app.token(Role::Admin, None);
    let anna = anna();
    for ((name, ty, input), (_, _, for_anna)) in
        writes(MARIO).into_iter().zip(writes(anna.as_str()))
    {
        let mut elsewhere = input.clone();
        elsewhere["office"] = json!("CPI-PI-01");
        let body = write(&app, &operator, name, ty, &elsewhere).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{name}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("office: ")
                && message.contains("CPI-FI-01")
                && message.contains("only an administrator"),
            "{name}: {message}"
        );
        // nothing was written: the same write without an office opens the document, with
        // the token's office
        let body = write(&app, &operator, name, ty, &input).await;
        assert_eq!(body["data"][name]["office"], "CPI-FI-01", "{name}: {body}");
        // an administrator names any office
        let mut elsewhere = for_anna.clone();
        elsewhere["office"] = json!("CPI-PI-01");
        let body = write(&app, &admin, name, ty, &elsewhere).await;
        assert_eq!(body["data"][name]["office"], "CPI-PI-01", "{name}: {body}");
    }
    // its own office, spelled otherwise, is its own
    let body = write(
        &app,
        &operator,
        "recordIntake",
        "RecordIntakeInput",
        &json!({ "fiscalCode": fixtures::giulia().as_str(), "takenOn": "2026-09-01",
                 "office": "cpi-fi-01", "consentToJobMatching": false }),
    )
    .await;
    assert_eq!(
        body["data"]["recordIntake"]["office"], "CPI-FI-01",
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn writes_carry_the_office_of_the_token_sqlite() {
    office_of_the_token("office_of_token_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn writes_carry_the_office_of_the_token_postgres() {
    office_of_the_token("office_of_token_postgres", Engine::Postgres).await;
}

/// With the territory rule on, an operator of Livorno asking about Mario (Florence's CPI,
/// resident in Prato) gets the rule's refusal, not a refusal that describes his orientation
/// record (its presa in carico date, its consent dates).
#[tokio::test]
async fn refusals_tell_nothing_outside_the_territory() {
    let Some(app) = spawn_app_auth(
        "refusals_territory",
        Engine::Sqlite,
        fixtures::sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        "",
        "operators_write_own_territory_only = true\n",
        "",
    )
    .await
    else {
        return;
    };
    let (_, intake) = app
        .post(
            Some(&app.operator()),
            "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { version } }",
            json!({ "input": { "fiscalCode": MARIO, "takenOn": "2026-09-01",
                               "consentToJobMatching": true } }),
        )
        .await;
    assert!(intake.get("errors").is_none(), "{intake}");
    let livorno = app.token(Role::Operator, Some("CPI-LI-01"));
    let (_, conflict) = app
        .post(
            Some(&livorno),
            "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { version } }",
            json!({ "input": { "fiscalCode": MARIO, "takenOn": "2026-09-02",
                               "consentToJobMatching": true } }),
        )
        .await;
    assert_eq!(
        error_codes(&conflict),
        ["FORBIDDEN"],
        "not CONFLICT: {conflict}"
    );
    // a consent change dated before the intake would be refused naming the intake's date
    let (_, body) = app
        .post(
            Some(&livorno),
            "mutation($input: SetConsentInput!) { setJobMatchingConsent(input: $input) { version } }",
            json!({ "input": { "fiscalCode": MARIO, "version": intake["data"]["recordIntake"]["version"],
                               "given": false, "on": "2026-08-01" } }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    for refusal in [&conflict, &body] {
        let message = refusal["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("operators_write_own_territory_only")
                && !message.contains("2026-09-01"),
            "{message}"
        );
    }
    app.stop().await;
}
