//! Use cases that orchestrate the regional sources, the store and the domain: a resolver or a
//! command parses its input, calls one function here and wraps the result (STYLE.md 14).

pub mod consent;
pub mod identity;
pub mod ivc;
pub mod libretto;
pub mod orientation;
pub mod prefill;
pub mod territory;
