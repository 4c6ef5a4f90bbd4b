//! The gateway's own data through SeaORM (DESIGN.md "store"): connection, migrations, and
//! one module per area.

pub mod audit;
pub mod bulk;
pub mod consent;
pub mod evidence;
pub mod export;
pub mod identity;
pub mod import;
pub mod ivc;
pub mod libretto;
pub mod orientation;
pub mod outbox;
pub mod reference;
pub mod reporting;
pub mod write;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// The same pool without the statement counter, for the server's own upkeep.
    upkeep: DatabaseConnection,
    statements: Arc<AtomicU64>,
}

impl Store {
    /// Connects (creating a SQLite file unless the URL says another `mode`) and counts
    /// statements. A server that does not answer fails within `CONNECT_TIMEOUT`, naming its
    /// address and the cause, instead of the pool's silent retries.
    pub async fn connect(url: &str) -> Result<Store, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .max_connections(16)
            .connect_timeout(CONNECT_TIMEOUT)
            .acquire_timeout(CONNECT_TIMEOUT);
        crate::db_pool::pool_checks(&mut options);
        if url.starts_with("sqlite:") {
            ensure_sqlite_parent(url);
            // `sqlite://fascicolo.db` means "this file": create it as `mode=rwc` would
            let create = !url.contains("mode=");
            // one writer at a time: SQLite serialises writes anyway, and this avoids SQLITE_BUSY
            options.max_connections(1);
            // write-ahead log (a commit appends instead of copying pages to a rollback journal),
            // synced at checkpoints, with a 64 MiB page cache: the import of a million
            // libretti spends its time writing, not re-reading index pages
            options.map_sqlx_sqlite_opts(move |o| {
                use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
                let o = if create { o.create_if_missing(true) } else { o };
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .pragma("cache_size", "-65536")
            });
        } else {
            reachable(url).await?;
        }
        let mut db = Database::connect(options).await?;
        let upkeep = db.clone();
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Ok(Store {
            db,
            upkeep,
            statements,
        })
    }

    /// Connects for reading only, for `audit verify`: a SQLite file is opened read-only and
    /// never created, a PostgreSQL session refuses writes (`default_transaction_read_only`).
    pub async fn connect_read_only(url: &str) -> Result<Store, DbErr> {
        let mut options = ConnectOptions::new(url.to_owned());
        options.sqlx_logging(false).max_connections(1);
        options.map_sqlx_sqlite_opts(|o| o.read_only(true).create_if_missing(false));
        options.map_sqlx_postgres_opts(|o| o.options([("default_transaction_read_only", "on")]));
        let db = Database::connect(options).await?;
        Ok(Store {
            upkeep: db.clone(),
            db,
            statements: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The migrations not applied yet, by name; reads only (the bookkeeping table is not
    /// created when missing).
    pub async fn pending_migrations(&self) -> Result<Vec<String>, DbErr> {
        let pending = Migrator::get_pending_migrations_read_only(&self.db).await?;
        Ok(pending.iter().map(|m| m.name().to_owned()).collect())
    }

    /// Applies the migrations, then rebuilds whatever an interrupted bulk import left
    /// dropped (`bulk`). A rebuild that fails is logged, not fatal: the store answers
    /// correctly without those indexes, only slower, and the next start tries again.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.db, None).await?;
        if let Err(e) = bulk::restore(&self.db).await {
            tracing::error!(error = %e, "rebuilding the indexes of an interrupted import");
        }
        Ok(())
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The same pool, for work the server does on its own schedule (e.g. re-reading the
    /// fiscal code links every few seconds): its statements stay out of `statement_count`,
    /// which measures what requests cost.
    pub fn maintenance_db(&self) -> &DatabaseConnection {
        &self.upkeep
    }

    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.db.ping().await
    }

    /// The pool's open connections and how many of them are idle, for `/metrics`.
    pub fn pool_connections(&self) -> (u32, u32) {
        let (size, idle) = match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            sea_orm::DbBackend::MySql => {
                let pool = self.db.get_mysql_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        (size, u32::try_from(idle).unwrap_or(u32::MAX))
    }
}

/// How long the store's server has to answer at start-up.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Whether the server of a `postgres://` or `mysql://` URL accepts a TCP connection within
/// `CONNECT_TIMEOUT`: the pool retries a refused connection until its deadline and then says
/// only "pool timed out", so the cause is read here first.
async fn reachable(url: &str) -> Result<(), DbErr> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Ok(()); // the driver names what is wrong with the URL itself
    };
    let Some(host) = parsed.host_str() else {
        return Ok(()); // a Unix socket: the driver reports it
    };
    let port = parsed
        .port_or_known_default()
        .unwrap_or(match parsed.scheme() {
            "mysql" | "mariadb" => 3306,
            _ => 5432,
        });
    let address = format!("{host}:{port}");
    let unreachable = |cause: String| {
        DbErr::Conn(sea_orm::RuntimeErr::Internal(format!(
            "cannot reach the store's server at {address}: {cause}"
        )))
    };
    match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(&address)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(unreachable(error.to_string())),
        Err(_) => Err(unreachable(format!(
            "no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

fn ensure_sqlite_parent(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        let _ = std::fs::create_dir_all(parent);
    }
}

/// Lowercase hex SHA-256 of a frozen document's stored text (a libretto version's content,
/// `ivc::frozen`): the fingerprint a PDF's verification line prints.
pub fn content_sha256(text: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(text.as_bytes()))
}
