//! The rules a dossier keeps: the 26-hour cap, who may read and write, eligibility,
//! transitions, stale versions, dates, terzietà and V22, the attestato's content (V20), the
//! closed dossier, one path per citizen, and the libretto as Documento di trasparenza.

use super::{
    IVC, attestato, competence, consolidate_libretto, ivc_sources, read, request, session, teenager,
};
use crate::fixtures::{MARIO, anna, nobody};
use crate::helpers::{TestApp, code_of, error_codes, spawn_app};
use fascicolo::testing::Engine;
use serde_json::{Value, json};

/// Seed 003: at most 26 hours, back office included. Sessions summing to exactly 26 h pass;
/// one more minute is refused with the hours used and left, and nothing is written.
async fn hours_cap(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let d = IVC
        .step(
            &app,
            &d,
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-01-15" }),
        )
        .await;
    let mut d = IVC
        .step(
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
        d = IVC
            .step(
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

    let err = IVC
        .refused(
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

/// Seed 003: "durata massima ... di ogni singolo servizio": a 25-hour interview (once
/// accepted) is refused, naming the field, the limit and the session's length; nothing is
/// written. A session of exactly the limit passes.
async fn session_length(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let d = IVC
        .step(
            &app,
            &d,
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-01-15" }),
        )
        .await;
    let d = IVC
        .step(
            &app,
            &d,
            "startIvcIdentification",
            json!({ "startedOn": "2026-01-20" }),
        )
        .await;
    let long = session(
        "IDENTIFICATION_INTERVIEW",
        "2026-02-02",
        25 * 60,
        "op-ident",
        "IDENTIFICATION_OPERATOR",
    );
    let err = IVC.refused(&app, &d, "addIvcSession", long).await;
    assert_eq!(err["extensions"]["code"], "BAD_USER_INPUT", "{err}");
    assert_eq!(err["extensions"]["field"], "minutes");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("at most 8 h") && message.contains("this one lasts 25 h"),
        "{message}"
    );
    let after = read(&app, &d["id"]).await;
    assert_eq!(after["version"], d["version"], "nothing written");
    assert_eq!(after["hoursUsed"], 0.0);

    let full_day = session(
        "IDENTIFICATION_INTERVIEW",
        "2026-02-02",
        8 * 60,
        "op-ident",
        "IDENTIFICATION_OPERATOR",
    );
    let d = IVC.step(&app, &d, "addIvcSession", full_day).await;
    assert_eq!(d["hoursUsed"], 8.0);
    app.stop().await;
}

#[tokio::test]
async fn ivc_session_length_sqlite() {
    session_length("ivc_session_length_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_session_length_postgres() {
    session_length("ivc_session_length_postgres", Engine::Postgres).await;
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
    only_operators_and_administrators(&app).await;
    eligibility_is_age_and_a_known_citizen(&app).await;
    let d = a_requested_dossier_refuses_what_comes_later(&app).await;
    let d = stale_versions_and_dates_are_refused(&app, d).await;
    let d = identification_checks_what_it_collects(&app, d).await;
    let d = validation_checks_its_assessors(&app, d).await;
    let d = the_attestato_needs_its_content(&app, d).await;
    a_closed_dossier_refuses_everything(&app, d).await;
    let again = one_path_per_citizen(&app).await;
    a_libretto_is_the_transparency_document_once_consolidated(&app, again).await;
}

/// Reporting users neither read nor write dossiers.
async fn only_operators_and_administrators(app: &TestApp) {
    // reads and writes are for operators and administrators
    let reporting = app.token(fascicolo::auth::Role::Reporting, None);
    for query in [
        "{ ivcDossiers { edges { node { id } } } }",
        "mutation { requestIvc(input: { fiscalCode: \"RSSMRA85T10A562S\", requestedOn: \"2026-01-12\", provider: \"Ente\" }) { id } }",
    ] {
        let (_, body) = app.post(Some(&reporting), query, json!({})).await;
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");
    }
}

/// Seed 003: 15-64 at the request date, and a citizen some source knows.
async fn eligibility_is_age_and_a_known_citizen(app: &TestApp) {
    // eligibility: age at the request date, a citizen some source knows
    let body = IVC.call(
        app,
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
    let body = IVC.call(
        app,
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
    let body = IVC.call(
        app,
        "requestIvc",
        json!({ "fiscalCode": nobody().as_str(), "requestedOn": "2026-01-12", "provider": "Ente" }),
    )
    .await;
    assert_eq!(error_codes(&body), ["NOT_FOUND"], "{body}");
}

/// A requested dossier refuses the later states and a second open dossier; the dossier.
async fn a_requested_dossier_refuses_what_comes_later(app: &TestApp) -> Value {
    // invalid transitions name the current state and the allowed ones
    let d = request(app, MARIO, "2026-01-12").await;
    let err = IVC
        .refused(
            app,
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
    let err = IVC
        .refused(
            app,
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
    let body = IVC
        .call(
            app,
            "requestIvc",
            json!({ "fiscalCode": MARIO, "requestedOn": "2026-01-13", "provider": "Ente" }),
        )
        .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    d
}

/// Stale versions and dates out of the phase are refused; the dossier in identification.
async fn stale_versions_and_dates_are_refused(app: &TestApp, d: Value) -> Value {
    // stale version
    let taken = IVC
        .step(
            app,
            &d,
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-01-15" }),
        )
        .await;
    let err = IVC
        .refused(
            app,
            &d,
            "startIvcIdentification",
            json!({ "startedOn": "2026-01-20" }),
        )
        .await;
    assert_eq!(code_of(&err), "CONFLICT", "{err}");
    assert_eq!(err["extensions"]["currentVersion"], taken["version"]);
    // dates: not before the phase began, not in the future
    let err = IVC
        .refused(
            app,
            &taken,
            "startIvcIdentification",
            json!({ "startedOn": "2026-01-10" }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "startedOn", "{err}");
    let err = IVC
        .refused(
            app,
            &taken,
            "startIvcIdentification",
            json!({ "startedOn": "2099-01-10" }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "startedOn", "{err}");

    IVC.step(
        app,
        &taken,
        "startIvcIdentification",
        json!({ "startedOn": "2026-01-20" }),
    )
    .await
}

/// Identification: session kinds fit the phase, competences follow the repertoire, the
/// transparency document needs competences and experiences (V21); the dossier in validation.
async fn identification_checks_what_it_collects(app: &TestApp, mut d: Value) -> Value {
    // kinds fit the phase; competences are checked against the repertoire
    let err = IVC
        .refused(
            app,
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
        let err = IVC.refused(app, &d, "addIvcCompetence", c).await;
        assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
        assert_eq!(err["extensions"]["field"], name, "{err}");
    }
    let err = IVC
        .refused(
            app,
            &d,
            "releaseIvcTransparencyDocument",
            json!({ "releasedOn": "2026-03-02", "experiences": ["x y"] }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "competences", "V21: {err}");
    for on in ["2026-01-20", "2026-02-03"] {
        d = IVC
            .step(
                app,
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
    let d = IVC.step(app, &d, "addIvcCompetence", competence()).await;
    let err = IVC
        .refused(
            app,
            &d,
            "releaseIvcTransparencyDocument",
            json!({ "releasedOn": "2026-03-02" }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "experiences", "V21: {err}");
    let d = IVC
        .step(
            app,
            &d,
            "releaseIvcTransparencyDocument",
            json!({ "releasedOn": "2026-03-02", "experiences": ["Badante 2016-2025"] }),
        )
        .await;
    IVC.step(
        app,
        &d,
        "startIvcValidation",
        json!({ "startedOn": "2026-03-10" }),
    )
    .await
}

/// Validation: terzietà, the assessor's declaration (V22), a technical interview first;
/// the dossier with its technical interview.
async fn validation_checks_its_assessors(app: &TestApp, d: Value) -> Value {
    // terzietà: the identification operator may not assess as content expert
    let err = IVC
        .refused(
            app,
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
        let err = IVC.refused(app, &d, "addIvcSession", s).await;
        assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
        assert_eq!(err["extensions"]["field"], field, "{patch}: {err}");
        assert!(err["message"].as_str().unwrap().contains("V22"), "{err}");
    }
    let mut s = session("DOSSIER_REVIEW", "2026-03-12", 30, "op-9", "PROCESS_EXPERT");
    s["assessorEqfLevel"] = json!(6);
    let err = IVC.refused(app, &d, "addIvcSession", s).await;
    assert_eq!(err["extensions"]["field"], "assessorEqfLevel", "{err}");
    // no validation without a technical interview by a content expert
    let err = IVC
        .refused(
            app,
            &d,
            "completeIvcValidation",
            json!({ "result": "NEGATIVE", "decidedOn": "2026-03-20" }),
        )
        .await;
    assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
    let d = IVC
        .step(
            app,
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
    d
}

/// V20: the attestato's content is checked and nothing is written; a negative validation
/// closes the dossier as DOSSIER_ONLY.
async fn the_attestato_needs_its_content(app: &TestApp, d: Value) -> Value {
    // V20: the attestato without ADA codes is refused, naming the field; nothing written
    let mut a = attestato();
    a.as_object_mut().unwrap().remove("adaCodes");
    let err = IVC
        .refused(
            app,
            &d,
            "completeIvcValidation",
            json!({ "result": "POSITIVE", "decidedOn": "2026-03-20", "attestato": a }),
        )
        .await;
    assert_eq!(code_of(&err), "BAD_USER_INPUT", "{err}");
    assert_eq!(err["extensions"]["field"], "attestato.adaCodes");
    let err = IVC
        .refused(
            app,
            &d,
            "completeIvcValidation",
            json!({ "result": "POSITIVE", "decidedOn": "2026-03-20" }),
        )
        .await;
    assert_eq!(err["extensions"]["field"], "attestato", "{err}");
    assert_eq!(read(app, &d["id"]).await["version"], d["version"]);
    let d = IVC
        .step(
            app,
            &d,
            "completeIvcValidation",
            json!({ "result": "NEGATIVE", "decidedOn": "2026-03-20" }),
        )
        .await;
    assert_eq!(d["status"], "VALIDATION_NEGATIVE");
    let d = IVC
        .step(
            app,
            &d,
            "closeIvcDossier",
            json!({ "closedOn": "2026-03-21" }),
        )
        .await;
    assert_eq!(d["outcome"], "DOSSIER_ONLY");
    d
}

/// A closed dossier refuses everything, with no allowed next state.
async fn a_closed_dossier_refuses_everything(app: &TestApp, d: Value) {
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
        let err = IVC.refused(app, &d, name, input).await;
        assert_eq!(code_of(&err), "INVALID_TRANSITION", "{name}: {err}");
        assert_eq!(err["extensions"]["current"], "CLOSED");
        assert_eq!(err["extensions"]["allowed"], json!([]), "{name}");
    }
}

/// One path per citizen (seed 003), which a withdrawal does not use up; Anna's new dossier.
async fn one_path_per_citizen(app: &TestApp) -> Value {
    // one path per citizen (seed 003): Mario used the service
    let body = IVC
        .call(
            app,
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
    let a = request(app, anna().as_str(), "2026-01-12").await;
    let err = IVC
        .refused(
            app,
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
    let a = IVC
        .step(
            app,
            &a,
            "withdrawIvcDossier",
            json!({ "withdrawnOn": "2026-01-13", "reason": "trasferimento" }),
        )
        .await;
    assert_eq!(a["outcome"], "WITHDRAWN");
    let again = request(app, anna().as_str(), "2026-02-01").await;
    assert_eq!(again["status"], "REQUESTED");
    again
}

/// The Documento di trasparenza may be the citizen's own consolidated libretto only.
async fn a_libretto_is_the_transparency_document_once_consolidated(app: &TestApp, again: Value) {
    // a libretto that is not CONSOLIDATED cannot be the Documento di trasparenza
    let body = app
        .query(
            "mutation($cf: FiscalCode!) { openLibretto(input: { fiscalCode: $cf }) { id } }",
            json!({ "cf": anna().as_str() }),
        )
        .await;
    let libretto = body["data"]["openLibretto"]["id"].clone();
    assert!(libretto.is_string(), "{body}");
    let a = IVC
        .step(
            app,
            &again,
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-02-02" }),
        )
        .await;
    let a = IVC
        .step(
            app,
            &a,
            "startIvcIdentification",
            json!({ "startedOn": "2026-02-03" }),
        )
        .await;
    let a = IVC.step(app, &a, "addIvcCompetence", competence()).await;
    let err = IVC
        .refused(
            app,
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
    consolidate_libretto(app, &marios).await;
    let err = IVC
        .refused(
            app,
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
    let number = consolidate_libretto(app, &libretto).await;
    let a = IVC
        .step(
            app,
            &a,
            "releaseIvcTransparencyDocument",
            json!({ "releasedOn": "2026-03-02", "librettoId": libretto }),
        )
        .await;
    let doc = &a["transparencyDocument"];
    assert_eq!(doc["kind"], "LIBRETTO");
    assert_eq!(doc["librettoNumber"], number);
    assert_eq!(doc["anagrafica"]["familyName"], "BIANCHI");
}
