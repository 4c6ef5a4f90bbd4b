//! Builds the shared state and the router, binds the listener: the one builder used by
//! `main` and by the tests (which bind 127.0.0.1:0).

use crate::auth::{AuthError, Authenticator};
use crate::config::Config;
use crate::graphql::admission::Admission;
use crate::graphql::schema_builder;
use crate::services::identity::LinkDirectory;
use crate::sources::SourceRegistry;
use crate::sources::fault::Fault;
use crate::state::cursor::{CursorKey, KeyOrigin};
use crate::store::Store;
use crate::store::audit::checkpoint::CheckpointLog;
use crate::store::audit::checkpointer::Checkpointer;
use crate::store::reference::ReferenceData;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

use crate::config::redact;
use crate::http::HttpState;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("store {url}: {source}")]
    Store { url: String, source: sea_orm::DbErr },
    #[error("regional sources: {0}")]
    Sources(#[from] crate::sources::registry::SourceSetupError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    TrustedDocuments(#[from] crate::graphql::persisted::TrustedDocumentsError),
    #[error("audit.checkpoint_file {path}: {source}")]
    AuditCheckpoint {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}{}", bind_hint(.source))]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// What to do when the port is taken: the usual case on a developer's machine.
fn bind_hint(error: &std::io::Error) -> &'static str {
    if error.kind() == std::io::ErrorKind::AddrInUse {
        "; another process holds that port: stop it, or pick another address with \
         `fascicolo serve --listen 127.0.0.1:8081` (or FASCICOLO_SERVER__LISTEN, or \
         server.listen in the configuration)"
    } else {
        ""
    }
}

pub struct Application {
    listener: TcpListener,
    state: HttpState,
}

impl Application {
    /// Connects and migrates the store, prepares the sources (a source that is down only logs
    /// a warning) and binds `server.listen`.
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let url = config.store_url().to_owned();
        let store = Store::connect(&url)
            .await
            .map_err(|source| StartupError::Store {
                url: redact(&url),
                source,
            })?;
        store
            .migrate()
            .await
            .map_err(|source| StartupError::Store {
                url: redact(&url),
                source,
            })?;
        let reference =
            ReferenceData::load(store.db())
                .await
                .map_err(|source| StartupError::Store {
                    url: redact(&url),
                    source,
                })?;
        let registry = SourceRegistry::from_config(&config.sources)
            .await
            .map_err(StartupError::Sources)?;
        for (source, outcome) in registry.sources().iter().zip(registry.probe_all().await) {
            let (name, engine) = (&*source.name, source.engine());
            match outcome {
                Ok(()) => tracing::info!(source = name, engine, "regional source up"),
                // the problems are logged by the check that found them, under this id
                Err(f) if f.reason == Fault::Contract.reason() => tracing::warn!(
                    source = name,
                    engine,
                    error_id = f.error_id,
                    "regional source breaks the contract: not asked"
                ),
                Err(f) => tracing::warn!(
                    source = name, reason = %f.reason, error_id = f.error_id, "regional source down at start-up"
                ),
            }
        }
        match crate::services::identity::rekey::run_if_pending(&store, &registry).await {
            Ok(Some(summary)) => tracing::info!(
                stored = summary.stored_codes,
                moved = summary.moved_codes,
                ambiguous = summary.ambiguous_codes,
                matched = summary.matched_by_snapshot,
                held = summary.held_for_review,
                "stored rows re-keyed from base codes to exact fiscal codes"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "re-keying stored rows to exact fiscal codes"),
        }
        let links = LinkDirectory::load(&store)
            .await
            .map_err(|source| StartupError::Store {
                url: redact(&url),
                source,
            })?;
        if config.server.metrics {
            // the recorder is per process: installed before the first request records anything
            let _ = crate::observe::handle();
        }
        if let Some(log) = CheckpointLog::from_config(&config.audit) {
            // a server that cannot record its audit checkpoints does not start
            log.check_writable()
                .map_err(|source| StartupError::AuditCheckpoint {
                    path: log.path().display().to_string(),
                    source,
                })?;
        }
        let auth = Authenticator::from_config(&config.auth)?;
        let (cursors, origin) = CursorKey::from_secrets(
            config.server.cursor_key.as_ref(),
            config.auth.hs256_secret.as_ref(),
        );
        if origin == KeyOrigin::Ephemeral {
            tracing::warn!(
                "no server.cursor_key nor auth.hs256_secret: pagination cursors are sealed with \
                 a key of this process only, so they do not survive a restart or reach another \
                 replica"
            );
        }
        let admission = Admission::from_config(&config)?;
        let config = Arc::new(config);
        let listen = config.server.listen;
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| StartupError::Bind {
                addr: listen,
                source,
            })?;
        let audit = crate::store::audit::AuditWriter::spawn(store.db().clone());
        let app = AppState {
            ivc: config.ivc.policy(config.ivc_region()),
            config,
            audit,
            links: Arc::new(links),
            cursors,
            store,
            registry: Arc::new(registry),
            reference: Arc::new(reference),
            auth,
        };
        let mut schema = schema_builder()
            .limit_recursive_depth(admission.max_nesting())
            .data(app.clone());
        if !app.config.server.introspection() {
            // "Did you mean …" would name the fields and arguments introspection hides
            schema = schema.disable_suggestions();
        }
        let state = HttpState {
            schema: schema.finish(),
            app,
            admission: Arc::new(admission),
        };
        Ok(Application { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.state.app.config.server.listen)
    }

    pub fn state(&self) -> &AppState {
        &self.state.app
    }

    /// The services with the schema, to run operations in-process (demo documents, tests).
    pub fn http_state(&self) -> &HttpState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes the requests in flight.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        // the portal outbox drains while the server runs; a delivery cut short by the stop
        // is retried by the next start once its lease ends
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(crate::portal::run(self.state.app.clone(), stopped));
        // histogram samples are drained into buckets regularly, scraped or not
        let upkeep = self.state.app.config.server.metrics.then(|| {
            tokio::spawn(async {
                let mut every = tokio::time::interval(std::time::Duration::from_secs(10));
                loop {
                    every.tick().await;
                    crate::observe::upkeep();
                }
            })
        });
        let config = &self.state.app.config;
        let refresh = config.identity.link_refresh_ms;
        let links = (refresh > 0).then(|| {
            self.state.app.links.spawn_refresh(
                self.state.app.store.clone(),
                std::time::Duration::from_millis(refresh),
            )
        });
        let checkpoints = CheckpointLog::from_config(&config.audit).map(|log| {
            let every = std::time::Duration::from_secs(config.audit.checkpoint_secs);
            Checkpointer::spawn(self.state.app.store.db().clone(), log, every)
        });
        let router = crate::http::router(self.state);
        let served = axum::serve(self.listener, router)
            .with_graceful_shutdown(shutdown)
            .await;
        // every request is answered, so its audit rows are committed: the last checkpoint
        // covers them all
        if let Some(checkpoints) = checkpoints {
            checkpoints.shutdown().await;
        }
        let _ = stop.send(true);
        worker.abort();
        for task in [upkeep, links].into_iter().flatten() {
            task.abort();
        }
        served
    }
}
