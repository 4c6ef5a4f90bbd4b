//! The IVC path end to end: identification, validation, the attestato, the exam (Fase B,
//! also straight after validation, V24), the close, and what the profile, the list and the
//! audit log show of it.

use super::{
    IVC, advance_to_transparency, attestato, ivc_sources, request, session, to_transparency,
};
use crate::fixtures::{MARIO, anna};
use crate::helpers::{TestApp, spawn_app};
use fascicolo::domain::FiscalCode;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

async fn full_path(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request_to_attestato(&app).await;
    let id = d["id"].clone();
    the_close_keeps_hours_sessions_and_history(&app, d).await;
    the_profile_and_the_list_find_it(&app, &id).await;
    every_step_is_audited(&app, &id).await;
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

/// Request to attestato: each step's state, the transparency document and the attestato;
/// the dossier.
async fn request_to_attestato(app: &TestApp) -> Value {
    let d = request(app, MARIO, "2026-01-12").await;
    assert_eq!(d["status"], "REQUESTED");
    assert_eq!(d["version"], 1);
    assert_eq!(d["maxHours"], 26.0);
    assert_eq!(
        d["allowedTransitions"],
        json!(["TAKEN_IN_CHARGE", "CLOSED"])
    );
    let d = advance_to_transparency(app, d).await;
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

    let d = IVC
        .step(
            app,
            &d,
            "startIvcValidation",
            json!({ "startedOn": "2026-03-10" }),
        )
        .await;
    let d = IVC
        .step(
            app,
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
    let d = IVC
        .step(
            app,
            &d,
            "addIvcSession",
            session("BACK_OFFICE", "2026-03-16", 30, "op-back", "PROCESS_EXPERT"),
        )
        .await;
    let d = IVC
        .step(
            app,
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
    d
}

/// The close: the outcome, the hours and their cost, the sessions by phase, the history.
async fn the_close_keeps_hours_sessions_and_history(app: &TestApp, d: Value) {
    let d = IVC
        .step(
            app,
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
}

/// The citizen's profile shows the dossier; the list finds it by outcome, year and sector.
async fn the_profile_and_the_list_find_it(app: &TestApp, id: &Value) {
    // the citizen's profile shows it; the list finds it by outcome, year and SEP sector
    let body = app
        .query(
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { ivcDossiers { id status } } }",
            json!({ "cf": MARIO }),
        )
        .await;
    assert_eq!(
        body["data"]["citizen"]["ivcDossiers"][0]["id"], *id,
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
}

/// Every step is an audited write; reading the dossiers is an audited read.
async fn every_step_is_audited(app: &TestApp, id: &Value) {
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
        let d = IVC
            .step(
                &app,
                &d,
                "startIvcValidation",
                json!({ "startedOn": "2026-03-10" }),
            )
            .await;
        let d = IVC
            .step(
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
        let d = IVC
            .step(
                &app,
                &d,
                "completeIvcValidation",
                json!({ "result": "PARTIAL", "decidedOn": "2026-03-20", "attestato": a }),
            )
            .await;
        let d = IVC
            .step(
                &app,
                &d,
                "startIvcCertification",
                json!({ "enrolledOn": "2026-04-20", "examSessionOn": "2026-05-10" }),
            )
            .await;
        assert_eq!(d["status"], "CERTIFICATION");
        let d = IVC
            .step(
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
        let mut decision =
            json!({ "passed": passed, "certificateNumber": number, "decidedOn": "2026-05-12" });
        if passed {
            // a certificate names the commission that decided
            let refused = IVC
                .refused(&app, &d, "recordIvcCertification", decision.clone())
                .await;
            assert!(
                refused["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("commission:"),
                "{refused}"
            );
            decision["commission"] = json!("Commissione regionale OSS, sessione di maggio");
        }
        let d = IVC.step(&app, &d, "recordIvcCertification", decision).await;
        if passed {
            // the qualification certified is the attestato's when none is named
            let c = &d["certification"];
            assert_eq!(
                c["commission"],
                "Commissione regionale OSS, sessione di maggio"
            );
            assert_eq!(
                c["qualification"],
                json!({ "code": "TOS-OSS", "name": "Operatore socio-sanitario", "eqfLevel": 3 })
            );
        } else {
            assert_eq!(d["certification"]["qualification"], Value::Null);
        }
        assert_eq!(
            d["status"],
            if passed {
                "CERTIFICATE_RELEASED"
            } else {
                "NOT_PASSED"
            }
        );
        assert_eq!(d["certification"]["passed"], passed);
        let d = IVC
            .step(
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
    let d = IVC
        .step(
            &app,
            &d,
            "startIvcValidation",
            json!({ "startedOn": "2026-03-10" }),
        )
        .await;
    let d = IVC
        .step(
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
    let err = IVC
        .refused(
            &app,
            &d,
            "completeIvcValidation",
            json!({ "result": "NEGATIVE", "decidedOn": "2026-03-20",
                "certificationFollows": enrolment }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "certificationFollows", "{err}");
    let err = IVC
        .refused(
            &app,
            &d,
            "completeIvcValidation",
            json!({ "result": "POSITIVE", "decidedOn": "2026-03-20",
                "certificationFollows": { "enrolledOn": "2026-03-21",
                                          "examSessionOn": "2026-03-01" } }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "examSessionOn", "{err}");
    let d = IVC
        .step(
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
    let d = IVC
        .step(
            &app,
            &d,
            "recordIvcCertification",
            json!({ "passed": false, "decidedOn": "2026-04-10" }),
        )
        .await;
    let d = IVC
        .step(
            &app,
            &d,
            "closeIvcDossier",
            json!({ "closedOn": "2026-04-15" }),
        )
        .await;
    assert_eq!(d["outcome"], "DOSSIER_ONLY");
    app.stop().await;
}
