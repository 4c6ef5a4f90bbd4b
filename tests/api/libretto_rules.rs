//! Issue 24, the rules on a libretto's experiences through GraphQL: what an operator types is
//! refused naming the field and the rule (V5 training period, V8 CP2011 table, V9 format),
//! and nothing is written; what the regional sources prefilled is never refused, the same
//! checks are warnings on it (`LibrettoExperience.warnings`), as are V7's overlapping
//! full-time spells and V9's table whoever typed the code.

use crate::fixtures::{MARIO, luca};
use crate::helpers::{Document, TestApp, error_codes, ok, spawn_fixture_app};
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const LIBRETTO: Document = Document {
    fields: "id version experiences(includeDropped: true) { id origin organisation dropped \
             edited startDate endDate trainingPeriodEnd occupationCode warnings }",
    key: "librettoId",
    input_type,
};

fn input_type(mutation: &str) -> &'static str {
    match mutation {
        "openLibretto" => "OpenLibrettoInput",
        "addLibrettoExperience" | "updateLibrettoExperience" => "LibrettoExperienceInput",
        "dropLibrettoExperience" => "DropLibrettoExperienceInput",
        other => panic!("unknown mutation {other}"),
    }
}

const V9_HYPERMARKETS: &str = "sectorCode: \"47.11.10\" is not in the ATECO 2007 table of \
                               sottocategorie (domain/data/activities.csv) (V9)";

async fn open(app: &TestApp, fiscal_code: &str) -> Value {
    let body = LIBRETTO
        .call(app, "openLibretto", json!({ "fiscalCode": fiscal_code }))
        .await;
    let mut libretto = ok(&body, "openLibretto").clone();
    // the steps address the libretto as `librettoId`
    libretto["librettoId"] = libretto["id"].clone();
    libretto
}

fn experience<'a>(libretto: &'a Value, organisation: &str) -> &'a Value {
    libretto["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["organisation"] == organisation)
        .unwrap_or_else(|| panic!("no experience of {organisation}: {libretto}"))
}

fn warnings(libretto: &Value, organisation: &str) -> Vec<String> {
    serde_json::from_value(experience(libretto, organisation)["warnings"].clone()).unwrap()
}

/// The changed libretto of a step, keyed again by `librettoId`.
async fn step(app: &TestApp, libretto: &Value, name: &str, input: Value) -> Value {
    let mut after = LIBRETTO.step(app, libretto, name, input).await;
    after["librettoId"] = after["id"].clone();
    after
}

async fn prefilled_rows_are_warned_not_refused(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let mario = open(&app, MARIO).await;
    assert_eq!(mario["experiences"].as_array().unwrap().len(), 6, "{mario}");
    assert!(
        mario["experiences"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["origin"] == "REGIONAL_DB")
    );
    assert_eq!(warnings(&mario, "Cooperativa Alfa"), [V9_HYPERMARKETS]);
    assert_eq!(warnings(&mario, "Beta Srl"), [V9_HYPERMARKETS]);
    // an apprenticeship code used after its withdrawal, with no training period
    assert_eq!(
        warnings(&mario, "Delta Snc"),
        [
            "contractType: code A.03.02 is valid from 2007-06-21 to 2012-04-25, not on \
             2013-01-07 (V4)",
            "trainingPeriodEnd: an apprenticeship (A.03.02) needs the end of its training \
             period (V5)",
            V9_HYPERMARKETS,
        ]
    );
    let trainings: Vec<&Value> = mario["experiences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["occupationCode"].is_null())
        .collect();
    assert_eq!(trainings.len(), 3);
    assert!(
        trainings.iter().all(|e| e["warnings"] == json!([])),
        "{mario}"
    );
    let luca = open(&app, luca().as_str()).await;
    assert_eq!(
        warnings(&luca, "Gamma Spa"),
        [
            "trainingPeriodEnd: an apprenticeship (A.03.09) needs the end of its training \
             period (V5)",
            V9_HYPERMARKETS,
        ]
    );
    overlapping_full_time_spells_are_warned(&app, mario).await;
    app.stop().await;
}

/// V7: a self-declared full-time job inside Beta Srl's open-ended one warns on both; a
/// part-time one does not; dropping the first takes the warning off Beta Srl; the reads say
/// what the mutations answered.
async fn overlapping_full_time_spells_are_warned(app: &TestApp, mario: Value) {
    let beta_id = experience(&mario, "Beta Srl")["id"].clone();
    let mario = step(
        app,
        &mario,
        "addLibrettoExperience",
        json!({ "kind": "WORK", "organisation": "Bar Sport", "startDate": "2019-06-01",
                "endDate": "2019-09-30", "contractType": "A.02.00", "sectorCode": "56.30.00" }),
    )
    .await;
    let bar_id = experience(&mario, "Bar Sport")["id"].clone();
    let bar = format!(
        "startDate: 2019-06-01 to 2019-09-30 overlaps experience {} (Beta Srl, 2016-05-02 \
         onwards): two full-time or unknown-hours jobs at once; work spells overlap only \
         part-time (under 36 h a week) or intermittent (A.05) (V7)",
        beta_id.as_str().unwrap()
    );
    let beta = format!(
        "startDate: 2016-05-02 onwards overlaps experience {} (Bar Sport, 2019-06-01 to \
         2019-09-30): two full-time or unknown-hours jobs at once; work spells overlap only \
         part-time (under 36 h a week) or intermittent (A.05) (V7)",
        bar_id.as_str().unwrap()
    );
    assert_eq!(warnings(&mario, "Bar Sport"), [bar.as_str()]);
    assert_eq!(
        warnings(&mario, "Beta Srl"),
        [V9_HYPERMARKETS, beta.as_str()]
    );
    let mario = step(
        app,
        &mario,
        "addLibrettoExperience",
        json!({ "kind": "WORK", "organisation": "Pizzeria Da Gino", "startDate": "2019-10-01",
                "weeklyHours": 12.0 }),
    )
    .await;
    assert_eq!(warnings(&mario, "Pizzeria Da Gino"), Vec::<String>::new());
    assert_eq!(
        warnings(&mario, "Beta Srl"),
        [V9_HYPERMARKETS, beta.as_str()]
    );
    let read = app
        .query(
            "query($id: ID!) { libretto(id: $id) { experiences { organisation warnings } } }",
            json!({ "id": mario["id"] }),
        )
        .await;
    assert_eq!(warnings(&read["data"]["libretto"], "Bar Sport"), [bar]);
    let mario = step(
        app,
        &mario,
        "dropLibrettoExperience",
        json!({ "experienceId": bar_id, "reason": "Lavoro stagionale non documentato" }),
    )
    .await;
    assert_eq!(warnings(&mario, "Beta Srl"), [V9_HYPERMARKETS]);
}

#[tokio::test]
async fn prefilled_rows_are_warned_not_refused_sqlite() {
    prefilled_rows_are_warned_not_refused("libretto_rules_prefilled_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn prefilled_rows_are_warned_not_refused_postgres() {
    prefilled_rows_are_warned_not_refused("libretto_rules_prefilled_postgres", Engine::Postgres)
        .await;
}

/// Typed values that break V5, V8 or V9's format, as (input fields, field, rule).
fn refusals() -> Vec<(Value, &'static str, &'static str)> {
    let work = |extra: Value| {
        let mut input = json!({ "kind": "WORK", "organisation": "Officina Rossi",
                                "startDate": "2015-03-02" });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    };
    vec![
        (
            work(json!({ "contractType": "A.03.09" })),
            "trainingPeriodEnd",
            "V5",
        ),
        (
            work(json!({ "contractType": "A.03.09", "trainingPeriodEnd": "2015-01-31" })),
            "trainingPeriodEnd",
            "V5",
        ),
        (
            work(json!({ "contractType": "A.01.00", "trainingPeriodEnd": "2017-03-01" })),
            "trainingPeriodEnd",
            "V5",
        ),
        // a seasonal apprenticeship ends with its training period
        (
            work(json!({ "startDate": "2012-06-01", "endDate": "2012-10-31",
                         "contractType": "A.03.14", "trainingPeriodEnd": "2012-09-30" })),
            "endDate",
            "V5",
        ),
        (
            work(json!({ "occupationCode": "8.1.3.1" })),
            "occupationCode",
            "V8",
        ),
        (
            work(json!({ "occupationCode": "5.2.2" })),
            "occupationCode",
            "V8",
        ),
        (work(json!({ "sectorCode": "5.10" })), "sectorCode", "V9"),
        (work(json!({ "endDate": "2014-01-01" })), "endDate", "V7"),
    ]
}

fn assert_refused(body: &Value, field: &str, rule: &str) {
    assert_eq!(error_codes(body), ["BAD_USER_INPUT"], "{body}");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["field"], field, "{body}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("{field}: ")) && message.ends_with(&format!("({rule})")),
        "{message}"
    );
}

async fn typed_values_are_refused(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let mario = open(&app, MARIO).await;
    let delta = experience(&mario, "Delta Snc").clone();
    for (fields, field, rule) in refusals() {
        let mut input = fields.clone();
        input["librettoId"] = mario["id"].clone();
        input["version"] = mario["version"].clone();
        let body = LIBRETTO.call(&app, "addLibrettoExperience", input).await;
        assert_refused(&body, field, rule);
        // the same values on a prefilled row are typed values too
        let mut input = fields;
        input["librettoId"] = mario["id"].clone();
        input["version"] = mario["version"].clone();
        input["experienceId"] = delta["id"].clone();
        let body = LIBRETTO.call(&app, "updateLibrettoExperience", input).await;
        assert_refused(&body, field, rule);
    }
    let read = app
        .query(
            &format!(
                "query($id: ID!) {{ libretto(id: $id) {{ {} }} }}",
                LIBRETTO.fields
            ),
            json!({ "id": mario["id"] }),
        )
        .await;
    let after = &read["data"]["libretto"];
    assert_eq!(after["version"], mario["version"], "nothing was written");
    assert_eq!(
        after["experiences"], mario["experiences"],
        "nothing was written"
    );
    valid_typed_values_go_in(&app, mario).await;
    app.stop().await;
}

/// An apprenticeship with its training period, a seasonal one ending with it, a CP2011 code
/// of the table, a sector code outside it (a V9 warning); an edit gives Delta Snc its
/// training period, and its V5 warning goes.
async fn valid_typed_values_go_in(app: &TestApp, mario: Value) {
    let mario = step(
        app,
        &mario,
        "addLibrettoExperience",
        json!({ "kind": "WORK", "organisation": "Officina Rossi", "startDate": "2014-03-03",
                "endDate": "2015-12-31", "contractType": "A.03.09",
                "trainingPeriodEnd": "2017-03-02", "occupationCode": "6.2.1.2.0",
                "sectorCode": "47.11.10" }),
    )
    .await;
    let officina = experience(&mario, "Officina Rossi");
    assert_eq!(officina["trainingPeriodEnd"], "2017-03-02");
    assert_eq!(officina["warnings"], json!([V9_HYPERMARKETS]));
    let mario = step(
        app,
        &mario,
        "addLibrettoExperience",
        json!({ "kind": "WORK", "organisation": "Hotel Mare", "startDate": "2012-06-01",
                "endDate": "2012-09-30", "contractType": "A.03.14",
                "trainingPeriodEnd": "2012-09-30", "sectorCode": "55.10.00" }),
    )
    .await;
    assert_eq!(experience(&mario, "Hotel Mare")["warnings"], json!([]));
    let delta = experience(&mario, "Delta Snc")["id"].clone();
    let mario = step(
        app,
        &mario,
        "updateLibrettoExperience",
        json!({ "experienceId": delta, "kind": "WORK", "organisation": "Delta Snc",
                "startDate": "2013-01-07", "endDate": "2014-01-06", "contractType": "A.03.09",
                "trainingPeriodEnd": "2015-01-06", "occupationCode": "5.1.2.2.0" }),
    )
    .await;
    let delta = experience(&mario, "Delta Snc");
    assert_eq!(delta["edited"], true);
    assert_eq!(delta["trainingPeriodEnd"], "2015-01-06");
    assert_eq!(delta["warnings"], json!([]));
}

#[tokio::test]
async fn typed_values_are_refused_naming_field_and_rule_sqlite() {
    typed_values_are_refused("libretto_rules_typed_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn typed_values_are_refused_naming_field_and_rule_postgres() {
    typed_values_are_refused("libretto_rules_typed_postgres", Engine::Postgres).await;
}
