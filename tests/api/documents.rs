//! The citizen's documents as PDF (issue 23 §1): the libretto's consolidated version, the IVC
//! Documento di trasparenza, Attestato di validazione and certificate, read back as text with
//! `pdftotext`; the same bytes twice; who may download which (a citizen their own, 404 for
//! someone else's); an audit row per download — on SQLite and PostgreSQL stores.

use crate::fixtures::{MARIO, anna};
use crate::helpers::{TestApp, mutate, ok, spawn_app};
use crate::ivc::{
    IVC, attestato, consolidate_libretto, ivc_sources, request, session, to_transparency,
};
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use serde_json::{Value, json};
use std::time::Duration;

/// GET with a token: status, content type and body.
async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

/// The PDF's text, by poppler's `pdftotext`; `None` (with the reason printed) when it is not
/// installed and this is not CI, where `.ci/run` installs it.
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    use std::io::Write;
    let child = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped the text checks: pdftotext (poppler-utils) not found: {err}");
            return None;
        }
        Err(err) => panic!("pdftotext is needed under CI (.ci/run installs poppler-utils): {err}"),
    };
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext failed");
    Some(String::from_utf8(out.stdout).unwrap())
}

fn assert_has(text: &str, expected: &[&str]) {
    // pdftotext keeps the lines of the page; a value may wrap, so compare without breaks
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for e in expected {
        assert!(flat.contains(e), "{e:?} missing from:\n{text}");
    }
}

/// A consolidated libretto and a dossier taken to its certificate, both Mario's; a dossier of
/// Anna's only requested. Their ids.
async fn documents(app: &TestApp) -> (Value, Value, Value) {
    let body = mutate(
        app,
        "openLibretto",
        "OpenLibrettoInput",
        "id version experiences { id organisation }",
        json!({ "fiscalCode": MARIO }),
    )
    .await;
    let opened = ok(&body, "openLibretto").clone();
    let libretto = opened["id"].clone();
    // the apprenticeship at Delta Snc, with the end of its training period (V5)
    let delta = opened["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["organisation"] == "Delta Snc")
        .unwrap()["id"]
        .clone();
    let input = json!({ "librettoId": libretto, "version": opened["version"],
        "experienceId": delta, "kind": "WORK", "organisation": "Delta Snc",
        "startDate": "2013-01-07", "endDate": "2014-01-06", "contractType": "A.03.09",
        "trainingPeriodEnd": "2014-01-06", "occupationCode": "5.1.2.2.0" });
    let body = mutate(
        app,
        "updateLibrettoExperience",
        "LibrettoExperienceInput",
        "version",
        input,
    )
    .await;
    ok(&body, "updateLibrettoExperience");
    consolidate_libretto(app, &libretto).await;
    let d = to_transparency(app, MARIO).await;
    let d = IVC
        .step(
            app,
            &d,
            "startIvcValidation",
            json!({ "startedOn": "2026-03-10" }),
        )
        .await;
    let interview = session(
        "TECHNICAL_INTERVIEW",
        "2026-03-15",
        60,
        "esperto",
        "CONTENT_EXPERT",
    );
    let d = IVC.step(app, &d, "addIvcSession", interview).await;
    let input = json!({ "result": "PARTIAL", "decidedOn": "2026-03-20", "attestato": attestato() });
    let d = IVC.step(app, &d, "completeIvcValidation", input).await;
    let enrol = json!({ "enrolledOn": "2026-04-20", "examSessionOn": "2026-05-10" });
    let d = IVC.step(app, &d, "startIvcCertification", enrol).await;
    let exam = session(
        "EXAM_COMMISSION",
        "2026-05-10",
        120,
        "commissione",
        "CONTENT_EXPERT",
    );
    let d = IVC.step(app, &d, "addIvcSession", exam).await;
    let outcome = json!({ "passed": true, "certificateNumber": "CERT-2026-77", "decidedOn": "2026-05-12",
        "commission": "Commissione regionale OSS" });
    let d = IVC.step(app, &d, "recordIvcCertification", outcome).await;
    let d = IVC
        .step(
            app,
            &d,
            "closeIvcDossier",
            json!({ "closedOn": "2026-05-20" }),
        )
        .await;
    assert_eq!(d["outcome"], "QUALIFICATION");
    let theirs = request(app, anna().as_str(), "2026-03-02").await;
    (libretto, d["id"].clone(), theirs["id"].clone())
}

async fn the_documents_read_back(app: &TestApp, libretto: &Value, dossier: &Value) {
    let operator = app.operator();
    let path = format!("/documents/libretti/{}.pdf", libretto.as_str().unwrap());
    let (status, kind, pdf) = get(app, &path, Some(&operator)).await;
    assert_eq!(
        (status, kind.as_str()),
        (200, "application/pdf"),
        "{}",
        String::from_utf8_lossy(&pdf)
    );
    assert!(pdf.starts_with(b"%PDF-"));
    let (_, _, again) = get(app, &format!("{path}?version=1"), Some(&operator)).await;
    assert_eq!(pdf, again, "the same version renders to the same bytes");
    let body = app
        .query(
            "query($id: ID!) { libretto(id: $id) { number versions { contentSha256 } } }",
            json!({ "id": libretto }),
        )
        .await;
    let number = body["data"]["libretto"]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let sha = body["data"]["libretto"]["versions"][0]["contentSha256"]
        .as_str()
        .unwrap()
        .to_owned();
    if let Some(text) = pdf_text(&pdf) {
        assert_has(
            &text,
            &[
                "Libretto formativo del cittadino",
                &number,
                "Versione 1",
                "ROSSI",
                MARIO,
                "Sezione 1 — Anagrafica professionale e formativa",
                "Sezione 2 — Competenze dell'individuo",
                "Assistenza alla persona",
                "Contesto di acquisizione informale",
                "Dichiarazione della famiglia assistita",
                "Tecnico-professionale",
                "fine periodo formativo 06/01/2014",
                "Pagina 1 di",
            ],
        );
        let packed: String = text.split_whitespace().collect();
        assert!(
            packed.contains(&sha),
            "the version's fingerprint {sha}:\n{text}"
        );
    }
    let ivc = |file: &str| format!("/documents/ivc/{}/{file}", dossier.as_str().unwrap());
    let expected: [(&str, &[&str]); 3] = [
        (
            "transparency.pdf",
            &[
                "Dossier del cittadino — Documento di trasparenza",
                "ROSSI",
                "Assistenza alla persona non autosufficiente",
                "ADA.22.01.07",
                "EQF 3",
                "informale",
                "Assistente familiare presso privati",
                "02/03/2026",
            ],
        ),
        (
            "attestato.pdf",
            &[
                "Attestato di validazione delle competenze",
                "TOS-IVC-2026-0001",
                "25/03/2026",
                "Regione Toscana",
                "Agenzia formativa Alfa",
                "TOS-OSS Operatore socio-sanitario",
                "Livello EQF 3",
                "ADA.22.01.07",
                "informale, non formale",
                "colloquio tecnico",
                "ROSSI",
            ],
        ),
        (
            "certificate.pdf",
            &[
                "Certificato delle competenze",
                "CERT-2026-77",
                "superato",
                "10/05/2026",
                "12/05/2026",
                "TOS-OSS Operatore socio-sanitario (EQF 3)",
                "Commissione regionale OSS",
            ],
        ),
    ];
    for (file, words) in expected {
        let (status, kind, pdf) = get(app, &ivc(file), Some(&operator)).await;
        assert_eq!((status, kind.as_str()), (200, "application/pdf"), "{file}");
        if let Some(text) = pdf_text(&pdf) {
            assert_has(&text, words);
            assert_has(&text, &["Verifica", "SHA-256 del contenuto"]);
        }
    }
}

async fn who_may_download_which(app: &TestApp, libretto: &Value, dossier: &Value, theirs: &Value) {
    let mario = app
        .state
        .auth
        .mint(MARIO, Role::Citizen, None, Duration::from_secs(600))
        .unwrap();
    let own = format!("/documents/libretti/{}.pdf", libretto.as_str().unwrap());
    assert_eq!(get(app, &own, Some(&mario)).await.0, 200);
    let attestato = format!("/documents/ivc/{}/attestato.pdf", dossier.as_str().unwrap());
    assert_eq!(get(app, &attestato, Some(&mario)).await.0, 200);
    // someone else's id and an id that does not exist answer alike
    let (status, _, body) = get(
        app,
        &format!(
            "/documents/ivc/{}/transparency.pdf",
            theirs.as_str().unwrap()
        ),
        Some(&mario),
    )
    .await;
    let (missing_status, _, missing) = get(
        app,
        "/documents/ivc/IVC-NOPE/transparency.pdf",
        Some(&mario),
    )
    .await;
    assert_eq!((status, missing_status), (404, 404));
    let message = |body: &[u8]| {
        serde_json::from_slice::<Value>(body).unwrap()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        message(&body).replace(theirs.as_str().unwrap(), "X"),
        message(&missing).replace("IVC-NOPE", "X")
    );
    // the operator learns that Anna's dossier has no certificate
    let (status, _, body) = get(
        app,
        &format!(
            "/documents/ivc/{}/certificate.pdf",
            theirs.as_str().unwrap()
        ),
        Some(&app.operator()),
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        message(&body).contains("has no certificate recorded"),
        "{}",
        message(&body)
    );
    for (token, path, code) in [
        (Some(app.token(Role::Reporting, None)), own.clone(), 403),
        (Some(app.token(Role::Portal, None)), own.clone(), 403),
        (None, own.clone(), 401),
        (Some(app.operator()), format!("{own}?version=0"), 400),
        (Some(app.operator()), format!("{own}?version=2"), 404),
        (Some(app.operator()), format!("{own}?draft=1"), 400),
        (
            Some(app.operator()),
            format!("/documents/ivc/{}/secret.pdf", dossier.as_str().unwrap()),
            404,
        ),
    ] {
        let (status, _, body) = get(app, &path, token.as_deref()).await;
        assert_eq!(status, code, "{path}: {}", String::from_utf8_lossy(&body));
    }
    // every download is a `document` row naming the document; the citizen's under their code
    let admin = app.token(Role::Admin, None);
    let (_, body) = app
        .post(Some(&admin), "query($cf: FiscalCode!) { auditLog(fiscalCode: $cf, first: 100) { edges { node { subject role action fields } } } }", json!({ "cf": MARIO }))
        .await;
    let rows: Vec<Value> = ok(&body, "auditLog")["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .filter(|n| n["action"] == "document")
        .collect();
    let fields = |role: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["role"] == role)
            .map(|r| r["fields"][0].as_str().unwrap().to_owned())
            .collect()
    };
    let libretto_field = format!("libretto:{}:v1", libretto.as_str().unwrap());
    let attestato_field = format!("ivc-attestato:{}", dossier.as_str().unwrap());
    assert_eq!(fields("citizen"), [attestato_field, libretto_field]);
    assert_eq!(fields("operator").len(), 5, "{rows:?}");
    assert!(
        rows.iter()
            .filter(|r| r["role"] == "citizen")
            .all(|r| r["subject"] == MARIO)
    );
}

async fn documents_as_pdf(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let (libretto, dossier, theirs) = documents(&app).await;
    the_documents_read_back(&app, &libretto, &dossier).await;
    who_may_download_which(&app, &libretto, &dossier, &theirs).await;
    app.stop().await;
}

#[tokio::test]
async fn documents_as_pdf_sqlite() {
    documents_as_pdf("documents_pdf_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn documents_as_pdf_postgres() {
    documents_as_pdf("documents_pdf_postgres", Engine::Postgres).await;
}
