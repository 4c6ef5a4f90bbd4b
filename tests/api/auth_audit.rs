//! Authentication (missing, expired, wrong key, wrong role) and the audit log (one chained
//! append per request, readable by admins), on SQLite and PostgreSQL stores.

use crate::fixtures::{MARIO, anna};
use crate::helpers::{audit_statements, error_codes, spawn_fixture_app, spawn_sqlite_app};
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use serde_json::json;

const NAME: &str = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } } }";

#[tokio::test]
async fn requests_need_a_valid_bearer_token() {
    let Some(app) = spawn_sqlite_app("auth", &[]).await else {
        return;
    };
    let vars = json!({ "cf": MARIO });
    let (status, body) = app.post(None, NAME, vars.clone()).await;
    assert_eq!(status, 401);
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"]);

    let (status, body) = app.post(Some("not-a-jwt"), NAME, vars.clone()).await;
    assert_eq!(
        (status, error_codes(&body)),
        (401, vec!["UNAUTHENTICATED".to_owned()])
    );

    // signed with another key
    let foreign = fascicolo::auth::Authenticator::from_config(&fascicolo::config::AuthConfig {
        hs256_secret: Some(secrecy::SecretString::from(
            "some-other-secret-0123456789abcdef".to_owned(),
        )),
        ..Default::default()
    })
    .unwrap()
    .mint(
        "intruder",
        Role::Admin,
        None,
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    let (status, _) = app.post(Some(&foreign), NAME, vars.clone()).await;
    assert_eq!(status, 401);

    // expired: a token whose lifetime ended a minute ago
    let expired = expired_token();
    let (status, body) = app.post(Some(&expired), NAME, vars.clone()).await;
    assert_eq!(status, 401);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{body}"
    );

    // reporting may not read personal data; operators may not read the audit log
    let reporting = app.token(Role::Reporting, None);
    let (status, body) = app.post(Some(&reporting), NAME, vars.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(error_codes(&body), ["FORBIDDEN"]);
    assert_eq!(body["data"]["citizen"], serde_json::Value::Null);
    let (_, body) = app
        .post(
            Some(&app.operator()),
            "{ auditLog { edges { node { subject } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"]);
    let (_, body) = app
        .post(Some(&reporting), "{ sources { name } }", json!({}))
        .await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"]);
    app.stop().await;
}

fn expired_token() -> String {
    use jsonwebtoken::{EncodingKey, Header, encode};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    encode(
        &Header::default(),
        &json!({ "sub": "late", "role": "operator", "iat": now - 3600, "exp": now - 60 }),
        &EncodingKey::from_secret(crate::helpers::SECRET.as_bytes()),
    )
    .unwrap()
}

async fn reads_are_audited(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let operator = app.token(Role::Operator, Some("CPI-PO-02"));
    let before = app.store_statements();
    let (status, body) = app
        .post(
            Some(&operator),
            "query($cfs: [FiscalCode!]!) { citizens(fiscalCodes: $cfs) { person { familyName } employments { employerName } } }",
            json!({ "cfs": [MARIO, anna().as_str()] }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        app.store_statements() - before,
        audit_statements(store),
        "one chained append for two citizens"
    );

    let admin = app.token(Role::Admin, None);
    let (_, body) = app
        .post(
            Some(&admin),
            "query($cf: FiscalCode!) { auditLog(fiscalCode: $cf, first: 10) { edges { node { subject role office fiscalCode action fields requestId at } } pageInfo { hasNextPage } } }",
            json!({ "cf": MARIO }),
        )
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    let edges = body["data"]["auditLog"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "{body}");
    let entry = &edges[0]["node"];
    assert_eq!(entry["subject"], "tester");
    assert_eq!(entry["role"], "operator");
    assert_eq!(entry["office"], "CPI-PO-02");
    assert_eq!(entry["fiscalCode"], MARIO);
    assert_eq!(entry["action"], "read");
    assert_eq!(entry["fields"], json!(["employments", "person"]));

    // the admin's own read of a citizen is audited too; the log pages newest first
    let (_, _) = app.post(Some(&admin), NAME, json!({ "cf": MARIO })).await;
    let (_, body) = app
        .post(
            Some(&admin),
            "{ auditLog(first: 1) { edges { cursor node { role fiscalCode } } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    let page = &body["data"]["auditLog"];
    assert_eq!(page["edges"][0]["node"]["role"], "admin");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let cursor = page["edges"][0]["cursor"].as_str().unwrap().to_owned();
    let (_, body) = app
        .post(
            Some(&admin),
            "query($after: String) { auditLog(first: 5, after: $after) { edges { node { role fiscalCode } } } }",
            json!({ "after": cursor }),
        )
        .await;
    let rest: Vec<(String, String)> = body["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["role"].as_str().unwrap().into(),
                e["node"]["fiscalCode"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(rest.len(), 2, "{body}");
    assert!(rest.iter().all(|(role, _)| role == "operator"));

    // a request that returns no personal data writes nothing
    let before = app.store_statements();
    let _ = app.post(Some(&operator), "{ __typename }", json!({})).await;
    assert_eq!(app.store_statements(), before);
    app.stop().await;
}

#[tokio::test]
async fn reads_are_audited_sqlite_store() {
    reads_are_audited("audit_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn reads_are_audited_postgres_store() {
    reads_are_audited("audit_postgres", Engine::Postgres).await;
}
