//! Consolidation: the content a version freezes, the numbering, and the consolidated libretto
//! an IVC dossier links as its Documento di trasparenza.

use super::{competence_data, evidence_data, experience_data, set_status};
use super::{competences_of, evidence_links_of, experiences_of, find};
use super::{from_json, status_of, to_json};
use crate::domain::libretto::{
    LibrettoContent, LibrettoStatus, PersonSnapshot, check_consolidation,
};
use crate::error::AppError;
use crate::store::write::Actor;
use chrono::{Datelike, Utc};
use entities::{document_counter, libretto, libretto_version};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set,
};

/// Freezes the current content as version n+1; the first consolidation numbers and issues it.
pub async fn consolidate(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    person: Option<PersonSnapshot>,
    citizen_signed: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    let status = status_of(model)?;
    status.step(LibrettoStatus::Consolidated, &model.id, "consolidate it")?;
    let mut content = content(txn, model).await?;
    if let Some(person) = person {
        content.person = person;
    }
    check_consolidation(&content, citizen_signed)?;
    let now = Utc::now();
    let number = match &model.number {
        Some(number) => number.clone(),
        None => next_number(txn, &model.region, now.year()).await?,
    };
    let n = model.versions_issued + 1;
    libretto_version::ActiveModel {
        libretto_id: Set(model.id.clone()),
        n: Set(n),
        number: Set(number.clone()),
        consolidated_at: Set(now),
        consolidated_by: Set(actor.subject().to_owned()),
        content: Set(to_json(&content)?),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let mut update = libretto::Entity::update_many();
    if model.issued_at.is_none() {
        // reporting counts the holder as at the first issue (seed 000's age bands)
        let age = content
            .person
            .birth_date
            .and_then(|b| now.date_naive().years_since(b))
            .and_then(|a| i16::try_from(a).ok());
        update = update
            .col_expr(
                libretto::Column::Gender,
                Expr::value(content.person.gender.clone()),
            )
            .col_expr(libretto::Column::AgeAtIssue, Expr::value(age));
    }
    update
        .col_expr(libretto::Column::Number, Expr::value(number))
        .col_expr(
            libretto::Column::IssuedAt,
            Expr::value(model.issued_at.unwrap_or(now)),
        )
        .col_expr(libretto::Column::LastConsolidatedAt, Expr::value(now))
        .col_expr(libretto::Column::VersionsIssued, Expr::value(n))
        .col_expr(
            libretto::Column::PersonSnapshot,
            Expr::value(to_json(&content.person)?),
        )
        .filter(libretto::Column::Id.eq(&model.id))
        .exec(txn)
        .await?;
    set_status(
        txn,
        model,
        LibrettoStatus::Consolidated,
        actor,
        Some(format!("version {n}")),
    )
    .await
}

/// `LFC-<region>-<year>-<sequence>`: one counter row per region and year, incremented under
/// the transaction's lock so two consolidations never share a number.
async fn next_number(
    txn: &DatabaseTransaction,
    region: &str,
    year: i32,
) -> Result<String, AppError> {
    let name = format!("libretto/{region}/{year}");
    document_counter::Entity::insert(document_counter::ActiveModel {
        name: Set(name.clone()),
        value: Set(0),
    })
    .on_conflict_do_nothing_on([document_counter::Column::Name])
    .exec(txn)
    .await?;
    document_counter::Entity::update_many()
        .col_expr(
            document_counter::Column::Value,
            Expr::col(document_counter::Column::Value).add(1),
        )
        .filter(document_counter::Column::Name.eq(&name))
        .exec(txn)
        .await?;
    let counter = document_counter::Entity::find_by_id(name)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("document counter vanished"))?;
    Ok(format!("LFC-{region}-{year}-{:06}", counter.value))
}

/// The working content of a libretto, as a version would freeze it.
pub async fn content(
    db: &impl ConnectionTrait,
    model: &libretto::Model,
) -> Result<LibrettoContent, AppError> {
    let person: PersonSnapshot = from_json(&model.person_snapshot)?;
    let experiences = experiences_of(db, std::slice::from_ref(&model.id)).await?;
    let competences = competences_of(db, std::slice::from_ref(&model.id)).await?;
    let competence_ids: Vec<String> = competences.iter().map(|c| c.id.clone()).collect();
    let links = evidence_links_of(db, &competence_ids).await?;
    let evidences =
        crate::store::evidence::of_librettos(db, std::slice::from_ref(&model.id)).await?;
    Ok(LibrettoContent {
        person,
        experiences: experiences.into_iter().map(experience_data).collect(),
        competences: competences
            .into_iter()
            .map(|c| {
                let ids = links
                    .iter()
                    .filter(|l| l.competence_id == c.id)
                    .map(|l| l.evidence_id.clone())
                    .collect();
                competence_data(c, ids)
            })
            .collect(),
        evidences: evidences.into_iter().map(evidence_data).collect(),
    })
}

/// A consolidated libretto, as an IVC dossier links it as its Documento di trasparenza
/// (seed 000: "Libretto Formativo rilasciato come Documento di trasparenza").
pub struct ConsolidatedLibretto {
    pub fiscal_code: String,
    pub number: String,
    pub version: i32,
}

pub async fn consolidated_for(
    txn: &DatabaseTransaction,
    libretto_id: &str,
) -> Result<ConsolidatedLibretto, AppError> {
    let model = find(txn, libretto_id).await?;
    match (status_of(&model)?, &model.number) {
        (LibrettoStatus::Consolidated, Some(number)) => Ok(ConsolidatedLibretto {
            fiscal_code: model.fiscal_code.clone(),
            number: number.clone(),
            version: model.versions_issued,
        }),
        (status, _) => Err(AppError::bad_input(
            "librettoId",
            format!(
                "librettoId: libretto {libretto_id} is {}; only a CONSOLIDATED libretto can be the \
                 Documento di trasparenza",
                status.as_str()
            ),
        )),
    }
}
