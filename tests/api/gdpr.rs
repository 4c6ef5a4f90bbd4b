//! The citizen's GDPR rights through GraphQL: the access report (every audited access to the
//! person's exact code, oldest first, itself audited) and the export of everything stored
//! about one citizen (and nothing about anyone else); and the server's info log, which never
//! carries a fiscal code, a name or an e-mail address — on SQLite and PostgreSQL stores.

use crate::fixtures::{MARIO, anna};
use crate::helpers::{
    Captured, TestApp, error_codes, mutate, mutate_with_file, ok, pdf, spawn_fixture_app,
};
use fascicolo::auth::Role;
use fascicolo::config::{LogConfig, LogFormat};
use fascicolo::domain::FiscalCode;
use fascicolo::testing::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const REPORT: &str = "query($cf: FiscalCode!, $first: Int, $after: String) { \
    accessReport(fiscalCode: $cf, first: $first, after: $after) { \
      fiscalCode totalCount retentionDays pageInfo { hasNextPage } \
      edges { cursor node { at subject role office action fields requestId } } } }";
const EXPORT: &str = "query($cf: FiscalCode!) { exportCitizenData(fiscalCode: $cf) }";

/// Mario's first omocodia variant: another person (DOMAIN.md §3.1).
fn mario_omocode() -> String {
    FiscalCode::parse(MARIO)
        .unwrap()
        .omocode_variant(1)
        .as_str()
        .to_owned()
}

/// A mutation that must succeed; its field's value.
async fn call(
    app: &TestApp,
    mutation: &str,
    input_type: &str,
    input: Value,
    fields: &str,
) -> Value {
    let body = mutate(app, mutation, input_type, fields, input).await;
    ok(&body, mutation).clone()
}

/// A multipart mutation with a PDF at `variables.input.file`; its field's value.
async fn upload(
    app: &TestApp,
    mutation: &str,
    input_type: &str,
    input: Value,
    fields: &str,
) -> Value {
    let file = Some(("attestato.pdf", pdf()));
    let body = mutate_with_file(app, mutation, input_type, fields, input, file).await;
    ok(&body, mutation).clone()
}

async fn access_report(app: &TestApp, test: &str, store: Engine) {
    let operator = app.token(Role::Operator, Some("CPI-PO-02"));
    let admin = app.token(Role::Admin, None);
    let person = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } cv { fileName } } }";
    let (_, body) = app
        .post(Some(&operator), person, json!({ "cf": MARIO }))
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    let libretto = call(
        app,
        "openLibretto",
        "OpenLibrettoInput",
        json!({ "fiscalCode": MARIO }),
        "id",
    )
    .await;
    // another citizen's accesses are not Mario's
    let (_, _) = app
        .post(Some(&operator), person, json!({ "cf": anna().as_str() }))
        .await;

    // only administrators
    for role in [Role::Operator, Role::Reporting, Role::Portal] {
        let (_, body) = app
            .post(Some(&app.token(role, None)), REPORT, json!({ "cf": MARIO }))
            .await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{role:?}: {body}");
    }

    // Mario's omocode variant is someone else: nothing of Mario's is in their report
    let (_, body) = app
        .post(Some(&admin), REPORT, json!({ "cf": mario_omocode() }))
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(body["data"]["accessReport"]["totalCount"], 0, "{body}");
    assert_eq!(body["data"]["accessReport"]["fiscalCode"], mario_omocode());

    let (status, body) = app.post(Some(&admin), REPORT, json!({ "cf": MARIO })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.get("errors"), None, "{body}");
    let report = &body["data"]["accessReport"];
    assert_eq!(report["fiscalCode"], MARIO, "the exact code");
    assert_eq!(report["retentionDays"], 730);
    assert_eq!(report["totalCount"], 3, "{report}");
    let nodes: Vec<&Value> = report["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .collect();
    // oldest first: the read, the write, the libretto the write returned
    let summary: Vec<(&str, Value)> = nodes
        .iter()
        .map(|n| (n["action"].as_str().unwrap(), n["fields"].clone()))
        .collect();
    let open = format!(
        "libretto.open libretto={} prefilled=6",
        libretto["id"].as_str().unwrap()
    );
    assert_eq!(
        summary,
        [
            ("read", json!(["cv", "person"])),
            ("write", json!([open])),
            ("read", json!(["libretto"])),
        ],
        "{test}: {report}"
    );
    assert_eq!(nodes[0]["subject"], "tester");
    assert_eq!(nodes[0]["role"], "operator");
    assert_eq!(nodes[0]["office"], "CPI-PO-02");
    assert_eq!(nodes[1]["office"], "CPI-FI-01");
    assert!(
        nodes[0]["requestId"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert_eq!(nodes[1]["requestId"], nodes[2]["requestId"], "one request");
    assert!(nodes[0]["at"].as_str().unwrap() <= nodes[1]["at"].as_str().unwrap());

    // reading the report is an access too; pages follow the same order
    let (_, body) = app
        .post(Some(&admin), REPORT, json!({ "cf": MARIO, "first": 2 }))
        .await;
    let page = &body["data"]["accessReport"];
    assert_eq!(page["totalCount"], 4, "{page}");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["edges"][0]["node"]["action"], "read");
    let cursor = page["edges"][1]["cursor"].clone();
    let (_, body) = app
        .post(
            Some(&admin),
            REPORT,
            json!({ "cf": MARIO, "first": 5, "after": cursor }),
        )
        .await;
    let rest = &body["data"]["accessReport"];
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    let actions: Vec<&str> = rest["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    // the first report, then the first page of this one
    assert_eq!(
        actions,
        ["read", "access_report", "access_report"],
        "{store}: {rest}"
    );
    let own = &rest["edges"][1]["node"];
    assert_eq!(own["role"], "admin");
    assert_eq!(own["fields"], json!(["accessReport"]));
}

async fn access_report_lists_every_access(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    access_report(&app, test, store).await;
    app.stop().await;
}

#[tokio::test]
async fn access_report_lists_every_access_sqlite() {
    access_report_lists_every_access("access_report_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn access_report_lists_every_access_postgres() {
    access_report_lists_every_access("access_report_postgres", Engine::Postgres).await;
}

/// What Mario's records are, to find them in the export.
struct Written {
    libretto: String,
    evidence: String,
    dossier: String,
    other_dossier: String,
}

async fn write_records(app: &TestApp) -> Written {
    let (libretto, evidence) = write_libretto(app).await;
    let dossier = write_dossier(app).await;
    write_orientation(app).await;
    let other_dossier = write_annas_records(app).await;
    Written {
        libretto,
        evidence,
        dossier,
        other_dossier,
    }
}

/// Mario's libretto: prefilled, in compilation, an evidence with a file, a competence citing
/// it; its id and the evidence's.
async fn write_libretto(app: &TestApp) -> (String, String) {
    let l = call(
        app,
        "openLibretto",
        "OpenLibrettoInput",
        json!({ "fiscalCode": MARIO }),
        "id version",
    )
    .await;
    let l = call(
        app,
        "startLibrettoCompilation",
        "LibrettoStepInput",
        json!({ "id": l["id"], "version": l["version"] }),
        "id version",
    )
    .await;
    let l = upload(
        app,
        "addLibrettoEvidence",
        "LibrettoEvidenceInput",
        json!({ "librettoId": l["id"], "version": l["version"], "category": "PROFESSIONAL",
                "title": "Attestato HACCP", "issuer": "ASL Toscana", "issuedOn": "2019-03-01",
                "file": null }),
        "id version evidences { id }",
    )
    .await;
    let evidence = l["evidences"][0]["id"].as_str().unwrap().to_owned();
    let l = call(
        app,
        "addLibrettoCompetence",
        "LibrettoCompetenceInput",
        json!({ "librettoId": l["id"], "version": l["version"], "type": "TECHNICAL_PROFESSIONAL",
                "context": "NON_FORMAL", "adaCode": "ADA.02.01.03",
                "description": "Applicare le procedure HACCP", "evidenceIds": [evidence] }),
        "id version",
    )
    .await;
    (l["id"].as_str().unwrap().to_owned(), evidence)
}

/// Mario's IVC dossier: requested, taken in charge, a session, identification, a competence;
/// its id.
async fn write_dossier(app: &TestApp) -> String {
    let d = call(
        app,
        "requestIvc",
        "RequestIvcInput",
        json!({ "fiscalCode": MARIO, "requestedOn": "2026-01-12",
                "provider": "Agenzia formativa Alfa", "program": "IVC PLUS" }),
        "id version",
    )
    .await;
    let d = call(
        app,
        "takeIvcInCharge",
        "TakeIvcInChargeInput",
        json!({ "id": d["id"], "version": d["version"], "adhesionSignedOn": "2026-01-15" }),
        "id version",
    )
    .await;
    let d = call(
        app,
        "addIvcSession",
        "AddIvcSessionInput",
        json!({ "id": d["id"], "version": d["version"], "kind": "ACCOGLIENZA",
                "heldOn": "2026-01-15", "minutes": 75, "operator": "op-ident",
                "operatorRole": "IDENTIFICATION_OPERATOR" }),
        "id version",
    )
    .await;
    let d = call(
        app,
        "startIvcIdentification",
        "StartIvcPhaseInput",
        json!({ "id": d["id"], "version": d["version"], "startedOn": "2026-01-20" }),
        "id version",
    )
    .await;
    let d = call(
        app,
        "addIvcCompetence",
        "AddIvcCompetenceInput",
        json!({ "id": d["id"], "version": d["version"],
                "description": "Assistenza alla persona non autosufficiente",
                "sepSector": "21", "qualificationCode": "TOS-OSS",
                "qualificationName": "Operatore socio-sanitario", "adaCodes": ["ADA.22.01.07"],
                "eqfLevel": 3, "learningContext": "INFORMAL" }),
        "id version",
    )
    .await;
    d["id"].as_str().unwrap().to_owned()
}

/// Mario's orientation: intake with consent, a title, a propensity, the CV, the pact.
async fn write_orientation(app: &TestApp) {
    let fields = "fiscalCode version";
    let r = call(
        app,
        "recordIntake",
        "RecordIntakeInput",
        json!({ "fiscalCode": MARIO, "takenOn": "2026-09-01", "office": "CPI-FI-01",
                "consentToJobMatching": true, "specialCategories": ["L68_99"] }),
        fields,
    )
    .await;
    let r = call(
        app,
        "addEducationTitle",
        "AddEducationTitleInput",
        json!({ "fiscalCode": MARIO, "version": r["version"], "code": "30000000", "year": 2004 }),
        fields,
    )
    .await;
    let r = call(
        app,
        "addPropensity",
        "AddPropensityInput",
        json!({ "fiscalCode": MARIO, "version": r["version"], "occupationCode": "5.1.2.2.0",
                "occupationLabel": "Commesso", "fromWork": true, "interviewOn": "2026-09-10",
                "notes": "Patente B" }),
        fields,
    )
    .await;
    let r = upload(
        app,
        "uploadCv",
        "UploadCvInput",
        json!({ "fiscalCode": MARIO, "version": r["version"], "file": null }),
        fields,
    )
    .await;
    call(
        app,
        "signServicePact",
        "SignServicePactInput",
        json!({ "fiscalCode": MARIO, "version": r["version"], "signedOn": "2026-09-10",
                "searchPlan": "Due candidature a settimana",
                "measures": [{ "code": "A05", "plannedOn": "2026-09-10" }] }),
        fields,
    )
    .await;
}

/// Anna's orientation record and IVC dossier; the dossier's id.
async fn write_annas_records(app: &TestApp) -> String {
    let fields = "fiscalCode version";
    call(
        app,
        "recordIntake",
        "RecordIntakeInput",
        json!({ "fiscalCode": anna().as_str(), "takenOn": "2026-09-02",
                "consentToJobMatching": false }),
        fields,
    )
    .await;
    let other = call(
        app,
        "requestIvc",
        "RequestIvcInput",
        json!({ "fiscalCode": anna().as_str(), "requestedOn": "2026-02-01",
                "provider": "Agenzia formativa Beta", "program": "IVC PLUS" }),
        "id",
    )
    .await;
    other["id"].as_str().unwrap().to_owned()
}

async fn export_holds_the_citizen_and_no_one_else(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let written = write_records(&app).await;
    let admin = app.token(Role::Admin, None);
    let (_, body) = app
        .post(Some(&app.operator()), EXPORT, json!({ "cf": MARIO }))
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");

    // Mario's omocode variant is another person: their export holds nothing of Mario's
    let (_, body) = app
        .post(Some(&admin), EXPORT, json!({ "cf": mario_omocode() }))
        .await;
    let other = &body["data"]["exportCitizenData"];
    assert_eq!(other["fiscal_code"], mario_omocode(), "{body}");
    assert_eq!(other["libretti"], json!([]), "{body}");
    assert_eq!(other["orientation"]["record"], Value::Null, "{body}");
    assert_eq!(other["audit_log"], json!([]), "{body}");

    let (status, body) = app.post(Some(&admin), EXPORT, json!({ "cf": MARIO })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.get("errors"), None, "{body}");
    let doc = &body["data"]["exportCitizenData"];
    assert_eq!(doc["schema"], "fascicolo/citizen-export");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["fiscal_code"], MARIO);
    assert!(
        doc["generated_at"]
            .as_str()
            .is_some_and(|t| t.starts_with("20")),
        "{doc}"
    );

    let libretti = doc["libretti"].as_array().unwrap();
    assert_eq!(libretti.len(), 1);
    let l = &libretti[0];
    assert_eq!(l["id"], written.libretto.as_str());
    assert_eq!(l["status"], "IN_COMPILATION");
    assert_eq!(l["fiscal_code"], MARIO);
    assert_eq!(
        l["person_snapshot"]["family_name"], "ROSSI",
        "JSON text expanded: {l}"
    );
    let organisations: Vec<&str> = l["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["organisation"].as_str())
        .collect();
    assert!(
        organisations.contains(&"Beta Srl") && organisations.contains(&"Cooperativa Alfa"),
        "{organisations:?}"
    );
    assert_eq!(l["experiences"].as_array().unwrap().len(), 6);
    let evidence = &l["evidences"][0];
    assert_eq!(evidence["id"], written.evidence.as_str());
    assert_eq!(evidence["title"], "Attestato HACCP");
    assert_eq!(evidence["media_type"], "application/pdf");
    assert_eq!(evidence["size_bytes"], pdf().len());
    assert_eq!(
        evidence["sha256"],
        format!("{:x}", Sha256::digest(pdf())).as_str()
    );
    let competence = &l["competences"][0];
    assert_eq!(competence["description"], "Applicare le procedure HACCP");
    assert_eq!(competence["ada_code"], "ADA.02.01.03");
    assert_eq!(competence["evidence_ids"], json!([written.evidence]));
    let steps: Vec<&str> = l["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["to_status"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["DRAFT", "IN_COMPILATION"]);

    let dossiers = doc["ivc_dossiers"].as_array().unwrap();
    assert_eq!(dossiers.len(), 1, "Anna's dossier is not Mario's");
    let d = &dossiers[0];
    assert_eq!(d["id"], written.dossier.as_str());
    assert_eq!(d["status"], "IDENTIFICATION");
    assert_eq!(d["provider"], "Agenzia formativa Alfa");
    assert_eq!(d["sessions"][0]["kind"], "ACCOGLIENZA");
    assert_eq!(d["sessions"][0]["minutes"], 75);
    assert_eq!(d["competences"][0]["ada_codes"], json!(["ADA.22.01.07"]));
    assert_eq!(d["competences"][0]["sep_sector"], "21");
    assert_eq!(d["transitions"].as_array().unwrap().len(), 3);

    let o = &doc["orientation"];
    assert_eq!(o["record"]["id"], MARIO);
    assert_eq!(o["record"]["consent_matching"], true);
    assert_eq!(o["record"]["special_categories"], json!(["L68_99"]));
    assert_eq!(o["record"]["search_plan"], "Due candidature a settimana");
    assert_eq!(o["consent_events"][0]["given"], true);
    assert_eq!(o["education_titles"][0]["code"], "30000000");
    assert_eq!(o["education_titles"][0]["year"], 2004);
    assert_eq!(o["propensities"][0]["occupation_code"], "5.1.2.2.0");
    assert_eq!(o["propensities"][0]["notes"], "Patente B");
    assert_eq!(o["pact_measures"][0]["code"], "A05");
    assert_eq!(o["cvs"][0]["file_name"], "attestato.pdf");
    assert_eq!(o["cvs"][0]["size_bytes"], pdf().len());
    assert_eq!(o["portal_transfers"], json!([]));

    let audit = doc["audit_log"].as_array().unwrap();
    let writes: Vec<&str> = audit
        .iter()
        .filter(|r| r["action"] == "write")
        .map(|r| r["fields"].as_str().unwrap())
        .collect();
    assert_eq!(writes.len(), 14, "{writes:?}");
    assert!(writes.contains(&"orientation.uploadCv"), "{writes:?}");
    assert!(audit.iter().all(|r| r["fiscal_code"] == MARIO));
    assert!(audit.iter().all(|r| r["hash"].as_str().is_some()));

    // nothing of Anna's, and no file bytes
    let text = doc.to_string();
    for foreign in [
        anna().as_str(),
        &written.other_dossier,
        "Agenzia formativa Beta",
        "CPI-PO-02",
        "2026-09-02",
    ] {
        assert!(!text.contains(foreign), "{foreign} in Mario's export");
    }
    assert!(!text.contains("%PDF"), "file contents in the export");

    // the export is an access, in the report
    let (_, body) = app
        .post(Some(&admin), REPORT, json!({ "cf": MARIO, "first": 100 }))
        .await;
    let last = body["data"]["accessReport"]["edges"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["node"]
        .clone();
    assert_eq!(last["action"], "export");
    assert_eq!(last["role"], "admin");
    assert_eq!(last["fields"], json!(["exportCitizenData"]));
    app.stop().await;
}

#[tokio::test]
async fn export_holds_the_citizen_and_no_one_else_sqlite() {
    export_holds_the_citizen_and_no_one_else("export_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn export_holds_the_citizen_and_no_one_else_postgres() {
    export_holds_the_citizen_and_no_one_else("export_postgres", Engine::Postgres).await;
}

/// A table added to the store is either read by the export or declared as holding nothing
/// about a person.
#[tokio::test]
async fn every_store_table_is_exported_or_declared_not_personal() {
    use fascicolo::store::export::{EXPORTED_TABLES, NOT_EXPORTED_TABLES};
    use sea_orm::ConnectionTrait;
    let Some(app) = spawn_fixture_app("export_tables", Engine::Sqlite).await else {
        return;
    };
    let db = app.state.store.db();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY name",
        ))
        .await
        .unwrap();
    let mut tables: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    tables.sort();
    let mut known: Vec<String> = EXPORTED_TABLES
        .iter()
        .chain(NOT_EXPORTED_TABLES)
        .map(|t| (*t).to_owned())
        .collect();
    known.sort();
    assert_eq!(tables, known);
    app.stop().await;
}

/// At info level the log says what happened to a request, never whose data it was.
#[tokio::test]
async fn the_info_log_carries_no_personal_data() {
    // the test's runtime runs the server on this thread, so a thread-local subscriber sees it
    let captured = Captured::default();
    let writer = captured.clone();
    // the server's own subscriber, in JSON so every span field is written out
    let log_config = LogConfig {
        format: LogFormat::Json,
        level: "info".into(),
        ..LogConfig::default()
    };
    let (subscriber, _telemetry) =
        fascicolo::telemetry::subscriber(&log_config, move || writer.clone()).unwrap();
    let _logging = tracing::subscriber::set_default(subscriber);
    let Some(app) = spawn_fixture_app("log_no_personal_data", Engine::Sqlite).await else {
        return;
    };
    let profile = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { \
        person { givenName familyName email phone birthDate } employments { employerName } } }";
    let body = app.query(profile, json!({ "cf": MARIO })).await;
    assert_eq!(
        body["data"]["citizen"]["person"]["email"],
        "mario.rossi@new.example.it"
    );
    // the same over GET, where the fiscal code is in the URL
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            ("query", profile),
            ("variables", &json!({ "cf": mario_omocode() }).to_string()),
        ])
        .bearer_auth(app.operator())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // a write, and one refused because the libretto exists (the message names the citizen)
    let open = "mutation($cf: FiscalCode!) { openLibretto(input: { fiscalCode: $cf }) { id \
        experiences { organisation } } }";
    let body = app.query(open, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let body = app.query(open, json!({ "cf": MARIO })).await;
    assert_eq!(error_codes(&body), ["CONFLICT"]);
    // an invalid fiscal code (wrong check character)
    let invalid = "RSSMRA85T10A562X";
    let body = app.query(profile, json!({ "cf": invalid })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(body.to_string().contains("check character"), "{body}");
    // the administrator's report and export
    let admin = app.token(Role::Admin, None);
    let (_, body) = app.post(Some(&admin), EXPORT, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let (_, body) = app.post(Some(&admin), REPORT, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");

    let log = captured.text();
    assert!(
        log.matches("graphql request").count() >= 7,
        "the requests were logged:\n{log}"
    );
    let code = FiscalCode::parse(MARIO).unwrap();
    let mut personal: Vec<String> = std::iter::once(code.clone())
        .chain(code.omocode_relatives())
        .map(|c| c.as_str().to_owned())
        .collect();
    personal.push(invalid.to_owned());
    for text in [
        "ROSSI",
        "MARIO",
        "mario.rossi",
        "example.it",
        "055 123456",
        "1985-12-10",
        "Cooperativa Alfa",
        "Beta Srl",
    ] {
        personal.push(text.to_owned());
    }
    let lower = log.to_lowercase();
    for datum in &personal {
        assert!(
            !lower.contains(&datum.to_lowercase()),
            "{datum} in the info log:\n{log}"
        );
    }
    app.stop().await;
}
