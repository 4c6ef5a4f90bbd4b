//! IVC numbers counted seed 003's way (issue 24): a Dossier counts when the Dossier del
//! Cittadino is released, in the year of the release; requests count by request date,
//! withdrawn ones included; outcome shares over the dossiers released, with the inclusive
//! "dossier + attestato" (qualified included) beside the exclusive classes; dossiers by
//! province and office; request and release date filters; users by citizenship — each with
//! the same suppression of small cells as every report, through GraphQL and the CSV route.

use crate::fixtures::{MARIO, anna};
use crate::helpers::{TestApp, error_codes, spawn_fixture_app};
use crate::ivc::{IVC, request, to_transparency};
use chrono::NaiveDate;
use entities::ivc_dossier;
use fascicolo::auth::Role;
use fascicolo::domain::FiscalCode;
use fascicolo::domain::libretto::PersonSnapshot;
use fascicolo::testing::Engine;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A distinct valid fiscal code for each `i`.
fn code(i: usize) -> String {
    let c = |k: usize| "BCDFGLMNPRSTVZ".as_bytes()[(i / 14usize.pow(k as u32)) % 14] as char;
    let birth = NaiveDate::from_ymd_opt(1965 + (i % 30) as i32, 1 + (i % 12) as u32, 7).unwrap();
    FiscalCode::encode(
        &format!("{}o{}a{}", c(0), c(1), c(2)),
        &format!("{}e{}u", c(1), c(0)),
        birth,
        i.is_multiple_of(2),
        "L219",
    )
    .as_str()
    .to_owned()
}

/// (dossiers, office, requested on, Dossier del Cittadino released on, outcome).
type Group = (
    usize,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

/// Piemonte's dossiers of the tests below: 48 requests, 41 dossiers released.
const GROUPS: [Group; 7] = [
    // requested in 2024, released in 2025
    (
        12,
        "CPI-TO-01",
        "2024-11-20",
        Some("2025-01-15"),
        "DOSSIER_AND_ATTESTATO",
    ),
    (
        6,
        "CPI-TO-02",
        "2024-03-01",
        Some("2024-04-01"),
        "DOSSIER_ONLY",
    ),
    (
        10,
        "CPI-TO-02",
        "2024-03-01",
        Some("2024-04-01"),
        "DOSSIER_AND_ATTESTATO",
    ),
    (
        4,
        "CPI-TO-02",
        "2024-03-01",
        Some("2024-04-01"),
        "QUALIFICATION",
    ),
    (
        8,
        "CPI-CN-01",
        "2025-02-03",
        Some("2025-03-03"),
        "DOSSIER_ONLY",
    ),
    // withdrawn before the Dossier: requests, not dossiers
    (7, "CPI-CN-01", "2024-05-06", None, "WITHDRAWN"),
    (
        1,
        "CPI-NO-01",
        "2025-02-03",
        Some("2025-03-03"),
        "DOSSIER_ONLY",
    ),
];

/// A legacy dossier line; the attestato and certificate as the outcome says.
fn line(
    i: usize,
    (office, requested, released, outcome): (&str, &str, Option<&str>, &str),
) -> Value {
    let mut line = json!({ "legacyId": format!("T-{i}"), "fiscalCode": code(i), "region": "PIE",
        "program": "IVC PLUS", "provider": "Ente titolato", "office": office,
        "requestedOn": requested, "transparencyReleasedOn": released, "outcome": outcome,
        "closedOn": "2025-10-01", "hours": 8, "sectors": ["23"] });
    if matches!(outcome, "DOSSIER_AND_ATTESTATO" | "QUALIFICATION") {
        line["attestatoNumber"] = json!(format!("ATT-{i}"));
        line["attestatoIssuedOn"] = json!("2025-06-01");
    }
    if outcome == "QUALIFICATION" {
        line["certificateNumber"] = json!(format!("CERT-{i}"));
    }
    line
}

/// Imports the lines as the bulk import does; all must pass.
async fn import(app: &TestApp, lines: &[Value]) {
    let text = lines
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let report = fascicolo::import::ivc::dossiers(
        app.state.store.db(),
        &app.state.reference,
        "PIE",
        26,
        std::io::BufRead::lines(std::io::Cursor::new(text.as_bytes())),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.imported, lines.len(), "{:?}", report.rejected);
}

async fn load_groups(app: &TestApp, first: usize) {
    let mut lines = Vec::new();
    for (n, office, requested, released, outcome) in GROUPS {
        for _ in 0..n {
            lines.push(line(
                first + lines.len(),
                (office, requested, released, outcome),
            ));
        }
    }
    import(app, &lines).await;
}

const CELLS: &str = "cells { key label count share suppressed } total totalSuppressed";

/// `statistics { ivc(filter) { <lists> } }`: the `ivc` object, or the whole body on errors.
async fn ivc(app: &TestApp, token: &str, filter: &str, lists: &[&str]) -> Value {
    let lists: String = lists
        .iter()
        .map(|l| format!("{l} {{ {CELLS} }} "))
        .collect();
    let query = format!("{{ statistics {{ ivc{filter} {{ {lists} }} }} }}");
    let (status, body) = app.post(Some(token), &query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    if body.get("errors").is_some() {
        return body;
    }
    body["data"]["statistics"]["ivc"].clone()
}

/// key → count (null when withheld).
fn counts(list: &Value) -> BTreeMap<String, Value> {
    list["cells"]
        .as_array()
        .unwrap_or_else(|| panic!("no cells: {list}"))
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap_or("null").to_owned(),
                c["count"].clone(),
            )
        })
        .collect()
}

fn shares(list: &Value) -> BTreeMap<String, Value> {
    list["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap().to_owned(), c["share"].clone()))
        .collect()
}

fn map(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// A CSV report as `token`: status and body.
async fn csv(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn dossiers_count_when_released(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    load_groups(&app, 0).await;
    let admin = app.token(Role::Admin, None);
    let reporting = app.token(Role::Reporting, None);
    let lists = [
        "requestsByYear",
        "dossiersByYear",
        "outcomeShares",
        "byProvince",
        "byOffice",
    ];
    // admin: every figure
    let all = ivc(&app, &admin, "", &lists).await;
    assert_eq!(
        counts(&all["requestsByYear"]),
        map(&[("2024", json!(39)), ("2025", json!(9))])
    );
    assert_eq!(all["requestsByYear"]["total"], 48);
    // the 12 requested in 2024 and released in 2025 are 2025's dossiers; the 7 withdrawn
    // before the release are no one's
    assert_eq!(
        counts(&all["dossiersByYear"]),
        map(&[("2024", json!(20)), ("2025", json!(21))])
    );
    assert_eq!(all["dossiersByYear"]["total"], 41);
    let outcomes = &all["outcomeShares"];
    assert_eq!(
        counts(outcomes),
        map(&[
            ("DOSSIER_ONLY", json!(15)),
            ("DOSSIER_AND_ATTESTATO", json!(22)),
            ("QUALIFICATION", json!(4)),
            ("WITH_ATTESTATO", json!(26)),
        ]),
        "{outcomes}"
    );
    assert_eq!(outcomes["total"], 41, "the dossiers released");
    assert_eq!(
        shares(outcomes),
        map(&[
            ("DOSSIER_ONLY", json!(0.3659)),
            ("DOSSIER_AND_ATTESTATO", json!(0.5366)),
            ("QUALIFICATION", json!(0.0976)),
            ("WITH_ATTESTATO", json!(0.6341)),
        ])
    );
    assert_eq!(
        counts(&all["byProvince"]),
        map(&[("TO", json!(32)), ("CN", json!(8)), ("NO", json!(1))])
    );
    assert_eq!(
        counts(&all["byOffice"]),
        map(&[
            ("CPI-TO-01", json!(12)),
            ("CPI-TO-02", json!(20)),
            ("CPI-CN-01", json!(8)),
            ("CPI-NO-01", json!(1))
        ])
    );
    // reporting: the 4 qualified are withheld, and with them the class that would give them
    // away (the inclusive figure less it); the inclusive figure itself stays published
    let seen = ivc(&app, &reporting, "", &lists).await;
    assert_eq!(seen["dossiersByYear"], all["dossiersByYear"]);
    assert_eq!(
        counts(&seen["outcomeShares"]),
        map(&[
            ("DOSSIER_ONLY", json!(15)),
            ("DOSSIER_AND_ATTESTATO", Value::Null),
            ("QUALIFICATION", Value::Null),
            ("WITH_ATTESTATO", json!(26)),
        ])
    );
    assert_eq!(shares(&seen["outcomeShares"])["WITH_ATTESTATO"], 0.6341);
    // the lone Novara dossier is withheld, and the next-smallest office with it
    assert_eq!(
        counts(&seen["byProvince"]),
        map(&[("TO", json!(32)), ("CN", Value::Null), ("NO", Value::Null)])
    );
    assert_eq!(counts(&seen["byOffice"])["CPI-TO-01"], 12);
    assert_eq!(counts(&seen["byOffice"])["CPI-NO-01"], Value::Null);
    let (status, body) = csv(&app, &reporting, "/reports/ivc-by-office.csv").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "key,label,count,suppressed\nCPI-TO-02,,20,false\nCPI-TO-01,,12,false\n\
         CPI-CN-01,,,true\nCPI-NO-01,,,true\nTOTAL,,41,false\n"
    );
    let (_, body) = csv(&app, &reporting, "/reports/ivc-outcome-shares.csv").await;
    assert!(body.contains("\nWITH_ATTESTATO,,26,false\n"), "{body}");
    statements_do_not_grow(&app, &reporting).await;
    app.stop().await;
}

#[tokio::test]
async fn ivc_dossiers_count_when_released_sqlite() {
    dossiers_count_when_released("ivc_numbers_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_dossiers_count_when_released_postgres() {
    dossiers_count_when_released("ivc_numbers_postgres", Engine::Postgres).await;
}

/// Statements per report, unfiltered and sliced by a filter: the same with twice the data.
async fn statements_do_not_grow(app: &TestApp, reporting: &str) {
    let reports = [
        "ivc-requests-by-year",
        "ivc-dossiers-by-year",
        "ivc-outcome-shares",
        "ivc-by-province",
        "ivc-by-office",
        "ivc-users-by-citizenship",
    ];
    let count = async || {
        let mut out = Vec::new();
        for report in reports {
            for query in ["", "?releasedFrom=2025-01-01&releasedTo=2025-12-31"] {
                let before = app.store_statements();
                let (status, body) =
                    csv(app, reporting, &format!("/reports/{report}.csv{query}")).await;
                assert_eq!(status, 200, "{report}{query}: {body}");
                out.push(app.store_statements() - before);
            }
        }
        out
    };
    let first = count().await;
    // one statement for the figures and one for the citizens behind them; sliced, one for
    // the citizens of each margin and of the whole
    assert_eq!(first, [2, 4].repeat(reports.len()), "{reports:?}");
    load_groups(app, 1_000).await;
    assert_eq!(count().await, first);
}

async fn date_filters(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    load_groups(&app, 0).await;
    let admin = app.token(Role::Admin, None);
    let reporting = app.token(Role::Reporting, None);
    let requested_2024 = "(filter: { requestedFrom: \"2024-01-01\", requestedTo: \"2024-12-31\" })";
    let released_2025 = "(filter: { releasedFrom: \"2025-01-01\", releasedTo: \"2025-12-31\" })";
    for token in [&admin, &reporting] {
        // requested in 2024: 20 dossiers released that year, 12 the next
        let got = ivc(
            &app,
            token,
            requested_2024,
            &["dossiersByYear", "requestsByYear"],
        )
        .await;
        assert_eq!(
            counts(&got["dossiersByYear"]),
            map(&[("2024", json!(20)), ("2025", json!(12))])
        );
        assert_eq!(got["requestsByYear"]["total"], 39, "the withdrawn included");
        // released in 2025: requested in 2024 (12) and in 2025 (9)
        let got = ivc(
            &app,
            token,
            released_2025,
            &["requestsByYear", "byProvince"],
        )
        .await;
        assert_eq!(
            counts(&got["requestsByYear"]),
            map(&[("2024", json!(12)), ("2025", json!(9))])
        );
        assert_eq!(got["byProvince"]["total"], 21);
    }
    // days for admin; whole years only for the others, the error naming the parameter
    let november = "(filter: { requestedFrom: \"2024-11-01\", requestedTo: \"2024-12-31\" })";
    let got = ivc(&app, &admin, november, &["dossiersByYear"]).await;
    assert_eq!(counts(&got["dossiersByYear"]), map(&[("2025", json!(12))]));
    let body = ivc(&app, &reporting, november, &["dossiersByYear"]).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("requestedFrom:"),
        "{body}"
    );
    let two = "(filter: { region: \"PIE\", releasedTo: \"2025-12-31\" })";
    let body = ivc(&app, &reporting, two, &["dossiersByYear"]).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("filter:"),
        "{body}"
    );
    // a date that is none
    let body = ivc(
        &app,
        &admin,
        "(filter: { releasedTo: \"2025-02-30\" })",
        &["dossiersByYear"],
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("releasedTo"),
        "{body}"
    );
    // the CSV route: the same filters as parameters, the same answers and errors
    let (status, body) = csv(
        &app,
        &reporting,
        "/reports/ivc-requests-by-year.csv?releasedFrom=2025-01-01&releasedTo=2025-12-31",
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (
            200,
            "key,label,count,suppressed\n2024,,12,false\n2025,,9,false\nTOTAL,,21,false\n"
        )
    );
    let (status, body) = csv(
        &app,
        &admin,
        "/reports/ivc-dossiers-by-year.csv?requestedTo=2024-13-01",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("requestedTo: \\\"2024-13-01\\\" is not a date"),
        "{body}"
    );
    let (status, body) = csv(
        &app,
        &reporting,
        "/reports/ivc-by-province.csv?releasedFrom=2025-03-03",
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("releasedFrom: 2025-03-03 is not a 1 January"),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn ivc_date_filters_sqlite() {
    date_filters("ivc_date_filters_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_date_filters_postgres() {
    date_filters("ivc_date_filters_postgres", Engine::Postgres).await;
}

/// Freezes an anagrafica with this citizenship into the imported dossiers of `codes`, as the
/// release of a Dossier del Cittadino does (the same `PersonSnapshot`, as JSON).
async fn freeze_citizenship(app: &TestApp, codes: &[String], citizenship: &str) {
    for code in codes {
        let person = PersonSnapshot {
            fiscal_code: code.clone(),
            citizenship: Some(citizenship.to_owned()),
            ..PersonSnapshot::default()
        };
        ivc_dossier::Entity::update_many()
            .col_expr(
                ivc_dossier::Column::TransparencyPerson,
                Expr::value(serde_json::to_string(&person).unwrap()),
            )
            .filter(ivc_dossier::Column::FiscalCode.eq(code.as_str()))
            .exec(app.state.store.db())
            .await
            .unwrap();
    }
}

async fn users_by_citizenship(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let released = (
        "CPI-TO-01",
        "2025-01-10",
        Some("2025-02-10"),
        "DOSSIER_ONLY",
    );
    let lines: Vec<Value> = (0..20).map(|i| line(i, released)).collect();
    import(&app, &lines).await;
    let codes: Vec<String> = (0..20).map(code).collect();
    freeze_citizenship(&app, &codes[0..7], "RO").await;
    freeze_citizenship(&app, &codes[7..12], "MA").await;
    freeze_citizenship(&app, &codes[12..14], "AL").await;
    // the other 6 froze nothing (imported); Mario's Dossier is released through the API,
    // with the anagrafica of the regional sources (citizenship IT)
    to_transparency(&app, MARIO).await;
    // Anna withdraws before any Dossier: a request, and no user with a dossier
    let d = request(&app, anna().as_str(), "2026-02-02").await;
    IVC.step(
        &app,
        &d,
        "withdrawIvcDossier",
        json!({ "withdrawnOn": "2026-02-10" }),
    )
    .await;
    let admin = app.token(Role::Admin, None);
    let reporting = app.token(Role::Reporting, None);
    let lists = ["usersByCitizenship", "requestsByYear", "dossiersByYear"];
    let all = ivc(&app, &admin, "", &lists).await;
    assert_eq!(
        counts(&all["requestsByYear"]),
        map(&[("2025", json!(20)), ("2026", json!(2))])
    );
    assert_eq!(
        counts(&all["dossiersByYear"]),
        map(&[("2025", json!(20)), ("2026", json!(1))])
    );
    let by = &all["usersByCitizenship"];
    let labelled: Vec<(&str, &Value, &Value)> = by["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap(), &c["label"], &c["count"]))
        .collect();
    assert_eq!(
        labelled,
        [
            ("RO", &json!("Romania"), &json!(7)),
            ("UNKNOWN", &Value::Null, &json!(6)),
            ("MA", &json!("Marocco"), &json!(5)),
            ("AL", &json!("Albania"), &json!(2)),
            ("IT", &json!("Italia"), &json!(1)),
        ],
        "{by}"
    );
    assert_eq!(by["total"], 21);
    // reporting: Albania's 2 and Italy's 1 withheld, the rest published, largest first
    let (status, body) = csv(&app, &reporting, "/reports/ivc-users-by-citizenship.csv").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        "key,label,count,suppressed\nRO,Romania,7,false\nUNKNOWN,,6,false\nMA,Marocco,5,false\n\
         AL,Albania,,true\nIT,Italia,,true\nTOTAL,,21,false\n"
    );
    let seen = ivc(&app, &reporting, "", &["usersByCitizenship"]).await;
    assert_eq!(counts(&seen["usersByCitizenship"])["AL"], Value::Null);
    assert_eq!(shares(&seen["usersByCitizenship"])["RO"], 0.3333);
    app.stop().await;
}

#[tokio::test]
async fn ivc_users_by_citizenship_sqlite() {
    users_by_citizenship("ivc_citizenship_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_users_by_citizenship_postgres() {
    users_by_citizenship("ivc_citizenship_postgres", Engine::Postgres).await;
}
