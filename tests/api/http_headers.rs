//! Headers of every answer (issue 20): the request id, the client's only when it is a short
//! plain token (it is stored in each audit row of the request), and `Cache-Control: no-store`
//! on every route, error answers included.

use crate::fixtures::MARIO;
use crate::helpers::{TestApp, spawn_app_configured, spawn_fixture_app};
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const READ: &str = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } } }";

/// Reads MARIO (one audit row) with `ids` as `x-request-id` headers; the answer's id and the
/// id of the newest audit row.
async fn read_with_ids(app: &TestApp, ids: &[&str]) -> (String, String) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(app.operator())
        .json(&json!({ "query": READ, "variables": { "cf": MARIO } }));
    for id in ids {
        request = request.header("x-request-id", *id);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let answered = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["citizen"]["person"]["familyName"], "ROSSI");
    let admin = app.token(Role::Admin, None);
    let (_, audit) = app
        .post(
            Some(&admin),
            "query($cf: FiscalCode!) { auditLog(fiscalCode: $cf, first: 1) { edges { node { requestId } } } }",
            json!({ "cf": MARIO }),
        )
        .await;
    let stored = audit["data"]["auditLog"]["edges"][0]["node"]["requestId"]
        .as_str()
        .unwrap_or_else(|| panic!("{audit}"))
        .to_owned();
    (answered, stored)
}

fn is_server_id(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok()
}

async fn client_request_ids(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    // a short plain id is the request's: answered and stored
    let id = format!("front-end.{}_X", "9".repeat(52));
    assert_eq!(id.len(), 64);
    let (answered, stored) = read_with_ids(&app, &[&id]).await;
    assert_eq!(
        (answered.as_str(), stored.as_str()),
        (id.as_str(), id.as_str())
    );

    // 60 KB, one character too many, characters outside [A-Za-z0-9._-], two ids: the
    // server's own id instead, the same in the answer and in the audit row
    let long = "a".repeat(60 * 1024);
    let over = format!("{id}9");
    for ids in [
        vec![long.as_str()],
        vec![over.as_str()],
        vec!["two words"],
        vec!["a/b"],
        vec!["<script>"],
        vec!["one", "two"],
    ] {
        let (answered, stored) = read_with_ids(&app, &ids).await;
        assert!(is_server_id(&answered), "{ids:?} answered {answered}");
        assert_eq!(stored, answered, "{ids:?}");
    }
    // and none at all
    let (answered, stored) = read_with_ids(&app, &[]).await;
    assert!(is_server_id(&answered) && stored == answered);
    app.stop().await;
}

#[tokio::test]
async fn client_request_ids_sqlite_store() {
    client_request_ids("request_ids_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn client_request_ids_postgres_store() {
    client_request_ids("request_ids_postgres", Engine::Postgres).await;
}

#[tokio::test]
async fn every_answer_says_no_store() {
    let Some(app) = spawn_app_configured(
        "no_store",
        Engine::Sqlite,
        vec![],
        &[],
        "max_body_bytes = 4096",
        "[documents]\nmax_file_bytes = 1024\n",
    )
    .await
    else {
        return;
    };
    let operator = app.operator();
    let reporting = app.token(Role::Reporting, None);
    let graphql = app.url("/graphql");
    let c = &app.client;
    let cases = [
        // GraphQL: an answer, a refusal, a refusal as 400, no token, GET mutation, too large,
        // no acceptable media type
        (
            200,
            c.post(&graphql)
                .bearer_auth(&operator)
                .json(&json!({ "query": "{ sources { name } }" })),
        ),
        (
            200,
            c.post(&graphql)
                .bearer_auth(&operator)
                .json(&json!({ "query": "{ nothing }" })),
        ),
        (
            400,
            c.post(&graphql)
                .bearer_auth(&operator)
                .header("accept", "application/graphql-response+json")
                .json(&json!({ "query": "{ nothing }" })),
        ),
        (
            401,
            c.post(&graphql).json(&json!({ "query": "{ __typename }" })),
        ),
        (
            405,
            c.get(&graphql)
                .bearer_auth(&operator)
                .query(&[("query", "mutation { __typename }")]),
        ),
        (
            413,
            c.post(&graphql)
                .bearer_auth(&operator)
                .header("content-type", "application/json")
                .body(" ".repeat(5000)),
        ),
        (
            406,
            c.post(&graphql)
                .bearer_auth(&operator)
                .header("accept", "text/html")
                .json(&json!({ "query": "{ __typename }" })),
        ),
        // evidence files: no token, a role that may not, no such evidence
        (401, c.get(app.url("/evidences/e1/file"))),
        (
            403,
            c.get(app.url("/evidences/e1/file")).bearer_auth(&reporting),
        ),
        (
            404,
            c.get(app.url("/evidences/e1/file")).bearer_auth(&operator),
        ),
        // reports: a CSV, no token, a role that may not, no such report
        (
            200,
            c.get(app.url("/reports/libretti-by-area.csv"))
                .bearer_auth(&reporting),
        ),
        (401, c.get(app.url("/reports/libretti-by-area.csv"))),
        (
            403,
            c.get(app.url("/reports/libretti-by-area.csv"))
                .bearer_auth(&operator),
        ),
        (
            404,
            c.get(app.url("/reports/nothing.csv"))
                .bearer_auth(&reporting),
        ),
        // and the rest
        (200, c.get(app.url("/healthz"))),
        (404, c.get(app.url("/nowhere"))),
    ];
    for (status, request) in cases {
        let request = request.build().unwrap();
        let what = format!("{} {}", request.method(), request.url().path());
        let response = c.execute(request).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{what}");
        let headers = response.headers();
        assert_eq!(
            headers.get_all("cache-control").iter().collect::<Vec<_>>(),
            ["no-store"],
            "{what} answered {status}"
        );
        assert!(headers.contains_key("x-request-id"), "{what}");
    }
    app.stop().await;
}
