//! Statistics that cannot be undone (issue 19 §4): for a `reporting` token no figure about
//! fewer than `reporting.min_cell_size` (5) citizens is shown, nor can it be worked out by
//! subtracting published figures — the other cells from a total, one report from another, a
//! filtered report from the unfiltered ones; a filter on a population that small shows
//! nothing; tallies of things are withheld by the citizens behind them; CSV text cells cannot
//! run as formulas. `admin` sees every figure.

use crate::helpers::{TestApp, error_codes, spawn_fixture_app};
use chrono::NaiveDate;
use fascicolo::auth::Role;
use fascicolo::domain::FiscalCode;
use fascicolo::testing::Engine;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A distinct valid fiscal code for each `i`.
fn code(i: usize, female: bool) -> String {
    let c = |k: usize| "BCDFGLMNPRSTVZ".as_bytes()[(i / 14usize.pow(k as u32)) % 14] as char;
    let birth = NaiveDate::from_ymd_opt(1960 + (i % 40) as i32, 1 + (i % 12) as u32, 5).unwrap();
    let family = format!("{}a{}e{}", c(0), c(1), c(2));
    FiscalCode::encode(
        &family,
        &format!("{}i{}o", c(3), c(0)),
        birth,
        female,
        "D612",
    )
    .as_str()
    .to_owned()
}

/// Libretti as the import takes them: (area, office, status, men, women), one holder each.
async fn load(app: &TestApp, groups: &[(&str, &str, &str, usize, usize)], extra: &[Value]) {
    let mut lines: Vec<Value> = Vec::new();
    for (area, office, status, men, women) in groups {
        for k in 0..men + women {
            let i = lines.len();
            lines.push(
                json!({ "number": format!("LFC-{i}"), "fiscalCode": code(i, k >= *men),
                "area": area, "office": office, "status": status, "issuedOn": "2015-03-02" }),
            );
        }
    }
    lines.extend(extra.iter().cloned());
    let text = lines
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let report = fascicolo::import::libretti(
        app.state.store.db(),
        &app.state.reference,
        "TOS",
        std::io::BufRead::lines(std::io::Cursor::new(text.as_bytes())),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.imported, lines.len(), "{:?}", report.rejected);
}

const LIST: &str = "cells { key count suppressed } total totalSuppressed";

/// `statistics { libretti(filter) { <list> } }` for a token.
async fn list(app: &TestApp, token: &str, filter: &str, list: &str) -> Value {
    let query = format!("{{ statistics {{ libretti{filter} {{ {list} {{ {LIST} }} }} }} }}");
    let (status, body) = app.post(Some(token), &query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["statistics"]["libretti"][list].clone()
}

/// key → count (null when withheld).
fn counts(list: &Value) -> BTreeMap<String, Value> {
    list["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap().to_owned(), c["count"].clone()))
        .collect()
}

/// One line of a table (a row or a column) whose total the reader knows: its cells are
/// withheld all or none, or two at least — one alone is the total less the others.
fn no_lone_unknown(line: &str, unknown: usize) {
    assert!(
        unknown != 1,
        "{line}: one withheld cell is its total less the others"
    );
}

async fn a_lone_small_cell_takes_another_with_it(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    // issue 19: byStatus showed CONSOLIDATED 9, IN_UPDATE suppressed, TOTAL 11
    load(
        &app,
        &[
            ("Pisa", "CPI-PI-01", "CONSOLIDATED", 5, 4),
            ("Pisa", "CPI-PI-01", "IN_UPDATE", 1, 1),
        ],
        &[],
    )
    .await;
    let reporting = app.token(Role::Reporting, None);
    let admin = app.token(Role::Admin, None);
    let by_status = list(&app, &reporting, "", "byStatus").await;
    assert_eq!(by_status["total"], 11, "the population is published");
    assert_eq!(
        counts(&by_status),
        BTreeMap::from([
            ("CONSOLIDATED".into(), Value::Null),
            ("IN_UPDATE".into(), Value::Null)
        ]),
        "{by_status}"
    );
    let seen = counts(&list(&app, &admin, "", "byStatus").await);
    assert_eq!(
        (&seen["CONSOLIDATED"], &seen["IN_UPDATE"]),
        (&json!(9), &json!(2))
    );
    // the same population by gender: 6 men, 5 women, both published, total 11 again
    let genders = counts(&list(&app, &reporting, "", "citizensByGender").await);
    assert_eq!((&genders["M"], &genders["F"]), (&json!(6), &json!(5)));
    // a status filter on the two: nothing, not even which genders there are
    for status in ["IN_UPDATE", "CONSOLIDATED"] {
        let filter = format!("(filter: {{ status: {status} }})");
        let sliced = list(&app, &reporting, &filter, "citizensByGender").await;
        assert_eq!(
            sliced,
            json!({ "cells": [], "total": null, "totalSuppressed": true }),
            "{status}"
        );
        let sliced = list(&app, &admin, &filter, "citizensByGender").await;
        assert_eq!(sliced["totalSuppressed"], false);
    }
    // the CSV says the same
    let response = app
        .client
        .get(app.url("/reports/libretti-by-status.csv"))
        .bearer_auth(&reporting)
        .send()
        .await
        .unwrap();
    let csv = response.text().await.unwrap();
    assert_eq!(
        csv,
        "key,label,count,suppressed\nCONSOLIDATED,,,true\nIN_UPDATE,,,true\nTOTAL,,11,false\n"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_lone_small_cell_takes_another_with_it_sqlite() {
    a_lone_small_cell_takes_another_with_it("disclosure_lone_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn a_lone_small_cell_takes_another_with_it_postgres() {
    a_lone_small_cell_takes_another_with_it("disclosure_lone_postgres", Engine::Postgres).await;
}

/// Offices (with their areas) and their holders by gender: CPI-SI-09 has one man.
const OFFICES: [(&str, &str, usize, usize); 5] = [
    ("Pisa", "CPI-PI-01", 18, 12),
    ("Firenze", "CPI-FI-01", 10, 15),
    ("Lucca", "CPI-LU-01", 12, 8),
    ("Siena", "CPI-SI-01", 4, 6),
    ("Siena", "CPI-SI-09", 1, 0),
];

async fn no_filter_undoes_another_report(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let groups: Vec<_> = OFFICES
        .iter()
        .map(|&(area, office, men, women)| (area, office, "CONSOLIDATED", men, women))
        .collect();
    load(&app, &groups, &[]).await;
    let reporting = app.token(Role::Reporting, None);
    // byOffice against byArea: Siena's total less CPI-SI-01 would be the one man, so
    // CPI-SI-01 is withheld with him, and Siena's total, which adds nothing, stays
    let offices = counts(&list(&app, &reporting, "", "byOffice").await);
    let areas = counts(&list(&app, &reporting, "", "byArea").await);
    assert_eq!(offices["CPI-SI-09"], Value::Null);
    assert_eq!(offices["CPI-SI-01"], Value::Null, "{offices:?}");
    assert_eq!(areas["Siena"], 11, "{areas:?}");
    assert_eq!(offices["CPI-PI-01"], 30);
    no_lone_unknown("byOffice", offices.values().filter(|c| c.is_null()).count());
    // a population under the threshold, or one its office's figure is withheld to protect:
    // nothing at all, keys included
    for office in ["CPI-SI-09", "CPI-SI-01"] {
        let filter = format!("(filter: {{ office: \"{office}\" }})");
        for report in ["citizensByGender", "byArea", "byStatus"] {
            assert_eq!(
                list(&app, &reporting, &filter, report).await,
                json!({ "cells": [], "total": null, "totalSuppressed": true }),
                "{office} {report}"
            );
        }
    }
    // office × gender: every office's row against the unfiltered gender totals
    let totals = counts(&list(&app, &reporting, "", "citizensByGender").await);
    let mut column_unknown = BTreeMap::<&str, usize>::new();
    for &(_, office, men, women) in &OFFICES {
        let filter = format!("(filter: {{ office: \"{office}\" }})");
        let row = list(&app, &reporting, &filter, "citizensByGender").await;
        let cells = counts(&row);
        for (gender, truth) in [("M", men), ("F", women)] {
            let shown = cells.get(gender).cloned().unwrap_or(json!(0));
            if shown.is_null() || (row["totalSuppressed"] == true && truth > 0) {
                *column_unknown.entry(gender).or_default() += 1;
            } else {
                assert_eq!(shown, truth as i64, "{office} {gender}");
                assert!(truth == 0 || truth >= 5, "{office} {gender}: {truth} shown");
            }
        }
        if row["totalSuppressed"] == false {
            no_lone_unknown(office, cells.values().filter(|c| c.is_null()).count());
        }
    }
    for gender in ["M", "F"] {
        assert!(totals[gender].is_number(), "{totals:?}");
        no_lone_unknown(gender, column_unknown.get(gender).copied().unwrap_or(0));
    }
    assert!(
        column_unknown["M"] >= 2,
        "the one man of CPI-SI-09 and another"
    );
    // admin sees each of them
    let admin = app.token(Role::Admin, None);
    let row = list(
        &app,
        &admin,
        "(filter: { office: \"CPI-SI-09\" })",
        "citizensByGender",
    )
    .await;
    assert_eq!(counts(&row)["M"], 1);
    app.stop().await;
}

#[tokio::test]
async fn no_filter_undoes_another_report_sqlite() {
    no_filter_undoes_another_report("disclosure_filters_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn no_filter_undoes_another_report_postgres() {
    no_filter_undoes_another_report("disclosure_filters_postgres", Engine::Postgres).await;
}

async fn filters_are_one_at_a_time_and_whole_years(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    load(&app, &[("Pisa", "CPI-PI-01", "CONSOLIDATED", 6, 6)], &[]).await;
    let reporting = app.token(Role::Reporting, None);
    let admin = app.token(Role::Admin, None);
    let refused = [
        ("{ area: \"Pisa\", status: CONSOLIDATED }", "filter"),
        (
            "{ office: \"CPI-PI-01\", issuedFrom: \"2015-01-01\" }",
            "filter",
        ),
        ("{ issuedFrom: \"2015-03-01\" }", "issuedFrom"),
        ("{ issuedTo: \"2015-06-30\" }", "issuedTo"),
    ];
    for (filter, field) in refused {
        let query =
            format!("{{ statistics {{ libretti(filter: {filter}) {{ byArea {{ total }} }} }} }}");
        let (_, body) = app.post(Some(&reporting), &query, json!({})).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{filter}: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with(&format!("{field}:")), "{message}");
        let (_, body) = app.post(Some(&admin), &query, json!({})).await;
        assert_eq!(
            body["data"]["statistics"]["libretti"]["byArea"]["total"], 12,
            "{body}"
        );
    }
    let response = app
        .client
        .get(app.url("/reports/libretti-by-area.csv?area=Pisa&issuedFrom=2015-01-01"))
        .bearer_auth(&reporting)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert!(response.text().await.unwrap().contains("filter:"));
    // whole years are fine
    let years = list(
        &app,
        &reporting,
        "(filter: { issuedFrom: \"2015-01-01\", issuedTo: \"2015-12-31\" })",
        "citizensByGender",
    )
    .await;
    assert_eq!(years["total"], 12, "{years}");
    app.stop().await;
}

#[tokio::test]
async fn filters_are_one_at_a_time_and_whole_years_sqlite() {
    filters_are_one_at_a_time_and_whole_years("disclosure_rules_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn filters_are_one_at_a_time_and_whole_years_postgres() {
    filters_are_one_at_a_time_and_whole_years("disclosure_rules_postgres", Engine::Postgres).await;
}

async fn things_are_withheld_by_the_citizens_behind_them(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    // one holder with 7 evidences "OTHER" and 6 self-declared experiences; 5 holders with one
    // professional evidence; 8 with one non-formal evidence and one regional experience
    let evidence = |category: &str, n: usize| -> Vec<Value> {
        (0..n)
            .map(|_| json!({ "category": category, "title": "Documento" }))
            .collect()
    };
    let experience = |origin: &str, n: usize| -> Vec<Value> {
        (0..n)
            .map(|_| json!({ "kind": "WORK", "origin": origin }))
            .collect()
    };
    let mut lines = vec![
        json!({ "number": "T-0", "fiscalCode": code(900, false), "area": "Pisa",
        "issuedOn": "2016-01-04", "evidences": evidence("OTHER", 7),
        "experiences": experience("SELF_DECLARED", 6) }),
    ];
    for i in 1..14 {
        let (category, experiences) = if i <= 5 {
            ("PROFESSIONAL", 0)
        } else {
            ("NON_FORMAL", 1)
        };
        lines.push(
            json!({ "number": format!("T-{i}"), "fiscalCode": code(900 + i, false),
            "area": "Pisa", "issuedOn": "2016-01-04", "evidences": evidence(category, 1),
            "experiences": experience("REGIONAL_DB", experiences) }),
        );
    }
    load(&app, &[], &lines).await;
    let reporting = app.token(Role::Reporting, None);
    let admin = app.token(Role::Admin, None);
    let evidences = list(&app, &reporting, "", "evidencesByCategory").await;
    let seen = counts(&evidences);
    assert_eq!(
        seen["OTHER"],
        Value::Null,
        "7 evidences, 1 citizen: {evidences}"
    );
    assert_eq!(seen["PROFESSIONAL"], Value::Null, "the next smallest, 5");
    assert_eq!(
        (&seen["NON_FORMAL"], &evidences["total"]),
        (&json!(8), &json!(20))
    );
    let experiences = counts(&list(&app, &reporting, "", "experiencesByOrigin").await);
    assert_eq!(
        experiences["SELF_DECLARED"],
        Value::Null,
        "6 experiences, 1 citizen"
    );
    assert_eq!(
        experiences["REGIONAL_DB"],
        Value::Null,
        "else 14 - 8 gives them away"
    );
    assert_eq!(
        counts(&list(&app, &admin, "", "evidencesByCategory").await)["OTHER"],
        7
    );

    // IVC hours and cost: 6 citizens in Piemonte's IVC PLUS, 2 in a Tuscan pilot
    let dossiers: Vec<String> = (0..8)
        .map(|i| {
            let (region, program, hours) = if i < 6 { ("PIE", "IVC PLUS", 10) } else { ("TOS", "PILOT", 5) };
            json!({ "legacyId": format!("D-{i}"), "fiscalCode": code(950 + i, true),
                "region": region, "program": program, "provider": "Ente", "requestedOn": "2023-03-01",
                "outcome": "DOSSIER_ONLY", "closedOn": "2023-06-01", "hours": hours, "sectors": ["23"] })
            .to_string()
        })
        .collect();
    let text = dossiers.join("\n");
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
    assert_eq!(report.imported, 8, "{:?}", report.rejected);
    let totals = async |token: &str, filter: &str| -> Value {
        let query = format!(
            "{{ statistics {{ ivc{filter} {{ totals {{ hours costEur suppressed }} }} }} }}"
        );
        let (_, body) = app.post(Some(token), &query, json!({})).await;
        body["data"]["statistics"]["ivc"]["totals"].clone()
    };
    let withheld = json!({ "hours": null, "costEur": null, "suppressed": true });
    assert_eq!(
        totals(&reporting, "").await,
        json!({ "hours": 70.0, "costEur": 2800.0, "suppressed": false })
    );
    assert_eq!(
        totals(&reporting, "(filter: { region: \"TOS\" })").await,
        withheld
    );
    assert_eq!(
        totals(&reporting, "(filter: { region: \"PIE\" })").await,
        withheld,
        "else 70 - 60 gives the pilot's hours away"
    );
    assert_eq!(
        totals(&admin, "(filter: { region: \"TOS\" })").await["hours"],
        10.0
    );
    app.stop().await;
}

#[tokio::test]
async fn things_are_withheld_by_the_citizens_behind_them_sqlite() {
    things_are_withheld_by_the_citizens_behind_them("disclosure_things_sqlite", Engine::Sqlite)
        .await;
}

#[tokio::test]
async fn things_are_withheld_by_the_citizens_behind_them_postgres() {
    things_are_withheld_by_the_citizens_behind_them("disclosure_things_postgres", Engine::Postgres)
        .await;
}

/// Keys a spreadsheet would run as formulas (OWASP "CSV injection"): offices written
/// straight into the store, as a careless load or a hostile token's office claim would.
async fn csv_text_cannot_run_as_a_formula(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let hostile = ["=1+2", "+SUM(1)", "-2+3", "@cmd", "\tTAB", "\rCR"];
    let groups: Vec<_> = (0..=hostile.len())
        .map(|_| ("Pisa", "CPI-PI-01", "CONSOLIDATED", 3, 3))
        .collect();
    load(&app, &groups, &[]).await;
    let db = app.state.store.db();
    for (k, office) in hostile.iter().enumerate() {
        use sea_orm::{ConnectionTrait, Statement};
        let numbers: Vec<String> = (k * 6..k * 6 + 6).map(|i| format!("'LFC-{i}'")).collect();
        let sql = format!(
            "UPDATE libretto SET office = {} WHERE number IN ({})",
            if db.get_database_backend() == sea_orm::DbBackend::Postgres {
                "$1"
            } else {
                "?"
            },
            numbers.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [(*office).into()],
        ))
        .await
        .unwrap();
    }
    for token in [
        app.token(Role::Admin, None),
        app.token(Role::Reporting, None),
    ] {
        let response = app
            .client
            .get(app.url("/reports/libretti-by-office.csv"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let text = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: BTreeMap<String, String> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[0].to_owned(), r[2].to_owned())
            })
            .collect();
        for office in hostile {
            assert_eq!(rows[&format!("'{office}")], "6", "{text}");
        }
        assert_eq!(rows["CPI-PI-01"], "6", "plain text is left alone: {text}");
    }
    // GraphQL answers the key as it is
    let admin = app.token(Role::Admin, None);
    let offices = counts(&list(&app, &admin, "", "byOffice").await);
    assert_eq!(offices["=1+2"], 6);
    app.stop().await;
}

#[tokio::test]
async fn csv_text_cannot_run_as_a_formula_sqlite() {
    csv_text_cannot_run_as_a_formula("disclosure_csv_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn csv_text_cannot_run_as_a_formula_postgres() {
    csv_text_cannot_run_as_a_formula("disclosure_csv_postgres", Engine::Postgres).await;
}
