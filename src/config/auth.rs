//! The `auth` section: how bearer tokens are verified.

use secrecy::SecretString;
use serde::Deserialize;
use std::path::PathBuf;
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    pub hs256_secret: Option<SecretString>,
    /// PEM file with the RS256 public key that verifies tokens issued by the region's IdP.
    pub rs256_public_key_file: Option<PathBuf>,
    /// JSON Web Key Set of the IdP (RS256 keys picked by the token's `kid`); re-read when due
    /// or on an unknown `kid`, so a key rotation needs no restart.
    pub jwks_file: Option<PathBuf>,
    /// Seconds between re-reads of `jwks_file`.
    #[serde(default = "default_jwks_refresh")]
    pub jwks_refresh_secs: u64,
    /// Clock skew tolerated on `exp` and `nbf`.
    #[serde(default = "default_leeway")]
    pub leeway_secs: u64,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    /// Operators write only for citizens of their office's province (`CPI-XX-…` → `XX`).
    #[serde(default)]
    pub operators_write_own_territory_only: bool,
    /// The claim of a `citizen` token that holds the citizen's codice fiscale: `sub`, or the
    /// claim the identity provider fills from SPID or CIE (e.g. `fiscalNumber`, whose value
    /// reads `TINIT-<code>`; the prefix is dropped).
    #[serde(default = "default_citizen_claim")]
    pub citizen_fiscal_code_claim: String,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            hs256_secret: None,
            rs256_public_key_file: None,
            jwks_file: None,
            jwks_refresh_secs: default_jwks_refresh(),
            leeway_secs: default_leeway(),
            issuer: None,
            audience: None,
            operators_write_own_territory_only: false,
            citizen_fiscal_code_claim: default_citizen_claim(),
        }
    }
}

/// Largest `auth.leeway_secs`: more would keep expired tokens alive.
pub const MAX_LEEWAY_SECS: u64 = 300;

fn default_jwks_refresh() -> u64 {
    300
}

fn default_citizen_claim() -> String {
    "sub".into()
}

fn default_leeway() -> u64 {
    30
}
