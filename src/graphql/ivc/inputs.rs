//! The IVC mutation inputs. Every change names the dossier and the `version` the client read.

use crate::domain::ivc::content::{AttestatoDraft, CompetenceDraft};
use crate::error::AppError;
use crate::graphql::enums::{
    IvcOutcome, IvcStatus, LearningContext, OperatorRole, SessionKind, ValidationResult,
};
use crate::graphql::scalars::Date;
use crate::graphql::scalars::FiscalCodeScalar;
use async_graphql::{ID, InputObject, Upload};

#[derive(InputObject)]
pub struct RequestIvcInput {
    pub fiscal_code: FiscalCodeScalar,
    pub requested_on: Date,
    /// Ente titolato that will deliver the service.
    pub provider: String,
    /// CPI or office code: the token's; only an administrator may name another.
    pub office: Option<String>,
    /// Funding programme, e.g. "IVC PLUS".
    pub program: Option<String>,
    /// The province (sigla) of a domicile in the region, declared by a person whose residence
    /// is elsewhere (seed 003: "residenti o domiciliati"); kept on the dossier.
    pub domicile_province: Option<String>,
}

#[derive(InputObject)]
pub struct TakeIvcInChargeInput {
    pub id: ID,
    pub version: i64,
    /// Date the citizen signed the Modulo di adesione.
    pub adhesion_signed_on: Date,
}

/// Opens IDENTIFICATION or VALIDATION.
#[derive(InputObject)]
pub struct StartIvcPhaseInput {
    pub id: ID,
    pub version: i64,
    pub started_on: Date,
}

#[derive(InputObject)]
pub struct AddIvcSessionInput {
    pub id: ID,
    pub version: i64,
    pub kind: SessionKind,
    pub held_on: Date,
    pub minutes: i32,
    /// Id of the operator who held it.
    pub operator: String,
    pub operator_role: OperatorRole,
    pub notes: Option<String>,
    /// V22: a CONTENT_EXPERT assessing in VALIDATION or CERTIFICATION gives their own EQF
    /// level, at least that of the competences under assessment.
    pub assessor_eqf_level: Option<i32>,
    /// V22: and declares no conflict of interest with the citizen (must be true).
    pub no_conflict_of_interest: Option<bool>,
}

/// An evidence for the dossier delle evidenze; the file (PDF, PNG or JPEG) travels as a
/// GraphQL multipart upload.
#[derive(InputObject)]
pub struct AddIvcEvidenceInput {
    pub id: ID,
    pub version: i64,
    /// Code of the evidence-category table.
    pub category: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<Date>,
    pub file: Option<Upload>,
}

#[derive(InputObject)]
pub struct AddIvcCompetenceInput {
    pub id: ID,
    pub version: i64,
    pub description: String,
    /// SEP sector code of the region's repertoire.
    pub sep_sector: String,
    pub qualification_code: Option<String>,
    pub qualification_name: Option<String>,
    /// Atlante ADA codes, e.g. ADA.22.01.07.
    #[graphql(default)]
    pub ada_codes: Vec<String>,
    /// EQF level 1-8.
    pub eqf_level: Option<i32>,
    pub learning_context: LearningContext,
}

impl AddIvcCompetenceInput {
    pub fn draft(self) -> CompetenceDraft {
        let trimmed = |v: Option<String>| v.map(|s| s.trim().to_owned());
        CompetenceDraft {
            description: self.description,
            sep_sector: self.sep_sector.trim().to_owned(),
            qualification_code: trimmed(self.qualification_code),
            qualification_name: trimmed(self.qualification_name),
            ada_codes: self.ada_codes.iter().map(|c| c.trim().to_owned()).collect(),
            eqf_level: self.eqf_level,
            learning_context: self.learning_context.into(),
        }
    }
}

#[derive(InputObject)]
pub struct ReleaseIvcTransparencyDocumentInput {
    pub id: ID,
    pub version: i64,
    pub released_on: Date,
    /// A CONSOLIDATED libretto of the same citizen (Toscana).
    pub libretto_id: Option<ID>,
    /// Experiences related to the competences (Piemonte "Dossier del cittadino").
    #[graphql(default)]
    pub experiences: Vec<String>,
}

/// Every element is required (D.Lgs 13/2013 art. 6, DM 30/6/2015 art. 6); they are nullable
/// here so that one error names all the missing ones.
#[derive(InputObject, Default)]
pub struct IvcAttestatoInput {
    pub number: Option<String>,
    pub issued_on: Option<Date>,
    /// Ente pubblico titolare; the configured `ivc.public_body` when absent.
    pub public_body: Option<String>,
    /// Ente titolato.
    pub authorised_provider: Option<String>,
    #[graphql(default)]
    pub ada_codes: Vec<String>,
    pub qualification_code: Option<String>,
    pub qualification_name: Option<String>,
    pub eqf_level: Option<i32>,
    #[graphql(default)]
    pub learning_modes: Vec<LearningContext>,
}

impl IvcAttestatoInput {
    pub fn draft(self, default_public_body: &str) -> AttestatoDraft {
        AttestatoDraft {
            number: self.number,
            issued_on: self.issued_on.map(|d| d.0),
            public_body: self
                .public_body
                .or_else(|| Some(default_public_body.to_owned())),
            authorised_provider: self.authorised_provider,
            ada_codes: self.ada_codes.iter().map(|c| c.trim().to_owned()).collect(),
            qualification_code: self.qualification_code,
            qualification_name: self.qualification_name,
            eqf_level: self.eqf_level,
            learning_modes: self.learning_modes.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(InputObject)]
pub struct CompleteIvcValidationInput {
    pub id: ID,
    pub version: i64,
    pub result: ValidationResult,
    pub decided_on: Date,
    /// Required for PARTIAL and POSITIVE (optional with `certificationFollows`), absent for
    /// NEGATIVE.
    pub attestato: Option<IvcAttestatoInput>,
    /// V24: PARTIAL or POSITIVE, and the certification exam follows without interruption:
    /// the dossier goes straight to CERTIFICATION.
    pub certification_follows: Option<IvcExamEnrolmentInput>,
}

#[derive(InputObject)]
pub struct IvcExamEnrolmentInput {
    /// Date of the enrolment; the decision date when absent.
    pub enrolled_on: Option<Date>,
    /// The exam session the citizen is enrolled in (may be ahead).
    pub exam_session_on: Date,
}

#[derive(InputObject)]
pub struct StartIvcCertificationInput {
    pub id: ID,
    pub version: i64,
    /// Date of the enrolment; today when absent.
    pub enrolled_on: Option<Date>,
    /// The exam session the citizen is enrolled in (may be ahead).
    pub exam_session_on: Date,
}

#[derive(InputObject)]
pub struct RecordIvcCertificationInput {
    pub id: ID,
    pub version: i64,
    pub passed: bool,
    /// Required when passed.
    pub certificate_number: Option<String>,
    pub decided_on: Date,
    /// The exam commission that decided (required when passed).
    pub commission: Option<String>,
    /// The qualification certified; left out, the attestato's (required without one).
    pub qualification_code: Option<String>,
    pub qualification_name: Option<String>,
    pub eqf_level: Option<i32>,
}

impl RecordIvcCertificationInput {
    /// The qualification named, all three fields or none (the attestato's then).
    pub fn qualification(&mut self) -> Result<Option<(String, String, i32)>, AppError> {
        match (
            self.qualification_code.take(),
            self.qualification_name.take(),
            self.eqf_level,
        ) {
            (None, None, None) => Ok(None),
            (Some(code), Some(name), Some(eqf)) => Ok(Some((code, name, eqf))),
            _ => Err(AppError::bad_input(
                "qualificationCode",
                "qualificationCode: give the qualification's code, name and eqfLevel together, \
                 or none of them to certify the attestato's",
            )),
        }
    }
}

#[derive(InputObject)]
pub struct CloseIvcDossierInput {
    pub id: ID,
    pub version: i64,
    pub closed_on: Date,
    pub reason: Option<String>,
}

#[derive(InputObject)]
pub struct WithdrawIvcDossierInput {
    pub id: ID,
    pub version: i64,
    pub withdrawn_on: Date,
    pub reason: Option<String>,
}

#[derive(InputObject, Default)]
pub struct IvcFilter {
    pub status: Option<IvcStatus>,
    pub outcome: Option<IvcOutcome>,
    /// SEP sector of at least one competence.
    pub sector: Option<String>,
    /// Year of the request date.
    pub year: Option<i32>,
}
