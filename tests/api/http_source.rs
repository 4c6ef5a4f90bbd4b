//! An `http` source (the fake regional service of `fake_region`) merged with a SQL source:
//! one call per view, its failures costing only its own fields, its deadline, `check-sources`
//! over every endpoint, and consolidation while it fails.

use crate::fake_region::{FakeRegion, Mode, PROFILE, TOKEN, alberto, fake_region};
use crate::fixtures::{MARIO, anna, lavoro_sqlite, luca, nobody};
use crate::helpers::{TestApp, provenance, source_errors, spawn_app_with, string_pairs};
use fascicolo::config::{Config, SourceConfig};
use fascicolo::domain::FiscalCode;
use fascicolo::sources::check::{ContractProblem, SourceCheck, check_source};
use fascicolo::testing::Engine;
use serde_json::{Value, json};
use std::time::Duration;

const PROFILES: &str = r#"
query($cfs: [FiscalCode!]!) {
  citizens(fiscalCodes: $cfs) {
    fiscalCode
    person { familyName sources { source } }
    employments { source employerName }
    trainings { source title }
  }
}"#;

fn pairs(list: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| (x[a].as_str().unwrap().into(), x[b].as_str().unwrap().into()))
        .collect()
}

#[tokio::test]
async fn http_source_merges_with_a_sql_source_one_call_per_view() {
    let region = fake_region().await;
    let Some(app) = spawn_app_with(
        "http_source_merges",
        Engine::Sqlite,
        lavoro_sqlite(),
        &[],
        &region.toml("sil-http", ""),
    )
    .await
    else {
        return;
    };
    the_newest_row_wins_and_views_are_unions(&app).await;
    one_call_per_view_whatever_n(&app, &region).await;
    search_merges_in_name_order(&app).await;
    the_service_is_listed_up(&app).await;
    app.stop().await;
}

/// Mario's profile: the service's newer row wins, the SQL source fills the gaps, the
/// views are the union of both.
async fn the_newest_row_wins_and_views_are_unions(app: &TestApp) {
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let citizen = &body["data"]["citizen"];
    let person = &citizen["person"];
    // the service's row is the newest: its fields win, the SQL source fills the gaps
    assert_eq!(person["email"], "mario.rossi@sil.example.it");
    assert_eq!(provenance(person, "email"), "sil-http");
    assert_eq!(person["residenceProvince"], "LU");
    assert_eq!(person["phone"], "055 123456");
    assert_eq!(provenance(person, "phone"), "lavoro");
    assert_eq!(
        pairs(&person["sources"], "source", "updatedAt"),
        string_pairs(&[
            ("sil-http", "2026-02-01T08:00:00"),
            ("lavoro", "2024-01-15T10:00:00")
        ])
    );
    let employments = &citizen["employments"];
    assert_eq!(
        pairs(employments, "source", "employerName"),
        string_pairs(&[
            ("sil-http", "Epsilon Srl"),
            ("lavoro", "Beta Srl"),
            ("lavoro", "Delta Snc"),
            ("lavoro", "Cooperativa Alfa"),
        ]),
        "the union of both sources, newest first"
    );
    assert_eq!(employments[0]["sourceRowId"], "501");
    assert_eq!(employments[0]["startDate"], "2020-09-01");
    assert_eq!(employments[0]["endDate"], Value::Null);
    assert_eq!(employments[0]["weeklyHours"], 20.5);
    assert_eq!(
        pairs(&citizen["trainings"], "source", "title"),
        string_pairs(&[
            ("sil-http", "Corso sicurezza"),
            ("lavoro", "Tirocinio magazzino")
        ])
    );
    assert_eq!(citizen["trainings"][0]["hours"], 16);
    assert_eq!(citizen["trainings"][0]["outcome"], "completed");
}

/// N citizens cost the service one call per view, whatever N.
async fn one_call_per_view_whatever_n(app: &TestApp, region: &FakeRegion) {
    // N citizens cost the service one call per view, whatever N
    let codes = [
        MARIO.to_owned(),
        anna().as_str().to_owned(),
        luca().as_str().to_owned(),
        nobody().as_str().to_owned(),
        alberto().as_str().to_owned(),
    ];
    for n in [1, 2, 5] {
        let before = region.calls().len();
        let counted_before = app.source_statements("sil-http");
        let body = app.query(PROFILES, json!({ "cfs": &codes[..n] })).await;
        assert_eq!(body.get("errors"), None, "{body}");
        assert_eq!(body["data"]["citizens"].as_array().unwrap().len(), n);
        let calls = region.calls()[before..].to_vec();
        let mut endpoints: Vec<&str> = calls.iter().map(|c| c.endpoint.as_str()).collect();
        endpoints.sort_unstable();
        assert_eq!(
            endpoints,
            ["employments", "persons", "trainings"],
            "N={n}: one call per view"
        );
        assert_eq!(app.source_statements("sil-http") - counted_before, 3);
        // one key per citizen, exactly the code asked (an omocode variant is someone else)
        let persons = calls.iter().find(|c| c.endpoint == "persons").unwrap();
        let mut asked = persons.codes.clone();
        asked.sort();
        let mut wanted: Vec<String> = codes[..n]
            .iter()
            .map(|c| FiscalCode::parse(c).unwrap().as_str().to_owned())
            .collect();
        wanted.sort();
        wanted.dedup();
        assert_eq!(asked, wanted, "N={n}: one key per citizen");
        assert!(calls.iter().all(|c| c.gzip), "gzip accepted");
    }
    let body = app.query(PROFILES, json!({ "cfs": &codes })).await;
    let list = &body["data"]["citizens"];
    assert_eq!(list[1]["person"]["familyName"], "BIANCHI");
    assert_eq!(
        list[1]["person"]["sources"],
        json!([{ "source": "sil-http" }])
    );
    assert_eq!(list[1]["employments"][0]["employerName"], "Zeta Spa");
    assert_eq!(list[3], Value::Null, "nobody knows this citizen");
}

/// Search merges the service's people with the database's, in name order.
async fn search_merges_in_name_order(app: &TestApp) {
    // search merges the service's people with the database's, in name order
    let search = r#"query($family: String, $after: String) {
      searchCitizens(familyName: $family, first: 2, after: $after) {
        edges { node { person { familyName givenName sources { source } } } }
        pageInfo { hasNextPage endCursor }
      } }"#;
    let body = app.query(search, json!({ "family": "rossi" })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let page = &body["data"]["searchCitizens"];
    let names = |page: &Value| -> Vec<String> {
        page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e["node"]["person"]["familyName"].as_str().unwrap(),
                    e["node"]["person"]["givenName"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(names(page), ["Rossi Alberto", "ROSSI GIULIA"]);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let after = page["pageInfo"]["endCursor"].clone();
    let body = app
        .query(search, json!({ "family": "rossi", "after": after }))
        .await;
    let page = &body["data"]["searchCitizens"];
    assert_eq!(names(page), ["ROSSI MARIO"]);
    assert_eq!(
        page["edges"][0]["node"]["person"]["sources"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(page["pageInfo"]["hasNextPage"], false);
}

/// The service is listed among the sources, up, its circuit closed.
async fn the_service_is_listed_up(app: &TestApp) {
    let body = app
        .query(
            "{ sources { name kind engine state circuit consecutiveFailures } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["sources"][1],
        json!({ "name": "sil-http", "kind": "http", "engine": "http", "state": "UP",
                "circuit": "CLOSED", "consecutiveFailures": 0 })
    );
}

#[tokio::test]
async fn a_failing_http_source_costs_only_its_own_fields() {
    let region = fake_region().await;
    let Some(app) = spawn_app_with(
        "http_source_failures",
        Engine::Sqlite,
        lavoro_sqlite(),
        &[],
        // a high threshold: this test is about each failure, not the circuit
        &region.toml("sil-http", "failure_threshold = 100\n"),
    )
    .await
    else {
        return;
    };
    for (mode, expected) in [
        (Mode::Status(500), "error"),
        (Mode::Status(503), "error"),
        (Mode::NotJson, "contract"),
        (Mode::UnknownField, "contract"),
    ] {
        region.set(mode);
        let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
        let citizen = &body["data"]["citizen"];
        // the SQL source's data all arrives
        assert_eq!(citizen["person"]["email"], "mario.rossi@old.example.it");
        assert_eq!(citizen["person"]["phone"], "055 123456");
        assert_eq!(citizen["employments"].as_array().unwrap().len(), 3);
        assert_eq!(citizen["trainings"].as_array().unwrap().len(), 1);
        let errors = source_errors(&body);
        assert_eq!(
            errors.len(),
            1,
            "{mode:?}: one error for the source: {body}"
        );
        assert_eq!(errors[0].0, "sil-http");
        assert_eq!(errors[0].1, expected, "{mode:?}: reason {:?}", errors[0].1);
    }
    app.stop().await;
}

fn source_config(toml: &str) -> SourceConfig {
    let config = Config::from_toml(&format!(
        "[store]\nurl = \"sqlite::memory:\"\n[auth]\nhs256_secret = \"s\"\n{toml}"
    ))
    .unwrap();
    config.sources[0].clone()
}

#[tokio::test]
async fn check_sources_calls_every_endpoint_of_an_http_source() {
    let region = fake_region().await;
    let report = check_source(&source_config(&region.toml("sil-http", ""))).await;
    assert_eq!(report.outcome, SourceCheck::Conforms, "{report}");
    assert_eq!(
        report.to_string(),
        "✓ sil-http: /persons, /employments, /trainings, /search answer the contract\n"
    );
    let mut endpoints: Vec<String> = region.calls().into_iter().map(|c| c.endpoint).collect();
    endpoints.sort();
    endpoints.dedup();
    assert_eq!(endpoints, ["employments", "persons", "search", "trainings"]);

    region.set(Mode::UnknownField);
    let report = check_source(&source_config(&region.toml("sil-http", ""))).await;
    let SourceCheck::Problems(problems) = &report.outcome else {
        panic!("{report}");
    };
    assert!(
        problems.iter().any(|p| matches!(
            p,
            ContractProblem::Endpoint { endpoint, problem }
                if endpoint == "search" && problem.starts_with("row 1: unknown field `nickname`")
        )),
        "{report}"
    );
    assert!(
        report
            .to_string()
            .contains("    - POST /search: row 1: unknown field `nickname`"),
        "{report}"
    );

    // without its token the service refuses every call
    let no_token = region
        .toml("sil-http", "")
        .replace(&format!("token = \"{TOKEN}\"\n"), "");
    let report = check_source(&source_config(&no_token)).await;
    assert_eq!(
        report.outcome,
        SourceCheck::Problems(vec![ContractProblem::Endpoint {
            endpoint: "persons".into(),
            problem: "HTTP 401".into()
        }]),
        "{report}"
    );

    region.set(Mode::Status(404));
    let report = check_source(&source_config(&region.toml("sil-http", ""))).await;
    assert_eq!(
        report.outcome,
        SourceCheck::Problems(vec![ContractProblem::Endpoint {
            endpoint: "persons".into(),
            problem: "HTTP 404".into()
        }]),
        "{report}"
    );

    // nothing listens on port 1
    let report = check_source(&source_config(
        "[[sources]]\nname = \"spento\"\nkind = \"http\"\nurl = \"http://127.0.0.1:1/api\"\n",
    ))
    .await;
    assert!(
        matches!(&report.outcome, SourceCheck::Unreachable(_)),
        "{report}"
    );
    assert!(
        report
            .to_string()
            .starts_with("✗ spento: unreachable (http://127.0.0.1:1/api)"),
        "{report}"
    );
}

#[tokio::test]
async fn a_slow_source_costs_its_deadline_and_only_its_fields() {
    let region = fake_region().await;
    let Some(app) = spawn_app_with(
        "http_source_slow",
        Engine::Sqlite,
        lavoro_sqlite(),
        &[],
        &region
            .toml("sil-http", "failure_threshold = 100\n")
            .replace("timeout_ms = 3000", "timeout_ms = 300"),
    )
    .await
    else {
        return;
    };
    region.set(Mode::Slow(5_000));
    let started = std::time::Instant::now();
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    let took = started.elapsed();
    // the three views ask the source at once, each under the 300 ms deadline
    assert!(took < Duration::from_millis(1_500), "answered in {took:?}");
    let errors = source_errors(&body);
    assert_eq!(errors, string_pairs(&[("sil-http", "timeout")]), "{body}");
    let citizen = &body["data"]["citizen"];
    assert_eq!(citizen["person"]["phone"], "055 123456");
    assert_eq!(citizen["employments"].as_array().unwrap().len(), 3);
    // back within its deadline, the source's data returns
    region.set(Mode::Slow(50));
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert!(source_errors(&body).is_empty(), "{body}");
    assert_eq!(
        body["data"]["citizen"]["person"]["email"],
        "mario.rossi@sil.example.it"
    );
    app.stop().await;
}

/// Consolidating while one source fails keeps the person record taken when both answered,
/// instead of freezing what the other source alone says.
#[tokio::test]
async fn consolidating_while_a_source_fails_keeps_the_earlier_person_record() {
    let region = fake_region().await;
    let Some(app) = spawn_app_with(
        "http_source_consolidate",
        Engine::Sqlite,
        lavoro_sqlite(),
        &[],
        &region.toml("sil-http", "failure_threshold = 100\n"),
    )
    .await
    else {
        return;
    };
    let step = async |name: &str, input_type: &str, input: Value| {
        let body = app
            .query(
                &format!(
                    "mutation($input: {input_type}!) {{ {name}(input: $input) {{ id version }} }}"
                ),
                json!({ "input": input }),
            )
            .await;
        assert!(body["errors"].is_null(), "{name}: {body}");
        body["data"][name].clone()
    };
    let opened = step(
        "openLibretto",
        "OpenLibrettoInput",
        json!({ "fiscalCode": MARIO }),
    )
    .await;
    let compiling = step(
        "startLibrettoCompilation",
        "LibrettoStepInput",
        json!({ "id": opened["id"], "version": opened["version"] }),
    )
    .await;
    // section 2: one competence with its evidence, as consolidation asks
    let body = app
        .upload(
            "mutation($input: LibrettoEvidenceInput!) { addLibrettoEvidence(input: $input) { \
             id version evidences { id } } }",
            json!({ "input": { "librettoId": compiling["id"], "version": compiling["version"],
                    "category": "OTHER", "title": "Dichiarazione del datore di lavoro",
                    "file": null } }),
            "variables.input.file",
            None,
        )
        .await;
    let compiling = &body["data"]["addLibrettoEvidence"];
    assert!(compiling.is_object(), "{body}");
    let evidence = compiling["evidences"][0]["id"].clone();
    let compiling = step(
        "addLibrettoCompetence",
        "LibrettoCompetenceInput",
        json!({ "librettoId": compiling["id"], "version": compiling["version"],
                "type": "TECHNICAL_PROFESSIONAL", "context": "NON_FORMAL",
                "description": "Accogliere i clienti della struttura ricettiva",
                "evidenceIds": [evidence] }),
    )
    .await;
    region.set(Mode::Status(503));
    let body = app
        .query(
            "mutation($input: ConsolidateLibrettoInput!) { consolidateLibretto(input: $input) { id } }",
            json!({ "input": { "id": compiling["id"], "version": compiling["version"], "citizenSigned": true } }),
        )
        .await;
    assert_eq!(
        source_errors(&body),
        string_pairs(&[("sil-http", "error")]),
        "{body}"
    );
    let history = app
        .query(
            "query($id: ID!) { libretto(id: $id) { status versions { person { email sources } } } }",
            json!({ "id": opened["id"] }),
        )
        .await;
    let libretto = &history["data"]["libretto"];
    assert_eq!(libretto["status"], "CONSOLIDATED", "{history}");
    assert_eq!(
        libretto["versions"][0]["person"],
        json!({ "email": "mario.rossi@sil.example.it", "sources": ["sil-http", "lavoro"] }),
        "{history}"
    );
    app.stop().await;
}
