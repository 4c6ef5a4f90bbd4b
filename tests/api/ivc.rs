//! IVC dossiers through GraphQL only: the whole path with its documents, the 26-hour cap,
//! the rules (terzietà, transitions, eligibility, one path, the attestato's content), optimistic
//! concurrency under 50 writers, and batched reads — on SQLite and PostgreSQL stores.

use crate::fixtures::{self, MARIO, anna, code, nobody};
use crate::helpers::{
    SourceSpec, TestApp, date, error_codes, pdf, person, refuse_audit_writes, spawn_app,
};
use fascicolo::domain::FiscalCode;
use fascicolo::sources::demo::SourceData;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const DOSSIER: &str = "id version status outcome allowedTransitions fiscalCode requestedOn \
    hoursUsed hoursLeft maxHours costEur warnings \
    sessions { phase kind minutes operator operatorRole heldOn assessorEqfLevel \
      noConflictOfInterest } \
    competences { description sepSector sepSectorLabel adaCodes eqfLevel learningContext } \
    history { from to on by note } \
    transparencyDocument { kind releasedOn experiences librettoNumber \
      anagrafica { fiscalCode familyName birthDate } } \
    validation { result decidedOn } \
    attestato { number issuedOn publicBody authorisedProvider adaCodes \
      qualification { code name eqfLevel } learningModes assessmentModes anagrafica { familyName } } \
    certification { examSessionOn passed certificateNumber decidedOn } \
    closedOn closeReason evidences { id }";

/// 14 on the request dates used below: too young for IVC (seed 003: 15-64).
fn teenager() -> FiscalCode {
    code("Gialli", "Marco", "2012-06-01", false, "D612")
}

/// The fixture sources plus a registry that knows the teenager.
fn ivc_sources(engine: Engine) -> Vec<SourceSpec> {
    let mut all = fixtures::sources(engine, engine);
    let mut young = person(
        teenager().as_str(),
        "GIALLI",
        "MARCO",
        "2025-01-01 00:00:00",
    );
    young.birth_date = Some(date("2012-06-01"));
    all.push(SourceSpec {
        name: "anagrafe",
        engine,
        data: SourceData {
            persons: vec![young],
            ..SourceData::default()
        },
    });
    all
}

fn input_type(mutation: &str) -> &'static str {
    match mutation {
        "requestIvc" => "RequestIvcInput",
        "takeIvcInCharge" => "TakeIvcInChargeInput",
        "startIvcIdentification" | "startIvcValidation" => "StartIvcPhaseInput",
        "addIvcSession" => "AddIvcSessionInput",
        "addIvcCompetence" => "AddIvcCompetenceInput",
        "releaseIvcTransparencyDocument" => "ReleaseIvcTransparencyDocumentInput",
        "completeIvcValidation" => "CompleteIvcValidationInput",
        "startIvcCertification" => "StartIvcCertificationInput",
        "recordIvcCertification" => "RecordIvcCertificationInput",
        "closeIvcDossier" => "CloseIvcDossierInput",
        "withdrawIvcDossier" => "WithdrawIvcDossierInput",
        "addIvcEvidence" => "AddIvcEvidenceInput",
        other => panic!("unknown mutation {other}"),
    }
}

/// Runs a mutation; the whole body (data or errors).
async fn call(app: &TestApp, name: &str, input: Value) -> Value {
    let query = format!(
        "mutation($input: {}!) {{ {name}(input: $input) {{ {DOSSIER} }} }}",
        input_type(name)
    );
    app.query(&query, json!({ "input": input })).await
}

/// A step on `dossier` with the version it carries; must succeed; the changed dossier.
async fn step(app: &TestApp, dossier: &Value, name: &str, mut input: Value) -> Value {
    input["id"] = dossier["id"].clone();
    input["version"] = dossier["version"].clone();
    let body = call(app, name, input).await;
    assert!(body.get("errors").is_none(), "{name}: {body}");
    body["data"][name].clone()
}

/// The same step expected to fail: the first error.
async fn refused(app: &TestApp, dossier: &Value, name: &str, mut input: Value) -> Value {
    input["id"] = dossier["id"].clone();
    input["version"] = dossier["version"].clone();
    let body = call(app, name, input).await;
    assert!(body["data"].is_null(), "{name} should fail: {body}");
    body["errors"][0].clone()
}

async fn read(app: &TestApp, id: &Value) -> Value {
    let body = app
        .query(
            &format!("query($id: ID!) {{ ivcDossier(id: $id) {{ {DOSSIER} }} }}"),
            json!({ "id": id }),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["ivcDossier"].clone()
}

async fn request(app: &TestApp, fiscal_code: &str, on: &str) -> Value {
    let body = call(
        app,
        "requestIvc",
        json!({ "fiscalCode": fiscal_code, "requestedOn": on,
                "provider": "Agenzia formativa Alfa", "program": "IVC PLUS" }),
    )
    .await;
    assert!(body.get("errors").is_none(), "requestIvc: {body}");
    body["data"]["requestIvc"].clone()
}

/// A session; a CONTENT_EXPERT comes with the V22 declaration (EQF 6, no conflict of
/// interest), which the assessing phases require.
fn session(kind: &str, on: &str, minutes: i32, operator: &str, role: &str) -> Value {
    let mut s = json!({ "kind": kind, "heldOn": on, "minutes": minutes, "operator": operator,
            "operatorRole": role });
    if role == "CONTENT_EXPERT" {
        s["assessorEqfLevel"] = json!(6);
        s["noConflictOfInterest"] = json!(true);
    }
    s
}

fn competence() -> Value {
    json!({ "description": "Assistenza alla persona non autosufficiente nelle attività quotidiane",
            "sepSector": "21", "qualificationCode": "TOS-OSS", "qualificationName":
            "Operatore socio-sanitario", "adaCodes": ["ADA.22.01.07"], "eqfLevel": 3,
            "learningContext": "INFORMAL" })
}

fn attestato() -> Value {
    json!({ "number": "TOS-IVC-2026-0001", "issuedOn": "2026-03-25",
            "authorisedProvider": "Agenzia formativa Alfa", "adaCodes": ["ADA.22.01.07"],
            "qualificationCode": "TOS-OSS", "qualificationName": "Operatore socio-sanitario",
            "eqfLevel": 3, "learningModes": ["INFORMAL", "NON_FORMAL"] })
}

/// Request → identification with two interviews and a competence → Documento di trasparenza.
async fn to_transparency(app: &TestApp, fiscal_code: &str) -> Value {
    let d = request(app, fiscal_code, "2026-01-12").await;
    advance_to_transparency(app, d).await
}

async fn advance_to_transparency(app: &TestApp, d: Value) -> Value {
    let identifier = "op-ident";
    let d = step(
        app,
        &d,
        "takeIvcInCharge",
        json!({ "adhesionSignedOn": "2026-01-15" }),
    )
    .await;
    let accoglienza = session(
        "ACCOGLIENZA",
        "2026-01-15",
        60,
        identifier,
        "IDENTIFICATION_OPERATOR",
    );
    let d = step(app, &d, "addIvcSession", accoglienza).await;
    let mut d = step(
        app,
        &d,
        "startIvcIdentification",
        json!({ "startedOn": "2026-01-20" }),
    )
    .await;
    for on in ["2026-01-20", "2026-02-03"] {
        let interview = session(
            "IDENTIFICATION_INTERVIEW",
            on,
            90,
            identifier,
            "IDENTIFICATION_OPERATOR",
        );
        d = step(app, &d, "addIvcSession", interview).await;
    }
    let d = step(app, &d, "addIvcCompetence", competence()).await;
    step(
        app,
        &d,
        "releaseIvcTransparencyDocument",
        json!({ "releasedOn": "2026-03-02",
                "experiences": ["Assistente familiare presso privati, 2015-2024"] }),
    )
    .await
}

async fn full_path(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    assert_eq!(d["status"], "REQUESTED");
    assert_eq!(d["version"], 1);
    assert_eq!(d["maxHours"], 26.0);
    assert_eq!(
        d["allowedTransitions"],
        json!(["TAKEN_IN_CHARGE", "CLOSED"])
    );
    let id = d["id"].clone();

    let d = advance_to_transparency(&app, d).await;
    assert_eq!(d["status"], "TRANSPARENCY_RELEASED");
    let doc = &d["transparencyDocument"];
    assert_eq!(doc["kind"], "CITIZEN_DOSSIER");
    assert_eq!(doc["anagrafica"]["familyName"], "ROSSI");
    assert_eq!(doc["anagrafica"]["birthDate"], "1985-12-10");
    assert_eq!(doc["experiences"].as_array().unwrap().len(), 1);
    assert_eq!(
        d["competences"][0]["sepSectorLabel"],
        "Servizi socio-sanitari"
    );
    assert_eq!(
        d["warnings"],
        json!([]),
        "2 interviews of 90 minutes fit the pilot"
    );

    let d = step(
        &app,
        &d,
        "startIvcValidation",
        json!({ "startedOn": "2026-03-10" }),
    )
    .await;
    let d = step(
        &app,
        &d,
        "addIvcSession",
        session(
            "TECHNICAL_INTERVIEW",
            "2026-03-15",
            120,
            "esperto-sep-21",
            "CONTENT_EXPERT",
        ),
    )
    .await;
    let d = step(
        &app,
        &d,
        "addIvcSession",
        session("BACK_OFFICE", "2026-03-16", 30, "op-back", "PROCESS_EXPERT"),
    )
    .await;
    let d = step(
        &app,
        &d,
        "completeIvcValidation",
        json!({ "result": "POSITIVE", "decidedOn": "2026-03-20", "attestato": attestato() }),
    )
    .await;
    assert_eq!(d["status"], "ATTESTATO_RELEASED");
    let a = &d["attestato"];
    assert_eq!(
        a["publicBody"], "Regione Toscana",
        "ente titolare from [ivc]"
    );
    assert_eq!(a["qualification"]["eqfLevel"], 3);
    assert_eq!(a["assessmentModes"], json!(["TECHNICAL_INTERVIEW"]));
    assert_eq!(a["anagrafica"]["familyName"], "ROSSI");
    assert_eq!(d["validation"]["result"], "POSITIVE");

    let d = step(
        &app,
        &d,
        "closeIvcDossier",
        json!({ "closedOn": "2026-04-01", "reason": "percorso concluso con attestato" }),
    )
    .await;
    assert_eq!(d["status"], "CLOSED");
    assert_eq!(d["outcome"], "DOSSIER_AND_ATTESTATO");
    assert_eq!(d["allowedTransitions"], json!([]));
    // accoglienza 60 + 2 interviews of 90 + technical interview 120 + back office 30
    assert_eq!(d["hoursUsed"], 6.5);
    assert_eq!(d["hoursLeft"], 19.5);
    assert_eq!(
        d["costEur"],
        6.5 * 40.0,
        "seed 003 UCS, back office included"
    );
    let phases: Vec<(&str, &str)> = d["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["phase"].as_str().unwrap(), s["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        phases,
        [
            ("TAKEN_IN_CHARGE", "ACCOGLIENZA"),
            ("IDENTIFICATION", "IDENTIFICATION_INTERVIEW"),
            ("IDENTIFICATION", "IDENTIFICATION_INTERVIEW"),
            ("VALIDATION", "TECHNICAL_INTERVIEW"),
            ("VALIDATION", "BACK_OFFICE"),
        ]
    );
    let history: Vec<(Value, Value, Value)> = d["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["from"].clone(), h["to"].clone(), h["on"].clone()))
        .collect();
    assert_eq!(
        history,
        [
            (json!(null), json!("REQUESTED"), json!("2026-01-12")),
            (
                json!("REQUESTED"),
                json!("TAKEN_IN_CHARGE"),
                json!("2026-01-15")
            ),
            (
                json!("TAKEN_IN_CHARGE"),
                json!("IDENTIFICATION"),
                json!("2026-01-20")
            ),
            (
                json!("IDENTIFICATION"),
                json!("TRANSPARENCY_RELEASED"),
                json!("2026-03-02")
            ),
            (
                json!("TRANSPARENCY_RELEASED"),
                json!("VALIDATION"),
                json!("2026-03-10")
            ),
            (
                json!("VALIDATION"),
                json!("ATTESTATO_RELEASED"),
                json!("2026-03-25")
            ),
            (
                json!("ATTESTATO_RELEASED"),
                json!("CLOSED"),
                json!("2026-04-01")
            ),
        ]
    );
    assert!(
        d["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["by"] == "tester")
    );
    // 1 request + 11 steps and additions + 1 close, each with one audit row in its transaction
    assert_eq!(d["version"], 13);

    // the citizen's profile shows it; the list finds it by outcome, year and SEP sector
    let body = app
        .query(
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { ivcDossiers { id status } } }",
            json!({ "cf": MARIO }),
        )
        .await;
    assert_eq!(
        body["data"]["citizen"]["ivcDossiers"][0]["id"], id,
        "{body}"
    );
    let list = "query($f: IvcFilter) { ivcDossiers(filter: $f, first: 10) { edges { cursor node { id } } pageInfo { hasNextPage } } }";
    for (filter, found) in [
        (
            json!({ "outcome": "DOSSIER_AND_ATTESTATO", "year": 2026, "sector": "21" }),
            1,
        ),
        (json!({ "sector": "01" }), 0),
        (json!({ "year": 2025 }), 0),
        (json!({ "status": "VALIDATION" }), 0),
    ] {
        let body = app.query(list, json!({ "f": filter })).await;
        let edges = body["data"]["ivcDossiers"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), found, "{filter}: {body}");
    }

    let mario = fascicolo::store::audit::PersonRows::of(
        app.state.store.db(),
        &[FiscalCode::parse(MARIO).unwrap()],
    )
    .await
    .unwrap();
    let audit = fascicolo::store::audit::list(app.state.store.db(), Some(&mario), None, 100)
        .await
        .unwrap();
    let writes: Vec<&str> = audit
        .iter()
        .filter(|e| e.action == "write")
        .map(|e| e.fields[0].as_str())
        .collect();
    assert_eq!(writes.len(), 13, "{writes:?}");
    assert!(writes.iter().all(|w| w.starts_with("ivc.")), "{writes:?}");
    assert!(
        writes.contains(
            &format!("ivc.completeIvcValidation dossier={}", id.as_str().unwrap()).as_str()
        )
    );
    assert!(
        audit
            .iter()
            .any(|e| e.action == "read" && e.fields.contains(&"ivcDossiers".to_owned())),
        "Citizen.ivcDossiers is an audited read"
    );
    app.stop().await;
}

#[tokio::test]
async fn ivc_full_path_sqlite() {
    full_path("ivc_full_path_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_full_path_postgres() {
    full_path("ivc_full_path_postgres", Engine::Postgres).await;
}

/// Fase B after the attestato: a passed exam closes as QUALIFICATION; a failed one keeps the
/// attestato (DOSSIER_AND_ATTESTATO).
#[tokio::test]
async fn ivc_certification_path() {
    let Some(app) = spawn_app(
        "ivc_certification",
        Engine::Sqlite,
        ivc_sources(Engine::Sqlite),
        &[],
    )
    .await
    else {
        return;
    };
    for (citizen, passed, outcome) in [
        (MARIO.to_owned(), true, "QUALIFICATION"),
        (anna().as_str().to_owned(), false, "DOSSIER_AND_ATTESTATO"),
    ] {
        let d = to_transparency(&app, &citizen).await;
        let d = step(
            &app,
            &d,
            "startIvcValidation",
            json!({ "startedOn": "2026-03-10" }),
        )
        .await;
        let d = step(
            &app,
            &d,
            "addIvcSession",
            session(
                "TECHNICAL_INTERVIEW",
                "2026-03-15",
                60,
                "esperto",
                "CONTENT_EXPERT",
            ),
        )
        .await;
        let mut a = attestato();
        a["number"] = json!(format!("TOS-IVC-{citizen}"));
        let d = step(
            &app,
            &d,
            "completeIvcValidation",
            json!({ "result": "PARTIAL", "decidedOn": "2026-03-20", "attestato": a }),
        )
        .await;
        let d = step(
            &app,
            &d,
            "startIvcCertification",
            json!({ "enrolledOn": "2026-04-20", "examSessionOn": "2026-05-10" }),
        )
        .await;
        assert_eq!(d["status"], "CERTIFICATION");
        let d = step(
            &app,
            &d,
            "addIvcSession",
            session(
                "EXAM_COMMISSION",
                "2026-05-10",
                120,
                "commissione",
                "CONTENT_EXPERT",
            ),
        )
        .await;
        let number = passed.then_some("CERT-2026-77");
        let d = step(
            &app,
            &d,
            "recordIvcCertification",
            json!({ "passed": passed, "certificateNumber": number, "decidedOn": "2026-05-12" }),
        )
        .await;
        assert_eq!(
            d["status"],
            if passed {
                "CERTIFICATE_RELEASED"
            } else {
                "NOT_PASSED"
            }
        );
        assert_eq!(d["certification"]["passed"], passed);
        let d = step(
            &app,
            &d,
            "closeIvcDossier",
            json!({ "closedOn": "2026-05-20" }),
        )
        .await;
        assert_eq!(d["outcome"], outcome, "{citizen}");
    }
    app.stop().await;
}

/// Seed 003: at most 26 hours, back office included. Sessions summing to exactly 26 h pass;
/// one more minute is refused with the hours used and left, and nothing is written.
async fn hours_cap(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let d = step(
        &app,
        &d,
        "takeIvcInCharge",
        json!({ "adhesionSignedOn": "2026-01-15" }),
    )
    .await;
    let mut d = step(
        &app,
        &d,
        "startIvcIdentification",
        json!({ "startedOn": "2026-01-20" }),
    )
    .await;
    // 5 interviews (the pilot plans at most 4) and 8 dossier reviews, 2 h each: 26 h
    for i in 0..13 {
        let kind = if i < 5 {
            "IDENTIFICATION_INTERVIEW"
        } else {
            "DOSSIER_REVIEW"
        };
        let on = format!("2026-02-{:02}", i + 1);
        d = step(
            &app,
            &d,
            "addIvcSession",
            session(kind, &on, 120, "op-ident", "IDENTIFICATION_OPERATOR"),
        )
        .await;
    }
    assert_eq!(d["hoursUsed"], 26.0);
    assert_eq!(d["hoursLeft"], 0.0);
    assert_eq!(d["costEur"], 1040.0, "26 h × 40 € (seed 003)");
    let warnings = d["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("5 identification interviews")
    );

    let err = refused(
        &app,
        &d,
        "addIvcSession",
        session("BACK_OFFICE", "2026-02-20", 1, "op-back", "PROCESS_EXPERT"),
    )
    .await;
    assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{err}");
    assert_eq!(err["extensions"]["field"], "minutes");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("26 h used, 0 h left"), "{message}");

    let after = read(&app, &d["id"]).await;
    assert_eq!(after["version"], d["version"], "nothing written");
    assert_eq!(after["sessions"].as_array().unwrap().len(), 13);
    assert_eq!(after["hoursUsed"], 26.0);
    app.stop().await;
}

#[tokio::test]
async fn ivc_hours_cap_sqlite() {
    hours_cap("ivc_hours_cap_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_hours_cap_postgres() {
    hours_cap("ivc_hours_cap_postgres", Engine::Postgres).await;
}

fn code_of(err: &Value) -> &str {
    err["extensions"]["code"].as_str().unwrap_or("<none>")
}

/// Terzietà, transitions, stale versions, the attestato's content, eligibility, one path.
#[tokio::test]
async fn ivc_rules_are_enforced() {
    let Some(app) = spawn_app(
        "ivc_rules",
        Engine::Sqlite,
        ivc_sources(Engine::Sqlite),
        &[],
    )
    .await
    else {
        return;
    };
    // reads and writes are for operators and administrators
    let reporting = app.token(fascicolo::auth::Role::Reporting, None);
    for query in [
        "{ ivcDossiers { edges { node { id } } } }",
        "mutation { requestIvc(input: { fiscalCode: \"RSSMRA85T10A562S\", requestedOn: \"2026-01-12\", provider: \"Ente\" }) { id } }",
    ] {
        let (_, body) = app.post(Some(&reporting), query, json!({})).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    }
    // eligibility: age at the request date, a citizen some source knows
    let body = call(
        &app,
        "requestIvc",
        json!({ "fiscalCode": teenager().as_str(), "requestedOn": "2026-05-31", "provider": "Ente" }),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "fiscalCode");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is 13"),
        "{body}"
    );
    let body = call(
        &app,
        "requestIvc",
        json!({ "fiscalCode": teenager().as_str(), "requestedOn": "2026-06-02", "provider": "Ente" }),
    )
    .await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "14 is still too young: {body}"
    );
    let message = body["errors"][0]["message"].as_str().unwrap();
    // the age, never the birth date: the refusal tells no more than the rule needs
    assert!(
        message.contains("is 14") && !message.contains("2012"),
        "{body}"
    );
    let body = call(
        &app,
        "requestIvc",
        json!({ "fiscalCode": nobody().as_str(), "requestedOn": "2026-01-12", "provider": "Ente" }),
    )
    .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");

    // invalid transitions name the current state and the allowed ones
    let d = request(&app, MARIO, "2026-01-12").await;
    let err = refused(
        &app,
        &d,
        "startIvcValidation",
        json!({ "startedOn": "2026-01-20" }),
    )
    .await;
    assert_eq!(code_of(&err), "INVALID_TRANSITION", "{err}");
    assert_eq!(err["extensions"]["current"], "REQUESTED");
    assert_eq!(
        err["extensions"]["allowed"],
        json!(["TAKEN_IN_CHARGE", "CLOSED"])
    );
    let err = refused(
        &app,
        &d,
        "addIvcSession",
        session(
            "ACCOGLIENZA",
            "2026-01-13",
            60,
            "o",
            "IDENTIFICATION_OPERATOR",
        ),
    )
    .await;
    assert_eq!(
        code_of(&err),
        "INVALID_TRANSITION",
        "no session before the adhesion: {err}"
    );
    // an open dossier per citizen
    let body = call(
        &app,
        "requestIvc",
        json!({ "fiscalCode": MARIO, "requestedOn": "2026-01-13", "provider": "Ente" }),
    )
    .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");

    // stale version
    let taken = step(
        &app,
        &d,
        "takeIvcInCharge",
        json!({ "adhesionSignedOn": "2026-01-15" }),
    )
    .await;
    let err = refused(
        &app,
        &d,
        "startIvcIdentification",
        json!({ "startedOn": "2026-01-20" }),
    )
    .await;
    assert_eq!(code_of(&err), "CONFLICT", "{err}");
    assert_eq!(err["extensions"]["currentVersion"], taken["version"]);
    // dates: not before the phase began, not in the future
    let err = refused(
        &app,
        &taken,
        "startIvcIdentification",
        json!({ "startedOn": "2026-01-10" }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "startedOn", "{err}");
    let err = refused(
        &app,
        &taken,
        "startIvcIdentification",
        json!({ "startedOn": "2099-01-10" }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "startedOn", "{err}");

    let mut d = step(
        &app,
        &taken,
        "startIvcIdentification",
        json!({ "startedOn": "2026-01-20" }),
    )
    .await;
    // kinds fit the phase; competences are checked against the repertoire
    let err = refused(
        &app,
        &d,
        "addIvcSession",
        session(
            "TECHNICAL_INTERVIEW",
            "2026-01-21",
            60,
            "x",
            "CONTENT_EXPERT",
        ),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "kind", "{err}");
    for (field, value, name) in [
        ("eqfLevel", json!(9), "eqfLevel"),
        ("adaCodes", json!(["22.01.07"]), "adaCodes"),
        ("sepSector", json!("99"), "sepSector"),
    ] {
        let mut c = competence();
        c[field] = value;
        let err = refused(&app, &d, "addIvcCompetence", c).await;
        assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
        assert_eq!(err["extensions"]["field"], name, "{err}");
    }
    let err = refused(
        &app,
        &d,
        "releaseIvcTransparencyDocument",
        json!({ "releasedOn": "2026-03-02", "experiences": ["x y"] }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "competences", "V21: {err}");
    for on in ["2026-01-20", "2026-02-03"] {
        d = step(
            &app,
            &d,
            "addIvcSession",
            session(
                "IDENTIFICATION_INTERVIEW",
                on,
                60,
                "op-1",
                "IDENTIFICATION_OPERATOR",
            ),
        )
        .await;
    }
    let d = step(&app, &d, "addIvcCompetence", competence()).await;
    let err = refused(
        &app,
        &d,
        "releaseIvcTransparencyDocument",
        json!({ "releasedOn": "2026-03-02" }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "experiences", "V21: {err}");
    let d = step(
        &app,
        &d,
        "releaseIvcTransparencyDocument",
        json!({ "releasedOn": "2026-03-02", "experiences": ["Badante 2016-2025"] }),
    )
    .await;
    let d = step(
        &app,
        &d,
        "startIvcValidation",
        json!({ "startedOn": "2026-03-10" }),
    )
    .await;

    // terzietà: the identification operator may not assess as content expert
    let err = refused(
        &app,
        &d,
        "addIvcSession",
        session(
            "TECHNICAL_INTERVIEW",
            "2026-03-12",
            60,
            "OP-1",
            "CONTENT_EXPERT",
        ),
    )
    .await;
    assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
    assert_eq!(err["extensions"]["field"], "operator");
    assert!(
        err["message"].as_str().unwrap().contains("terzietà"),
        "{err}"
    );
    // V22: the assessor's EQF level at least the competences' (3 here), and a declared
    // absence of conflict of interest; other roles declare nothing
    for (patch, field) in [
        (json!({ "assessorEqfLevel": 2 }), "assessorEqfLevel"),
        (json!({ "assessorEqfLevel": null }), "assessorEqfLevel"),
        (
            json!({ "noConflictOfInterest": false }),
            "noConflictOfInterest",
        ),
        (
            json!({ "noConflictOfInterest": null }),
            "noConflictOfInterest",
        ),
    ] {
        let mut s = session(
            "TECHNICAL_INTERVIEW",
            "2026-03-12",
            60,
            "esperto-2",
            "CONTENT_EXPERT",
        );
        for (k, v) in patch.as_object().unwrap() {
            s[k] = v.clone();
        }
        let err = refused(&app, &d, "addIvcSession", s).await;
        assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
        assert_eq!(err["extensions"]["field"], field, "{patch}: {err}");
        assert!(err["message"].as_str().unwrap().contains("V22"), "{err}");
    }
    let mut s = session("DOSSIER_REVIEW", "2026-03-12", 30, "op-9", "PROCESS_EXPERT");
    s["assessorEqfLevel"] = json!(6);
    let err = refused(&app, &d, "addIvcSession", s).await;
    assert_eq!(err["extensions"]["field"], "assessorEqfLevel", "{err}");
    // no validation without a technical interview by a content expert
    let err = refused(
        &app,
        &d,
        "completeIvcValidation",
        json!({ "result": "NEGATIVE", "decidedOn": "2026-03-20" }),
    )
    .await;
    assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
    let d = step(
        &app,
        &d,
        "addIvcSession",
        session(
            "TECHNICAL_INTERVIEW",
            "2026-03-12",
            60,
            "esperto-2",
            "CONTENT_EXPERT",
        ),
    )
    .await;
    let assessed = d["sessions"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(assessed["assessorEqfLevel"], 6, "{assessed}");
    assert_eq!(assessed["noConflictOfInterest"], true, "{assessed}");
    // V20: the attestato without ADA codes is refused, naming the field; nothing written
    let mut a = attestato();
    a.as_object_mut().unwrap().remove("adaCodes");
    let err = refused(
        &app,
        &d,
        "completeIvcValidation",
        json!({ "result": "POSITIVE", "decidedOn": "2026-03-20", "attestato": a }),
    )
    .await;
    assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
    assert_eq!(err["extensions"]["field"], "attestato.adaCodes");
    let err = refused(
        &app,
        &d,
        "completeIvcValidation",
        json!({ "result": "POSITIVE", "decidedOn": "2026-03-20" }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "attestato", "{err}");
    assert_eq!(read(&app, &d["id"]).await["version"], d["version"]);
    let d = step(
        &app,
        &d,
        "completeIvcValidation",
        json!({ "result": "NEGATIVE", "decidedOn": "2026-03-20" }),
    )
    .await;
    assert_eq!(d["status"], "VALIDATION_NEGATIVE");
    let d = step(
        &app,
        &d,
        "closeIvcDossier",
        json!({ "closedOn": "2026-03-21" }),
    )
    .await;
    assert_eq!(d["outcome"], "DOSSIER_ONLY");

    // a closed dossier refuses everything, with no allowed next state
    for (name, input) in [
        (
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-03-22" }),
        ),
        ("startIvcValidation", json!({ "startedOn": "2026-03-22" })),
        (
            "addIvcSession",
            session("BACK_OFFICE", "2026-03-22", 10, "o", "PROCESS_EXPERT"),
        ),
        ("addIvcCompetence", competence()),
        ("closeIvcDossier", json!({ "closedOn": "2026-03-22" })),
        ("withdrawIvcDossier", json!({ "withdrawnOn": "2026-03-22" })),
    ] {
        let err = refused(&app, &d, name, input).await;
        assert_eq!(code_of(&err), "INVALID_TRANSITION", "{name}: {err}");
        assert_eq!(err["extensions"]["current"], "CLOSED");
        assert_eq!(err["extensions"]["allowed"], json!([]), "{name}");
    }

    // one path per citizen (seed 003): Mario used the service
    let body = call(
        &app,
        "requestIvc",
        json!({ "fiscalCode": MARIO, "requestedOn": "2026-04-01", "provider": "Ente" }),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    // the used dossier's id, not its dates
    assert!(
        message.contains("already used the IVC service (dossier ") && !message.contains("on 20"),
        "{body}"
    );
    // a withdrawal before any output does not use it up
    let a = request(&app, anna().as_str(), "2026-01-12").await;
    let err = refused(
        &app,
        &a,
        "closeIvcDossier",
        json!({ "closedOn": "2026-01-13" }),
    )
    .await;
    assert_eq!(
        code_of(&err),
        "INVALID_TRANSITION",
        "nothing released yet: {err}"
    );
    let a = step(
        &app,
        &a,
        "withdrawIvcDossier",
        json!({ "withdrawnOn": "2026-01-13", "reason": "trasferimento" }),
    )
    .await;
    assert_eq!(a["outcome"], "WITHDRAWN");
    let again = request(&app, anna().as_str(), "2026-02-01").await;
    assert_eq!(again["status"], "REQUESTED");

    // a libretto that is not CONSOLIDATED cannot be the Documento di trasparenza
    let body = app
        .query(
            "mutation($cf: FiscalCode!) { openLibretto(input: { fiscalCode: $cf }) { id } }",
            json!({ "cf": anna().as_str() }),
        )
        .await;
    let libretto = body["data"]["openLibretto"]["id"].clone();
    assert!(libretto.is_string(), "{body}");
    let a = step(
        &app,
        &again,
        "takeIvcInCharge",
        json!({ "adhesionSignedOn": "2026-02-02" }),
    )
    .await;
    let a = step(
        &app,
        &a,
        "startIvcIdentification",
        json!({ "startedOn": "2026-02-03" }),
    )
    .await;
    let a = step(&app, &a, "addIvcCompetence", competence()).await;
    let err = refused(
        &app,
        &a,
        "releaseIvcTransparencyDocument",
        json!({ "releasedOn": "2026-03-02", "librettoId": libretto }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "librettoId", "{err}");
    // nor can another citizen's, consolidated or not
    let body = app
        .query(
            "mutation($cf: FiscalCode!) { openLibretto(input: { fiscalCode: $cf }) { id } }",
            json!({ "cf": MARIO }),
        )
        .await;
    let marios = body["data"]["openLibretto"]["id"].clone();
    consolidate_libretto(&app, &marios).await;
    let err = refused(
        &app,
        &a,
        "releaseIvcTransparencyDocument",
        json!({ "releasedOn": "2026-03-02", "librettoId": marios }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "librettoId", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("another citizen"),
        "{err}"
    );
    // once consolidated it is (seed 000, Toscana: "Libretto Formativo rilasciato come
    // Documento di trasparenza")
    let number = consolidate_libretto(&app, &libretto).await;
    let a = step(
        &app,
        &a,
        "releaseIvcTransparencyDocument",
        json!({ "releasedOn": "2026-03-02", "librettoId": libretto }),
    )
    .await;
    let doc = &a["transparencyDocument"];
    assert_eq!(doc["kind"], "LIBRETTO");
    assert_eq!(doc["librettoNumber"], number);
    assert_eq!(doc["anagrafica"]["familyName"], "BIANCHI");
    app.stop().await;
}

/// Drives the libretto through its own API to CONSOLIDATED; its number.
async fn consolidate_libretto(app: &TestApp, id: &Value) -> Value {
    async fn run(app: &TestApp, query: &str, input: Value) -> Value {
        let body = app.query(query, json!({ "input": input })).await;
        assert!(body.get("errors").is_none(), "{query}: {body}");
        body["data"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .clone()
    }
    let body = app
        .query(
            "query($id: ID!) { libretto(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await;
    let v = body["data"]["libretto"]["version"].clone();
    let l = run(
        app,
        "mutation($input: LibrettoStepInput!) { startLibrettoCompilation(input: $input) { version } }",
        json!({ "id": id, "version": v }),
    )
    .await;
    let l = run(
        app,
        "mutation($input: LibrettoEvidenceInput!) { addLibrettoEvidence(input: $input) { version evidences { id } } }",
        json!({ "librettoId": id, "version": l["version"], "category": "OTHER",
                "title": "Dichiarazione della famiglia assistita" }),
    )
    .await;
    let l = run(
        app,
        "mutation($input: LibrettoCompetenceInput!) { addLibrettoCompetence(input: $input) { version } }",
        json!({ "librettoId": id, "version": l["version"], "type": "TECHNICAL_PROFESSIONAL",
                "context": "INFORMAL", "description": "Assistenza alla persona",
                "evidenceIds": [l["evidences"][0]["id"]] }),
    )
    .await;
    let l = run(
        app,
        "mutation($input: ConsolidateLibrettoInput!) { consolidateLibretto(input: $input) { status number } }",
        json!({ "id": id, "version": l["version"], "citizenSigned": true }),
    )
    .await;
    assert_eq!(l["status"], "CONSOLIDATED");
    l["number"].clone()
}

/// 50 operators add a session to the same dossier at once, each reading the version and
/// retrying on CONFLICT: every session lands, the version moves by exactly 50.
async fn concurrent_writers(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let d = step(
        &app,
        &d,
        "takeIvcInCharge",
        json!({ "adhesionSignedOn": "2026-01-15" }),
    )
    .await;
    let d = step(
        &app,
        &d,
        "startIvcIdentification",
        json!({ "startedOn": "2026-01-20" }),
    )
    .await;
    let id = d["id"].clone();
    let start = d["version"].as_i64().unwrap();
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for writer in 0..50 {
        let app = app.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0u32;
            loop {
                let body = app
                    .query("query($id: ID!) { ivcDossier(id: $id) { version } }", json!({ "id": id }))
                    .await;
                let version = body["data"]["ivcDossier"]["version"].clone();
                let mut input = session("BACK_OFFICE", "2026-01-21", 10, &format!("op-{writer}"), "PROCESS_EXPERT");
                input["id"] = id.clone();
                input["version"] = version;
                let body = app
                    .query(
                        "mutation($input: AddIvcSessionInput!) { addIvcSession(input: $input) { version } }",
                        json!({ "input": input }),
                    )
                    .await;
                match error_codes(&body).as_slice() {
                    [] => return conflicts,
                    [code] if code == "CONFLICT" => conflicts += 1,
                    other => panic!("writer {writer}: {other:?} {body}"),
                }
            }
        }));
    }
    let mut conflicts = 0;
    for task in tasks {
        conflicts += task.await.unwrap();
    }
    let after = read(&app, &id).await;
    let operators: std::collections::BTreeSet<&str> = after["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["operator"].as_str().unwrap())
        .collect();
    eprintln!("{test}: 50 writers, {conflicts} conflicts retried, no session lost");
    assert_eq!(operators.len(), 50, "every writer's session is there");
    assert_eq!(after["version"].as_i64().unwrap(), start + 50);
    let minutes: i64 = after["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["minutes"].as_i64().unwrap())
        .sum();
    assert_eq!(minutes, 500);
    assert!((after["hoursUsed"].as_f64().unwrap() - 500.0 / 60.0).abs() < 1e-9);
    if let Ok(app) = std::sync::Arc::try_unwrap(app) {
        app.stop().await;
    }
}

#[tokio::test]
async fn ivc_fifty_concurrent_writers_sqlite() {
    concurrent_writers("ivc_concurrency_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_fifty_concurrent_writers_postgres() {
    concurrent_writers("ivc_concurrency_postgres", Engine::Postgres).await;
}

/// 100 citizens' dossiers with sessions, competences and history cost as many store
/// statements as one citizen's.
async fn reads_are_batched(test: &str, store: Engine) {
    let data = fascicolo::sources::demo::generate(11, 200);
    let on = date("2026-01-12");
    let codes: Vec<String> = data
        .lavoro
        .persons
        .iter()
        .filter(|p| {
            p.birth_date
                .is_some_and(|b| (15..=64).contains(&fascicolo::domain::ivc::rules::age_on(b, on)))
        })
        .take(100)
        .map(|p| p.fiscal_code.clone())
        .collect();
    assert_eq!(codes.len(), 100);
    let sources = vec![SourceSpec {
        name: "lavoro",
        engine: Engine::Sqlite,
        data: data.lavoro,
    }];
    let Some(app) = spawn_app(test, store, sources, &[]).await else {
        return;
    };
    for code in &codes {
        let d = request(&app, code, "2026-01-12").await;
        let d = step(
            &app,
            &d,
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-01-15" }),
        )
        .await;
        let d = step(
            &app,
            &d,
            "startIvcIdentification",
            json!({ "startedOn": "2026-01-20" }),
        )
        .await;
        let d = step(
            &app,
            &d,
            "addIvcSession",
            session(
                "IDENTIFICATION_INTERVIEW",
                "2026-01-20",
                90,
                "o",
                "IDENTIFICATION_OPERATOR",
            ),
        )
        .await;
        step(&app, &d, "addIvcCompetence", competence()).await;
    }
    let query = "query($codes: [FiscalCode!]!) { citizens(fiscalCodes: $codes) { ivcDossiers { \
        status hoursUsed warnings sessions { kind } competences { sepSector } history { to } } } }";
    // a read first: after the writes above, the audit writer learns where the chain head is
    // now (on PostgreSQL its next appends are one statement each)
    let body = app.query(query, json!({ "codes": &codes[..1] })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let mut counts = Vec::new();
    for n in [1, 100] {
        let before = app.store_statements();
        let body = app.query(query, json!({ "codes": &codes[..n] })).await;
        assert!(body.get("errors").is_none(), "{body}");
        let complete = body["data"]["citizens"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                let d = &c["ivcDossiers"][0];
                d["sessions"].as_array().is_some_and(|s| s.len() == 1)
                    && d["competences"].as_array().is_some_and(|s| s.len() == 1)
                    && d["history"].as_array().is_some_and(|s| s.len() == 3)
            })
            .count();
        assert_eq!(complete, n, "{body}");
        counts.push(app.store_statements() - before);
    }
    eprintln!("{test}: store statements for 1 and 100 citizens' IVC dossiers: {counts:?}");
    assert_eq!(
        counts[0], counts[1],
        "store statements grow with citizens: {counts:?}"
    );
    // the list with the same relations, one page of 100
    let before = app.store_statements();
    let body = app
        .query(
            "{ ivcDossiers(first: 100) { edges { node { sessions { kind } competences { sepSector } history { to } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["ivcDossiers"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        100,
        "{body}"
    );
    let list = app.store_statements() - before;
    eprintln!("{test}: store statements for a page of 100 dossiers: {list}");
    assert_eq!(list, counts[0], "list, 3 relations, audit");
    app.stop().await;
}

#[tokio::test]
async fn ivc_reads_are_batched_sqlite() {
    reads_are_batched("ivc_batched_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_reads_are_batched_postgres() {
    reads_are_batched("ivc_batched_postgres", Engine::Postgres).await;
}

/// The gate `addEvidence` uses on a dossier: evidences from TAKEN_IN_CHARGE to the end of
/// VALIDATION; NOT_FOUND for an unknown dossier; a closed one is read-only.
/// V24: a positive validation goes straight to the exam when certification follows without
/// interruption; no attestato is released, so a failed exam closes as DOSSIER_ONLY. A NEGATIVE
/// validation never opens the exam.
#[tokio::test]
async fn ivc_certification_straight_after_validation() {
    let Some(app) = spawn_app(
        "ivc_certification_straight",
        Engine::Sqlite,
        ivc_sources(Engine::Sqlite),
        &[],
    )
    .await
    else {
        return;
    };
    let d = to_transparency(&app, MARIO).await;
    let d = step(
        &app,
        &d,
        "startIvcValidation",
        json!({ "startedOn": "2026-03-10" }),
    )
    .await;
    let d = step(
        &app,
        &d,
        "addIvcSession",
        session(
            "TECHNICAL_INTERVIEW",
            "2026-03-15",
            60,
            "esperto",
            "CONTENT_EXPERT",
        ),
    )
    .await;
    let enrolment = json!({ "enrolledOn": "2026-03-21", "examSessionOn": "2026-04-10" });
    let err = refused(
        &app,
        &d,
        "completeIvcValidation",
        json!({ "result": "NEGATIVE", "decidedOn": "2026-03-20",
                "certificationFollows": enrolment }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "certificationFollows", "{err}");
    let err = refused(
        &app,
        &d,
        "completeIvcValidation",
        json!({ "result": "POSITIVE", "decidedOn": "2026-03-20",
                "certificationFollows": { "enrolledOn": "2026-03-21",
                                          "examSessionOn": "2026-03-01" } }),
    )
    .await;
    assert_eq!(err["extensions"]["field"], "examSessionOn", "{err}");
    let d = step(
        &app,
        &d,
        "completeIvcValidation",
        json!({ "result": "POSITIVE", "decidedOn": "2026-03-20",
                "certificationFollows": enrolment }),
    )
    .await;
    assert_eq!(d["status"], "CERTIFICATION");
    assert_eq!(d["attestato"], Value::Null);
    assert_eq!(d["validation"]["result"], "POSITIVE");
    assert_eq!(d["certification"]["examSessionOn"], "2026-04-10");
    let last = d["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["from"], "VALIDATION");
    assert_eq!(last["to"], "CERTIFICATION");
    assert_eq!(last["on"], "2026-03-21");
    assert!(last["note"].as_str().unwrap().contains("V24"), "{last}");
    let d = step(
        &app,
        &d,
        "recordIvcCertification",
        json!({ "passed": false, "decidedOn": "2026-04-10" }),
    )
    .await;
    let d = step(
        &app,
        &d,
        "closeIvcDossier",
        json!({ "closedOn": "2026-04-15" }),
    )
    .await;
    assert_eq!(d["outcome"], "DOSSIER_ONLY");
    app.stop().await;
}

/// `addIvcEvidence` as a multipart request.
async fn add_evidence(app: &TestApp, d: &Value, file: Option<(&str, Vec<u8>)>) -> Value {
    let query = format!(
        "mutation($input: AddIvcEvidenceInput!) {{ addIvcEvidence(input: $input) {{ {DOSSIER} \
         evidences {{ title category file {{ sha256 sizeBytes mediaType downloadPath }} }} }} }}"
    );
    let input = json!({ "id": d["id"], "version": d["version"], "category": "PROFESSIONAL",
                        "title": "Lettera di referenze", "issuer": "Famiglia Bianchi",
                        "issuedOn": "2025-11-01", "file": null });
    app.upload(
        &query,
        json!({ "input": input }),
        "variables.input.file",
        file,
    )
    .await
}

/// The dossier delle evidenze: collected from the adhesion until validation ends, files
/// checked, nothing on a CLOSED dossier.
#[tokio::test]
async fn ivc_evidences() {
    let Some(app) = spawn_app(
        "ivc_evidences",
        Engine::Sqlite,
        ivc_sources(Engine::Sqlite),
        &[],
    )
    .await
    else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let body = add_evidence(&app, &d, None).await;
    assert_eq!(error_codes(&body), ["INVALID_TRANSITION"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["current"], "REQUESTED");
    let d = step(
        &app,
        &d,
        "takeIvcInCharge",
        json!({ "adhesionSignedOn": "2026-01-15" }),
    )
    .await;
    let body = add_evidence(&app, &d, Some(("referenze.txt", b"hello".to_vec()))).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "file");
    let file = pdf();
    let sha = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&file));
    let body = add_evidence(&app, &d, Some(("referenze.pdf", file.clone()))).await;
    assert!(body.get("errors").is_none(), "{body}");
    let after = &body["data"]["addIvcEvidence"];
    assert_eq!(after["version"], d["version"].as_i64().unwrap() + 1);
    let evidence = &after["evidences"][0];
    assert_eq!(evidence["title"], "Lettera di referenze");
    assert_eq!(evidence["file"]["sha256"], sha);
    assert_eq!(evidence["file"]["sizeBytes"], file.len());
    assert_eq!(evidence["file"]["mediaType"], "application/pdf");
    // the file comes back as uploaded, to operators only, and the download is audited
    let path = evidence["file"]["downloadPath"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = app
        .client
        .get(app.url(&path))
        .bearer_auth(app.operator())
        .header("x-request-id", "download-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["etag"], format!("\"{sha}\""));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename=\"referenze.pdf\""),
        "{headers:?}"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), file.as_slice());
    let get = |token: Option<String>, path: String| {
        let mut request = app.client.get(app.url(&path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(None, path.clone()).await, 401);
    let portal = app.token(fascicolo::auth::Role::Portal, None);
    assert_eq!(get(Some(portal), path.clone()).await, 403);
    let reporting = app.token(fascicolo::auth::Role::Reporting, None);
    assert_eq!(get(Some(reporting), path.clone()).await, 403);
    let unknown = "/evidences/no-such-evidence/file".to_owned();
    assert_eq!(get(Some(app.operator()), unknown).await, 404);
    let admin = app.token(fascicolo::auth::Role::Admin, None);
    let (_, audit) = app
        .post(
            Some(&admin),
            "query($cf: FiscalCode!) { auditLog(fiscalCode: $cf, first: 50) { edges { node { \
             requestId action fields } } } }",
            json!({ "cf": MARIO }),
        )
        .await;
    let downloads: Vec<&Value> = audit["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["fields"] == json!(["evidenceFile"]))
        .collect();
    assert_eq!(downloads.len(), 1, "{audit}");
    assert_eq!(downloads[0]["requestId"], "download-1");
    assert_eq!(downloads[0]["action"], "read");
    // a stale version is a conflict and adds nothing
    let body = add_evidence(&app, &d, None).await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    assert_eq!(
        read(&app, &d["id"]).await["evidences"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let d = step(
        &app,
        after,
        "withdrawIvcDossier",
        json!({ "withdrawnOn": "2026-01-16" }),
    )
    .await;
    let body = add_evidence(&app, &d, None).await;
    assert_eq!(error_codes(&body), ["INVALID_TRANSITION"], "{body}");
    let err = &body["errors"][0]["extensions"];
    assert_eq!(err["current"], "CLOSED");
    assert_eq!(err["allowed"], json!([]));
    app.stop().await;
}

/// A step that fails at its last statement (the audit insert, refused by a trigger) leaves
/// nothing: no session, no minutes, no state step, no version change.
async fn failing_write_leaves_nothing(test: &str, store: Engine) {
    use sea_orm::ConnectionTrait;
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let d = step(
        &app,
        &d,
        "takeIvcInCharge",
        json!({ "adhesionSignedOn": "2026-01-15" }),
    )
    .await;
    refuse_audit_writes(&app).await;
    for (name, input) in [
        (
            "addIvcSession",
            session(
                "BACK_OFFICE",
                "2026-01-16",
                60,
                "op-1",
                "IDENTIFICATION_OPERATOR",
            ),
        ),
        (
            "startIvcIdentification",
            json!({ "startedOn": "2026-01-20" }),
        ),
    ] {
        let mut input = input;
        input["id"] = d["id"].clone();
        input["version"] = d["version"].clone();
        let body = call(&app, name, input).await;
        assert_eq!(error_codes(&body), ["INTERNAL"], "{name}: {body}");
    }
    let db = app.state.store.db();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT (SELECT version FROM ivc_dossier WHERE id = '{id}') AS v, \
                 (SELECT status FROM ivc_dossier WHERE id = '{id}') AS s, \
                 (SELECT minutes_used FROM ivc_dossier WHERE id = '{id}') AS m, \
                 (SELECT COUNT(*) FROM ivc_session WHERE dossier_id = '{id}') AS sessions, \
                 (SELECT COUNT(*) FROM ivc_transition WHERE dossier_id = '{id}') AS steps",
                id = d["id"].as_str().unwrap()
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<i64>("", "v").unwrap(),
        d["version"].as_i64().unwrap()
    );
    assert_eq!(row.try_get::<String>("", "s").unwrap(), "TAKEN_IN_CHARGE");
    assert_eq!(row.try_get::<i32>("", "m").unwrap(), 0);
    assert_eq!(row.try_get::<i64>("", "sessions").unwrap(), 0);
    assert_eq!(
        row.try_get::<i64>("", "steps").unwrap(),
        2,
        "requested, taken in charge"
    );
    app.stop().await;
}

#[tokio::test]
async fn ivc_failing_write_leaves_nothing_sqlite() {
    failing_write_leaves_nothing("ivc_atomic_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_failing_write_leaves_nothing_postgres() {
    failing_write_leaves_nothing("ivc_atomic_postgres", Engine::Postgres).await;
}
