//! What an answer's errors may say and how many there are (issue 20): at most
//! `limits.max_errors`, execution errors as well as validation ones, a failed source always
//! named; no "Did you mean" suggestion unless introspection is on.

use crate::fixtures::{self, MARIO};
use crate::helpers::{DeadSource, error_codes, spawn_app_configured, spawn_app_with};
use fascicolo::testing::Engine;
use serde_json::{Value, json};

async fn many_errors_are_summarised(test: &str, store: Engine) {
    let Some(app) = spawn_app_with(
        test,
        store,
        fixtures::sources(Engine::Sqlite, Engine::Sqlite),
        &[DeadSource("spento")],
        "[limits]\nmax_errors = 3\nmax_page_size = 5\n",
    )
    .await
    else {
        return;
    };
    // five fields that fail while running (a page over the limit), and a citizen whose
    // third source is down
    let pages: Vec<String> = (0..5)
        .map(|i| format!("p{i}: librettos(first: 6) {{ edges {{ cursor }} }}"))
        .collect();
    let query = format!(
        "query($cf: FiscalCode!) {{ {} citizen(fiscalCode: $cf) {{ person {{ familyName }} }} }}",
        pages.join(" ")
    );
    let body = app.query(&query, json!({ "cf": MARIO })).await;
    assert_eq!(
        error_codes(&body),
        ["LIMIT_EXCEEDED", "SOURCE_UNAVAILABLE", "LIMIT_EXCEEDED"],
        "{body}"
    );
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors[0]["extensions"]["limit"], "limits.max_page_size");
    assert_eq!(errors[0]["path"], json!(["p0"]));
    assert_eq!(errors[1]["extensions"]["source"], "spento");
    let summary = &errors[2];
    assert_eq!(summary["extensions"]["limit"], "limits.max_errors");
    assert_eq!(summary["extensions"]["max"], 3);
    assert_eq!(summary["extensions"]["omitted"], 4);
    assert_eq!(
        summary["message"],
        "limits.max_errors is 3: 4 more errors are left out of this answer"
    );
    // the data of what ran is all there
    assert_eq!(body["data"]["citizen"]["person"]["familyName"], "ROSSI");

    // validation errors, refused before running: the same cap
    let unknown: Vec<String> = (0..10).map(|i| format!("x{i}")).collect();
    let body = app
        .query(
            &format!("{{ sources {{ {} }} }}", unknown.join(" ")),
            json!({}),
        )
        .await;
    assert_eq!(body.get("data"), None, "{body}");
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT", "BAD_USER_INPUT", "LIMIT_EXCEEDED"]
    );
    assert_eq!(body["errors"][2]["extensions"]["omitted"], 8);
    // at the limit, nothing is summarised
    let body = app
        .query(
            &format!("{{ sources {{ {} }} }}", unknown[..3].join(" ")),
            json!({}),
        )
        .await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"; 3]);
    app.stop().await;
}

#[tokio::test]
async fn many_errors_are_summarised_sqlite_store() {
    many_errors_are_summarised("max_errors_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn many_errors_are_summarised_postgres_store() {
    many_errors_are_summarised("max_errors_postgres", Engine::Postgres).await;
}

fn messages(body: &Value) -> String {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["message"].as_str().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn suggestions_only_when_introspection_is_on() {
    let mistakes = "{ citizn(fiscalCod: \"x\") { fiscalCode } sources { nam } }";
    let Some(app) =
        spawn_app_configured("suggestions_off", Engine::Sqlite, vec![], &[], "", "").await
    else {
        return;
    };
    let body = app.query(mistakes, json!({})).await;
    let text = messages(&body);
    assert!(text.contains("Unknown field \"citizn\""), "{text}");
    assert!(text.contains("Unknown field \"nam\""), "{text}");
    assert!(!text.contains("Did you mean"), "{text}");
    let body = app
        .query("{ citizen(fiscalCod: \"x\") { fiscalCode } }", json!({}))
        .await;
    let text = messages(&body);
    assert!(text.contains("Unknown argument \"fiscalCod\""), "{text}");
    assert!(!text.contains("Did you mean"), "{text}");
    app.stop().await;

    let Some(app) = spawn_app_configured(
        "suggestions_on",
        Engine::Sqlite,
        vec![],
        &[],
        "introspection = true",
        "",
    )
    .await
    else {
        return;
    };
    let body = app.query(mistakes, json!({})).await;
    let text = messages(&body);
    assert!(text.contains("Did you mean \"citizen\""), "{text}");
    assert!(text.contains("Did you mean \"name\""), "{text}");
    app.stop().await;
}
