//! Bearer JWT → `Principal { subject, role, office }` (DESIGN.md "Roles and privacy"), and the
//! minting of tokens for development and scripts (`fascicolo token`).

use crate::config::AuthConfig;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use jwks::Jwks;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod citizen;
pub mod demo;
mod jwks;

use citizen::{TAX_ID_PREFIX, citizen_code};

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
    /// A citizen, signed in through the region's identity provider (SPID, CIE): reads their
    /// own fascicolo only; the token's subject is their codice fiscale.
    Citizen,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Reporting => "reporting",
            Role::Portal => "portal",
            Role::Admin => "admin",
            Role::Citizen => "citizen",
        }
    }
}

/// Who is calling, taken from a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Who: an operator's or a service's id, or for a citizen their codice fiscale as
    /// `FiscalCode` writes it.
    pub subject: String,
    pub role: Role,
    /// CPI code of the operator's office.
    pub office: Option<String>,
}

impl Principal {
    /// Whether this caller may see what is stored under `fiscal_code`: staff always (their
    /// role rules decide what); a citizen only their own, under their token's code or an
    /// older code an administrator linked to it (`links`).
    pub fn may_see(&self, links: &crate::domain::identity::LinkMap, fiscal_code: &str) -> bool {
        if self.role != Role::Citizen {
            return true;
        }
        // fail closed on a subject that is not a code
        let Ok(me) = crate::domain::FiscalCode::parse(&self.subject) else {
            return false;
        };
        links
            .family(&me)
            .iter()
            .any(|code| code.as_str() == fiscal_code)
    }
}

/// The claims `mint` writes.
#[derive(Debug, Serialize)]
struct Claims {
    sub: String,
    role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    office: Option<String>,
    exp: u64,
    iat: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<String>,
    /// A citizen's code under `auth.citizen_fiscal_code_claim` when that is not `sub`.
    #[serde(flatten)]
    fiscal_code: std::collections::BTreeMap<String, String>,
}

/// The claims read from a verified token; `exp`, `nbf`, `iss` and `aud` are checked by
/// jsonwebtoken on the raw payload (so an IdP's `aud` array is fine), other claims ignored.
#[derive(Debug, Deserialize)]
struct VerifiedClaims {
    sub: String,
    role: Role,
    #[serde(default)]
    office: Option<String>,
    /// Every other claim, for a citizen's `auth.citizen_fiscal_code_claim`.
    #[serde(flatten)]
    other: serde_json::Map<String, serde_json::Value>,
}

/// Why a request is not authenticated. Each reason has its own message; none repeats the
/// token or any part of it.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer token: send `Authorization: Bearer <jwt>`")]
    Missing,
    #[error("malformed Authorization header: expected `Bearer <jwt>`")]
    MalformedHeader,
    #[error("malformed token: not a signed JWT (header.payload.signature)")]
    MalformedToken,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet (its nbf is in the future)")]
    NotYetValid,
    #[error("wrong issuer: the token's iss is not the configured issuer")]
    WrongIssuer,
    #[error("missing issuer: the token has no iss, and this server requires its issuer's")]
    MissingIssuer,
    #[error("wrong audience: the token's aud does not name this service")]
    WrongAudience,
    #[error("missing audience: the token has no aud, and this server requires one naming it")]
    MissingAudience,
    #[error("unknown key id: the token's kid is missing or names no key of the key set")]
    UnknownKeyId,
    #[error("bad signature: the token was not signed by a trusted key")]
    BadSignature,
    #[error("unsupported algorithm {found}: accepted {accepted}")]
    UnsupportedAlgorithm { found: String, accepted: String },
    #[error("invalid claims: {0}")]
    InvalidClaims(String),
    #[error("auth configuration: {0}")]
    Config(String),
}

/// How RS256 tokens are verified.
#[derive(Clone)]
enum RsaKeys {
    None,
    Pem(DecodingKey),
    Jwks(Arc<Jwks>),
}

/// Shortest HS256 secret: the size of the SHA-256 output.
pub const MIN_HS256_SECRET_BYTES: usize = 32;

/// Verifies tokens with the configured HS256 secret and/or RS256 keys (PEM or JWKS).
#[derive(Clone)]
pub struct Authenticator {
    hs256: Option<DecodingKey>,
    rs256: RsaKeys,
    signer: Option<EncodingKey>,
    leeway: u64,
    issuer: Option<String>,
    audience: Option<String>,
    citizen_claim: String,
}

impl Authenticator {
    pub fn from_config(config: &AuthConfig) -> Result<Self, AuthError> {
        let rs256 = if let Some(path) = &config.jwks_file {
            RsaKeys::Jwks(Arc::new(Jwks::open(
                path,
                Duration::from_secs(config.jwks_refresh_secs),
            )?))
        } else if let Some(path) = &config.rs256_public_key_file {
            let pem = std::fs::read(path).map_err(|e| {
                AuthError::Config(format!(
                    "auth.rs256_public_key_file {}: {e}",
                    path.display()
                ))
            })?;
            RsaKeys::Pem(DecodingKey::from_rsa_pem(&pem).map_err(|e| {
                AuthError::Config(format!(
                    "auth.rs256_public_key_file {} is not an RSA public key in PEM: {e}",
                    path.display()
                ))
            })?)
        } else {
            RsaKeys::None
        };
        let (hs256, signer) = match &config.hs256_secret {
            Some(secret) => {
                let bytes = secret.expose_secret().as_bytes();
                // RFC 7518 3.2: "a key of the same size as the hash output (for instance,
                // 256 bits for "HS256") or larger MUST be used"
                if bytes.len() < MIN_HS256_SECRET_BYTES {
                    return Err(AuthError::Config(format!(
                        "auth.hs256_secret is {} bytes: HS256 needs at least \
                         {MIN_HS256_SECRET_BYTES} (RFC 7518 section 3.2)",
                        bytes.len()
                    )));
                }
                (
                    Some(DecodingKey::from_secret(bytes)),
                    Some(EncodingKey::from_secret(bytes)),
                )
            }
            None => (None, None),
        };
        if hs256.is_none() && matches!(rs256, RsaKeys::None) {
            return Err(AuthError::Config(
                "set auth.hs256_secret, auth.rs256_public_key_file or auth.jwks_file".into(),
            ));
        }
        Ok(Authenticator {
            hs256,
            rs256,
            signer,
            leeway: config.leeway_secs,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            citizen_claim: config.citizen_fiscal_code_claim.clone(),
        })
    }

    /// The algorithms this configuration verifies, for the unsupported-algorithm message.
    fn accepted(&self) -> String {
        let mut names = Vec::new();
        if self.hs256.is_some() {
            names.push("HS256");
        }
        if !matches!(self.rs256, RsaKeys::None) {
            names.push("RS256");
        }
        names.join(", ")
    }

    /// One algorithm per validation: a token is checked only against keys of the algorithm
    /// its header names, so an RSA public key can never be used as an HMAC secret.
    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        // jsonwebtoken checks iss and aud only when the token has them: a configured one must
        // also be present
        let mut required = vec!["exp", "sub"];
        match &self.issuer {
            Some(iss) => {
                validation.set_issuer(&[iss]);
                required.push("iss");
            }
            None => validation.iss = None,
        }
        match &self.audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        validation
    }

    /// Reads the `Authorization` header value.
    pub fn authenticate(&self, header: Option<&str>) -> Result<Principal, AuthError> {
        let header = header.ok_or(AuthError::Missing)?;
        let (scheme, token) = header
            .trim()
            .split_once(' ')
            .ok_or(AuthError::MalformedHeader)?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
            return Err(AuthError::MalformedHeader);
        }
        let head = jsonwebtoken::decode_header(token).map_err(|_| AuthError::MalformedToken)?;
        let key = match (head.alg, &self.hs256, &self.rs256) {
            (Algorithm::HS256, Some(key), _) => key.clone(),
            (Algorithm::RS256, _, RsaKeys::Pem(key)) => key.clone(),
            (Algorithm::RS256, _, RsaKeys::Jwks(jwks)) => {
                jwks.key(head.kid.as_deref().ok_or(AuthError::UnknownKeyId)?)?
            }
            (other, _, _) => {
                return Err(AuthError::UnsupportedAlgorithm {
                    found: format!("{other:?}"),
                    accepted: self.accepted(),
                });
            }
        };
        let data = jsonwebtoken::decode::<VerifiedClaims>(token, &key, &self.validation(head.alg))
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                match e.kind() {
                    ErrorKind::ExpiredSignature => AuthError::Expired,
                    ErrorKind::ImmatureSignature => AuthError::NotYetValid,
                    ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
                    ErrorKind::InvalidAudience => AuthError::WrongAudience,
                    ErrorKind::MissingRequiredClaim(c) if c == "iss" => AuthError::MissingIssuer,
                    ErrorKind::MissingRequiredClaim(c) if c == "aud" => AuthError::MissingAudience,
                    // jsonwebtoken reads an exp that is not a number as no exp at all
                    ErrorKind::MissingRequiredClaim(c) if c == "exp" => AuthError::InvalidClaims(
                        "exp is required, as a number (seconds since 1970-01-01 UTC)".into(),
                    ),
                    ErrorKind::InvalidSignature => AuthError::BadSignature,
                    ErrorKind::InvalidAlgorithm => AuthError::UnsupportedAlgorithm {
                        found: format!("{:?}", head.alg),
                        accepted: self.accepted(),
                    },
                    ErrorKind::MissingRequiredClaim(c) => {
                        AuthError::InvalidClaims(format!("the {c} claim is required"))
                    }
                    ErrorKind::InvalidClaimFormat(c) => {
                        AuthError::InvalidClaims(format!("the {c} claim has the wrong type"))
                    }
                    // a payload that parses as JSON but not as our claims (e.g. an unknown role)
                    ErrorKind::Json(_) => AuthError::InvalidClaims(
                        "sub (string) and role (operator, reporting, portal, admin, citizen) are \
                         required"
                            .into(),
                    ),
                    _ => AuthError::MalformedToken,
                }
            })?;
        let claims = data.claims;
        if claims.role == Role::Citizen {
            // a citizen has no office, and is known only by the code
            return Ok(Principal {
                subject: citizen_code(&self.citizen_claim, &claims)?,
                role: Role::Citizen,
                office: None,
            });
        }
        Ok(Principal {
            subject: claims.sub,
            role: claims.role,
            office: claims.office,
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
        let mut fiscal_code = std::collections::BTreeMap::new();
        let mut subject = subject.to_owned();
        if role == Role::Citizen {
            let code = crate::domain::FiscalCode::parse(&subject).map_err(|e| {
                AuthError::Config(format!(
                    "a citizen token's subject must be a codice fiscale: {e}"
                ))
            })?;
            if self.citizen_claim != "sub" {
                // as an identity provider would send it
                fiscal_code.insert(self.citizen_claim.clone(), format!("{TAX_ID_PREFIX}{code}"));
            }
            subject = code.to_string();
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let claims = Claims {
            sub: subject,
            role,
            office: office.map(str::to_owned),
            iat: now,
            exp: now + ttl.as_secs(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            fiscal_code,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, signer)
            .map_err(|e| AuthError::Config(format!("signing: {e}")))
    }
}

#[cfg(test)]
mod tests;
