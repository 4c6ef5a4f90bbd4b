//! The steps that release a document of the path: the Documento di trasparenza, the
//! Attestato di validazione and the certification exam's result, each with the citizen's
//! anagrafica taken now where the document carries it (DM 30/6/2015 art. 6).

use crate::domain::ivc::content::{AttestatoDraft, check_transparency};
use crate::domain::ivc::rules::{self, check_event_date};
use crate::domain::ivc::{IvcStatus, ValidationResult};
use crate::domain::libretto::{PersonSnapshot, check_text};
use crate::error::AppError;
use crate::store::ivc::update::{CertificationResult, LibrettoRef, Transparency};
use crate::store::ivc::{Change, DossierUpdate, mutate, parts};
use crate::store::libretto::consolidated_for;
use crate::store::write::Actor;
use chrono::NaiveDate;
use entities::ivc_dossier;
use sea_orm::DatabaseConnection;

type Dossier = ivc_dossier::Model;

fn unchanged() -> DossierUpdate {
    DossierUpdate::default()
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
        let competences = parts::competence_count(txn, id).await?;
        check_transparency(competences, release.libretto_id.is_some(), &release.experiences)?;
        let mut update = unchanged();
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
            update.libretto = Some(LibrettoRef {
                id: libretto_id.clone(),
                number: libretto.number,
                version: libretto.version,
            });
        }
        update.transparency = Some(Transparency {
            released_on: release.released_on,
            person,
            experiences: release.experiences,
        });
        Ok(Change::step(update, IvcStatus::TransparencyReleased, release.released_on)
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
        let recorded = parts::recorded_sessions(txn, id).await?;
        rules::check_validation_complete(&recorded)?;
        let mut update = DossierUpdate {
            validation: Some((decision.result, decision.decided_on)),
            ..unchanged()
        };
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
                on = attestato.issued_on;
                update.attestato = Some((attestato, person));
            }
        }
        if let Some(enrolment) = decision.certification {
            enrolment.check(on, today)?;
            update.exam_session_on = Some(enrolment.exam_session_on);
            on = enrolment.enrolled_on;
            note = Some(match note {
                Some(attestato) => format!("{attestato}; certification follows"),
                None => "certification follows without interruption, no attestato (V24)"
                    .to_owned(),
            });
        }
        Ok(Change::step(update, to, on).with_note(note))
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
            let update = DossierUpdate {
                exam_session_on: Some(enrolment.exam_session_on),
                ..unchanged()
            };
            Ok(Change::step(
                update,
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
    /// Code, name and EQF level of the qualification certified; left out, the attestato's.
    pub qualification: Option<(String, String, i32)>,
    /// The exam commission that decided (the third party of D.Lgs 13/2013 art. 5).
    pub commission: Option<String>,
}

/// What a passed exam certifies: the qualification given, else the one of the attestato the
/// exam followed; a qualification is required when certification followed the validation
/// without an attestato (V24).
fn certified(
    current: &ivc_dossier::Model,
    given: Option<(String, String, i32)>,
) -> Result<(String, String, i16), AppError> {
    let (code, name, eqf) = match given {
        Some(q) => q,
        None => {
            let attestato: Option<crate::domain::ivc::content::Attestato> = current
                .attestato
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(AppError::internal)?;
            let a = attestato.ok_or_else(|| {
                AppError::bad_input(
                    "qualificationCode",
                    "qualificationCode: the exam followed the validation without an attestato: \
                     name the qualification certified (qualificationCode, qualificationName, \
                     eqfLevel)",
                )
            })?;
            (a.qualification_code, a.qualification_name, a.eqf_level)
        }
    };
    check_text("qualificationCode", &code, 40)?;
    check_text("qualificationName", &name, 200)?;
    crate::domain::libretto::check_eqf("eqfLevel", eqf)?;
    let eqf = i16::try_from(eqf).map_err(AppError::internal)?;
    Ok((code.trim().to_owned(), name.trim().to_owned(), eqf))
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
            let commission = decision.commission.as_deref().map(str::trim);
            match commission {
                Some(c) => check_text("commission", c, 500)?,
                None if decision.passed => {
                    return Err(AppError::bad_input(
                        "commission",
                        "commission: a certificate names the exam commission that decided \
                         (D.Lgs 13/2013 art. 5: a third party)",
                    ));
                }
                None => {}
            }
            let qualification = if decision.passed {
                Some(certified(current, decision.qualification.clone())?)
            } else {
                None
            };
            let update = DossierUpdate {
                certification: Some(CertificationResult {
                    passed: decision.passed,
                    certificate_number: decision.certificate_number.map(|n| n.trim().to_owned()),
                    decided_on: decision.decided_on,
                    qualification,
                    commission: commission.map(str::to_owned),
                }),
                ..unchanged()
            };
            Ok(Change::step(update, to, decision.decided_on))
        },
    )
    .await
}
