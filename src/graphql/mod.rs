//! Schema assembly: one query object per domain area, merged; the request pipeline that
//! adds loaders, maps errors to codes and reports failed sources.

pub mod access;
pub mod admin;
pub mod admission;
pub mod bounds;
pub mod citizen;
pub mod cursor;
pub mod enums;
pub mod error_cap;
pub mod history;
pub mod identity;
pub mod ivc;
pub mod libretto;
pub mod loaders;
pub mod orientation;
pub mod persisted;
pub mod person;
pub mod plain;
pub mod reporting;
pub mod scalars;
pub mod scope;
pub mod store_loaders;

use async_graphql::{EmptySubscription, MergedObject, Schema};

#[derive(MergedObject, Default)]
pub struct Query(
    citizen::CitizenQuery,
    admin::AdminQuery,
    libretto::LibrettoQuery,
    ivc::IvcQuery,
    orientation::OrientationQuery,
    orientation::portal::PortalQuery,
    orientation::pact_api::PactQuery,
    reporting::ReportingQuery,
    identity::IdentityQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    libretto::LibrettoMutation,
    ivc::IvcMutation,
    orientation::consent::ConsentMutation,
    orientation::consent::OwnConsentMutation,
    orientation::mutation::OrientationMutation,
    orientation::pact_api::PactMutation,
    orientation::profiling::ProfilingMutation,
    identity::IdentityMutation,
);

pub type FascicoloSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema without runtime data (for `export-schema` and the drift test). The limits on
/// documents are `admission`'s, checked before async-graphql sees a request. No extension:
/// with any, async-graphql sends every field through the extension chain (a registry look-up
/// and a boxed future per field, a fifth of a 50-profile answer's time).
pub fn schema_builder() -> async_graphql::SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
}

/// The SDL committed as `schema/schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}
