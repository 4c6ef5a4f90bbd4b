//! Pure domain types and rules, no I/O (DESIGN.md layout).

pub mod codes;
pub mod consent;
pub mod fiscal_code;
pub mod identity;
pub mod ivc;
pub mod libretto;
pub mod libretto_rules;
pub mod orientation;

pub use fiscal_code::{FiscalCode, FiscalCodeError};
