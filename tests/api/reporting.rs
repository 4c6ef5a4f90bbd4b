//! The reporting API reproduces the seeds' published tables from data: seed 000's 56,387
//! libretti by area (Empoli is a CPI area, not a province) and seed 003's IVC years; small
//! cells are suppressed for `reporting` but not for `admin`; a reporting token reads no
//! personal data. The rows are written straight into the store, as a bulk load would.

use crate::fixtures::MARIO;
use crate::helpers::{TestApp, error_codes, spawn_fixture_app};
use chrono::NaiveDate;
use fascicolo::auth::Role;
use fascicolo::domain::FiscalCode;
use fascicolo::testing::Engine;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Seed 000, "Libretti consolidati 2011-2018" by area.
const SEED_000_AREAS: [(&str, i64); 11] = [
    ("Arezzo", 10_930),
    ("Pisa", 7_937),
    ("Prato", 7_909),
    ("Pistoia", 6_835),
    ("Firenze", 4_895),
    ("Siena", 3_936),
    ("Livorno", 3_459),
    ("Empoli", 3_040),
    ("Lucca", 2_983),
    ("Grosseto", 2_267),
    ("Massa Carrara", 2_196),
];

/// Seed 003: IVC PLUS dossiers and attestati per year.
const SEED_003_YEARS: [(i32, i64, i64); 4] = [
    (2022, 141, 77),
    (2023, 389, 315),
    (2024, 492, 380),
    (2025, 369, 319),
];

/// Where seed 003's users were born, one in 100 at a time: Piemonte 50 (Torino), other
/// countries 39 (Romania), other regions 11 (Roma).
fn ivc_birth_place(i: usize) -> &'static str {
    match i % 100 {
        0..50 => "L219",
        50..89 => "Z129",
        _ => "H501",
    }
}

/// The CPI area as the reference data names it (seed 000 writes "Massa Carrara").
fn canonical(area: &str) -> &str {
    if area == "Massa Carrara" {
        "Massa-Carrara"
    } else {
        area
    }
}

/// An office of the area: `CPI-<province>-01` (Empoli's are `CPI-EM-…`).
fn office_of(area: &str) -> String {
    let province = match area {
        "Empoli" => "EM",
        "Massa Carrara" => "MS",
        "Prato" => "PO",
        "Pistoia" => "PT",
        other => &other[..2],
    };
    format!("CPI-{}-01", province.to_uppercase())
}

/// Seed 000: 29,723 holders are men.
const MEN: usize = 29_723;

/// A legacy libretto line: years 2011-2018 in turn, men first (seed 000: 29,723), ages
/// 25/38/50/60 in turn (one per seed band), a fiscal code valid for each `i`.
fn libretto_line(i: usize, area: &str, office: &str, status: &str) -> String {
    let year = 2011 + (i % 8) as i32;
    let female = i >= MEN;
    let age = [25, 38, 50, 60][i % 4];
    let birth =
        NaiveDate::from_ymd_opt(year - age - 1, 1 + (i % 12) as u32, 1 + (i % 28) as u32).unwrap();
    // surname and name consonants from the digits of i in base 14: a distinct code per i
    let c = |k: usize| "BCDFGLMNPRSTVZ".as_bytes()[(i / 14usize.pow(k as u32)) % 14] as char;
    let family = format!("{}a{}e{}", c(0), c(1), c(2));
    let given = format!("{}i{}o{}", c(3), c(4), c(0));
    let code = FiscalCode::encode(&family, &given, birth, female, "D612");
    let mut line = json!({ "number": format!("LFC-TOS-{year}-{i:06}"), "fiscalCode": code.as_str(),
            "area": area, "office": office, "status": status,
            "issuedOn": format!("{year}-{:02}-10", 1 + (i % 12)), "birthDate": birth });
    // sections 1 and 2 on one line in 50 (enough to prove they load, cheap for the suite)
    if i.is_multiple_of(50) {
        line["experiences"] = json!([{ "kind": "WORK", "origin": "REGIONAL_DB" },
                                     { "kind": "TRAINING", "origin": "SELF_DECLARED" }]);
        line["evidences"] = json!([{ "category": "OTHER", "title": "Dichiarazione" }]);
    }
    line.to_string()
}

/// Seed 000's libretti as a legacy JSON Lines file, with bad lines among them, imported
/// twice (the second run adds nothing).
async fn load_seed_000(app: &TestApp) {
    let mut lines = Vec::new();
    for (area, count) in SEED_000_AREAS {
        for _ in 0..count {
            let i = lines.len();
            lines.push(libretto_line(i, area, &office_of(area), "CONSOLIDATED"));
        }
    }
    let i = lines.len();
    lines.push(libretto_line(i, "Siena", "CPI-SI-09", "CONSOLIDATED"));
    lines.push(libretto_line(i + 1, "Pisa", "CPI-PI-01", "CANCELLED"));
    // bad lines at known places: each is reported, none stops the rest
    let bad = [
        (3, "{ not json".to_owned()),
        (1_000, json!({ "number": "X-1", "fiscalCode": "RSSMRA85T10A562X", "area": "Pisa", "issuedOn": "2015-01-01" }).to_string()),
        (20_000, json!({ "number": "X-2", "fiscalCode": MARIO, "area": "Pisa", "issuedOn": "2999-01-01" }).to_string()),
        (40_000, json!({ "number": "X-3", "fiscalCode": MARIO, "area": "Pisa", "issuedOn": "2015-01-01",
                         "evidences": [{ "category": "SELFIE", "title": "x" }] }).to_string()),
    ];
    for (at, line) in &bad {
        lines.insert(at - 1, line.clone());
    }
    let text = lines.join("\n");
    let import = async || {
        fascicolo::import::libretti(
            app.state.store.db(),
            &app.state.reference,
            "TOS",
            std::io::BufRead::lines(std::io::Cursor::new(text.as_bytes())),
            |_| {},
        )
        .await
        .unwrap()
    };
    let first = import().await;
    assert_eq!(first.imported, 56_387 + 2, "{:?}", first.rejected);
    let rejected: Vec<usize> = first.rejected.iter().map(|r| r.0).collect();
    assert_eq!(rejected, [3, 1_000, 20_000, 40_000], "{:?}", first.rejected);
    assert!(
        first.rejected[1].1.starts_with("fiscalCode:"),
        "{:?}",
        first.rejected[1]
    );
    assert!(
        first.rejected[2].1.starts_with("issuedOn:"),
        "{:?}",
        first.rejected[2]
    );
    assert!(
        first.rejected[3].1.contains("evidences[0].category"),
        "{:?}",
        first.rejected[3]
    );
    let again = import().await;
    assert_eq!((again.imported, again.already_present), (0, 56_387 + 2));
}

/// Seed 003's dossiers and attestati per year as a legacy JSON Lines file, with a bad line.
async fn load_seed_003(app: &TestApp) {
    let mut lines = Vec::new();
    for (year, dossiers, attestati) in SEED_003_YEARS {
        for k in 0..dossiers {
            let i = lines.len();
            let birth = NaiveDate::from_ymd_opt(
                1970 + (i % 30) as i32,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            )
            .unwrap();
            let c =
                |k: usize| "BCDFGLMNPRSTVZ".as_bytes()[(i / 14usize.pow(k as u32)) % 14] as char;
            let code = FiscalCode::encode(
                &format!("{}u{}a", c(0), c(1)),
                &format!("{}e{}", c(2), c(0)),
                birth,
                false,
                ivc_birth_place(i),
            );
            let attestato = k < attestati;
            // one in ten requested the December before: seed 003 counts the dossier when
            // released
            let requested = if k % 10 == 0 {
                format!("{}-12-15", year - 1)
            } else {
                format!("{year}-03-01")
            };
            let mut line = json!({ "legacyId": format!("PIE-{i:05}"), "fiscalCode": code.as_str(),
                "region": "PIE", "program": "IVC PLUS", "provider": "Ente titolato",
                "requestedOn": requested, "transparencyReleasedOn": format!("{year}-04-01"),
                "outcome": if attestato { "DOSSIER_AND_ATTESTATO" } else { "DOSSIER_ONLY" },
                "closedOn": format!("{year}-06-01"), "hours": 10, "sectors": ["23"] });
            if attestato {
                line["attestatoNumber"] = json!(format!("ATT-{i:05}"));
                line["attestatoIssuedOn"] = json!(format!("{year}-05-01"));
            }
            lines.push(line.to_string());
        }
    }
    lines.insert(
        10,
        json!({ "legacyId": "BAD", "fiscalCode": MARIO, "provider": "x",
        "requestedOn": "2023-01-01", "hours": 30, "outcome": "DOSSIER_ONLY" })
        .to_string(),
    );
    let text = lines.join("\n");
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
    assert_eq!(report.imported, 1_391, "{:?}", report.rejected);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].0, 11);
    assert!(
        report.rejected[0].1.starts_with("hours: 30"),
        "{:?}",
        report.rejected
    );
}

fn cells(breakdown: &Value) -> BTreeMap<String, Value> {
    breakdown["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap_or("null").to_owned(),
                c["count"].clone(),
            )
        })
        .collect()
}

const CELL: &str = "cells { key label count suppressed } total totalSuppressed";

/// One area and one period for admin; one of them at a time for the other roles.
async fn filters_of_the_seed_tables(app: &TestApp) {
    let (admin, reporting) = (
        app.token(Role::Admin, None),
        app.token(Role::Reporting, None),
    );
    let empoli_2011 = format!(
        "{{ statistics {{ libretti(filter: {{ area: \"Empoli\", issuedFrom: \"2011-01-01\", issuedTo: \"2011-12-31\" }}) {{ byIssueYear {{ {CELL} }} }} }} }}"
    );
    let (_, body) = app.post(Some(&admin), &empoli_2011, json!({})).await;
    let empoli = cells(&body["data"]["statistics"]["libretti"]["byIssueYear"]);
    assert_eq!(
        empoli.keys().cloned().collect::<Vec<_>>(),
        ["2011"],
        "{body}"
    );
    let (_, body) = app.post(Some(&reporting), &empoli_2011, json!({})).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let (_, body) = app
        .post(
            Some(&reporting),
            &format!("{{ statistics {{ libretti(filter: {{ issuedFrom: \"2011-01-01\", issuedTo: \"2011-12-31\" }}) {{ byIssueYear {{ {CELL} }} byArea {{ total }} }} }} }}"),
            json!({}),
        )
        .await;
    let libretti_2011 = &body["data"]["statistics"]["libretti"];
    assert_eq!(
        cells(&libretti_2011["byIssueYear"])
            .keys()
            .cloned()
            .collect::<Vec<_>>(),
        ["2011"],
        "{body}"
    );
    let issued_2011 = (0..56_388usize).filter(|i| i % 8 == 0).count() as i64;
    assert_eq!(libretti_2011["byArea"]["total"], issued_2011, "{body}");
}

async fn reproduces_the_seeds(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    load_seed_000(&app).await;
    load_seed_003(&app).await;
    let body = the_statistics_reproduce_seed_000(&app).await;
    the_statistics_reproduce_seed_003(&body);
    admin_sees_the_small_cell(&app).await;
    filters_of_the_seed_tables(&app).await;
    csv_reports_follow_the_same_rules(&app).await;
    aggregates_only(&app).await;
    app.stop().await;
}

/// Every statistic in one query as `reporting`; seed 000's table and the withheld small
/// cell; the answer.
async fn the_statistics_reproduce_seed_000(app: &TestApp) -> Value {
    let reporting = app.token(Role::Reporting, None);
    let query = format!(
        "{{ statistics {{ libretti {{ byArea {{ {CELL} }} byIssueYear {{ {CELL} }} \
         byStatus {{ {CELL} }} byOffice {{ {CELL} }} citizensByGender {{ {CELL} }} \
         citizensByAgeBand {{ {CELL} }} experiencesByOrigin {{ {CELL} }} \
         evidencesByCategory {{ {CELL} }} }} \
         ivc(filter: {{ program: \"IVC PLUS\" }}) {{ dossiersByYear {{ {CELL} }} \
         requestsByYear {{ {CELL} }} outcomeShares {{ cells {{ key count share }} total }} \
         attestatiByYear {{ {CELL} }} outcomes {{ {CELL} }} usersByOrigin {{ {CELL} }} \
         totals {{ hours costEur }} }} }} }}"
    );
    let (status, body) = app.post(Some(&reporting), &query, json!({})).await;
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body}");
    let libretti = &body["data"]["statistics"]["libretti"];

    // seed 000's table, area by area, in its order (largest first)
    let areas = &libretti["byArea"];
    assert_eq!(areas["total"], 56_387 + 1, "the extra Siena libretto");
    let got: Vec<(String, i64)> = areas["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_owned(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut expected: Vec<(String, i64)> = SEED_000_AREAS
        .iter()
        .map(|(a, n)| (canonical(a).to_owned(), *n))
        .collect();
    expected.iter_mut().find(|e| e.0 == "Siena").unwrap().1 += 1;
    assert_eq!(got, expected);
    let years = cells(&libretti["byIssueYear"]);
    assert_eq!(years.len(), 8, "2011-2018: {years:?}");
    assert_eq!(
        cells(&libretti["byStatus"])["CONSOLIDATED"],
        56_388,
        "cancelled not counted"
    );
    assert_eq!(cells(&libretti["citizensByGender"])["M"], MEN as i64);
    let bands = cells(&libretti["citizensByAgeBand"]);
    assert_eq!(
        bands.keys().cloned().collect::<Vec<_>>(),
        ["FROM_31_TO_45", "FROM_46_TO_55", "OVER_55", "UP_TO_30"]
    );
    // the one line in 50 with sections 1 and 2 (the cancelled one not counted)
    let with_sections = (0..56_389usize).filter(|i| i.is_multiple_of(50)).count() as i64;
    assert_eq!(
        cells(&libretti["experiencesByOrigin"])["SELF_DECLARED"],
        with_sections
    );
    assert_eq!(
        cells(&libretti["evidencesByCategory"])["OTHER"],
        with_sections
    );
    // a cell of 1 is withheld from `reporting`
    let small = libretti["byOffice"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "CPI-SI-09")
        .unwrap()
        .clone();
    assert_eq!(small["count"], Value::Null, "{small}");
    assert_eq!(small["suppressed"], true);
    body
}

/// Seed 003's table, the users by birthplace and the totals, from the same answer.
fn the_statistics_reproduce_seed_003(body: &Value) {
    // seed 003's table
    let ivc = &body["data"]["statistics"]["ivc"];
    let dossiers = cells(&ivc["dossiersByYear"]);
    let attestati = cells(&ivc["attestatiByYear"]);
    for (year, d, a) in SEED_003_YEARS {
        assert_eq!(dossiers[&year.to_string()], d, "{year}");
        assert_eq!(attestati[&year.to_string()], a, "{year}");
    }
    assert_eq!(ivc["dossiersByYear"]["total"], 1_391);
    assert_eq!(ivc["attestatiByYear"]["total"], 1_091);
    assert_eq!(cells(&ivc["outcomes"])["DOSSIER_AND_ATTESTATO"], 1_091);
    // by request date the years shift: one in ten of each year's dossiers was asked for
    // the December before
    let requests = cells(&ivc["requestsByYear"]);
    let asked: Vec<i64> = ["2021", "2022", "2023", "2024", "2025"]
        .iter()
        .map(|y| requests[*y].as_i64().unwrap())
        .collect();
    assert_eq!(
        asked,
        [15, 141 - 15 + 39, 389 - 39 + 50, 492 - 50 + 37, 369 - 37]
    );
    // seed 003's shares of the dossiers released: dossier only 21 %, + attestato 79 %
    let shares: BTreeMap<&str, (&Value, &Value)> = ivc["outcomeShares"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["key"].as_str().unwrap(), (&c["count"], &c["share"])))
        .collect();
    assert_eq!(shares["DOSSIER_ONLY"], (&json!(300), &json!(0.2157)));
    assert_eq!(shares["WITH_ATTESTATO"], (&json!(1_091), &json!(0.7843)));
    assert_eq!(ivc["outcomeShares"]["total"], 1_391);
    // the birthplaces the lines were given, against what the stored fiscal codes tell
    let mut born = BTreeMap::<&str, i64>::new();
    for i in 0..1_391 {
        let origin = match ivc_birth_place(i) {
            "L219" => "SAME_REGION",
            "Z129" => "ABROAD",
            _ => "OTHER_REGION",
        };
        *born.entry(origin).or_default() += 1;
    }
    let origins = cells(&ivc["usersByOrigin"]);
    assert_eq!(origins.len(), 3, "{origins:?}");
    for (origin, n) in &born {
        assert_eq!(origins[*origin], *n, "{origin}");
    }
    assert_eq!(
        (born["SAME_REGION"], born["ABROAD"], born["OTHER_REGION"]),
        (700, 546, 145),
        "50/39/11 % of 1,391"
    );
    assert_eq!(ivc["totals"]["hours"], 1_391.0 * 10.0);
    assert_eq!(ivc["totals"]["costEur"], 1_391.0 * 400.0);
}

/// An administrator sees the small cell.
async fn admin_sees_the_small_cell(app: &TestApp) {
    // admin sees the small cell
    let admin = app.token(Role::Admin, None);
    let (_, body) = app
        .post(
            Some(&admin),
            &format!("{{ statistics {{ libretti(filter: {{ office: \"CPI-SI-09\" }}) {{ byArea {{ {CELL} }} }} }} }}"),
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["statistics"]["libretti"]["byArea"]["cells"][0]["count"], 1,
        "{body}"
    );
}

/// The same reports as CSV, with the same filters, roles and suppression.
async fn csv_reports_follow_the_same_rules(app: &TestApp) {
    let reporting = app.token(Role::Reporting, None);
    // the same reports as CSV, with the same filters, roles and suppression
    let get = async |token: Option<&str>, path: &str| {
        let mut request = app.client.get(app.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        (status, kind, response.text().await.unwrap())
    };
    let (status, kind, csv) = get(Some(&reporting), "/reports/libretti-by-area.csv").await;
    assert_eq!(status, 200, "{csv}");
    assert_eq!(kind.as_deref(), Some("text/csv; charset=utf-8"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "key,label,count,suppressed");
    assert_eq!(lines[1], "Arezzo,,10930,false");
    assert!(lines.contains(&"Massa-Carrara,,2196,false"), "{csv}");
    assert_eq!(*lines.last().unwrap(), "TOTAL,,56388,false");
    let (_, _, csv) = get(Some(&reporting), "/reports/libretti-by-office.csv").await;
    assert!(csv.lines().any(|l| l == "CPI-SI-09,,,true"), "{csv}");
    let (_, _, csv) = get(
        Some(&reporting),
        "/reports/ivc-attestati-by-year.csv?program=IVC%20PLUS",
    )
    .await;
    assert!(csv.lines().any(|l| l == "2024,,380,false"), "{csv}");
    let (status, _, body) = get(
        Some(&reporting),
        "/reports/libretti-by-area.csv?issuedFrom=2011-13-01",
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("issuedFrom"), "{body}");
    let (status, _, body) = get(
        Some(&reporting),
        "/reports/libretti-by-area.csv?province=FI",
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("province: unknown filter"), "{body}");
    assert_eq!(get(Some(&reporting), "/reports/nothing.csv").await.0, 404);
    assert_eq!(
        get(Some(&app.operator()), "/reports/libretti-by-area.csv")
            .await
            .0,
        403
    );
    assert_eq!(get(None, "/reports/libretti-by-area.csv").await.0, 401);
}

/// Aggregates only: a reporting token reads no personal data; operators no statistics.
async fn aggregates_only(app: &TestApp) {
    let reporting = app.token(Role::Reporting, None);
    // aggregates only: a reporting token reads no personal data; operators no statistics
    let (_, body) = app
        .post(
            Some(&reporting),
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { fiscalCode } }",
            json!({ "cf": MARIO }),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    let (_, body) = app
        .post(
            Some(&app.operator()),
            "{ statistics { libretti { byArea { total } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
}

#[tokio::test]
async fn reporting_reproduces_the_seeds_sqlite() {
    reproduces_the_seeds("reporting_seeds_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn reporting_reproduces_the_seeds_postgres() {
    reproduces_the_seeds("reporting_seeds_postgres", Engine::Postgres).await;
}

/// A libretto skipped by the import (its number, or its citizen's active libretto, already
/// there) brings none of its experiences or evidences; text goes through as written, quotes,
/// commas, line breaks and empty strings included (PostgreSQL's COPY path encodes it as CSV).
async fn import_keeps_children_only_with_their_libretto(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let other = crate::fixtures::anna();
    let awkward = "Hotel \"Bella\", Pisa\nsede legale";
    let lines = [
        json!({ "number": "LFC-1", "fiscalCode": MARIO, "area": "Pisa", "issuedOn": "2015-01-10",
                "experiences": [{ "kind": "WORK", "origin": "REGIONAL_DB", "organisation": "Alfa" },
                                { "kind": "TRAINING", "origin": "SELF_DECLARED", "organisation": "Beta" }],
                "evidences": [{ "category": "OTHER", "title": "Dichiarazione" }] }),
        // the same citizen's second active libretto: skipped, with its experience
        json!({ "number": "LFC-2", "fiscalCode": MARIO, "area": "Pisa", "issuedOn": "2016-01-10",
                "experiences": [{ "kind": "WORK", "origin": "REGIONAL_DB", "organisation": "Gamma" }] }),
        // a number already taken: skipped, with its evidences
        json!({ "number": "LFC-1", "fiscalCode": other.as_str(), "area": "Lucca", "issuedOn": "2017-01-10",
                "evidences": [{ "category": "OTHER", "title": "Delta" }, { "category": "OTHER", "title": "Epsilon" }] }),
        json!({ "number": "LFC-3", "fiscalCode": other.as_str(), "area": "Lucca", "issuedOn": "2017-01-10",
                "experiences": [{ "kind": "WORK", "origin": "SELF_DECLARED", "organisation": awkward, "title": "" }] }),
    ];
    let text = lines.map(|l| l.to_string()).join("\n");
    let import = async || {
        fascicolo::import::libretti(
            app.state.store.db(),
            &app.state.reference,
            "TOS",
            std::io::BufRead::lines(std::io::Cursor::new(text.as_bytes())),
            |_| {},
        )
        .await
        .unwrap()
    };
    let first = import().await;
    assert_eq!((first.imported, first.already_present), (2, 2), "{first:?}");
    let query = "query($codes: [FiscalCode!]!) { citizens(fiscalCodes: $codes) { libretto { \
                 number experiences { organisation title } evidences { title } } } }";
    let read = async || {
        app.query(query, json!({ "codes": [MARIO, other.as_str()] }))
            .await
    };
    let body = read().await;
    let citizens = &body["data"]["citizens"];
    assert_eq!(citizens[0]["libretto"]["number"], "LFC-1", "{body}");
    let organisations: Vec<&str> = citizens[0]["libretto"]["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["organisation"].as_str().unwrap())
        .collect();
    assert_eq!(organisations, ["Alfa", "Beta"], "{body}");
    assert_eq!(
        citizens[0]["libretto"]["evidences"],
        json!([{ "title": "Dichiarazione" }])
    );
    assert_eq!(citizens[1]["libretto"]["number"], "LFC-3", "{body}");
    assert_eq!(
        citizens[1]["libretto"]["experiences"],
        json!([{ "organisation": awkward, "title": "" }])
    );
    assert_eq!(citizens[1]["libretto"]["evidences"], json!([]));
    let again = import().await;
    assert_eq!((again.imported, again.already_present), (0, 4), "{again:?}");
    assert_eq!(read().await, body);
    app.stop().await;
}

#[tokio::test]
async fn import_keeps_children_only_with_their_libretto_sqlite() {
    import_keeps_children_only_with_their_libretto("import_children_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn import_keeps_children_only_with_their_libretto_postgres() {
    import_keeps_children_only_with_their_libretto("import_children_postgres", Engine::Postgres)
        .await;
}
