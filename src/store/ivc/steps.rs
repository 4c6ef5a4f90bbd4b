//! The lifecycle steps of an IVC dossier, one function per mutation: each runs in `mutate`
//! (one transaction, version claimed first), validates against the current row with the
//! rules of `domain::ivc`, and says what to write.

use super::{Change, mutate, read, session_facts};
use crate::domain::ivc::content::{AttestatoDraft, CompetenceDraft, check_transparency};
use crate::domain::ivc::rules::{
    self, AssessorDeclaration, check_assessor, check_event_date, check_hours, check_session_kind,
    check_terzieta,
};
use crate::domain::ivc::{
    IvcOutcome, IvcStatus, OperatorRole, SessionFacts, SessionKind, ValidationResult,
};
use crate::domain::libretto::{PersonSnapshot, check_optional_text, check_text};
use crate::error::AppError;
use crate::store::evidence::{self, EvidenceOwner, NewEvidence};
use crate::store::libretto::{consolidated_for, to_json};
use crate::store::reference::{ReferenceData, SEP_SECTOR};
use crate::store::write::Actor;
use chrono::{NaiveDate, Utc};
use entities::{ivc_competence, ivc_dossier, ivc_session};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, Set};

type Dossier = ivc_dossier::Model;

fn unchanged() -> ivc_dossier::ActiveModel {
    <ivc_dossier::ActiveModel as Default>::default()
}

/// The dossier's sessions as the rules see them (inside the transaction that locked it).
async fn recorded_sessions(
    txn: &DatabaseTransaction,
    id: &str,
) -> Result<Vec<SessionFacts>, AppError> {
    read::sessions_of(txn, &[id.to_owned()])
        .await?
        .iter()
        .map(session_facts)
        .collect()
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
            let mut row = unchanged();
            row.adhesion_signed_on = Set(Some(adhesion_signed_on));
            Ok(Change::step(
                row,
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

pub struct NewSession {
    pub kind: SessionKind,
    pub held_on: NaiveDate,
    pub minutes: i32,
    pub operator: String,
    pub role: OperatorRole,
    pub notes: Option<String>,
    pub assessor: AssessorDeclaration,
}

/// A session of the current phase; its minutes count towards the dossier's cap.
pub async fn add_session(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    session: NewSession,
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
            check_hours(
                i64::from(current.minutes_used),
                i64::from(session.minutes),
                i64::from(current.max_minutes),
            )?;
            let recorded = recorded_sessions(txn, id).await?;
            check_terzieta(phase, session.role, &session.operator, &recorded)?;
            let assessed_eqf = read::competences_of(txn, &[id.to_owned()])
                .await?
                .iter()
                .filter_map(|c| c.eqf_level.map(i32::from))
                .max();
            check_assessor(phase, session.role, session.assessor, assessed_eqf)?;
            let assessor_eqf_level = session
                .assessor
                .eqf_level
                .map(|l| i16::try_from(l).map_err(AppError::internal))
                .transpose()?;
            ivc_session::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                dossier_id: Set(id.to_owned()),
                phase: Set(phase.as_str().to_owned()),
                kind: Set(session.kind.as_str().to_owned()),
                held_on: Set(session.held_on),
                minutes: Set(session.minutes),
                operator: Set(session.operator.trim().to_owned()),
                operator_role: Set(session.role.as_str().to_owned()),
                notes: Set(session.notes),
                assessor_eqf_level: Set(assessor_eqf_level),
                no_conflict_declared: Set(session.assessor.no_conflict_of_interest),
                created_at: Set(Utc::now()),
                created_by: Set(actor.subject().to_owned()),
            }
            .insert(txn)
            .await?;
            let mut row = unchanged();
            row.minutes_used = Set(current.minutes_used + session.minutes);
            Ok(Change::fields(row))
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
            let position = read::competences_of(txn, &[id.to_owned()]).await?.len() as i32 + 1;
            let eqf_level = competence
                .eqf_level
                .map(|l| i16::try_from(l).map_err(AppError::internal))
                .transpose()?;
            ivc_competence::ActiveModel {
                id: Set(uuid::Uuid::new_v4().to_string()),
                dossier_id: Set(id.to_owned()),
                position: Set(position),
                description: Set(competence.description.trim().to_owned()),
                sep_sector: Set(competence.sep_sector),
                qualification_code: Set(competence.qualification_code),
                qualification_name: Set(competence.qualification_name),
                ada_codes: Set(to_json(&competence.ada_codes)?),
                eqf_level: Set(eqf_level),
                learning_context: Set(competence.learning_context.as_str().to_owned()),
                created_at: Set(Utc::now()),
                created_by: Set(actor.subject().to_owned()),
            }
            .insert(txn)
            .await?;
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

pub struct TransparencyRelease {
    pub released_on: NaiveDate,
    pub libretto_id: Option<String>,
    pub experiences: Vec<String>,
    /// The merged person now; `None` when no source answers for the citizen.
    pub person: Option<PersonSnapshot>,
}

/// V21: anagrafica, at least one competence and the related experiences — a consolidated
/// libretto of the same citizen (seed 000: in Toscana the Libretto is the Documento di
/// trasparenza) or typed experiences (seed 003: "Dossier del Cittadino").
pub async fn release_transparency(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    release: TransparencyRelease,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    mutate(db, actor, id, version, "releaseIvcTransparencyDocument", async |txn, current, status| {
        status.step(IvcStatus::TransparencyReleased, id, "release the Documento di trasparenza")?;
        check_event_date("releasedOn", release.released_on, current.state_since, today)?;
        let person = anagrafica(release.person, &current.fiscal_code)?;
        let competences = read::competences_of(txn, &[id.to_owned()]).await?.len();
        check_transparency(competences, release.libretto_id.is_some(), &release.experiences)?;
        let mut row = unchanged();
        let mut note = "Dossier del cittadino".to_owned();
        if let Some(libretto_id) = &release.libretto_id {
            let libretto = consolidated_for(txn, libretto_id).await?;
            if libretto.fiscal_code != current.fiscal_code {
                return Err(AppError::bad_input(
                    "librettoId",
                    format!(
                        "librettoId: libretto {libretto_id} belongs to another citizen, not to {}",
                        current.fiscal_code
                    ),
                ));
            }
            note = format!("libretto {} v{}", libretto.number, libretto.version);
            row.libretto_id = Set(Some(libretto_id.clone()));
            row.libretto_number = Set(Some(libretto.number));
            row.libretto_version = Set(Some(libretto.version));
        }
        row.transparency_released_on = Set(Some(release.released_on));
        row.transparency_person = Set(Some(to_json(&person)?));
        row.experiences = Set(Some(to_json(&release.experiences)?));
        Ok(Change::step(row, IvcStatus::TransparencyReleased, release.released_on)
            .with_note(Some(note)))
    })
    .await
}

fn anagrafica(
    person: Option<PersonSnapshot>,
    fiscal_code: &str,
) -> Result<PersonSnapshot, AppError> {
    person.ok_or_else(|| {
        AppError::bad_input(
            "anagrafica",
            format!(
                "anagrafica: no regional source answers for citizen {fiscal_code} now, and the \
                 document must carry the citizen's data (DM 30/6/2015 art. 6); retry when the \
                 sources are up"
            ),
        )
    })
}

pub struct ValidationDecision {
    pub result: ValidationResult,
    pub decided_on: NaiveDate,
    pub attestato: Option<AttestatoDraft>,
    pub person: Option<PersonSnapshot>,
    /// V24: the citizen goes on to the certification exam without interruption.
    pub certification: Option<ExamEnrolment>,
}

/// Enrolment in a certification exam session (Fase B, seed 003).
#[derive(Clone, Copy)]
pub struct ExamEnrolment {
    pub enrolled_on: NaiveDate,
    /// May still be ahead.
    pub exam_session_on: NaiveDate,
}

impl ExamEnrolment {
    /// Enrolled no earlier than `since` and not in the future; the exam not before enrolment.
    fn check(&self, since: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
        check_event_date("enrolledOn", self.enrolled_on, since, today)?;
        if self.exam_session_on < self.enrolled_on {
            return Err(AppError::bad_input(
                "examSessionOn",
                format!(
                    "examSessionOn: {} is before the enrolment ({})",
                    self.exam_session_on, self.enrolled_on
                ),
            ));
        }
        Ok(())
    }
}

/// NEGATIVE → VALIDATION_NEGATIVE; PARTIAL or POSITIVE release the Attestato di validazione
/// (V20) → ATTESTATO_RELEASED, or, when the certification exam follows without interruption,
/// go straight to CERTIFICATION where the attestato is optional (V24, DM 30/6/2015 art. 6
/// c.2). Either way a colloquio tecnico by a content expert was held.
pub async fn complete_validation(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    decision: ValidationDecision,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    mutate(db, actor, id, version, "completeIvcValidation", async |txn, current, status| {
        let to = match (decision.result, decision.certification) {
            (ValidationResult::Negative, None) => IvcStatus::ValidationNegative,
            (ValidationResult::Negative, Some(_)) => {
                return Err(AppError::bad_input(
                    "certificationFollows",
                    "certificationFollows: a NEGATIVE validation gives no access to the \
                     certification exam (V24)",
                ));
            }
            (_, None) => IvcStatus::AttestatoReleased,
            (_, Some(_)) => IvcStatus::Certification,
        };
        status.step(to, id, "complete validation")?;
        check_event_date("decidedOn", decision.decided_on, current.state_since, today)?;
        let recorded = recorded_sessions(txn, id).await?;
        rules::check_validation_complete(&recorded)?;
        let mut row = unchanged();
        row.validation_result = Set(Some(decision.result.as_str().to_owned()));
        row.validation_decided_on = Set(Some(decision.decided_on));
        let mut on = decision.decided_on;
        let mut note = None;
        match (to, decision.attestato) {
            (IvcStatus::ValidationNegative, Some(_)) => {
                return Err(AppError::bad_input(
                    "attestato",
                    "attestato: a NEGATIVE validation releases no Attestato di validazione",
                ));
            }
            (IvcStatus::AttestatoReleased, None) => {
                return Err(AppError::bad_input(
                    "attestato",
                    format!(
                        "attestato: a {} validation releases the Attestato di validazione; give \
                         it, or certificationFollows when the exam follows without interruption",
                        decision.result.as_str()
                    ),
                ));
            }
            (_, None) => {}
            (_, Some(draft)) => {
                let attestato = draft.complete(
                    rules::assessment_modes(&recorded),
                    decision.decided_on,
                    today,
                )?;
                let person = anagrafica(decision.person, &current.fiscal_code)?;
                note = Some(format!("attestato {}", attestato.number));
                row.attestato_number = Set(Some(attestato.number.clone()));
                row.attestato_issued_on = Set(Some(attestato.issued_on));
                row.attestato = Set(Some(to_json(&attestato)?));
                row.attestato_person = Set(Some(to_json(&person)?));
                on = attestato.issued_on;
            }
        }
        if let Some(enrolment) = decision.certification {
            enrolment.check(on, today)?;
            row.exam_session_on = Set(Some(enrolment.exam_session_on));
            on = enrolment.enrolled_on;
            note = Some(match note {
                Some(attestato) => format!("{attestato}; certification follows"),
                None => "certification follows without interruption, no attestato (V24)"
                    .to_owned(),
            });
        }
        Ok(Change::step(row, to, on).with_note(note))
    })
    .await
}

/// Fase B (seed 003): enrolment in an exam session that may still be ahead.
pub async fn start_certification(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    enrolment: ExamEnrolment,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    mutate(
        db,
        actor,
        id,
        version,
        "startIvcCertification",
        async |_, current, status| {
            status.step(IvcStatus::Certification, id, "start certification")?;
            enrolment.check(current.state_since, today)?;
            let mut row = unchanged();
            row.exam_session_on = Set(Some(enrolment.exam_session_on));
            Ok(Change::step(
                row,
                IvcStatus::Certification,
                enrolment.enrolled_on,
            ))
        },
    )
    .await
}

pub struct CertificationDecision {
    pub passed: bool,
    pub certificate_number: Option<String>,
    pub decided_on: NaiveDate,
}

pub async fn record_certification(
    db: &DatabaseConnection,
    actor: &Actor,
    (id, version): (&str, i64),
    decision: CertificationDecision,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    mutate(
        db,
        actor,
        id,
        version,
        "recordIvcCertification",
        async |_, current, status| {
            let to = if decision.passed {
                IvcStatus::CertificateReleased
            } else {
                IvcStatus::NotPassed
            };
            status.step(to, id, "record the certification exam")?;
            // not before the exam, not after today: an exam still ahead has no result yet
            let exam = current.exam_session_on.unwrap_or(current.state_since);
            check_event_date("decidedOn", decision.decided_on, exam, today)?;
            match (decision.passed, &decision.certificate_number) {
                (true, None) => {
                    return Err(AppError::bad_input(
                        "certificateNumber",
                        "certificateNumber: a passed exam releases a certificate; give its number",
                    ));
                }
                (true, Some(number)) => check_text("certificateNumber", number, 40)?,
                (false, Some(_)) => {
                    return Err(AppError::bad_input(
                        "certificateNumber",
                        "certificateNumber: a failed exam releases no certificate",
                    ));
                }
                (false, None) => {}
            }
            let mut row = unchanged();
            row.certification_passed = Set(Some(decision.passed));
            row.certificate_number = Set(decision.certificate_number.map(|n| n.trim().to_owned()));
            row.certification_decided_on = Set(Some(decision.decided_on));
            Ok(Change::step(row, to, decision.decided_on))
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
            let mut row = unchanged();
            row.outcome = Set(Some(outcome.as_str().to_owned()));
            row.closed_on = Set(Some(closed_on));
            row.close_reason = Set(reason.clone());
            Ok(Change::step(row, IvcStatus::Closed, closed_on).with_note(reason))
        },
    )
    .await
}
