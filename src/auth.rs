//! Bearer JWT → `Principal { subject, role, office }` (DESIGN.md "Roles and privacy"), and the
//! minting of tokens for development and scripts (`fascicolo token`).

use crate::config::AuthConfig;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// CPI operator: reads and writes citizen data; every read is audited.
    Operator,
    /// Aggregates only (reporting tools).
    Reporting,
    /// Service account of the job portal.
    Portal,
    /// Sources status, audit log.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Reporting => "reporting",
            Role::Portal => "portal",
            Role::Admin => "admin",
        }
    }

    /// Roles that may read a citizen's personal data (each read audited).
    pub fn reads_personal_data(self) -> bool {
        matches!(self, Role::Operator | Role::Admin)
    }
}

/// Who is calling, taken from a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub subject: String,
    pub role: Role,
    /// CPI code of the operator's office.
    pub office: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    office: Option<String>,
    exp: u64,
    iat: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    aud: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer token: send `Authorization: Bearer <jwt>`")]
    Missing,
    #[error("the token has expired")]
    Expired,
    #[error("invalid token: {0}")]
    Invalid(String),
    #[error("auth configuration: {0}")]
    Config(String),
}

/// Verifies tokens with the configured HS256 secret or RS256 public key.
#[derive(Clone)]
pub struct Authenticator {
    key: DecodingKey,
    validation: Validation,
    signer: Option<EncodingKey>,
    issuer: Option<String>,
    audience: Option<String>,
}

impl Authenticator {
    pub fn from_config(config: &AuthConfig) -> Result<Self, AuthError> {
        let (key, algorithm, signer) = if let Some(path) = &config.rs256_public_key_file {
            let pem = std::fs::read(path).map_err(|e| {
                AuthError::Config(format!(
                    "auth.rs256_public_key_file {}: {e}",
                    path.display()
                ))
            })?;
            let key = DecodingKey::from_rsa_pem(&pem).map_err(|e| {
                AuthError::Config(format!(
                    "auth.rs256_public_key_file {} is not an RSA public key in PEM: {e}",
                    path.display()
                ))
            })?;
            (key, Algorithm::RS256, None)
        } else if let Some(secret) = &config.hs256_secret {
            let bytes = secret.expose_secret().as_bytes();
            if bytes.len() < 16 {
                return Err(AuthError::Config(
                    "auth.hs256_secret must be at least 16 characters".into(),
                ));
            }
            (
                DecodingKey::from_secret(bytes),
                Algorithm::HS256,
                Some(EncodingKey::from_secret(bytes)),
            )
        } else {
            return Err(AuthError::Config(
                "set auth.hs256_secret or auth.rs256_public_key_file".into(),
            ));
        };
        let mut validation = Validation::new(algorithm);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        match &config.issuer {
            Some(iss) => validation.set_issuer(&[iss]),
            None => validation.iss = None,
        }
        match &config.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        Ok(Authenticator {
            key,
            validation,
            signer,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
        })
    }

    /// Reads the `Authorization` header value.
    pub fn authenticate(&self, header: Option<&str>) -> Result<Principal, AuthError> {
        let token = header
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AuthError::Missing)?;
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation).map_err(
            |e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                _ => AuthError::Invalid(e.to_string()),
            },
        )?;
        Ok(Principal {
            subject: data.claims.sub,
            role: data.claims.role,
            office: data.claims.office,
        })
    }

    /// Signs a token (HS256 only: an RS256 deployment gets tokens from its identity provider).
    pub fn mint(
        &self,
        subject: &str,
        role: Role,
        office: Option<&str>,
        ttl: Duration,
    ) -> Result<String, AuthError> {
        let signer = self.signer.as_ref().ok_or_else(|| {
            AuthError::Config("minting needs auth.hs256_secret (RS256 keys only verify)".into())
        })?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let claims = Claims {
            sub: subject.to_owned(),
            role,
            office: office.map(str::to_owned),
            iat: now,
            exp: now + ttl.as_secs(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, signer)
            .map_err(|e| AuthError::Invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
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
        let a = auth("0123456789abcdef0123");
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
        let a = auth("0123456789abcdef0123");
        let other = auth("another-secret-of-20ch");
        let token = other
            .mint("x", Role::Admin, None, Duration::from_secs(60))
            .unwrap();
        assert!(matches!(a.authenticate(None), Err(AuthError::Missing)));
        assert!(matches!(
            a.authenticate(Some(&format!("Bearer {token}"))),
            Err(AuthError::Invalid(_))
        ));
        assert!(matches!(
            a.authenticate(Some("Bearer abc")),
            Err(AuthError::Invalid(_))
        ));
    }

    #[test]
    fn short_secret_is_refused() {
        let err = Authenticator::from_config(&AuthConfig {
            hs256_secret: Some(SecretString::from("short".to_owned())),
            ..AuthConfig::default()
        })
        .err()
        .unwrap();
        assert!(err.to_string().contains("hs256_secret"));
    }
}
