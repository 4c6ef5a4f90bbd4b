//! IVC dossiers over GraphQL (DOMAIN.md §2, seeds 000 and 003): `ivcDossier`, `ivcDossiers`,
//! `Citizen.ivcDossiers`, and one mutation per lifecycle step. Resolvers read the context,
//! call `services::ivc` (which checks the rules; `store::ivc` writes in one transaction) and
//! wrap the result.

mod inputs;
pub mod loaders;
mod mutation;
mod records;
mod types;

pub use inputs::*;
pub use mutation::IvcMutation;
pub use records::*;
pub use types::*;

use super::access;
use super::citizen::page_size;
use super::scope::RequestScope;
use super::store_loaders::{EvidencesOf, loader};
use crate::domain::FiscalCode;
use crate::domain::libretto::PersonSnapshot;
use crate::graphql::libretto::snapshot;
use crate::store::ivc::read::{self, DossierFilter, ListCursor};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, Object, Result};
use entities::ivc_dossier;
use loaders::{IvcCompetencesOf, IvcDossierById, IvcDossiersOf, IvcHistoryOf, IvcSessionsOf};

/// The dossier's citizen as the audit log keys it.
fn note_read(scope: &RequestScope, dossier: &ivc_dossier::Model, field: &'static str) {
    if let Ok(code) = FiscalCode::parse(&dossier.fiscal_code) {
        scope.note_read(&code, field);
    }
}

/// `Citizen.ivcDossiers`: every dossier stored under the code, newest request first.
pub async fn dossiers_of(ctx: &Context<'_>, key: &FiscalCode) -> Result<Vec<IvcDossier>> {
    Ok(loader(ctx)
        .load_one(IvcDossiersOf(key.clone()))
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(IvcDossier)
        .collect())
}

#[derive(Default)]
pub struct IvcQuery;

#[Object]
impl IvcQuery {
    /// One IVC dossier; null when there is none with this id.
    #[graphql(guard = "access::QUERY_IVC_DOSSIER")]
    async fn ivc_dossier(&self, ctx: &Context<'_>, id: ID) -> Result<Option<IvcDossier>> {
        let scope = super::scope::scope(ctx);
        let dossier = loader(ctx)
            .load_one(IvcDossierById(id.to_string()))
            .await?
            .filter(|d| access::is_own(ctx, &d.fiscal_code));
        if let Some(d) = &dossier {
            note_read(scope, d, "ivcDossier");
        }
        Ok(dossier.map(IvcDossier))
    }

    /// IVC dossiers, newest request first, filtered by state, outcome, SEP sector of a
    /// competence and year of the request; Relay pagination with `first`/`after`.
    #[graphql(guard = "access::QUERY_IVC_DOSSIERS")]
    async fn ivc_dossiers(
        &self,
        ctx: &Context<'_>,
        filter: Option<IvcFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, IvcDossier>> {
        let scope = super::scope::scope(ctx);
        let state = ctx.data_unchecked::<crate::state::AppState>();
        let first = page_size(first, state.config.limits.max_page_size)?;
        let after: Option<ListCursor> = after
            .map(|text| state.cursors.open_json("ivcDossiers", &text))
            .transpose()?;
        let filter = filter.unwrap_or_default();
        let filter = DossierFilter {
            status: filter.status.map(Into::into),
            outcome: filter.outcome.map(Into::into),
            sector: filter.sector.map(|s| s.trim().to_owned()),
            year: filter.year,
        };
        let mut rows = read::list(state.store.db(), &filter, after.as_ref(), first).await?;
        let has_next = rows.len() > first;
        rows.truncate(first);
        let ids: Vec<String> = rows.iter().map(|d| d.id.clone()).collect();
        loaders::prime_relations(ctx, ctx.look_ahead().field("edges").field("node"), &ids).await;
        let mut connection = Connection::new(after.is_some(), has_next);
        for row in rows {
            note_read(scope, &row, "ivcDossier");
            let cursor = ListCursor {
                requested_on: row.requested_on,
                id: row.id.clone(),
            };
            connection.edges.push(Edge::new(
                state.cursors.seal_json("ivcDossiers", &cursor),
                IvcDossier(row),
            ));
        }
        Ok(connection)
    }
}

/// The answer of a mutation: relations cached earlier in this request are stale now.
pub(super) fn changed(ctx: &Context<'_>, model: ivc_dossier::Model) -> IvcDossier {
    let loader = loader(ctx);
    loader.clear::<IvcDossierById>();
    loader.clear::<IvcDossiersOf>();
    loader.clear::<IvcSessionsOf>();
    loader.clear::<IvcCompetencesOf>();
    loader.clear::<IvcHistoryOf>();
    loader.clear::<EvidencesOf>();
    IvcDossier(model)
}

/// The citizen's merged data now, for the anagrafica of a released document.
pub(super) async fn person_of(
    ctx: &Context<'_>,
    dossier_id: &str,
) -> Result<Option<PersonSnapshot>> {
    let state = ctx.data_unchecked::<crate::state::AppState>();
    let dossier = read::find(state.store.db(), dossier_id).await?;
    let Ok(code) = FiscalCode::parse(&dossier.fiscal_code) else {
        return Ok(None);
    };
    let person = crate::graphql::loaders::person(ctx, &code).await;
    Ok(person.as_ref().map(snapshot))
}
