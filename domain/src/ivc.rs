//! The IVC dossier (Individuazione, Validazione e Certificazione delle competenze, DOMAIN.md §2):
//! its lifecycle (§9) as one transition table, the session kinds each phase admits and the
//! outcome classes seed 003 counts. The rules V18-V24 are in `rules` and `content`. No I/O.

pub mod content;
mod policy;
pub mod rules;

pub use policy::IvcPolicy;

use crate::error::DomainError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Lifecycle of a dossier (DOMAIN.md §9; D.Lgs 13/2013 art. 5 phases; seed 003 Fase A/B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IvcStatus {
    /// The citizen asked for the service (contact, seminar).
    Requested,
    /// Modulo di adesione signed (seed 003 "Sottoscrizione Modulo di adesione").
    TakenInCharge,
    /// Interviews and evidences: individuazione e messa in trasparenza.
    Identification,
    /// Documento di trasparenza released (Toscana: the Libretto; Piemonte: Dossier del cittadino).
    TransparencyReleased,
    /// Colloquio tecnico and optional prove suppletive strutturate (seed 003).
    Validation,
    ValidationNegative,
    /// Attestato di validazione released (DM 30/6/2015 art. 6 c.2).
    AttestatoReleased,
    /// Fase B: exam session of a third-party commission.
    Certification,
    CertificateReleased,
    NotPassed,
    /// Read-only from here on.
    Closed,
}

impl IvcStatus {
    pub const ALL: [IvcStatus; 11] = [
        Self::Requested,
        Self::TakenInCharge,
        Self::Identification,
        Self::TransparencyReleased,
        Self::Validation,
        Self::ValidationNegative,
        Self::AttestatoReleased,
        Self::Certification,
        Self::CertificateReleased,
        Self::NotPassed,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "REQUESTED",
            Self::TakenInCharge => "TAKEN_IN_CHARGE",
            Self::Identification => "IDENTIFICATION",
            Self::TransparencyReleased => "TRANSPARENCY_RELEASED",
            Self::Validation => "VALIDATION",
            Self::ValidationNegative => "VALIDATION_NEGATIVE",
            Self::AttestatoReleased => "ATTESTATO_RELEASED",
            Self::Certification => "CERTIFICATION",
            Self::CertificateReleased => "CERTIFICATE_RELEASED",
            Self::NotPassed => "NOT_PASSED",
            Self::Closed => "CLOSED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The transition table: the states reachable in one step. CLOSED is reachable from every
    /// open state, by withdrawal at least (the citizen may stop at any time).
    pub fn next(self) -> &'static [IvcStatus] {
        use IvcStatus::*;
        match self {
            Requested => &[TakenInCharge, Closed],
            TakenInCharge => &[Identification, Closed],
            Identification => &[TransparencyReleased, Closed],
            TransparencyReleased => &[Validation, Closed],
            // V24: certification starts from a validation; straight from it (no attestato)
            // when the exam follows without interruption (DM 30/6/2015 art. 6 c.2)
            Validation => &[ValidationNegative, AttestatoReleased, Certification, Closed],
            ValidationNegative => &[Closed],
            AttestatoReleased => &[Certification, Closed],
            Certification => &[CertificateReleased, NotPassed, Closed],
            CertificateReleased | NotPassed => &[Closed],
            Closed => &[],
        }
    }

    pub fn is_open(self) -> bool {
        self != Self::Closed
    }

    /// The outcome class of an ordinary closing, as seed 003 counts users ("% di utenti con
    /// DOSSIER 21%; Dossier + ATTESTATO DI VALIDAZIONE 79%"; "~15%" qualified). `None` where
    /// nothing was released yet: only a withdrawal ends the path there. `attestato_released`
    /// tells a failed exam after an attestato from one taken straight after validation (V24).
    pub fn closing_outcome(self, attestato_released: bool) -> Option<IvcOutcome> {
        match self {
            Self::TransparencyReleased | Self::ValidationNegative => Some(IvcOutcome::DossierOnly),
            Self::AttestatoReleased => Some(IvcOutcome::DossierAndAttestato),
            // a failed exam leaves the attestato the citizen already holds, if any
            Self::NotPassed if attestato_released => Some(IvcOutcome::DossierAndAttestato),
            Self::NotPassed => Some(IvcOutcome::DossierOnly),
            Self::CertificateReleased => Some(IvcOutcome::Qualification),
            _ => None,
        }
    }

    /// Moving to `to` is in the table, or INVALID_TRANSITION naming the current state and the
    /// allowed next ones.
    pub fn step(self, to: IvcStatus, id: &str, step: &str) -> Result<(), DomainError> {
        if self.next().contains(&to) {
            Ok(())
        } else {
            Err(self.refuse(id, step))
        }
    }

    /// Any change to a closed dossier is refused (it is read-only: `allowed` is empty).
    pub fn require_open(self, id: &str, step: &str) -> Result<(), DomainError> {
        if self.is_open() {
            Ok(())
        } else {
            Err(self.refuse(id, step))
        }
    }

    /// An operation allowed only in the listed states (it does not change the state).
    pub fn require_one_of(
        self,
        states: &[IvcStatus],
        id: &str,
        step: &str,
    ) -> Result<(), DomainError> {
        if states.contains(&self) {
            Ok(())
        } else {
            Err(self.refuse(id, step))
        }
    }

    pub fn refuse(self, id: &str, step: &str) -> DomainError {
        let allowed: Vec<&str> = self.next().iter().map(|s| s.as_str()).collect();
        DomainError::invalid_transition(&format!("IVC dossier {id}"), self.as_str(), step, &allowed)
    }

    /// Session kinds that fit the phase (the phase of a session is the state when recorded).
    /// Back office counts in every phase once the path started (seed 003: "UCS di 40 €
    /// ora/servizio (applicabile anche per il back office)").
    pub fn session_kinds(self) -> &'static [SessionKind] {
        use SessionKind::*;
        match self {
            Self::Requested | Self::Closed => &[],
            Self::TakenInCharge => &[Accoglienza, BackOffice],
            // seed 003: accoglienza, intervista e messa in trasparenza
            Self::Identification => &[
                Accoglienza,
                IdentificationInterview,
                DossierReview,
                BackOffice,
            ],
            // seed 003: colloquio tecnico, prove suppletive strutturate; D.Lgs 13/2013 art. 5:
            // esame tecnico del dossier, prove pratiche
            Self::Validation => &[
                DossierReview,
                TechnicalInterview,
                StructuredTest,
                PracticalTest,
                BackOffice,
            ],
            Self::Certification => &[ExamCommission, PracticalTest, BackOffice],
            Self::TransparencyReleased
            | Self::ValidationNegative
            | Self::AttestatoReleased
            | Self::CertificateReleased
            | Self::NotPassed => &[BackOffice],
        }
    }

    /// Evidences (the dossier delle evidenze) are collected from the adhesion (seed 003:
    /// "raccolta documentazione (es. CV)") until validation ends; the certification exam is a
    /// third party's and the released documents are not reopened.
    pub fn accepts_evidences(self) -> bool {
        matches!(
            self,
            Self::TakenInCharge
                | Self::Identification
                | Self::TransparencyReleased
                | Self::Validation
        )
    }
}

/// How a dossier ended (seed 003 reporting classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IvcOutcome {
    /// Documento di trasparenza / Dossier del cittadino only.
    DossierOnly,
    /// Dossier and Attestato di validazione.
    DossierAndAttestato,
    /// A full qualification of the Repertorio through the third-party exam.
    Qualification,
    /// The citizen stopped the path (whatever had been released until then).
    Withdrawn,
}

impl IvcOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DossierOnly => "DOSSIER_ONLY",
            Self::DossierAndAttestato => "DOSSIER_AND_ATTESTATO",
            Self::Qualification => "QUALIFICATION",
            Self::Withdrawn => "WITHDRAWN",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::DossierOnly,
            Self::DossierAndAttestato,
            Self::Qualification,
            Self::Withdrawn,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
    }
}

/// One interview, test or back-office slot of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SessionKind {
    /// Accoglienza della persona.
    Accoglienza,
    /// Intervista / colloquio di individuazione.
    IdentificationInterview,
    /// Esame tecnico del dossier.
    DossierReview,
    /// Colloquio tecnico (validation).
    TechnicalInterview,
    /// Prova suppletiva strutturata.
    StructuredTest,
    /// Prova pratica / in situazione.
    PracticalTest,
    /// Commissione d'esame (certification).
    ExamCommission,
    /// Back-office hours, billed like the others (seed 003).
    BackOffice,
}

impl SessionKind {
    pub const ALL: [SessionKind; 8] = [
        Self::Accoglienza,
        Self::IdentificationInterview,
        Self::DossierReview,
        Self::TechnicalInterview,
        Self::StructuredTest,
        Self::PracticalTest,
        Self::ExamCommission,
        Self::BackOffice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accoglienza => "ACCOGLIENZA",
            Self::IdentificationInterview => "IDENTIFICATION_INTERVIEW",
            Self::DossierReview => "DOSSIER_REVIEW",
            Self::TechnicalInterview => "TECHNICAL_INTERVIEW",
            Self::StructuredTest => "STRUCTURED_TEST",
            Self::PracticalTest => "PRACTICAL_TEST",
            Self::ExamCommission => "EXAM_COMMISSION",
            Self::BackOffice => "BACK_OFFICE",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// The three operator functions of D.Lgs 13/2013 / DI 5/1/2021 (DOMAIN.md §2.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OperatorRole {
    /// Accompagnamento e messa in trasparenza (Toscana: orientatore / operatore IVC).
    IdentificationOperator,
    /// Esperto di processo / metodologico di valutazione.
    ProcessExpert,
    /// Esperto di contenuto / di settore (SEP).
    ContentExpert,
}

impl OperatorRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdentificationOperator => "IDENTIFICATION_OPERATOR",
            Self::ProcessExpert => "PROCESS_EXPERT",
            Self::ContentExpert => "CONTENT_EXPERT",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::IdentificationOperator,
            Self::ProcessExpert,
            Self::ContentExpert,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValidationResult {
    /// No competence validated: VALIDATION_NEGATIVE.
    Negative,
    /// Some competences validated: an attestato for those.
    Partial,
    Positive,
}

impl ValidationResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Negative => "NEGATIVE",
            Self::Partial => "PARTIAL",
            Self::Positive => "POSITIVE",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Negative, Self::Partial, Self::Positive]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// What the rules need to know of a recorded session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    pub phase: IvcStatus,
    pub kind: SessionKind,
    pub held_on: NaiveDate,
    pub minutes: i32,
    pub operator: String,
    pub role: OperatorRole,
}

#[cfg(test)]
mod tests;
