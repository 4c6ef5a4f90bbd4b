//! The libretto in the store: every mutation as one transaction (version claimed first, audit
//! row last), the content a consolidation freezes, numbering, and the batched reads the
//! loaders use.

use super::write::{self, Actor};
use crate::domain::libretto::{
    CompetenceData, EvidenceData, ExperienceData, ExperienceKind, ExperienceOrigin,
    LearningContext, LibrettoContent, LibrettoStatus, PersonSnapshot, check_consolidation,
};
use crate::error::AppError;
use chrono::{Datelike, Utc};
use entities::{
    competence_evidence, document_counter, evidence, libretto, libretto_competence,
    libretto_experience, libretto_transition, libretto_version,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr,
};

pub const TABLE: &str = "libretto";

/// A new libretto: the snapshot and the prefilled experiences (DOMAIN.md §1.3).
pub struct NewLibretto {
    pub fiscal_code: String,
    pub region: String,
    pub area: Option<String>,
    pub office: Option<String>,
    pub person: PersonSnapshot,
    pub experiences: Vec<ExperienceData>,
}

/// The reporting tallies on the libretto row (migration 000009): experiences kept, by origin.
pub const EXPERIENCE_TALLIES: [(libretto::Column, &str); 2] = [
    (libretto::Column::RegionalExperiences, "REGIONAL_DB"),
    (libretto::Column::SelfDeclaredExperiences, "SELF_DECLARED"),
];
/// … and evidences by seed 000's four categories.
pub const EVIDENCE_TALLIES: [(libretto::Column, &str); 4] = [
    (
        libretto::Column::FormalEducationEvidences,
        "FORMAL_EDUCATION",
    ),
    (libretto::Column::ProfessionalEvidences, "PROFESSIONAL"),
    (libretto::Column::NonFormalEvidences, "NON_FORMAL"),
    (libretto::Column::OtherEvidences, "OTHER"),
];

/// Recounts libretto `id`'s tallies from its rows, in the caller's transaction: one UPDATE
/// whatever the change was, so they cannot drift from the sections they count.
pub async fn refresh_tallies(db: &impl ConnectionTrait, id: &str) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::{Asterisk, Query, QueryStatementBuilder, SelectStatement, SimpleExpr};
    let count = |select: &mut SelectStatement| -> SimpleExpr {
        SimpleExpr::SubQuery(
            None,
            Box::new(
                select
                    .expr(Expr::col(Asterisk).count())
                    .to_owned()
                    .into_sub_query_statement(),
            ),
        )
    };
    let owner = || Expr::col((libretto::Entity, libretto::Column::Id));
    let mut update = libretto::Entity::update_many().filter(libretto::Column::Id.eq(id));
    for (column, origin) in EXPERIENCE_TALLIES {
        let mut select = Query::select();
        select
            .from(libretto_experience::Entity)
            .and_where(
                Expr::col((
                    libretto_experience::Entity,
                    libretto_experience::Column::LibrettoId,
                ))
                .eq(owner()),
            )
            .and_where(libretto_experience::Column::Dropped.eq(false))
            .and_where(libretto_experience::Column::Origin.eq(origin));
        update = update.col_expr(column, count(&mut select));
    }
    for (column, category) in EVIDENCE_TALLIES {
        let mut select = Query::select();
        select
            .from(evidence::Entity)
            .and_where(Expr::col((evidence::Entity, evidence::Column::LibrettoId)).eq(owner()))
            .and_where(evidence::Column::Category.eq(category));
        update = update.col_expr(column, count(&mut select));
    }
    update.exec(db).await?;
    Ok(())
}

pub async fn open(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewLibretto,
) -> Result<libretto::Model, AppError> {
    let txn = write::begin(db).await?;
    let now = Utc::now();
    let id = uuid::Uuid::new_v4().to_string();
    let row = libretto::ActiveModel {
        id: Set(id.clone()),
        fiscal_code: Set(new.fiscal_code.clone()),
        region: Set(new.region),
        area: Set(new.area),
        office: Set(new.office),
        status: Set(LibrettoStatus::Draft.as_str().to_owned()),
        number: Set(None),
        issued_at: Set(None),
        gender: Set(None),
        age_at_issue: Set(None),
        last_consolidated_at: Set(None),
        versions_issued: Set(0),
        person_snapshot: Set(to_json(&new.person)?),
        cancel_reason: Set(None),
        created_at: Set(now),
        created_by: Set(actor.subject().to_owned()),
        updated_at: Set(now),
        version: Set(1),
        // the reporting tallies start at the column default, 0
        ..Default::default()
    };
    if let Err(err) = libretto::Entity::insert(row).exec(&txn).await {
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            // PostgreSQL refuses further statements in a failed transaction
            txn.rollback().await?;
            let existing = active_of(db, &new.fiscal_code).await?;
            return Err(AppError::Conflict {
                message: format!(
                    "citizen {} already has libretto {} ({}): update it instead of opening another",
                    new.fiscal_code,
                    existing.as_ref().map_or("?", |l| l.id.as_str()),
                    existing.as_ref().map_or("?", |l| l.status.as_str()),
                ),
                current_version: existing.map_or(0, |l| l.version),
            });
        }
        return Err(err.into());
    }
    let rows: Vec<_> = new
        .experiences
        .iter()
        .enumerate()
        .map(|(i, e)| experience_row(&id, i, e, actor))
        .collect::<Result<_, _>>()?;
    if !rows.is_empty() {
        libretto_experience::Entity::insert_many(rows)
            .exec(&txn)
            .await?;
        refresh_tallies(&txn, &id).await?;
    }
    record_transition(&txn, &id, None, LibrettoStatus::Draft, actor, None).await?;
    write::audit(
        &txn,
        actor,
        &new.fiscal_code,
        format!(
            "libretto.open libretto={id} prefilled={}",
            new.experiences.len()
        ),
    )
    .await?;
    let model = find(&txn, &id).await?;
    write::commit(txn).await?;
    Ok(model)
}

/// Runs `change` on libretto `id` as one transaction: claims `version` (CONFLICT if stale),
/// then `change` validates against the current row and writes, then the audit row.
pub async fn mutate(
    db: &DatabaseConnection,
    actor: &Actor,
    id: &str,
    version: i64,
    action: &str,
    change: impl AsyncFnOnce(&DatabaseTransaction, &libretto::Model) -> Result<(), AppError>,
) -> Result<libretto::Model, AppError> {
    let txn = write::begin(db).await?;
    write::claim_version(&txn, TABLE, "libretto", id, version).await?;
    let current = find(&txn, id).await?;
    change(&txn, &current).await?;
    refresh_tallies(&txn, id).await?;
    libretto::Entity::update_many()
        .col_expr(libretto::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(libretto::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    write::audit(
        &txn,
        actor,
        &current.fiscal_code,
        format!("libretto.{action} libretto={id}"),
    )
    .await?;
    let after = find(&txn, id).await?;
    write::commit(txn).await?;
    Ok(after)
}

pub fn status_of(model: &libretto::Model) -> Result<LibrettoStatus, AppError> {
    LibrettoStatus::parse(&model.status).ok_or_else(|| {
        AppError::internal(format!("libretto {} has status {}", model.id, model.status))
    })
}

pub async fn set_status(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    to: LibrettoStatus,
    actor: &Actor,
    note: Option<String>,
) -> Result<(), AppError> {
    let from = status_of(model)?;
    libretto::Entity::update_many()
        .col_expr(libretto::Column::Status, Expr::value(to.as_str()))
        .filter(libretto::Column::Id.eq(&model.id))
        .exec(txn)
        .await?;
    record_transition(txn, &model.id, Some(from), to, actor, note).await
}

async fn record_transition(
    txn: &DatabaseTransaction,
    id: &str,
    from: Option<LibrettoStatus>,
    to: LibrettoStatus,
    actor: &Actor,
    note: Option<String>,
) -> Result<(), AppError> {
    libretto_transition::ActiveModel {
        libretto_id: Set(id.to_owned()),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        at: Set(Utc::now()),
        by: Set(actor.subject().to_owned()),
        note: Set(note),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

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
    let evidences = evidences_of_librettos(db, std::slice::from_ref(&model.id)).await?;
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

// ---- section 1: experiences ----

pub async fn add_experience(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    data: &ExperienceData,
    actor: &Actor,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "add an experience")?;
    let position = libretto_experience::Entity::find()
        .filter(libretto_experience::Column::LibrettoId.eq(&model.id))
        .count(txn)
        .await?;
    libretto_experience::Entity::insert(experience_row(
        &model.id,
        usize::try_from(position).unwrap_or(usize::MAX),
        data,
        actor,
    )?)
    .exec(txn)
    .await?;
    Ok(())
}

/// Replaces the editable fields; a prefilled experience keeps its original values and its
/// provenance, and is marked edited.
pub async fn update_experience(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    data: &ExperienceData,
    actor: &Actor,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "edit an experience")?;
    let existing = experience_in(txn, model, &data.id).await?;
    let mut row: libretto_experience::ActiveModel = existing.clone().into();
    row.organisation = Set(data.organisation.clone());
    row.title = Set(data.title.clone());
    row.start_date = Set(data.start_date);
    row.end_date = Set(data.end_date);
    row.contract_type = Set(data.contract_type.clone());
    row.occupation_code = Set(data.occupation_code.clone());
    row.sector_code = Set(data.sector_code.clone());
    row.weekly_hours = Set(data.weekly_hours);
    row.training_kind = Set(data.training_kind.clone());
    row.hours = Set(data.hours);
    row.outcome = Set(data.outcome.clone());
    row.qualification_code = Set(data.qualification_code.clone());
    row.eqf_level = Set(data.eqf_level);
    row.description = Set(data.description.clone());
    row.edited = Set(existing.origin == ExperienceOrigin::RegionalDb.code());
    row.updated_at = Set(Utc::now());
    row.updated_by = Set(actor.subject().to_owned());
    row.update(txn).await?;
    Ok(())
}

/// Drops (or restores) an experience: it stays in the libretto, marked, with the reason.
pub async fn drop_experience(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    experience_id: &str,
    dropped: bool,
    reason: Option<String>,
    actor: &Actor,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "drop an experience")?;
    let existing = experience_in(txn, model, experience_id).await?;
    let mut row: libretto_experience::ActiveModel = existing.into();
    row.dropped = Set(dropped);
    row.drop_reason = Set(if dropped { reason } else { None });
    row.updated_at = Set(Utc::now());
    row.updated_by = Set(actor.subject().to_owned());
    row.update(txn).await?;
    Ok(())
}

pub async fn experience_in(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    experience_id: &str,
) -> Result<libretto_experience::Model, AppError> {
    libretto_experience::Entity::find_by_id(experience_id.to_owned())
        .filter(libretto_experience::Column::LibrettoId.eq(&model.id))
        .one(txn)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "experience {experience_id} is not in libretto {}",
                model.id
            ))
        })
}

fn experience_row(
    libretto_id: &str,
    position: usize,
    e: &ExperienceData,
    actor: &Actor,
) -> Result<libretto_experience::ActiveModel, AppError> {
    let original = match e.origin {
        ExperienceOrigin::RegionalDb => Some(to_json(e)?),
        ExperienceOrigin::SelfDeclared => None,
    };
    Ok(libretto_experience::ActiveModel {
        id: Set(e.id.clone()),
        libretto_id: Set(libretto_id.to_owned()),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        kind: Set(e.kind.code().to_owned()),
        origin: Set(e.origin.code().to_owned()),
        source_name: Set(e.source_name.clone()),
        source_row_id: Set(e.source_row_id.clone()),
        organisation: Set(e.organisation.clone()),
        title: Set(e.title.clone()),
        start_date: Set(e.start_date),
        end_date: Set(e.end_date),
        contract_type: Set(e.contract_type.clone()),
        occupation_code: Set(e.occupation_code.clone()),
        sector_code: Set(e.sector_code.clone()),
        weekly_hours: Set(e.weekly_hours),
        training_kind: Set(e.training_kind.clone()),
        hours: Set(e.hours),
        outcome: Set(e.outcome.clone()),
        qualification_code: Set(e.qualification_code.clone()),
        eqf_level: Set(e.eqf_level),
        description: Set(e.description.clone()),
        original: Set(original),
        edited: Set(false),
        dropped: Set(false),
        drop_reason: Set(None),
        updated_at: Set(Utc::now()),
        updated_by: Set(actor.subject().to_owned()),
    })
}

// ---- section 2: competences ----

pub async fn add_competence(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    data: &CompetenceData,
    actor: &Actor,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "add a competence")?;
    let position = libretto_competence::Entity::find()
        .filter(libretto_competence::Column::LibrettoId.eq(&model.id))
        .count(txn)
        .await?;
    libretto_competence::ActiveModel {
        id: Set(data.id.clone()),
        libretto_id: Set(model.id.clone()),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        competence_type: Set(data.competence_type.clone()),
        description: Set(data.description.clone()),
        context: Set(data.context.as_str().to_owned()),
        period_from: Set(data.period_from),
        period_to: Set(data.period_to),
        ada_code: Set(data.ada_code.clone()),
        created_at: Set(Utc::now()),
        created_by: Set(actor.subject().to_owned()),
    }
    .insert(txn)
    .await?;
    link_evidences(txn, model, &data.id, &data.evidence_ids).await
}

/// Links evidences of this libretto to one of its competences (links already there stay).
pub async fn link_evidences(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    competence_id: &str,
    evidence_ids: &[String],
) -> Result<(), AppError> {
    if evidence_ids.is_empty() {
        return Ok(());
    }
    let owned = evidence::Entity::find()
        .filter(evidence::Column::LibrettoId.eq(&model.id))
        .filter(evidence::Column::Id.is_in(evidence_ids.iter().cloned()))
        .all(txn)
        .await?;
    if let Some(missing) = evidence_ids
        .iter()
        .find(|id| !owned.iter().any(|e| &e.id == *id))
    {
        return Err(AppError::bad_input(
            "evidenceIds",
            format!(
                "evidenceIds: evidence {missing} does not belong to libretto {}",
                model.id
            ),
        ));
    }
    let rows = evidence_ids
        .iter()
        .map(|evidence_id| competence_evidence::ActiveModel {
            competence_id: Set(competence_id.to_owned()),
            evidence_id: Set(evidence_id.clone()),
        });
    competence_evidence::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([
            competence_evidence::Column::CompetenceId,
            competence_evidence::Column::EvidenceId,
        ])
        .exec(txn)
        .await?;
    Ok(())
}

pub async fn competence_in(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    competence_id: &str,
) -> Result<libretto_competence::Model, AppError> {
    libretto_competence::Entity::find_by_id(competence_id.to_owned())
        .filter(libretto_competence::Column::LibrettoId.eq(&model.id))
        .one(txn)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "competence {competence_id} is not in libretto {}",
                model.id
            ))
        })
}

/// Removes a competence of the working copy (consolidated versions keep theirs).
pub async fn remove_competence(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    competence_id: &str,
) -> Result<(), AppError> {
    status_of(model)?.require_editable(&model.id, "remove a competence")?;
    competence_in(txn, model, competence_id).await?;
    competence_evidence::Entity::delete_many()
        .filter(competence_evidence::Column::CompetenceId.eq(competence_id))
        .exec(txn)
        .await?;
    libretto_competence::Entity::delete_by_id(competence_id.to_owned())
        .exec(txn)
        .await?;
    Ok(())
}

// ---- reads (each one statement for any number of keys) ----

pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<libretto::Model, AppError> {
    libretto::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("libretto {id} does not exist")))
}

async fn active_of(
    db: &impl ConnectionTrait,
    fiscal_code: &str,
) -> Result<Option<libretto::Model>, AppError> {
    Ok(libretto::Entity::find()
        .filter(libretto::Column::FiscalCode.eq(fiscal_code))
        .filter(libretto::Column::Status.ne(LibrettoStatus::Cancelled.as_str()))
        .one(db)
        .await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<Vec<libretto::Model>, sea_orm::DbErr> {
    libretto::Entity::find()
        .filter(libretto::Column::Id.is_in(ids.iter().cloned()))
        .all(db)
        .await
}

/// Every libretto of these citizens, newest first.
pub async fn of_citizens(
    db: &impl ConnectionTrait,
    fiscal_codes: &[String],
) -> Result<Vec<libretto::Model>, sea_orm::DbErr> {
    libretto::Entity::find()
        .filter(libretto::Column::FiscalCode.is_in(fiscal_codes.iter().cloned()))
        .order_by_desc(libretto::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn experiences_of(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<libretto_experience::Model>, sea_orm::DbErr> {
    libretto_experience::Entity::find()
        .filter(libretto_experience::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(libretto_experience::Column::Position)
        .all(db)
        .await
}

pub async fn competences_of(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<libretto_competence::Model>, sea_orm::DbErr> {
    libretto_competence::Entity::find()
        .filter(libretto_competence::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(libretto_competence::Column::Position)
        .all(db)
        .await
}

pub async fn evidence_links_of(
    db: &impl ConnectionTrait,
    competence_ids: &[String],
) -> Result<Vec<competence_evidence::Model>, sea_orm::DbErr> {
    if competence_ids.is_empty() {
        return Ok(Vec::new());
    }
    competence_evidence::Entity::find()
        .filter(competence_evidence::Column::CompetenceId.is_in(competence_ids.iter().cloned()))
        .all(db)
        .await
}

pub async fn evidences_of_librettos(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<evidence::Model>, sea_orm::DbErr> {
    evidence::Entity::find()
        .filter(evidence::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(evidence::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn versions_of(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<libretto_version::Model>, sea_orm::DbErr> {
    libretto_version::Entity::find()
        .filter(libretto_version::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(libretto_version::Column::N)
        .all(db)
        .await
}

pub async fn transitions_of(
    db: &impl ConnectionTrait,
    libretto_ids: &[String],
) -> Result<Vec<libretto_transition::Model>, sea_orm::DbErr> {
    libretto_transition::Entity::find()
        .filter(libretto_transition::Column::LibrettoId.is_in(libretto_ids.iter().cloned()))
        .order_by_asc(libretto_transition::Column::Id)
        .all(db)
        .await
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

// ---- conversions ----

pub fn experience_data(m: libretto_experience::Model) -> ExperienceData {
    ExperienceData {
        id: m.id,
        kind: ExperienceKind::from_code(&m.kind).unwrap_or(ExperienceKind::Work),
        origin: ExperienceOrigin::from_code(&m.origin).unwrap_or(ExperienceOrigin::SelfDeclared),
        source_name: m.source_name,
        source_row_id: m.source_row_id,
        organisation: m.organisation,
        title: m.title,
        start_date: m.start_date,
        end_date: m.end_date,
        contract_type: m.contract_type,
        occupation_code: m.occupation_code,
        sector_code: m.sector_code,
        weekly_hours: m.weekly_hours,
        training_kind: m.training_kind,
        hours: m.hours,
        outcome: m.outcome,
        qualification_code: m.qualification_code,
        eqf_level: m.eqf_level,
        description: m.description,
        edited: m.edited,
        dropped: m.dropped,
        drop_reason: m.drop_reason,
        original: m.original,
    }
}

pub fn competence_data(m: libretto_competence::Model, evidence_ids: Vec<String>) -> CompetenceData {
    CompetenceData {
        id: m.id,
        competence_type: m.competence_type,
        description: m.description,
        context: LearningContext::parse(&m.context).unwrap_or(LearningContext::Informal),
        period_from: m.period_from,
        period_to: m.period_to,
        ada_code: m.ada_code,
        evidence_ids,
    }
}

pub fn evidence_data(m: evidence::Model) -> EvidenceData {
    EvidenceData {
        id: m.id,
        category: m.category,
        title: m.title,
        issuer: m.issuer,
        issued_on: m.issued_on,
        file_name: m.file_name,
        media_type: m.media_type,
        size_bytes: m.size_bytes,
        sha256: m.sha256,
    }
}

pub fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(AppError::internal)
}

pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AppError> {
    serde_json::from_str(text).map_err(AppError::internal)
}

pub async fn set_cancel_reason(
    txn: &DatabaseTransaction,
    model: &libretto::Model,
    reason: &str,
) -> Result<(), AppError> {
    libretto::Entity::update_many()
        .col_expr(
            libretto::Column::CancelReason,
            Expr::value(reason.to_owned()),
        )
        .filter(libretto::Column::Id.eq(&model.id))
        .exec(txn)
        .await?;
    Ok(())
}

// ---- listing with a keyset cursor ----

pub struct ListQuery {
    pub area: Option<String>,
    pub status: Option<LibrettoStatus>,
    pub issued_from: Option<chrono::NaiveDate>,
    pub issued_to: Option<chrono::NaiveDate>,
    pub office: Option<String>,
    pub after: Option<ListCursor>,
    pub size: usize,
}

/// Position in the newest-first order: (created_at, id).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListCursor {
    pub created_at: chrono::DateTime<Utc>,
    pub id: String,
}

impl ListCursor {
    pub fn of(model: &libretto::Model) -> Self {
        ListCursor {
            created_at: model.created_at,
            id: model.id.clone(),
        }
    }
}

/// One page of libretti, newest first; `true` when more follow.
pub async fn list(
    db: &impl ConnectionTrait,
    query: &ListQuery,
) -> Result<(Vec<libretto::Model>, bool), AppError> {
    use sea_orm::{Condition, QuerySelect};
    let mut select = libretto::Entity::find();
    if let Some(area) = &query.area {
        select = select.filter(libretto::Column::Area.eq(area.clone()));
    }
    if let Some(status) = query.status {
        select = select.filter(libretto::Column::Status.eq(status.as_str()));
    }
    if let Some(office) = &query.office {
        select = select.filter(libretto::Column::Office.eq(office.clone()));
    }
    if let Some(from) = query.issued_from {
        let from = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        select = select.filter(libretto::Column::IssuedAt.gte(from));
    }
    if let Some(to) = query.issued_to {
        let next = to
            .succ_opt()
            .unwrap_or(to)
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        select = select.filter(libretto::Column::IssuedAt.lt(next));
    }
    if let Some(after) = &query.after {
        select = select.filter(
            Condition::any()
                .add(libretto::Column::CreatedAt.lt(after.created_at))
                .add(
                    Condition::all()
                        .add(libretto::Column::CreatedAt.eq(after.created_at))
                        .add(libretto::Column::Id.lt(after.id.clone())),
                ),
        );
    }
    let mut rows = select
        .order_by_desc(libretto::Column::CreatedAt)
        .order_by_desc(libretto::Column::Id)
        .limit(u64::try_from(query.size + 1).unwrap_or(u64::MAX))
        .all(db)
        .await?;
    let has_next = rows.len() > query.size;
    rows.truncate(query.size);
    Ok((rows, has_next))
}
