//! A citizen's token: the codice fiscale in the claim the identity provider fills.

use super::{AuthError, VerifiedClaims};

/// The prefix SPID and CIE put before an Italian codice fiscale (`fiscalNumber`).
pub(super) const TAX_ID_PREFIX: &str = "TINIT-";

/// A citizen's codice fiscale from their token: the configured claim, `TINIT-` dropped.
pub(super) fn citizen_code(claim: &str, claims: &VerifiedClaims) -> Result<String, AuthError> {
    let value = if claim == "sub" {
        Some(claims.sub.as_str())
    } else {
        claims.other.get(claim).and_then(|v| v.as_str())
    }
    .ok_or_else(|| {
        AuthError::InvalidClaims(format!(
            "a citizen token needs the {claim} claim (auth.citizen_fiscal_code_claim) with \
             the codice fiscale"
        ))
    })?;
    let trimmed = value.trim();
    let code = match trimmed.get(..TAX_ID_PREFIX.len()) {
        Some(head) if head.eq_ignore_ascii_case(TAX_ID_PREFIX) => &trimmed[TAX_ID_PREFIX.len()..],
        _ => trimmed,
    };
    // the message names the claim, never its value: it is personal data
    crate::domain::FiscalCode::parse(code)
        .map(|code| code.to_string())
        .map_err(|_| {
            AuthError::InvalidClaims(format!(
                "the {claim} claim of a citizen token is not a valid codice fiscale"
            ))
        })
}
