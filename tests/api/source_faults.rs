//! Source failures by kind (issue 20): a client's mistake is not a source's failure (the
//! breaker stays closed and other users' reads go on), no database text or row value reaches an
//! answer, `/readyz` or the log at info and above, and a source that breaks the contract is
//! shown as such, is not asked, and is back once fixed.

use crate::fake_region::{Mode, PROFILE, fake_region};
use crate::fixtures::{self, MARIO, anna, lavoro_sqlite};
use crate::helpers::{Captured, TestApp, error_codes, source_errors, spawn_app, spawn_app_with};
use fascicolo::auth::Role;
use fascicolo::config::{LogConfig, LogFormat};
use fascicolo::sources::circuit::CircuitState;
use fascicolo::sources::demo::{create_schema, insert};
use fascicolo::sources::registry::SourceState;
use fascicolo::sources::search::PersonSearch;
use fascicolo::testing::{Engine, TestDatabase, database_or_skip};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};

const SEARCH: &str = "query($family: String) { searchCitizens(familyName: $family) { \
                      edges { node { fiscalCode } } } }";

const SOURCES: &str = "{ sources { name state lastError lastErrorId contractProblems circuit } }";

/// gw_employment without `sector_code`, over the demo's base table.
const BROKEN_EMPLOYMENT: &str = "CREATE VIEW gw_employment AS SELECT id_rapporto AS id, \
    codice_fiscale AS fiscal_code, cf_datore_lavoro AS employer_tax_code, \
    ragione_sociale_datore AS employer_name, data_inizio AS start_date, data_fine AS end_date, \
    tipologia_contrattuale AS contract_type, qualifica_istat AS occupation_code, \
    ore_settimanali AS weekly_hours, cod_istat_sede_lavoro AS workplace_municipality \
    FROM sil_rapporti_lavoro";

/// Log lines as JSON, from debug up, kept for the test.
fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let log = LogConfig {
        format: LogFormat::Json,
        level: "info,fascicolo=debug,sqlx=warn".into(),
        ..LogConfig::default()
    };
    let (subscriber, _telemetry) =
        fascicolo::telemetry::subscriber(&log, move || writer.clone()).unwrap();
    // the test's runtime runs the server on this thread: a thread-local subscriber sees it
    (captured, tracing::subscriber::set_default(subscriber))
}

fn log_lines(captured: &Captured) -> Vec<Value> {
    captured
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `/readyz`, with a bearer token when given.
async fn readyz(app: &TestApp, token: Option<&str>) -> Value {
    let mut request = app.client.get(app.url("/readyz"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert_eq!(
        response.status(),
        200,
        "a source never makes the gateway unready"
    );
    response.json().await.unwrap()
}

fn statements_of_all(app: &TestApp) -> u64 {
    app.state.registry.statement_counts().values().sum()
}

/// A database for one source, with the demo's schema and `data`.
async fn source_database(engine: Engine, test: &str) -> Option<(TestDatabase, DatabaseConnection)> {
    let test_db = database_or_skip(engine, test).await?;
    let db = test_db.connect().await.unwrap();
    create_schema(&db).await.unwrap();
    insert(&db, &fixtures::formazione()).await.unwrap();
    Some((test_db, db))
}

fn source_toml(name: &str, url: &str) -> String {
    format!("[[sources]]\nname = \"{name}\"\nkind = \"sql\"\nurl = \"{url}\"\ntimeout_ms = 3000\n")
}

/// Twenty searches with a 60,000-character name, then twenty the source itself refuses
/// (`hostile`, past the API's bounds, as another caller of the registry could send): the
/// circuit stays closed, another user's read answers in full, and `engine_text` (the
/// database's message) is only in the log at debug.
async fn oversized_searches(test: &str, engine: Engine, hostile: &str, engine_text: &str) {
    let (captured, _logging) = capture_logs();
    let Some(app) = spawn_app(test, Engine::Sqlite, fixtures::sources(engine, engine), &[]).await
    else {
        return;
    };
    let statements = statements_of_all(&app);
    let long = "R".repeat(60_000);
    for _ in 0..20 {
        let body = app.query(SEARCH, json!({ "family": long })).await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "familyName");
        assert_eq!(
            body["errors"][0]["message"],
            "familyName: 60000 characters, at most 80 allowed"
        );
    }
    let body = app.query(SEARCH, json!({ "family": "RO\u{0}SSI" })).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "familyName");
    assert_eq!(statements_of_all(&app), statements, "no source was asked");

    let search = PersonSearch {
        family_name_prefix: Some(hostile.to_owned()),
        ..PersonSearch::default()
    };
    let mut ids = Vec::new();
    for _ in 0..20 {
        let gathered = app.state.registry.search(&search, None, 10).await;
        assert_eq!(gathered.failures.len(), 2, "{:?}", gathered.failures);
        for failure in gathered.failures {
            assert_eq!(failure.reason, "rejected", "{failure:?}");
            ids.push(failure.error_id.expect("an error id"));
        }
    }
    assert!(ids.iter().all(|id| id.len() == 32), "{ids:?}");
    for source in app.state.registry.sources() {
        assert_eq!(
            source.circuit_state(),
            CircuitState::Closed,
            "{}",
            source.name
        );
        assert_eq!(source.circuit().consecutive_failures(), 0);
        let health = source.health();
        assert_eq!(
            health.state,
            SourceState::Up,
            "it answered, if with an error"
        );
        assert_eq!(health.last_error.as_deref(), Some("rejected"));
    }

    // another user's read is answered in full
    let admin = app.token(Role::Admin, None);
    let (status, body) = app
        .post(Some(&admin), PROFILE, json!({ "cf": MARIO }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body.get("errors"), None, "{body}");
    let sources = &body["data"]["citizen"]["person"]["sources"];
    assert_eq!(sources.as_array().unwrap().len(), 2, "{body}");

    let ready = readyz(&app, Some(&app.operator())).await;
    for source in ready["sources"].as_array().unwrap() {
        assert_eq!(source["state"], "up", "{ready}");
        assert_eq!(source["circuit"], "closed", "{ready}");
    }
    assert!(!ready.to_string().contains(engine_text), "{ready}");

    // the database's text is in the log at debug only, under the id the caller got
    let lines = log_lines(&captured);
    for line in &lines {
        if line["level"] != "DEBUG" && line["level"] != "TRACE" {
            assert!(!line.to_string().contains(engine_text), "{line}");
        }
    }
    let first = &ids[0];
    assert!(
        lines.iter().any(|l| l["level"] == "INFO"
            && l["fields"]["message"] == "regional source failed"
            && l["fields"]["reason"] == "rejected"
            && l["fields"]["error_id"] == first.as_str()),
        "the failure is logged under its id"
    );
    assert!(
        lines.iter().any(|l| l["level"] == "DEBUG"
            && l["fields"]["error_id"] == first.as_str()
            && l["fields"]["detail"]
                .as_str()
                .is_some_and(|d| d.contains(engine_text))),
        "its detail is logged at debug"
    );
    app.stop().await;
}

#[tokio::test]
async fn oversized_searches_leave_the_breaker_closed_sqlite() {
    // SQLite refuses a LIKE pattern over 50,000 bytes
    let hostile = "A".repeat(60_000);
    oversized_searches(
        "faults_search_sqlite",
        Engine::Sqlite,
        &hostile,
        "pattern too complex",
    )
    .await;
}

#[tokio::test]
async fn oversized_searches_leave_the_breaker_closed_postgres() {
    // PostgreSQL's text cannot hold a NUL (22021, a data exception)
    oversized_searches(
        "faults_search_postgres",
        Engine::Postgres,
        "ROSSI\u{0}",
        "invalid byte sequence",
    )
    .await;
}

/// A birth date the view hands back as `15/09/1971`: the citizen's read fails for that source
/// with reason `contract` and an id, the value is nowhere, and the breaker stays closed.
#[tokio::test]
async fn a_row_outside_the_contract_costs_its_source_without_a_trace_of_the_value() {
    const VALUE: &str = "15/09/1971";
    let (captured, _logging) = capture_logs();
    let test = "faults_row_contract";
    let Some((test_db, db)) = source_database(Engine::Sqlite, test).await else {
        return;
    };
    db.execute_unprepared(&format!(
        "UPDATE sil_anagrafica SET data_nascita = '{VALUE}' WHERE codice_fiscale = '{MARIO}'"
    ))
    .await
    .unwrap();
    db.close().await.unwrap();
    let toml = source_toml("formazione", &test_db.url);
    let Some(app) = spawn_app_with(test, Engine::Sqlite, lavoro_sqlite(), &[], &toml).await else {
        return;
    };
    let mut last_id = String::new();
    for _ in 0..10 {
        let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
        assert_eq!(
            source_errors(&body),
            [("formazione".to_owned(), "contract".to_owned())]
        );
        assert!(!body.to_string().contains(VALUE), "{body}");
        assert_eq!(body["data"]["citizen"]["person"]["phone"], "055 123456");
        last_id = body["errors"][0]["extensions"]["errorId"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    let source = &app.state.registry.sources()[1];
    assert_eq!(source.circuit_state(), CircuitState::Closed);
    // the other citizens of the source are read as ever
    let body = app.query(PROFILE, json!({ "cf": anna().as_str() })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        body["data"]["citizen"]["trainings"][0]["source"],
        "formazione"
    );

    let ready = readyz(&app, Some(&app.operator())).await;
    assert!(!ready.to_string().contains(VALUE), "{ready}");
    assert_eq!(
        ready["sources"][1]["state"], "up",
        "its views match the contract"
    );
    let status = app.query(SOURCES, json!({})).await;
    let formazione = &status["data"]["sources"][1];
    // the readiness probe answered since: the last call did not fail
    assert_eq!(formazione["state"], "UP", "{status}");
    assert!(
        !captured.text().contains(VALUE),
        "no log line, at any level, has the value"
    );
    assert!(
        log_lines(&captured).iter().any(|l| l["level"] == "WARN"
            && l["fields"]["reason"] == "contract"
            && l["fields"]["error_id"] == last_id.as_str()),
        "the failure is logged under the id the caller got"
    );
    app.stop().await;
    test_db.drop_database().await.unwrap();
}

/// gw_employment lacks `sector_code`: the source is CONTRACT from start-up, with the problem
/// for operators (the `sources` query, `/readyz` with a token) and without it for anyone else;
/// its fields fail at once, the source sees no statement; fixed, the next probe brings it back.
async fn broken_view(test: &str, engine: Engine) {
    let Some((test_db, db)) = source_database(engine, test).await else {
        return;
    };
    db.execute_unprepared("DROP VIEW gw_employment")
        .await
        .unwrap();
    db.execute_unprepared(BROKEN_EMPLOYMENT).await.unwrap();
    let toml = source_toml("formazione", &test_db.url);
    let Some(app) = spawn_app_with(test, Engine::Sqlite, lavoro_sqlite(), &[], &toml).await else {
        return;
    };
    let problem = "view gw_employment: column sector_code is missing";

    let ready = readyz(&app, None).await;
    let formazione = &ready["sources"][1];
    assert_eq!(formazione["state"], "contract", "{ready}");
    assert_eq!(formazione["error"], "contract", "{ready}");
    assert_eq!(
        formazione.get("problems"),
        None,
        "no detail without a token: {ready}"
    );
    assert_eq!(ready["degraded"], true);
    assert_eq!(ready["status"], "ready");
    let error_id = formazione["errorId"].as_str().expect("an id").to_owned();
    let reporting = readyz(&app, Some(&app.token(Role::Reporting, None))).await;
    assert_eq!(reporting["sources"][1].get("problems"), None, "{reporting}");
    let detailed = readyz(&app, Some(&app.operator())).await;
    assert_eq!(detailed["sources"][1]["problems"], json!([problem]));
    assert_eq!(detailed["sources"][0]["problems"], json!([]));

    let status = app.query(SOURCES, json!({})).await;
    assert_eq!(
        status["data"]["sources"][1],
        json!({ "name": "formazione", "state": "CONTRACT", "lastError": "contract",
                "lastErrorId": error_id, "contractProblems": [problem], "circuit": "CLOSED" })
    );

    let statements = app.source_statements("formazione");
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(
        source_errors(&body),
        [("formazione".to_owned(), "contract".to_owned())]
    );
    assert_eq!(
        body["errors"][0]["extensions"]["errorId"],
        error_id.as_str()
    );
    assert_eq!(app.source_statements("formazione"), statements, "not asked");
    let citizen = &body["data"]["citizen"];
    assert_eq!(
        citizen["employments"].as_array().unwrap().len(),
        3,
        "{body}"
    );
    assert_eq!(citizen["person"]["phone"], "055 123456");

    // the DBA restores the view: the next readiness probe finds it
    db.execute_unprepared("DROP VIEW gw_employment")
        .await
        .unwrap();
    db.execute_unprepared(&BROKEN_EMPLOYMENT.replace(
        "ore_settimanali AS",
        "settore_ateco AS sector_code, ore_settimanali AS",
    ))
    .await
    .unwrap();
    let ready = readyz(&app, None).await;
    assert_eq!(ready["sources"][1]["state"], "up", "{ready}");
    assert_eq!(ready["sources"][1]["error"], Value::Null, "{ready}");
    assert_eq!(ready["degraded"], false);
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        body["data"]["citizen"]["trainings"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    db.close().await.unwrap();
    app.stop().await;
    test_db.drop_database().await.unwrap();
}

#[tokio::test]
async fn a_source_with_a_broken_view_is_shown_and_not_asked_sqlite() {
    broken_view("faults_contract_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn a_source_with_a_broken_view_is_shown_and_not_asked_postgres() {
    broken_view("faults_contract_postgres", Engine::Postgres).await;
}

/// An `http` source whose `/persons` is not there (404) is CONTRACT at the next probe, its
/// fields fail without a call, and it is back once the endpoint answers.
#[tokio::test]
async fn an_http_source_without_its_endpoint_is_shown_and_not_asked() {
    let region = fake_region().await;
    let toml = region.toml("sil-http", "");
    let Some(app) =
        spawn_app_with("faults_http", Engine::Sqlite, lavoro_sqlite(), &[], &toml).await
    else {
        return;
    };
    region.set(Mode::Status(404));
    let ready = readyz(&app, Some(&app.operator())).await;
    assert_eq!(ready["sources"][1]["state"], "contract", "{ready}");
    assert_eq!(
        ready["sources"][1]["problems"],
        json!(["POST /persons: HTTP 404"])
    );
    let calls = region.calls().len();
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(
        source_errors(&body),
        [("sil-http".to_owned(), "contract".to_owned())]
    );
    assert_eq!(region.calls().len(), calls, "not asked");

    region.set(Mode::Healthy);
    let ready = readyz(&app, None).await;
    assert_eq!(ready["sources"][1]["state"], "up", "{ready}");
    let body = app.query(PROFILE, json!({ "cf": MARIO })).await;
    assert_eq!(body.get("errors"), None, "{body}");
    app.stop().await;
}
