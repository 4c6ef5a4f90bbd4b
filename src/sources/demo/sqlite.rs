//! Schema: the DBA's base tables and the contract views over them, and the rows written
//! into them.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, TransactionTrait, Value,
};

use super::super::contract::{EmploymentRow, PersonRow, TrainingRow};
use super::SourceData;
const PERSON_TABLE: &str = "sil_anagrafica";
const EMPLOYMENT_TABLE: &str = "sil_rapporti_lavoro";
const TRAINING_TABLE: &str = "sil_percorsi_formativi";

const PERSON_COLUMNS: [&str; 14] = [
    "codice_fiscale",
    "nome",
    "cognome",
    "data_nascita",
    "cod_catastale_nascita",
    "sesso",
    "cittadinanza",
    "cod_istat_residenza",
    "sigla_prov_residenza",
    "email",
    "telefono",
    "cod_cpi",
    "data_did",
    "data_ultima_modifica",
];

const EMPLOYMENT_COLUMNS: [&str; 11] = [
    "id_rapporto",
    "codice_fiscale",
    "cf_datore_lavoro",
    "ragione_sociale_datore",
    "data_inizio",
    "data_fine",
    "tipologia_contrattuale",
    "qualifica_istat",
    "settore_ateco",
    "ore_settimanali",
    "cod_istat_sede_lavoro",
];

const TRAINING_COLUMNS: [&str; 11] = [
    "id_percorso",
    "codice_fiscale",
    "tipo_percorso",
    "titolo",
    "ente_erogatore",
    "data_inizio",
    "data_fine",
    "durata_ore",
    "esito",
    "cod_qualifica",
    "livello_eqf",
];

/// Creates the base tables and the three contract views on a fresh database (SQLite,
/// PostgreSQL or MySQL/MariaDB). Column types follow the contract: the views select the base
/// columns unchanged, so each view column keeps its table's declared type.
/// How many persons an earlier run wrote into `db`; `None` when it holds no demo source.
pub async fn persons_written(db: &DatabaseConnection) -> Option<u64> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {PERSON_TABLE}"),
        ))
        .await
        .ok()??;
    row.try_get::<i64>("", "n")
        .ok()
        .and_then(|n| u64::try_from(n).ok())
}

/// Removes what `create_schema` creates (views first), where it exists.
pub async fn drop_schema(db: &DatabaseConnection) -> Result<(), DbErr> {
    for view in ["gw_person", "gw_employment", "gw_training"] {
        db.execute_unprepared(&format!("DROP VIEW IF EXISTS {view}"))
            .await?;
    }
    for table in [EMPLOYMENT_TABLE, TRAINING_TABLE, PERSON_TABLE] {
        db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
            .await?;
    }
    Ok(())
}

pub async fn create_schema(db: &DatabaseConnection) -> Result<(), DbErr> {
    for statement in schema_statements(db.get_database_backend()) {
        db.execute_unprepared(&statement).await?;
    }
    Ok(())
}

fn schema_statements(backend: DatabaseBackend) -> Vec<String> {
    let (timestamp, double) = match backend {
        DatabaseBackend::Postgres => ("TIMESTAMP", "DOUBLE PRECISION"),
        DatabaseBackend::MySql => ("DATETIME", "DOUBLE"),
        _ => ("TIMESTAMP", "REAL"),
    };
    vec![
        // the primary key is the fiscal-code index of the registry
        format!(
            "CREATE TABLE {PERSON_TABLE} (
                codice_fiscale CHAR(16) NOT NULL PRIMARY KEY,
                nome VARCHAR(80),
                cognome VARCHAR(80),
                data_nascita DATE,
                cod_catastale_nascita CHAR(4),
                sesso CHAR(1),
                cittadinanza CHAR(2),
                cod_istat_residenza CHAR(6),
                sigla_prov_residenza CHAR(2),
                email VARCHAR(254),
                telefono VARCHAR(32),
                cod_cpi VARCHAR(16),
                data_did DATE,
                data_ultima_modifica {timestamp} NOT NULL
            )"
        ),
        format!(
            "CREATE TABLE {EMPLOYMENT_TABLE} (
                id_rapporto BIGINT NOT NULL PRIMARY KEY,
                codice_fiscale CHAR(16) NOT NULL,
                cf_datore_lavoro VARCHAR(16),
                ragione_sociale_datore VARCHAR(200),
                data_inizio DATE NOT NULL,
                data_fine DATE,
                tipologia_contrattuale VARCHAR(7),
                qualifica_istat VARCHAR(16),
                settore_ateco VARCHAR(8),
                ore_settimanali {double},
                cod_istat_sede_lavoro CHAR(6)
            )"
        ),
        format!(
            "CREATE TABLE {TRAINING_TABLE} (
                id_percorso BIGINT NOT NULL PRIMARY KEY,
                codice_fiscale CHAR(16) NOT NULL,
                tipo_percorso VARCHAR(20),
                titolo VARCHAR(300),
                ente_erogatore VARCHAR(200),
                data_inizio DATE,
                data_fine DATE,
                durata_ore INTEGER,
                esito VARCHAR(20),
                cod_qualifica VARCHAR(16),
                livello_eqf SMALLINT
            )"
        ),
        format!("CREATE INDEX idx_{EMPLOYMENT_TABLE}_cf ON {EMPLOYMENT_TABLE} (codice_fiscale)"),
        format!("CREATE INDEX idx_{TRAINING_TABLE}_cf ON {TRAINING_TABLE} (codice_fiscale)"),
        format!(
            "CREATE VIEW gw_person AS SELECT
                codice_fiscale AS fiscal_code,
                nome AS given_name,
                cognome AS family_name,
                data_nascita AS birth_date,
                cod_catastale_nascita AS birth_place_code,
                sesso AS gender,
                cittadinanza AS citizenship,
                cod_istat_residenza AS residence_municipality,
                sigla_prov_residenza AS residence_province,
                email AS email,
                telefono AS phone,
                cod_cpi AS cpi_code,
                data_did AS did_date,
                data_ultima_modifica AS updated_at
            FROM {PERSON_TABLE}"
        ),
        format!(
            "CREATE VIEW gw_employment AS SELECT
                id_rapporto AS id,
                codice_fiscale AS fiscal_code,
                cf_datore_lavoro AS employer_tax_code,
                ragione_sociale_datore AS employer_name,
                data_inizio AS start_date,
                data_fine AS end_date,
                tipologia_contrattuale AS contract_type,
                qualifica_istat AS occupation_code,
                settore_ateco AS sector_code,
                ore_settimanali AS weekly_hours,
                cod_istat_sede_lavoro AS workplace_municipality
            FROM {EMPLOYMENT_TABLE}"
        ),
        format!(
            "CREATE VIEW gw_training AS SELECT
                id_percorso AS id,
                codice_fiscale AS fiscal_code,
                tipo_percorso AS kind,
                titolo AS title,
                ente_erogatore AS provider_name,
                data_inizio AS start_date,
                data_fine AS end_date,
                durata_ore AS hours,
                esito AS outcome,
                cod_qualifica AS qualification_code,
                livello_eqf AS eqf_level
            FROM {TRAINING_TABLE}"
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/// Rows per INSERT statement, and bind parameters per statement: below SQLite's 32,766 and the
/// 65,535 of PostgreSQL and MySQL.
const ROWS_PER_STATEMENT: usize = 500;
const PARAMS_PER_STATEMENT: usize = 30_000;

/// Loads one source into the base tables: one transaction, multi-row INSERTs with bound values.
pub async fn insert(db: &DatabaseConnection, data: &SourceData) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    insert_rows(
        &txn,
        PERSON_TABLE,
        &PERSON_COLUMNS,
        data.persons.iter().map(person_values),
    )
    .await?;
    insert_rows(
        &txn,
        EMPLOYMENT_TABLE,
        &EMPLOYMENT_COLUMNS,
        data.employments.iter().map(employment_values),
    )
    .await?;
    insert_rows(
        &txn,
        TRAINING_TABLE,
        &TRAINING_COLUMNS,
        data.trainings.iter().map(training_values),
    )
    .await?;
    txn.commit().await
}

async fn insert_rows<C, const N: usize>(
    conn: &C,
    table: &'static str,
    columns: &'static [&'static str; N],
    rows: impl Iterator<Item = [Value; N]>,
) -> Result<(), DbErr>
where
    C: ConnectionTrait,
{
    let per_statement = (PARAMS_PER_STATEMENT / N).min(ROWS_PER_STATEMENT);
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut statement = Query::insert();
        statement.into_table(table).columns(columns.iter().copied());
        for row in rows.by_ref().take(per_statement) {
            statement.values_panic(row.into_iter().map(Expr::val));
        }
        conn.execute(&statement).await?;
    }
    Ok(())
}

fn person_values(p: &PersonRow) -> [Value; 14] {
    [
        p.fiscal_code.clone().into(),
        p.given_name.clone().into(),
        p.family_name.clone().into(),
        p.birth_date.into(),
        p.birth_place_code.clone().into(),
        p.gender.clone().into(),
        p.citizenship.clone().into(),
        p.residence_municipality.clone().into(),
        p.residence_province.clone().into(),
        p.email.clone().into(),
        p.phone.clone().into(),
        p.cpi_code.clone().into(),
        p.did_date.into(),
        p.updated_at.into(),
    ]
}

fn employment_values(e: &EmploymentRow) -> [Value; 11] {
    [
        e.id.into(),
        e.fiscal_code.clone().into(),
        e.employer_tax_code.clone().into(),
        e.employer_name.clone().into(),
        e.start_date.into(),
        e.end_date.into(),
        e.contract_type.clone().into(),
        e.occupation_code.clone().into(),
        e.sector_code.clone().into(),
        e.weekly_hours.into(),
        e.workplace_municipality.clone().into(),
    ]
}

fn training_values(t: &TrainingRow) -> [Value; 11] {
    // bound with the columns' own widths (INTEGER, SMALLINT)
    let hours = t.hours.map(|h| i32::try_from(h).unwrap_or(i32::MAX));
    let eqf = t.eqf_level.map(|l| i16::try_from(l).unwrap_or(i16::MAX));
    [
        t.id.into(),
        t.fiscal_code.clone().into(),
        t.kind.clone().into(),
        t.title.clone().into(),
        t.provider_name.clone().into(),
        t.start_date.into(),
        t.end_date.into(),
        hours.into(),
        t.outcome.clone().into(),
        t.qualification_code.clone().into(),
        eqf.into(),
    ]
}
