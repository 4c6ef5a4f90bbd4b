//! GraphiQL at `/`: the page and its assets, compiled into the binary from `assets/graphiql/`
//! (pinned npm releases, see its README), so the page works where there is no internet. In
//! the demo the page carries a fresh token for every role, minted at each load.

use super::HttpState;
use crate::auth::demo::{DemoToken, demo_tokens};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/graphiql/",
                $name
            )),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

const ASSETS: [Asset; 5] = [
    asset!("react.production.min.js", JS),
    asset!("react-dom.production.min.js", JS),
    asset!("graphiql.min.js", JS),
    asset!("graphiql.min.css", "text/css; charset=utf-8"),
    asset!("fascicolo.js", JS),
];

/// Scripts and styles from this server only; the page's configuration is JSON, not code.
/// GraphiQL sets inline styles and embeds its fonts and icons as data URLs.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; font-src data:; img-src 'self' data:; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The README's first query: a citizen both demo sources know.
const DEFAULT_QUERY: &str = r#"# A citizen both demo sources know. Other roles: the picker above.
{
  citizen(fiscalCode: "BNCPLA60A62I726C") {
    person {
      givenName familyName birthDate email residenceMunicipalityName
      sources { source updatedAt }
      provenance { field source }
    }
    employments { source employerName startDate contractType contractTypeLabel }
    trainings { source kind title outcome }
  }
}
"#;

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fascicolo · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/graphiql/graphiql.min.css">
<style>
  body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: sans-serif; }
  #bar { display: flex; gap: 0.75em; align-items: center; padding: 0.4em 0.8em; font-size: 14px;
         border-bottom: 1px solid #ddd; }
  #hint { color: #666; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="bar"><strong>fascicolo</strong>
  <label for="role">role</label> <select id="role"></select> <span id="hint"></span></div>
<div id="graphiql">Loading…</div>
<script id="fascicolo-config" type="application/json">{config}</script>
<script src="/graphiql/react.production.min.js"></script>
<script src="/graphiql/react-dom.production.min.js"></script>
<script src="/graphiql/graphiql.min.js"></script>
<script src="/graphiql/fascicolo.js"></script>
</body>
</html>
"#;

/// What `fascicolo.js` reads.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PageConfig {
    endpoint: &'static str,
    tokens: Vec<DemoToken>,
    default_query: &'static str,
}

pub async fn page(State(state): State<HttpState>) -> Response {
    let tokens = if state.app.config.is_demo() {
        demo_tokens(&state.app.auth).unwrap_or_else(|err| {
            tracing::warn!(error = %err, "GraphiQL: demo tokens not minted");
            Vec::new()
        })
    } else {
        Vec::new()
    };
    let config = PageConfig {
        endpoint: "/graphql",
        tokens,
        default_query: DEFAULT_QUERY,
    };
    // JSON inside a <script> element: `</script>` must not end it early
    let config = serde_json::to_string(&config)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c");
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        ],
        PAGE.replace("{config}", &config),
    )
        .into_response()
}

pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.name == file) {
        Some(asset) => ([(header::CONTENT_TYPE, asset.content_type)], asset.bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
