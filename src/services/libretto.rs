//! The libretto as a use case (seed 000, DOMAIN.md §1): each step checks what was typed
//! (`domain::libretto_rules`), then the territory rule, then runs one store transaction
//! (`store::libretto`: version claimed first, audit row last). Opening and consolidating
//! also read the regional sources (`prefill`).

use super::{Deps, prefill, territory};
use crate::domain::FiscalCode;
use crate::domain::libretto::rules::{self as rules, CompetenceFields, ExperienceFields};
use crate::domain::libretto::{ExperienceOrigin, LibrettoStatus};
use crate::error::AppError;
use crate::sources::SourceFailure;
use crate::store::evidence::{self as evidence_store, EvidenceOwner, NewEvidence};
use crate::store::libretto::{self as store, NewLibretto};
use crate::store::reference::{COMPETENCE_TYPE, CONTRACT_TYPE};
use crate::store::write::Actor;
use chrono::Utc;
use entities::libretto;

/// A libretto and the version its writer read (optimistic concurrency).
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub id: &'a str,
    pub version: i64,
}

type Written = Result<libretto::Model, AppError>;

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Opens citizen `key`'s libretto (DRAFT), prefilled from every regional source. `office` is
/// the office the input names, if any; `note` receives the sources' failures.
pub async fn open(
    deps: &Deps<'_>,
    actor: &Actor,
    key: &FiscalCode,
    office: Option<String>,
    note: impl FnOnce(&[SourceFailure]),
) -> Written {
    let prefill = prefill::gather(deps, key, note).await?;
    let office = actor.office("office", office)?;
    territory::check(deps, actor, key.as_str()).await?;
    store::open(
        deps.store.db(),
        actor,
        NewLibretto {
            fiscal_code: key.as_str().to_owned(),
            region: deps.config.documents.region.clone(),
            area: prefill.area,
            office,
            person: prefill.person,
            experiences: prefill.experiences,
        },
    )
    .await
}

/// Runs one change of the libretto after the territory rule.
async fn change(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    action: &str,
    body: impl AsyncFnOnce(&sea_orm::DatabaseTransaction, &libretto::Model) -> Result<(), AppError>,
) -> Written {
    territory::check_libretto(deps, actor, target.id).await?;
    store::mutate(
        deps.store.db(),
        actor,
        target.id,
        target.version,
        action,
        body,
    )
    .await
}

/// DRAFT → IN_COMPILATION.
pub async fn start_compilation(deps: &Deps<'_>, actor: &Actor, target: Target<'_>) -> Written {
    change(deps, actor, target, "startCompilation", async |txn, m| {
        store::status_of(m)?.step(LibrettoStatus::InCompilation, &m.id, "start compiling it")?;
        store::set_status(txn, m, LibrettoStatus::InCompilation, actor, None).await
    })
    .await
}

/// An experience as typed, checked against the rules and the contract-type table.
fn experience(
    deps: &Deps<'_>,
    id: String,
    fields: ExperienceFields,
) -> Result<crate::domain::libretto::ExperienceData, AppError> {
    let today = Utc::now().date_naive();
    rules::experience(
        id,
        fields,
        ExperienceOrigin::SelfDeclared,
        today,
        |code, start| {
            deps.reference
                .check("contractType", CONTRACT_TYPE, code, None, Some(start))
                .map(|_| ())
        },
    )
}

/// Adds a self-declared experience (autodichiarazione).
pub async fn add_experience(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    fields: ExperienceFields,
) -> Written {
    let data = experience(deps, new_id(), fields)?;
    change(deps, actor, target, "addExperience", async |txn, m| {
        store::add_experience(txn, m, &data, actor).await
    })
    .await
}

/// Changes experience `experience_id`; a prefilled one keeps its provenance and `original`.
pub async fn update_experience(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    experience_id: Option<String>,
    fields: ExperienceFields,
) -> Written {
    let Some(experience_id) = experience_id else {
        return Err(AppError::bad_input(
            "experienceId",
            "experienceId: required to edit an experience",
        ));
    };
    let data = experience(deps, experience_id, fields)?;
    change(deps, actor, target, "updateExperience", async |txn, m| {
        store::update_experience(txn, m, &data, actor).await
    })
    .await
}

/// Drops an experience (it stays traceable), or restores it.
pub async fn drop_experience(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    experience_id: &str,
    restore: bool,
    reason: Option<String>,
) -> Written {
    rules::check_drop_reason(reason.as_deref())?;
    change(deps, actor, target, "dropExperience", async |txn, m| {
        store::drop_experience(txn, m, experience_id, !restore, reason, actor).await
    })
    .await
}

/// Adds a competence to section 2, with the evidences that support it.
pub async fn add_competence(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    fields: CompetenceFields,
) -> Written {
    deps.reference.check(
        "type",
        COMPETENCE_TYPE,
        &fields.competence_type,
        Some(&deps.config.documents.region),
        None,
    )?;
    let data = rules::competence(new_id(), fields, Utc::now().date_naive())?;
    change(deps, actor, target, "addCompetence", async |txn, m| {
        store::add_competence(txn, m, &data, actor).await
    })
    .await
}

/// Links more evidences of the libretto to one of its competences.
pub async fn link_evidences(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    competence_id: &str,
    evidence_ids: Vec<String>,
) -> Written {
    rules::check_evidence_ids(&evidence_ids)?;
    change(deps, actor, target, "linkEvidences", async |txn, m| {
        store::status_of(m)?.require_editable(&m.id, "link evidences")?;
        store::competence_in(txn, m, competence_id).await?;
        store::link_evidences(txn, m, competence_id, &evidence_ids).await
    })
    .await
}

/// Removes a competence from the working copy (issued versions keep theirs).
pub async fn remove_competence(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    competence_id: &str,
) -> Written {
    change(deps, actor, target, "removeCompetence", async |txn, m| {
        store::remove_competence(txn, m, competence_id).await
    })
    .await
}

/// Adds an evidence (checked, its upload read, by the caller) to the libretto's dossier.
pub async fn add_evidence(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    new: NewEvidence,
) -> Written {
    let max = deps.config.documents.max_file_bytes;
    let owner = EvidenceOwner::Libretto(target.id.to_owned());
    change(deps, actor, target, "addEvidence", async |txn, m| {
        store::status_of(m)?.require_editable(&m.id, "add an evidence")?;
        evidence_store::insert(txn, &owner, new, max, actor)
            .await
            .map(|_| ())
    })
    .await
}

/// IN_COMPILATION or IN_UPDATE → CONSOLIDATED: freezes a new immutable version, numbering
/// and issuing the libretto the first time; section 1.1 is refreshed from the sources.
pub async fn consolidate(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    citizen_signed: bool,
    note: impl FnOnce(&[SourceFailure]),
) -> Written {
    let current = store::find(deps.store.db(), target.id).await?;
    let key = FiscalCode::parse(&current.fiscal_code).map_err(AppError::internal)?;
    territory::check(deps, actor, key.as_str()).await?;
    let person = prefill::current_person(deps, &key, note).await;
    store::mutate(
        deps.store.db(),
        actor,
        target.id,
        target.version,
        "consolidate",
        async |txn, m| store::consolidate(txn, m, person, citizen_signed, actor).await,
    )
    .await
}

/// CONSOLIDATED → IN_UPDATE (e.g. a traineeship ended, a course was completed).
pub async fn reopen_for_update(
    deps: &Deps<'_>,
    actor: &Actor,
    target: Target<'_>,
    reason: String,
) -> Written {
    rules::check_reason(&reason)?;
    change(deps, actor, target, "update", async |txn, m| {
        store::status_of(m)?.step(LibrettoStatus::InUpdate, &m.id, "update it")?;
        store::set_status(txn, m, LibrettoStatus::InUpdate, actor, Some(reason)).await
    })
    .await
}

/// Any state → CANCELLED; the history and the issued versions stay readable.
pub async fn cancel(deps: &Deps<'_>, actor: &Actor, target: Target<'_>, reason: String) -> Written {
    rules::check_reason(&reason)?;
    change(deps, actor, target, "cancel", async |txn, m| {
        store::status_of(m)?.step(LibrettoStatus::Cancelled, &m.id, "cancel it")?;
        store::set_cancel_reason(txn, m, &reason).await?;
        store::set_status(
            txn,
            m,
            LibrettoStatus::Cancelled,
            actor,
            Some(reason.clone()),
        )
        .await
    })
    .await
}
