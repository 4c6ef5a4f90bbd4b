//! The domain: the `fascicolo-domain` crate (`domain/`: types, rules, the codice fiscale and
//! the identity links; no transport, no I/O), under the path the app has always used.

pub use fascicolo_domain::*;
