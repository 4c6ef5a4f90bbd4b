//! Answers keep the order of the selection set (GraphQL spec, "Serialized Map Ordering"), at
//! the root, where the fields come from different parts of the merged `Query`, and inside
//! objects. Read from the body's text: `serde_json::Value` would sort the keys.

use crate::fixtures::MARIO;
use crate::helpers::{Document, TestApp, ok, spawn_fixture_app};
use fascicolo::testing::Engine;
use serde_json::json;

/// The body of an operator's POST, as text.
async fn raw(app: &TestApp, query: &str, variables: serde_json::Value) -> String {
    app.client
        .post(app.url("/graphql"))
        .bearer_auth(app.operator())
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body")
}

/// Where each of `keys` (as `"key":`) starts in `body`; panics on a missing one.
fn positions(body: &str, keys: &[&str]) -> Vec<usize> {
    keys.iter()
        .map(|key| {
            body.find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("{key} missing in {body}"))
        })
        .collect()
}

fn assert_in_order(body: &str, keys: &[&str]) {
    let at = positions(body, keys);
    assert!(at.is_sorted(), "{keys:?} at {at:?} in {body}");
}

const LIBRETTO: Document = Document {
    fields: "id",
    key: "id",
    input_type: |_| "OpenLibrettoInput",
};

async fn order(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let cf = json!({ "cf": MARIO });
    // root fields of three parts of the merged Query, asked against their declaration order
    let query = "query($cf: FiscalCode!) { zeta: sources { name } \
        beta: pactMeasures { code } \
        gamma: searchCitizens(familyName: \"Rossi\") { pageInfo { hasNextPage } } \
        alpha: citizens(fiscalCodes: [$cf]) { fiscalCode } \
        omega: citizen(fiscalCode: $cf) { person { familyName givenName fiscalCode } } }";
    let body = raw(&app, query, cf.clone()).await;
    assert_in_order(&body, &["zeta", "beta", "gamma", "alpha", "omega"]);
    let person = &body[body.find("\"omega\"").expect("omega")..];
    assert_in_order(person, &["familyName", "givenName", "fiscalCode"]);

    // inside an object, and through a fragment
    let opened = LIBRETTO
        .call(&app, "openLibretto", json!({ "fiscalCode": MARIO }))
        .await;
    let id = ok(&opened, "openLibretto")["id"].clone();
    let query = "query($id: ID!) { libretto(id: $id) { versions { n } ...Steps status } } \
        fragment Steps on Libretto { history { toStatus } number }";
    let body = raw(&app, query, json!({ "id": id })).await;
    assert_in_order(&body, &["versions", "history", "number", "status"]);
    app.stop().await;
}

#[tokio::test]
async fn answers_keep_the_asked_order_sqlite() {
    order("answers_keep_the_asked_order_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn answers_keep_the_asked_order_postgres() {
    order("answers_keep_the_asked_order_postgres", Engine::Postgres).await;
}
