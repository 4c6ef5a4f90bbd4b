//! The re-keying of rows stored under de-omocoded base codes (before identity became the exact
//! code, migration 000012): a store is put back into its old shape, the server restarts, and
//! each document lands with its own person, or is held for an administrator when nothing tells
//! two people apart. Audit rows are not rewritten: the access report reads them through the
//! map, flagged when they may concern the other person. SQLite and PostgreSQL stores.

use crate::fixtures::{self, luca, luca_homonym};
use crate::helpers::{SourceSpec, TestApp, employment, error_codes, person, spawn_app};
use fascicolo::auth::Role;
use fascicolo::domain::FiscalCode;
use fascicolo::sources::demo::SourceData;
use fascicolo::store::audit::chain;
use fascicolo::testing::Engine;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use std::time::Duration;

/// Elena Conti holds the first omocodia variant of her computed code; nobody holds the base.
fn elena() -> FiscalCode {
    fixtures::code("Conti", "Elena", "1975-05-05", true, "G702").omocode_variant(1)
}

fn sources() -> Vec<SourceSpec> {
    let mut homonym = person(
        luca_homonym().as_str(),
        "VERDI",
        "LUCA",
        "2024-02-02 08:00:00",
    );
    homonym.email = Some("luca.verdi@lucca.example.it".into());
    homonym.residence_municipality = Some("046017".into());
    homonym.residence_province = Some("LU".into());
    vec![
        SourceSpec {
            name: "lavoro",
            engine: Engine::Sqlite,
            data: SourceData {
                persons: vec![
                    person(elena().as_str(), "CONTI", "ELENA", "2020-01-01 09:00:00"),
                    person(luca().as_str(), "VERDI", "LUCA", "2023-03-01 08:00:00"),
                ],
                employments: vec![employment(
                    51,
                    luca().as_str(),
                    "Gamma Spa",
                    "2012-06-01",
                    None,
                    "A.01.00",
                )],
                trainings: vec![],
            },
        },
        SourceSpec {
            name: "formazione",
            engine: Engine::Sqlite,
            data: SourceData {
                persons: vec![homonym],
                employments: vec![],
                trainings: vec![],
            },
        },
    ]
}

async fn ok(app: &TestApp, query: &str, variables: Value) -> Value {
    let body = app.query(query, variables).await;
    assert_eq!(body.get("errors"), None, "{body}");
    body["data"].clone()
}

/// Puts the documents back under base codes, as the store kept them before, and appends audit
/// rows written under the bases; marks the re-keying pending as migration 000012 does.
async fn make_legacy(app: &TestApp) {
    let db = app.state.store.db();
    for code in [elena(), luca()] {
        let (exact, base) = (code.as_str(), code.base());
        let base = base.as_str();
        db.execute_unprepared(&format!(
            "UPDATE libretto SET fiscal_code = '{base}', \
             person_snapshot = REPLACE(person_snapshot, '{exact}', '{base}') \
             WHERE fiscal_code = '{exact}'"
        ))
        .await
        .unwrap();
    }
    let txn = db.begin().await.unwrap();
    let rows = [elena().base(), luca().base()]
        .iter()
        .map(|code| chain::NewRow {
            at: chrono::Utc::now(),
            request_id: "legacy".into(),
            subject: "operatore.storico".into(),
            role: "operator".into(),
            office: Some("CPI-FI-01".into()),
            fiscal_code: code.as_str().to_owned(),
            action: "read".into(),
            fields: "person".into(),
        })
        .collect();
    chain::append(&txn, rows).await.unwrap();
    txn.commit().await.unwrap();
    db.execute_unprepared(
        "UPDATE identity_rekey SET state = 'pending', \
         audit_watermark = (SELECT MAX(id) FROM audit_log) WHERE id = 1",
    )
    .await
    .unwrap();
}

const DOCS: &str = "query($cf: FiscalCode!) { citizen(fiscalCode: $cf) { \
    libretto { id fiscalCode person { fiscalCode } } orientation { fiscalCode } } }";
const REVIEWS: &str =
    "{ identityReviews { id documentKind documentId storedCode candidates reason } }";
const RESOLVE: &str = "mutation($input: ResolveIdentityReviewInput!) { \
    resolveIdentityReview(input: $input) { resolvedCode resolvedBy } }";
const REPORT: &str = "query($cf: FiscalCode!) { accessReport(fiscalCode: $cf, first: 50) { \
    edges { node { subject recordedCode ambiguousIdentity } } } }";

async fn legacy_rows(app: &TestApp, admin: &str, code: &FiscalCode) -> Vec<Value> {
    let (_, body) = app
        .post(Some(admin), REPORT, json!({ "cf": code.as_str() }))
        .await;
    body["data"]["accessReport"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"].clone())
        .filter(|n| n["subject"] == "operatore.storico")
        .collect()
}

async fn rekey_separates_people(test: &str, store: Engine) {
    let Some(app) = spawn_app(test, store, sources(), &[]).await else {
        return;
    };
    let open = "mutation($cf: FiscalCode!) { openLibretto(input: { fiscalCode: $cf }) { id } }";
    let elena_libretto =
        ok(&app, open, json!({ "cf": elena().as_str() })).await["openLibretto"]["id"].clone();
    let luca_libretto =
        ok(&app, open, json!({ "cf": luca().as_str() })).await["openLibretto"]["id"].clone();
    let intake = "mutation($input: RecordIntakeInput!) { recordIntake(input: $input) { version } }";
    let input = json!({ "fiscalCode": luca_homonym().as_str(), "takenOn": "2026-09-01",
        "office": "CPI-FI-01", "consentToJobMatching": false });
    ok(&app, intake, json!({ "input": input })).await;
    make_legacy(&app).await;

    let app = app.restart().await;
    let admin = app.token(Role::Admin, None);
    // one person known for Elena's base: her libretto moved to her exact code
    let data = ok(&app, DOCS, json!({ "cf": elena().as_str() })).await;
    assert_eq!(data["citizen"]["libretto"]["id"], elena_libretto);
    assert_eq!(data["citizen"]["libretto"]["fiscalCode"], elena().as_str());
    assert_eq!(
        data["citizen"]["libretto"]["person"]["fiscalCode"],
        elena().as_str()
    );
    // two people under Luca's base: the libretto's snapshot says whose it is
    let data = ok(&app, DOCS, json!({ "cf": luca().as_str() })).await;
    assert_eq!(data["citizen"]["libretto"]["id"], luca_libretto);
    let data = ok(&app, DOCS, json!({ "cf": luca_homonym().as_str() })).await;
    assert_eq!(
        data["citizen"]["libretto"],
        Value::Null,
        "not the homonym's"
    );
    // the orientation record has no snapshot: held, shown under neither
    assert_eq!(data["citizen"]["orientation"], Value::Null, "held: {data}");
    let (_, body) = app.post(Some(&admin), REVIEWS, json!({})).await;
    let reviews = body["data"]["identityReviews"].as_array().unwrap().clone();
    assert_eq!(reviews.len(), 1, "{body}");
    assert_eq!(reviews[0]["documentKind"], "orientation");
    assert_eq!(reviews[0]["storedCode"], luca_homonym().as_str());
    assert_eq!(
        reviews[0]["candidates"],
        json!([luca_homonym().as_str(), luca().as_str()])
    );
    let (_, body) = app.post(Some(&app.operator()), REVIEWS, json!({})).await;
    assert_eq!(error_codes(&body), ["FORBIDDEN"], "{body}");

    // the administrator gives it to its holder, once
    let id = reviews[0]["id"].clone();
    let resolve = |code: &str| {
        json!({ "input": { "id": id, "fiscalCode": code,
            "reason": "verificato con il cittadino allo sportello" } })
    };
    let (_, body) = app
        .post(Some(&admin), RESOLVE, resolve(fixtures::MARIO))
        .await;
    assert_eq!(
        error_codes(&body),
        ["BAD_USER_INPUT"],
        "not a candidate: {body}"
    );
    let (_, body) = app
        .post(Some(&admin), RESOLVE, resolve(luca_homonym().as_str()))
        .await;
    assert_eq!(body.get("errors"), None, "{body}");
    assert_eq!(
        body["data"]["resolveIdentityReview"]["resolvedCode"],
        luca_homonym().as_str()
    );
    let (_, body) = app
        .post(Some(&admin), RESOLVE, resolve(luca().as_str()))
        .await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    let data = ok(&app, DOCS, json!({ "cf": luca_homonym().as_str() })).await;
    assert_eq!(
        data["citizen"]["orientation"]["fiscalCode"],
        luca_homonym().as_str()
    );
    let (_, body) = app.post(Some(&admin), REVIEWS, json!({})).await;
    assert_eq!(body["data"]["identityReviews"], json!([]));

    // legacy audit rows: Elena's are hers; those of Luca's shared base are flagged for both
    let rows = legacy_rows(&app, &admin, &elena()).await;
    assert_eq!(
        rows,
        [
            json!({ "subject": "operatore.storico", "recordedCode": elena().base().as_str(),
                 "ambiguousIdentity": false })
        ]
    );
    for code in [luca(), luca_homonym()] {
        let rows = legacy_rows(&app, &admin, &code).await;
        assert_eq!(rows.len(), 1, "{code}: {rows:?}");
        assert_eq!(rows[0]["ambiguousIdentity"], true, "{code}");
        // the citizen is not shown a row that may be the other person's; Elena sees hers
        let own = app
            .state
            .auth
            .mint(code.as_str(), Role::Citizen, None, Duration::from_secs(60));
        let rows = legacy_rows(&app, &own.unwrap(), &code).await;
        assert_eq!(rows, Vec::<Value>::new(), "{code}");
    }
    let own = app.state.auth.mint(
        elena().as_str(),
        Role::Citizen,
        None,
        Duration::from_secs(60),
    );
    assert_eq!(legacy_rows(&app, &own.unwrap(), &elena()).await.len(), 1);
    // the chain is intact and the re-keying is recorded as done
    let db = app.state.store.db();
    let report = fascicolo::store::audit::verify::verify(db, None)
        .await
        .unwrap();
    assert!(report.ok(), "{report:?}");
    let state = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT state, summary FROM identity_rekey WHERE id = 1",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.try_get::<String>("", "state").unwrap(), "done");
    let summary: Value =
        serde_json::from_str(&state.try_get::<String>("", "summary").unwrap()).unwrap();
    assert_eq!(summary["moved_codes"], 1, "{summary}");
    assert_eq!(summary["ambiguous_codes"], 1, "{summary}");
    assert_eq!(summary["matched_by_snapshot"], 1, "{summary}");
    assert_eq!(summary["held_for_review"], 1, "{summary}");
    app.stop().await;
}

#[tokio::test]
async fn rekey_separates_people_merged_under_a_base_code_sqlite() {
    rekey_separates_people("rekey_sqlite", Engine::Sqlite).await;
}

#[tokio::test]
async fn rekey_separates_people_merged_under_a_base_code_postgres() {
    rekey_separates_people("rekey_postgres", Engine::Postgres).await;
}
