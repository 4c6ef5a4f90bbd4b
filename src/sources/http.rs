//! The HTTP adapter: reads the contract rows from a region's JSON service instead of its
//! database (docs/http-source.md). One POST per view per batch, as the SQL adapter sends one
//! statement; rows are checked against the contract columns and a row that breaks it fails
//! the call with a reason that names the endpoint, the row and the field.

use super::contract::{
    ContractView, EMPLOYMENT_VIEW, EmploymentRow, PERSON_VIEW, PersonRow, TRAINING_VIEW,
    TrainingRow, ViewCodes, ViewRows,
};
use super::fault::{CallError, of_http_status, of_json_answer, of_transport};
use super::search::{PersonSearch, SearchCursor};
use chrono::NaiveDate;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

mod decode;

use decode::{Wire, decode_all, decode_employment, decode_person, decode_training};

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

#[cfg(test)]
mod tests;
