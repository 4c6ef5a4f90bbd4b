//! The subcommands of the `fascicolo` binary, one module each; `main` parses and dispatches.

pub mod audit;
pub mod demo;
pub mod import;
pub mod serve;
pub mod sources;
