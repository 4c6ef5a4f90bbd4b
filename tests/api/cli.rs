//! The `fascicolo` binary itself: `check-sources`, `token`, configuration errors, and the
//! embedded demo served with no configuration.

use crate::helpers::SECRET;
use fascicolo::sources::demo::{create_schema, generate};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

pub(crate) fn fascicolo() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fascicolo"));
    // the test environment must not leak configuration into the child
    command
        .env_remove("FASCICOLO_CONFIG")
        .env("RUST_LOG", "warn");
    command
}

async fn sqlite_source(path: &std::path::Path, with_views: bool) {
    let db = sea_orm::Database::connect(format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .expect("create sqlite source");
    if with_views {
        create_schema(&db).await.expect("schema");
    } else {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("CREATE TABLE gw_person (fiscal_code CHAR(16) PRIMARY KEY)")
            .await
            .expect("partial schema");
    }
    db.close().await.expect("close");
}

#[tokio::test]
async fn check_sources_reports_each_problem_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    sqlite_source(&dir.path().join("good.db"), true).await;
    sqlite_source(&dir.path().join("bad.db"), false).await;
    let config = dir.path().join("fascicolo.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[store]
url = "sqlite://{d}/store.db?mode=rwc"
[auth]
hs256_secret = "{SECRET}"
[[sources]]
name = "good"
kind = "sql"
url = "sqlite://{d}/good.db?mode=ro"
[[sources]]
name = "bad"
kind = "sql"
url = "sqlite://{d}/bad.db?mode=ro"
[[sources]]
name = "nowhere"
kind = "sql"
url = "postgres://nobody@127.0.0.1:1/none"
timeout_ms = 300
"#,
            d = dir.path().display()
        ),
    )
    .unwrap();
    let output = fascicolo()
        .args(["check-sources", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let all = format!("{stdout}{stderr}");
    assert_eq!(output.status.code(), Some(1), "{all}");
    assert!(all.contains("gw_employment"), "missing view named: {all}");
    assert!(all.contains("given_name"), "missing column named: {all}");
    assert!(all.contains("nowhere"), "unreachable source named: {all}");
    let good_line = all
        .lines()
        .find(|l| l.contains("good"))
        .expect("a line about the good source");
    assert!(good_line.contains("match the contract"), "{all}");
}

#[tokio::test]
async fn token_mints_a_jwt_the_server_accepts_and_bad_config_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fascicolo.toml");
    std::fs::write(
        &config,
        format!(
            "[store]\nurl = \"sqlite://{}/s.db?mode=rwc\"\n[auth]\nhs256_secret = \"{SECRET}\"\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let output = fascicolo()
        .args([
            "token",
            "--role",
            "admin",
            "--office",
            "CPI-PI-01",
            "--ttl",
            "2h",
        ])
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let auth = fascicolo::auth::Authenticator::from_config(
        &fascicolo::config::Config::from_toml(&std::fs::read_to_string(&config).unwrap())
            .unwrap()
            .auth,
    )
    .unwrap();
    let principal = auth
        .authenticate(Some(&format!("Bearer {token}")))
        .expect("the minted token verifies");
    assert_eq!(principal.role, fascicolo::auth::Role::Admin);
    assert_eq!(principal.office.as_deref(), Some("CPI-PI-01"));

    // an unknown key and an environment override with a bad value both name the key
    std::fs::write(&config, "[server]\nlisten = \"127.0.0.1:0\"\nlisen = 1\n").unwrap();
    let output = fascicolo()
        .arg("migrate")
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("lisen"),
        "{output:?}"
    );
    std::fs::write(
        &config,
        format!(
            "[store]\nurl = \"sqlite://{}/s.db?mode=rwc\"\n[auth]\nhs256_secret = \"{SECRET}\"\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let output = fascicolo()
        .arg("migrate")
        .arg("--config")
        .arg(&config)
        .env("FASCICOLO_SERVER__LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .to_lowercase()
            .contains("server.listen"),
        "{output:?}"
    );
}

/// `fascicolo` with no configuration seeds the demo, prints a working token, and GraphiQL
/// offers one per role. (A small `FASCICOLO_DEMO__CITIZENS` keeps the test fast.)
#[tokio::test]
async fn demo_serves_with_no_configuration_and_its_token_works() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = fascicolo()
        .current_dir(dir.path())
        .env("FASCICOLO_SERVER__LISTEN", "127.0.0.1:0")
        .env("FASCICOLO_DEMO__CITIZENS", "300")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut graphql_url = None;
    let mut token = None;
    while let Some(Ok(line)) = lines.next() {
        if let Some(url) = line.strip_prefix("GraphQL:") {
            graphql_url = Some(url.trim().to_owned());
        }
        if line.starts_with("Demo operator token") {
            token = lines.next().and_then(Result::ok);
            break;
        }
    }
    let (graphql_url, token) = (graphql_url.expect("URL printed"), token.expect("token"));
    let base = graphql_url.trim_end_matches("/graphql").to_owned();
    let client = reqwest::Client::new();
    let page = client
        .get(&base)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // the page offers a token per role, minted at its load; the admin's one has admin rights
    let config: serde_json::Value = serde_json::from_str(
        page.split(r#"<script id="fascicolo-config" type="application/json">"#)
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .expect("GraphiQL page carries its configuration"),
    )
    .unwrap();
    let roles: Vec<&str> = config["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        ["operator", "admin", "reporting", "portal", "citizen"]
    );
    let admin_token = config["tokens"][1]["token"].as_str().unwrap();
    let audit: serde_json::Value = client
        .post(&graphql_url)
        .bearer_auth(admin_token)
        .json(
            &serde_json::json!({ "query": "{ auditLog(first: 1) { edges { node { action } } } }" }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(audit["errors"].is_null(), "{audit}");

    // a citizen the demo put in both sources answers with both listed
    let data = generate(fascicolo::demo::DEMO_SEED, 300);
    let shared = data
        .lavoro
        .persons
        .iter()
        .find(|p| {
            data.formazione
                .persons
                .iter()
                .any(|f| f.fiscal_code == p.fiscal_code)
        })
        .expect("the demo has citizens in both sources");
    let body: serde_json::Value = client
        .post(&graphql_url)
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "query": "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { person { sources { source } } } }",
            "variables": { "cf": shared.fiscal_code },
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    child.kill().ok();
    child.wait().ok();
    let mut sources: Vec<&str> = body["data"]["citizen"]["person"]["sources"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    sources.sort_unstable();
    assert_eq!(sources, ["formazione", "lavoro"]);
    assert!(dir.path().join("fascicolo-data/store.db").exists());
}

/// `seed-demo --libretti N --ivc N` imports generated documents shaped like the seeds; the
/// same documents written with `--jsonl` and imported again are all already present (the
/// generator is deterministic and the import keys on natural keys).
#[tokio::test]
async fn seed_demo_documents_follow_the_seeds_and_reimport_adds_nothing() {
    use fascicolo::reporting::{Plan, Published, Report, publish};
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fascicolo.toml");
    std::fs::write(
        &config,
        format!(
            "[store]\nurl = \"sqlite://{}/s.db?mode=rwc\"\n[auth]\nhs256_secret = \"{SECRET}\"\n[ivc]\nregion = \"PIE\"\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let output = fascicolo()
            .args(args)
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "{args:?}: {output:?}");
        stdout
    };
    let out = run(&["seed-demo", "--libretti", "2000", "--ivc", "600"]);
    assert!(
        out.contains("2000 lines: 2000 imported, 0 already present, 0 rejected"),
        "{out}"
    );
    assert!(
        out.contains("600 lines: 600 imported, 0 already present, 0 rejected"),
        "{out}"
    );
    let files = dir.path().join("jsonl");
    run(&[
        "seed-demo",
        "--libretti",
        "2000",
        "--ivc",
        "600",
        "--jsonl",
        files.to_str().unwrap(),
    ]);
    let out = run(&[
        "import",
        "libretti",
        files.join("libretti.jsonl").to_str().unwrap(),
    ]);
    assert!(
        out.contains("2000 lines: 0 imported, 2000 already present, 0 rejected"),
        "{out}"
    );

    let db = sea_orm::Database::connect(format!("sqlite://{}/s.db", dir.path().display()))
        .await
        .unwrap();
    let competences = || async {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entities::ivc_competence::Entity::find()
            .count(&db)
            .await
            .unwrap()
    };
    let before = competences().await;
    assert!(before >= 600, "{before}");
    let out = run(&["import", "ivc", files.join("ivc.jsonl").to_str().unwrap()]);
    assert!(
        out.contains("600 lines: 0 imported, 600 already present, 0 rejected"),
        "{out}"
    );
    assert_eq!(competences().await, before, "a re-run adds no competence");
    // the admin's view (nothing withheld): seed 000's areas in proportion, each within one
    // of its exact share of 2,000 (Massa Carrara under the reference data's name)
    let report =
        async |r: Report| -> Published { publish(&db, r, &Plan::default(), 0).await.unwrap() };
    let count = |p: &Published, key: &str| {
        p.cells
            .iter()
            .find(|c| c.key.as_deref() == Some(key))
            .and_then(|c| c.count)
            .unwrap_or(0)
    };
    let areas = report(Report::LibrettiByArea).await;
    let seed: [(&str, f64); 3] = [
        ("Arezzo", 10_930.0),
        ("Empoli", 3_040.0),
        ("Massa-Carrara", 2_196.0),
    ];
    for (area, published) in seed {
        let share = 2_000.0 * published / 56_387.0;
        let got = count(&areas, area) as f64;
        assert!((got - share).abs() <= 1.0, "{area}: {got} vs {share:.1}");
    }
    assert_eq!(areas.total, Some(2_000));
    // seed 003's origins: 50 % Piemonte, 39 % abroad, 11 % other regions
    let origins = report(Report::IvcUsersByOrigin).await;
    let of = |k: &str| count(&origins, k);
    assert_eq!(
        (of("SAME_REGION"), of("ABROAD"), of("OTHER_REGION")),
        (300, 234, 66),
        "{origins:?}"
    );
    let years = report(Report::IvcDossiersByYear).await.cells;
    assert_eq!(years.len(), 4, "2022-2025: {years:?}");
}

/// `serve --listen ADDR` listens there; a port another process holds stops the start with
/// what to do about it.
#[test]
fn serve_listens_where_asked_and_a_taken_port_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("fascicolo.toml");
    std::fs::write(
        &config,
        format!(
            "[store]\nurl = \"sqlite://{}/s.db?mode=rwc\"\n[auth]\nhs256_secret = \"{SECRET}\"\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_addr = taken.local_addr().unwrap().to_string();
    let output = fascicolo()
        .args(["serve", "--listen", &taken_addr, "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&taken_addr) && stderr.contains("--listen 127.0.0.1:8081"),
        "{stderr}"
    );

    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = fascicolo()
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{free_port}"),
            "--config",
        ])
        .arg(&config)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = BufReader::new(server.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.strip_prefix("GraphQL:").map(|u| u.trim().to_owned()));
    server.kill().ok();
    server.wait().ok();
    assert_eq!(url, Some(format!("http://127.0.0.1:{free_port}/graphql")));
}

/// A first start shows the address and the tokens within 20 lines, without colour codes when
/// stdout is not a terminal; a command's stdout is its answer alone (logs go to stderr).
#[test]
fn first_start_output_is_short_plain_and_commands_answer_alone() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = fascicolo()
        .env_remove("RUST_LOG")
        .current_dir(dir.path())
        .env("FASCICOLO_SERVER__LISTEN", "127.0.0.1:0")
        .env("FASCICOLO_DEMO__CITIZENS", "300")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut before_ready = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref().map_while(Result::ok) {
        if line.starts_with("fascicolo ready") {
            break;
        }
        before_ready.push(line);
    }
    let banner: Vec<String> = lines.by_ref().take(10).map_while(Result::ok).collect();
    child.kill().ok();
    child.wait().ok();
    assert!(before_ready.len() <= 20, "{before_ready:#?}");
    assert!(
        banner.iter().any(|l| l.starts_with("Demo portal token")),
        "{banner:#?}"
    );
    for line in before_ready.iter().chain(&banner) {
        assert!(!line.contains('\u{1b}'), "colour code in {line:?}");
    }

    let token = fascicolo()
        .env_remove("RUST_LOG")
        .current_dir(dir.path())
        .args(["token", "--role", "reporting"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(token.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert_eq!(stdout.trim().matches('.').count(), 2, "a JWT: {stdout}");
    let stderr = String::from_utf8_lossy(&token.stderr);
    assert!(stderr.contains("demo's secret"), "{stderr}");
}

/// A typo in a variable's section is refused as the same typo in the file is; a refused value
/// is echoed with the key as the file writes it and the variable it came from.
#[test]
fn environment_typos_are_refused_and_bad_values_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let typo = fascicolo()
        .current_dir(dir.path())
        .arg("migrate")
        .env("FASCICOLO_SEVER__LISTEN", "127.0.0.1:9")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&typo.stderr);
    assert!(!typo.status.success(), "{stderr}");
    assert!(
        stderr.contains("FASCICOLO_SEVER__LISTEN") && stderr.contains("no such section"),
        "{stderr}"
    );
    assert!(!dir.path().join("fascicolo-data").exists(), "nothing done");

    let bad = fascicolo()
        .current_dir(dir.path())
        .arg("migrate")
        .env("FASCICOLO_SERVER__LISTEN", "nowhere")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        stderr.contains(r#"server.listen = "nowhere""#)
            && stderr.contains("FASCICOLO_SERVER__LISTEN")
            && !stderr.contains("default.")
            && !stderr.contains("``"),
        "{stderr}"
    );
}
