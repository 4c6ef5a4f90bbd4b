//! The Libretto formativo through GraphQL only: prefill from the regional sources, both
//! sections, evidences with files, consolidation into immutable versions, update, history;
//! and the guarantees around writes (conflicts, atomicity, batching).

use crate::fixtures::MARIO;
use crate::helpers::{
    Document, TestApp, error_codes, ok, pdf, refuse_audit_writes, spawn_app, spawn_fixture_app,
};
use fascicolo::testing::Engine;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const LIBRETTO_FIELDS: &str = "id status version number area versions { n } \
    experiences(includeDropped: true) { id origin source sourceRowId kind organisation \
      title startDate edited dropped original { organisation } } \
    competences { id type description context evidences { id title file { mediaType sha256 } } } \
    evidences { id category file { sizeBytes } }";

/// The libretto's mutations, each selecting the whole libretto.
const LIBRETTO: Document = Document {
    fields: LIBRETTO_FIELDS,
    key: "id",
    input_type,
};

/// Input type of each mutation (several share one).
fn input_type(mutation: &str) -> &'static str {
    match mutation {
        "openLibretto" => "OpenLibrettoInput",
        "startLibrettoCompilation" => "LibrettoStepInput",
        "addLibrettoExperience" | "updateLibrettoExperience" => "LibrettoExperienceInput",
        "dropLibrettoExperience" => "DropLibrettoExperienceInput",
        "addLibrettoCompetence" => "LibrettoCompetenceInput",
        "linkCompetenceEvidences" | "removeLibrettoCompetence" => "LibrettoCompetenceRefInput",
        "addLibrettoEvidence" => "LibrettoEvidenceInput",
        "consolidateLibretto" => "ConsolidateLibrettoInput",
        "updateLibretto" | "cancelLibretto" => "LibrettoReasonInput",
        other => panic!("unknown mutation {other}"),
    }
}

fn version(libretto: &Value) -> i64 {
    libretto["version"].as_i64().expect("version")
}

/// `addLibrettoEvidence` as a GraphQL multipart request (the file is a real upload).
async fn add_evidence(
    app: &TestApp,
    libretto: &Value,
    category: &str,
    file: Option<(&str, Vec<u8>)>,
) -> Value {
    let input = json!({
        "librettoId": libretto["id"], "version": version(libretto), "category": category,
        "title": "Attestato corso HACCP", "issuer": "Agenzia formativa Prato",
        "issuedOn": "2019-03-01", "file": null,
    });
    LIBRETTO
        .upload(app, "addLibrettoEvidence", input, file)
        .await
}

async fn open_mario(app: &TestApp) -> Value {
    let body = LIBRETTO
        .call(app, "openLibretto", json!({ "fiscalCode": MARIO }))
        .await;
    ok(&body, "openLibretto").clone()
}

async fn lifecycle(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let (libretto, beta) = open_and_start_compilation(&app).await;
    let libretto = experiences_are_declared_edited_and_dropped(&app, libretto, &beta).await;
    let (libretto, number, evidence) =
        consolidated_with_evidence_and_signature(&app, libretto).await;
    reporting_tallies_follow_every_change(&app, &libretto).await;
    let libretto = an_update_makes_a_new_version(&app, libretto, &number, &evidence).await;
    versions_stay_readable_and_stale_ones_conflict(&app, &libretto).await;
    the_profile_shows_it_and_writes_are_audited(&app, &number).await;
    app.stop().await;
}

#[tokio::test]
async fn libretto_lifecycle_sqlite() {
    lifecycle("libretto_lifecycle_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn libretto_lifecycle_postgres() {
    lifecycle("libretto_lifecycle_postgres", Engine::Postgres).await;
}

/// Opening prefills from both sources; a second libretto and an early consolidation are
/// refused; compilation starts.
async fn open_and_start_compilation(app: &TestApp) -> (Value, Value) {
    let libretto = open_mario(app).await;
    assert_eq!(libretto["status"], "DRAFT");
    assert_eq!(
        libretto["area"], "Prato",
        "reporting area from the residence"
    );
    let experiences = libretto["experiences"].as_array().unwrap();
    // 3 employments in `lavoro`, 1 training in `lavoro`, 2 trainings in `formazione`
    assert_eq!(experiences.len(), 6, "{libretto}");
    assert!(experiences.iter().all(|e| e["origin"] == "REGIONAL_DB"));
    let beta = experiences
        .iter()
        .find(|e| e["organisation"] == "Beta Srl")
        .expect("the Beta Srl employment was copied");
    assert_eq!(beta["source"], "lavoro");
    assert_eq!(beta["sourceRowId"], "12");
    assert!(
        experiences
            .iter()
            .any(|e| e["source"] == "formazione" && e["title"] == "Corso HACCP")
    );

    // a second libretto for the same citizen is refused
    let again = app
        .query(
            "mutation { openLibretto(input: { fiscalCode: \"RSSMRA85T10A562S\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&again), ["CONFLICT"], "{again}");

    // consolidating a draft is not a step of the lifecycle
    let early = LIBRETTO
        .call(
            app,
            "consolidateLibretto",
            json!({ "id": libretto["id"], "version": version(&libretto), "citizenSigned": true }),
        )
        .await;
    assert_eq!(error_codes(&early), ["INVALID_TRANSITION"]);
    let ext = &early["errors"][0]["extensions"];
    assert_eq!(ext["current"], "DRAFT");
    assert_eq!(ext["allowed"], json!(["IN_COMPILATION", "CANCELLED"]));

    let body = LIBRETTO
        .call(
            app,
            "startLibrettoCompilation",
            json!({ "id": libretto["id"], "version": version(&libretto) }),
        )
        .await;
    let libretto = ok(&body, "startLibrettoCompilation").clone();
    assert_eq!(libretto["status"], "IN_COMPILATION");
    (libretto, beta.clone())
}

/// A self-declared experience, an edit of a prefilled one, a dropped one.
/// `beta` is a prefilled experience to edit.
async fn experiences_are_declared_edited_and_dropped(
    app: &TestApp,
    libretto: Value,
    beta: &Value,
) -> Value {
    // a self-declared experience, an edit of a prefilled one, a dropped one
    let body = LIBRETTO
        .call(
            app,
            "addLibrettoExperience",
            json!({ "librettoId": libretto["id"], "version": version(&libretto), "kind": "WORK",
                "organisation": "Associazione Sportiva Prato", "title": "Allenatore volontario",
                "startDate": "2018-09-01", "endDate": "2020-06-30",
                "description": "Allenatore della squadra giovanile" }),
        )
        .await;
    let libretto = ok(&body, "addLibrettoExperience").clone();
    let body = LIBRETTO.call(
        app,
        "updateLibrettoExperience",
        json!({ "librettoId": libretto["id"], "version": version(&libretto), "experienceId": beta["id"],
                "kind": "WORK", "organisation": "Beta S.r.l. (logistica)", "startDate": "2016-05-02",
                "contractType": "A.01.00", "occupationCode": "4.3.1.2.0" }),
    )
    .await;
    let libretto = ok(&body, "updateLibrettoExperience").clone();
    let edited = libretto["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == beta["id"])
        .unwrap();
    assert_eq!(edited["organisation"], "Beta S.r.l. (logistica)");
    assert_eq!(edited["edited"], true);
    assert_eq!(edited["source"], "lavoro", "provenance stays");
    assert_eq!(edited["original"]["organisation"], "Beta Srl");
    let delta = libretto["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["organisation"] == "Delta Snc")
        .unwrap()
        .clone();
    let body = LIBRETTO.call(
        app,
        "dropLibrettoExperience",
        json!({ "librettoId": libretto["id"], "version": version(&libretto),
                "experienceId": delta["id"], "reason": "Rapporto durato pochi giorni, non pertinente" }),
    )
    .await;
    let libretto = ok(&body, "dropLibrettoExperience").clone();
    assert_eq!(libretto["experiences"].as_array().unwrap().len(), 7);
    assert!(
        libretto["experiences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == delta["id"] && e["dropped"] == true)
    );
    libretto
}

/// An evidence with a PDF, a competence citing it, the citizen's signature: consolidated;
/// the libretto and its number.
async fn consolidated_with_evidence_and_signature(
    app: &TestApp,
    libretto: Value,
) -> (Value, String, Value) {
    // an evidence with a PDF, then a competence that cites it
    let body = add_evidence(app, &libretto, "PROFESSIONAL", Some(("haccp.pdf", pdf()))).await;
    let libretto = ok(&body, "addLibrettoEvidence").clone();
    let evidence = &libretto["evidences"][0];
    assert_eq!(evidence["file"]["sizeBytes"], pdf().len());
    let body = LIBRETTO
        .call(
            app,
            "addLibrettoCompetence",
            json!({ "librettoId": libretto["id"], "version": version(&libretto),
                "type": "TECHNICAL_PROFESSIONAL", "context": "NON_FORMAL",
                "description": "Applicare le procedure HACCP nella gestione degli alimenti",
                "adaCode": "ADA.02.01.03", "evidenceIds": [evidence["id"]] }),
        )
        .await;
    let libretto = ok(&body, "addLibrettoCompetence").clone();
    let competence = &libretto["competences"][0];
    assert_eq!(
        competence["evidences"][0]["file"]["mediaType"],
        "application/pdf"
    );
    assert_eq!(
        competence["evidences"][0]["file"]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    // the citizen must sign
    let unsigned = LIBRETTO
        .call(
            app,
            "consolidateLibretto",
            json!({ "id": libretto["id"], "version": version(&libretto), "citizenSigned": false }),
        )
        .await;
    assert_eq!(error_codes(&unsigned), ["BAD_USER_INPUT"]);
    assert_eq!(
        unsigned["errors"][0]["extensions"]["field"],
        "citizenSigned"
    );

    let body = LIBRETTO
        .call(
            app,
            "consolidateLibretto",
            json!({ "id": libretto["id"], "version": version(&libretto), "citizenSigned": true }),
        )
        .await;
    let libretto = ok(&body, "consolidateLibretto").clone();
    assert_eq!(libretto["status"], "CONSOLIDATED");
    let number = libretto["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("LFC-TOS-"), "{number}");
    (libretto, number, evidence.clone())
}

/// The reporting tallies followed every change.
async fn reporting_tallies_follow_every_change(app: &TestApp, libretto: &Value) {
    // the reporting tallies followed every change: 6 prefilled, 1 declared, 1 dropped, and
    // the evidence (admin sees cells of 1)
    let admin = app.token(fascicolo::auth::Role::Admin, None);
    let (_, stats) = app
        .post(
            Some(&admin),
            "{ statistics { libretti { experiencesByOrigin { cells { key count } } \
             evidencesByCategory { cells { key count } } } } }",
            json!({}),
        )
        .await;
    let tallies = &stats["data"]["statistics"]["libretti"];
    assert_eq!(
        tallies["experiencesByOrigin"]["cells"],
        json!([{ "key": "REGIONAL_DB", "count": 5 }, { "key": "SELF_DECLARED", "count": 1 }]),
        "{stats}"
    );
    assert_eq!(
        tallies["evidencesByCategory"]["cells"],
        json!([{ "key": "PROFESSIONAL", "count": 1 }]),
        "{stats}"
    );
    assert_eq!(libretto["versions"], json!([{ "n": 1 }]));
}

/// A consolidated libretto is immutable until an update starts, which makes version 2.
/// `evidence` is the first libretto's evidence, which the new competence cites.
async fn an_update_makes_a_new_version(
    app: &TestApp,
    libretto: Value,
    number: &str,
    evidence: &Value,
) -> Value {
    // a consolidated libretto is immutable until an update starts
    let frozen = LIBRETTO
        .call(
            app,
            "addLibrettoCompetence",
            json!({ "librettoId": libretto["id"], "version": version(&libretto),
                "type": "TRANSVERSAL", "context": "INFORMAL", "description": "Lavoro di squadra" }),
        )
        .await;
    assert_eq!(error_codes(&frozen), ["INVALID_TRANSITION"]);

    let body = LIBRETTO.call(
        app,
        "updateLibretto",
        json!({ "id": libretto["id"], "version": version(&libretto), "reason": "Nuovo corso concluso" }),
    )
    .await;
    let libretto = ok(&body, "updateLibretto").clone();
    assert_eq!(libretto["status"], "IN_UPDATE");
    let body = LIBRETTO
        .call(
            app,
            "addLibrettoCompetence",
            json!({ "librettoId": libretto["id"], "version": version(&libretto),
                "type": "TRANSVERSAL", "context": "INFORMAL", "description": "Lavoro di squadra",
                "evidenceIds": [evidence["id"]] }),
        )
        .await;
    let libretto = ok(&body, "addLibrettoCompetence").clone();
    let body = LIBRETTO
        .call(
            app,
            "consolidateLibretto",
            json!({ "id": libretto["id"], "version": version(&libretto), "citizenSigned": true }),
        )
        .await;
    let libretto = ok(&body, "consolidateLibretto").clone();
    assert_eq!(libretto["number"], number, "the number stays");
    libretto
}

/// Every version stays readable as it was issued; a stale version is a conflict.
async fn versions_stay_readable_and_stale_ones_conflict(app: &TestApp, libretto: &Value) {
    // every version stays readable as it was issued
    let history = app
        .query(
            "query($id: ID!) { libretto(id: $id) { versions { n number person { familyName sources } \
               competences { description evidences { title } } experiences { organisation } } \
               history { fromStatus toStatus by } } }",
            json!({ "id": libretto["id"] }),
        )
        .await;
    let versions = history["data"]["libretto"]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{history}");
    assert_eq!(versions[0]["competences"].as_array().unwrap().len(), 1);
    assert_eq!(versions[1]["competences"].as_array().unwrap().len(), 2);
    assert_eq!(versions[0]["person"]["familyName"], "ROSSI");
    assert_eq!(
        versions[0]["competences"][0]["evidences"][0]["title"],
        "Attestato corso HACCP"
    );
    let steps: Vec<(&str, &str)> = history["data"]["libretto"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["fromStatus"].as_str().unwrap_or("-"),
                h["toStatus"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("-", "DRAFT"),
            ("DRAFT", "IN_COMPILATION"),
            ("IN_COMPILATION", "CONSOLIDATED"),
            ("CONSOLIDATED", "IN_UPDATE"),
            ("IN_UPDATE", "CONSOLIDATED"),
        ]
    );

    // a stale version is a conflict, naming the current one
    let stale = LIBRETTO
        .call(
            app,
            "updateLibretto",
            json!({ "id": libretto["id"], "version": 1, "reason": "x" }),
        )
        .await;
    assert_eq!(error_codes(&stale), ["CONFLICT"]);
    assert_eq!(
        stale["errors"][0]["extensions"]["currentVersion"],
        version(libretto)
    );
}

/// The citizen's profile shows the libretto; the writes were audited.
async fn the_profile_shows_it_and_writes_are_audited(app: &TestApp, number: &str) {
    // the citizen's profile shows the libretto; the writes were audited
    let profile = app
        .query(
            "{ citizen(fiscalCode: \"RSSMRA85T10A562S\") { libretto { number status } } }",
            json!({}),
        )
        .await;
    assert_eq!(profile["data"]["citizen"]["libretto"]["number"], number);
    let admin = app.token(fascicolo::auth::Role::Admin, None);
    let (_, audit) = app
        .post(
            Some(&admin),
            "{ auditLog(fiscalCode: \"RSSMRA85T10A562S\", first: 100) { edges { node { action fields } } } }",
            json!({}),
        )
        .await;
    let writes: Vec<&str> = audit["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["action"] == "write")
        .map(|e| e["node"]["fields"][0].as_str().unwrap())
        .collect();
    assert!(
        writes.iter().any(|w| w.starts_with("libretto.open")),
        "{audit}"
    );
    assert_eq!(
        writes
            .iter()
            .filter(|w| w.starts_with("libretto.consolidate"))
            .count(),
        2
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let Some(app) = spawn_fixture_app("libretto_bad_input", Engine::Sqlite).await else {
        return;
    };
    let libretto = open_mario(&app).await;
    let v = version(&libretto);
    let cases = [
        // A.03.02 was withdrawn on 2012-04-25 (DOMAIN.md §3.5, V4)
        (
            json!({ "kind": "WORK", "organisation": "X", "startDate": "2013-01-07", "contractType": "A.03.02" }),
            "contractType",
        ),
        (
            json!({ "kind": "WORK", "organisation": "X", "startDate": "2015-01-01", "endDate": "2014-01-01" }),
            "endDate",
        ),
        (
            json!({ "kind": "WORK", "organisation": "X", "startDate": "2015-01-01", "occupationCode": "99.1" }),
            "occupationCode",
        ),
        (
            json!({ "kind": "TRAINING", "title": "Corso", "eqfLevel": 9 }),
            "eqfLevel",
        ),
        (
            json!({ "kind": "WORK", "startDate": "2015-01-01" }),
            "organisation",
        ),
    ];
    for (fields, field) in cases {
        let mut input = fields.clone();
        input["librettoId"] = libretto["id"].clone();
        input["version"] = json!(v);
        let body = LIBRETTO.call(&app, "addLibrettoExperience", input).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }
    // not a PDF or image; an unknown category
    let body = add_evidence(
        &app,
        &libretto,
        "PROFESSIONAL",
        Some(("cv.docx", b"PK\x03\x04".to_vec())),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "file", "{body}");
    let body = add_evidence(&app, &libretto, "SELFIE", None).await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "category",
        "{body}"
    );
    let after = app
        .query(
            "query($id: ID!) { libretto(id: $id) { version experiences { id } evidences { id } } }",
            json!({ "id": libretto["id"] }),
        )
        .await;
    assert_eq!(
        after["data"]["libretto"]["version"], v,
        "nothing was written"
    );
    assert_eq!(
        after["data"]["libretto"]["experiences"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    assert_eq!(after["data"]["libretto"]["evidences"], json!([]));
    app.stop().await;
}

/// A write that fails after its first statements leaves nothing behind: the audit insert, the
/// last statement of every mutation, is made to fail by a trigger.
async fn failing_write_leaves_nothing(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let libretto = open_mario(&app).await;
    refuse_audit_writes(&app).await;
    let db = app.state.store.db();
    let body = LIBRETTO
        .call(
            &app,
            "addLibrettoExperience",
            json!({ "librettoId": libretto["id"], "version": version(&libretto), "kind": "WORK",
                "organisation": "Nuova Srl", "startDate": "2020-01-01" }),
        )
        .await;
    assert_eq!(error_codes(&body), ["INTERNAL"], "{body}");
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT (SELECT version FROM libretto WHERE id = '{id}') AS v, \
                 (SELECT COUNT(*) FROM libretto_experience WHERE libretto_id = '{id}') AS n",
                id = libretto["id"].as_str().unwrap()
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get::<i64>("", "v").unwrap(), version(&libretto));
    assert_eq!(row.try_get::<i64>("", "n").unwrap(), 6);
    app.stop().await;
}

#[tokio::test]
async fn failing_write_leaves_nothing_sqlite() {
    failing_write_leaves_nothing("libretto_atomic_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn failing_write_leaves_nothing_postgres() {
    failing_write_leaves_nothing("libretto_atomic_postgres", Engine::Postgres).await;
}

/// 50 operators add an experience to the same libretto at once, each retrying on CONFLICT
/// with the version it reads again: every addition lands, none is lost.
async fn concurrent_writers(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let libretto = open_mario(&app).await;
    let id = libretto["id"].as_str().unwrap().to_owned();
    let start_version = version(&libretto);
    let app = std::sync::Arc::new(app);
    let mut tasks = Vec::new();
    for writer in 0..50 {
        let app = app.clone();
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0u32;
            loop {
                let read = app
                    .query("query($id: ID!) { libretto(id: $id) { version } }", json!({ "id": id }))
                    .await;
                let v = read["data"]["libretto"]["version"].as_i64().unwrap();
                let body = app
                    .query(
                        "mutation($input: LibrettoExperienceInput!) { addLibrettoExperience(input: $input) { version } }",
                        json!({ "input": { "librettoId": id, "version": v, "kind": "WORK",
                                "organisation": format!("Writer {writer}"), "startDate": "2020-01-01" } }),
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
    let after = app
        .query(
            "query($id: ID!) { libretto(id: $id) { version experiences { organisation } } }",
            json!({ "id": id }),
        )
        .await;
    let writers: std::collections::BTreeSet<&str> = after["data"]["libretto"]["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["organisation"].as_str())
        .filter(|o| o.starts_with("Writer "))
        .collect();
    eprintln!("{test}: 50 writers, {conflicts} conflicts retried, no update lost");
    assert_eq!(writers.len(), 50, "every writer's experience is there");
    assert_eq!(
        after["data"]["libretto"]["version"].as_i64().unwrap(),
        start_version + 50
    );
    if let Ok(app) = std::sync::Arc::try_unwrap(app) {
        app.stop().await;
    }
}

#[tokio::test]
async fn fifty_concurrent_writers_lose_nothing_sqlite() {
    concurrent_writers("libretto_concurrency_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn fifty_concurrent_writers_lose_nothing_postgres() {
    concurrent_writers("libretto_concurrency_postgres", Engine::Postgres).await;
}

/// Reading 100 citizens' libretti with every relation costs as many store statements as one.
#[tokio::test]
async fn libretto_reads_are_batched() {
    let data = fascicolo::sources::demo::generate(7, 150);
    let codes: Vec<String> = data
        .lavoro
        .persons
        .iter()
        .take(100)
        .map(|p| p.fiscal_code.clone())
        .collect();
    let sources = vec![crate::helpers::SourceSpec {
        name: "lavoro",
        engine: Engine::Sqlite,
        data: data.lavoro,
    }];
    let Some(app) = spawn_app("libretto_batched", Engine::Sqlite, sources, &[]).await else {
        return;
    };
    for code in &codes {
        let body = LIBRETTO
            .call(&app, "openLibretto", json!({ "fiscalCode": code }))
            .await;
        let libretto = ok(&body, "openLibretto");
        let body = LIBRETTO.call(
            &app,
            "addLibrettoCompetence",
            json!({ "librettoId": libretto["id"], "version": version(libretto),
                    "type": "DIGITAL", "context": "INFORMAL", "description": "Uso del foglio di calcolo" }),
        )
        .await;
        ok(&body, "addLibrettoCompetence");
    }
    let query = "query($codes: [FiscalCode!]!) { citizens(fiscalCodes: $codes) { libretto { \
        status experiences { id } competences { id evidences { id } } evidences { id } \
        versions { n } history { toStatus } } } }";
    let mut counts = Vec::new();
    for n in [1, 100] {
        let before = app.store_statements();
        let body = app.query(query, json!({ "codes": &codes[..n] })).await;
        let answered = body["data"]["citizens"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["libretto"]["competences"]
                    .as_array()
                    .is_some_and(|a| a.len() == 1)
            })
            .count();
        assert_eq!(answered, n, "{body}");
        counts.push(app.store_statements() - before);
    }
    eprintln!("store statements for 1 and 100 citizens' libretti: {counts:?}");
    assert_eq!(
        counts[0], counts[1],
        "store statements grow with citizens: {counts:?}"
    );
    app.stop().await;
}
