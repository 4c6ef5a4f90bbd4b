//! The contract check on the three engines: conforming views, and each kind of problem.

use sea_orm::Database;

use super::*;
use crate::testing::{Engine, database_or_skip};

/// Engine-specific spellings of the contract's types for the test DDL.
struct Types {
    text: &'static str,
    code: &'static str,
    date: &'static str,
    timestamp: &'static str,
    bigint: &'static str,
    int: &'static str,
    decimal: &'static str,
}

const SQLITE: Types = Types {
    text: "TEXT",
    code: "CHAR(16)",
    date: "DATE",
    timestamp: "TIMESTAMP",
    bigint: "BIGINT",
    int: "INTEGER",
    decimal: "DECIMAL(5,2)",
};
const POSTGRES: Types = Types {
    text: "VARCHAR(200)",
    code: "CHAR(16)",
    date: "DATE",
    timestamp: "TIMESTAMP",
    bigint: "BIGINT",
    int: "INTEGER",
    decimal: "NUMERIC(5,2)",
};
const MYSQL: Types = Types {
    text: "VARCHAR(200)",
    code: "CHAR(16)",
    date: "DATE",
    timestamp: "DATETIME",
    bigint: "BIGINT",
    int: "SMALLINT",
    decimal: "DECIMAL(5,2)",
};

/// Base tables (named like a DBA's local schema) and the three contract views over them.
fn conforming_ddl(t: &Types) -> Vec<String> {
    let Types {
        text,
        code,
        date,
        timestamp,
        bigint,
        int,
        decimal,
    } = t;
    vec![
        format!(
            "CREATE TABLE anagrafica (cf {code} PRIMARY KEY, nome {text}, cognome {text}, \
             data_nascita {date}, luogo_nascita {text}, sesso {text}, cittadinanza {text}, \
             comune_res {text}, prov_res {text}, email {text}, telefono {text}, cpi {text}, \
             data_did {date}, aggiornato {timestamp} NOT NULL)"
        ),
        "CREATE VIEW gw_person AS SELECT cf AS fiscal_code, nome AS given_name, \
         cognome AS family_name, data_nascita AS birth_date, luogo_nascita AS birth_place_code, \
         sesso AS gender, cittadinanza AS citizenship, comune_res AS residence_municipality, \
         prov_res AS residence_province, email, telefono AS phone, cpi AS cpi_code, \
         data_did AS did_date, aggiornato AS updated_at FROM anagrafica"
            .to_owned(),
        format!(
            "CREATE TABLE rapporti (id {bigint} PRIMARY KEY, cf {code} NOT NULL, \
             cf_datore {text}, datore {text}, inizio {date} NOT NULL, fine {date}, \
             tipo {text}, qualifica {text}, ateco {text}, ore {decimal}, comune {text})"
        ),
        "CREATE VIEW gw_employment AS SELECT id, cf AS fiscal_code, \
         cf_datore AS employer_tax_code, datore AS employer_name, inizio AS start_date, \
         fine AS end_date, tipo AS contract_type, qualifica AS occupation_code, \
         ateco AS sector_code, ore AS weekly_hours, comune AS workplace_municipality \
         FROM rapporti"
            .to_owned(),
        format!(
            "CREATE TABLE formazione (id {bigint} PRIMARY KEY, cf {code} NOT NULL, \
             tipo {text}, titolo {text}, ente {text}, inizio {date}, fine {date}, \
             ore {int}, esito {text}, qualifica {text}, eqf {int})"
        ),
        // `hours` comes from an integer column where a numeric one would also do; `kind`
        // is an expression (no declared type on SQLite).
        "CREATE VIEW gw_training AS SELECT id, cf AS fiscal_code, LOWER(tipo) AS kind, \
         titolo AS title, ente AS provider_name, inizio AS start_date, fine AS end_date, \
         ore AS hours, esito AS outcome, qualifica AS qualification_code, \
         eqf AS eqf_level FROM formazione"
            .to_owned(),
    ]
}

/// gw_person as in the contract; gw_employment without `sector_code` and with
/// `start_date` from a text column; no gw_training.
fn nonconforming_ddl(t: &Types) -> Vec<String> {
    let Types {
        text,
        code,
        date,
        decimal,
        bigint,
        ..
    } = t;
    let mut ddl = conforming_ddl(t);
    ddl.truncate(2);
    ddl.push(format!(
        "CREATE TABLE rapporti (id {bigint} PRIMARY KEY, cf {code} NOT NULL, \
         cf_datore {text}, datore {text}, inizio {text} NOT NULL, fine {date}, \
         tipo {text}, qualifica {text}, ore {decimal}, comune {text})"
    ));
    ddl.push(
        "CREATE VIEW gw_employment AS SELECT id, cf AS fiscal_code, \
         cf_datore AS employer_tax_code, datore AS employer_name, inizio AS start_date, \
         fine AS end_date, tipo AS contract_type, qualifica AS occupation_code, \
         ore AS weekly_hours, comune AS workplace_municipality FROM rapporti"
            .to_owned(),
    );
    ddl
}

fn expected_problems(text_type: &str) -> Vec<ContractProblem> {
    vec![
        ContractProblem::WrongType {
            view: "gw_employment".into(),
            column: "start_date".into(),
            found: text_type.into(),
            expected: ColumnKind::Date,
        },
        ContractProblem::MissingColumn {
            view: "gw_employment".into(),
            column: "sector_code".into(),
        },
        ContractProblem::MissingView {
            view: "gw_training".into(),
        },
    ]
}

async fn run(db: &DatabaseConnection, ddl: &[String]) {
    for statement in ddl {
        db.execute_unprepared(statement)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

#[tokio::test]
async fn sqlite_conforming_views_have_no_problems() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    run(&db, &conforming_ddl(&SQLITE)).await;
    assert_eq!(check_contract(&db).await.unwrap(), vec![]);
}

#[tokio::test]
async fn sqlite_reports_missing_view_missing_column_and_wrong_type() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    run(&db, &nonconforming_ddl(&SQLITE)).await;
    let problems = check_contract(&db).await.unwrap();
    assert_eq!(problems, expected_problems("TEXT"));
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "view gw_employment: column start_date has type TEXT, expected DATE",
            "view gw_employment: column sector_code is missing",
            "view gw_training is missing (create it as described in the README's contract section)",
        ]
    );
}

#[tokio::test]
async fn sqlite_empty_database_misses_every_view() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let problems = check_contract(&db).await.unwrap();
    assert_eq!(
        problems,
        VIEWS
            .iter()
            .map(|v| ContractProblem::MissingView {
                view: v.name.into()
            })
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn sqlite_wrong_family_is_reported_with_the_declared_type() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut ddl = conforming_ddl(&SQLITE);
    // updated_at declared DATE instead of a timestamp; id as TEXT.
    ddl[0] = ddl[0].replace("aggiornato TIMESTAMP", "aggiornato DATE");
    ddl[4] = ddl[4].replace("id BIGINT", "id VARCHAR(20)");
    run(&db, &ddl).await;
    let problems = check_contract(&db).await.unwrap();
    assert_eq!(
        problems,
        vec![
            ContractProblem::WrongType {
                view: "gw_person".into(),
                column: "updated_at".into(),
                found: "DATE".into(),
                expected: ColumnKind::Timestamp,
            },
            ContractProblem::WrongType {
                view: "gw_training".into(),
                column: "id".into(),
                found: "VARCHAR(20)".into(),
                expected: ColumnKind::Integer,
            },
        ]
    );
    assert_eq!(
        problems[1].to_string(),
        "view gw_training: column id has type VARCHAR(20), expected an integer type \
         (SMALLINT/INTEGER/BIGINT)"
    );
}

#[test]
fn families() {
    use ColumnKind::*;
    use DatabaseBackend::{MySql, Postgres, Sqlite};
    for (backend, t, kind) in [
        (Sqlite, "BIGINT", Some(Integer)),
        (Sqlite, "character(16)", Some(Text)),
        (Sqlite, "DATE", Some(Date)),
        (Sqlite, "DATETIME", Some(Timestamp)),
        (Sqlite, "timestamp", Some(Timestamp)),
        (Sqlite, "DOUBLE PRECISION", Some(Decimal)),
        (Sqlite, "BLOB", None),
        (Postgres, "character", Some(Text)),
        (Postgres, "timestamp with time zone", Some(Timestamp)),
        (Postgres, "double precision", Some(Decimal)),
        (Postgres, "boolean", None),
        (MySql, "varchar", Some(Text)),
        (MySql, "datetime", Some(Timestamp)),
        (MySql, "tinyint", Some(Integer)),
        (MySql, "blob", None),
    ] {
        assert_eq!(family(backend, t), kind, "{backend:?} {t}");
    }
    assert!(type_matches(Postgres, "integer", Decimal));
    assert!(!type_matches(Postgres, "numeric", Integer));
    assert!(type_matches(Sqlite, "", Date));
}

async fn conforming_and_not(engine: Engine, types: &Types, text_type: &str, name: &str) {
    for (ddl, expected) in [
        (conforming_ddl(types), vec![]),
        (nonconforming_ddl(types), expected_problems(text_type)),
    ] {
        let Some(test_db) = database_or_skip(engine, name).await else {
            return;
        };
        let db = test_db
            .connect()
            .await
            .expect("connect to the test database");
        run(&db, &ddl).await;
        let problems = check_contract(&db).await;
        db.close().await.expect("close");
        test_db
            .drop_database()
            .await
            .expect("drop the test database");
        assert_eq!(problems.expect("check_contract"), expected);
    }
}

#[tokio::test]
async fn postgres_conforming_and_nonconforming_views() {
    conforming_and_not(
        Engine::Postgres,
        &POSTGRES,
        "character varying",
        "postgres_conforming_and_nonconforming_views",
    )
    .await;
}

#[tokio::test]
async fn mysql_conforming_and_nonconforming_views() {
    conforming_and_not(
        Engine::MySql,
        &MYSQL,
        "varchar",
        "mysql_conforming_and_nonconforming_views",
    )
    .await;
}
