//! Store migrations: append-only, one file per change, never edited after landing.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_audit_log;
mod m20261123_000002_create_reference_codes;
mod m20261123_000003_create_libretto;
mod m20261123_000004_create_ivc;
mod m20261123_000005_ivc_assessor;
mod m20261123_000006_create_orientation;
mod m20261123_000007_libretto_reporting;
mod m20261123_000008_birth_places;
mod m20261123_000009_libretto_reporting_at_scale;
mod m20261123_000010_audit_chain;
mod m20261203_000011_deferred_ddl;
mod m20261206_000012_exact_identity;
mod m20261207_000013_consent_at_intake;
mod m20261208_000014_consent_by_citizen;
mod m20261208_000015_pact_lifecycle;
mod m20261209_000016_experience_training_end;
mod m20261209_000017_ivc_eligibility_and_keys;
mod shared;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_audit_log::Migration),
            Box::new(m20261123_000002_create_reference_codes::Migration),
            Box::new(m20261123_000003_create_libretto::Migration),
            Box::new(m20261123_000004_create_ivc::Migration),
            Box::new(m20261123_000005_ivc_assessor::Migration),
            Box::new(m20261123_000006_create_orientation::Migration),
            Box::new(m20261123_000007_libretto_reporting::Migration),
            Box::new(m20261123_000008_birth_places::Migration),
            Box::new(m20261123_000009_libretto_reporting_at_scale::Migration),
            Box::new(m20261123_000010_audit_chain::Migration),
            Box::new(m20261203_000011_deferred_ddl::Migration),
            Box::new(m20261206_000012_exact_identity::Migration),
            Box::new(m20261207_000013_consent_at_intake::Migration),
            Box::new(m20261208_000014_consent_by_citizen::Migration),
            Box::new(m20261208_000015_pact_lifecycle::Migration),
            Box::new(m20261209_000016_experience_training_end::Migration),
            Box::new(m20261209_000017_ivc_eligibility_and_keys::Migration),
        ]
    }
}
