//! V3 (DOMAIN.md §3.1): a provisional codice fiscale (11 digits, the check digit of a partita
//! IVA), given while the definitive one is pending, is a citizen's key like any other: found
//! in regional sources of every engine (a CHAR(16) column pads it on PostgreSQL and MariaDB),
//! with a libretto of its own; a wrong check digit is refused naming the rule.

use crate::helpers::{SourceSpec, employment, error_codes, mutate, ok, person, spawn_app};
use fascicolo::sources::demo::SourceData;
use fascicolo::testing::Engine;
use serde_json::json;

/// A provisional code: 0074311015 and its check digit 7.
const PROVISIONAL: &str = "00743110157";

fn source(name: &'static str, engine: Engine) -> SourceSpec {
    let mut p = person(PROVISIONAL, "OKAFOR", "CHIDI", "2026-01-10 09:00:00");
    p.birth_place_code = Some("Z335".into());
    SourceSpec {
        name,
        engine,
        data: SourceData {
            persons: vec![p],
            employments: vec![employment(
                7001,
                PROVISIONAL,
                "Cooperativa Delta",
                "2025-05-02",
                None,
                "A.02.00",
            )],
            ..SourceData::default()
        },
    }
}

async fn provisional_codes(test: &str, store: Engine) {
    let sources = vec![
        source("lavoro", Engine::Postgres),
        source("formazione", Engine::MySql),
    ];
    let Some(app) = spawn_app(test, store, sources, &[]).await else {
        return;
    };
    let query = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { fiscalCode \
        person { familyName warnings sources { source fiscalCode } } employments { source } \
        possibleOmocodes { fiscalCode } } }";
    let body = app.query(query, json!({ "cf": PROVISIONAL })).await;
    let citizen = ok(&body, "citizen");
    assert_eq!(citizen["fiscalCode"], PROVISIONAL);
    assert_eq!(citizen["person"]["familyName"], "OKAFOR");
    assert_eq!(
        citizen["person"]["warnings"],
        json!([]),
        "nothing to decode"
    );
    assert_eq!(
        citizen["person"]["sources"].as_array().unwrap().len(),
        2,
        "{body}"
    );
    assert_eq!(
        citizen["employments"].as_array().unwrap().len(),
        2,
        "{body}"
    );
    assert_eq!(citizen["possibleOmocodes"], json!([]));
    let opened = mutate(
        &app,
        "openLibretto",
        "OpenLibrettoInput",
        "id fiscalCode",
        json!({ "fiscalCode": PROVISIONAL }),
    )
    .await;
    assert_eq!(ok(&opened, "openLibretto")["fiscalCode"], PROVISIONAL);
    let body = app.query(query, json!({ "cf": "00743110158" })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("check digit is '8', expected '7'"),
        "{message}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_provisional_code_is_a_key_sqlite() {
    provisional_codes("provisional_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn a_provisional_code_is_a_key_postgres() {
    provisional_codes("provisional_postgres", Engine::Postgres).await;
}
