//! The store at start-up: a server that does not answer fails within seconds, naming its
//! address and the cause (never the password); a missing database is named; a SQLite URL
//! without `mode=` creates its file.

use crate::helpers::SECRET;
use fascicolo::app::Application;
use fascicolo::config::Config;
use std::time::{Duration, Instant};

fn config(store_url: &str) -> Config {
    Config::from_toml(&format!(
        "[server]\nlisten = \"127.0.0.1:0\"\n[store]\nurl = \"{store_url}\"\n\
         [auth]\nhs256_secret = \"{SECRET}\"\n"
    ))
    .expect("config")
}

async fn start_error(store_url: &str) -> (String, Duration) {
    let started = Instant::now();
    let Err(err) = Application::build(config(store_url)).await else {
        panic!("{store_url}: the start should fail");
    };
    (err.to_string(), started.elapsed())
}

#[tokio::test]
async fn an_unreachable_store_fails_fast_naming_host_port_and_cause() {
    // nothing listens on port 1
    let (message, took) = start_error("postgres://fascicolo:s3cr3t@127.0.0.1:1/fascicolo").await;
    assert!(took < Duration::from_secs(6), "{took:?}: {message}");
    assert!(message.contains("127.0.0.1:1"), "{message}");
    assert!(message.to_lowercase().contains("refused"), "{message}");
    assert!(!message.contains("s3cr3t"), "{message}");
}

#[tokio::test]
async fn a_missing_database_is_named() {
    let Some(server) = std::env::var("FASCICOLO_TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    else {
        assert!(
            !fascicolo::testing::in_ci(),
            "FASCICOLO_TEST_POSTGRES_URL must be set under CI"
        );
        eprintln!("skipped: FASCICOLO_TEST_POSTGRES_URL is not set");
        return;
    };
    let base = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(base, _)| base);
    let (message, took) = start_error(&format!("{base}/fascicolo_no_such_database")).await;
    assert!(took < Duration::from_secs(6), "{took:?}: {message}");
    assert!(message.contains("fascicolo_no_such_database"), "{message}");
}

#[tokio::test]
async fn a_sqlite_url_without_mode_creates_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nested").join("store.db");
    let app = Application::build(config(&format!("sqlite://{}", file.display())))
        .await
        .expect("the store is created");
    assert!(file.exists());
    drop(app);
}
