//! The Patto di servizio personalizzato's lifecycle (issue 24; DOMAIN.md §9, seeds 001 and
//! 002): draft, signed and updated versions frozen, the V16 deadline by user category with the
//! warning of a late signing and the office's due list, conditionality events up to the
//! decadenza, and every refused step naming the allowed ones — on SQLite and PostgreSQL.

use crate::fixtures::{MARIO, anna};
use crate::helpers::{TestApp, error_codes, ok, spawn_fixture_app};
use crate::orientation::intake;
use fascicolo::auth::Role;
use fascicolo::testing::Engine;
use serde_json::{Value, json};

const PACT: &str = "version userCategory categorySince pactDueOn warnings \
    conditionalityEvents { on kind justified sanction reportedTo } \
    servicePact { status signedOn searchPlan ownActions outcome versionCount allowedTransitions \
      networkServices { description provider } measures { measure { code } } \
      versions { n signedOn content } history { from to on note } }";

async fn step(app: &TestApp, name: &str, input_type: &str, input: Value) -> Value {
    let query = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {PACT} }} }}");
    app.query(&query, json!({ "input": input })).await
}

async fn done(app: &TestApp, name: &str, input_type: &str, input: Value) -> Value {
    ok(&step(app, name, input_type, input).await, name).clone()
}

async fn due(app: &TestApp, token: &str, as_of: &str, after: Option<&str>, first: i32) -> Value {
    let (_, body) = app
        .post(
            Some(token),
            "query($at: Date, $after: String, $first: Int) { pactsDue(office: \"CPI-FI-01\", asOf: $at, \
             first: $first, after: $after) { pageInfo { hasNextPage } edges { cursor node { \
             fiscalCode userCategory dueOn daysLeft overdue pactStatus } } } }",
            json!({ "at": as_of, "after": after, "first": first }),
        )
        .await;
    body
}

async fn deadlines_and_the_due_list(app: &TestApp) -> Value {
    let r = intake(app, MARIO, true).await;
    let input = json!({ "fiscalCode": MARIO, "version": r["version"], "category": "UNEMPLOYED",
        "since": "2026-08-01" });
    let r = done(app, "setUserCategory", "SetUserCategoryInput", input).await;
    assert_eq!(r["pactDueOn"], "2026-08-31", "V16: 30 days from the DID");
    assert!(
        r["warnings"][0].as_str().unwrap().contains("overdue"),
        "{r}"
    );
    let a = intake(app, anna().as_str(), true).await;
    let input = json!({ "fiscalCode": anna().as_str(), "version": a["version"],
        "category": "BENEFIT_RECIPIENT", "since": "2026-08-10" });
    let a = done(app, "setUserCategory", "SetUserCategoryInput", input).await;
    assert_eq!(
        a["pactDueOn"], "2026-08-25",
        "V16: 15 days from the INPS application"
    );
    // soonest first, one per page
    let operator = app.operator();
    let page = due(app, &operator, "2026-08-20", None, 1).await;
    let first = &page["data"]["pactsDue"];
    assert_eq!(
        first["edges"][0]["node"],
        json!({ "fiscalCode": anna().as_str(),
        "userCategory": "BENEFIT_RECIPIENT", "dueOn": "2026-08-25", "daysLeft": 5,
        "overdue": false, "pactStatus": null })
    );
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let cursor = first["edges"][0]["cursor"].as_str().unwrap();
    let next = due(app, &operator, "2026-09-05", Some(cursor), 1).await;
    let node = &next["data"]["pactsDue"]["edges"][0]["node"];
    assert_eq!(
        (
            node["fiscalCode"].as_str(),
            &node["daysLeft"],
            &node["overdue"]
        ),
        (Some(MARIO), &json!(-5), &json!(true))
    );
    // another office's operator, the reporting tool and a citizen may not list them
    let other = app.token(Role::Operator, Some("CPI-PO-02"));
    let citizen = app
        .state
        .auth
        .mint(
            MARIO,
            Role::Citizen,
            None,
            std::time::Duration::from_secs(60),
        )
        .unwrap();
    for token in [other, app.token(Role::Reporting, None), citizen] {
        assert_eq!(
            error_codes(&due(app, &token, "2026-09-05", None, 1).await),
            ["FORBIDDEN"]
        );
    }
    let admin = due(app, &app.token(Role::Admin, None), "2026-09-05", None, 1).await;
    assert!(admin.get("errors").is_none(), "{admin}");
    // the list costs the same statements for one citizen as for two: one read, one audit
    let cost = async |first: i32| {
        let before = app.store_statements();
        let body = due(app, &operator, "2026-09-05", None, first).await;
        let listed = body["data"]["pactsDue"]["edges"].as_array().unwrap().len();
        (listed, app.store_statements() - before)
    };
    let (one, two) = (cost(1).await, cost(10).await);
    assert_eq!((one.0, two.0), (1, 2));
    assert_eq!(
        one.1, two.1,
        "statements for 1 and 2 citizens: {one:?} {two:?}"
    );
    r
}

async fn drafted_signed_updated(app: &TestApp, r: Value) -> Value {
    let plan = json!({ "searchPlan": "Candidature a 5 imprese della GDO al mese",
        "networkServices": [{ "description": "Corso di lingua inglese B1", "provider": "Agenzia formativa Alfa" }],
        "ownActions": ["Aggiornare il profilo sul portale Toscana Lavoro"], "outcome": "ACTIVE_SEARCH" });
    let input =
        json!({ "fiscalCode": MARIO, "version": r["version"], "on": "2026-09-02", "plan": plan });
    let r = done(app, "draftServicePact", "DraftServicePactInput", input).await;
    assert_eq!(r["servicePact"]["status"], "DRAFT");
    assert_eq!(r["servicePact"]["signedOn"], Value::Null);
    assert_eq!(
        r["servicePact"]["ownActions"][0],
        "Aggiornare il profilo sul portale Toscana Lavoro"
    );
    let list = due(app, &app.operator(), "2026-09-03", None, 10).await;
    let node = &list["data"]["pactsDue"]["edges"][1]["node"];
    assert_eq!(node["fiscalCode"], MARIO, "{list}");
    assert_eq!(node["pactStatus"], "DRAFT", "a draft is still due");
    let sign = |version: &Value, on: &str, code: &str| {
        json!({ "fiscalCode": MARIO, "version": version,
        "signedOn": on, "searchPlan": "Candidature a 5 imprese della GDO al mese",
        "networkServices": [{ "description": "Corso di lingua inglese B1", "provider": "Agenzia formativa Alfa" }],
        "ownActions": ["Aggiornare il profilo sul portale Toscana Lavoro"], "outcome": "TRAINING",
        "measures": [{ "code": code, "plannedOn": on }] })
    };
    let r = done(
        app,
        "signServicePact",
        "SignServicePactInput",
        sign(&r["version"], "2026-09-05", "A05"),
    )
    .await;
    let pact = &r["servicePact"];
    assert_eq!(
        (pact["status"].as_str(), pact["versionCount"].as_i64()),
        (Some("SIGNED"), Some(1))
    );
    assert_eq!(
        pact["networkServices"][0]["provider"],
        "Agenzia formativa Alfa"
    );
    assert_eq!(
        r["warnings"],
        json!(["V16: the pact was due within 30 days of the DID \
        (2026-08-01), by 2026-08-31; signed on 2026-09-05, 5 days late"])
    );
    let content = &pact["versions"][0]["content"];
    assert_eq!(content["cpiServices"][0]["code"], "A05");
    assert_eq!(content["plan"]["outcome"], "TRAINING");
    assert_eq!(content["userCategory"], "UNEMPLOYED");
    let listed =
        &due(app, &app.operator(), "2026-09-06", None, 10).await["data"]["pactsDue"]["edges"];
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "only Anna is still due: {listed}"
    );
    assert_eq!(listed[0]["node"]["fiscalCode"], anna().as_str());

    let r = done(
        app,
        "signServicePact",
        "SignServicePactInput",
        sign(&r["version"], "2026-09-20", "A06"),
    )
    .await;
    let pact = &r["servicePact"];
    assert_eq!(
        (pact["status"].as_str(), pact["versionCount"].as_i64()),
        (Some("UPDATED"), Some(2))
    );
    assert_eq!(
        pact["signedOn"], "2026-09-05",
        "the stipula stays the first signing"
    );
    assert_eq!(
        pact["versions"][1]["content"]["cpiServices"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        pact["versions"][0]["content"]["cpiServices"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "version 1 stays as signed"
    );
    let steps: Vec<&str> = pact["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["DRAFT", "SIGNED", "UPDATED"]);
    assert_eq!(
        pact["allowedTransitions"],
        json!(["UPDATED", "CONCLUDED", "LAPSED", "CLOSED"])
    );
    r
}

async fn conditionality_until_it_lapses(app: &TestApp, r: Value) {
    let breach = |version: &Value, on: &str, justified: bool, sanction: &str, to: Value| {
        json!({ "fiscalCode": MARIO, "version": version, "on": on, "kind": "MISSED_APPOINTMENT",
            "justified": justified, "sanction": sanction, "reportedTo": to })
    };
    for (input, field) in [
        (
            breach(
                &r["version"],
                "2026-10-01",
                true,
                "REDUCTION",
                json!(["INPS"]),
            ),
            "sanction",
        ),
        (
            breach(
                &r["version"],
                "2026-10-01",
                false,
                "REDUCTION",
                json!(["ANPAL"]),
            ),
            "reportedTo",
        ),
        (
            breach(&r["version"], "2026-09-01", false, "NONE", json!([])),
            "on",
        ),
    ] {
        let body = step(
            app,
            "recordConditionalityEvent",
            "RecordConditionalityEventInput",
            input,
        )
        .await;
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{body}"
        );
    }
    let input = breach(
        &r["version"],
        "2026-10-01",
        false,
        "REDUCTION",
        json!(["INPS", "ANPAL", "INPS"]),
    );
    let r = done(
        app,
        "recordConditionalityEvent",
        "RecordConditionalityEventInput",
        input,
    )
    .await;
    assert_eq!(
        r["servicePact"]["status"], "UPDATED",
        "a reduction keeps the pact"
    );
    assert_eq!(
        r["conditionalityEvents"],
        json!([{ "on": "2026-10-01", "kind": "MISSED_APPOINTMENT",
        "justified": false, "sanction": "REDUCTION", "reportedTo": ["ANPAL", "INPS"] }])
    );
    let input = breach(
        &r["version"],
        "2026-10-20",
        false,
        "LOSS",
        json!(["INPS", "ANPAL"]),
    );
    let r = done(
        app,
        "recordConditionalityEvent",
        "RecordConditionalityEventInput",
        input,
    )
    .await;
    assert_eq!(r["servicePact"]["status"], "LAPSED");
    assert_eq!(r["servicePact"]["allowedTransitions"], json!([]));
    let last = r["servicePact"]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last,
        json!({ "from": "UPDATED", "to": "LAPSED", "on": "2026-10-20",
        "note": "decadenza: MISSED_APPOINTMENT" })
    );
    let input = json!({ "fiscalCode": MARIO, "version": r["version"], "signedOn": "2026-10-21" });
    let body = step(app, "signServicePact", "SignServicePactInput", input).await;
    assert_eq!(error_codes(&body), ["INVALID_TRANSITION"], "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("is LAPSED") && message.contains("read-only"),
        "{message}"
    );
}

async fn concluded_and_closed(app: &TestApp) {
    let a = &app
        .query(
            "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { orientation { version } } }",
            json!({ "cf": anna().as_str() }),
        )
        .await["data"]["citizen"]["orientation"];
    let input =
        json!({ "fiscalCode": anna().as_str(), "version": a["version"], "signedOn": "2026-09-01" });
    let a = done(app, "signServicePact", "SignServicePactInput", input).await;
    let close = json!({ "fiscalCode": anna().as_str(), "version": a["version"], "on": "2026-11-02", "note": " " });
    let body = step(app, "closeServicePact", "CloseServicePactInput", close).await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "a close says why: {body}"
    );
    let input = json!({ "fiscalCode": anna().as_str(), "version": a["version"], "on": "2026-11-01",
        "reason": "EMPLOYED", "note": "Assunta da Beta Srl" });
    let a = done(
        app,
        "concludeServicePact",
        "ConcludeServicePactInput",
        input,
    )
    .await;
    assert_eq!(a["servicePact"]["status"], "CONCLUDED");
    assert_eq!(
        a["servicePact"]["history"][1]["note"],
        "EMPLOYED: Assunta da Beta Srl"
    );
    let close = json!({ "fiscalCode": anna().as_str(), "version": a["version"], "on": "2026-11-02", "note": "trasferita" });
    let body = step(app, "closeServicePact", "CloseServicePactInput", close).await;
    assert_eq!(error_codes(&body), ["INVALID_TRANSITION"], "{body}");
}

async fn pact_lifecycle(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let r = deadlines_and_the_due_list(&app).await;
    let r = drafted_signed_updated(&app, r).await;
    conditionality_until_it_lapses(&app, r).await;
    concluded_and_closed(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn pact_lifecycle_sqlite() {
    pact_lifecycle("pact_lifecycle_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn pact_lifecycle_postgres() {
    pact_lifecycle("pact_lifecycle_postgres", Engine::Postgres).await;
}

/// Migration 000015 on a store with a pact signed the old way: SIGNED, version 1 frozen and
/// its step recorded, on every store engine.
async fn an_old_pact_becomes_signed(engine: Engine) {
    use entities::{orientation, pact_transition, pact_version};
    use migrations::MigratorTrait;
    use sea_orm::{ConnectionTrait, EntityTrait};
    let Some(database) = fascicolo::testing::database_or_skip(engine, "pact_migration").await
    else {
        return;
    };
    let store = fascicolo::store::Store::connect(&database.url)
        .await
        .unwrap();
    let db = store.db();
    migrations::Migrator::up(db, Some(14)).await.unwrap();
    db.execute_unprepared(&format!(
        "INSERT INTO orientation (id, version, intake_on, intake_office, intake_by, \
         consent_matching, consent_at_intake, pact_signed_on, pact_office, pact_operator, \
         search_plan, created_at, created_by, updated_at, updated_by) VALUES ('{MARIO}', 3, \
         '2026-09-01', 'CPI-FI-01', 'op', TRUE, TRUE, '2026-09-05', 'CPI-FI-01', 'op-pact', \
         'Candidature', '2026-09-01 10:00:00', 'op', '2026-09-05 10:00:00', 'op')"
    ))
    .await
    .unwrap();
    store.migrate().await.unwrap();
    let record = orientation::Entity::find().one(db).await.unwrap().unwrap();
    assert_eq!(
        (record.pact_status.as_deref(), record.pact_versions),
        (Some("SIGNED"), 1)
    );
    let versions = pact_version::Entity::find().all(db).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(
        (versions[0].n, versions[0].operator.as_str()),
        (1, "op-pact")
    );
    assert_eq!(versions[0].signed_on.to_string(), "2026-09-05");
    let steps = pact_transition::Entity::find().all(db).await.unwrap();
    assert_eq!(
        (steps[0].from_status.as_deref(), steps[0].to_status.as_str()),
        (None, "SIGNED")
    );
    // migrations 17, 16 and 15 go down and up again
    migrations::Migrator::down(db, Some(3)).await.unwrap();
    migrations::Migrator::up(db, None).await.unwrap();
    let record = orientation::Entity::find().one(db).await.unwrap().unwrap();
    assert_eq!(record.pact_status.as_deref(), Some("SIGNED"));
    db.clone().close().await.ok();
    database.drop_database().await.unwrap();
}

#[tokio::test]
async fn an_old_pact_becomes_signed_sqlite() {
    an_old_pact_becomes_signed(Engine::Sqlite).await;
}

#[tokio::test]
async fn an_old_pact_becomes_signed_postgres() {
    an_old_pact_becomes_signed(Engine::Postgres).await;
}

#[tokio::test]
async fn an_old_pact_becomes_signed_mariadb() {
    an_old_pact_becomes_signed(Engine::MySql).await;
}

/// DOMAIN.md §9 "Propensione: active/inactive; count(active) ≤ 3": a removed propensity stays
/// in the history, frees its place among the three, and leaves the portal's view.
async fn propensities_keep_their_history(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let fields = "version propensities { id occupationCode active } \
        all: propensities(includeInactive: true) { occupationCode active removedOn removedBy }";
    let run = async |name: &str, input_type: &str, input: Value| {
        let q =
            format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {fields} }} }}");
        app.query(&q, json!({ "input": input })).await
    };
    let mut r = intake(&app, MARIO, true).await;
    for code in ["5.1.2.2.0", "4.1.1.1.0", "8.1.4.2.0"] {
        let input = json!({ "fiscalCode": MARIO, "version": r["version"], "occupationCode": code,
            "occupationLabel": "Profilo", "fromWork": true, "interviewOn": "2026-09-10" });
        r = ok(
            &run("addPropensity", "AddPropensityInput", input).await,
            "addPropensity",
        )
        .clone();
    }
    let gone = r["propensities"][1]["id"].clone();
    let input = json!({ "fiscalCode": MARIO, "version": r["version"], "propensityId": gone, "on": "2026-10-01" });
    let r = ok(
        &run("removePropensity", "RemovePropensityInput", input).await,
        "removePropensity",
    )
    .clone();
    assert_eq!(r["propensities"].as_array().unwrap().len(), 2);
    let removed: Vec<&Value> = r["all"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["active"] == false)
        .collect();
    assert_eq!(removed.len(), 1, "{r}");
    assert_eq!(removed[0]["removedOn"], "2026-10-01");
    assert_eq!(removed[0]["removedBy"], "tester");
    // removing it again names the field; its place among the three is free
    let again = json!({ "fiscalCode": MARIO, "version": r["version"], "propensityId": gone });
    assert_eq!(
        error_codes(&run("removePropensity", "RemovePropensityInput", again).await),
        ["BAD_USER_INPUT"]
    );
    let input = json!({ "fiscalCode": MARIO, "version": r["version"], "occupationCode": "5.2.2.1.0",
        "occupationLabel": "Cameriere", "fromWork": true, "interviewOn": "2026-10-02" });
    let r = ok(
        &run("addPropensity", "AddPropensityInput", input).await,
        "addPropensity",
    )
    .clone();
    assert_eq!(
        (
            r["propensities"].as_array().unwrap().len(),
            r["all"].as_array().unwrap().len()
        ),
        (3, 4)
    );
    let input = json!({ "fiscalCode": MARIO, "version": r["version"], "occupationCode": "5.1.2.2.0",
        "occupationLabel": "Commesso", "fromWork": true, "interviewOn": "2026-10-02" });
    let body = run("addPropensity", "AddPropensityInput", input).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already has 3"),
        "{body}"
    );
    // the portal sees the active ones only
    let (_, body) = app
        .post(Some(&app.token(Role::Portal, None)),
            "query($cf: [FiscalCode!]!) { portalCandidates(fiscalCodes: $cf) { propensities { occupationCode } } }",
            json!({ "cf": [MARIO] }))
        .await;
    let seen = body["data"]["portalCandidates"][0]["propensities"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(seen.len(), 3, "{body}");
    assert!(
        !seen.contains(&json!({ "occupationCode": "4.1.1.1.0" })),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn propensities_keep_their_history_sqlite() {
    propensities_keep_their_history("propensity_history_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn propensities_keep_their_history_postgres() {
    propensities_keep_their_history("propensity_history_postgres", Engine::Postgres).await;
}

/// Seed 001's qualitative profiling as structured fields, with the quantitative class.
async fn profiling_is_structured(test: &str, store: Engine) {
    let Some(app) = spawn_fixture_app(test, store).await else {
        return;
    };
    let r = intake(&app, MARIO, true).await;
    let query = "mutation($input: RecordProfilingInput!) { recordProfiling(input: $input) { \
        version profiling { on quantitativeClass quantitativeIndex fragility by \
        areas { area level note } } } }";
    let input = |areas: Value, index: f64| {
        json!({ "input": { "fiscalCode": MARIO,
        "version": r["version"], "on": "2026-09-02", "quantitativeClass": "MEDIUM_HIGH",
        "quantitativeIndex": index, "fragility": true, "areas": areas } })
    };
    let goal = json!({ "area": "GOAL_CLARITY", "level": "LOW", "note": "Obiettivo da definire" });
    for (body, field) in [
        (
            app.query(query, input(json!([goal, goal]), 0.4)).await,
            "areas",
        ),
        (
            app.query(query, input(json!([goal]), 1.5)).await,
            "quantitativeIndex",
        ),
    ] {
        assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{body}"
        );
    }
    let tools = json!({ "area": "PROMOTION_TOOLS", "level": "MEDIUM", "note": null });
    let body = app.query(query, input(json!([goal, tools]), 0.4)).await;
    assert_eq!(
        ok(&body, "recordProfiling")["profiling"],
        json!({ "on": "2026-09-02", "quantitativeClass": "MEDIUM_HIGH", "quantitativeIndex": 0.4,
            "fragility": true, "by": "tester", "areas": [goal, tools] })
    );
    app.stop().await;
}

#[tokio::test]
async fn profiling_is_structured_sqlite() {
    profiling_is_structured("profiling_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn profiling_is_structured_postgres() {
    profiling_is_structured("profiling_postgres", Engine::Postgres).await;
}
