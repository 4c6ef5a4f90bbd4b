//! Per-test databases: every test that needs a database gets its own, freshly created one on
//! SQLite (a file in a temporary directory), PostgreSQL or MariaDB/MySQL, so tests run in
//! parallel (DESIGN.md "Tests and CI").
//!
//! PostgreSQL and MySQL servers come from `FASCICOLO_TEST_POSTGRES_URL` and
//! `FASCICOLO_TEST_MYSQL_URL`. When a variable is unset the test is skipped, except under CI
//! (the `CI` variable is set), where a missing server is a failure.
//!
//! Compiled always (not only under `cfg(test)`) because the integration tests in `tests/` use it.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

/// Database engine a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
    MySql,
}

impl Engine {
    /// The environment variable that holds the server URL, `None` for SQLite (always available).
    pub fn url_var(self) -> Option<&'static str> {
        match self {
            Engine::Sqlite => None,
            Engine::Postgres => Some("FASCICOLO_TEST_POSTGRES_URL"),
            Engine::MySql => Some("FASCICOLO_TEST_MYSQL_URL"),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
            Engine::MySql => "MySQL/MariaDB",
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A database created for one test. Call [`TestDatabase::drop_database`] at the end of the test.
#[doc(hidden)]
#[derive(Debug)]
pub struct TestDatabase {
    /// URL of the new database, ready for `sea_orm::Database::connect`.
    pub url: String,
    pub engine: Engine,
    /// Server URL from the environment variable (Postgres/MySQL), used to create and drop.
    admin_url: Option<String>,
    /// Name of the created database (Postgres/MySQL).
    name: String,
    /// Holds the SQLite file; removed when dropped.
    _dir: Option<TempDirGuard>,
}

/// A temporary directory removed (with its contents) when dropped. `tempfile` is only a
/// dev-dependency, and this module is part of the library.
#[derive(Debug)]
struct TempDirGuard(PathBuf);

impl Drop for TempDirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether we run under CI, where skipping a database suite is not allowed.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| {
        let v = v.trim();
        !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false")
    })
}

/// The server URL in `var`, `None` when unset or empty.
fn env_url(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty())
}

impl TestDatabase {
    /// Creates a fresh, uniquely named database (`fascicolo_t_<uuid>`) on `engine`.
    ///
    /// SQLite: a file in a new temporary directory, URL `sqlite://<path>?mode=rwc`.
    /// PostgreSQL/MySQL: connects to the server in `FASCICOLO_TEST_POSTGRES_URL` /
    /// `FASCICOLO_TEST_MYSQL_URL`, runs `CREATE DATABASE` and returns the new database's URL
    /// (same credentials and host, database name replaced).
    ///
    /// `Ok(None)` when the variable is unset and `CI` is not set (the caller says why it
    /// skipped); under CI a missing variable is an error. An unreachable server is an error
    /// that names the variable.
    pub async fn create(engine: Engine) -> anyhow::Result<Option<TestDatabase>> {
        let name = format!("fascicolo_t_{}", uuid::Uuid::new_v4().simple());
        let Some(var) = engine.url_var() else {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir(&dir).with_context(|| {
                format!(
                    "cannot create {} for the SQLite test database",
                    dir.display()
                )
            })?;
            let dir = TempDirGuard(dir);
            let path = dir.0.join("fascicolo.sqlite");
            let path = path
                .to_str()
                .ok_or_else(|| anyhow!("temporary path {} is not UTF-8", path.display()))?;
            return Ok(Some(TestDatabase {
                url: format!("sqlite://{path}?mode=rwc"),
                engine,
                admin_url: None,
                name,
                _dir: Some(dir),
            }));
        };

        let Some(admin_url) = env_url(var) else {
            if in_ci() {
                bail!(
                    "{var} is not set, but CI is: the {engine} tests must not be skipped on CI \
                     (set {var}, e.g. in .ci/run)"
                );
            }
            return Ok(None);
        };

        let url = replace_database(&admin_url, &name).with_context(|| {
            format!(
                "{var} ({}) is not a database URL",
                redact_password(&admin_url)
            )
        })?;
        let admin = admin_connect(&admin_url).await.with_context(|| {
            format!(
                "cannot connect to the {engine} server in {var} ({})",
                redact_password(&admin_url)
            )
        })?;
        let create = match engine {
            Engine::Postgres => format!("CREATE DATABASE \"{name}\" ENCODING 'UTF8'"),
            Engine::MySql => {
                format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            }
            Engine::Sqlite => unreachable!("SQLite returned above"),
        };
        let created = admin.execute_unprepared(&create).await;
        let _ = admin.close().await;
        created.with_context(|| {
            format!(
                "cannot create the test database {name} on the {engine} server in {var} ({})",
                redact_password(&admin_url)
            )
        })?;

        Ok(Some(TestDatabase {
            url,
            engine,
            admin_url: Some(admin_url),
            name,
            _dir: None,
        }))
    }

    /// Opens a connection pool on the test database.
    pub async fn connect(&self) -> Result<DatabaseConnection, DbErr> {
        let mut options = ConnectOptions::new(self.url.clone());
        options
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        Database::connect(options).await
    }

    /// Drops the database (PostgreSQL: `WITH (FORCE)`, so pools still open do not block it);
    /// for SQLite removes the temporary directory.
    pub async fn drop_database(self) -> anyhow::Result<()> {
        let Some(admin_url) = &self.admin_url else {
            // SQLite: the TempDirGuard removes the file when `self` goes out of scope.
            return Ok(());
        };
        let var = self.engine.url_var().unwrap_or("the test server URL");
        let admin = admin_connect(admin_url).await.with_context(|| {
            format!(
                "cannot connect to the {} server in {var} to drop {}",
                self.engine, self.name
            )
        })?;
        let drop = match self.engine {
            Engine::Postgres => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
            Engine::MySql => format!("DROP DATABASE IF EXISTS `{}`", self.name),
            Engine::Sqlite => unreachable!("SQLite has no admin URL"),
        };
        let dropped = admin.execute_unprepared(&drop).await;
        let _ = admin.close().await;
        dropped.with_context(|| format!("cannot drop the test database {}", self.name))?;
        Ok(())
    }
}

/// A single short-lived connection to the server's admin URL.
async fn admin_connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(1)
        .min_connections(0)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    Database::connect(options).await
}

/// `scheme://user:pass@host:port/olddb?params` → same URL with the database path replaced.
fn replace_database(url: &str, database: &str) -> anyhow::Result<String> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| anyhow!("missing `scheme://`"))?;
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    Ok(out)
}

/// The URL with its password (if any) replaced by `***`, for error messages.
fn redact_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    let Some(colon) = userinfo.find(':') else {
        return url.to_owned();
    };
    format!(
        "{}{}:***{}",
        &url[..scheme_end],
        &userinfo[..colon],
        &rest[at..]
    )
}

/// Convenience for tests:
/// `let Some(db) = testing::database_or_skip(Engine::Postgres, "test_name").await else { return };`
///
/// Prints `skipped <test_name>: FASCICOLO_TEST_POSTGRES_URL is not set` to stderr and returns
/// `None` when the server is not configured; panics on any error (including a missing server
/// under CI).
pub async fn database_or_skip(engine: Engine, test_name: &str) -> Option<TestDatabase> {
    match TestDatabase::create(engine).await {
        Ok(Some(db)) => Some(db),
        Ok(None) => {
            eprintln!(
                "skipped {test_name}: {} is not set",
                engine.url_var().unwrap_or("the database URL")
            );
            None
        }
        Err(e) => panic!("{test_name}: cannot create a {engine} test database: {e:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "x").unwrap(),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("mysql://root:pw@localhost:3306", "x").unwrap(),
            "mysql://root:pw@localhost:3306/x"
        );
        assert_eq!(
            replace_database("postgres://u@h/db?sslmode=disable", "x").unwrap(),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            replace_database("mysql://u@h?ssl-mode=DISABLED", "x").unwrap(),
            "mysql://u@h/x?ssl-mode=DISABLED"
        );
        assert!(replace_database("not a url", "x").is_err());
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_password("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact_password("mysql://root@127.0.0.1:3306/test"),
            "mysql://root@127.0.0.1:3306/test"
        );
    }

    async fn round_trip(engine: Engine, test_name: &str) {
        let Some(db) = database_or_skip(engine, test_name).await else {
            return;
        };
        assert_eq!(db.engine, engine);
        let conn = db.connect().await.expect("connect to the test database");
        conn.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .await
            .expect("create a table");
        conn.execute_unprepared("INSERT INTO t (id) VALUES (1)")
            .await
            .expect("insert");
        conn.close().await.expect("close");
        let sqlite_dir = db._dir.as_ref().map(|d| d.0.clone());
        db.drop_database().await.expect("drop the test database");
        if let Some(dir) = sqlite_dir {
            assert!(!dir.exists(), "{} was not removed", dir.display());
        }
    }

    #[tokio::test]
    async fn sqlite_test_database_round_trip() {
        round_trip(Engine::Sqlite, "sqlite_test_database_round_trip").await;
    }

    #[tokio::test]
    async fn postgres_test_database_round_trip() {
        round_trip(Engine::Postgres, "postgres_test_database_round_trip").await;
    }

    #[tokio::test]
    async fn mysql_test_database_round_trip() {
        round_trip(Engine::MySql, "mysql_test_database_round_trip").await;
    }
}
