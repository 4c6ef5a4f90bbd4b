//! `spawn_app()`: the real server on 127.0.0.1:0 over fresh databases, and fixture data
//! written into regional sources through the same code the demo uses.

use chrono::{NaiveDate, NaiveDateTime};
use fascicolo::app::Application;
use fascicolo::auth::Role;
use fascicolo::config::Config;
use fascicolo::http::HttpState;
use fascicolo::sources::contract::{EmploymentRow, PersonRow, TrainingRow};
use fascicolo::sources::demo::{SourceData, create_schema, insert};
use fascicolo::state::AppState;
use fascicolo::testing::{Engine, TestDatabase, database_or_skip};
use serde_json::{Value, json};
use std::time::Duration;

mod mutation;
pub use mutation::{Document, code_of, mutate, mutate_with_file, ok};

pub const SECRET: &str = "test-secret-for-fascicolo-0123456789";

/// A regional source for a test: its engine and what it contains.
pub struct SourceSpec {
    pub name: &'static str,
    pub engine: Engine,
    pub data: SourceData,
}

/// A source that cannot be reached (nothing listens on port 1).
pub struct DeadSource(pub &'static str);

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub client: reqwest::Client,
    pub state: AppState,
    /// The services with the schema, for in-process operations.
    pub http: HttpState,
    databases: Vec<TestDatabase>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    toml: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn token(&self, role: Role, office: Option<&str>) -> String {
        self.state
            .auth
            .mint("tester", role, office, Duration::from_secs(600))
            .expect("mint")
    }

    pub fn operator(&self) -> String {
        self.token(Role::Operator, Some("CPI-FI-01"))
    }

    /// POSTs a query with a bearer token; returns the HTTP status and the JSON body.
    pub async fn post(&self, token: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json body"))
    }

    /// Operator query that must answer 200.
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        let token = self.operator();
        let (status, body) = self.post(Some(&token), query, variables).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// An operator's GraphQL multipart request (the spec of jaydenseric/graphql-multipart-
    /// request): `file`, when given, is uploaded as the variable at `file_path`
    /// (e.g. `variables.input.file`), which the caller sets to null in `variables`.
    pub async fn upload(
        &self,
        query: &str,
        variables: Value,
        file_path: &str,
        file: Option<(&str, Vec<u8>)>,
    ) -> Value {
        let operations = json!({ "query": query, "variables": variables });
        let mut form = reqwest::multipart::Form::new().text("operations", operations.to_string());
        form = match file {
            Some((name, bytes)) => form
                .text("map", json!({ "0": [file_path] }).to_string())
                .part(
                    "0",
                    reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
                ),
            None => form.text("map", "{}"),
        };
        let response = self
            .client
            .post(self.url("/graphql"))
            .bearer_auth(self.operator())
            .multipart(form)
            .send()
            .await
            .expect("multipart request");
        assert_eq!(response.status().as_u16(), 200);
        response.json().await.expect("json")
    }

    /// Statements sent so far to the named source.
    pub fn source_statements(&self, name: &str) -> u64 {
        self.state.registry.statement_counts()[name]
    }

    /// This server's configuration as a file in `dir` (for the binary's commands), with
    /// `extra` TOML appended.
    pub fn config_file(&self, dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
        let path = dir.join("fascicolo.toml");
        std::fs::write(&path, format!("{}\n{extra}", self.toml)).expect("write the config");
        path
    }

    pub fn store_statements(&self) -> u64 {
        self.state.store.statement_count()
    }

    /// Stops the server (a portal delivery in flight is cut off, as by a crash or a
    /// redeploy) and starts a new one on the same databases and configuration.
    pub async fn restart(mut self) -> TestApp {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        let databases = std::mem::take(&mut self.databases);
        start(self.toml.clone(), databases).await
    }

    /// Stops the server gracefully and waits until it has finished (its shutdown work done);
    /// the databases stay until `stop`.
    pub async fn stop_server(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server stops");
        }
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for db in self.databases.drain(..) {
            db.drop_database().await.expect("drop test database");
        }
    }
}

/// Starts the server with a store on `store` and the given sources. `None` when a needed
/// database engine is not configured on this machine (the caller's test then skips).
/// A SQLite store over the two fixture sources (`lavoro`, `formazione`), both SQLite, and
/// `dead` sources that cannot be reached.
pub async fn spawn_sqlite_app(test: &str, dead: &[DeadSource]) -> Option<TestApp> {
    let sources = crate::fixtures::sources(Engine::Sqlite, Engine::Sqlite);
    spawn_app(test, Engine::Sqlite, sources, dead).await
}

/// A store on `store` over the two fixture sources, both SQLite: the setting of most
/// document tests.
pub async fn spawn_fixture_app(test: &str, store: Engine) -> Option<TestApp> {
    let sources = crate::fixtures::sources(Engine::Sqlite, Engine::Sqlite);
    spawn_app(test, store, sources, &[]).await
}

pub async fn spawn_app(
    test: &str,
    store: Engine,
    sources: Vec<SourceSpec>,
    dead: &[DeadSource],
) -> Option<TestApp> {
    spawn_app_with(test, store, sources, dead, "").await
}

/// As `spawn_app`, with more configuration (TOML sections) appended.
pub async fn spawn_app_with(
    test: &str,
    store: Engine,
    sources: Vec<SourceSpec>,
    dead: &[DeadSource],
    extra_toml: &str,
) -> Option<TestApp> {
    spawn_app_configured(test, store, sources, dead, "", extra_toml).await
}

/// As `spawn_app_with`, with more keys of the `[server]` section (one per line).
pub async fn spawn_app_configured(
    test: &str,
    store: Engine,
    sources: Vec<SourceSpec>,
    dead: &[DeadSource],
    server_keys: &str,
    extra_toml: &str,
) -> Option<TestApp> {
    spawn_app_auth(test, store, sources, dead, server_keys, "", extra_toml).await
}

/// As `spawn_app_configured`, with more keys of the `[auth]` section (one per line).
pub async fn spawn_app_auth(
    test: &str,
    store: Engine,
    sources: Vec<SourceSpec>,
    dead: &[DeadSource],
    server_keys: &str,
    auth_keys: &str,
    extra_toml: &str,
) -> Option<TestApp> {
    init_test_logging();
    let mut databases = Vec::new();
    let store_db = database_or_skip(store, test).await?;
    let mut toml = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\n{server_keys}\n[store]\nurl = \"{}\"\n[auth]\nhs256_secret = \"{SECRET}\"\n{auth_keys}\n",
        store_db.url
    );
    databases.push(store_db);
    for spec in sources {
        let Some(db) = database_or_skip(spec.engine, test).await else {
            for d in databases {
                d.drop_database().await.ok();
            }
            return None;
        };
        let conn = db.connect().await.expect("connect source");
        create_schema(&conn).await.expect("create contract schema");
        insert(&conn, &spec.data).await.expect("insert source rows");
        conn.close().await.ok();
        toml.push_str(&format!(
            "[[sources]]\nname = \"{}\"\nkind = \"sql\"\nurl = \"{}\"\ntimeout_ms = 3000\n",
            spec.name, db.url
        ));
        databases.push(db);
    }
    for DeadSource(name) in dead {
        // a refused connection fails at once; a generous deadline keeps it reported as
        // "unreachable", not "timeout", when the whole suite loads the 2 cores
        toml.push_str(&format!(
            "[[sources]]\nname = \"{name}\"\nkind = \"sql\"\nurl = \"postgres://nobody@127.0.0.1:1/none\"\ntimeout_ms = 5000\n"
        ));
    }
    toml.push_str(extra_toml);
    Some(start(toml, databases).await)
}

async fn start(toml: String, databases: Vec<TestDatabase>) -> TestApp {
    let config = Config::from_toml(&toml).expect("test config");
    let app = Application::build(config).await.expect("build app");
    let addr = app.local_addr();
    let state = app.state().clone();
    let http = app.http_state().clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    TestApp {
        addr,
        client: reqwest::Client::new(),
        state,
        http,
        databases,
        shutdown: Some(tx),
        server: Some(server),
        toml,
    }
}

fn init_test_logging() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info,fascicolo=debug")
            .try_init();
    }
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").expect("timestamp")
}

pub fn person(code: &str, family: &str, given: &str, updated: &str) -> PersonRow {
    PersonRow {
        fiscal_code: code.to_owned(),
        given_name: Some(given.to_owned()),
        family_name: Some(family.to_owned()),
        birth_date: Some(date("1985-12-10")),
        birth_place_code: code.get(11..15).map(str::to_owned),
        gender: Some("M".into()),
        citizenship: Some("IT".into()),
        residence_municipality: Some("048017".into()),
        residence_province: Some("FI".into()),
        email: None,
        phone: None,
        cpi_code: Some("CPI-FI-01".into()),
        did_date: None,
        updated_at: at(updated),
    }
}

pub fn employment(
    id: i64,
    code: &str,
    employer: &str,
    start: &str,
    end: Option<&str>,
    contract: &str,
) -> EmploymentRow {
    EmploymentRow {
        id,
        fiscal_code: code.to_owned(),
        employer_tax_code: Some("01234567897".into()),
        employer_name: Some(employer.to_owned()),
        start_date: date(start),
        end_date: end.map(date),
        contract_type: Some(contract.to_owned()),
        occupation_code: Some("5.1.2.2.0".into()),
        sector_code: Some("47.11.10".into()),
        weekly_hours: Some(38.5),
        workplace_municipality: Some("048017".into()),
    }
}

pub fn training(id: i64, code: &str, kind: &str, title: &str, start: &str) -> TrainingRow {
    TrainingRow {
        id,
        fiscal_code: code.to_owned(),
        kind: Some(kind.to_owned()),
        title: Some(title.to_owned()),
        provider_name: Some("Agenzia formativa".into()),
        start_date: Some(date(start)),
        end_date: None,
        hours: Some(600),
        outcome: Some("ongoing".into()),
        qualification_code: None,
        eqf_level: Some(3),
    }
}

/// Store statements of the first read audit of a server: lock the chain head, insert the
/// rows and move the head (`store::audit::chain::append`: the insert and the move are one
/// statement on PostgreSQL, two elsewhere); on PostgreSQL, read the head, then insert and
/// move it in one statement (`append_if_head`).
pub fn audit_statements(store: Engine) -> u64 {
    match store {
        Engine::Postgres => 2,
        Engine::Sqlite | Engine::MySql => 3,
    }
}

/// Store statements of a read audit once the server knows the chain head: one on
/// PostgreSQL (`append_if_head`), as many as the first elsewhere.
pub fn later_audit_statements(store: Engine) -> u64 {
    match store {
        Engine::Postgres => 1,
        Engine::Sqlite | Engine::MySql => 3,
    }
}

/// Makes every later audit insert fail (a trigger), so a test can fail a mutation at its last
/// statement and check that nothing before it stayed.
pub async fn refuse_audit_writes(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    let db = app.state.store.db();
    let ddl: &[&str] = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => &["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"],
        _ => &[
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN \
             RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
        ],
    };
    for statement in ddl {
        db.execute_unprepared(statement).await.expect("trigger");
    }
}

/// A minimal valid PDF, as an evidence file.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// The `extensions.code` of every error, in order.
pub fn error_codes(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    e["extensions"]["code"]
                        .as_str()
                        .unwrap_or("<none>")
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The source errors of a response: (source, reason).
pub fn source_errors(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    assert_eq!(e["extensions"]["code"], "SOURCE_UNAVAILABLE", "{body}");
                    (
                        e["extensions"]["source"].as_str().unwrap().to_owned(),
                        e["extensions"]["reason"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `pairs` as owned strings, to compare with `source_errors`.
pub fn string_pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// The source a merged person's `field` came from ("" when none).
pub fn provenance(person: &Value, field: &str) -> String {
    person["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["field"] == field)
        .map(|p| p["source"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// `fascicolo audit <args>` against `config`: exit code and everything it printed.
pub fn fascicolo_audit(config: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    fascicolo_audit_with(config, args, &[])
}

/// As `fascicolo_audit`, with more environment variables.
pub fn fascicolo_audit_with(
    config: &std::path::Path,
    args: &[&str],
    env: &[(&str, &std::path::Path)],
) -> (Option<i32>, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_fascicolo"))
        .env_remove("FASCICOLO_CONFIG")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .arg("audit")
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .expect("run fascicolo");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), text)
}

/// A writer that keeps what the server logs, for one test.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
