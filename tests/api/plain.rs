//! The plain pass (`graphql::plain`) against the derived resolvers: the same answer for every
//! field of the types it serves, built from the schema itself so a new field is covered too.

use crate::fixtures::{MARIO, anna, giulia, luca, nobody};
use crate::helpers::spawn_sqlite_app;
use fascicolo::auth::{Principal, Role};
use fascicolo::graphql::plain::PlainPass;
use fascicolo::http::graphql::execute;
use serde_json::{Value, json};

/// The types the pass serves, reached from `Citizen`.
const PLAIN_TYPES: [&str; 6] = [
    "Person",
    "PersonSource",
    "FieldProvenance",
    "Employment",
    "Training",
    "FiscalCodeLink",
];

async fn run(app: &crate::helpers::TestApp, query: &str, pass: Option<PlainPass>) -> Value {
    let principal = Principal {
        subject: "tester".into(),
        role: Role::Operator,
        office: Some("CPI-FI-01".into()),
    };
    let codes = [
        MARIO.to_owned(),
        anna().as_str().to_owned(),
        nobody().as_str().to_owned(),
        luca().as_str().to_owned(),
        giulia().as_str().to_owned(),
    ];
    let mut request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(json!({ "cfs": codes })));
    if let Some(pass) = pass {
        request = request.data(pass);
    }
    let response = execute(&app.http, principal, "plain-test".into(), request).await;
    serde_json::to_value(&response).unwrap()
}

/// Every field of `type_name`, object-valued ones with all of theirs, from introspection.
async fn every_field(app: &crate::helpers::TestApp, type_name: &str) -> String {
    let query = format!(
        r#"{{ __type(name: "{type_name}") {{ fields {{ name type {{ kind name ofType {{ kind name ofType {{ kind name ofType {{ kind name }} }} }} }} }} }} }}"#
    );
    // the schema itself: introspection is off outside the demo
    let body = serde_json::to_value(app.http.schema.execute(query.as_str()).await).unwrap();
    let mut out = Vec::new();
    for field in body["data"]["__type"]["fields"].as_array().unwrap() {
        let name = field["name"].as_str().unwrap();
        // the innermost named type of NON_NULL / LIST wrappers
        let mut ty = &field["type"];
        while ty["name"].is_null() {
            ty = &ty["ofType"];
        }
        if ty["kind"] == "OBJECT" {
            let inner = ty["name"].as_str().unwrap();
            assert!(PLAIN_TYPES.contains(&inner), "{type_name}.{name}: {inner}");
            out.push(format!(
                "{name} {{ {} }}",
                Box::pin(every_field(app, inner)).await
            ));
        } else {
            out.push(name.to_owned());
        }
    }
    assert!(out.len() >= 5, "{type_name}: {out:?}");
    out.join(" ")
}

#[tokio::test]
async fn the_plain_pass_answers_as_the_derived_resolvers() {
    let Some(app) = spawn_sqlite_app("the_plain_pass_answers_as_the_derived_resolvers", &[]).await
    else {
        return;
    };
    let person = every_field(&app, "Person").await;
    let employment = every_field(&app, "Employment").await;
    let training = every_field(&app, "Training").await;
    // a fragment spread, an inline fragment, aliases and __typename, as clients write them
    let query = format!(
        r#"query($cfs: [FiscalCode!]!) {{
          citizens(fiscalCodes: $cfs) {{
            ...Profile
            again: person {{ __typename name: givenName ... on Person {{ familyName }} ... {{ sources {{ __typename source }} }} }}
          }}
        }}
        fragment Profile on Citizen {{
          fiscalCode
          person {{ ...PersonFields }}
          employments {{ {employment} }}
          trainings {{ type: __typename {training} }}
        }}
        fragment PersonFields on Person {{ {person} }}"#
    );
    let plain = run(&app, &query, Some(PlainPass::Required)).await;
    assert_eq!(plain.get("errors"), None, "{plain}");
    let derived = run(&app, &query, Some(PlainPass::Off)).await;
    assert_eq!(derived.get("errors"), None, "{derived}");
    assert_eq!(plain, derived);
    // and the answer is the fixtures', not two equal empty ones
    let list = plain["data"]["citizens"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(list[0]["person"]["email"], "mario.rossi@new.example.it");
    assert_eq!(
        list[0]["person"]["sources"][0]["updatedAt"],
        "2025-06-01T09:00:00"
    );
    assert_eq!(list[0]["person"]["provenance"][0]["field"], "givenName");
    assert_eq!(list[0]["employments"][0]["startDate"], "2016-05-02");
    assert_eq!(list[0]["employments"][0]["current"], true);
    assert_eq!(list[0]["employments"][1]["contractTypeValidAtStart"], false);
    assert_eq!(list[0]["trainings"][0]["type"], "Training");
    assert_eq!(list[1]["again"]["__typename"], "Person");
    assert_eq!(list[1]["again"]["name"], "ANNA");
    assert_eq!(list[2], Value::Null);
    assert_eq!(list[3]["person"]["fiscalCode"], luca().as_str());
    assert_eq!(
        list[3]["person"]["sources"][0]["fiscalCode"],
        luca().as_str()
    );
    assert_eq!(list[3]["again"]["sources"][0]["__typename"], "PersonSource");
    app.stop().await;
}

/// A response key asked twice merges its sub-selections: the pass leaves that to the
/// derived resolvers, and the answer is still whole.
#[tokio::test]
async fn what_the_plain_pass_hands_over_is_answered_whole() {
    let Some(app) = spawn_sqlite_app("what_the_plain_pass_hands_over_is_answered_whole", &[]).await
    else {
        return;
    };
    let query = r#"query($cfs: [FiscalCode!]!) {
      citizens(fiscalCodes: $cfs) { person { sources { source } sources { updatedAt } } }
    }"#;
    let required = run(&app, query, Some(PlainPass::Required)).await;
    assert!(
        required["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("handed Person over"),
        "{required}"
    );
    let default = run(&app, query, None).await;
    assert_eq!(default.get("errors"), None, "{default}");
    assert_eq!(default, run(&app, query, Some(PlainPass::Off)).await);
    assert_eq!(
        default["data"]["citizens"][0]["person"]["sources"][0],
        json!({ "source": "formazione", "updatedAt": "2025-06-01T09:00:00" })
    );
    app.stop().await;
}
