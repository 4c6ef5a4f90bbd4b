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

    /// Whose document it is (the code it is stored under); `None` when there is no such
    /// libretto or dossier.
    pub async fn owner(&self, db: &impl ConnectionTrait) -> Result<Option<String>, AppError> {
        let found = match self {
            Wanted::Libretto { id, .. } => crate::store::libretto::find(db, id)
                .await
                .map(|l| l.fiscal_code),
            Wanted::Ivc { id, .. } => crate::store::ivc::read::find(db, id)
                .await
                .map(|d| d.fiscal_code),
        };
        match found {
            Ok(code) => Ok(Some(code)),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
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

/// Renders the document; NOT_FOUND when it does not exist or was not released yet.
pub async fn render(
    db: &impl ConnectionTrait,
    reference: &ReferenceData,
    wanted: &Wanted,
) -> Result<Rendered, AppError> {
    let (doc, fiscal_code, file_name, audit_field) = match wanted {
        Wanted::Libretto { id, version } => {
            let model = crate::store::libretto::find(db, id).await?;
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
        Wanted::Ivc { id, document } => {
            let d = crate::store::ivc::read::find(db, id).await?;
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
    };
    let pdf = pdf::render(&doc).map_err(|e| AppError::internal(e.to_string()))?;
    Ok(Rendered {
        pdf,
        file_name,
        fiscal_code,
        audit_field,
    })
}
