//! GET `/reports/<name>.csv`: each report of `statistics` as CSV for spreadsheets, with the
//! same filters as query parameters, the same roles and the same suppression of small cells.
//! Text cells that a spreadsheet would run as a formula are escaped (OWASP "CSV injection").

use super::{error_response, internal_error};
use crate::auth::Role;
use crate::domain::libretto::LibrettoStatus;
use crate::error::ErrorCode;
use crate::graphql::reporting::{Breakdown, Disclosure};
use crate::http::HttpState;
use crate::reporting::Report;
use crate::store::reporting::{IvcScope, LibrettoScope};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use std::collections::HashMap;

pub async fn csv(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let principal = match super::authorize(
        &state,
        &headers,
        &[Role::Reporting, Role::Admin],
        "read reports",
    ) {
        Ok(p) => p,
        Err(answer) => return *answer,
    };
    let Some(report) = file.strip_suffix(".csv").and_then(Report::parse) else {
        let names: Vec<&str> = Report::ALL.iter().map(|r| r.name()).collect();
        return error_response(
            ErrorCode::NotFound,
            &format!("no report {file}; reports: {}.csv", names.join(".csv, ")),
        );
    };
    let (libretti, ivc) = match scopes(&params) {
        Ok(scopes) => scopes,
        Err(message) => return error_response(ErrorCode::BadUserInput, &message),
    };
    let disclosure = Disclosure::for_role(principal.role, &state.app);
    let plan = match disclosure.plan(report.family(), &libretti, &ivc) {
        Ok(plan) => plan,
        Err(err) => {
            return error_response(ErrorCode::BadUserInput, &err.to_string());
        }
    };
    match disclosure.breakdown(&state.app, report, &plan).await {
        Ok(breakdown) => match to_csv(&breakdown) {
            Ok(body) => {
                let mut response = body.into_response();
                let h = response.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                );
                if let Ok(v) = HeaderValue::from_str(&format!(
                    "attachment; filename=\"{}.csv\"",
                    report.name()
                )) {
                    h.insert(header::CONTENT_DISPOSITION, v);
                }
                response
            }
            Err(err) => internal_error("report", &err.to_string()),
        },
        Err(err) => internal_error("report", &err.to_string()),
    }
}

/// The filters, each checked: an unknown parameter or a bad value names itself.
fn scopes(params: &HashMap<String, String>) -> Result<(LibrettoScope, IvcScope), String> {
    let mut libretti = LibrettoScope::default();
    let mut ivc = IvcScope::default();
    let date = |name: &str, value: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| format!("{name}: \"{value}\" is not a date (YYYY-MM-DD)"))
    };
    for (name, value) in params {
        match name.as_str() {
            "area" => libretti.area = Some(value.clone()),
            "office" => libretti.office = Some(value.clone()),
            "status" => {
                let status = LibrettoStatus::parse(value)
                    .ok_or_else(|| format!("status: \"{value}\" is not a libretto status"))?;
                libretti.status = Some(status.as_str().to_owned());
            }
            "issuedFrom" => libretti.issued_from = Some(date(name, value)?),
            "issuedTo" => libretti.issued_to = Some(date(name, value)?),
            "region" => ivc.region = Some(value.clone()),
            "program" => ivc.program = Some(value.clone()),
            "requestedFrom" => ivc.requested_from = Some(date(name, value)?),
            "requestedTo" => ivc.requested_to = Some(date(name, value)?),
            "releasedFrom" => ivc.released_from = Some(date(name, value)?),
            "releasedTo" => ivc.released_to = Some(date(name, value)?),
            other => {
                return Err(format!(
                    "{other}: unknown filter (area, office, status, issuedFrom, issuedTo, \
                     region, program, requestedFrom, requestedTo, releasedFrom, releasedTo)"
                ));
            }
        }
    }
    Ok((libretti, ivc))
}

/// A text cell as a spreadsheet must show it: one starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be run as a formula, so it gets a leading `'` (OWASP). Only text
/// cells: `count` and `suppressed` are written from integers and booleans, and counts are
/// never negative.
fn text_cell(text: Option<&str>) -> String {
    let text = text.unwrap_or_default();
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// `key,label,count,suppressed` rows, then the total.
fn to_csv(breakdown: &Breakdown) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["key", "label", "count", "suppressed"])?;
    let count = |c: Option<i64>| c.map(|c| c.to_string()).unwrap_or_default();
    for cell in &breakdown.cells {
        writer.write_record([
            text_cell(cell.key.as_deref()),
            text_cell(cell.label.as_deref()),
            count(cell.count),
            cell.suppressed.to_string(),
        ])?;
    }
    writer.write_record([
        "TOTAL".to_owned(),
        String::new(),
        count(breakdown.total),
        breakdown.total_suppressed.to_string(),
    ])?;
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
