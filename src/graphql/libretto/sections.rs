//! Sections 1 and 2 of the libretto and its evidences, shared by the working copy and the
//! frozen versions (and, for evidences, by the IVC dossier).

use crate::domain::libretto::{CompetenceData, EvidenceData, ExperienceData, experience_warnings};
use crate::graphql::access;
use crate::graphql::enums;
use crate::graphql::scalars::Date;
use crate::graphql::store_loaders::{EvidenceIdsOf, EvidencesOf, loader};
use crate::state::AppState;
use crate::store::evidence::EvidenceOwner;
use crate::store::libretto::{self as store, from_json};
use crate::store::reference::{COMPETENCE_TYPE, CONTRACT_TYPE, EVIDENCE_CATEGORY};
use async_graphql::{Context, ID, Object, Result, SimpleObject};

/// A work or training experience (section 1) with its provenance.
pub struct LibrettoExperience {
    pub(super) data: ExperienceData,
    pub(super) warnings: Vec<String>,
}

impl LibrettoExperience {
    /// The experiences of a libretto or of a version, each with its warnings, computed over
    /// all of them (V7 compares each with the others) from what is stored.
    pub(super) fn all(experiences: Vec<ExperienceData>) -> Vec<LibrettoExperience> {
        let warnings = experience_warnings(&experiences);
        experiences
            .into_iter()
            .zip(warnings)
            .map(|(data, warnings)| LibrettoExperience { data, warnings })
            .collect()
    }
}

#[Object(guard = "access::LIBRETTO_EXPERIENCE")]
impl LibrettoExperience {
    async fn id(&self) -> ID {
        ID(self.data.id.clone())
    }
    async fn kind(&self) -> enums::ExperienceKind {
        self.data.kind.into()
    }
    /// REGIONAL_DB (copied from a regional source) or SELF_DECLARED (autodichiarazione).
    async fn origin(&self) -> enums::ExperienceOrigin {
        self.data.origin.into()
    }
    /// The regional source it was copied from.
    async fn source(&self) -> Option<&str> {
        self.data.source_name.as_deref()
    }
    /// The row id in that source.
    async fn source_row_id(&self) -> Option<&str> {
        self.data.source_row_id.as_deref()
    }
    /// Employer (work) or provider (training).
    async fn organisation(&self) -> Option<&str> {
        self.data.organisation.as_deref()
    }
    /// Role or course title.
    async fn title(&self) -> Option<&str> {
        self.data.title.as_deref()
    }
    async fn start_date(&self) -> Option<Date> {
        self.data.start_date.map(Date)
    }
    async fn end_date(&self) -> Option<Date> {
        self.data.end_date.map(Date)
    }
    async fn contract_type(&self) -> Option<&str> {
        self.data.contract_type.as_deref()
    }
    async fn contract_type_label(&self, ctx: &Context<'_>) -> Option<String> {
        let code = self.data.contract_type.as_deref()?;
        let state = ctx.data_unchecked::<AppState>();
        state
            .reference
            .find(CONTRACT_TYPE, code)
            .map(|c| c.label.clone())
    }
    /// End of an apprenticeship's training period ("data fine periodo formativo", V5).
    async fn training_period_end(&self) -> Option<Date> {
        self.data.training_period_end.map(Date)
    }
    async fn occupation_code(&self) -> Option<&str> {
        self.data.occupation_code.as_deref()
    }
    async fn sector_code(&self) -> Option<&str> {
        self.data.sector_code.as_deref()
    }
    async fn weekly_hours(&self) -> Option<f64> {
        self.data.weekly_hours
    }
    async fn training_kind(&self) -> Option<&str> {
        self.data.training_kind.as_deref()
    }
    async fn hours(&self) -> Option<i32> {
        self.data.hours
    }
    async fn outcome(&self) -> Option<&str> {
        self.data.outcome.as_deref()
    }
    async fn qualification_code(&self) -> Option<&str> {
        self.data.qualification_code.as_deref()
    }
    async fn eqf_level(&self) -> Option<i16> {
        self.data.eqf_level
    }
    async fn description(&self) -> Option<&str> {
        self.data.description.as_deref()
    }
    /// True when the operator changed a prefilled experience; `original` keeps what the
    /// regional source said.
    async fn edited(&self) -> bool {
        self.data.edited
    }
    async fn dropped(&self) -> bool {
        self.data.dropped
    }
    async fn drop_reason(&self) -> Option<&str> {
        self.data.drop_reason.as_deref()
    }
    /// What the rules say of the stored values without refusing them, each naming the field
    /// and the rule: a regional row is never refused, so V4, V5, V7 (end before start), V8 and
    /// V9 become warnings on it; and for any experience, V7's overlapping full-time work
    /// spells and V9's sector codes outside the ATECO 2007 table. Each reads `field: problem
    /// (Vn)`; computed from the stored experiences, so reads and mutation answers agree.
    async fn warnings(&self) -> &[String] {
        &self.warnings
    }
    /// The experience as prefilled from the regional source, before any edit (its warnings
    /// are about its own values: there is nothing to overlap with).
    async fn original(&self) -> Result<Option<LibrettoExperience>> {
        match &self.data.original {
            Some(json) => Ok(LibrettoExperience::all(vec![from_json(json)?]).pop()),
            None => Ok(None),
        }
    }
}

/// A competence (section 2): type, description, acquisition context, evidences.
pub struct LibrettoCompetence {
    pub(super) data: CompetenceData,
    /// Evidences frozen in a version; `None` for the working copy (read through loaders).
    pub(super) frozen: Option<Vec<EvidenceData>>,
    pub(super) owner: EvidenceOwner,
}

#[Object(guard = "access::LIBRETTO_COMPETENCE")]
impl LibrettoCompetence {
    async fn id(&self) -> ID {
        ID(self.data.id.clone())
    }
    /// Code of the competence-type table (e.g. TECHNICAL_PROFESSIONAL, TRANSVERSAL).
    #[graphql(name = "type")]
    async fn competence_type(&self) -> &str {
        &self.data.competence_type
    }
    async fn type_label(&self, ctx: &Context<'_>) -> Option<String> {
        let state = ctx.data_unchecked::<AppState>();
        state
            .reference
            .find(COMPETENCE_TYPE, &self.data.competence_type)
            .map(|c| c.label.clone())
    }
    async fn description(&self) -> &str {
        &self.data.description
    }
    /// Formal, non-formal or informal learning (contesto di acquisizione).
    async fn context(&self) -> enums::LearningContext {
        self.data.context.into()
    }
    async fn period_from(&self) -> Option<Date> {
        self.data.period_from.map(Date)
    }
    async fn period_to(&self) -> Option<Date> {
        self.data.period_to.map(Date)
    }
    /// Atlante del lavoro ADA the competence refers to, when known.
    async fn ada_code(&self) -> Option<&str> {
        self.data.ada_code.as_deref()
    }
    async fn evidences(&self, ctx: &Context<'_>) -> Result<Vec<Evidence>> {
        if let Some(frozen) = &self.frozen {
            return Ok(frozen
                .iter()
                .filter(|e| self.data.evidence_ids.contains(&e.id))
                .cloned()
                .map(Evidence)
                .collect());
        }
        let (ids, all) = tokio::join!(
            loader(ctx).load_one(EvidenceIdsOf(self.data.id.clone())),
            loader(ctx).load_one(EvidencesOf(self.owner.clone()))
        );
        let ids = ids?.unwrap_or_default();
        Ok(all?
            .unwrap_or_default()
            .into_iter()
            .filter(|e| ids.contains(&e.id))
            .map(|e| Evidence(store::evidence_data(e)))
            .collect())
    }
}

/// A document supporting a competence (evidenza), in one of the four categories of seed 000.
pub struct Evidence(pub(super) EvidenceData);

#[derive(SimpleObject)]
#[graphql(guard = "access::EVIDENCE_FILE_INFO")]
pub struct EvidenceFileInfo {
    name: Option<String>,
    media_type: String,
    size_bytes: i64,
    /// SHA-256 of the content, hex.
    sha256: String,
    /// GET it with the same bearer token (operator, admin); the download is audited.
    download_path: String,
}

#[Object(guard = "access::EVIDENCE")]
impl Evidence {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Code of the evidence-category table.
    async fn category(&self) -> &str {
        &self.0.category
    }
    async fn category_label(&self, ctx: &Context<'_>) -> Option<String> {
        let state = ctx.data_unchecked::<AppState>();
        state
            .reference
            .find(EVIDENCE_CATEGORY, &self.0.category)
            .map(|c| c.label.clone())
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn issuer(&self) -> Option<&str> {
        self.0.issuer.as_deref()
    }
    async fn issued_on(&self) -> Option<Date> {
        self.0.issued_on.map(Date)
    }
    async fn file(&self) -> Option<EvidenceFileInfo> {
        Some(EvidenceFileInfo {
            name: self.0.file_name.clone(),
            media_type: self.0.media_type.clone()?,
            size_bytes: self.0.size_bytes?,
            sha256: self.0.sha256.clone()?,
            download_path: format!("/evidences/{}/file", self.0.id),
        })
    }
}
