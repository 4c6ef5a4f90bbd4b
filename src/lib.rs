//! fascicolo: a GraphQL gateway that answers a whole citizen profile for the Centri per
//! l'Impiego from several regional databases plus the documents it stores itself.

pub mod app;
pub mod auth;
pub mod config;
pub mod db_pool;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod import;
pub mod observe;
pub mod portal;
pub mod reporting;
pub mod services;
pub mod sources;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod testing;
