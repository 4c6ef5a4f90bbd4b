//! The libretto's mutations: one per lifecycle step, each one call of `services::libretto`.

use super::inputs::*;
use super::types::Libretto;
use super::writer;
use crate::graphql::access;
use crate::graphql::identity::{FamilyDocument, check_family_holds_none, current_code};
use crate::graphql::scope::scope;
use crate::services::libretto::{self as service, Target};
use async_graphql::{Context, Object, Result};

#[derive(Default)]
pub struct LibrettoMutation;

#[Object(guard = "access::MUTATION")]
impl LibrettoMutation {
    /// Opens a citizen's libretto (DRAFT), prefilled with their employments and trainings from
    /// every regional source, each keeping its source and row id.
    async fn open_libretto(&self, ctx: &Context<'_>, input: OpenLibrettoInput) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        // identity through this request's loaders: the code in force, no linked code's libretto
        let key = current_code(ctx, &input.fiscal_code)?;
        check_family_holds_none(ctx, &key, FamilyDocument::Libretto).await?;
        let scope = scope(ctx);
        let model = service::open(&state.deps(), &actor, &key, input.office, |failures| {
            scope.note_failures(failures);
        })
        .await?;
        scope.note_read(&key, "libretto");
        Ok(Libretto(model))
    }

    /// DRAFT → IN_COMPILATION.
    async fn start_libretto_compilation(
        &self,
        ctx: &Context<'_>,
        input: LibrettoStepInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let model = service::start_compilation(&state.deps(), &actor, input.target()).await?;
        Ok(Libretto(model))
    }

    /// Adds a self-declared experience (autodichiarazione).
    async fn add_libretto_experience(
        &self,
        ctx: &Context<'_>,
        input: LibrettoExperienceInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let model =
            service::add_experience(&state.deps(), &actor, input.target(), input.fields()).await?;
        Ok(Libretto(model))
    }

    /// Changes an experience; a prefilled one keeps its provenance and its `original`.
    async fn update_libretto_experience(
        &self,
        ctx: &Context<'_>,
        input: LibrettoExperienceInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let experience_id = input.experience_id.clone().map(|id| id.0);
        let model = service::update_experience(
            &state.deps(),
            &actor,
            input.target(),
            experience_id,
            input.fields(),
        )
        .await?;
        Ok(Libretto(model))
    }

    /// Drops an experience from the libretto (it stays traceable), or restores it.
    async fn drop_libretto_experience(
        &self,
        ctx: &Context<'_>,
        input: DropLibrettoExperienceInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let model = service::drop_experience(
            &state.deps(),
            &actor,
            input.target(),
            &input.experience_id,
            input.restore,
            input.reason.clone(),
        )
        .await?;
        Ok(Libretto(model))
    }

    /// Adds a competence to section 2, with the evidences that support it.
    async fn add_libretto_competence(
        &self,
        ctx: &Context<'_>,
        input: LibrettoCompetenceInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let model =
            service::add_competence(&state.deps(), &actor, input.target(), input.fields()).await?;
        Ok(Libretto(model))
    }

    /// Links more evidences to a competence.
    async fn link_competence_evidences(
        &self,
        ctx: &Context<'_>,
        input: LibrettoCompetenceRefInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let model = service::link_evidences(
            &state.deps(),
            &actor,
            input.target(),
            &input.competence_id,
            ids(&input.evidence_ids),
        )
        .await?;
        Ok(Libretto(model))
    }

    /// Removes a competence from the working copy (issued versions keep theirs).
    async fn remove_libretto_competence(
        &self,
        ctx: &Context<'_>,
        input: LibrettoCompetenceRefInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let model =
            service::remove_competence(&state.deps(), &actor, input.target(), &input.competence_id)
                .await?;
        Ok(Libretto(model))
    }

    /// Adds an evidence (with an optional PDF/PNG/JPEG file) to the libretto's dossier.
    async fn add_libretto_evidence(
        &self,
        ctx: &Context<'_>,
        input: LibrettoEvidenceInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let target = Target {
            id: &input.libretto_id,
            version: input.version,
        };
        let new = validated_evidence(
            ctx,
            state,
            &state.config.documents.region,
            input.category,
            &input.title,
            input.issuer,
            input.issued_on,
            input.file,
        )?;
        let model = service::add_evidence(&state.deps(), &actor, target, new).await?;
        Ok(Libretto(model))
    }

    /// IN_COMPILATION or IN_UPDATE → CONSOLIDATED: freezes a new immutable version, numbers
    /// and issues the libretto the first time. Section 1.1 is refreshed from the sources.
    async fn consolidate_libretto(
        &self,
        ctx: &Context<'_>,
        input: ConsolidateLibrettoInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let scope = scope(ctx);
        let model = service::consolidate(
            &state.deps(),
            &actor,
            input.target(),
            input.citizen_signed,
            |failures| scope.note_failures(failures),
        )
        .await?;
        Ok(Libretto(model))
    }

    /// CONSOLIDATED → IN_UPDATE (e.g. a traineeship ended, a course was completed).
    async fn update_libretto(
        &self,
        ctx: &Context<'_>,
        input: LibrettoReasonInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let model =
            service::reopen_for_update(&state.deps(), &actor, input.target(), input.reason.clone())
                .await?;
        Ok(Libretto(model))
    }

    /// Any state → CANCELLED; the history and the issued versions stay readable.
    async fn cancel_libretto(
        &self,
        ctx: &Context<'_>,
        input: LibrettoReasonInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let model =
            service::cancel(&state.deps(), &actor, input.target(), input.reason.clone()).await?;
        Ok(Libretto(model))
    }
}
