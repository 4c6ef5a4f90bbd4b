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
