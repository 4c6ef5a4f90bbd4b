//! The embedded demo: with no configuration, `serve` creates a data directory with a SQLite
//! store and two SQLite regional sources filled with synthetic citizens (first start only),
//! and a signing secret, so a new user gets a working gateway and a ready token.

pub mod documents;
pub mod legacy;

use crate::config::Config;
use crate::sources::demo as generator;
use rand::TryRngCore;
use sea_orm::{ConnectOptions, Database};
use secrecy::SecretString;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use crate::config::DEMO_SOURCES;
/// Same citizens on every machine.
pub const DEMO_SEED: u64 = 20_111_066;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("demo source {path}: {source}")]
    Db {
        path: PathBuf,
        source: sea_orm::DbErr,
    },
}

/// Makes sure the demo databases and secret exist, and puts the secret into the config.
pub async fn prepare(config: &mut Config) -> Result<(), DemoError> {
    let Some(demo) = config.demo.clone() else {
        return Ok(());
    };
    let dir = &demo.data_dir;
    std::fs::create_dir_all(dir).map_err(|source| DemoError::Io {
        path: dir.clone(),
        source,
    })?;
    if DEMO_SOURCES
        .iter()
        .any(|name| !source_path(dir, name).exists())
    {
        seed(dir, demo.citizens).await?;
    }
    if config.auth.hs256_secret.is_none() && config.auth.rs256_public_key_file.is_none() {
        config.auth.hs256_secret = Some(load_or_create_secret(dir)?);
    }
    Ok(())
}

pub fn source_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.db"))
}

/// (Re)creates both demo sources in `dir`. Each file is written under a temporary name and
/// renamed when complete, so an interrupted seed is never mistaken for a finished one.
pub async fn seed(dir: &Path, citizens: usize) -> Result<(), DemoError> {
    let started = Instant::now();
    std::fs::create_dir_all(dir).map_err(|source| DemoError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let data = generator::generate(DEMO_SEED, citizens);
    for (name, part) in [
        (DEMO_SOURCES[0], &data.lavoro),
        (DEMO_SOURCES[1], &data.formazione),
    ] {
        let path = source_path(dir, name);
        let partial = dir.join(format!("{name}.db.partial"));
        let io = |source| DemoError::Io {
            path: partial.clone(),
            source,
        };
        if partial.exists() {
            std::fs::remove_file(&partial).map_err(io)?;
        }
        let db_err = |source| DemoError::Db {
            path: partial.clone(),
            source,
        };
        let mut options = ConnectOptions::new(format!("sqlite://{}?mode=rwc", partial.display()));
        options.sqlx_logging(false);
        let db = Database::connect(options).await.map_err(db_err)?;
        generator::create_schema(&db).await.map_err(db_err)?;
        generator::insert(&db, part).await.map_err(db_err)?;
        db.close().await.map_err(db_err)?;
        std::fs::rename(&partial, &path).map_err(|source| DemoError::Io {
            path: path.clone(),
            source,
        })?;
        tracing::info!(
            source = name,
            persons = part.persons.len(),
            employments = part.employments.len(),
            trainings = part.trainings.len(),
            "demo source written"
        );
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        citizens,
        "demo data ready"
    );
    Ok(())
}

fn load_or_create_secret(dir: &Path) -> Result<SecretString, DemoError> {
    let path = dir.join("demo-secret");
    let io = |source| DemoError::Io {
        path: path.clone(),
        source,
    };
    if let Ok(text) = std::fs::read_to_string(&path)
        && text.trim().len() >= 32
    {
        return Ok(SecretString::from(text.trim().to_owned()));
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| io(std::io::Error::other(e)))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&path, &secret).map_err(io)?;
    Ok(SecretString::from(secret))
}
