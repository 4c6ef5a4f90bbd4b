//! The demo's sample documents: written through the API on a store without documents, they
//! cover every state of both lifecycles, and a second start writes nothing.

use crate::helpers::error_codes;
use crate::helpers::{SourceSpec, TestApp, spawn_app};
use fascicolo::demo::documents::{DOSSIERS, LIBRETTI, ORIENTATIONS, seed_once};
use fascicolo::demo::{DEMO_SEED, DEMO_SOURCES};
use fascicolo::sources::demo::generate;
use fascicolo::testing::Engine;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use std::collections::BTreeMap;

async fn counts(app: &TestApp, query: &str, field: &str, key: &str) -> BTreeMap<String, u64> {
    let body = app.query(query, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    let mut counts = BTreeMap::new();
    for edge in body["data"][field]["edges"].as_array().unwrap() {
        let node = &edge["node"];
        let mut k = node[key].as_str().unwrap().to_owned();
        if let Some(outcome) = node["outcome"].as_str() {
            k = format!("{k}/{outcome}");
        }
        *counts.entry(k).or_insert(0) += 1;
    }
    counts
}

async fn demo_documents(test: &str, store: Engine) {
    let data = generate(DEMO_SEED, 1_000);
    let sources = vec![
        SourceSpec {
            name: DEMO_SOURCES[0],
            engine: Engine::Sqlite,
            data: data.lavoro,
        },
        SourceSpec {
            name: DEMO_SOURCES[1],
            engine: Engine::Sqlite,
            data: data.formazione,
        },
    ];
    let Some(app) = spawn_app(test, store, sources, &[]).await else {
        return;
    };
    let written = seed_once(&app.http)
        .await
        .expect("demo documents")
        .expect("first run");
    assert_eq!(written.dossiers, DOSSIERS.len());
    // the dossiers whose Documento di trasparenza is a libretto consolidated one each
    assert!(written.libretti > LIBRETTI.len(), "{written:?}");

    libretti_in_every_state(&app, written.libretti).await;
    dossiers_in_every_state(&app).await;
    orientation_records(&app, written.orientations).await;
    the_reporting_api_counts_them(&app).await;
    their_pdfs_render(&app).await;
    assert_eq!(seed_once(&app.http).await.expect("second run"), None);
    app.stop().await;
}

/// The libretti: two in each unfinished state, the rest consolidated, updated ones in two
/// versions.
async fn libretti_in_every_state(app: &TestApp, libretti_written: usize) {
    let libretti = counts(
        app,
        "{ librettos(first: 100) { edges { node { status versions { n } } } } }",
        "librettos",
        "status",
    )
    .await;
    assert_eq!(libretti["DRAFT"], 2, "{libretti:?}");
    assert_eq!(libretti["IN_COMPILATION"], 2, "{libretti:?}");
    assert_eq!(libretti["IN_UPDATE"], 2, "{libretti:?}");
    assert_eq!(libretti["CANCELLED"], 2, "{libretti:?}");
    assert_eq!(
        libretti["CONSOLIDATED"] as usize,
        libretti_written - 8,
        "{libretti:?}"
    );
    let body = app
        .query(
            "{ librettos(first: 100, filter: { status: CONSOLIDATED }) { edges { node { \
             versions { n } competences { evidences { id } } } } } }",
            json!({}),
        )
        .await;
    let versions: Vec<usize> = body["data"]["librettos"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["versions"].as_array().unwrap().len())
        .collect();
    assert_eq!(
        versions.iter().filter(|v| **v == 2).count(),
        2,
        "updated and consolidated again: {versions:?}"
    );
}

/// The dossiers in every state; an attestato with its ADA codes, evidences with files.
async fn dossiers_in_every_state(app: &TestApp) {
    let dossiers = counts(
        app,
        "{ ivcDossiers(first: 100) { edges { node { status outcome } } } }",
        "ivcDossiers",
        "status",
    )
    .await;
    for state in [
        "REQUESTED",
        "TAKEN_IN_CHARGE",
        "IDENTIFICATION",
        "TRANSPARENCY_RELEASED",
        "VALIDATION",
        "VALIDATION_NEGATIVE",
        "ATTESTATO_RELEASED",
        "CERTIFICATION",
        "CERTIFICATE_RELEASED",
        "NOT_PASSED",
        "CLOSED/DOSSIER_ONLY",
        "CLOSED/DOSSIER_AND_ATTESTATO",
        "CLOSED/QUALIFICATION",
        "CLOSED/WITHDRAWN",
    ] {
        assert_eq!(dossiers.get(state), Some(&1), "{state}: {dossiers:?}");
    }
    // an attestato names its ADA codes and qualification; evidences carry a file
    let body = app
        .query(
            "{ ivcDossiers(first: 100, filter: { status: ATTESTATO_RELEASED }) { edges { node { \
             attestato { number adaCodes qualification { code } } evidences { file { sha256 } } \
             hoursUsed costEur } } } }",
            json!({}),
        )
        .await;
    let node: &Value = &body["data"]["ivcDossiers"]["edges"][0]["node"];
    assert!(
        node["attestato"]["number"]
            .as_str()
            .unwrap()
            .starts_with("TOS-IVC-2025-"),
        "{body}"
    );
    assert_eq!(node["attestato"]["adaCodes"].as_array().unwrap().len(), 1);
    assert_eq!(
        node["evidences"][0]["file"]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    // 2 x 90 + 30 identification, 120 + 60 validation = 6.5 h at 40 EUR
    assert_eq!(node["hoursUsed"], 6.5, "{node}");
    assert_eq!(node["costEur"], 260.0, "{node}");
}

/// Orientation: consent given, refused and withdrawn; pacts, propensities, CVs.
/// Issue 23: a consolidated libretto, and a dossier closed with its attestato, download as
/// PDFs that read back with their numbers.
async fn their_pdfs_render(app: &TestApp) {
    let body = app
        .query(
            "{ librettos(filter: { status: CONSOLIDATED }, first: 1) { edges { node { id number } } } \
             ivcDossiers(filter: { outcome: DOSSIER_AND_ATTESTATO }, first: 1) { edges { node { \
             id attestato { number } } } } }",
            json!({}),
        )
        .await;
    let libretto = &body["data"]["librettos"]["edges"][0]["node"];
    let dossier = &body["data"]["ivcDossiers"]["edges"][0]["node"];
    let token = app.operator();
    for (path, number) in [
        (
            format!(
                "/documents/libretti/{}.pdf",
                libretto["id"].as_str().unwrap()
            ),
            &libretto["number"],
        ),
        (
            format!(
                "/documents/ivc/{}/attestato.pdf",
                dossier["id"].as_str().unwrap()
            ),
            &dossier["attestato"]["number"],
        ),
        (
            format!(
                "/documents/ivc/{}/transparency.pdf",
                dossier["id"].as_str().unwrap()
            ),
            &dossier["id"],
        ),
    ] {
        let response = app
            .client
            .get(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let pdf = response.bytes().await.unwrap();
        if let Some(text) = crate::documents::pdf_text(&pdf) {
            assert!(text.contains(number.as_str().unwrap()), "{path}: {text}");
        }
    }
}

async fn orientation_records(app: &TestApp, orientations_written: usize) {
    // orientation: consent given, refused and withdrawn; pacts, propensities, CVs
    assert_eq!(orientations_written, ORIENTATIONS);
    let body = app
        .query(
            "{ portalCandidates(fiscalCodes: []) { fiscalCode } }",
            json!({}),
        )
        .await;
    assert_eq!(
        error_codes(&body),
        ["FORBIDDEN"],
        "operators use citizen(), not the portal view"
    );
    let db = app.state.store.db();
    let consent: Vec<(bool, Option<chrono::NaiveDate>)> = entities::orientation::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.consent_matching, o.consent_withdrawn_on))
        .collect();
    assert_eq!(consent.len(), ORIENTATIONS);
    assert!(consent.iter().any(|c| c.0), "some consent");
    assert!(
        consent.iter().any(|c| !c.0 && c.1.is_none()),
        "some refused at intake"
    );
    assert!(
        consent.iter().any(|c| !c.0 && c.1.is_some()),
        "some withdrawn"
    );
    let cvs = entities::cv::Entity::find().count(db).await.unwrap();
    assert_eq!(cvs as usize, ORIENTATIONS);
}

/// The same documents through the reporting API (admin: no cell suppressed).
async fn the_reporting_api_counts_them(app: &TestApp) {
    // the same documents through the reporting API (admin: no cell suppressed)
    let admin = app.token(fascicolo::auth::Role::Admin, None);
    let cell = "cells { key label count } total";
    let (_, body) = app
        .post(
            Some(&admin),
            &format!(
                "{{ statistics {{ libretti {{ evidencesByCategory {{ {cell} }} \
                 experiencesByOrigin {{ {cell} }} }} ivc {{ outcomes {{ {cell} }} \
                 totals {{ hours costEur }} }} orientation {{ measuresByCode {{ {cell} }} \
                 cvs {{ {cell} }} propensitiesByOccupationGroup {{ {cell} }} }} }} }}"
            ),
            json!({}),
        )
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let stats = &body["data"]["statistics"];
    let keyed = |v: &Value| -> BTreeMap<String, (Value, Value)> {
        v["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["key"].as_str().unwrap_or("null").to_owned(),
                    (c["count"].clone(), c["label"].clone()),
                )
            })
            .collect()
    };
    let categories = keyed(&stats["libretti"]["evidencesByCategory"]);
    assert_eq!(
        categories["PROFESSIONAL"].1, "Documenti rilasciati in ambito professionale o lavorativo",
        "{categories:?}"
    );
    assert!(
        keyed(&stats["libretti"]["experiencesByOrigin"]).len() == 2,
        "{body}"
    );
    let outcomes = keyed(&stats["ivc"]["outcomes"]);
    for outcome in [
        "DOSSIER_ONLY",
        "DOSSIER_AND_ATTESTATO",
        "QUALIFICATION",
        "WITHDRAWN",
    ] {
        assert_eq!(outcomes[outcome].0, 1, "{outcome}: {outcomes:?}");
    }
    assert!(stats["ivc"]["totals"]["hours"].as_f64().unwrap() > 0.0);
    assert_eq!(
        keyed(&stats["orientation"]["measuresByCode"])["A05"].0,
        ORIENTATIONS as i64
    );
    assert_eq!(
        keyed(&stats["orientation"]["cvs"])["VALID"].0,
        ORIENTATIONS as i64
    );
}

#[tokio::test]
async fn demo_documents_sqlite() {
    demo_documents("demo_documents_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn demo_documents_postgres() {
    demo_documents("demo_documents_postgres", Engine::Postgres).await;
}
