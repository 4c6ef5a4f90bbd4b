//! The steps of an IVC dossier's path, one function per mutation: each runs in
//! `store::ivc::mutate` (one transaction, version claimed first), checks the rules of
//! `domain::ivc` against the current row and says what to write.

use crate::domain::ivc::content::CompetenceDraft;
use crate::domain::ivc::rules::{
    check_assessor, check_event_date, check_hours, check_session_kind, check_session_length,
    check_terzieta,
};
use crate::domain::ivc::{IvcOutcome, IvcStatus};
use crate::domain::libretto::{check_optional_text, check_text};
use crate::error::AppError;
use crate::store::evidence::{self, EvidenceOwner, NewEvidence};
use crate::store::ivc::update::Closing;
use crate::store::ivc::{Change, DossierUpdate, mutate, parts};
use crate::store::reference::{ReferenceData, SEP_SECTOR};
use crate::store::write::Actor;
use chrono::NaiveDate;
use entities::ivc_dossier;
use sea_orm::DatabaseConnection;

pub use crate::store::ivc::NewSession;

type Dossier = ivc_dossier::Model;

fn unchanged() -> DossierUpdate {
    DossierUpdate::default()
}

pub async fn take_in_charge(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    adhesion_signed_on: NaiveDate,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    mutate(
        db,
        actor,
        id,
        version,
        "takeIvcInCharge",
        async |_, current, status| {
            status.step(IvcStatus::TakenInCharge, id, "take it in charge")?;
            check_event_date(
                "adhesionSignedOn",
                adhesion_signed_on,
                current.state_since,
                today,
            )?;
            let update = DossierUpdate {
                adhesion_signed_on: Some(adhesion_signed_on),
                ..unchanged()
            };
            Ok(Change::step(
                update,
                IvcStatus::TakenInCharge,
                adhesion_signed_on,
            ))
        },
    )
    .await
}

/// Identification and validation open with a date; nothing else changes.
pub async fn start_phase(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    phase: IvcStatus,
    started_on: NaiveDate,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    let (action, step) = match phase {
        IvcStatus::Identification => ("startIvcIdentification", "start identification"),
        _ => ("startIvcValidation", "start validation"),
    };
    mutate(
        db,
        actor,
        id,
        version,
        action,
        async |_, current, status| {
            status.step(phase, id, step)?;
            check_event_date("startedOn", started_on, current.state_since, today)?;
            Ok(Change::step(unchanged(), phase, started_on))
        },
    )
    .await
}

/// A session of the current phase; its minutes count towards the dossier's cap.
pub async fn add_session(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    session: NewSession,
    policy: &crate::domain::ivc::IvcPolicy,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    mutate(
        db,
        actor,
        id,
        version,
        "addIvcSession",
        async |txn, current, phase| {
            if phase.session_kinds().is_empty() {
                return Err(phase
                    .refuse(
                        id,
                        "record a session (sessions start once the dossier is TAKEN_IN_CHARGE)",
                    )
                    .into());
            }
            check_session_kind(phase, session.kind)?;
            check_event_date("heldOn", session.held_on, current.state_since, today)?;
            check_text("operator", &session.operator, 128)?;
            check_optional_text("notes", session.notes.as_deref(), 2000)?;
            check_session_length(
                i64::from(session.minutes),
                i64::from(policy.max_session_minutes),
            )?;
            check_hours(
                i64::from(current.minutes_used),
                i64::from(session.minutes),
                i64::from(current.max_minutes),
            )?;
            let recorded = parts::recorded_sessions(txn, id).await?;
            check_terzieta(phase, session.role, &session.operator, &recorded)?;
            let assessed_eqf = parts::assessed_eqf(txn, id).await?;
            check_assessor(phase, session.role, session.assessor, assessed_eqf)?;
            let minutes_used = current.minutes_used + session.minutes;
            parts::insert_session(txn, id, phase, session, actor).await?;
            let update = DossierUpdate {
                minutes_used: Some(minutes_used),
                ..unchanged()
            };
            Ok(Change::fields(update))
        },
    )
    .await
}

/// A competence identified as potential object of validation, during IDENTIFICATION.
pub async fn add_competence(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    competence: CompetenceDraft,
    reference: &ReferenceData,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    mutate(
        db,
        actor,
        id,
        version,
        "addIvcCompetence",
        async |txn, current, status| {
            status.require_one_of(
                &[IvcStatus::Identification],
                id,
                "add a competence (competences are identified during IDENTIFICATION)",
            )?;
            competence.check()?;
            reference.check(
                "sepSector",
                SEP_SECTOR,
                &competence.sep_sector,
                Some(&current.region),
                Some(today),
            )?;
            let existing = parts::competence_count(txn, id).await?;
            parts::insert_competence(txn, id, existing, competence, actor).await?;
            Ok(Change::fields(unchanged()))
        },
    )
    .await
}

/// An evidence for the dossier delle evidenze, from the adhesion until validation ends (a
/// CLOSED dossier is read-only; the certification exam is a third party's).
pub async fn add_evidence(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    new: NewEvidence,
    max_file_bytes: usize,
) -> Result<Dossier, AppError> {
    mutate(
        db,
        actor,
        id,
        version,
        "addIvcEvidence",
        async |txn, _, status| {
            if !status.accepts_evidences() {
                return Err(status
                    .refuse(
                        id,
                        "add an evidence (evidences are collected from TAKEN_IN_CHARGE until \
                         VALIDATION ends)",
                    )
                    .into());
            }
            let owner = EvidenceOwner::IvcDossier(id.to_owned());
            evidence::insert(txn, &owner, new, max_file_bytes, actor).await?;
            Ok(Change::fields(unchanged()))
        },
    )
    .await
}

/// Ends the path: an ordinary closing after an output (its class from the state reached), or
/// a withdrawal from any open state (WITHDRAWN; the documents released so far stay).
pub async fn close(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    closed_on: NaiveDate,
    reason: Option<String>,
    withdrawal: bool,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    let action = if withdrawal {
        "withdrawIvcDossier"
    } else {
        "closeIvcDossier"
    };
    mutate(
        db,
        actor,
        id,
        version,
        action,
        async |_, current, status| {
            let outcome = if withdrawal {
                status.require_open(id, "withdraw it")?;
                IvcOutcome::Withdrawn
            } else {
                status
                    .closing_outcome(current.attestato_number.is_some())
                    .ok_or_else(|| {
                        status.refuse(
                        id,
                        "close it (closeIvcDossier needs a released output: TRANSPARENCY_RELEASED, \
                     VALIDATION_NEGATIVE, ATTESTATO_RELEASED, CERTIFICATE_RELEASED or NOT_PASSED; \
                     withdrawIvcDossier ends it earlier)",
                    )
                    })?
            };
            let field = if withdrawal {
                "withdrawnOn"
            } else {
                "closedOn"
            };
            check_event_date(field, closed_on, current.state_since, today)?;
            check_optional_text("reason", reason.as_deref(), 500)?;
            let update = DossierUpdate {
                closing: Some(Closing {
                    outcome,
                    closed_on,
                    reason: reason.clone(),
                }),
                ..unchanged()
            };
            Ok(Change::step(update, IvcStatus::Closed, closed_on).with_note(reason))
        },
    )
    .await
}
