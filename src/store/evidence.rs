//! Evidences (evidenze, seed 000) of a libretto or an IVC dossier, and their files: only PDF
//! or image documents, within the configured size, stored once per SHA-256.

use super::write::Actor;
use crate::error::AppError;
use chrono::{NaiveDate, Utc};
use entities::{evidence, evidence_file};
use sea_orm::{DatabaseTransaction, EntityTrait, Set};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EvidenceOwner {
    Libretto(String),
    IvcDossier(String),
}

pub struct NewEvidence {
    pub category: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub file: Option<UploadedFile>,
}

pub struct UploadedFile {
    pub name: String,
    pub content: Vec<u8>,
}

/// The media type the bytes really are (the declared type and extension are not trusted).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Checks type and size; returns the media type and the SHA-256 in hex.
pub fn check_file(
    file: &UploadedFile,
    max_bytes: usize,
) -> Result<(&'static str, String), AppError> {
    if file.content.is_empty() {
        return Err(AppError::bad_input("file", "file: the file is empty"));
    }
    if file.content.len() > max_bytes {
        return Err(AppError::bad_input(
            "file",
            format!(
                "file: {} is {} bytes, more than the {max_bytes} allowed (documents.max_file_bytes)",
                file.name,
                file.content.len()
            ),
        ));
    }
    let media_type = sniff(&file.content).ok_or_else(|| {
        AppError::bad_input(
            "file",
            format!(
                "file: {} is not a PDF, PNG or JPEG document (only those are accepted as evidence)",
                file.name
            ),
        )
    })?;
    let sha256 = format!("{:x}", Sha256::digest(&file.content));
    Ok((media_type, sha256))
}

pub async fn insert(
    txn: &DatabaseTransaction,
    owner: &EvidenceOwner,
    new: NewEvidence,
    max_file_bytes: usize,
    actor: &Actor,
) -> Result<evidence::Model, AppError> {
    let (file_name, media_type, size, sha256) = match new.file {
        None => (None, None, None, None),
        Some(file) => {
            let (media_type, sha256) = check_file(&file, max_file_bytes)?;
            let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
            evidence_file::Entity::insert(evidence_file::ActiveModel {
                sha256: Set(sha256.clone()),
                media_type: Set(media_type.to_owned()),
                size_bytes: Set(size),
                content: Set(file.content),
            })
            .on_conflict_do_nothing_on([evidence_file::Column::Sha256])
            .exec(txn)
            .await?;
            (
                Some(file.name),
                Some(media_type.to_owned()),
                Some(size),
                Some(sha256),
            )
        }
    };
    let (libretto_id, ivc_dossier_id) = match owner {
        EvidenceOwner::Libretto(id) => (Some(id.clone()), None),
        EvidenceOwner::IvcDossier(id) => (None, Some(id.clone())),
    };
    let id = uuid::Uuid::new_v4().to_string();
    evidence::Entity::insert(evidence::ActiveModel {
        id: Set(id.clone()),
        libretto_id: Set(libretto_id),
        ivc_dossier_id: Set(ivc_dossier_id),
        category: Set(new.category),
        title: Set(new.title),
        issuer: Set(new.issuer),
        issued_on: Set(new.issued_on),
        file_name: Set(file_name),
        media_type: Set(media_type),
        size_bytes: Set(size),
        sha256: Set(sha256),
        created_at: Set(Utc::now()),
        created_by: Set(actor.subject().to_owned()),
    })
    .exec(txn)
    .await?;
    evidence::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("evidence vanished after insert"))
}

/// Evidences of several owners in one statement.
pub async fn of_owners(
    db: &impl sea_orm::ConnectionTrait,
    owners: &[EvidenceOwner],
) -> Result<Vec<evidence::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder};
    let librettos: Vec<String> = owners
        .iter()
        .filter_map(|o| match o {
            EvidenceOwner::Libretto(id) => Some(id.clone()),
            EvidenceOwner::IvcDossier(_) => None,
        })
        .collect();
    let dossiers: Vec<String> = owners
        .iter()
        .filter_map(|o| match o {
            EvidenceOwner::IvcDossier(id) => Some(id.clone()),
            EvidenceOwner::Libretto(_) => None,
        })
        .collect();
    evidence::Entity::find()
        .filter(
            Condition::any()
                .add(evidence::Column::LibrettoId.is_in(librettos))
                .add(evidence::Column::IvcDossierId.is_in(dossiers)),
        )
        .order_by_asc(evidence::Column::CreatedAt)
        .all(db)
        .await
}

/// An evidence's attached file with the fiscal code of the citizen it belongs to.
pub struct StoredFile {
    pub fiscal_code: String,
    pub file_name: Option<String>,
    pub file: evidence_file::Model,
}

/// The file attached to evidence `id`; `None` when there is no such evidence or it has no
/// file.
pub async fn file_of(
    db: &impl sea_orm::ConnectionTrait,
    id: &str,
) -> Result<Option<StoredFile>, sea_orm::DbErr> {
    use entities::{ivc_dossier, libretto};
    let Some(evidence) = evidence::Entity::find_by_id(id.to_owned()).one(db).await? else {
        return Ok(None);
    };
    let Some(sha256) = &evidence.sha256 else {
        return Ok(None);
    };
    let fiscal_code = match owner_of(&evidence) {
        Some(EvidenceOwner::Libretto(owner)) => libretto::Entity::find_by_id(owner)
            .one(db)
            .await?
            .map(|l| l.fiscal_code),
        Some(EvidenceOwner::IvcDossier(owner)) => ivc_dossier::Entity::find_by_id(owner)
            .one(db)
            .await?
            .map(|d| d.fiscal_code),
        None => None,
    };
    let (Some(fiscal_code), Some(file)) = (
        fiscal_code,
        evidence_file::Entity::find_by_id(sha256.clone())
            .one(db)
            .await?,
    ) else {
        return Ok(None);
    };
    Ok(Some(StoredFile {
        fiscal_code,
        file_name: evidence.file_name,
        file,
    }))
}

pub fn owner_of(model: &evidence::Model) -> Option<EvidenceOwner> {
    match (&model.libretto_id, &model.ivc_dossier_id) {
        (Some(id), _) => Some(EvidenceOwner::Libretto(id.clone())),
        (None, Some(id)) => Some(EvidenceOwner::IvcDossier(id.clone())),
        (None, None) => None,
    }
}

/// The evidences of these libretti, oldest first (a consolidation freezes them).
pub async fn of_librettos(
    db: &impl sea_orm::ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<evidence::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    evidence::Entity::find()
        .filter(evidence::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(evidence::Column::CreatedAt)
        .all(db)
        .await
}

/// Those of `ids` that are evidences of libretto `libretto_id`.
pub async fn of_libretto_among(
    txn: &DatabaseTransaction,
    libretto_id: &str,
    ids: &[String],
) -> Result<Vec<evidence::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    evidence::Entity::find()
        .filter(evidence::Column::LibrettoId.eq(libretto_id))
        .filter(evidence::Column::Id.is_in(ids.iter().cloned()))
        .all(txn)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pdf_and_images_within_the_limit_are_accepted() {
        let file = |bytes: &[u8]| UploadedFile {
            name: "doc".into(),
            content: bytes.to_vec(),
        };
        assert_eq!(
            check_file(&file(b"%PDF-1.7 ..."), 100).unwrap().0,
            "application/pdf"
        );
        assert!(check_file(&file(b"PK\x03\x04 zip"), 100).is_err());
        let big = file(&[b'%', b'P', b'D', b'F', b'-', 0, 0, 0, 0, 0]);
        let err = check_file(&big, 5).unwrap_err();
        assert!(err.to_string().contains("documents.max_file_bytes"));
        let (_, sha) = check_file(&file(b"%PDF-abc"), 100).unwrap();
        assert_eq!(sha.len(), 64);
    }
}
