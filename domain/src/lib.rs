//! Pure domain types and rules, no I/O (DESIGN.md layout). Its own crate so that the compiler
//! keeps transport and storage out: no async-graphql, SeaORM, sqlx or tokio here.

pub mod codes;
pub mod consent;
pub mod error;
pub mod fiscal_code;
pub mod identity;
pub mod ivc;
pub mod libretto;
pub mod orientation;
pub mod pact;
pub mod profiling;

pub use error::{DomainError, DomainResult};
pub use fiscal_code::{FiscalCode, FiscalCodeError};
