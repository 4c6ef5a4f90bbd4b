//! The services every request reaches through: what the builder in `app` assembles once and
//! both `http` and `graphql` read. It sits below them, so neither imports `app`.

pub mod cursor;

use crate::auth::Authenticator;
use crate::config::Config;
use crate::services::identity::LinkDirectory;
use crate::sources::SourceRegistry;
use crate::store::Store;
use crate::store::audit::AuditWriter;
use crate::store::reference::ReferenceData;
use cursor::CursorKey;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub registry: Arc<SourceRegistry>,
    /// Reference code tables, read from the store once at start-up.
    pub reference: Arc<ReferenceData>,
    pub auth: Authenticator,
    /// Appends the read audit of requests (group commit).
    pub audit: AuditWriter,
    /// The active links between old and new fiscal codes, for every lookup.
    pub links: Arc<LinkDirectory>,
    /// The IVC policy, built from `config.ivc` once at start-up.
    pub ivc: crate::domain::ivc::IvcPolicy,
    /// Seals and opens pagination cursors.
    pub cursors: CursorKey,
}

impl AppState {
    /// What the services work with, borrowed from this state.
    pub fn deps(&self) -> crate::services::Deps<'_> {
        crate::services::Deps {
            config: &self.config,
            store: &self.store,
            registry: &self.registry,
            reference: &self.reference,
            links: &self.links,
        }
    }

    /// The `/metrics` text, with the states of the sources and the store read now. `observe`
    /// knows neither, so their readings are taken here.
    pub fn render_metrics(&self) -> Option<String> {
        let (pool_size, pool_idle) = self.store.pool_connections();
        crate::observe::render(
            &self.registry.metric_readings(),
            &crate::observe::StoreReading {
                statements: self.store.statement_count(),
                pool_size,
                pool_idle,
            },
        )
    }
}
