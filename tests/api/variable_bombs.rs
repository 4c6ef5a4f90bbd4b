//! Variables are part of the body too (issue 20 §2): a JSON body is at most
//! `server.max_json_body_bytes` (1 MiB), and within it, whatever the variables hold, the answer
//! is cheap and small; a longer JSON body is 413 before it is parsed.

use crate::document_bombs::{CPU_BUDGET, MAX_ANSWER_BYTES, MAX_BODY, MAX_JSON_BODY, Server, names};
use serde_json::{Value, json};

/// Bodies just under the JSON limit, each a different shape of variables.
pub fn bodies() -> Vec<String> {
    let room = MAX_JSON_BODY - 2048;
    let codes: Vec<&str> = std::iter::repeat_n("RSSMRA85T10A562S", room / 19).collect();
    let keys: serde_json::Map<String, Value> = (0..room / 16)
        .map(|i| (format!("k{i:07}"), json!(1)))
        .collect();
    let depth = 120;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    vec![
        // more codes than limits.max_fiscal_codes
        json!({ "query": "query($cfs: [FiscalCode!]!) { citizens(fiscalCodes: $cfs) { fiscalCode } }",
                "variables": { "cfs": codes } })
        .to_string(),
        // a string far over its bound
        json!({ "query": "query($q: String) { searchCitizens(familyName: $q) { edges { cursor } } }",
                "variables": { "q": "R".repeat(room) } })
        .to_string(),
        // an input object with tens of thousands of unknown fields
        json!({ "query": "mutation($input: OpenLibrettoInput!) { openLibretto(input: $input) { id } }",
                "variables": { "input": keys } })
        .to_string(),
        // a deep list where a scalar is expected
        format!(
            "{{\"query\":\"query($cf: FiscalCode!) {{ citizen(fiscalCode: $cf) {{ fiscalCode }} }}\",\
             \"variables\":{{\"cf\":{nested}}}}}"
        ),
    ]
}

#[tokio::test]
async fn variables_are_bounded_by_the_json_body_limit() {
    let server = Server::start();
    let client = reqwest::Client::new();
    for body in bodies() {
        assert!(body.len() <= MAX_JSON_BODY, "{} bytes", body.len());
        let before = server.cpu();
        let (status, bytes, answer) = server.send(&client, &body).await;
        let cpu = server.cpu() - before;
        eprintln!(
            "{} bytes: {} ms of CPU, {bytes} bytes answered",
            body.len(),
            cpu.as_millis()
        );
        assert!([200, 400].contains(&status), "{status}: {answer}");
        assert!(answer["errors"].is_array(), "refused: {answer}");
        assert!(cpu < CPU_BUDGET, "{cpu:?} of CPU for {} bytes", body.len());
        assert!(bytes < MAX_ANSWER_BYTES, "{bytes} bytes answered");
    }
    // over the JSON limit, refused unread, whatever the upload limit
    let long =
        json!({ "query": "{ __typename }", "variables": { "x": "x".repeat(MAX_JSON_BODY) } })
            .to_string();
    assert!(long.len() < MAX_BODY);
    let (status, _, answer) = server.send(&client, &long).await;
    assert_eq!(status, 413, "{answer}");
    assert!(names(&answer, "server.max_json_body_bytes"), "{answer}");
}
