//! The HTTP adapter: reads the contract rows from a region's JSON service instead of its
//! database (docs/http-source.md). One POST per view per batch, as the SQL adapter sends one
//! statement; rows are checked against the contract columns and a row that breaks it fails
//! the call with a reason that names the endpoint, the row and the field.

use super::contract::{
    ContractView, EMPLOYMENT_VIEW, EmploymentRow, PERSON_VIEW, PersonRow, TRAINING_VIEW,
    TrainingRow, ViewCodes, ViewRows,
};
use super::fault::{CallError, Fault, of_http_status, of_json_answer, of_transport};
use super::search::{PersonSearch, SearchCursor};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub struct HttpSource {
    /// One pooled client per source: keep-alive connections are reused across batches.
    client: reqwest::Client,
    /// Base URL without the trailing slash; endpoints are `{base}/persons` etc.
    base: String,
    token: Option<SecretString>,
    calls: AtomicU64,
}

/// The endpoints, relative to the source's `url`.
pub const PERSONS: &str = "persons";
pub const EMPLOYMENTS: &str = "employments";
pub const TRAININGS: &str = "trainings";
pub const SEARCH: &str = "search";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Batch<'a> {
    fiscal_codes: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchRequest<'a> {
    family_name_prefix: Option<String>,
    given_name_prefix: Option<String>,
    birth_date: Option<NaiveDate>,
    province: Option<&'a str>,
    after: Option<CursorBody<'a>>,
    limit: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CursorBody<'a> {
    family_name: &'a str,
    given_name: &'a str,
    fiscal_code: &'a str,
}

/// Every answer: `{"rows": [...]}`; other members are ignored so a service may add some.
#[derive(Deserialize)]
struct Answer {
    rows: Vec<Map<String, Value>>,
}

impl HttpSource {
    /// Builds the client; nothing is sent until the first call.
    pub fn new(
        url: &str,
        token: Option<SecretString>,
        max_connections: u32,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(timeout)
            .timeout(timeout)
            .pool_max_idle_per_host(usize::try_from(max_connections).unwrap_or(usize::MAX))
            .gzip(true)
            .user_agent(concat!("fascicolo/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(HttpSource {
            client,
            base: url.trim_end_matches('/').to_owned(),
            token,
            calls: AtomicU64::new(0),
        })
    }

    /// HTTP calls sent since start (every call, including failures).
    pub fn call_count(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// POSTs `body` to `{base}/{endpoint}` and returns the answer's rows, still undecoded.
    async fn post<B: Serialize + ?Sized>(
        &self,
        endpoint: &str,
        body: &B,
    ) -> Result<Vec<Map<String, Value>>, CallError> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let mut request = self
            .client
            .post(format!("{}/{endpoint}", self.base))
            .json(body);
        if let Some(token) = &self.token {
            // reqwest marks the header sensitive, so it stays out of its debug output
            request = request.bearer_auth(token.expose_secret());
        }
        let response = request.send().await.map_err(of_transport)?;
        let status = response.status().as_u16();
        if !response.status().is_success() {
            // the body is not read: it may be an HTML page or carry personal data
            let error = CallError::new(of_http_status(status), format!("HTTP {status}"));
            return Err(error.with_code(status.to_string()));
        }
        let bytes = response.bytes().await.map_err(of_transport)?;
        let answer: Answer =
            serde_json::from_slice(&bytes).map_err(|e| of_json_answer(endpoint, &e))?;
        Ok(answer.rows)
    }

    async fn batch<T>(
        &self,
        endpoint: &str,
        view: &ContractView,
        codes: &[String],
        decode: fn(&Wire<'_>) -> Result<T, String>,
        code: fn(&T) -> &str,
    ) -> Result<Vec<T>, CallError> {
        let rows = self
            .post(
                endpoint,
                &Batch {
                    fiscal_codes: codes,
                },
            )
            .await?;
        let mut decoded = decode_all(endpoint, view, &rows, decode)?;
        // a service that ignores the filter must not hand us other citizens' rows
        let asked: HashSet<&str> = codes.iter().map(String::as_str).collect();
        decoded.retain(|row| asked.contains(code(row)));
        Ok(decoded)
    }

    pub async fn persons(&self, codes: &[String]) -> Result<Vec<PersonRow>, CallError> {
        self.batch(PERSONS, &PERSON_VIEW, codes, decode_person, |r| {
            &r.fiscal_code
        })
        .await
    }

    pub async fn employments(&self, codes: &[String]) -> Result<Vec<EmploymentRow>, CallError> {
        self.batch(
            EMPLOYMENTS,
            &EMPLOYMENT_VIEW,
            codes,
            decode_employment,
            |r| &r.fiscal_code,
        )
        .await
    }

    pub async fn trainings(&self, codes: &[String]) -> Result<Vec<TrainingRow>, CallError> {
        self.batch(TRAININGS, &TRAINING_VIEW, codes, decode_training, |r| {
            &r.fiscal_code
        })
        .await
    }

    /// The rows of every view asked, one call per view, at once.
    pub async fn fetch_views(&self, asked: &ViewCodes) -> Result<ViewRows, CallError> {
        async fn unless_empty<T>(
            list: &[String],
            call: impl Future<Output = Result<Vec<T>, CallError>>,
        ) -> Result<Vec<T>, CallError> {
            if list.is_empty() {
                Ok(Vec::new())
            } else {
                call.await
            }
        }
        let (persons, employments, trainings) = tokio::try_join!(
            unless_empty(&asked.person, self.persons(&asked.person)),
            unless_empty(&asked.employment, self.employments(&asked.employment)),
            unless_empty(&asked.training, self.trainings(&asked.training)),
        )?;
        Ok(ViewRows {
            persons,
            employments,
            trainings,
        })
    }

    /// One page of people matching the search, after the cursor, in (family name, given
    /// name, fiscal code) order; at most `limit`.
    pub async fn search(
        &self,
        search: &PersonSearch,
        after: Option<&SearchCursor>,
        limit: usize,
    ) -> Result<Vec<PersonRow>, CallError> {
        let request = SearchRequest {
            // the SQL adapter compares trimmed, uppercased prefixes: so must the service
            family_name_prefix: search
                .family_name_prefix
                .as_deref()
                .map(|s| s.trim().to_uppercase()),
            given_name_prefix: search
                .given_name_prefix
                .as_deref()
                .map(|s| s.trim().to_uppercase()),
            birth_date: search.birth_date,
            province: search.province.as_deref(),
            after: after.map(|c| CursorBody {
                family_name: &c.family,
                given_name: &c.given,
                fiscal_code: &c.fiscal_code,
            }),
            limit,
        };
        let rows = self.post(SEARCH, &request).await?;
        let mut people = decode_all(SEARCH, &PERSON_VIEW, &rows, decode_person)?;
        // the merge pages by cursor: a row at or before it, or past the limit, would repeat
        // or skip people
        people.sort_by_cached_key(SearchCursor::of);
        if let Some(after) = after {
            people.retain(|p| SearchCursor::of(p) > *after);
        }
        people.truncate(limit);
        Ok(people)
    }

    /// An empty batch to `/persons`: the service, its token and its answer shape, no data.
    pub async fn ping(&self) -> Result<(), CallError> {
        self.persons(&[]).await.map(|_| ())
    }
}

fn decode_all<T>(
    endpoint: &str,
    view: &ContractView,
    rows: &[Map<String, Value>],
    decode: fn(&Wire<'_>) -> Result<T, String>,
) -> Result<Vec<T>, CallError> {
    rows.iter()
        .enumerate()
        .map(|(i, fields)| {
            let wire = Wire { fields };
            wire.known_fields(view)
                .and_then(|()| decode(&wire))
                .map_err(|problem| {
                    CallError::new(
                        Fault::Contract,
                        format!("/{endpoint} row {}: {problem}", i + 1),
                    )
                })
        })
        .collect()
}

/// A contract column's name on the wire: `fiscal_code` → `fiscalCode`.
pub fn wire_name(column: &str) -> String {
    let mut out = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// One row as the service sent it. Problems name the field, never its value (values are
/// personal data and reasons reach the logs).
struct Wire<'a> {
    fields: &'a Map<String, Value>,
}

impl Wire<'_> {
    /// Unknown members are refused: a misspelt column would otherwise read as null.
    fn known_fields(&self, view: &ContractView) -> Result<(), String> {
        for key in self.fields.keys() {
            if !view.columns.iter().any(|c| wire_name(c.name) == *key) {
                return Err(format!(
                    "unknown field `{key}` (the fields of {} are {})",
                    view.name,
                    view.columns
                        .iter()
                        .map(|c| wire_name(c.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The value of a column; absent and `null` are both "no value".
    fn get(&self, column: &str) -> Option<&Value> {
        self.fields.get(&wire_name(column)).filter(|v| !v.is_null())
    }

    fn wrong(column: &str, expected: &str, found: &Value) -> String {
        let found = match found {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        format!(
            "field `{}` must be {expected}, found {found}",
            wire_name(column)
        )
    }

    fn text(&self, column: &str) -> Result<Option<String>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(Self::wrong(column, "a string", other)),
        }
    }

    fn date(&self, column: &str) -> Result<Option<NaiveDate>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("field `{}` is not a date (YYYY-MM-DD)", wire_name(column))),
            Some(other) => Err(Self::wrong(column, "a date string (YYYY-MM-DD)", other)),
        }
    }

    fn timestamp(&self, column: &str) -> Result<Option<NaiveDateTime>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::String(s)) => {
                // with an offset it is converted to UTC, as the SQL adapter reads a
                // `timestamp with time zone`
                let parsed = DateTime::parse_from_rfc3339(s)
                    .map(|t| t.naive_utc())
                    .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
                    .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"));
                parsed.map(Some).map_err(|_| {
                    format!(
                        "field `{}` is not a timestamp (YYYY-MM-DDTHH:MM:SS)",
                        wire_name(column)
                    )
                })
            }
            Some(other) => Err(Self::wrong(column, "a timestamp string", other)),
        }
    }

    fn integer(&self, column: &str) -> Result<Option<i64>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
            Some(other) => Err(Self::wrong(column, "an integer", other)),
        }
    }

    fn decimal(&self, column: &str) -> Result<Option<f64>, String> {
        match self.get(column) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(Self::wrong(column, "a number", other)),
        }
    }
}

fn required<T>(value: Option<T>, column: &str) -> Result<T, String> {
    value.ok_or_else(|| {
        format!(
            "field `{}` is missing or null but the contract requires it",
            wire_name(column)
        )
    })
}

fn decode_person(w: &Wire<'_>) -> Result<PersonRow, String> {
    Ok(PersonRow {
        fiscal_code: required(w.text("fiscal_code")?, "fiscal_code")?,
        given_name: w.text("given_name")?,
        family_name: w.text("family_name")?,
        birth_date: w.date("birth_date")?,
        birth_place_code: w.text("birth_place_code")?,
        gender: w.text("gender")?,
        citizenship: w.text("citizenship")?,
        residence_municipality: w.text("residence_municipality")?,
        residence_province: w.text("residence_province")?,
        email: w.text("email")?,
        phone: w.text("phone")?,
        cpi_code: w.text("cpi_code")?,
        did_date: w.date("did_date")?,
        updated_at: required(w.timestamp("updated_at")?, "updated_at")?,
    })
}

fn decode_employment(w: &Wire<'_>) -> Result<EmploymentRow, String> {
    Ok(EmploymentRow {
        id: required(w.integer("id")?, "id")?,
        fiscal_code: required(w.text("fiscal_code")?, "fiscal_code")?,
        employer_tax_code: w.text("employer_tax_code")?,
        employer_name: w.text("employer_name")?,
        start_date: required(w.date("start_date")?, "start_date")?,
        end_date: w.date("end_date")?,
        contract_type: w.text("contract_type")?,
        occupation_code: w.text("occupation_code")?,
        sector_code: w.text("sector_code")?,
        weekly_hours: w.decimal("weekly_hours")?,
        workplace_municipality: w.text("workplace_municipality")?,
    })
}

fn decode_training(w: &Wire<'_>) -> Result<TrainingRow, String> {
    Ok(TrainingRow {
        id: required(w.integer("id")?, "id")?,
        fiscal_code: required(w.text("fiscal_code")?, "fiscal_code")?,
        kind: w.text("kind")?,
        title: w.text("title")?,
        provider_name: w.text("provider_name")?,
        start_date: w.date("start_date")?,
        end_date: w.date("end_date")?,
        hours: w.integer("hours")?,
        outcome: w.text("outcome")?,
        qualification_code: w.text("qualification_code")?,
        eqf_level: w.integer("eqf_level")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(value: &Value) -> Vec<Map<String, Value>> {
        serde_json::from_value::<Answer>(json!({ "rows": value }))
            .unwrap()
            .rows
    }

    #[test]
    fn wire_names_are_camel_case() {
        assert_eq!(wire_name("fiscal_code"), "fiscalCode");
        assert_eq!(wire_name("residence_municipality"), "residenceMunicipality");
        assert_eq!(wire_name("id"), "id");
        assert_eq!(wire_name("eqf_level"), "eqfLevel");
    }

    #[test]
    fn a_person_row_decodes_with_absent_nullable_fields() {
        let decoded = decode_all(
            PERSONS,
            &PERSON_VIEW,
            &rows(&json!([{
                "fiscalCode": " RSSMRA85T10A562S ",
                "familyName": "ROSSI",
                "givenName": null,
                "birthDate": "1985-12-10",
                "updatedAt": "2024-01-15T10:00:00+01:00",
            }])),
            decode_person,
        )
        .unwrap();
        assert_eq!(decoded[0].fiscal_code, "RSSMRA85T10A562S");
        assert_eq!(decoded[0].given_name, None);
        assert_eq!(decoded[0].email, None);
        assert_eq!(
            decoded[0].updated_at.to_string(),
            "2024-01-15 09:00:00",
            "an offset is converted to UTC"
        );
    }

    #[test]
    fn rows_that_break_the_contract_name_the_row_and_field() {
        let problem = |value: Value, view: &ContractView| -> String {
            let result = match view.name {
                "gw_employment" => {
                    decode_all(EMPLOYMENTS, view, &rows(&value), decode_employment).map(|_| ())
                }
                _ => decode_all(PERSONS, view, &rows(&value), decode_person).map(|_| ()),
            };
            result.unwrap_err().detail
        };
        let ok = json!({"fiscalCode": "RSSMRA85T10A562S", "updatedAt": "2024-01-15T10:00:00"});
        let mut unknown = ok.clone();
        unknown["familyname"] = json!("ROSSI");
        let message = problem(json!([&ok, unknown]), &PERSON_VIEW);
        assert!(
            message.starts_with("/persons row 2: unknown field `familyname`"),
            "{message}"
        );
        let mut bad_date = ok;
        bad_date["birthDate"] = json!("10/12/1985");
        assert_eq!(
            problem(json!([bad_date]), &PERSON_VIEW),
            "/persons row 1: field `birthDate` is not a date (YYYY-MM-DD)"
        );
        assert_eq!(
            problem(json!([{"fiscalCode": "RSSMRA85T10A562S"}]), &PERSON_VIEW),
            "/persons row 1: field `updatedAt` is missing or null but the contract requires it"
        );
        assert_eq!(
            problem(
                json!([{"id": "11", "fiscalCode": "X", "startDate": "2020-01-01"}]),
                &EMPLOYMENT_VIEW
            ),
            "/employments row 1: field `id` must be an integer, found a string"
        );
    }
}
