//! The Libretto formativo del cittadino over GraphQL (seed 000, DOMAIN.md §1): queries, the
//! output types (live working copy and frozen versions share them), and the mutations of its
//! lifecycle. Resolvers parse the input, call one function of `services::libretto` (which
//! validates, checks the territory rule and writes in one transaction) and wrap the result;
//! reads go through the loaders.

mod inputs;
mod mutation;
mod query;
mod sections;
mod types;

pub use inputs::*;
pub use mutation::LibrettoMutation;
pub use query::LibrettoQuery;
pub use sections::*;
pub use types::*;

// the IVC dossier copies the person record as the libretto does
pub use crate::services::prefill::snapshot;

use super::scope::scope;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::write::Actor;
use async_graphql::Context;

/// The writer of a mutation (who, for the audit rows) and the shared state.
pub fn writer<'a>(ctx: &Context<'a>) -> Result<(Actor, &'a AppState), AppError> {
    let scope = scope(ctx);
    let state = ctx.data_unchecked::<AppState>();
    Ok((
        Actor {
            principal: scope.principal.clone(),
            request_id: scope.request_id.clone(),
        },
        state,
    ))
}
