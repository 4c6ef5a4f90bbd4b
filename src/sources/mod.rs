//! Regional sources: the contract rows, one adapter per kind (SQL, HTTP), a circuit breaker
//! per source, the registry that fans a batch out to every source and merges the answers.

pub mod adapter;
pub mod cache;
pub mod check;
pub mod circuit;
pub mod conformance;
pub mod contract;
pub mod demo;
pub mod fault;
pub mod health;
pub mod http;
pub mod merge;
pub mod registry;
pub mod search;
pub mod sql;

pub use registry::{Gathered, SourceFailure, SourceRegistry};
