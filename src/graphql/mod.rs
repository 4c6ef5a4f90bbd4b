//! Schema assembly: one query object per domain area, merged; the request pipeline that
//! adds loaders, maps errors to codes and reports failed sources.

pub mod admin;
pub mod citizen;
pub mod loaders;
pub mod scalars;
pub mod scope;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema};

#[derive(MergedObject, Default)]
pub struct Query(citizen::CitizenQuery, admin::AdminQuery);

pub type FascicoloSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// The schema without runtime data (for `export-schema` and the drift test).
pub fn schema_builder() -> async_graphql::SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .limit_depth(16)
        .limit_recursive_depth(32)
}

/// The SDL committed as `schema/schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}
