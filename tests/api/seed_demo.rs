//! `fascicolo seed-demo`: in an empty directory it creates the demo directory; with `--url` it
//! can run twice (the same source is left as is, another size asks for `--reset`, which
//! rewrites it), on SQLite and PostgreSQL.

use crate::cli::fascicolo;
use fascicolo::testing::{Engine, TestDatabase};
use std::process::Output;

fn seed(dir: &std::path::Path, args: &[&str]) -> Output {
    fascicolo()
        .current_dir(dir)
        .arg("seed-demo")
        .args(args)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn seed_demo_creates_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let output = seed(dir.path(), &["--citizens", "50"]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(dir.path().join("fascicolo-data/lavoro.db").exists());
    assert!(dir.path().join("fascicolo-data/formazione.db").exists());
}

async fn twice(engine: Engine) {
    let Some(db) = TestDatabase::create(engine).await.expect("test database") else {
        eprintln!("skipped: no {engine:?} server configured");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = db.url.clone();
    let first = seed(
        dir.path(),
        &["--url", &url, "--part", "lavoro", "--citizens", "50"],
    );
    assert!(first.status.success(), "{}", text(&first));
    let again = seed(
        dir.path(),
        &["--url", &url, "--part", "lavoro", "--citizens", "50"],
    );
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("already holds this demo source"),
        "{}",
        text(&again)
    );

    let bigger = seed(
        dir.path(),
        &["--url", &url, "--part", "lavoro", "--citizens", "80"],
    );
    assert!(!bigger.status.success());
    assert!(text(&bigger).contains("--reset"), "{}", text(&bigger));
    let reset = [
        "--url",
        &url,
        "--part",
        "lavoro",
        "--citizens",
        "80",
        "--reset",
    ];
    let reset = seed(dir.path(), &reset);
    assert!(reset.status.success(), "{}", text(&reset));

    let conn = sea_orm::Database::connect(&url).await.unwrap();
    let written = fascicolo::sources::demo::persons_written(&conn).await;
    conn.close().await.ok();
    let data = fascicolo::sources::demo::generate(fascicolo::demo::DEMO_SEED, 80);
    assert_eq!(written, Some(data.lavoro.persons.len() as u64));
    db.drop_database().await.ok();
}

#[tokio::test]
async fn seed_demo_url_runs_twice_sqlite() {
    twice(Engine::Sqlite).await;
}

#[tokio::test]
async fn seed_demo_url_runs_twice_postgres() {
    twice(Engine::Postgres).await;
}
