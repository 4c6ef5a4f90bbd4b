//! The classifier: by code, by SeaORM error, and on errors the engines really raise.

use super::*;
use std::sync::Arc;

#[test]
fn a_json_answer_problem_quotes_no_value() {
    let err = serde_json::from_str::<Vec<u8>>(r#""ROSSI MARIO""#).unwrap_err();
    let e = of_json_answer("persons", &err);
    assert_eq!(e.fault, Fault::Contract);
    assert!(!e.detail.contains("ROSSI"), "{}", e.detail);
    assert!(e.detail.contains("another shape"), "{}", e.detail);
}

#[test]
fn only_timeouts_connections_and_server_faults_count() {
    assert!(Fault::Timeout.is_source_fault());
    assert!(Fault::Unreachable.is_source_fault());
    assert!(Fault::Server.is_source_fault());
    assert!(!Fault::Contract.is_source_fault());
    assert!(!Fault::Rejected.is_source_fault());
    let words: Vec<&str> = [
        Fault::Timeout,
        Fault::Unreachable,
        Fault::Server,
        Fault::Contract,
        Fault::Rejected,
    ]
    .map(Fault::reason)
    .to_vec();
    assert_eq!(
        words,
        ["timeout", "unreachable", "error", "contract", "rejected"]
    );
}

#[test]
fn sqlstates_by_class() {
    for (code, fault) in [
        ("08006", Fault::Unreachable),
        ("28P01", Fault::Unreachable),
        ("3D000", Fault::Unreachable),
        ("53300", Fault::Server),
        ("57P01", Fault::Server),
        ("57014", Fault::Timeout),
        ("58030", Fault::Server),
        ("XX000", Fault::Server),
        ("40P01", Fault::Server),
        ("42P01", Fault::Contract),
        ("42703", Fault::Contract),
        ("42883", Fault::Contract),
        ("42501", Fault::Contract),
        ("22021", Fault::Rejected),
        ("22007", Fault::Rejected),
        ("54001", Fault::Rejected),
        ("23505", Fault::Rejected),
        ("", Fault::Server),
    ] {
        assert_eq!(of_sqlstate(code), fault, "{code}");
    }
}

#[test]
fn sqlite_codes_and_its_catch_all_error() {
    assert_eq!(
        of_sqlite(1, "LIKE or GLOB pattern too complex"),
        Fault::Rejected
    );
    assert_eq!(of_sqlite(1, "too many SQL variables"), Fault::Rejected);
    assert_eq!(of_sqlite(1, "no such table: gw_person"), Fault::Contract);
    assert_eq!(of_sqlite(1, "no such column: sector_code"), Fault::Contract);
    assert_eq!(of_sqlite(5, "database is locked"), Fault::Server);
    // SQLITE_BUSY_SNAPSHOT: an extended code of BUSY
    assert_eq!(of_sqlite(517, "database is locked"), Fault::Server);
    assert_eq!(of_sqlite(10, "disk I/O error"), Fault::Server);
    assert_eq!(of_sqlite(14, "unable to open database file"), Fault::Server);
    assert_eq!(of_sqlite(18, "string or blob too big"), Fault::Rejected);
    assert_eq!(of_sqlite(9, "interrupted"), Fault::Timeout);
}

#[test]
fn mysql_numbers_then_sqlstate() {
    assert_eq!(of_mysql(1146, "42S02"), Fault::Contract);
    assert_eq!(of_mysql(1054, "42S22"), Fault::Contract);
    assert_eq!(of_mysql(1203, "42000"), Fault::Unreachable);
    assert_eq!(of_mysql(3024, "HY000"), Fault::Timeout);
    assert_eq!(of_mysql(1205, "HY000"), Fault::Server);
    assert_eq!(of_mysql(1366, "22007"), Fault::Rejected);
    assert_eq!(of_mysql(1064, "42000"), Fault::Contract);
    assert_eq!(of_mysql(9999, "HY000"), Fault::Server);
}

#[test]
fn http_statuses() {
    assert_eq!(of_http_status(500), Fault::Server);
    assert_eq!(of_http_status(503), Fault::Server);
    assert_eq!(of_http_status(504), Fault::Timeout);
    assert_eq!(of_http_status(429), Fault::Server);
    assert_eq!(of_http_status(400), Fault::Rejected);
    assert_eq!(of_http_status(413), Fault::Rejected);
    assert_eq!(of_http_status(401), Fault::Contract);
    assert_eq!(of_http_status(404), Fault::Contract);
    assert_eq!(of_http_status(302), Fault::Contract);
}

#[test]
fn seaorm_errors_without_a_database_code() {
    let sqlx = |e: sqlx::Error| Arc::new(e);
    for (err, fault) in [
        (
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            Fault::Unreachable,
        ),
        (
            DbErr::Conn(RuntimeErr::Internal("refused".into())),
            Fault::Unreachable,
        ),
        (
            DbErr::Query(RuntimeErr::SqlxError(sqlx(sqlx::Error::Io(
                std::io::ErrorKind::ConnectionReset.into(),
            )))),
            Fault::Unreachable,
        ),
        (
            DbErr::Query(RuntimeErr::SqlxError(sqlx(sqlx::Error::PoolTimedOut))),
            Fault::Unreachable,
        ),
        (
            DbErr::Query(RuntimeErr::SqlxError(sqlx(sqlx::Error::Protocol(
                "unexpected message".into(),
            )))),
            Fault::Server,
        ),
        (
            DbErr::Query(RuntimeErr::SqlxError(sqlx(sqlx::Error::ColumnNotFound(
                "x".into(),
            )))),
            Fault::Contract,
        ),
        (
            DbErr::Type("column birth_date: not a date".into()),
            Fault::Contract,
        ),
        (
            DbErr::Query(RuntimeErr::Internal("?".into())),
            Fault::Server,
        ),
    ] {
        assert_eq!(of_db(&err).0, fault, "{err}");
    }
}

/// The engines' own errors, raised for real: SQLite always, PostgreSQL and MariaDB when
/// their test servers are configured.
#[tokio::test]
async fn real_engine_errors_are_classified() {
    use crate::testing::{Engine, database_or_skip};
    use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement};
    let fail = |db: &sea_orm::DatabaseConnection, sql: &str, values: Vec<sea_orm::Value>| {
        let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
        let db = db.clone();
        async move {
            let err = db.query_all_raw(statement).await.expect_err("fails");
            CallError::from(err)
        }
    };
    let sqlite = Database::connect("sqlite::memory:").await.unwrap();
    let long = "A".repeat(60_000);
    let e = fail(&sqlite, "SELECT 'A' LIKE ?", vec![long.clone().into()]).await;
    assert_eq!((e.fault, e.code.as_deref()), (Fault::Rejected, Some("1")));
    let e = fail(&sqlite, "SELECT * FROM gw_person", vec![]).await;
    assert_eq!(e.fault, Fault::Contract, "{}", e.detail);

    for engine in [Engine::Postgres, Engine::MySql] {
        let Some(test_db) = database_or_skip(engine, "real_engine_errors_are_classified").await
        else {
            continue;
        };
        let db = test_db.connect().await.unwrap();
        let e = fail(&db, "SELECT * FROM gw_person", vec![]).await;
        assert_eq!(e.fault, Fault::Contract, "{engine}: {}", e.detail);
        if db.get_database_backend() == DatabaseBackend::Postgres {
            // text cannot hold a NUL on PostgreSQL: a value of the request
            let e = fail(&db, "SELECT $1::text", vec!["AB\0".into()]).await;
            assert_eq!(e.fault, Fault::Rejected, "{}", e.detail);
            assert_eq!(e.code.as_deref(), Some("22021"));
        }
        db.close().await.unwrap();
        test_db.drop_database().await.unwrap();
    }
}
