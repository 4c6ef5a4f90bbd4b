//! Regional sources: the contract rows, one adapter per kind, the registry that fans a batch
//! out to every source and merges the answers.

pub mod check;
pub mod contract;
pub mod demo;
pub mod merge;
pub mod registry;
pub mod search;
pub mod sql;

pub use registry::{Gathered, SourceFailure, SourceRegistry};
