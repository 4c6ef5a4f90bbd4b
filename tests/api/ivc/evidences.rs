//! The dossier delle evidenze: evidences with files, from the adhesion until validation ends.

use super::{IVC, add_evidence, ivc_sources, read, request};
use crate::fixtures::MARIO;
use crate::helpers::{error_codes, pdf, spawn_app};
use fascicolo::testing::Engine;
use serde_json::{Value, json};

/// The gate `addEvidence` uses on a dossier: evidences from TAKEN_IN_CHARGE to the end of
/// VALIDATION; NOT_FOUND for an unknown dossier; a closed one is read-only.
/// The dossier delle evidenze: collected from the adhesion until validation ends, files
/// checked, nothing on a CLOSED dossier.
#[tokio::test]
async fn ivc_evidences() {
    let Some(app) = spawn_app(
        "ivc_evidences",
        Engine::Sqlite,
        ivc_sources(Engine::Sqlite),
        &[],
    )
    .await
    else {
        return;
    };
    let d = request(&app, MARIO, "2026-01-12").await;
    let body = add_evidence(&app, &d, None).await;
    assert_eq!(error_codes(&body), ["INVALID_TRANSITION"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["current"], "REQUESTED");
    let d = IVC
        .step(
            &app,
            &d,
            "takeIvcInCharge",
            json!({ "adhesionSignedOn": "2026-01-15" }),
        )
        .await;
    let body = add_evidence(&app, &d, Some(("referenze.txt", b"hello".to_vec()))).await;
    assert_eq!(error_codes(&body), ["BAD_USER_INPUT"], "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "file");
    let file = pdf();
    let sha = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&file));
    let body = add_evidence(&app, &d, Some(("referenze.pdf", file.clone()))).await;
    assert!(body.get("errors").is_none(), "{body}");
    let after = &body["data"]["addIvcEvidence"];
    assert_eq!(after["version"], d["version"].as_i64().unwrap() + 1);
    let evidence = &after["evidences"][0];
    assert_eq!(evidence["title"], "Lettera di referenze");
    assert_eq!(evidence["file"]["sha256"], sha);
    assert_eq!(evidence["file"]["sizeBytes"], file.len());
    assert_eq!(evidence["file"]["mediaType"], "application/pdf");
    // the file comes back as uploaded, to operators only, and the download is audited
    let path = evidence["file"]["downloadPath"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = app
        .client
        .get(app.url(&path))
        .bearer_auth(app.operator())
        .header("x-request-id", "download-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["etag"], format!("\"{sha}\""));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename=\"referenze.pdf\""),
        "{headers:?}"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), file.as_slice());
    let get = |token: Option<String>, path: String| {
        let mut request = app.client.get(app.url(&path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(None, path.clone()).await, 401);
    let portal = app.token(fascicolo::auth::Role::Portal, None);
    assert_eq!(get(Some(portal), path.clone()).await, 403);
    let reporting = app.token(fascicolo::auth::Role::Reporting, None);
    assert_eq!(get(Some(reporting), path.clone()).await, 403);
    let unknown = "/evidences/no-such-evidence/file".to_owned();
    assert_eq!(get(Some(app.operator()), unknown).await, 404);
    let admin = app.token(fascicolo::auth::Role::Admin, None);
    let (_, audit) = app
        .post(
            Some(&admin),
            "query($cf: FiscalCode!) { auditLog(fiscalCode: $cf, first: 50) { edges { node { \
             requestId action fields } } } }",
            json!({ "cf": MARIO }),
        )
        .await;
    let downloads: Vec<&Value> = audit["data"]["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["fields"] == json!(["evidenceFile"]))
        .collect();
    assert_eq!(downloads.len(), 1, "{audit}");
    assert_eq!(downloads[0]["requestId"], "download-1");
    assert_eq!(downloads[0]["action"], "read");
    // a stale version is a conflict and adds nothing
    let body = add_evidence(&app, &d, None).await;
    assert_eq!(error_codes(&body), ["CONFLICT"], "{body}");
    assert_eq!(
        read(&app, &d["id"]).await["evidences"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let d = IVC
        .step(
            &app,
            after,
            "withdrawIvcDossier",
            json!({ "withdrawnOn": "2026-01-16" }),
        )
        .await;
    let body = add_evidence(&app, &d, None).await;
    assert_eq!(error_codes(&body), ["INVALID_TRANSITION"], "{body}");
    let err = &body["errors"][0]["extensions"];
    assert_eq!(err["current"], "CLOSED");
    assert_eq!(err["allowed"], json!([]));
    app.stop().await;
}
