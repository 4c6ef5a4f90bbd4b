//! Hostile or careless input: introspection off outside the demo, the limits on a request
//! (each refused as LIMIT_EXCEEDED naming the limit and its value), persisted and trusted
//! documents, and internal errors masked behind an id that the log also carries.

use crate::fixtures::{self, MARIO};
use crate::helpers::{
    Captured, SECRET, TestApp, error_codes, refuse_audit_writes, spawn_app, spawn_app_configured,
    spawn_sqlite_app,
};
use fascicolo::graphql::persisted::sha256;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs a raw GraphQL-over-HTTP body as the operator; the status and the JSON answer.
async fn send(app: &TestApp, accept: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(app.operator())
        .json(body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

/// The `(limit, max)` of the LIMIT_EXCEEDED error of a response, if it has one.
fn limit_exceeded(body: &Value) -> Option<(String, u64)> {
    body["errors"].as_array()?.iter().find_map(|e| {
        let ext = &e["extensions"];
        (ext["code"] == "LIMIT_EXCEEDED").then(|| {
            (
                ext["limit"].as_str().unwrap_or_default().to_owned(),
                ext["max"].as_u64().unwrap_or_default(),
            )
        })
    })
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

#[tokio::test]
async fn introspection_is_refused_unless_configured() {
    let Some(app) = spawn_app("introspection_off", Engine::Sqlite, vec![], &[]).await else {
        return;
    };
    for query in [
        "{ __schema { queryType { name } } }",
        "{ __type(name: \"Citizen\") { fields { name } } }",
        // hidden in a fragment
        "{ ...Q } fragment Q on Query { __schema { types { name } } }",
    ] {
        let (status, body) = send(&app, Some(GRAPHQL_RESPONSE), &json!({ "query": query })).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(error_codes(&body), ["FORBIDDEN"], "{query}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("server.introspection"),
            "{body}"
        );
        assert_eq!(body.get("data"), None);
    }
    let body = app.query("{ __typename }", json!({})).await;
    assert_eq!(
        body["data"]["__typename"], "Query",
        "__typename is not introspection"
    );
    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        page.status(),
        404,
        "no GraphiQL outside the demo unless configured"
    );
    app.stop().await;

    let Some(app) = spawn_app_configured(
        "introspection_on",
        Engine::Sqlite,
        vec![],
        &[],
        "introspection = true",
        "",
    )
    .await
    else {
        return;
    };
    let body = app
        .query(
            "{ __schema { queryType { name } } __type(name: \"Citizen\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
    assert_eq!(body["data"]["__type"]["name"], "Citizen");
    app.stop().await;
}

#[tokio::test]
async fn every_limit_refuses_just_over_it_and_accepts_at_it() {
    let Some(app) = spawn_app_configured(
        "limits",
        Engine::Sqlite,
        vec![],
        &[],
        "max_body_bytes = 4096",
        "[limits]\nmax_depth = 4\nmax_complexity = 12\nmax_aliases = 2\nmax_root_fields = 3\n\
         max_fiscal_codes = 3\nmax_page_size = 5\n[documents]\nmax_file_bytes = 1024\n",
    )
    .await
    else {
        return;
    };
    let names = |n: usize| format!("{{ sources {{ {} }} }}", vec!["name"; n].join(" "));
    let aliases = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}: name")).collect();
        format!("{{ sources {{ {} }} }}", fields.join(" "))
    };
    let codes = |n: usize| {
        let all = [
            MARIO.to_owned(),
            fixtures::anna().to_string(),
            fixtures::luca().to_string(),
            fixtures::giulia().to_string(),
        ];
        format!(
            "{{ citizens(fiscalCodes: {}) {{ fiscalCode }} }}",
            serde_json::to_string(&all[..n]).unwrap()
        )
    };
    let cases: [(&str, u64, String, String); 6] = [
        (
            "limits.max_depth",
            4,
            "{ librettos(first: 1) { edges { node { id } } } }".into(),
            "{ librettos(first: 1) { edges { node { experiences { title } } } } }".into(),
        ),
        // `sources` and its fields: 12, then 13 selections
        ("limits.max_complexity", 12, names(11), names(12)),
        ("limits.max_aliases", 2, aliases(2), aliases(3)),
        (
            "limits.max_root_fields",
            3,
            "{ __typename __typename __typename }".into(),
            "{ __typename __typename __typename __typename }".into(),
        ),
        ("limits.max_fiscal_codes", 3, codes(3), codes(4)),
        (
            "limits.max_page_size",
            5,
            "{ librettos(first: 5) { edges { cursor } } }".into(),
            "{ librettos(first: 6) { edges { cursor } } }".into(),
        ),
    ];
    for (limit, max, at, over) in cases {
        let body = app.query(&at, json!({})).await;
        assert_eq!(body.get("errors"), None, "{limit} at its value: {body}");
        let body = app.query(&over, json!({})).await;
        assert_eq!(
            limit_exceeded(&body),
            Some((limit.to_owned(), max)),
            "{limit} just over: {body}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{limit} is {max}")),
            "{message}"
        );
    }
    // refused before execution: 400 under graphql-response+json, without data
    let (status, body) = send(&app, Some(GRAPHQL_RESPONSE), &json!({ "query": names(12) })).await;
    assert_eq!(status, 400);
    assert_eq!(body.get("data"), None);

    // the body: 4096 bytes are read, 4097 are 413 with a coded answer
    let padded = |size: usize| {
        let mut text = json!({ "query": "{ __typename }" }).to_string();
        text.insert_str(1, &" ".repeat(size - text.len()));
        text
    };
    let post_raw = |text: String| {
        app.client
            .post(app.url("/graphql"))
            .bearer_auth(app.operator())
            .header("content-type", "application/json")
            .body(text)
            .send()
    };
    let response = post_raw(padded(4096)).await.unwrap();
    assert_eq!(response.status(), 200);
    let response = post_raw(padded(4097)).await.unwrap();
    assert_eq!(response.status(), 413);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        limit_exceeded(&body),
        Some(("server.max_body_bytes".to_owned(), 4096))
    );
    // the same without a declared length: counted while it arrives
    let answer = chunked_post(&app, &padded(5000)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("server.max_body_bytes"), "{answer}");
    app.stop().await;
}

/// A POST with a chunked body (no Content-Length), written by hand; the raw answer.
async fn chunked_post(app: &TestApp, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let mut request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.addr,
        app.operator()
    );
    for chunk in body.as_bytes().chunks(1000) {
        request.push_str(&format!(
            "{:x}\r\n{}\r\n",
            chunk.len(),
            std::str::from_utf8(chunk).unwrap()
        ));
    }
    request.push_str("0\r\n\r\n");
    // the server may answer and close before it has read everything
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn automatic_persisted_queries_register_then_run_by_hash() {
    let Some(app) = spawn_app("apq", Engine::Sqlite, vec![], &[]).await else {
        return;
    };
    let query = "{ sources { name } }";
    let hash = sha256(query);
    // unknown hash: the client is told to send the text (400 under graphql-response+json)
    let by_hash = json!({ "extensions": persisted(&hash) });
    let (status, body) = send(&app, None, &by_hash).await;
    assert_eq!(status, 200);
    assert_eq!(error_codes(&body), ["PERSISTED_QUERY_NOT_FOUND"], "{body}");
    let (status, _) = send(&app, Some(GRAPHQL_RESPONSE), &by_hash).await;
    assert_eq!(status, 400);
    // text and hash: runs and registers
    let (status, body) = send(
        &app,
        None,
        &json!({ "query": query, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(
        (status, &body["data"]["sources"]),
        (200, &json!([])),
        "{body}"
    );
    // then the hash alone, by POST and by GET
    let (_, body) = send(&app, None, &by_hash).await;
    assert_eq!(body, json!({ "data": { "sources": [] } }));
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("extensions", persisted(&hash).to_string())])
        .bearer_auth(app.operator())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "data": { "sources": [] } }));
    // a hash that is not the text's, or another protocol version
    let (_, body) = send(
        &app,
        None,
        &json!({ "query": "{ __typename }", "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sha256Hash")
    );
    let (_, body) = send(
        &app,
        None,
        &json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": hash } } }),
    )
    .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    app.stop().await;

    // APQ off: the client learns it must send the text, and a text with its hash still runs
    let Some(app) = spawn_app_configured(
        "apq_off",
        Engine::Sqlite,
        vec![],
        &[],
        "apq_cache_entries = 0",
        "",
    )
    .await
    else {
        return;
    };
    let (_, body) = send(&app, None, &by_hash).await;
    assert_eq!(
        error_codes(&body),
        ["PERSISTED_QUERY_NOT_SUPPORTED"],
        "{body}"
    );
    let (_, body) = send(
        &app,
        None,
        &json!({ "query": query, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(body, json!({ "data": { "sources": [] } }));
    app.stop().await;
}

#[tokio::test]
async fn trusted_documents_only_run_the_listed_documents() {
    let dir = tempfile::tempdir().unwrap();
    let sources = "{ sources { name } }";
    let citizen = "query Who($cf: FiscalCode!) { citizen(fiscalCode: $cf) { fiscalCode } }";
    let list = dir.path().join("trusted.json");
    std::fs::write(
        &list,
        json!({ sha256(sources): sources, sha256(citizen): citizen }).to_string(),
    )
    .unwrap();
    let Some(app) = spawn_app_configured(
        "trusted_documents",
        Engine::Sqlite,
        vec![],
        &[],
        &format!("trusted_documents = {:?}", list.display().to_string()),
        "",
    )
    .await
    else {
        return;
    };
    // by hash, and by exact text
    let (_, body) = send(
        &app,
        None,
        &json!({ "extensions": persisted(&sha256(sources)) }),
    )
    .await;
    assert_eq!(body, json!({ "data": { "sources": [] } }));
    let (_, body) = send(
        &app,
        None,
        &json!({ "query": citizen, "variables": { "cf": MARIO } }),
    )
    .await;
    assert_eq!(body, json!({ "data": { "citizen": null } }));
    // anything else is refused, even with its own hash (no registration as with APQ)
    let other = "{ sources { name state } }";
    for request in [
        json!({ "query": other }),
        json!({ "query": format!("{sources} ") }),
        json!({ "query": other, "extensions": persisted(&sha256(other)) }),
        json!({ "extensions": persisted(&sha256(other)) }),
    ] {
        let (status, body) = send(&app, Some(GRAPHQL_RESPONSE), &request).await;
        assert_eq!(status, 400, "{request}");
        assert_eq!(
            error_codes(&body),
            ["OPERATION_NOT_ALLOWED"],
            "{request}: {body}"
        );
    }
    let (_, body) = send(
        &app,
        None,
        &json!({ "query": sources, "extensions": persisted(&sha256(other)) }),
    )
    .await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "a hash that is not the text's"
    );
    app.stop().await;

    // a list whose hash is not its document's stops the start-up, naming the entry
    std::fs::write(&list, json!({ sha256(other): sources }).to_string()).unwrap();
    let config = fascicolo::config::Config::from_toml(&format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ntrusted_documents = {:?}\n[store]\n\
         url = \"sqlite://{}/store.db?mode=rwc\"\n[auth]\nhs256_secret = \"{SECRET}\"\n",
        list.display().to_string(),
        dir.path().display()
    ))
    .unwrap();
    let Err(err) = fascicolo::app::Application::build(config).await else {
        panic!("a wrong list must not start");
    };
    let err = err.to_string();
    assert!(
        err.contains(&sha256(other)) && err.contains("is not the SHA-256"),
        "{err}"
    );
}

/// An allow-list keyed `sha256:<hex>` (as GraphQL Code Generator writes it) starts, and a
/// request may name its document with `documentId` (the GraphQL-over-HTTP persisted-documents
/// proposal), by POST or GET.
#[tokio::test]
async fn trusted_documents_by_document_id() {
    let dir = tempfile::tempdir().unwrap();
    let sources = "{ sources { name } }";
    let list = dir.path().join("trusted.json");
    let id = format!("sha256:{}", sha256(sources));
    std::fs::write(&list, json!({ id.clone(): sources }).to_string()).unwrap();
    let Some(app) = spawn_app_configured(
        "trusted_documents_by_document_id",
        Engine::Sqlite,
        vec![],
        &[],
        &format!("trusted_documents = {:?}", list.display().to_string()),
        "",
    )
    .await
    else {
        return;
    };
    let (status, body) = send(&app, None, &json!({ "documentId": id })).await;
    assert_eq!((status, body), (200, json!({ "data": { "sources": [] } })));
    let got: Value = app
        .client
        .get(app.url("/graphql"))
        .query(&[("documentId", id.as_str())])
        .bearer_auth(app.operator())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got, json!({ "data": { "sources": [] } }));

    let other = format!("sha256:{}", sha256("{ sources { name state } }"));
    let (_, body) = send(&app, None, &json!({ "documentId": other })).await;
    assert_eq!(error_codes(&body), ["OPERATION_NOT_ALLOWED"], "{body}");
    for bad in [
        json!({ "documentId": format!("md5:{}", sha256(sources)) }),
        json!({ "documentId": "sha256:xyz" }),
        json!({ "documentId": 7 }),
        json!({ "documentId": id, "extensions": persisted(&sha256(sources)) }),
    ] {
        let (status, body) = send(&app, Some(GRAPHQL_RESPONSE), &bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("documentId")),
            "{bad}: {body}"
        );
    }
    app.stop().await;
}

/// The id of an `internal error (id …)` message.
fn internal_id(body: &Value) -> String {
    assert_eq!(error_codes(body), ["INTERNAL"], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    let id = message
        .strip_prefix("internal error (id ")
        .and_then(|m| m.strip_suffix(')'))
        .unwrap_or_else(|| panic!("masked message: {message}"));
    assert_eq!(id.len(), 32, "{message}");
    id.to_owned()
}

#[tokio::test]
async fn internal_errors_are_masked_and_logged_under_their_id() {
    // the test's runtime runs the server on this thread, so a thread-local subscriber sees it
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);
    let Some(app) = spawn_sqlite_app("internal_masked", &[]).await else {
        return;
    };
    // a store that fails under a query: its table is gone (empty, so no foreign key objects)
    use sea_orm::ConnectionTrait;
    app.state
        .store
        .db()
        .execute_unprepared("DROP TABLE libretto")
        .await
        .expect("drop the libretto table");
    let body = app
        .query(
            "{ librettos(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let id = internal_id(&body);
    let text = body.to_string();
    for secret in ["libretto\\\"", "no such table", "SELECT", "sqlite"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let log = captured.text();
    let line = log
        .lines()
        .find(|l| l.contains(&id))
        .unwrap_or_else(|| panic!("id {id} in the log:\n{log}"));
    assert!(
        line.contains("ERROR") && line.contains("no such table"),
        "{line}"
    );

    // personal data whose audit rows cannot be written: withheld, the same way
    refuse_audit_writes(&app).await;
    let body = app
        .query(
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } } }",
            json!({ "cf": MARIO }),
        )
        .await;
    assert_eq!(body.get("data"), None, "{body}");
    let id = internal_id(&body);
    assert!(!body.to_string().contains("injected failure"), "{body}");
    let log = captured.text();
    let line = log
        .lines()
        .find(|l| l.contains(&id))
        .expect("id in the log");
    assert!(line.contains("injected failure"), "{line}");
    app.stop().await;
}
