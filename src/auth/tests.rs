use super::*;
use secrecy::SecretString;

fn auth(secret: &str) -> Authenticator {
    Authenticator::from_config(&AuthConfig {
        hs256_secret: Some(SecretString::from(secret.to_owned())),
        ..AuthConfig::default()
    })
    .unwrap()
}

#[test]
fn minted_token_round_trips() {
    let a = auth("0123456789abcdef0123456789abcdef");
    let token = a
        .mint(
            "mrossi",
            Role::Operator,
            Some("CPI-FI-01"),
            Duration::from_secs(60),
        )
        .unwrap();
    let p = a.authenticate(Some(&format!("Bearer {token}"))).unwrap();
    assert_eq!(p.subject, "mrossi");
    assert_eq!(p.role, Role::Operator);
    assert_eq!(p.office.as_deref(), Some("CPI-FI-01"));
}

#[test]
fn missing_wrong_key_and_garbage_are_rejected() {
    let a = auth("0123456789abcdef0123456789abcdef");
    let other = auth("another-secret-of-32-bytes-01234");
    let token = other
        .mint("x", Role::Admin, None, Duration::from_secs(60))
        .unwrap();
    assert!(matches!(a.authenticate(None), Err(AuthError::Missing)));
    assert!(matches!(
        a.authenticate(Some(&format!("Bearer {token}"))),
        Err(AuthError::BadSignature)
    ));
    assert!(matches!(
        a.authenticate(Some("Bearer abc")),
        Err(AuthError::MalformedToken)
    ));
    assert!(matches!(
        a.authenticate(Some("Basic abc")),
        Err(AuthError::MalformedHeader)
    ));
}

#[test]
fn a_secret_shorter_than_32_bytes_is_refused() {
    let secret = |s: &str| {
        Authenticator::from_config(&AuthConfig {
            hs256_secret: Some(SecretString::from(s.to_owned())),
            ..AuthConfig::default()
        })
    };
    let err = secret(&"s".repeat(31)).err().unwrap().to_string();
    assert!(
        err.contains("auth.hs256_secret is 31 bytes: HS256 needs at least 32"),
        "{err}"
    );
    // bytes, not characters: 16 two-byte characters are enough
    assert!(secret(&"è".repeat(16)).is_ok());
    assert!(secret(&"s".repeat(32)).is_ok());
}

const SECRET: &str = "0123456789abcdef0123456789abcdef";

/// A token as an identity provider signs it, with any claims.
fn signed(claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

fn in_an_hour() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600
}

#[test]
fn a_citizen_is_known_by_the_code_in_the_configured_claim() {
    let spid = Authenticator::from_config(&AuthConfig {
        hs256_secret: Some(SecretString::from(SECRET.to_owned())),
        citizen_fiscal_code_claim: "fiscalNumber".into(),
        ..AuthConfig::default()
    })
    .unwrap();
    let bearer = |claims| spid.authenticate(Some(&format!("Bearer {}", signed(&claims))));
    // SPID's form, lower case and with an office the token has no business giving
    let p = bearer(
        serde_json::json!({"sub": "spid-123", "role": "citizen", "office": "CPI-FI-01",
        "fiscalNumber": "TINIT-bncpla60a62i726c", "exp": in_an_hour()}),
    )
    .unwrap();
    assert_eq!(p.subject, "BNCPLA60A62I726C");
    assert_eq!((p.role, p.office), (Role::Citizen, None));
    // without the prefix too
    let p = bearer(serde_json::json!({"sub": "x", "role": "citizen",
        "fiscalNumber": "BNCPLA60A62I726C", "exp": in_an_hour()}))
    .unwrap();
    assert_eq!(p.subject, "BNCPLA60A62I726C");
    // no claim, a bad code, a number: refused, and the message never repeats the value
    for claims in [
        serde_json::json!({"sub": "BNCPLA60A62I726C", "role": "citizen", "exp": in_an_hour()}),
        serde_json::json!({"sub": "x", "role": "citizen", "fiscalNumber": "TINIT-BNCPLA60A62I726X",
            "exp": in_an_hour()}),
        serde_json::json!({"sub": "x", "role": "citizen", "fiscalNumber": 42, "exp": in_an_hour()}),
    ] {
        let err = bearer(claims).unwrap_err().to_string();
        assert!(err.contains("fiscalNumber"), "{err}");
        assert!(!err.contains("BNCPLA"), "{err}");
    }
    // other roles do not need the claim
    let p = bearer(serde_json::json!({"sub": "mrossi", "role": "operator", "exp": in_an_hour()}))
        .unwrap();
    assert_eq!(p.subject, "mrossi");
}

#[test]
fn a_citizen_token_is_minted_for_a_code_only() {
    let a = auth(SECRET);
    let token = a
        .mint(
            "bncpla60a62i726c",
            Role::Citizen,
            None,
            Duration::from_secs(60),
        )
        .unwrap();
    let p = a.authenticate(Some(&format!("Bearer {token}"))).unwrap();
    assert_eq!(
        (p.subject.as_str(), p.role),
        ("BNCPLA60A62I726C", Role::Citizen)
    );
    let err = a
        .mint("dev", Role::Citizen, None, Duration::from_secs(60))
        .unwrap_err()
        .to_string();
    assert!(err.contains("codice fiscale"), "{err}");
    // with a provider's claim configured, the minted token carries it as SPID would
    let spid = Authenticator::from_config(&AuthConfig {
        hs256_secret: Some(SecretString::from(SECRET.to_owned())),
        citizen_fiscal_code_claim: "fiscalNumber".into(),
        ..AuthConfig::default()
    })
    .unwrap();
    let token = spid
        .mint(
            "BNCPLA60A62I726C",
            Role::Citizen,
            None,
            Duration::from_secs(60),
        )
        .unwrap();
    let p = spid.authenticate(Some(&format!("Bearer {token}"))).unwrap();
    assert_eq!(p.subject, "BNCPLA60A62I726C");
}
