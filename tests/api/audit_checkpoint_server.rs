//! Who writes the audit checkpoints and how `audit verify` reads them: the server at start,
//! every `audit.checkpoint_secs` while the head moves and at shutdown; `audit prune`, which
//! refuses rows within `audit.retention_days` and is not done when its checkpoint cannot be
//! written; replicas sharing a file or keeping their own; `verify` applying no migration;
//! a server that cannot write its checkpoints not starting.

use crate::audit_chain::append_old_rows;
use crate::audit_checkpoint::{KEY, checkpoint_now, checkpointing, key, read_four};
use crate::fixtures;
use crate::helpers::{SECRET, TestApp, fascicolo_audit, fascicolo_audit_with, spawn_app_with};
use fascicolo::app::Application;
use fascicolo::config::Config;
use fascicolo::store::Store;
use fascicolo::store::audit::checkpoint::{Checkpoint, CheckpointLog, Checkpoints, Kind};
use fascicolo::store::audit::verify::verify;
use fascicolo::testing::{Engine, database_or_skip};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder};
use std::path::Path;
use std::time::Duration;

/// The file's checkpoints, each opened with the key (a bad line fails the test).
fn lines(file: &Path) -> Vec<Checkpoint> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .map(|line| key().open(line).unwrap_or_else(|e| panic!("{e:?}: {line}")))
        .collect()
}

/// Waits up to 10 s for the file's checkpoints to satisfy `done`.
async fn wait_for(file: &Path, done: impl Fn(&[Checkpoint]) -> bool) -> Vec<Checkpoint> {
    for _ in 0..100 {
        let checkpoints = lines(file);
        if done(&checkpoints) {
            return checkpoints;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("checkpoints never came: {:?}", lines(file));
}

async fn app_checkpointing(test: &str, store: Engine, file: &Path, secs: u64) -> Option<TestApp> {
    let sources = fixtures::sources(Engine::Sqlite, Engine::Sqlite);
    spawn_app_with(test, store, sources, &[], &checkpointing(file, secs)).await
}

async fn server_checkpoints(test: &str, store: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.chk");
    let Some(mut app) = app_checkpointing(test, store, &file, 1).await else {
        return;
    };
    let first = wait_for(&file, |c| !c.is_empty()).await;
    assert_eq!(
        (first[0].kind, first[0].row),
        (Kind::Periodic, 0),
        "at start"
    );
    read_four(&app).await;
    let seen = wait_for(&file, |c| c.last().is_some_and(|l| l.row == 4)).await;
    // an idle server repeats nothing
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    assert_eq!(lines(&file).len(), seen.len(), "{:?}", lines(&file));
    read_four(&app).await;
    app.stop_server().await;
    let all = lines(&file);
    let last = all.last().unwrap();
    assert_eq!((last.kind, last.row), (Kind::Shutdown, 8), "{all:?}");
    let head = fascicolo::store::audit::chain::read_head(app.state.store.db())
        .await
        .unwrap();
    assert_eq!(last.hash, head.last_hash);
    assert!(all.iter().all(|c| c.writer == last.writer), "one writer");
    assert!(all.windows(2).all(|w| w[0].row <= w[1].row), "{all:?}");
    let files = Checkpoints {
        paths: vec![file.clone()],
        key: key(),
    };
    let report = verify(app.state.store.db(), Some(&files)).await.unwrap();
    assert!(report.ok(), "{:?}", report.broken);
    assert_eq!(report.checkpoints.unwrap().lines, all.len());
    app.stop().await;
}

#[tokio::test]
async fn the_server_checkpoints_at_start_on_its_interval_and_at_shutdown_sqlite() {
    server_checkpoints("checkpoint_server_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn the_server_checkpoints_at_start_on_its_interval_and_at_shutdown_postgres() {
    server_checkpoints("checkpoint_server_postgres", Engine::Postgres).await;
}

async fn prune_is_checkpointed(test: &str, store: Engine) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.chk");
    let Some(app) = app_checkpointing(test, store, &file, 3600).await else {
        return;
    };
    wait_for(&file, |c| !c.is_empty()).await;
    append_old_rows(&app, 800, 5).await;
    read_four(&app).await;
    let db = app.state.store.db();
    let rows = || async { entities::audit_log::Entity::find().count(db).await.unwrap() };
    let config = app.config_file(dir.path(), "");

    // rows younger than the retention are kept, whatever the command line asks
    let (code, out) = fascicolo_audit(&config, &["prune", "--older-than-days", "30"]);
    assert_ne!(code, Some(0), "{out}");
    assert!(
        out.contains("rows younger than audit.retention_days (730 days"),
        "{out}"
    );
    // a prune whose checkpoint cannot be written (the path is a directory) deletes nothing
    let env = ("FASCICOLO_AUDIT__CHECKPOINT_FILE", dir.path());
    let (code, out) = fascicolo_audit_with(&config, &["prune"], &[env]);
    assert_ne!(code, Some(0), "{out}");
    assert!(
        out.contains("the prune's checkpoint could not be written"),
        "{out}"
    );
    assert_eq!(rows().await, 9);
    assert!(lines(&file).iter().all(|c| c.kind != Kind::Prune));

    let (code, out) = fascicolo_audit(&config, &["prune"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("pruned 5 audit rows older than 730 days"),
        "{out}"
    );
    assert_eq!(rows().await, 4);
    let prune = lines(&file).pop().unwrap();
    assert_eq!(prune.kind, Kind::Prune);
    assert_eq!(
        (prune.anchor_row, prune.pruned_rows, prune.row),
        (5, Some(5), 9)
    );
    let anchor = entities::audit_chain_anchor::Entity::find()
        .order_by_desc(entities::audit_chain_anchor::Column::Id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((anchor.through_id, &anchor.hash), (5, &prune.anchor_hash));
    assert!(prune.cutoff.is_some());
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("4 rows verified after the anchor at row 5"),
        "{out}"
    );
    app.stop().await;
}

#[tokio::test]
async fn prune_is_checkpointed_and_refused_within_retention_sqlite() {
    prune_is_checkpointed("checkpoint_prune_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn prune_is_checkpointed_and_refused_within_retention_postgres() {
    prune_is_checkpointed("checkpoint_prune_postgres", Engine::Postgres).await;
}

/// Replicas on one file interleave their lines (one may write an older head after another's
/// newer one): each line is checked alone. One writer's head going back is reported. A
/// replica with its own file: `--checkpoints` adds the others' files (here the prune's).
#[tokio::test]
async fn replicas_share_a_file_or_keep_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared.chk");
    let Some(app) = app_checkpointing("checkpoint_replicas", Engine::Sqlite, &shared, 3600).await
    else {
        return;
    };
    wait_for(&shared, |c| !c.is_empty()).await;
    let db = app.state.store.db();
    append_old_rows(&app, 800, 3).await;
    read_four(&app).await;
    let (a, b) = (
        CheckpointLog::new(shared.clone(), key()),
        CheckpointLog::new(shared.clone(), key()),
    );
    let older = Checkpoint::of_store(db, Kind::Periodic, a.writer())
        .await
        .unwrap();
    read_four(&app).await;
    checkpoint_now(db, &b).await;
    a.append(&older).await.unwrap();
    let config = app.config_file(dir.path(), "");
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("checkpoints OK: 3 line(s)"), "{out}");

    let before = std::fs::read_to_string(&shared).unwrap();
    let mut back = older.clone();
    back.row = 2;
    back.hash = entities::audit_log::Entity::find_by_id(2i64)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .hash
        .unwrap();
    a.append(&back).await.unwrap();
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(1), "{out}");
    let went_back = format!(
        "writer {} saw the head at row 2 after it saw row 7",
        a.writer()
    );
    assert!(out.contains(&went_back) && out.contains(":4:"), "{out}");
    std::fs::write(&shared, before).unwrap();

    // the prune's line goes to another file; the shared one learns the anchor only from a
    // periodic line
    let own = dir.path().join("pruner.chk");
    let env = ("FASCICOLO_AUDIT__CHECKPOINT_FILE", own.as_path());
    let (code, out) = fascicolo_audit_with(&config, &["prune"], &[env]);
    assert_eq!(code, Some(0), "{out}");
    checkpoint_now(db, &b).await;
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("anchor at row 3 that no prune recorded"),
        "{out}"
    );
    let own_text = own.display().to_string();
    let (code, out) = fascicolo_audit(&config, &["verify", "--checkpoints", &own_text]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("checkpoints OK: 5 line(s)") && out.contains(&own_text),
        "{out}"
    );
    // a checkpoint file that is gone is no empty history
    let gone = dir.path().join("gone.chk").display().to_string();
    let (code, out) = fascicolo_audit(&config, &["verify", "--checkpoints", &gone]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("cannot read the checkpoint file {gone}")),
        "{out}"
    );
    app.stop().await;
}

/// A store configuration without sources, for the binary.
fn store_config(dir: &Path, url: &str) -> std::path::PathBuf {
    let path = dir.join("store.toml");
    std::fs::write(
        &path,
        format!("[store]\nurl = \"{url}\"\n[auth]\nhs256_secret = \"{SECRET}\"\n"),
    )
    .unwrap();
    path
}

async fn applied(db: &sea_orm::DatabaseConnection) -> usize {
    Migrator::get_applied_migrations(db).await.unwrap().len()
}

async fn verify_reads_only(test: &str, engine: Engine) {
    let Some(database) = database_or_skip(engine, test).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = store_config(dir.path(), &database.url);
    let store = Store::connect(&database.url).await.unwrap();
    Migrator::up(store.db(), Some(10)).await.unwrap();
    // SQLite: closed, so the reader finds the WAL file checkpointed away
    store.db().clone().close().await.unwrap();
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(0), "{out}");
    let pending = Migrator::migrations().len() - 10;
    assert!(
        out.contains(&format!("note: {pending} store migration(s) pending")),
        "{out}"
    );
    assert!(out.contains("audit chain OK: 0 rows verified"), "{out}");
    let store = Store::connect(&database.url).await.unwrap();
    assert_eq!(applied(store.db()).await, 10, "verify applied nothing");
    // the connection verify reads through refuses to write
    let reader = Store::connect_read_only(&database.url).await.unwrap();
    let write = reader
        .db()
        .execute_unprepared("CREATE TABLE written_by_verify (id INTEGER)")
        .await;
    assert!(write.is_err(), "{write:?}");
    reader.db().clone().close().await.unwrap();

    Migrator::down(store.db(), Some(1)).await.unwrap();
    let (code, out) = fascicolo_audit(&config, &["verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("the store has no audit chain yet"), "{out}");
    assert_eq!(applied(store.db()).await, 9);
    let chain_table = store
        .db()
        .execute_unprepared("SELECT 1 FROM audit_chain_head")
        .await;
    assert!(chain_table.is_err(), "no chain table was created");
    store.db().clone().close().await.unwrap();
    database.drop_database().await.unwrap();
}

#[tokio::test]
async fn verify_applies_no_migration_sqlite() {
    verify_reads_only("verify_read_only_sqlite", Engine::Sqlite).await;
    // and creates no store where there is none
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let url = format!("sqlite://{}?mode=rwc", missing.display());
    let (code, out) = fascicolo_audit(&store_config(dir.path(), &url), &["verify"]);
    assert_ne!(code, Some(0), "{out}");
    assert!(out.contains("connecting to the store"), "{out}");
    assert!(!missing.exists());
}

#[tokio::test]
async fn verify_applies_no_migration_postgres() {
    verify_reads_only("verify_read_only_postgres", Engine::Postgres).await;
}

#[tokio::test]
async fn a_server_that_cannot_write_its_checkpoints_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-such-dir").join("audit.chk");
    let toml = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\n[store]\nurl = \"sqlite://{}/s.db?mode=rwc\"\n\
         [auth]\nhs256_secret = \"{SECRET}\"\n[audit]\ncheckpoint_file = \"{}\"\n\
         checkpoint_key = \"{KEY}\"\n",
        dir.path().display(),
        file.display()
    );
    let config = Config::from_toml(&toml).unwrap();
    let Err(err) = Application::build(config).await else {
        panic!("the server started");
    };
    let err = err.to_string();
    assert!(
        err.contains("audit.checkpoint_file") && err.contains("no-such-dir"),
        "{err}"
    );
}
