//! IVC dossiers as a use case (seeds 000 and 003): the request that opens one, and one
//! function per lifecycle step. Each checks the rules of `domain::ivc` and says what to write;
//! `store::ivc` runs it as one transaction (version claimed first, audit row last). The
//! steps of the path are in `steps`, those that release a document in `outputs`.

pub mod outputs;
pub mod steps;

pub use outputs::{
    CertificationDecision, ExamEnrolment, TransparencyRelease, ValidationDecision,
    complete_validation, record_certification, release_transparency, start_certification,
};
pub use steps::{
    NewSession, add_competence, add_evidence, add_session, close, start_phase, take_in_charge,
};

use crate::domain::FiscalCode;
use crate::domain::ivc::IvcPolicy;
use crate::domain::ivc::rules;
use crate::domain::libretto::{check_optional_text, check_text};
use crate::error::AppError;
use crate::store::ivc::{self as store, NewDossier};
use crate::store::write::Actor;
use chrono::NaiveDate;
use entities::ivc_dossier;
use sea_orm::DatabaseConnection;

/// A request for the IVC service, its own fields checked.
pub struct IvcRequest {
    requested_on: NaiveDate,
    provider: String,
    /// As asked; the actor's own office decides (`Actor::office`).
    office: Option<String>,
    program: Option<String>,
    /// A domicile in the region declared by the person (province sigla).
    domicile_province: Option<String>,
}

impl IvcRequest {
    pub fn new(
        requested_on: NaiveDate,
        provider: &str,
        office: Option<String>,
        (program, domicile_province): (Option<String>, Option<String>),
        today: NaiveDate,
    ) -> Result<Self, AppError> {
        if requested_on > today {
            return Err(AppError::bad_input(
                "requestedOn",
                format!("requestedOn: {requested_on} is in the future"),
            ));
        }
        check_text("provider", provider, 200)?;
        check_optional_text("program", program.as_deref(), 100)?;
        let domicile_province = domicile_province.map(|p| p.trim().to_ascii_uppercase());
        if let Some(p) = &domicile_province
            && (p.len() != 2 || !p.chars().all(|c| c.is_ascii_uppercase()))
        {
            return Err(AppError::bad_input(
                "domicileProvince",
                format!("domicileProvince: {p:?} is not a province sigla (two letters, e.g. TO)"),
            ));
        }
        Ok(IvcRequest {
            requested_on,
            provider: provider.trim().to_owned(),
            office,
            program,
            domicile_province,
        })
    }
}

/// The citizen a regional source knows, under the code the dossier is stored with.
pub struct Applicant {
    pub fiscal_code: FiscalCode,
    pub birth_date: Option<NaiveDate>,
    /// The province of residence of the person record.
    pub residence_province: Option<String>,
}

/// Opens a dossier (REQUESTED) for a citizen aged `ivc.min_age`-`ivc.max_age` on the request
/// date, resident or domiciled in the region (seed 003), with the cap and unit cost in force then; with the one-path rule, only for a citizen
/// who has not used the service before (seed 003).
pub async fn request(
    db: &DatabaseConnection,
    actor: &Actor,
    policy: &IvcPolicy,
    region: &str,
    request: IvcRequest,
    applicant: Applicant,
) -> Result<ivc_dossier::Model, AppError> {
    rules::check_age(applicant.birth_date, request.requested_on, policy)?;
    rules::check_residence(
        applicant.residence_province.as_deref(),
        request.domicile_province.as_deref(),
        policy,
    )?;
    store::request(
        db,
        actor,
        NewDossier {
            fiscal_code: applicant.fiscal_code.as_str().to_owned(),
            region: region.to_owned(),
            requested_on: request.requested_on,
            provider: request.provider,
            office: actor.office("office", request.office)?,
            program: request.program,
            domicile_province: request.domicile_province,
            max_minutes: policy.max_minutes,
            hourly_cost_cents: policy.hourly_cost_cents,
            one_path: policy.one_path_per_citizen,
        },
    )
    .await
}
