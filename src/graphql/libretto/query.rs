//! `libretto(id)` and `librettos(filter)`: reads through the loader or one keyset page, each
//! citizen read noted for the audit log.

use super::inputs::LibrettoFilter;
use super::types::Libretto;
use crate::domain::FiscalCode;
use crate::graphql::access;
use crate::graphql::scope::{RequestScope, scope};
use crate::graphql::store_loaders::{LibrettoById, loader};
use crate::state::AppState;
use crate::store::libretto as store;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, Object, Result};

#[derive(Default)]
pub struct LibrettoQuery;

#[Object]
impl LibrettoQuery {
    #[graphql(guard = "access::QUERY_LIBRETTO")]
    async fn libretto(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Libretto>> {
        let scope = scope(ctx);
        let found = loader(ctx)
            .load_one(LibrettoById(id.0))
            .await?
            .filter(|l| access::is_own(ctx, &l.fiscal_code));
        if let Some(l) = &found {
            note_read(scope, &l.fiscal_code, "libretto");
        }
        Ok(found.map(Libretto))
    }

    /// Libretti matching the filter, newest first (Relay pagination).
    #[graphql(guard = "access::QUERY_LIBRETTOS")]
    async fn librettos(
        &self,
        ctx: &Context<'_>,
        filter: Option<LibrettoFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Libretto>> {
        let scope = scope(ctx);
        let state = ctx.data_unchecked::<AppState>();
        let size = crate::graphql::citizen::page_size(first, state.config.limits.max_page_size)?;
        let filter = filter.unwrap_or_default();
        let query = store::ListQuery {
            area: filter.area,
            status: filter.status.map(Into::into),
            issued_from: filter.issued_from.map(|d| d.0),
            issued_to: filter.issued_to.map(|d| d.0),
            office: filter.office,
            after: after
                .map(|a| state.cursors.open_json("librettos", &a))
                .transpose()?,
            size,
        };
        let (rows, has_next) = store::list(state.store.db(), &query).await?;
        let mut connection = Connection::new(query.after.is_some(), has_next);
        for row in rows {
            note_read(scope, &row.fiscal_code, "librettos");
            connection.edges.push(Edge::new(
                state
                    .cursors
                    .seal_json("librettos", &store::ListCursor::of(&row)),
                Libretto(row),
            ));
        }
        Ok(connection)
    }
}

fn note_read(scope: &RequestScope, fiscal_code: &str, field: &'static str) {
    if let Ok(code) = FiscalCode::parse(fiscal_code) {
        scope.note_read(&code, field);
    }
}
