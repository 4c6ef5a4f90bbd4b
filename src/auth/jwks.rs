//! The identity provider's JSON Web Key Set (`auth.jwks_file`): RS256 keys by `kid`, re-read
//! when due or on an unknown `kid`, so a key rotation needs no restart.

use super::AuthError;
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm, PublicKeyUse};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// An unknown `kid` re-reads the key set at most this often, so a flood of forged kids
/// cannot turn into a flood of file reads.
const UNKNOWN_KID_RELOAD_INTERVAL: Duration = Duration::from_secs(10);

/// The IdP's JSON Web Key Set, re-read from its file when due or on an unknown `kid`.
pub(super) struct Jwks {
    path: PathBuf,
    refresh: Duration,
    state: Mutex<JwksState>,
}

struct JwksState {
    keys: HashMap<String, DecodingKey>,
    loaded_at: Instant,
    forced_at: Option<Instant>,
}

impl Jwks {
    pub(super) fn open(path: &Path, refresh: Duration) -> Result<Self, AuthError> {
        let keys = load_jwks(path).map_err(AuthError::Config)?;
        Ok(Jwks {
            path: path.to_owned(),
            refresh,
            state: Mutex::new(JwksState {
                keys,
                loaded_at: Instant::now(),
                forced_at: None,
            }),
        })
    }

    pub(super) fn key(&self, kid: &str) -> Result<DecodingKey, AuthError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if now.duration_since(state.loaded_at) >= self.refresh {
            self.reload(&mut state, now);
        }
        if let Some(key) = state.keys.get(kid) {
            return Ok(key.clone());
        }
        let may_force = state
            .forced_at
            .is_none_or(|at| now.duration_since(at) >= UNKNOWN_KID_RELOAD_INTERVAL);
        if may_force {
            state.forced_at = Some(now);
            self.reload(&mut state, now);
            if let Some(key) = state.keys.get(kid) {
                return Ok(key.clone());
            }
        }
        Err(AuthError::UnknownKeyId)
    }

    /// A file that cannot be read or parsed keeps the keys in use: a half-written file
    /// during a rotation must not lock everybody out.
    fn reload(&self, state: &mut JwksState, now: Instant) {
        state.loaded_at = now;
        match load_jwks(&self.path) {
            Ok(keys) => state.keys = keys,
            Err(error) => tracing::warn!(%error, "keeping the previous JWKS keys"),
        }
    }
}

/// The RS256 signing keys of a JWKS file, by `kid`.
fn load_jwks(path: &Path) -> Result<HashMap<String, DecodingKey>, String> {
    let text =
        std::fs::read(path).map_err(|e| format!("auth.jwks_file {}: {e}", path.display()))?;
    let set: JwkSet = serde_json::from_slice(&text).map_err(|e| {
        format!(
            "auth.jwks_file {} is not a JSON Web Key Set: {e}",
            path.display()
        )
    })?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let Some(kid) = &jwk.common.key_id else {
            continue;
        };
        let rsa = matches!(jwk.algorithm, AlgorithmParameters::RSA(_));
        let signing = jwk
            .common
            .public_key_use
            .as_ref()
            .is_none_or(|u| *u == PublicKeyUse::Signature);
        let rs256 = jwk
            .common
            .key_algorithm
            .is_none_or(|a| a == KeyAlgorithm::RS256);
        if !(rsa && signing && rs256) {
            continue;
        }
        let key = DecodingKey::from_jwk(jwk).map_err(|e| {
            format!(
                "auth.jwks_file {}: key {kid} is not usable: {e}",
                path.display()
            )
        })?;
        keys.insert(kid.clone(), key);
    }
    if keys.is_empty() {
        return Err(format!(
            "auth.jwks_file {} has no RSA signing key for RS256 with a kid",
            path.display()
        ));
    }
    Ok(keys)
}
