//! What a dossier holds beside its own row: sessions, competences and the state history,
//! and the documents it released (Documento di trasparenza, validation, attestato,
//! certification), as `IvcDossier`'s fields answer them.

use crate::domain::ivc::{IvcStatus, OperatorRole, SessionKind};
use crate::domain::libretto::LearningContext;
use crate::error::AppError;
use crate::graphql::access;
use crate::graphql::enums;
use crate::graphql::libretto::PersonInfo;
use crate::graphql::scalars::Date;
use crate::state::AppState;
use crate::store::libretto::from_json;
use crate::store::reference::SEP_SECTOR;
use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{ivc_competence, ivc_session, ivc_transition};

/// One interview, test or back-office slot; its phase is the dossier's state when recorded.
pub struct IvcSession(pub(super) ivc_session::Model);

#[Object(guard = "access::IVC_SESSION")]
impl IvcSession {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn phase(&self) -> Option<enums::IvcStatus> {
        IvcStatus::parse(&self.0.phase).map(Into::into)
    }
    async fn kind(&self) -> Result<enums::SessionKind> {
        SessionKind::parse(&self.0.kind)
            .map(Into::into)
            .ok_or_else(|| AppError::internal(format!("session kind {}", self.0.kind)).into())
    }
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }
    async fn minutes(&self) -> i32 {
        self.0.minutes
    }
    /// Id of the operator who held it.
    async fn operator(&self) -> &str {
        &self.0.operator
    }
    async fn operator_role(&self) -> Option<enums::OperatorRole> {
        OperatorRole::parse(&self.0.operator_role).map(Into::into)
    }
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
    /// V22: the assessing content expert's EQF level.
    async fn assessor_eqf_level(&self) -> Option<i32> {
        self.0.assessor_eqf_level.map(i32::from)
    }
    /// V22: the assessing content expert declared no conflict of interest.
    async fn no_conflict_of_interest(&self) -> Option<bool> {
        self.0.no_conflict_declared
    }
    /// Who recorded it.
    async fn recorded_by(&self) -> &str {
        &self.0.created_by
    }
}

/// A competence identified as potential object of validation, referred to the regional
/// repertoire (DOMAIN.md §2.6).
pub struct IvcCompetence(pub(super) ivc_competence::Model);

#[Object(guard = "access::IVC_COMPETENCE")]
impl IvcCompetence {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// Settore economico-professionale of the region's repertoire.
    async fn sep_sector(&self) -> &str {
        &self.0.sep_sector
    }
    async fn sep_sector_label(&self, ctx: &Context<'_>) -> Option<String> {
        ctx.data_unchecked::<AppState>()
            .reference
            .find(SEP_SECTOR, &self.0.sep_sector)
            .map(|c| c.label.clone())
    }
    async fn qualification_code(&self) -> Option<&str> {
        self.0.qualification_code.as_deref()
    }
    async fn qualification_name(&self) -> Option<&str> {
        self.0.qualification_name.as_deref()
    }
    /// Aree di attività of the Atlante del lavoro, e.g. ADA.22.01.07.
    async fn ada_codes(&self) -> Result<Vec<String>> {
        Ok(from_json(&self.0.ada_codes)?)
    }
    async fn eqf_level(&self) -> Option<i16> {
        self.0.eqf_level
    }
    async fn learning_context(&self) -> Option<enums::LearningContext> {
        LearningContext::parse(&self.0.learning_context).map(Into::into)
    }
}

/// One step of the dossier's lifecycle.
pub struct IvcTransition(pub(super) ivc_transition::Model);

#[Object(guard = "access::IVC_TRANSITION")]
impl IvcTransition {
    /// Null for the request that created the dossier.
    async fn from(&self) -> Option<enums::IvcStatus> {
        self.0
            .from_status
            .as_deref()
            .and_then(IvcStatus::parse)
            .map(Into::into)
    }
    async fn to(&self) -> Option<enums::IvcStatus> {
        IvcStatus::parse(&self.0.to_status).map(Into::into)
    }
    /// Business date of the step (adhesion signed, document released, …).
    async fn on(&self) -> Date {
        Date(self.0.on_date)
    }
    /// When it was recorded.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Subject of the operator who recorded it.
    async fn by(&self) -> &str {
        &self.0.by
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "IvcTransparencyKind")]
pub enum TransparencyKind {
    /// Toscana: the consolidated Libretto formativo is the Documento di trasparenza (seed 000).
    Libretto,
    /// Piemonte: the "Dossier del Cittadino" (seed 003).
    CitizenDossier,
}

/// Documento di trasparenza: anagrafica, the competences (see `competences`) and the related
/// experiences, from a linked libretto or typed.
#[derive(SimpleObject)]
#[graphql(guard = "access::IVC_TRANSPARENCY_DOCUMENT")]
pub struct IvcTransparencyDocument {
    pub released_on: Date,
    pub kind: TransparencyKind,
    /// The citizen's data when released.
    pub anagrafica: PersonInfo,
    pub libretto_id: Option<ID>,
    pub libretto_number: Option<String>,
    pub libretto_version: Option<i32>,
    /// Experiences typed at release (Dossier del cittadino).
    pub experiences: Vec<String>,
}

#[derive(SimpleObject)]
#[graphql(guard = "access::IVC_VALIDATION")]
pub struct IvcValidation {
    pub result: enums::ValidationResult,
    pub decided_on: Date,
}

#[derive(SimpleObject)]
#[graphql(guard = "access::IVC_QUALIFICATION")]
pub struct IvcQualification {
    pub code: String,
    pub name: String,
    pub eqf_level: i32,
}

/// Attestato di validazione: atto pubblico (D.Lgs 13/2013 art. 6; DM 30/6/2015 art. 6 c.2).
#[derive(SimpleObject)]
#[graphql(guard = "access::IVC_ATTESTATO")]
pub struct IvcAttestato {
    pub number: String,
    pub issued_on: Date,
    /// Ente pubblico titolare.
    pub public_body: String,
    /// Ente titolato.
    pub authorised_provider: String,
    pub ada_codes: Vec<String>,
    /// The repertoire qualification of reference.
    pub qualification: IvcQualification,
    pub learning_modes: Vec<enums::LearningContext>,
    /// The assessment kinds held during validation.
    pub assessment_modes: Vec<enums::SessionKind>,
    /// The citizen's data when issued.
    pub anagrafica: PersonInfo,
}

#[derive(SimpleObject)]
#[graphql(guard = "access::IVC_CERTIFICATION")]
pub struct IvcCertification {
    pub exam_session_on: Date,
    /// Null until the exam is recorded.
    pub passed: Option<bool>,
    pub certificate_number: Option<String>,
    pub decided_on: Option<Date>,
    /// The qualification certified, with its EQF level (a pass only).
    pub qualification: Option<IvcQualification>,
    /// The exam commission that decided.
    pub commission: Option<String>,
}
