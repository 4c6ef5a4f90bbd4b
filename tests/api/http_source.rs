//! Sources that are services or that misbehave: an `http` source (a fake regional service on
//! 127.0.0.1:0 serving the contract from memory) merged with a SQL source, its failures, and
//! the circuit breaker of both kinds.

use crate::fixtures::{self, MARIO, anna, luca, nobody};
use crate::helpers::{SourceSpec, spawn_app_with};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fascicolo::config::{Config, SourceConfig};
use fascicolo::domain::FiscalCode;
use fascicolo::sources::check::{ContractProblem, SourceCheck, check_source};
use fascicolo::sources::circuit::CircuitState;
use fascicolo::testing::Engine;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN: &str = "region-service-token";

/// How the fake service answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Healthy,
    Status(u16),
    /// 200 with a body that is not JSON.
    NotJson,
    /// 200 with rows carrying a field outside the contract.
    UnknownField,
    /// Healthy, after this many milliseconds.
    Slow(u64),
}

/// One call the fake received.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) endpoint: String,
    pub(crate) codes: Vec<String>,
    gzip: bool,
}

struct Region {
    persons: Vec<Value>,
    employments: Vec<Value>,
    trainings: Vec<Value>,
    mode: Mutex<Mode>,
    calls: Mutex<Vec<Call>>,
}

/// A regional JSON service per docs/http-source.md, on 127.0.0.1:0.
pub(crate) struct FakeRegion {
    url: String,
    region: Arc<Region>,
}

impl FakeRegion {
    async fn start(persons: Vec<Value>, employments: Vec<Value>, trainings: Vec<Value>) -> Self {
        let region = Arc::new(Region {
            persons,
            employments,
            trainings,
            mode: Mutex::new(Mode::Healthy),
            calls: Mutex::default(),
        });
        let router = axum::Router::new()
            .route("/api/{endpoint}", axum::routing::post(serve))
            .with_state(region.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        FakeRegion { url, region }
    }

    pub(crate) fn set(&self, mode: Mode) {
        *self.region.mode.lock().unwrap() = mode;
    }

    pub(crate) fn calls(&self) -> Vec<Call> {
        self.region.calls.lock().unwrap().clone()
    }

    /// The `[[sources]]` block of this service.
    pub(crate) fn toml(&self, name: &str, extra: &str) -> String {
        format!(
            "[[sources]]\nname = \"{name}\"\nkind = \"http\"\nurl = \"{}\"\ntoken = \"{TOKEN}\"\n\
             timeout_ms = 3000\n{extra}",
            self.url
        )
    }
}

async fn serve(
    State(region): State<Arc<Region>>,
    Path(endpoint): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let codes: Vec<String> = body["fiscalCodes"]
        .as_array()
        .map(|a| a.iter().map(|c| c.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("gzip"));
    region.calls.lock().unwrap().push(Call {
        endpoint: endpoint.clone(),
        codes: codes.clone(),
        gzip,
    });
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {TOKEN}"));
    if !authorized {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mode = *region.mode.lock().unwrap();
    if let Mode::Slow(ms) = mode {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    match mode {
        Mode::Status(status) => {
            return (StatusCode::from_u16(status).unwrap(), "service down").into_response();
        }
        Mode::NotJson => {
            return (
                [(header::CONTENT_TYPE, "application/json")],
                "<html>maintenance</html>",
            )
                .into_response();
        }
        Mode::Healthy | Mode::UnknownField | Mode::Slow(_) => {}
    }
    let mut rows: Vec<Value> = match endpoint.as_str() {
        "persons" | "employments" | "trainings" => {
            let table = match endpoint.as_str() {
                "persons" => &region.persons,
                "employments" => &region.employments,
                _ => &region.trainings,
            };
            table
                .iter()
                .filter(|r| codes.iter().any(|c| r["fiscalCode"] == c.as_str()))
                .cloned()
                .collect()
        }
        "search" => search(&region.persons, &body),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if mode == Mode::UnknownField {
        for row in &mut rows {
            row["nickname"] = json!("Mariolino");
        }
    }
    Json(json!({ "rows": rows })).into_response()
}

/// The search of docs/http-source.md: uppercase prefixes, (family, given, code) order,
/// strictly after the cursor, at most `limit`.
fn search(persons: &[Value], body: &Value) -> Vec<Value> {
    let key = |p: &Value| {
        (
            p["familyName"].as_str().unwrap_or("").to_uppercase(),
            p["givenName"].as_str().unwrap_or("").to_uppercase(),
            p["fiscalCode"].as_str().unwrap().to_owned(),
        )
    };
    let prefix = |field: &str, criterion: &str, p: &Value| match body[criterion].as_str() {
        None => true,
        Some(prefix) => p[field]
            .as_str()
            .unwrap_or("")
            .to_uppercase()
            .starts_with(prefix),
    };
    let equal = |field: &str, criterion: &str, p: &Value| {
        body[criterion].is_null() || p[field] == body[criterion]
    };
    let after = body["after"].as_object().map(|a| {
        (
            a["familyName"].as_str().unwrap().to_owned(),
            a["givenName"].as_str().unwrap().to_owned(),
            a["fiscalCode"].as_str().unwrap().to_owned(),
        )
    });
    let mut hits: Vec<&Value> = persons
        .iter()
        .filter(|p| {
            prefix("familyName", "familyNamePrefix", p)
                && prefix("givenName", "givenNamePrefix", p)
                && equal("birthDate", "birthDate", p)
                && equal("residenceProvince", "province", p)
                && after.as_ref().is_none_or(|a| key(p) > *a)
        })
        .collect();
    hits.sort_by_key(|p| key(p));
    hits.truncate(body["limit"].as_u64().unwrap() as usize);
    hits.into_iter().cloned().collect()
}

fn alberto() -> FiscalCode {
    fixtures::code("Rossi", "Alberto", "1992-08-08", false, "G702")
}

/// The service's rows: Mario updated last here (new e-mail, moved to Lucca, no phone), Anna
/// and Alberto known only here.
fn region_rows() -> (Vec<Value>, Vec<Value>, Vec<Value>) {
    let person = |code: &str, family: &str, given: &str, updated: &str| {
        json!({
            "fiscalCode": code, "givenName": given, "familyName": family,
            "birthDate": "1985-12-10", "birthPlaceCode": &code[11..15], "gender": "M",
            "citizenship": "IT", "residenceMunicipality": "046017", "residenceProvince": "LU",
            "email": null, "phone": null, "cpiCode": "CPI-LU-01", "didDate": null,
            "updatedAt": updated,
        })
    };
    let mut mario = person(MARIO, "ROSSI", "MARIO", "2026-02-01T08:00:00");
    mario["email"] = json!("mario.rossi@sil.example.it");
    // nullable fields may be left out
    let mut anna_row = person(anna().as_str(), "BIANCHI", "ANNA", "2021-01-01T00:00:00Z");
    anna_row.as_object_mut().unwrap().remove("didDate");
    anna_row["gender"] = json!("F");
    let persons = vec![
        mario,
        anna_row,
        person(
            alberto().as_str(),
            "Rossi",
            "Alberto",
            "2022-02-02T00:00:00",
        ),
    ];
    let employments = vec![
        json!({
            "id": 501, "fiscalCode": MARIO, "employerTaxCode": "09876543210",
            "employerName": "Epsilon Srl", "startDate": "2020-09-01", "endDate": null,
            "contractType": "A.01.00", "occupationCode": "5.1.2.2.0", "sectorCode": "47.11.10",
            "weeklyHours": 20.5, "workplaceMunicipality": "046017",
        }),
        json!({
            "id": 502, "fiscalCode": anna().as_str(), "employerTaxCode": null,
            "employerName": "Zeta Spa", "startDate": "2015-01-01", "endDate": "2015-12-31",
            "contractType": "A.02.00", "occupationCode": null, "sectorCode": null,
            "weeklyHours": 40, "workplaceMunicipality": null,
        }),
    ];
    let trainings = vec![json!({
        "id": 601, "fiscalCode": MARIO, "kind": "vocational", "title": "Corso sicurezza",
        "providerName": "Ente Lucca", "startDate": "2021-03-01", "endDate": "2021-03-31",
        "hours": 16, "outcome": "completed", "qualificationCode": null, "eqfLevel": null,
    })];
    (persons, employments, trainings)
}

pub(crate) async fn fake_region() -> FakeRegion {
    let (persons, employments, trainings) = region_rows();
    FakeRegion::start(persons, employments, trainings).await
}

fn lavoro_sqlite() -> Vec<SourceSpec> {
    vec![SourceSpec {
        name: "lavoro",
        engine: Engine::Sqlite,
        data: fixtures::lavoro(),
    }]
}

pub(crate) const PROFILE: &str = r#"
query($cf: FiscalCode!) {
  citizen(fiscalCode: $cf) {
    person {
      email phone residenceProvince
      sources { source fiscalCode updatedAt }
      provenance { field source }
    }
    employments { source sourceRowId employerName startDate endDate weeklyHours }
    trainings { source sourceRowId title hours outcome }
  }
}"#;

const PROFILES: &str = r#"
query($cfs: [FiscalCode!]!) {
  citizens(fiscalCodes: $cfs) {
    fiscalCode
    person { familyName sources { source } }
    employments { source employerName }
    trainings { source title }
  }
}"#;

fn provenance(person: &Value, field: &str) -> String {
    person["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["field"] == field)
        .map(|p| p["source"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn pairs(list: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| (x[a].as_str().unwrap().into(), x[b].as_str().unwrap().into()))
        .collect()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// The source errors of a response: (source, reason).
pub(crate) fn source_errors(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    assert_eq!(e["extensions"]["code"], "SOURCE_UNAVAILABLE", "{body}");
                    (
                        e["extensions"]["source"].as_str().unwrap().to_owned(),
                        e["extensions"]["reason"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
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
        owned(&[
            ("sil-http", "2026-02-01T08:00:00"),
            ("lavoro", "2024-01-15T10:00:00")
        ])
    );
    let employments = &citizen["employments"];
    assert_eq!(
        pairs(employments, "source", "employerName"),
        owned(&[
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
        owned(&[
            ("sil-http", "Corso sicurezza"),
            ("lavoro", "Tirocinio magazzino")
        ])
    );
    assert_eq!(citizen["trainings"][0]["hours"], 16);
    assert_eq!(citizen["trainings"][0]["outcome"], "completed");

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
    app.stop().await;
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

#[tokio::test]
async fn http_circuit_opens_after_the_threshold_and_a_probe_closes_it() {
    const COOL_DOWN: Duration = Duration::from_millis(1000);
    let region = fake_region().await;
    let Some(app) = spawn_app_with(
        "http_circuit",
        Engine::Sqlite,
        lavoro_sqlite(),
        &[],
        &region.toml(
            "sil-http",
            &format!(
                "failure_threshold = 3\ncool_down_ms = {}\n",
                COOL_DOWN.as_millis()
            ),
        ),
    )
    .await
    else {
        return;
    };
    let source = app.state.registry.sources()[1].clone();
    assert_eq!(&*source.name, "sil-http");
    region.set(Mode::Status(500));
    // one lookup a request (its three views at once): three failed requests, the threshold
    for failures in 1..=3 {
        let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
        assert_eq!(source_errors(&body), owned(&[("sil-http", "error")]));
        assert_eq!(source.circuit().consecutive_failures(), failures);
    }
    assert_eq!(source.circuit_state(), CircuitState::Open);

    // while open: no call at all, the error says why, the SQL source still answers
    let calls = region.calls().len();
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(source_errors(&body), owned(&[("sil-http", "circuit_open")]));
    assert_eq!(
        body["data"]["citizen"]["employments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let body = app
        .query(
            "{ sources { name state lastError circuit consecutiveFailures failureThreshold coolDownMs } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["sources"][1],
        json!({ "name": "sil-http", "state": "DOWN", "lastError": "error",
                "circuit": "OPEN", "consecutiveFailures": 3, "failureThreshold": 3,
                "coolDownMs": 1000 })
    );
    let ready: Value = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["sources"][1]["circuit"], "open", "{ready}");
    assert_eq!(ready["sources"][1]["consecutiveFailures"], 3, "{ready}");
    assert_eq!(
        region.calls().len(),
        calls,
        "neither the query, nor `sources`, nor /readyz called the source"
    );

    // after the cool-down one probe goes through; failing, it opens the circuit again
    tokio::time::sleep(COOL_DOWN + Duration::from_millis(200)).await;
    assert_eq!(source.circuit_state(), CircuitState::HalfOpen);
    let person = r#"query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { email } } }"#;
    let body = app.query(person, json!({ "cf": MARIO })).await;
    assert_eq!(source_errors(&body), owned(&[("sil-http", "error")]));
    assert_eq!(region.calls().len(), calls + 1, "one probe");
    let body = app.query(person, json!({ "cf": MARIO })).await;
    assert_eq!(source_errors(&body), owned(&[("sil-http", "circuit_open")]));
    assert_eq!(region.calls().len(), calls + 1);

    // healthy again: after the next cool-down the probe succeeds and closes the circuit
    region.set(Mode::Healthy);
    tokio::time::sleep(COOL_DOWN + Duration::from_millis(200)).await;
    let body = app.query(person, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        body["data"]["citizen"]["person"]["email"],
        "mario.rossi@sil.example.it"
    );
    assert_eq!(source.circuit_state(), CircuitState::Closed);
    assert_eq!(source.circuit().consecutive_failures(), 0);
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        body["data"]["citizen"]["employments"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    app.stop().await;
}

/// The same breaker guards a SQL source: here a SQLite database whose file is damaged after
/// start-up, so every statement fails (and is counted) until the file is restored.
#[tokio::test]
async fn sql_circuit_skips_a_failing_database_until_a_probe_succeeds() {
    const COOL_DOWN: Duration = Duration::from_millis(1000);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("formazione.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    let db = sea_orm::Database::connect(&url).await.unwrap();
    fascicolo::sources::demo::create_schema(&db).await.unwrap();
    let data = fixtures::formazione();
    fascicolo::sources::demo::insert(&db, &data).await.unwrap();
    db.close().await.unwrap();
    let Some(app) = spawn_app_with(
        "sql_circuit",
        Engine::Sqlite,
        lavoro_sqlite(),
        &[],
        &format!(
            "[[sources]]\nname = \"vuoto\"\nkind = \"sql\"\nurl = \"{url}\"\ntimeout_ms = 3000\n\
             failure_threshold = 3\ncool_down_ms = {}\n",
            COOL_DOWN.as_millis()
        ),
    )
    .await
    else {
        return;
    };
    let intact = std::fs::read(&file).unwrap();
    std::fs::write(&file, vec![0x5a; intact.len()]).unwrap();
    // one statement a request, failing on the file (a fault of the source): the threshold
    for _ in 0..3 {
        let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
        assert_eq!(source_errors(&body), owned(&[("vuoto", "error")]), "{body}");
    }
    let statements = app.source_statements("vuoto");
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(source_errors(&body), owned(&[("vuoto", "circuit_open")]));
    assert_eq!(
        app.source_statements("vuoto"),
        statements,
        "no statement while open"
    );
    assert_eq!(body["data"]["citizen"]["person"]["phone"], "055 123456");

    // the DBA restores the file; after the cool-down the probe finds it
    std::fs::write(&file, &intact).unwrap();
    tokio::time::sleep(COOL_DOWN + Duration::from_millis(200)).await;
    let person = r#"query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { email } } }"#;
    let body = app.query(person, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        body["data"]["citizen"]["person"]["email"],
        "mario.rossi@new.example.it"
    );
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        body["data"]["citizen"]["trainings"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
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
    assert_eq!(errors, owned(&[("sil-http", "timeout")]), "{body}");
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

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// 32 clients ask for Mario's profile for a bounded time while the service flaps between
/// healthy, failing and slower than its deadline: every answer is 200 and either complete
/// (the service's rows in every view, no error) or marked partial (only the service's
/// SOURCE_UNAVAILABLE errors, every row of the SQL source present); memory stays flat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_clients_while_a_source_flaps() {
    let region = Arc::new(fake_region().await);
    let Some(app) = spawn_app_with(
        "http_source_flapping",
        Engine::Sqlite,
        lavoro_sqlite(),
        &[],
        &region
            .toml("sil-http", "failure_threshold = 3\ncool_down_ms = 150\n")
            .replace("timeout_ms = 3000", "timeout_ms = 250"),
    )
    .await
    else {
        return;
    };
    let app = Arc::new(app);
    // warm-up, so the baseline holds the pools and caches a steady server has
    for _ in 0..20 {
        app.query(PROFILE, json!({ "cf": MARIO })).await;
    }
    let before = resident_kib();
    let run_for = Duration::from_secs(if std::env::var_os("CI").is_some() {
        4
    } else {
        2
    });
    let started = std::time::Instant::now();
    let flapper = {
        let region = region.clone();
        tokio::spawn(async move {
            let modes = [
                Mode::Healthy,
                Mode::Status(503),
                Mode::Slow(600),
                Mode::Healthy,
            ];
            for i in 0.. {
                region.set(modes[i % modes.len()]);
                tokio::time::sleep(Duration::from_millis(120)).await;
                if started.elapsed() > run_for {
                    region.set(Mode::Healthy);
                    break;
                }
            }
        })
    };
    let clients = (0..32).map(|_| {
        let app = app.clone();
        tokio::spawn(async move {
            let token = app.operator();
            let (mut complete, mut partial, mut worst) = (0u32, 0u32, Duration::ZERO);
            while started.elapsed() < run_for {
                let asked = std::time::Instant::now();
                let (status, body) = app
                    .post(Some(&token), PROFILE, json!({ "cf": MARIO }))
                    .await;
                worst = worst.max(asked.elapsed());
                assert_eq!(status, 200, "{body}");
                let citizen = &body["data"]["citizen"];
                // the SQL source's rows are always there
                assert_eq!(citizen["person"]["phone"], "055 123456", "{body}");
                let employments = citizen["employments"].as_array().unwrap();
                let from_service = |list: &[Value]| list.iter().any(|e| e["source"] == "sil-http");
                assert_eq!(
                    employments
                        .iter()
                        .filter(|e| e["source"] == "lavoro")
                        .count(),
                    3,
                    "{body}"
                );
                let errors = source_errors(&body);
                if errors.is_empty() {
                    let sources = citizen["person"]["sources"].as_array().unwrap();
                    assert!(
                        from_service(sources),
                        "complete without the service: {body}"
                    );
                    assert!(
                        from_service(employments),
                        "complete without its rows: {body}"
                    );
                    complete += 1;
                } else {
                    for (source, reason) in &errors {
                        assert_eq!(source, "sil-http", "{body}");
                        assert!(
                            reason == "timeout" || reason == "circuit_open" || reason == "error",
                            "{body}"
                        );
                    }
                    partial += 1;
                }
            }
            (complete, partial, worst)
        })
    });
    let mut totals = (0u32, 0u32, Duration::ZERO);
    for client in futures::future::join_all(clients).await {
        let (complete, partial, worst) = client.expect("a client panicked");
        totals = (totals.0 + complete, totals.1 + partial, totals.2.max(worst));
    }
    flapper.await.unwrap();
    let after = resident_kib();
    eprintln!(
        "flapping source: {} requests ({} complete, {} partial), worst {:?}, RSS {} → {} KiB",
        totals.0 + totals.1,
        totals.0,
        totals.1,
        totals.2,
        before,
        after
    );
    assert!(
        totals.0 > 0 && totals.1 > 0,
        "both outcomes seen: {totals:?}"
    );
    // the deadline (250 ms) bounds every answer; the margin is for 2 loaded cores
    assert!(totals.2 < Duration::from_secs(3), "worst {:?}", totals.2);
    assert!(
        after < before + 64 * 1024,
        "memory grew from {before} to {after} KiB"
    );
    match Arc::try_unwrap(app) {
        Ok(app) => app.stop().await,
        Err(_) => panic!("a client still holds the app"),
    }
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
        owned(&[("sil-http", "error")]),
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
