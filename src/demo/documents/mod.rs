//! Demo documents: libretti and IVC dossiers in every state of their lifecycles (DOMAIN.md
//! §9), written on the demo's first start through the GraphQL API itself, as a CPI operator
//! would, so they obey every rule the API enforces and the demo shows real histories.

use crate::auth::{Principal, Role};
use crate::http::HttpState;
use crate::http::graphql::execute;
use chrono::{Datelike, Duration, NaiveDate};
use entities::{ivc_dossier, libretto};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

mod libretti;
mod paths;

/// The operator the demo documents are written by (it appears in their history and audit).
pub const DEMO_AUTHOR: &str = "demo-seed";

/// Where a demo libretto's lifecycle stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibrettoStop {
    Draft,
    InCompilation,
    Consolidated,
    InUpdate,
    /// Consolidated, updated and consolidated again: two issued versions.
    ConsolidatedTwice,
    Cancelled,
}

/// Where a demo IVC dossier's path stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IvcStop {
    Requested,
    TakenInCharge,
    Identification,
    TransparencyReleased,
    Validation,
    ValidationNegative,
    AttestatoReleased,
    Certification,
    CertificateReleased,
    NotPassed,
    ClosedDossierOnly,
    ClosedWithAttestato,
    ClosedQualified,
    Withdrawn,
}

/// Two libretti per state, so lists and filters show more than one of each.
pub const LIBRETTI: [LibrettoStop; 12] = {
    use LibrettoStop::*;
    [
        Draft,
        InCompilation,
        Consolidated,
        InUpdate,
        ConsolidatedTwice,
        Cancelled,
        Consolidated,
        ConsolidatedTwice,
        InCompilation,
        Draft,
        InUpdate,
        Cancelled,
    ]
};

pub const DOSSIERS: [IvcStop; 14] = {
    use IvcStop::*;
    [
        Requested,
        TakenInCharge,
        Identification,
        TransparencyReleased,
        Validation,
        ValidationNegative,
        AttestatoReleased,
        Certification,
        CertificateReleased,
        NotPassed,
        ClosedDossierOnly,
        ClosedWithAttestato,
        ClosedQualified,
        Withdrawn,
    ]
};

#[derive(Debug, thiserror::Error)]
pub enum DemoDocumentsError {
    #[error("demo documents: {0}")]
    Store(#[from] sea_orm::DbErr),
    #[error("demo documents: {step} was refused: {message}")]
    Refused { step: String, message: String },
    #[error("demo documents: only {found} demo citizens aged 20-60 were found, {needed} needed")]
    TooFewCitizens { found: usize, needed: usize },
}

/// How many documents were written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub libretti: usize,
    pub dossiers: usize,
    pub orientations: usize,
}

/// Orientation records written: consent given for most, refused or withdrawn for some.
pub const ORIENTATIONS: usize = 12;

/// Writes the demo documents when the store has neither libretti nor IVC dossiers; `None`
/// when it already has some (a later start, or an operator's own work).
pub async fn seed_once(state: &HttpState) -> Result<Option<Written>, DemoDocumentsError> {
    let db = state.app.store.db();
    let existing =
        libretto::Entity::find().count(db).await? + ivc_dossier::Entity::find().count(db).await?;
    if existing > 0 {
        return Ok(None);
    }
    seed(state).await.map(Some)
}

/// Writes one libretto per entry of [`LIBRETTI`] and one dossier per entry of [`DOSSIERS`],
/// each for a different demo citizen aged 20-60.
pub async fn seed(state: &HttpState) -> Result<Written, DemoDocumentsError> {
    let operator = Operator {
        state,
        principal: Principal {
            subject: DEMO_AUTHOR.to_owned(),
            role: Role::Operator,
            office: Some("CPI-FI-01".to_owned()),
        },
    };
    let needed = LIBRETTI.len() + DOSSIERS.len() + ORIENTATIONS;
    let citizens = operator.adult_citizens(needed).await?;
    if citizens.len() < needed {
        return Err(DemoDocumentsError::TooFewCitizens {
            found: citizens.len(),
            needed,
        });
    }
    let (for_libretti, rest) = citizens.split_at(LIBRETTI.len());
    let (for_dossiers, for_orientation) = rest.split_at(DOSSIERS.len());
    let mut written = Written::default();
    for (i, (stop, citizen)) in LIBRETTI.iter().zip(for_libretti).enumerate() {
        operator.of(citizen).libretto(citizen, *stop, i).await?;
        written.libretti += 1;
    }
    for (i, (stop, citizen)) in DOSSIERS.iter().zip(for_dossiers).enumerate() {
        operator.of(citizen).dossier(citizen, *stop, i).await?;
        written.dossiers += 1;
    }
    for (i, citizen) in for_orientation.iter().enumerate() {
        operator.of(citizen).orientation(citizen, i).await?;
        written.orientations += 1;
    }
    // dossiers released with a libretto as Documento di trasparenza consolidated their own
    written.libretti = usize::try_from(libretto::Entity::find().count(state.app.store.db()).await?)
        .unwrap_or(usize::MAX);
    Ok(written)
}

/// A demo citizen as the search gives it.
struct DemoCitizen {
    fiscal_code: String,
    office: Option<String>,
}

/// A document as a mutation answers: what the next step needs.
struct Doc {
    id: Value,
    version: Value,
}

struct Operator<'a> {
    state: &'a HttpState,
    principal: Principal,
}

const DOC: &str = "id version";

fn day(base: NaiveDate, plus: i64) -> String {
    (base + Duration::days(plus)).to_string()
}

fn pdf(title: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% demo evidence: {title}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
        .into_bytes()
}

impl<'a> Operator<'a> {
    /// An operator of the citizen's own CPI: an operator writes for its token's office.
    fn of(&self, citizen: &DemoCitizen) -> Operator<'a> {
        let mut principal = self.principal.clone();
        principal.office = citizen.office.clone().or(principal.office);
        Operator { principal, ..*self }
    }

    /// Runs one GraphQL operation as the demo operator; `upload` is the file for
    /// `variables.input.file`. The data, or the first error as `Refused`.
    async fn run(
        &self,
        step: &str,
        query: &str,
        variables: Value,
        upload: Option<(&str, Vec<u8>)>,
    ) -> Result<Value, DemoDocumentsError> {
        let mut request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        if let Some((name, bytes)) = upload {
            request.set_upload(
                "variables.input.file",
                async_graphql::UploadValue {
                    filename: name.to_owned(),
                    content_type: Some("application/pdf".to_owned()),
                    content: bytes.into(),
                },
            );
        }
        let response = execute(
            self.state,
            self.principal.clone(),
            uuid::Uuid::new_v4().to_string(),
            request,
        )
        .await;
        if let Some(error) = response.errors.first() {
            return Err(DemoDocumentsError::Refused {
                step: step.to_owned(),
                message: error.message.clone(),
            });
        }
        response
            .data
            .into_json()
            .map_err(|e| DemoDocumentsError::Refused {
                step: step.to_owned(),
                message: e.to_string(),
            })
    }

    /// A mutation that takes `input` of type `<Name>Input`-like `input_type`; the document it
    /// answers with.
    async fn mutate(
        &self,
        name: &str,
        input_type: &str,
        input: Value,
        upload: Option<(&str, Vec<u8>)>,
    ) -> Result<Doc, DemoDocumentsError> {
        let query =
            format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {DOC} }} }}");
        let data = self
            .run(name, &query, json!({ "input": input }), upload)
            .await?;
        Ok(Doc {
            id: data[name]["id"].clone(),
            version: data[name]["version"].clone(),
        })
    }

    /// A lifecycle step on `doc` (the id field is `id_field`), with the version it carries.
    async fn step(
        &self,
        doc: &Doc,
        name: &str,
        input_type: &str,
        id_field: &str,
        mut input: Value,
    ) -> Result<Doc, DemoDocumentsError> {
        input[id_field] = doc.id.clone();
        input["version"] = doc.version.clone();
        self.mutate(name, input_type, input, None).await
    }

    /// Up to `needed` citizens aged 20-60 on 1 January 2025 (IVC admits 15-64), from the
    /// demo sources' Tuscan provinces, in the search's stable order.
    async fn adult_citizens(&self, needed: usize) -> Result<Vec<DemoCitizen>, DemoDocumentsError> {
        const QUERY: &str = "query($p: String!) { searchCitizens(province: $p, first: 50) { \
            edges { node { fiscalCode person { birthDate cpiCode } } } } }";
        let on = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
        let mut found = Vec::new();
        for province in ["FI", "PO", "PI", "AR", "LU", "SI"] {
            let data = self
                .run("searchCitizens", QUERY, json!({ "p": province }), None)
                .await?;
            let edges = data["searchCitizens"]["edges"].as_array().cloned();
            for edge in edges.unwrap_or_default() {
                let node = &edge["node"];
                let birth = node["person"]["birthDate"]
                    .as_str()
                    .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok());
                let Some(birth) = birth else { continue };
                let age = on.year() - birth.year();
                if (20..=60).contains(&age) {
                    found.push(DemoCitizen {
                        fiscal_code: node["fiscalCode"].as_str().unwrap_or_default().to_owned(),
                        office: node["person"]["cpiCode"].as_str().map(str::to_owned),
                    });
                }
                if found.len() == needed {
                    return Ok(found);
                }
            }
        }
        Ok(found)
    }
}
