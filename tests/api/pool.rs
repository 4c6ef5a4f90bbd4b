//! The PostgreSQL pools skip sqlx's ping when a connection goes back to the pool
//! (`sources::sql::pool_checks`, vendor/README.md). These tests hold the two things that makes
//! true: a released connection is idle again at once, without a round trip, and a statement
//! or transaction cut off mid-way (a source timeout drops its future) leaves nothing behind
//! for the next user of that connection.

use fascicolo::sources::sql::SqlSource;
use fascicolo::testing::{Engine, database_or_skip};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement, TransactionTrait};
use std::time::Duration;

fn sql(text: &str) -> Statement {
    Statement::from_string(DatabaseBackend::Postgres, text.to_owned())
}

async fn number_on(db: &DatabaseConnection, text: &str) -> i64 {
    let row = db
        .query_one_raw(sql(text))
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .expect("a row");
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn one_number(source: &SqlSource, text: &str) -> i64 {
    number_on(source.connection(), text).await
}

#[tokio::test]
async fn a_released_postgres_connection_is_idle_at_once_and_clean_after_a_cancelled_statement() {
    let test = "a_released_postgres_connection_is_idle_at_once";
    let Some(database) = database_or_skip(Engine::Postgres, test).await else {
        return;
    };
    // one connection, so every statement below runs on the connection the one before left
    let source = SqlSource::connect_lazy(&database.url, 1, Duration::from_secs(5))
        .await
        .unwrap();
    let pool = source.connection().get_postgres_connection_pool().clone();

    assert_eq!(one_number(&source, "SELECT 41::int8 + 1").await, 42);
    // with the release ping the connection would come back in a task spawned after a round
    // trip; this single-threaded runtime has not run any such task yet
    assert_eq!((pool.size(), pool.num_idle()), (1, 1));

    // a statement cut off by a timeout while the server is still working on it
    let cut = tokio::time::timeout(
        Duration::from_millis(100),
        source.connection().query_one_raw(sql("SELECT pg_sleep(1)")),
    )
    .await;
    assert!(cut.is_err(), "pg_sleep(1) should have been cut off");
    assert_eq!(one_number(&source, "SELECT 7::int8").await, 7);

    // a transaction cut off after its insert: nothing of it may be committed, and the
    // connection must not be left inside it
    source
        .connection()
        .execute_unprepared("CREATE TABLE pool_probe (n int8 NOT NULL)")
        .await
        .unwrap();
    let cut = tokio::time::timeout(Duration::from_millis(100), async {
        let txn = source.connection().begin().await.unwrap();
        txn.execute_unprepared("INSERT INTO pool_probe VALUES (1)")
            .await
            .unwrap();
        txn.execute_unprepared("SELECT pg_sleep(1)").await.unwrap();
        txn.commit().await.unwrap();
    })
    .await;
    assert!(cut.is_err(), "the transaction should have been cut off");
    // seen from another connection, before the pool's own is used again: the dropped
    // transaction's ROLLBACK must reach the server now, not at that connection's next use,
    // or its locks stay held (fifty writers waited on them for good)
    let watcher = sea_orm::Database::connect(&database.url).await.unwrap();
    let open_transactions = "SELECT count(*) FROM pg_stat_activity WHERE datname = \
        current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'";
    let mut lock_free = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let open = number_on(&watcher, open_transactions).await;
        let running = number_on(
            &watcher,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND state = 'active'",
        )
        .await;
        if open == 0 && running == 0 {
            lock_free = true;
            break;
        }
    }
    assert!(
        lock_free,
        "the cut-off transaction is still open on the server"
    );
    watcher
        .execute_unprepared("BEGIN; LOCK TABLE pool_probe IN ACCESS EXCLUSIVE MODE NOWAIT; COMMIT")
        .await
        .expect("no lock left behind on pool_probe");
    drop(watcher);
    assert_eq!(
        one_number(&source, "SELECT count(*) FROM pool_probe").await,
        0
    );
    // not inside the dropped transaction: a statement on its own is committed
    source
        .connection()
        .execute_unprepared("INSERT INTO pool_probe VALUES (2)")
        .await
        .unwrap();
    assert_eq!(
        one_number(
            &source,
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND state LIKE 'idle in transaction%'"
        )
        .await,
        0
    );
    assert_eq!(
        one_number(&source, "SELECT sum(n)::int8 FROM pool_probe").await,
        2
    );
    assert_eq!(pool.size(), 1, "the same connection all along");
    drop(source);
    database.drop_database().await.unwrap();
}
