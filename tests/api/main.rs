//! Integration tests: the real server on 127.0.0.1:0, real GraphQL over HTTP, real databases
//! (SQLite always; PostgreSQL and MariaDB when FASCICOLO_TEST_POSTGRES_URL /
//! FASCICOLO_TEST_MYSQL_URL are set, and required when CI is set).

mod answer_errors;
mod audit_chain;
mod audit_checkpoint;
mod audit_checkpoint_server;
mod auth_audit;
mod auth_jwks;
mod batching;
mod citizen;
mod cli;
mod cors;
mod demo_documents;
mod disclosure;
mod document_bombs;
mod fake_portal;
mod fake_region;
mod field_order;
mod fixtures;
mod gdpr;
mod graphql_http;
mod helpers;
mod hostile_input;
mod http_headers;
mod http_misc;
mod http_source;
mod identity;
mod identity_rekey;
mod import;
mod ivc;
mod libretto;
mod lookups;
mod metrics;
mod orientation;
mod plain;
mod pool;
mod portal_consent;
mod reporting;
mod search;
mod source_cache;
mod source_circuit;
mod source_faults;
mod telemetry;
mod territory;
mod variable_bombs;
mod write_rules;
