//! The citizen's documents as PDF (issue 23; seed 000 "redazione e rilascio del Libretto
//! Formativo, quale Documento di trasparenza", seed 003's Dossier del Cittadino and Attestato
//! di validazione): what each document shows (`libretto`, `ivc`), always from a frozen
//! version, and the renderer (`pdf`).

mod ivc;
mod labels;
mod libretto;
pub mod pdf;

pub use ivc::IvcDocument;

use crate::error::AppError;
use crate::store::ivc::frozen;
use crate::store::reference::ReferenceData;
use sea_orm::ConnectionTrait;

/// A document a download asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// A libretto's consolidated version: `version` N, or the latest.
    Libretto {
        id: String,
        version: Option<i32>,
    },
    Ivc {
        id: String,
        document: IvcDocument,
    },
}

impl Wanted {
    /// "libretto L-1 does not exist": the same answer whether the id is unknown or the caller
    /// may not see it, so an id tells nothing.
    pub fn not_found(&self) -> String {
        match self {
            Wanted::Libretto { id, .. } => format!("libretto {id} does not exist"),
            Wanted::Ivc { id, .. } => format!("IVC dossier {id} does not exist"),
        }
    }

    /// The libretto or dossier asked for, read once; `None` when there is none. Its owner
    /// (`Found::owner`) is checked before anything else about it is told.
    pub async fn find(&self, db: &impl ConnectionTrait) -> Result<Option<Found>, AppError> {
        let found = match self {
            Wanted::Libretto { id, .. } => crate::store::libretto::find(db, id)
                .await
                .map(|l| Found::Libretto(Box::new(l))),
            Wanted::Ivc { id, .. } => crate::store::ivc::read::find(db, id)
                .await
                .map(|d| Found::Ivc(Box::new(d))),
        };
        match found {
            Ok(found) => Ok(Some(found)),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

/// The stored libretto or dossier a document is drawn from.
pub enum Found {
    Libretto(Box<entities::libretto::Model>),
    Ivc(Box<entities::ivc_dossier::Model>),
}

impl Found {
    /// The code it is stored under.
    pub fn owner(&self) -> &str {
        match self {
            Found::Libretto(l) => &l.fiscal_code,
            Found::Ivc(d) => &d.fiscal_code,
        }
    }
}

/// A rendered document, with what its download records.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub file_name: String,
    pub fiscal_code: String,
    /// The audit row's field: which document and version.
    pub audit_field: String,
}

/// Renders the document of `found`; NOT_FOUND when it was not released yet.
pub async fn render(
    db: &impl ConnectionTrait,
    reference: &ReferenceData,
    (wanted, found): (&Wanted, Found),
) -> Result<Rendered, AppError> {
    let (doc, fiscal_code, file_name, audit_field) = match (wanted, found) {
        (Wanted::Libretto { id, version }, Found::Libretto(model)) => {
            let frozen = crate::store::libretto::version_of(db, id, *version)
                .await?
                .ok_or_else(|| {
                    AppError::NotFound(match version {
                        Some(n) => format!("libretto {id} has no consolidated version {n}"),
                        None => format!("libretto {id} has no consolidated version yet"),
                    })
                })?;
            let content = crate::store::libretto::from_json(&frozen.content)?;
            let sha = crate::store::content_sha256(&frozen.content);
            let doc = libretto::document(&model, &frozen, &content, reference, &sha);
            (
                doc,
                model.fiscal_code,
                format!("{}-v{}.pdf", frozen.number, frozen.n),
                format!("libretto:{id}:v{}", frozen.n),
            )
        }
        (Wanted::Ivc { id, document }, Found::Ivc(d)) => {
            let missing = || AppError::NotFound(format!("IVC dossier {id} {}", document.missing()));
            let doc = match document {
                IvcDocument::Transparency => {
                    let competences =
                        crate::store::ivc::read::competences_of(db, std::slice::from_ref(id))
                            .await?;
                    let text = frozen::transparency(&d, &competences)?.ok_or_else(missing)?;
                    ivc::transparency(
                        &d,
                        &competences,
                        reference,
                        &crate::store::content_sha256(&text),
                    )?
                }
                IvcDocument::Attestato => {
                    let text = frozen::attestato(&d)?.ok_or_else(missing)?;
                    ivc::attestato(&d, &crate::store::content_sha256(&text))?
                }
                IvcDocument::Certificate => {
                    let text = frozen::certificate(&d)?.ok_or_else(missing)?;
                    ivc::certificate(&d, &crate::store::content_sha256(&text))?
                }
            };
            (
                doc,
                d.fiscal_code,
                format!("{id}-{}.pdf", document.key()),
                format!("{}:{id}", document.key()),
            )
        }
        // `find` of the same `Wanted` gives its own kind
        _ => return Err(AppError::internal("a document read as another kind")),
    };
    let pdf = pdf::render(&doc).map_err(|e| AppError::internal(e.to_string()))?;
    Ok(Rendered {
        pdf,
        file_name,
        fiscal_code,
        audit_field,
    })
}
