//! GraphiQL in a real browser: the demo's page loads in headless Chromium with every request
//! outside the server refused (a CPI network without the internet), offers a token per role,
//! and runs its first query (`tests/browser/graphiql.mjs` drives Chromium through
//! puppeteer-core). Skips, saying why, where Chromium, Node or `tests/browser/node_modules`
//! is missing; under CI that is a failure (`.ci/run` installs them).

use crate::cli::fascicolo;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the browser check needs, or why it cannot run here.
fn browser_tools() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!(
            "no Chromium at {} (set CHROMIUM)",
            chromium.display()
        ));
    }
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !browser_dir.join("node_modules/puppeteer-core").exists() {
        return Err("tests/browser/node_modules missing (npm ci --prefix tests/browser)".into());
    }
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|out| out.status.success()) {
        return Err("no node on PATH".into());
    }
    Ok((chromium, browser_dir))
}

#[test]
fn graphiql_renders_and_runs_the_demo_query_offline() {
    let (chromium, browser_dir) = match browser_tools() {
        Ok(tools) => tools,
        Err(why) if fascicolo::testing::in_ci() => panic!("browser check cannot run: {why}"),
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    // the full demo (10,000 citizens), so the page's first query finds its citizen
    let dir = tempfile::tempdir().unwrap();
    let mut server = fascicolo()
        .current_dir(dir.path())
        .env("FASCICOLO_SERVER__LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("GraphiQL:")
                .map(|url| url.trim().to_owned())
        })
        .expect("GraphiQL URL printed");
    // keep reading: a closed pipe would stop the server at its next line
    std::thread::spawn(move || lines.for_each(drop));
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graphiql.png");
    let run = Command::new("node")
        .arg(browser_dir.join("graphiql.mjs"))
        .arg(base.trim_end_matches('/'))
        .arg(&screenshot)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    server.kill().ok();
    server.wait().ok();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let seen: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(
        seen["foreign"],
        serde_json::json!([]),
        "nothing from outside the server"
    );
    assert_eq!(
        seen["errors"],
        serde_json::json!([]),
        "no error on the page"
    );
    assert_eq!(
        seen["roles"],
        serde_json::json!(["operator", "admin", "reporting", "portal", "citizen"])
    );
    let result = seen["result"].as_str().unwrap();
    assert!(result.contains(r#""familyName": "Bianchi""#), "{result}");
    assert!(result.contains(r#""source": "formazione""#), "{result}");
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 10_000);
}
