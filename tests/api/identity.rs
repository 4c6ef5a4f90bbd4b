//! Identity is the exact fiscal code (DOMAIN.md §3.1): an omocode variant is another person,
//! flagged to operators as a possible omocode and never merged; an old code is joined to a new
//! one only by an administrator's audited link. On SQLite and PostgreSQL stores.

use crate::fixtures::{self, MARIO, luca, luca_homonym};
use crate::helpers::{SourceSpec, TestApp, employment, error_codes, person, spawn_app, training};
use fascicolo::auth::{Principal, Role};
use fascicolo::domain::FiscalCode;
use fascicolo::graphql::plain::PlainPass;
use fascicolo::http::graphql::execute;
use fascicolo::sources::demo::SourceData;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const OMOCODES: &str = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { \
    fiscalCode possibleOmocodes { fiscalCode sources } } }";

async fn possible_omocodes_are_flagged_never_merged(test: &str, store: Engine) {
    let sources = fixtures::sources(Engine::Sqlite, Engine::Sqlite);
    let Some(app) = spawn_app(test, store, sources, &[]).await else {
        return;
    };
    let before = (
        app.source_statements("lavoro"),
        app.source_statements("formazione"),
    );
    let body = app.query(OMOCODES, json!({ "cf": luca().as_str() })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        body["data"]["citizen"]["possibleOmocodes"],
        json!([{ "fiscalCode": luca_homonym().as_str(), "sources": ["formazione"] }]),
        "{body}"
    );
    // one statement per source for the profile, one for the family look-up
    assert_eq!(
        (
            app.source_statements("lavoro") - before.0,
            app.source_statements("formazione") - before.1
        ),
        (2, 2)
    );
    let body = app
        .query(OMOCODES, json!({ "cf": luca_homonym().as_str() }))
        .await;
    assert_eq!(
        body["data"]["citizen"]["possibleOmocodes"],
        json!([{ "fiscalCode": luca().as_str(), "sources": ["lavoro"] }]),
        "{body}"
    );
    // nobody shares Mario's base
    let body = app.query(OMOCODES, json!({ "cf": MARIO })).await;
    assert_eq!(body["data"]["citizen"]["possibleOmocodes"], json!([]));

    // revealing the other code is a read of that person, audited under their code
    let admin = app.token(Role::Admin, None);
    let log = "query($cf: FiscalCode) { auditLog(fiscalCode: $cf, first: 10) { \
        edges { node { fiscalCode action fields } } } }";
    let (_, body) = app
        .post(Some(&admin), log, json!({ "cf": luca_homonym().as_str() }))
        .await;
    let fields: Vec<Value> = body["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["fields"].clone())
        .collect();
    assert!(
        fields.contains(&json!(["possibleOmocodeOf"])),
        "the revealed code was audited: {body}"
    );
    // only the CPI's operators and administrators see the flag
    for role in [Role::Reporting, Role::Portal] {
        let (_, body) = app
            .post(
                Some(&app.token(role, None)),
                OMOCODES,
                json!({ "cf": luca().as_str() }),
            )
            .await;
        assert!(
            error_codes(&body).iter().all(|c| c == "FORBIDDEN"),
            "{role:?}: {body}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn possible_omocodes_are_flagged_never_merged_sqlite() {
    possible_omocodes_are_flagged_never_merged("omocodes_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn possible_omocodes_are_flagged_never_merged_postgres() {
    possible_omocodes_are_flagged_never_merged("omocodes_postgres", Engine::Postgres).await;
}

/// Sara Neri's code was rectified: `lavoro` still holds the old one, `formazione` the new.
fn sara_old() -> FiscalCode {
    fixtures::code("Neri", "Sara", "1980-04-04", true, "D612")
}

fn sara_new() -> FiscalCode {
    fixtures::code("Neri", "Sarah", "1980-04-04", true, "D612")
}

fn rectified_sources() -> Vec<SourceSpec> {
    let old = sara_old();
    let new = sara_new();
    vec![
        SourceSpec {
            name: "lavoro",
            engine: Engine::Sqlite,
            data: SourceData {
                persons: vec![person(old.as_str(), "NERI", "SARA", "2019-01-01 09:00:00")],
                employments: vec![employment(
                    31,
                    old.as_str(),
                    "Omega Srl",
                    "2015-01-12",
                    None,
                    "A.01.00",
                )],
                trainings: vec![],
            },
        },
        SourceSpec {
            name: "formazione",
            engine: Engine::Sqlite,
            data: SourceData {
                persons: vec![person(new.as_str(), "NERI", "SARAH", "2024-06-01 09:00:00")],
                employments: vec![],
                trainings: vec![training(
                    41,
                    new.as_str(),
                    "vocational",
                    "Corso OSS",
                    "2022-02-01",
                )],
            },
        },
    ]
}

const PROFILE: &str = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { \
    person { givenName sources { source fiscalCode linkedFrom { from to } } } \
    employments { employerName linkedFrom { from to reason linkedBy } } \
    trainings { title linkedFrom { from } } \
    libretto { id fiscalCode } codeLinks { from to unlinkedAt } } }";

const LINK: &str = "mutation($input: LinkFiscalCodesInput!) { linkFiscalCodes(input: $input) { \
    id from to reason linkedBy } }";
const UNLINK: &str = "mutation($input: UnlinkFiscalCodesInput!) { \
    unlinkFiscalCodes(input: $input) { from to unlinkedAt unlinkReason } }";
const OPEN: &str =
    "mutation($cf: FiscalCode!) { openLibretto(input: { fiscalCode: $cf }) { id fiscalCode } }";

async fn in_process(app: &TestApp, code: &str, pass: PlainPass) -> Value {
    let principal = Principal {
        subject: "tester".into(),
        role: Role::Operator,
        office: Some("CPI-FI-01".into()),
    };
    let request = async_graphql::Request::new(PROFILE)
        .variables(async_graphql::Variables::from_json(json!({ "cf": code })))
        .data(pass);
    let response = execute(&app.http, principal, "plain-links".into(), request).await;
    serde_json::to_value(&response).unwrap()
}

async fn link(app: &TestApp, token: &str, from: &str, to: &str, reason: &str) -> Value {
    let input = json!({ "from": from, "to": to, "reason": reason });
    app.post(Some(token), LINK, json!({ "input": input }))
        .await
        .1
}

async fn linked_codes_show_under_the_new_code(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, rectified_sources(), &[]).await else {
        return;
    };
    let (old, new) = (sara_old(), sara_new());
    let admin = app.token(Role::Admin, None);
    let reason = "rettifica dei dati anagrafici, Agenzia delle Entrate 2026-11-30";
    // the old code's libretto, opened before anyone knew
    let body = app.query(OPEN, json!({ "cf": old.as_str() })).await;
    let libretto = body["data"]["openLibretto"]["id"].clone();
    assert!(libretto.is_string(), "{body}");

    // separate people until an administrator links them
    let body = app.query(PROFILE, json!({ "cf": new.as_str() })).await;
    assert_eq!(body["data"]["citizen"]["employments"], json!([]), "{body}");
    let body = link(&app, &app.operator(), old.as_str(), new.as_str(), reason).await;
    assert_eq!(
        error_codes(&body),
        ["FORBIDDEN"],
        "administrators only: {body}"
    );
    let body = link(&app, &admin, old.as_str(), new.as_str(), "omocodia").await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "a reason that says why: {body}"
    );
    assert!(body.to_string().contains("reason"), "{body}");
    let body = link(&app, &admin, new.as_str(), new.as_str(), reason).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let body = link(&app, &admin, old.as_str(), new.as_str(), reason).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(body["data"]["linkFiscalCodes"]["from"], old.as_str());
    assert_eq!(body["data"]["linkFiscalCodes"]["linkedBy"], "tester");
    // the reverse would close a cycle; a second link out of the old code needs an unlink
    let body = link(&app, &admin, new.as_str(), old.as_str(), reason).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(body.to_string().contains("cycle"), "{body}");
    let body = link(&app, &admin, old.as_str(), MARIO, reason).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");

    // the new code shows the old one's rows, each marked with the link
    let body = app.query(PROFILE, json!({ "cf": new.as_str() })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let citizen = &body["data"]["citizen"];
    assert_eq!(
        citizen["person"]["givenName"], "SARAH",
        "the newest record wins"
    );
    assert_eq!(
        citizen["person"]["sources"],
        json!([
            { "source": "formazione", "fiscalCode": new.as_str(), "linkedFrom": null },
            { "source": "lavoro", "fiscalCode": old.as_str(),
              "linkedFrom": { "from": old.as_str(), "to": new.as_str() } },
        ])
    );
    assert_eq!(
        citizen["employments"],
        json!([{ "employerName": "Omega Srl", "linkedFrom": {
            "from": old.as_str(), "to": new.as_str(), "reason": reason, "linkedBy": "tester" } }])
    );
    assert_eq!(
        citizen["trainings"],
        json!([{ "title": "Corso OSS", "linkedFrom": null }])
    );
    // the plain pass writes linked rows itself, as the derived resolvers would
    let plain = in_process(&app, new.as_str(), PlainPass::Required).await;
    assert_eq!(plain.get("errors"), None, "{plain}");
    assert_eq!(plain, in_process(&app, new.as_str(), PlainPass::Off).await);
    assert_eq!(
        citizen["libretto"]["id"], libretto,
        "the old code's libretto is hers"
    );
    assert_eq!(citizen["libretto"]["fiscalCode"], old.as_str());
    assert_eq!(citizen["codeLinks"][0]["from"], old.as_str());
    // links do not flow backwards: the old code shows only its own rows, and takes no writes
    let body = app.query(PROFILE, json!({ "cf": old.as_str() })).await;
    assert_eq!(body["data"]["citizen"]["trainings"], json!([]), "{body}");
    let body = app.query(OPEN, json!({ "cf": old.as_str() })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(body.to_string().contains("replaced by"), "{body}");
    // one libretto per person: the old code's counts
    let body = app.query(OPEN, json!({ "cf": new.as_str() })).await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");

    // the access report of the person covers both codes; both acts are in the audit trail
    let report = "query($cf: FiscalCode!) { accessReport(fiscalCode: $cf, first: 50) { \
        edges { node { action fields recordedCode } } } }";
    let (_, body) = app
        .post(Some(&admin), report, json!({ "cf": new.as_str() }))
        .await;
    let nodes = body["data"]["accessReport"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    let recorded = |code: &str, action: &str| {
        nodes
            .iter()
            .any(|e| e["node"]["recordedCode"] == code && e["node"]["action"] == action)
    };
    assert!(
        recorded(old.as_str(), "write"),
        "the libretto opened under the old code: {body}"
    );
    assert!(recorded(new.as_str(), "write"), "the link: {body}");
    assert!(recorded(new.as_str(), "read"), "{body}");

    // undone: separate again
    let input = json!({ "from": old.as_str(), "reason": "collegamento errato, persone diverse" });
    let (_, body) = app
        .post(Some(&admin), UNLINK, json!({ "input": input }))
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert!(body["data"]["unlinkFiscalCodes"]["unlinkedAt"].is_string());
    let body = app.query(PROFILE, json!({ "cf": new.as_str() })).await;
    let citizen = &body["data"]["citizen"];
    assert_eq!(citizen["employments"], json!([]), "{body}");
    assert_eq!(citizen["libretto"], Value::Null, "{body}");
    assert!(
        citizen["codeLinks"][0]["unlinkedAt"].is_string(),
        "history kept: {body}"
    );
    let (_, body) = app
        .post(Some(&admin), UNLINK, json!({ "input": input }))
        .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
    app.stop().await;
}

#[tokio::test]
async fn linked_codes_show_under_the_new_code_sqlite() {
    linked_codes_show_under_the_new_code("links_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn linked_codes_show_under_the_new_code_postgres() {
    linked_codes_show_under_the_new_code("links_postgres", Engine::Postgres).await;
}

/// Another replica's link reaches this one within `identity.link_refresh_ms`.
#[tokio::test]
async fn another_replicas_link_is_seen_after_the_refresh() {
    let Some(app) = crate::helpers::spawn_app_with(
        "links_refresh",
        Engine::Sqlite,
        rectified_sources(),
        &[],
        "[identity]\nlink_refresh_ms = 100\n",
    )
    .await
    else {
        return;
    };
    let (old, new) = (sara_old(), sara_new());
    // written straight into the store, as another replica's transaction would
    let insert = format!(
        "INSERT INTO fiscal_code_link (id, from_code, to_code, reason, linked_at, linked_by) \
         VALUES ('l-1', '{old}', '{new}', 'rettifica (altra replica)', '2026-12-01 10:00:00+00:00', 'admin2')"
    );
    sea_orm::ConnectionTrait::execute_unprepared(app.state.store.db(), &insert)
        .await
        .unwrap();
    let mut seen = false;
    for _ in 0..50 {
        let body = app.query(PROFILE, json!({ "cf": new.as_str() })).await;
        if body["data"]["citizen"]["employments"][0]["employerName"] == "Omega Srl" {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(seen, "the link was picked up by the periodic refresh");
    app.stop().await;
}
