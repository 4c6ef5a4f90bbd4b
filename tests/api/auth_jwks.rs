//! RS256 tokens verified with the identity provider's JSON Web Key Set (`auth.jwks_file`),
//! key rotation without a restart, and each reason a token is refused (401 UNAUTHENTICATED).

use crate::fixtures::{self, MARIO};
use crate::helpers::{SECRET, TestApp, error_codes, spawn_app_auth};
use fascicolo::testing::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

const NAME: &str = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { familyName } } }";
const ISSUER: &str = "https://idp.test.example";
const AUDIENCE: &str = "fascicolo";

fn keys(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/api/keys")
        .join(file)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Claims of a valid operator token, to be spoiled one at a time.
fn claims() -> Value {
    json!({
        "sub": "idp-user", "role": "operator", "office": "CPI-FI-01",
        "iss": ISSUER, "aud": [AUDIENCE, "other-service"],
        "iat": now(), "exp": now() + 600,
    })
}

/// Signed by the IdP's key `n` (tests/api/keys/idp-n.pem) under the key id `kid`.
fn rs256(n: u8, kid: Option<&str>, claims: &Value) -> String {
    let pem = std::fs::read(keys(&format!("idp-{n}.pem"))).unwrap();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, &EncodingKey::from_rsa_pem(&pem).unwrap()).unwrap()
}

/// POSTs NAME with a raw `Authorization` value; returns status and the first error message.
async fn call(app: &TestApp, authorization: Option<&str>) -> (u16, Value) {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": NAME, "variables": { "cf": MARIO } }));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// 401 UNAUTHENTICATED whose message contains `reason` and not the token.
async fn refused(app: &TestApp, token: &str, reason: &str) {
    let (status, body) = call(app, Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 401, "{reason}: {body}");
    assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains(reason), "{reason}: {message}");
    for part in token.split('.').filter(|p| p.len() > 8) {
        assert!(
            !message.contains(part),
            "the message echoes the token: {message}"
        );
    }
}

async fn accepted(app: &TestApp, token: &str) {
    let (status, body) = call(app, Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(body["data"]["citizen"]["person"]["familyName"], "ROSSI");
}

async fn jwks_app(test: &str, jwks: &std::path::Path) -> Option<TestApp> {
    let auth = format!(
        "jwks_file = \"{}\"\njwks_refresh_secs = 3600\nissuer = \"{ISSUER}\"\naudience = \"{AUDIENCE}\"\n",
        jwks.display()
    );
    spawn_app_auth(
        test,
        Engine::Sqlite,
        fixtures::sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        "",
        &auth,
        "",
    )
    .await
}

#[tokio::test]
async fn idp_tokens_are_verified_with_the_jwks_and_rotation_needs_no_restart() {
    let dir = tempfile::tempdir().unwrap();
    let jwks = dir.path().join("jwks.json");
    std::fs::copy(keys("jwks-1.json"), &jwks).unwrap();
    let Some(app) = jwks_app("auth_jwks_rotation", &jwks).await else {
        return;
    };
    accepted(&app, &rs256(1, Some("idp-key-1"), &claims())).await;

    // the IdP rotates: key 2 replaces key 1 in the published set; the unknown kid makes
    // the gateway re-read the file at once
    let next = rs256(2, Some("idp-key-2"), &claims());
    std::fs::copy(keys("jwks-2.json"), &jwks).unwrap();
    accepted(&app, &next).await;
    // key 1 is gone (the re-read for it is rate-limited, and would not find it anyway)
    refused(
        &app,
        &rs256(1, Some("idp-key-1"), &claims()),
        "unknown key id",
    )
    .await;

    // HS256 tokens of the configured secret are still accepted beside the IdP's
    accepted(&app, &app.operator()).await;
    app.stop().await;
}

#[tokio::test]
async fn each_refusal_reason_is_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let jwks = dir.path().join("jwks.json");
    std::fs::copy(keys("jwks-1.json"), &jwks).unwrap();
    let Some(app) = jwks_app("auth_jwks_reasons", &jwks).await else {
        return;
    };
    let check = |(status, body): (u16, Value), reason: &str| {
        assert_eq!(status, 401, "{body}");
        assert_eq!(error_codes(&body), ["UNAUTHENTICATED"], "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(reason), "{reason}: {message}");
    };
    check(call(&app, None).await, "missing bearer token");
    check(
        call(&app, Some("Basic dXNlcjpwYXNz")).await,
        "malformed Authorization header",
    );
    check(
        call(&app, Some("Bearer")).await,
        "malformed Authorization header",
    );
    refused(&app, "not-a-jwt", "malformed token").await;

    let spoiled = |key: &str, value: Value| {
        let mut c = claims();
        c[key] = value;
        c
    };
    // within the 30 s default leeway an expiry or a start in the future still passes
    accepted(
        &app,
        &rs256(1, Some("idp-key-1"), &spoiled("exp", json!(now() - 10))),
    )
    .await;
    accepted(
        &app,
        &rs256(1, Some("idp-key-1"), &spoiled("nbf", json!(now() + 10))),
    )
    .await;
    refused(
        &app,
        &rs256(1, Some("idp-key-1"), &spoiled("exp", json!(now() - 120))),
        "the token has expired",
    )
    .await;
    refused(
        &app,
        &rs256(1, Some("idp-key-1"), &spoiled("nbf", json!(now() + 120))),
        "not valid yet",
    )
    .await;
    refused(
        &app,
        &rs256(
            1,
            Some("idp-key-1"),
            &spoiled("iss", json!("https://evil.example")),
        ),
        "wrong issuer",
    )
    .await;
    refused(
        &app,
        &rs256(
            1,
            Some("idp-key-1"),
            &spoiled("aud", json!("another-service")),
        ),
        "wrong audience",
    )
    .await;
    refused(
        &app,
        &rs256(1, Some("no-such-key"), &claims()),
        "unknown key id",
    )
    .await;
    refused(&app, &rs256(1, None, &claims()), "unknown key id").await;
    // kid of key 1, signed with key 2
    refused(
        &app,
        &rs256(2, Some("idp-key-1"), &claims()),
        "bad signature",
    )
    .await;
    // HS512 with the right secret: not an accepted algorithm
    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &claims(),
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    refused(
        &app,
        &hs512,
        "unsupported algorithm HS512: accepted HS256, RS256",
    )
    .await;
    refused(
        &app,
        &rs256(1, Some("idp-key-1"), &spoiled("role", json!("superuser"))),
        "invalid claims",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_key_set_is_re_read_when_due() {
    let dir = tempfile::tempdir().unwrap();
    let jwks = dir.path().join("jwks.json");
    std::fs::copy(keys("jwks-1.json"), &jwks).unwrap();
    let auth = format!(
        "jwks_file = \"{}\"\njwks_refresh_secs = 1\nleeway_secs = 0\n",
        jwks.display()
    );
    let Some(app) = spawn_app_auth(
        "auth_jwks_refresh",
        Engine::Sqlite,
        fixtures::sources(Engine::Sqlite, Engine::Sqlite),
        &[],
        "",
        &auth,
        "",
    )
    .await
    else {
        return;
    };
    let plain = json!({ "sub": "u", "role": "operator", "exp": now() + 600 });
    // uses up the re-read an unknown kid may force
    refused(&app, &rs256(2, Some("idp-key-2"), &plain), "unknown key id").await;
    std::fs::copy(keys("jwks-2.json"), &jwks).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, body) = call(
        &app,
        Some(&format!("Bearer {}", rs256(2, Some("idp-key-2"), &plain))),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // leeway 0: a token expired a few seconds ago is refused
    refused(
        &app,
        &rs256(
            2,
            Some("idp-key-2"),
            &json!({ "sub": "u", "role": "operator", "exp": now() - 3 }),
        ),
        "the token has expired",
    )
    .await;
    app.stop().await;
}

/// With `auth.issuer` and `auth.audience` set, a token must carry both (before, only a wrong
/// value was refused, a missing one passed); `exp` must be a number.
#[tokio::test]
async fn configured_issuer_and_audience_must_be_in_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let jwks = dir.path().join("jwks.json");
    std::fs::copy(keys("jwks-1.json"), &jwks).unwrap();
    let Some(app) = jwks_app("auth_required_claims", &jwks).await else {
        return;
    };
    let without = |key: &str| {
        let mut c = claims();
        c.as_object_mut().unwrap().remove(key);
        c
    };
    let idp = |claims: &Value| rs256(1, Some("idp-key-1"), claims);
    refused(&app, &idp(&without("iss")), "missing issuer").await;
    refused(&app, &idp(&without("aud")), "missing audience").await;
    refused(&app, &idp(&without("exp")), "exp is required, as a number").await;
    let mut text_exp = claims();
    text_exp["exp"] = json!((now() + 600).to_string());
    refused(&app, &idp(&text_exp), "exp is required, as a number").await;
    // an empty audience list names nobody
    let mut nobody = claims();
    nobody["aud"] = json!([]);
    refused(&app, &idp(&nobody), "wrong audience").await;
    accepted(&app, &idp(&claims())).await;

    // the same rules for HS256 tokens signed with the configured secret
    let hs256 = |claims: &Value| {
        encode(
            &Header::new(Algorithm::HS256),
            claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .unwrap()
    };
    refused(&app, &hs256(&without("iss")), "missing issuer").await;
    refused(&app, &hs256(&without("aud")), "missing audience").await;
    refused(&app, &hs256(&text_exp), "exp is required, as a number").await;
    accepted(&app, &hs256(&claims())).await;
    // the tokens the server mints carry both
    accepted(&app, &app.operator()).await;
    app.stop().await;
}

/// An HS256 secret shorter than the hash (32 bytes) stops the start-up, naming the key.
#[tokio::test]
async fn a_short_hs256_secret_stops_the_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let config = |secret: &str| {
        fascicolo::config::Config::from_toml(&format!(
            "[server]\nlisten = \"127.0.0.1:0\"\n[store]\nurl = \"sqlite://{}/store.db?mode=rwc\"\n\
             [auth]\nhs256_secret = \"{secret}\"\n",
            dir.path().display()
        ))
        .unwrap()
    };
    let Err(err) = fascicolo::app::Application::build(config(&SECRET[..31])).await else {
        panic!("a 31-byte secret must not start");
    };
    let err = err.to_string();
    assert!(
        err.contains("auth.hs256_secret is 31 bytes: HS256 needs at least 32"),
        "{err}"
    );
    let app = fascicolo::app::Application::build(config(&SECRET[..32])).await;
    assert!(app.is_ok(), "32 bytes are enough");
}
