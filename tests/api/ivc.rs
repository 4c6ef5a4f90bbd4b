//! IVC dossiers through GraphQL only: the whole path with its documents, the 26-hour cap,
//! the rules (terzietà, transitions, eligibility, one path, the attestato's content), optimistic
//! concurrency under 50 writers, and batched reads — on SQLite and PostgreSQL stores.

mod eligibility;
mod evidences;
mod path;
mod rules;
mod writes;

use crate::fixtures::{self, code};
use crate::helpers::{Document, SourceSpec, TestApp, date, employment, mutate_with_file, person};
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
    certification { examSessionOn passed certificateNumber decidedOn commission \
      qualification { code name eqfLevel } } \
    closedOn closeReason evidences { id }";

/// 14 on the request dates used below: too young for IVC (seed 003: 15-64).
fn teenager() -> FiscalCode {
    code("Gialli", "Marco", "2012-06-01", false, "D612")
}

/// Lucia Neri, resident in Milan: outside the region.
pub(crate) fn outsider() -> FiscalCode {
    code("Neri", "Lucia", "1980-04-04", true, "F205")
}

/// The fixture sources plus a registry that knows the teenager and a person resident
/// outside the region.
pub(crate) fn ivc_sources(engine: Engine) -> Vec<SourceSpec> {
    let mut all = fixtures::sources(engine, engine);
    let mut young = person(
        teenager().as_str(),
        "GIALLI",
        "MARCO",
        "2025-01-01 00:00:00",
    );
    young.birth_date = Some(date("2012-06-01"));
    let mut milanese = person(outsider().as_str(), "NERI", "LUCIA", "2025-01-01 00:00:00");
    milanese.residence_municipality = Some("015146".into());
    milanese.residence_province = Some("MI".into());
    // a job whose employer's partita IVA has a wrong check digit (V3)
    let mut job = employment(
        9001,
        outsider().as_str(),
        "Trattoria Da Mario",
        "2019-03-01",
        None,
        "A.01.00",
    );
    job.employer_tax_code = Some("01234567890".into());
    all.push(SourceSpec {
        name: "anagrafe",
        engine,
        data: SourceData {
            persons: vec![young, milanese],
            employments: vec![job],
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

/// The dossier's mutations: addressed by `id`, each selecting the whole dossier.
pub(crate) const IVC: Document = Document {
    fields: DOSSIER,
    key: "id",
    input_type,
};

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

pub async fn request(app: &TestApp, fiscal_code: &str, on: &str) -> Value {
    let body = IVC
        .call(
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
pub(crate) fn session(kind: &str, on: &str, minutes: i32, operator: &str, role: &str) -> Value {
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

pub(crate) fn attestato() -> Value {
    json!({ "number": "TOS-IVC-2026-0001", "issuedOn": "2026-03-25",
            "authorisedProvider": "Agenzia formativa Alfa", "adaCodes": ["ADA.22.01.07"],
            "qualificationCode": "TOS-OSS", "qualificationName": "Operatore socio-sanitario",
            "eqfLevel": 3, "learningModes": ["INFORMAL", "NON_FORMAL"] })
}

/// Request → identification with two interviews and a competence → Documento di trasparenza.
pub(crate) async fn to_transparency(app: &TestApp, fiscal_code: &str) -> Value {
    let d = request(app, fiscal_code, "2026-01-12").await;
    advance_to_transparency(app, d).await
}

async fn advance_to_transparency(app: &TestApp, d: Value) -> Value {
    let identifier = "op-ident";
    let d = IVC
        .step(
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
    let d = IVC.step(app, &d, "addIvcSession", accoglienza).await;
    let mut d = IVC
        .step(
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
        d = IVC.step(app, &d, "addIvcSession", interview).await;
    }
    let d = IVC.step(app, &d, "addIvcCompetence", competence()).await;
    IVC.step(
        app,
        &d,
        "releaseIvcTransparencyDocument",
        json!({ "releasedOn": "2026-03-02",
                "experiences": ["Assistente familiare presso privati, 2015-2024"] }),
    )
    .await
}

/// `addIvcEvidence` as a multipart request.
async fn add_evidence(app: &TestApp, d: &Value, file: Option<(&str, Vec<u8>)>) -> Value {
    let fields = format!(
        "{DOSSIER} evidences {{ title category file {{ sha256 sizeBytes mediaType downloadPath }} }}"
    );
    let input = json!({ "id": d["id"], "version": d["version"], "category": "PROFESSIONAL",
                        "title": "Lettera di referenze", "issuer": "Famiglia Bianchi",
                        "issuedOn": "2025-11-01", "file": null });
    let input_type = input_type("addIvcEvidence");
    mutate_with_file(app, "addIvcEvidence", input_type, &fields, input, file).await
}

/// Drives the libretto through its own API to CONSOLIDATED; its number.
pub(crate) async fn consolidate_libretto(app: &TestApp, id: &Value) -> Value {
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
