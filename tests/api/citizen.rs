//! The contract suite: merging, provenance, ordering, omocodia, unknown and bad codes, a
//! source down — on SQLite, PostgreSQL and MariaDB sources.

use crate::fixtures::{self, MARIO, anna, luca, luca_homonym, nobody};
use crate::helpers::{DeadSource, error_codes, provenance, spawn_app, spawn_sqlite_app};
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const PROFILE: &str = r#"
query($cf: FiscalCode!) {
  citizen(fiscalCode: $cf) {
    fiscalCode
    person {
      fiscalCode givenName familyName email phone residenceMunicipality residenceProvince
      sources { source fiscalCode updatedAt }
      provenance { field source }
    }
    employments { source sourceRowId employerName startDate endDate contractType contractTypeValidAtStart }
    trainings { source sourceRowId kind title startDate }
  }
}"#;

async fn merged_profile(test: &str, lavoro: Engine, formazione: Engine, store: Engine) {
    let Some(app) = spawn_app(test, store, fixtures::sources(lavoro, formazione), &[]).await else {
        return;
    };
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    let citizen = &body["data"]["citizen"];
    let person = &citizen["person"];
    // newest row (formazione, 2025) wins field by field...
    assert_eq!(person["email"], "mario.rossi@new.example.it");
    assert_eq!(person["residenceMunicipality"], "100005");
    assert_eq!(person["residenceProvince"], "PO");
    assert_eq!(provenance(person, "email"), "formazione");
    // ...and the older source still supplies what the newer lacks, saying so
    assert_eq!(person["phone"], "055 123456");
    assert_eq!(provenance(person, "phone"), "lavoro");
    let sources: Vec<&str> = person["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["formazione", "lavoro"]);
    assert_eq!(person["sources"][0]["updatedAt"], "2025-06-01T09:00:00");

    let employments = citizen["employments"].as_array().unwrap();
    let starts: Vec<&str> = employments
        .iter()
        .map(|e| e["startDate"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        ["2016-05-02", "2013-01-07", "2010-03-01"],
        "newest first"
    );
    assert!(employments.iter().all(|e| e["source"] == "lavoro"));
    assert_eq!(employments[0]["endDate"], Value::Null);
    assert_eq!(employments[1]["contractType"], "A.03.02");
    assert_eq!(employments[1]["contractTypeValidAtStart"], false);
    assert_eq!(employments[0]["contractTypeValidAtStart"], true);

    let trainings: Vec<(String, String)> = citizen["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["source"].as_str().unwrap().into(),
                t["title"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        trainings,
        [
            ("formazione".to_owned(), "Corso HACCP".to_owned()),
            ("lavoro".to_owned(), "Tirocinio magazzino".to_owned()),
            ("formazione".to_owned(), "Diploma di ragioneria".to_owned()),
        ]
    );

    // batch: same order as asked, null where unknown; an omocode variant is another person,
    // each answered with their own data only (DOMAIN.md §3.1)
    let body = app
        .query(
            "query($cfs: [FiscalCode!]!) { citizens(fiscalCodes: $cfs) { fiscalCode person { fiscalCode familyName givenName email residenceProvince sources { source fiscalCode } } employments { employerName } trainings { title } } }",
            json!({ "cfs": [anna().as_str(), nobody().as_str(), luca_homonym().as_str(), MARIO, luca().as_str()] }),
        )
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    let list = body["data"]["citizens"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(list[0]["person"]["familyName"], "BIANCHI");
    assert_eq!(list[1], Value::Null);
    let homonym = &list[2];
    assert_eq!(homonym["fiscalCode"], luca_homonym().as_str());
    assert_eq!(homonym["person"]["fiscalCode"], luca_homonym().as_str());
    assert_eq!(homonym["person"]["email"], "luca.verdi@lucca.example.it");
    assert_eq!(homonym["person"]["residenceProvince"], "LU");
    assert_eq!(
        homonym["person"]["sources"],
        json!([{ "source": "formazione", "fiscalCode": luca_homonym().as_str() }]),
        "only the source that holds this exact code"
    );
    assert_eq!(
        homonym["employments"],
        json!([]),
        "Gamma Spa is the other Luca's"
    );
    assert_eq!(
        homonym["trainings"],
        json!([{ "title": "Corso di saldatura" }])
    );
    assert_eq!(list[3]["person"]["givenName"], "MARIO");
    let luca_row = &list[4];
    assert_eq!(luca_row["fiscalCode"], luca().as_str());
    assert_eq!(luca_row["person"]["fiscalCode"], luca().as_str());
    assert_eq!(
        luca_row["person"]["email"],
        Value::Null,
        "not the homonym's e-mail"
    );
    assert_eq!(
        luca_row["person"]["sources"],
        json!([{ "source": "lavoro", "fiscalCode": luca().as_str() }])
    );
    assert_eq!(
        luca_row["employments"],
        json!([{ "employerName": "Gamma Spa" }])
    );
    assert_eq!(
        luca_row["trainings"],
        json!([]),
        "the homonym's course is not his"
    );
    app.stop().await;
}

#[tokio::test]
async fn merged_profile_sqlite_sources() {
    merged_profile(
        "merged_profile_sqlite_sources",
        Engine::Sqlite,
        Engine::Sqlite,
        Engine::Sqlite,
    )
    .await;
}

#[tokio::test]
async fn merged_profile_postgres_sources_and_store() {
    merged_profile(
        "merged_profile_postgres_sources_and_store",
        Engine::Postgres,
        Engine::Postgres,
        Engine::Postgres,
    )
    .await;
}

#[tokio::test]
async fn merged_profile_mariadb_and_postgres_sources() {
    merged_profile(
        "merged_profile_mariadb_and_postgres_sources",
        Engine::MySql,
        Engine::Postgres,
        Engine::Sqlite,
    )
    .await;
}

#[tokio::test]
async fn merged_profile_mariadb_sources() {
    merged_profile(
        "merged_profile_mariadb_sources",
        Engine::MySql,
        Engine::MySql,
        Engine::Sqlite,
    )
    .await;
}

#[tokio::test]
async fn bad_fiscal_code_is_rejected_before_any_source_is_asked() {
    let Some(app) = spawn_sqlite_app("bad_fiscal_code", &[]).await else {
        return;
    };
    let before = app.source_statements("lavoro") + app.source_statements("formazione");
    for (code, problem) in [
        ("RSSMRA85T10A562X", "check character"),
        ("RSSMRA85T10A562", "16 characters"),
        ("RSSMRA85F10A562S", "month"),
        ("RSSMRA85T1AA562S", "character 11"),
    ] {
        let body = app.query(PROFILE, json!({ "cf": code })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(problem), "{code}: {message}");
    }
    // one bad code in a batch rejects the batch
    let body = app
        .query(
            "query($cfs: [FiscalCode!]!) { citizens(fiscalCodes: $cfs) { fiscalCode } }",
            json!({ "cfs": [MARIO, "RSSMRA85T10A562X"] }),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    let after = app.source_statements("lavoro") + app.source_statements("formazione");
    assert_eq!(before, after, "no source saw a bad code");
    app.stop().await;
}

#[tokio::test]
async fn a_source_down_costs_only_its_own_fields() {
    let Some(app) = spawn_app(
        "source_down",
        Engine::Sqlite,
        fixtures::sources(Engine::Sqlite, Engine::Sqlite),
        &[DeadSource("sil-spento")],
    )
    .await
    else {
        return;
    };
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    // data from the two live sources is all there
    let citizen = &body["data"]["citizen"];
    assert_eq!(citizen["person"]["email"], "mario.rossi@new.example.it");
    assert_eq!(citizen["employments"].as_array().unwrap().len(), 3);
    assert_eq!(citizen["trainings"].as_array().unwrap().len(), 3);
    // one error for the dead source, although three views were asked of it
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["extensions"]["code"], "SOURCE_UNAVAILABLE");
    assert_eq!(errors[0]["extensions"]["source"], "sil-spento");
    assert!(
        errors[0]["extensions"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("unreachable")
    );
    // the sources query shows it down
    let body = app
        .query("{ sources { name state lastError } }", json!({}))
        .await;
    let dead = body["data"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "sil-spento")
        .unwrap()
        .clone();
    assert_eq!(dead["state"], "DOWN");
    app.stop().await;
}
