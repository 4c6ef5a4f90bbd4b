//! Seed 003 (V18): the IVC service is for people "residenti o domiciliati" in the region: a
//! resident elsewhere is refused unless a domicile in the region is declared, which the
//! dossier keeps; `ivc.residence_required = false` turns the rule off.

use super::{IVC, ivc_sources, outsider};
use crate::helpers::{code_of, spawn_app, spawn_app_configured};
use fascicolo::testing::Engine;
use serde_json::json;

async fn residence(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, ivc_sources(Engine::Sqlite), &[]).await else {
        return;
    };
    let request = |domicile: Option<&str>| {
        json!({ "fiscalCode": outsider().as_str(), "requestedOn": "2026-01-12",
            "provider": "Agenzia formativa Alfa", "domicileProvince": domicile })
    };
    for (domicile, expected) in [
        (
            None,
            "the person record gives the residence in MI, outside the region",
        ),
        (
            Some("MI"),
            "domicileProvince: MI is not a province of the region",
        ),
        (Some("Firenze"), "is not a province sigla"),
    ] {
        let body = IVC.call(&app, "requestIvc", request(domicile)).await;
        let err = &body["errors"][0];
        assert_eq!(code_of(err), "BAD_USER_INPUT", "{body}");
        let message = err["message"].as_str().unwrap();
        assert!(message.starts_with("domicileProvince:"), "{message}");
        assert!(message.contains(expected), "{message}");
    }
    let body = IVC.call(&app, "requestIvc", request(Some("fi"))).await;
    assert!(body.get("errors").is_none(), "{body}");
    let id = &body["data"]["requestIvc"]["id"];
    let read = app
        .query(
            "query($id: ID!) { ivcDossier(id: $id) { domicileProvince } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(read["data"]["ivcDossier"]["domicileProvince"], "FI");
    app.stop().await;
}

#[tokio::test]
async fn ivc_is_for_residents_or_domiciled_sqlite() {
    residence("ivc_residence_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn ivc_is_for_residents_or_domiciled_postgres() {
    residence("ivc_residence_postgres", Engine::Postgres).await;
}

#[tokio::test]
async fn the_residence_rule_can_be_turned_off() {
    let Some(app) = spawn_app_configured(
        "ivc_residence_off",
        Engine::Sqlite,
        ivc_sources(Engine::Sqlite),
        &[],
        "",
        "[ivc]\nresidence_required = false\n",
    )
    .await
    else {
        return;
    };
    let input = json!({ "fiscalCode": outsider().as_str(), "requestedOn": "2026-01-12",
        "provider": "Agenzia formativa Alfa" });
    let body = IVC.call(&app, "requestIvc", input).await;
    assert!(body.get("errors").is_none(), "{body}");
    app.stop().await;
}

/// V2 and V3 on the profile: what the code encodes against the record, the employer's tax
/// number against its check digit; warnings, the data shown as the sources have it.
#[tokio::test]
async fn the_profile_warns_of_codes_that_disagree() {
    let Some(app) = spawn_app(
        "profile_warnings",
        Engine::Sqlite,
        ivc_sources(Engine::Sqlite),
        &[],
    )
    .await
    else {
        return;
    };
    let query = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { birthDate warnings } \
        employments { employerTaxCode warnings } } }";
    let read =
        async |code: &str| app.query(query, json!({ "cf": code })).await["data"]["citizen"].clone();
    let mario = read(crate::fixtures::MARIO).await;
    assert_eq!(mario["person"]["warnings"], json!([]));
    assert!(
        mario["employments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["warnings"] == json!([])),
        "{mario}"
    );
    // Anna's code says 5 March 1990; her record says 1985-12-10
    let anna = read(crate::fixtures::anna().as_str()).await;
    assert_eq!(
        anna["person"]["warnings"],
        json!(["birthDate: the codice fiscale encodes a birth \
        on day 5, month 3, year ..90; the person record says 1985-12-10 (V2)"])
    );
    let lucia = read(outsider().as_str()).await;
    assert_eq!(
        lucia["employments"][0]["warnings"],
        json!(["employerTaxCode: 01234567890 fails \
        the partita IVA check digit (expected 7, found 0) (V3)"])
    );
    app.stop().await;
}
