//! Opaque pagination cursors (issue 19 §3): a cursor carries a position in a list (a name and
//! a fiscal code for `searchCitizens`, a date and an id elsewhere), so it is sealed with
//! XChaCha20-Poly1305 under a server key: a client, a proxy or a log that holds one learns
//! nothing from it, and cannot forge one. The list's name is authenticated with it, so a cursor
//! of one list is refused by another.

use crate::error::AppError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

const NONCE: usize = 24;

/// The key cursors are sealed with; every replica must hold the same one.
#[derive(Clone)]
pub struct CursorKey(XChaCha20Poly1305);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(…)")
    }
}

/// Where the key came from, for the start-up log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `server.cursor_key`.
    Configured,
    /// Derived from `auth.hs256_secret`, which every replica shares.
    TokenSecret,
    /// Random, for this process only: cursors die with it.
    Ephemeral,
}

impl CursorKey {
    /// `server.cursor_key` when set (hashed to 32 bytes); else derived from the HS256 token
    /// secret (domain-separated, so the token key itself is never used to encrypt); else a
    /// random key, which the caller should warn about.
    pub fn from_secrets(
        configured: Option<&SecretString>,
        token_secret: Option<&SecretString>,
    ) -> (CursorKey, KeyOrigin) {
        if let Some(key) = configured {
            let bytes: [u8; 32] = Sha256::digest(key.expose_secret().as_bytes()).into();
            return (Self::from_bytes(&bytes), KeyOrigin::Configured);
        }
        if let Some(secret) = token_secret
            && let Ok(mut mac) =
                <Hmac<Sha256> as Mac>::new_from_slice(secret.expose_secret().as_bytes())
        {
            mac.update(b"fascicolo cursor key v1");
            let bytes: [u8; 32] = mac.finalize().into_bytes().into();
            return (Self::from_bytes(&bytes), KeyOrigin::TokenSecret);
        }
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        (Self::from_bytes(&bytes), KeyOrigin::Ephemeral)
    }

    pub fn from_bytes(bytes: &[u8; 32]) -> CursorKey {
        CursorKey(XChaCha20Poly1305::new(bytes.into()))
    }

    /// `position` sealed for the list named `list`.
    pub fn seal(&self, list: &str, position: &[u8]) -> String {
        let mut nonce = [0u8; NONCE];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: position,
                    aad: list.as_bytes(),
                },
            )
            // encryption fails only for messages of more than 256 GiB
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// The position a cursor of `list` holds; `None` for anything this server did not seal
    /// for that list.
    pub fn open(&self, list: &str, cursor: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        if bytes.len() <= NONCE {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE);
        let nonce: [u8; NONCE] = nonce.try_into().ok()?;
        self.0
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: list.as_bytes(),
                },
            )
            .ok()
    }

    /// A JSON-serialisable position, sealed.
    pub fn seal_json(&self, list: &str, position: &impl serde::Serialize) -> String {
        self.seal(list, &serde_json::to_vec(position).unwrap_or_default())
    }

    /// The position of `after`, or the `after` refusal every list gives.
    pub fn open_json<T: serde::de::DeserializeOwned>(
        &self,
        list: &str,
        after: &str,
    ) -> Result<T, AppError> {
        self.open(list, after)
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| {
                AppError::bad_input("after", format!("after: not a cursor {list} returned"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_hides_its_position_and_opens_only_for_its_list_and_key() {
        let (key, _) = CursorKey::from_secrets(None, None);
        let position = b"[\"ROSSI\",\"MARIO\",\"RSSMRA85T10A562S\"]";
        let cursor = key.seal("searchCitizens", position);
        assert!(!cursor.contains("ROSSI") && !cursor.contains("RSSMRA"));
        let decoded = URL_SAFE_NO_PAD.decode(&cursor).unwrap();
        assert!(
            !decoded.windows(5).any(|w| w == b"ROSSI"),
            "encrypted, not encoded"
        );
        assert_eq!(
            key.open("searchCitizens", &cursor).as_deref(),
            Some(&position[..])
        );
        assert_eq!(key.open("librettos", &cursor), None, "another list's");
        let (other, _) = CursorKey::from_secrets(None, None);
        assert_eq!(other.open("searchCitizens", &cursor), None, "another key's");
        assert_ne!(cursor, key.seal("searchCitizens", position), "random nonce");
        let mut forged = decoded;
        *forged.last_mut().unwrap() ^= 1;
        assert_eq!(
            key.open("searchCitizens", &URL_SAFE_NO_PAD.encode(forged)),
            None
        );
        for garbage in ["", "x", "not a cursor", "AAAA"] {
            assert_eq!(key.open("searchCitizens", garbage), None);
        }
    }

    #[test]
    fn replicas_sharing_a_secret_share_the_key() {
        let secret = SecretString::from("a-token-secret-of-at-least-32-bytes!!");
        let (a, origin) = CursorKey::from_secrets(None, Some(&secret));
        let (b, _) = CursorKey::from_secrets(None, Some(&secret));
        assert_eq!(origin, KeyOrigin::TokenSecret);
        let cursor = a.seal("auditLog", b"42");
        assert_eq!(b.open("auditLog", &cursor).as_deref(), Some(&b"42"[..]));
        let configured = SecretString::from("another-secret-for-cursors-only-0123456789");
        let (c, origin) = CursorKey::from_secrets(Some(&configured), Some(&secret));
        assert_eq!(origin, KeyOrigin::Configured);
        assert_eq!(c.open("auditLog", &cursor), None);
    }
}
