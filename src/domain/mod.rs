//! The domain: the `fascicolo-domain` crate (`domain/`, no transport, no I/O), plus the
//! codice fiscale and the identity links built on it. Those two stay in the app crate for
//! now: the GraphQL `FiscalCode` scalar is implemented on the type itself, and the orphan rule
//! allows that only in the crate that defines it (moving them needs a GraphQL newtype first).

pub use fascicolo_domain::*;

pub mod fiscal_code;
pub mod identity;

pub use fiscal_code::{FiscalCode, FiscalCodeError};
