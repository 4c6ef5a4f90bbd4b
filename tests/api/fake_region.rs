//! A regional JSON service per docs/http-source.md on 127.0.0.1:0, serving the contract from
//! memory: healthy, failing, slow or off-contract on demand, counting the calls it gets.

use crate::fixtures::{self, MARIO, anna};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fascicolo::domain::FiscalCode;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) const TOKEN: &str = "region-service-token";

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
    pub(crate) gzip: bool,
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

pub(crate) fn alberto() -> FiscalCode {
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
