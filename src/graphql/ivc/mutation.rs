//! The IVC mutations: one per lifecycle step, each a call of `services::ivc`.

use super::inputs::*;
use super::types::IvcDossier;
use super::{changed, person_of};
use crate::domain::ivc::IvcStatus;
use crate::domain::ivc::rules::AssessorDeclaration;
use crate::error::AppError;
use crate::graphql::access;
use crate::graphql::libretto::{validated_evidence, writer};
use crate::services::ivc::{
    self as steps, Applicant, CertificationDecision, ExamEnrolment, IvcRequest, NewSession,
    TransparencyRelease, ValidationDecision,
};
use async_graphql::{Context, Object, Result};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[derive(Default)]
pub struct IvcMutation;

#[Object(guard = "access::MUTATION")]
impl IvcMutation {
    /// Opens a dossier (REQUESTED) for a citizen known to a regional source, aged 15-64 on
    /// the request date and, with the one-path rule, who has not used the service before
    /// (seed 003).
    async fn request_ivc(&self, ctx: &Context<'_>, input: RequestIvcInput) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let request = IvcRequest::new(
            input.requested_on.0,
            &input.provider,
            input.office,
            (input.program, input.domicile_province),
            today(),
        )?;
        let key = crate::graphql::identity::current_code(ctx, &input.fiscal_code)?;
        crate::graphql::identity::check_family_holds_none(
            ctx,
            &key,
            crate::graphql::identity::FamilyDocument::OpenIvcPath,
        )
        .await?;
        let person = crate::graphql::loaders::person(ctx, &key)
            .await
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "no regional source knows citizen {}",
                    input.fiscal_code.as_str()
                ))
            })?;
        crate::services::territory::check(&state.deps(), &actor, key.as_str()).await?;
        let applicant = Applicant {
            fiscal_code: key,
            birth_date: person.birth_date.as_ref().map(|b| b.value),
            residence_province: person.residence_province.as_ref().map(|p| p.value.clone()),
        };
        let dossier = steps::request(
            state.store.db(),
            &actor,
            &state.ivc,
            state.config.ivc_region(),
            request,
            applicant,
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// REQUESTED → TAKEN_IN_CHARGE: the Modulo di adesione is signed (seed 003).
    async fn take_ivc_in_charge(
        &self,
        ctx: &Context<'_>,
        input: TakeIvcInChargeInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::take_in_charge(
            state.store.db(),
            &actor,
            (&id, input.version),
            input.adhesion_signed_on.0,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// TAKEN_IN_CHARGE → IDENTIFICATION.
    async fn start_ivc_identification(
        &self,
        ctx: &Context<'_>,
        input: StartIvcPhaseInput,
    ) -> Result<IvcDossier> {
        self.start_phase(ctx, input, IvcStatus::Identification)
            .await
    }

    /// Records an interview, test or back-office slot of the current phase. The path may
    /// last at most `ivc.max_hours` (seed 003: 26 h) and one session at most
    /// `ivc.max_session_minutes` (default 8 h); in validation and certification a
    /// CONTENT_EXPERT may not be an operator of the identification (terzietà).
    async fn add_ivc_session(
        &self,
        ctx: &Context<'_>,
        input: AddIvcSessionInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        let session = NewSession {
            kind: input.kind.into(),
            held_on: input.held_on.0,
            minutes: input.minutes,
            operator: input.operator,
            role: input.operator_role.into(),
            notes: input.notes,
            assessor: AssessorDeclaration {
                eqf_level: input.assessor_eqf_level,
                no_conflict_of_interest: input.no_conflict_of_interest,
            },
        };
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::add_session(
            state.store.db(),
            &actor,
            (&id, input.version),
            session,
            &state.ivc,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// Adds a competence referred to the regional repertoire (IDENTIFICATION only).
    async fn add_ivc_competence(
        &self,
        ctx: &Context<'_>,
        input: AddIvcCompetenceInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        let version = input.version;
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::add_competence(
            state.store.db(),
            &actor,
            (&id, version),
            input.draft(),
            &state.reference,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// Adds an evidence (with an optional PDF/PNG/JPEG file) to the dossier delle evidenze,
    /// from TAKEN_IN_CHARGE until validation ends.
    async fn add_ivc_evidence(
        &self,
        ctx: &Context<'_>,
        input: AddIvcEvidenceInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let new = validated_evidence(
            ctx,
            state,
            state.config.ivc_region(),
            input.category,
            &input.title,
            input.issuer,
            input.issued_on,
            input.file,
        )?;
        let id = input.id.to_string();
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::add_evidence(
            state.store.db(),
            &actor,
            (&id, input.version),
            new,
            state.config.documents.max_file_bytes,
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// IDENTIFICATION → TRANSPARENCY_RELEASED: the Documento di trasparenza, with the
    /// citizen's data taken now, the competences and the related experiences (a consolidated
    /// libretto, or typed ones).
    async fn release_ivc_transparency_document(
        &self,
        ctx: &Context<'_>,
        input: ReleaseIvcTransparencyDocumentInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        let release = TransparencyRelease {
            released_on: input.released_on.0,
            libretto_id: input.libretto_id.map(|l| l.to_string()),
            experiences: input
                .experiences
                .iter()
                .map(|e| e.trim().to_owned())
                .collect(),
            person: person_of(ctx, &id).await?,
        };
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::release_transparency(
            state.store.db(),
            &actor,
            (&id, input.version),
            release,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// TRANSPARENCY_RELEASED → VALIDATION.
    async fn start_ivc_validation(
        &self,
        ctx: &Context<'_>,
        input: StartIvcPhaseInput,
    ) -> Result<IvcDossier> {
        self.start_phase(ctx, input, IvcStatus::Validation).await
    }

    /// VALIDATION → VALIDATION_NEGATIVE (NEGATIVE), or → ATTESTATO_RELEASED with the
    /// Attestato di validazione (PARTIAL, POSITIVE), or → CERTIFICATION with
    /// `certificationFollows`, where the attestato is optional (V24). Needs a
    /// TECHNICAL_INTERVIEW by a CONTENT_EXPERT.
    async fn complete_ivc_validation(
        &self,
        ctx: &Context<'_>,
        input: CompleteIvcValidationInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        let person = match input.attestato {
            Some(_) => person_of(ctx, &id).await?,
            None => None,
        };
        let decision = ValidationDecision {
            result: input.result.into(),
            decided_on: input.decided_on.0,
            attestato: input
                .attestato
                .map(|a| a.draft(&state.config.ivc.public_body)),
            person,
            certification: input.certification_follows.map(|c| ExamEnrolment {
                enrolled_on: c.enrolled_on.map_or(input.decided_on.0, |d| d.0),
                exam_session_on: c.exam_session_on.0,
            }),
        };
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::complete_validation(
            state.store.db(),
            &actor,
            (&id, input.version),
            decision,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// ATTESTATO_RELEASED → CERTIFICATION (Fase B): enrolment in an exam session.
    async fn start_ivc_certification(
        &self,
        ctx: &Context<'_>,
        input: StartIvcCertificationInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        let today = today();
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::start_certification(
            state.store.db(),
            &actor,
            (&id, input.version),
            ExamEnrolment {
                enrolled_on: input.enrolled_on.map_or(today, |d| d.0),
                exam_session_on: input.exam_session_on.0,
            },
            today,
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// CERTIFICATION → CERTIFICATE_RELEASED (passed, with the certificate number) or
    /// NOT_PASSED.
    async fn record_ivc_certification(
        &self,
        ctx: &Context<'_>,
        mut input: RecordIvcCertificationInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        let qualification = input.qualification()?;
        let decision = CertificationDecision {
            passed: input.passed,
            certificate_number: input.certificate_number,
            decided_on: input.decided_on.0,
            qualification,
            commission: input.commission,
        };
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::record_certification(
            state.store.db(),
            &actor,
            (&id, input.version),
            decision,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// → CLOSED after a released output; the outcome class follows the state reached
    /// (DOSSIER_ONLY, DOSSIER_AND_ATTESTATO, QUALIFICATION). The dossier is read-only after.
    async fn close_ivc_dossier(
        &self,
        ctx: &Context<'_>,
        input: CloseIvcDossierInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::close(
            state.store.db(),
            &actor,
            (&id, input.version),
            input.closed_on.0,
            input.reason,
            false,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }

    /// The citizen stops: → CLOSED from any open state, outcome WITHDRAWN.
    async fn withdraw_ivc_dossier(
        &self,
        ctx: &Context<'_>,
        input: WithdrawIvcDossierInput,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::close(
            state.store.db(),
            &actor,
            (&id, input.version),
            input.withdrawn_on.0,
            input.reason,
            true,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }
}

impl IvcMutation {
    async fn start_phase(
        &self,
        ctx: &Context<'_>,
        input: StartIvcPhaseInput,
        phase: IvcStatus,
    ) -> Result<IvcDossier> {
        let (actor, state) = writer(ctx)?;
        let id = input.id.to_string();
        crate::services::territory::check_dossier(&state.deps(), &actor, &id).await?;
        let dossier = steps::start_phase(
            state.store.db(),
            &actor,
            (&id, input.version),
            phase,
            input.started_on.0,
            today(),
        )
        .await?;
        Ok(changed(ctx, dossier))
    }
}
