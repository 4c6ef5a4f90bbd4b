//! The Libretto formativo del cittadino over GraphQL (seed 000, DOMAIN.md §1): queries, the
//! output types (live working copy and frozen versions share them), and the mutations of its
//! lifecycle. Resolvers validate, then call `store::libretto`; reads go through the loaders.

use super::access;
use super::scalars::Date;
use super::scope::scope;
use super::store_loaders::{
    CompetencesOf, EvidenceIdsOf, EvidencesOf, ExperiencesOf, LibrettoById, TransitionsOf,
    VersionsOf, loader,
};
use crate::app::AppState;
use crate::domain::FiscalCode;
use crate::domain::codes;
use crate::domain::libretto::{
    CompetenceData, EvidenceData, ExperienceData, ExperienceKind, ExperienceOrigin, LibrettoStatus,
    PersonSnapshot, check_ada, check_ateco, check_cp2011, check_eqf, check_optional_text,
    check_period, check_text,
};
use crate::error::AppError;
use crate::graphql::enums;
use crate::sources::contract::{EmploymentRow, TrainingRow};
use crate::sources::merge::{MergedPerson, Sourced};
use crate::sources::registry::ViewKeys;
use crate::store::evidence::{self as evidence_store, EvidenceOwner, NewEvidence, UploadedFile};
use crate::store::libretto::{self as store, NewLibretto, experience_data, from_json};
use crate::store::reference::{COMPETENCE_TYPE, CONTRACT_TYPE, EVIDENCE_CATEGORY};
use crate::store::write::Actor;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Upload};
use chrono::{DateTime, Utc};
use entities::{libretto, libretto_transition, libretto_version};
use std::io::Read;

// ------------------------------------------------------------------------------------------
// Output types
// ------------------------------------------------------------------------------------------

/// A Libretto formativo del cittadino (DI 10/10/2005, Allegato A; Regione Toscana DGR
/// 1066/2010). Section 1: personal information, work and training experiences; section 2:
/// competences with their evidences. Consolidated versions are immutable (`versions`).
pub struct Libretto(pub libretto::Model);

#[Object(guard = "access::LIBRETTO")]
impl Libretto {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn fiscal_code(&self) -> &str {
        &self.0.fiscal_code
    }
    async fn region(&self) -> &str {
        &self.0.region
    }
    /// Reporting territory: the CPI area of the citizen's residence (a province, or Empoli).
    async fn area(&self) -> Option<&str> {
        self.0.area.as_deref()
    }
    async fn office(&self) -> Option<&str> {
        self.0.office.as_deref()
    }
    async fn status(&self) -> Result<enums::LibrettoStatus> {
        Ok(store::status_of(&self.0)?.into())
    }
    /// Assigned at the first consolidation, kept by later versions.
    async fn number(&self) -> Option<&str> {
        self.0.number.as_deref()
    }
    /// First consolidation: when the libretto was issued.
    async fn issued_at(&self) -> Option<DateTime<Utc>> {
        self.0.issued_at
    }
    async fn last_consolidated_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_consolidated_at
    }
    /// Send it back with the next mutation (optimistic concurrency).
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }
    /// Section 1.1: the merged person as at opening, refreshed at each consolidation.
    async fn person(&self) -> Result<PersonInfo> {
        Ok(PersonInfo(from_json(&self.0.person_snapshot)?))
    }
    /// Section 1.2 and 1.3, in order; dropped experiences only when asked.
    async fn experiences(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_dropped: bool,
    ) -> Result<Vec<LibrettoExperience>> {
        let rows = loader(ctx)
            .load_one(ExperiencesOf(self.0.id.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(experience_data)
            .filter(|e| include_dropped || !e.dropped)
            .map(LibrettoExperience)
            .collect())
    }
    /// Section 2.
    async fn competences(&self, ctx: &Context<'_>) -> Result<Vec<LibrettoCompetence>> {
        let rows = loader(ctx)
            .load_one(CompetencesOf(self.0.id.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|c| LibrettoCompetence {
                data: store::competence_data(c, Vec::new()),
                frozen: None,
                owner: EvidenceOwner::Libretto(self.0.id.clone()),
            })
            .collect())
    }
    /// Every evidence collected for this libretto (the "dossier" of documents).
    async fn evidences(&self, ctx: &Context<'_>) -> Result<Vec<Evidence>> {
        evidences_of(ctx, EvidenceOwner::Libretto(self.0.id.clone())).await
    }
    /// Consolidated versions, oldest first; each is the libretto as issued then.
    async fn versions(&self, ctx: &Context<'_>) -> Result<Vec<LibrettoVersion>> {
        let rows = loader(ctx)
            .load_one(VersionsOf(self.0.id.clone()))
            .await?
            .unwrap_or_default();
        rows.into_iter().map(LibrettoVersion::from_row).collect()
    }
    /// Every lifecycle step, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<LibrettoTransition>> {
        let rows = loader(ctx)
            .load_one(TransitionsOf(self.0.id.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(LibrettoTransition).collect())
    }
}

/// Evidences of a libretto or an IVC dossier, through the loader.
pub async fn evidences_of(ctx: &Context<'_>, owner: EvidenceOwner) -> Result<Vec<Evidence>> {
    let rows = loader(ctx)
        .load_one(EvidencesOf(owner))
        .await?
        .unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|r| Evidence(store::evidence_data(r)))
        .collect())
}

/// Section 1.1 of the libretto (the citizen's data as copied into it).
pub struct PersonInfo(pub PersonSnapshot);

#[Object(guard = "access::PERSON_INFO")]
impl PersonInfo {
    async fn fiscal_code(&self) -> &str {
        &self.0.fiscal_code
    }
    async fn given_name(&self) -> Option<&str> {
        self.0.given_name.as_deref()
    }
    async fn family_name(&self) -> Option<&str> {
        self.0.family_name.as_deref()
    }
    async fn birth_date(&self) -> Option<Date> {
        self.0.birth_date.map(Date)
    }
    async fn birth_place_code(&self) -> Option<&str> {
        self.0.birth_place_code.as_deref()
    }
    async fn gender(&self) -> Option<&str> {
        self.0.gender.as_deref()
    }
    async fn citizenship(&self) -> Option<&str> {
        self.0.citizenship.as_deref()
    }
    async fn residence_municipality(&self) -> Option<&str> {
        self.0.residence_municipality.as_deref()
    }
    async fn residence_province(&self) -> Option<&str> {
        self.0.residence_province.as_deref()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// Regional sources the data was copied from.
    async fn sources(&self) -> &[String] {
        &self.0.sources
    }
}

/// A work or training experience (section 1) with its provenance.
pub struct LibrettoExperience(ExperienceData);

#[Object(guard = "access::LIBRETTO_EXPERIENCE")]
impl LibrettoExperience {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn kind(&self) -> enums::ExperienceKind {
        self.0.kind.into()
    }
    /// REGIONAL_DB (copied from a regional source) or SELF_DECLARED (autodichiarazione).
    async fn origin(&self) -> enums::ExperienceOrigin {
        self.0.origin.into()
    }
    /// The regional source it was copied from.
    async fn source(&self) -> Option<&str> {
        self.0.source_name.as_deref()
    }
    /// The row id in that source.
    async fn source_row_id(&self) -> Option<&str> {
        self.0.source_row_id.as_deref()
    }
    /// Employer (work) or provider (training).
    async fn organisation(&self) -> Option<&str> {
        self.0.organisation.as_deref()
    }
    /// Role or course title.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(Date)
    }
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
    async fn contract_type(&self) -> Option<&str> {
        self.0.contract_type.as_deref()
    }
    async fn contract_type_label(&self, ctx: &Context<'_>) -> Option<String> {
        let code = self.0.contract_type.as_deref()?;
        let state = ctx.data_unchecked::<AppState>();
        state
            .reference
            .find(CONTRACT_TYPE, code)
            .map(|c| c.label.clone())
    }
    async fn occupation_code(&self) -> Option<&str> {
        self.0.occupation_code.as_deref()
    }
    async fn sector_code(&self) -> Option<&str> {
        self.0.sector_code.as_deref()
    }
    async fn weekly_hours(&self) -> Option<f64> {
        self.0.weekly_hours
    }
    async fn training_kind(&self) -> Option<&str> {
        self.0.training_kind.as_deref()
    }
    async fn hours(&self) -> Option<i32> {
        self.0.hours
    }
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    async fn qualification_code(&self) -> Option<&str> {
        self.0.qualification_code.as_deref()
    }
    async fn eqf_level(&self) -> Option<i16> {
        self.0.eqf_level
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// True when the operator changed a prefilled experience; `original` keeps what the
    /// regional source said.
    async fn edited(&self) -> bool {
        self.0.edited
    }
    async fn dropped(&self) -> bool {
        self.0.dropped
    }
    async fn drop_reason(&self) -> Option<&str> {
        self.0.drop_reason.as_deref()
    }
    /// The experience as prefilled from the regional source, before any edit.
    async fn original(&self) -> Result<Option<LibrettoExperience>> {
        match &self.0.original {
            Some(json) => Ok(Some(LibrettoExperience(from_json(json)?))),
            None => Ok(None),
        }
    }
}

/// A competence (section 2): type, description, acquisition context, evidences.
pub struct LibrettoCompetence {
    data: CompetenceData,
    /// Evidences frozen in a version; `None` for the working copy (read through loaders).
    frozen: Option<Vec<EvidenceData>>,
    owner: EvidenceOwner,
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
pub struct Evidence(EvidenceData);

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

/// A consolidated version: the whole libretto as issued at that moment, immutable.
pub struct LibrettoVersion {
    row: libretto_version::Model,
    content: crate::domain::libretto::LibrettoContent,
}

impl LibrettoVersion {
    fn from_row(row: libretto_version::Model) -> Result<Self> {
        let content = from_json(&row.content)?;
        Ok(LibrettoVersion { row, content })
    }
}

#[Object(guard = "access::LIBRETTO_VERSION")]
impl LibrettoVersion {
    /// 1 for the first issue, then 2, 3… after each update.
    async fn n(&self) -> i32 {
        self.row.n
    }
    async fn number(&self) -> &str {
        &self.row.number
    }
    async fn consolidated_at(&self) -> DateTime<Utc> {
        self.row.consolidated_at
    }
    async fn consolidated_by(&self) -> &str {
        &self.row.consolidated_by
    }
    async fn person(&self) -> PersonInfo {
        PersonInfo(self.content.person.clone())
    }
    async fn experiences(&self) -> Vec<LibrettoExperience> {
        self.content
            .experiences
            .iter()
            .filter(|e| !e.dropped)
            .cloned()
            .map(LibrettoExperience)
            .collect()
    }
    async fn competences(&self) -> Vec<LibrettoCompetence> {
        self.content
            .competences
            .iter()
            .map(|c| LibrettoCompetence {
                data: c.clone(),
                frozen: Some(self.content.evidences.clone()),
                owner: EvidenceOwner::Libretto(self.row.libretto_id.clone()),
            })
            .collect()
    }
    async fn evidences(&self) -> Vec<Evidence> {
        self.content
            .evidences
            .iter()
            .cloned()
            .map(Evidence)
            .collect()
    }
}

/// One lifecycle step.
pub struct LibrettoTransition(libretto_transition::Model);

#[Object(guard = "access::LIBRETTO_TRANSITION")]
impl LibrettoTransition {
    async fn from_status(&self) -> Option<enums::LibrettoStatus> {
        self.0
            .from_status
            .as_deref()
            .and_then(LibrettoStatus::parse)
            .map(Into::into)
    }
    async fn to_status(&self) -> Option<enums::LibrettoStatus> {
        LibrettoStatus::parse(&self.0.to_status).map(Into::into)
    }
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    async fn by(&self) -> &str {
        &self.0.by
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

// ------------------------------------------------------------------------------------------
// Queries
// ------------------------------------------------------------------------------------------

#[derive(InputObject, Default)]
pub struct LibrettoFilter {
    /// Reporting territory (CPI area: a province name, or "Empoli").
    pub area: Option<String>,
    pub status: Option<enums::LibrettoStatus>,
    /// Issued (first consolidated) on or after this date.
    pub issued_from: Option<Date>,
    /// Issued on or before this date.
    pub issued_to: Option<Date>,
    pub office: Option<String>,
}

#[derive(Default)]
pub struct LibrettoQuery;

#[Object]
impl LibrettoQuery {
    #[graphql(guard = "access::QUERY_LIBRETTO")]
    async fn libretto(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Libretto>> {
        let scope = scope(ctx);
        let found = loader(ctx).load_one(LibrettoById(id.0)).await?;
        if let Some(l) = &found {
            note_read(scope, &l.fiscal_code, "libretto");
        }
        Ok(found.map(Libretto))
    }

    /// Libretti matching the filter, newest first (Relay pagination).
    #[graphql(guard = "access::QUERY_LIBRETTOS")]
    async fn librettos(
        &self,
        ctx: &Context<'_>,
        filter: Option<LibrettoFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Libretto>> {
        let scope = scope(ctx);
        let state = ctx.data_unchecked::<AppState>();
        let size = super::citizen::page_size(first, state.config.limits.max_page_size)?;
        let filter = filter.unwrap_or_default();
        let query = store::ListQuery {
            area: filter.area,
            status: filter.status.map(Into::into),
            issued_from: filter.issued_from.map(|d| d.0),
            issued_to: filter.issued_to.map(|d| d.0),
            office: filter.office,
            after: after
                .map(|a| state.cursors.open_json("librettos", &a))
                .transpose()?,
            size,
        };
        let (rows, has_next) = store::list(state.store.db(), &query).await?;
        let mut connection = Connection::new(query.after.is_some(), has_next);
        for row in rows {
            note_read(scope, &row.fiscal_code, "librettos");
            connection.edges.push(Edge::new(
                state
                    .cursors
                    .seal_json("librettos", &store::ListCursor::of(&row)),
                Libretto(row),
            ));
        }
        Ok(connection)
    }
}

fn note_read(scope: &super::scope::RequestScope, fiscal_code: &str, field: &'static str) {
    if let Ok(code) = FiscalCode::parse(fiscal_code) {
        scope.note_read(&code, field);
    }
}

// ------------------------------------------------------------------------------------------
// Mutations
// ------------------------------------------------------------------------------------------

#[derive(InputObject)]
pub struct OpenLibrettoInput {
    pub fiscal_code: FiscalCode,
    /// Issuing office (CPI): the token's; only an administrator may name another.
    pub office: Option<String>,
}

#[derive(InputObject)]
pub struct LibrettoStepInput {
    pub id: ID,
    /// The version the client read.
    pub version: i64,
}

#[derive(InputObject)]
pub struct ConsolidateLibrettoInput {
    pub id: ID,
    pub version: i64,
    /// The citizen signed the libretto (DOMAIN.md §9: "citizen signs").
    pub citizen_signed: bool,
}

#[derive(InputObject)]
pub struct LibrettoReasonInput {
    pub id: ID,
    pub version: i64,
    pub reason: String,
}

/// A self-declared experience, or the new values of an existing one.
#[derive(InputObject)]
pub struct LibrettoExperienceInput {
    pub libretto_id: ID,
    pub version: i64,
    /// Only to edit an existing experience.
    pub experience_id: Option<ID>,
    pub kind: enums::ExperienceKind,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// COB contract type, valid at the start date (work).
    pub contract_type: Option<String>,
    /// ISTAT CP2011 (work).
    pub occupation_code: Option<String>,
    /// ATECO (work).
    pub sector_code: Option<String>,
    pub weekly_hours: Option<f64>,
    /// education, vocational, internship or apprenticeship (training).
    pub training_kind: Option<String>,
    pub hours: Option<i32>,
    /// completed, qualified, withdrawn or ongoing (training).
    pub outcome: Option<String>,
    pub qualification_code: Option<String>,
    pub eqf_level: Option<i32>,
    pub description: Option<String>,
}

#[derive(InputObject)]
pub struct DropLibrettoExperienceInput {
    pub libretto_id: ID,
    pub version: i64,
    pub experience_id: ID,
    pub reason: Option<String>,
    /// Put a dropped experience back.
    #[graphql(default = false)]
    pub restore: bool,
}

#[derive(InputObject)]
pub struct LibrettoCompetenceInput {
    pub libretto_id: ID,
    pub version: i64,
    #[graphql(name = "type")]
    pub competence_type: String,
    pub description: String,
    pub context: enums::LearningContext,
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    pub ada_code: Option<String>,
    /// Evidences of this libretto that support the competence.
    #[graphql(default)]
    pub evidence_ids: Vec<ID>,
}

#[derive(InputObject)]
pub struct LibrettoCompetenceRefInput {
    pub libretto_id: ID,
    pub version: i64,
    pub competence_id: ID,
    #[graphql(default)]
    pub evidence_ids: Vec<ID>,
}

/// An evidence for a libretto; the file (PDF, PNG or JPEG) travels as a GraphQL multipart
/// upload.
#[derive(InputObject)]
pub struct LibrettoEvidenceInput {
    pub libretto_id: ID,
    pub version: i64,
    /// Code of the evidence-category table.
    pub category: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<Date>,
    pub file: Option<Upload>,
}

#[derive(Default)]
pub struct LibrettoMutation;

pub fn writer<'a>(ctx: &Context<'a>) -> Result<(Actor, &'a AppState), AppError> {
    let scope = scope(ctx);
    let state = ctx.data_unchecked::<AppState>();
    let territory = state
        .config
        .auth
        .operators_write_own_territory_only
        .then(|| (state.registry.clone(), state.links.current()));
    Ok((
        Actor {
            principal: scope.principal.clone(),
            request_id: scope.request_id.clone(),
            territory,
        },
        state,
    ))
}

#[Object(guard = "access::MUTATION")]
impl LibrettoMutation {
    /// Opens a citizen's libretto (DRAFT), prefilled with their employments and trainings from
    /// every regional source, each keeping its source and row id.
    async fn open_libretto(&self, ctx: &Context<'_>, input: OpenLibrettoInput) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let key = super::identity::current_code(ctx, &input.fiscal_code)?;
        super::identity::check_family_holds_none(
            ctx,
            &key,
            super::identity::FamilyDocument::Libretto,
        )
        .await?;
        let gathered = state
            .registry
            .profiles(
                &ViewKeys::all(std::slice::from_ref(&key)),
                &state.links.current(),
            )
            .await;
        let scope = scope(ctx);
        scope.note_failures(&gathered.failures);
        if !gathered.failures.is_empty() {
            // a libretto prefilled from half the sources would silently miss experiences
            let names: Vec<&str> = gathered
                .failures
                .iter()
                .map(|f| f.source.as_str())
                .collect();
            return Err(AppError::SourceUnavailable {
                source_name: names.join(", "),
                reason: "cannot prefill the libretto while a regional source is down; retry".into(),
            }
            .into());
        }
        let profile = gathered.value;
        let person = profile
            .persons
            .get(&key)
            .ok_or_else(|| AppError::NotFound(format!("no regional source knows citizen {key}")))?;
        let area = person
            .residence_municipality
            .as_ref()
            .and_then(|m| codes::municipality_by_istat(&m.value))
            .map(|m| m.cpi_area().to_owned())
            .filter(|a| !a.is_empty());
        let mut experiences: Vec<ExperienceData> = profile
            .employments
            .get(&key)
            .map(|rows| rows.iter().map(prefilled_employment).collect())
            .unwrap_or_default();
        if let Some(rows) = profile.trainings.get(&key) {
            experiences.extend(rows.iter().map(prefilled_training));
        }
        let model = store::open(
            state.store.db(),
            &actor,
            NewLibretto {
                fiscal_code: key.as_str().to_owned(),
                region: state.config.documents.region.clone(),
                area,
                office: actor.office("office", input.office)?,
                person: snapshot(person),
                experiences,
            },
        )
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
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.id,
            input.version,
            "startCompilation",
            async |txn, m| {
                store::status_of(m)?.step(
                    LibrettoStatus::InCompilation,
                    &m.id,
                    "start compiling it",
                )?;
                store::set_status(txn, m, LibrettoStatus::InCompilation, &actor, None).await
            },
        )
        .await?;
        Ok(Libretto(model))
    }

    /// Adds a self-declared experience (autodichiarazione).
    async fn add_libretto_experience(
        &self,
        ctx: &Context<'_>,
        input: LibrettoExperienceInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let data = validated_experience(state, &input, ExperienceOrigin::SelfDeclared)?;
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.libretto_id,
            input.version,
            "addExperience",
            async |txn, m| store::add_experience(txn, m, &data, &actor).await,
        )
        .await?;
        Ok(Libretto(model))
    }

    /// Changes an experience; a prefilled one keeps its provenance and its `original`.
    async fn update_libretto_experience(
        &self,
        ctx: &Context<'_>,
        input: LibrettoExperienceInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let Some(experience_id) = input.experience_id.clone() else {
            return Err(AppError::bad_input(
                "experienceId",
                "experienceId: required to edit an experience",
            )
            .into());
        };
        let mut data = validated_experience(state, &input, ExperienceOrigin::SelfDeclared)?;
        data.id = experience_id.0;
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.libretto_id,
            input.version,
            "updateExperience",
            async |txn, m| store::update_experience(txn, m, &data, &actor).await,
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
        check_optional_text("reason", input.reason.as_deref(), 500).map_err(AppError::from)?;
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.libretto_id,
            input.version,
            "dropExperience",
            async |txn, m| {
                store::drop_experience(
                    txn,
                    m,
                    &input.experience_id,
                    !input.restore,
                    input.reason.clone(),
                    &actor,
                )
                .await
            },
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
        let region = state.config.documents.region.clone();
        state.reference.check(
            "type",
            COMPETENCE_TYPE,
            &input.competence_type,
            Some(&region),
            None,
        )?;
        check_text("description", &input.description, 2000).map_err(AppError::from)?;
        let today = Utc::now().date_naive();
        check_period(
            "periodFrom",
            input.period_from.map(|d| d.0),
            "periodTo",
            input.period_to.map(|d| d.0),
            today,
        )
        .map_err(AppError::from)?;
        if let Some(ada) = &input.ada_code {
            check_ada("adaCode", ada).map_err(AppError::from)?;
        }
        let data = CompetenceData {
            id: uuid::Uuid::new_v4().to_string(),
            competence_type: input.competence_type.clone(),
            description: input.description.trim().to_owned(),
            context: input.context.into(),
            period_from: input.period_from.map(|d| d.0),
            period_to: input.period_to.map(|d| d.0),
            ada_code: input.ada_code.clone(),
            evidence_ids: input.evidence_ids.iter().map(|i| i.0.clone()).collect(),
        };
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.libretto_id,
            input.version,
            "addCompetence",
            async |txn, m| store::add_competence(txn, m, &data, &actor).await,
        )
        .await?;
        Ok(Libretto(model))
    }

    /// Links more evidences to a competence.
    async fn link_competence_evidences(
        &self,
        ctx: &Context<'_>,
        input: LibrettoCompetenceRefInput,
    ) -> Result<Libretto> {
        let (actor, state) = writer(ctx)?;
        let ids: Vec<String> = input.evidence_ids.iter().map(|i| i.0.clone()).collect();
        if ids.is_empty() {
            return Err(AppError::bad_input(
                "evidenceIds",
                "evidenceIds: name at least one evidence",
            )
            .into());
        }
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.libretto_id,
            input.version,
            "linkEvidences",
            async |txn, m| {
                store::status_of(m)?.require_editable(&m.id, "link evidences")?;
                store::competence_in(txn, m, &input.competence_id).await?;
                store::link_evidences(txn, m, &input.competence_id, &ids).await
            },
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
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.libretto_id,
            input.version,
            "removeCompetence",
            async |txn, m| store::remove_competence(txn, m, &input.competence_id).await,
        )
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
        let region = state.config.documents.region.clone();
        let new = validated_evidence(
            ctx,
            state,
            &region,
            input.category,
            &input.title,
            input.issuer,
            input.issued_on,
            input.file,
        )?;
        let max = state.config.documents.max_file_bytes;
        let owner = EvidenceOwner::Libretto(input.libretto_id.0.clone());
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.libretto_id,
            input.version,
            "addEvidence",
            async |txn, m| {
                store::status_of(m)?.require_editable(&m.id, "add an evidence")?;
                evidence_store::insert(txn, &owner, new, max, &actor)
                    .await
                    .map(|_| ())
            },
        )
        .await?;
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
        let current = store::find(state.store.db(), &input.id).await?;
        let key = FiscalCode::parse(&current.fiscal_code).map_err(AppError::internal)?;
        let persons = state
            .registry
            .persons(std::slice::from_ref(&key), &state.links.current())
            .await;
        scope(ctx).note_failures(&persons.failures);
        // a source down (or answered from its stale cache) keeps the snapshot taken earlier
        // rather than blocking the issue: the other sources alone would freeze a person record
        // that is partial, or older than the one already kept
        let person = if persons.failures.is_empty() {
            persons.value.get(&key).map(snapshot)
        } else {
            None
        };
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.id,
            input.version,
            "consolidate",
            async |txn, m| {
                store::consolidate(txn, m, person.clone(), input.citizen_signed, &actor).await
            },
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
        check_text("reason", &input.reason, 500).map_err(AppError::from)?;
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.id,
            input.version,
            "update",
            async |txn, m| {
                store::status_of(m)?.step(LibrettoStatus::InUpdate, &m.id, "update it")?;
                store::set_status(
                    txn,
                    m,
                    LibrettoStatus::InUpdate,
                    &actor,
                    Some(input.reason.clone()),
                )
                .await
            },
        )
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
        check_text("reason", &input.reason, 500).map_err(AppError::from)?;
        let model = store::mutate(
            state.store.db(),
            &actor,
            &input.id,
            input.version,
            "cancel",
            async |txn, m| {
                store::status_of(m)?.step(LibrettoStatus::Cancelled, &m.id, "cancel it")?;
                store::set_cancel_reason(txn, m, &input.reason).await?;
                store::set_status(
                    txn,
                    m,
                    LibrettoStatus::Cancelled,
                    &actor,
                    Some(input.reason.clone()),
                )
                .await
            },
        )
        .await?;
        Ok(Libretto(model))
    }
}

/// Reads an uploaded file, one byte past `limit` at most, so that an oversize file is reported
/// by the size check rather than silently truncated.
pub fn read_upload(
    ctx: &Context<'_>,
    upload: &Upload,
    limit: usize,
) -> Result<UploadedFile, AppError> {
    let value = upload
        .value(ctx)
        .map_err(|e| AppError::bad_input("file", format!("file: cannot read the upload: {e}")))?;
    let mut content = Vec::new();
    value
        .content
        .take(u64::try_from(limit).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut content)
        .map_err(|e| AppError::bad_input("file", format!("file: cannot read the upload: {e}")))?;
    Ok(UploadedFile {
        name: value.filename,
        content,
    })
}

/// Validates an evidence's fields and reads its upload (shared with the IVC dossier).
#[expect(clippy::too_many_arguments, reason = "the fields of one input object")]
pub fn validated_evidence(
    ctx: &Context<'_>,
    state: &AppState,
    region: &str,
    category: String,
    title: &str,
    issuer: Option<String>,
    issued_on: Option<Date>,
    file: Option<Upload>,
) -> Result<NewEvidence, AppError> {
    state
        .reference
        .check("category", EVIDENCE_CATEGORY, &category, Some(region), None)?;
    check_text("title", title, 300)?;
    check_optional_text("issuer", issuer.as_deref(), 200)?;
    let today = Utc::now().date_naive();
    check_period("issuedOn", issued_on.map(|d| d.0), "issuedOn", None, today)?;
    let file = file
        .map(|upload| read_upload(ctx, &upload, state.config.documents.max_file_bytes))
        .transpose()?;
    Ok(NewEvidence {
        category,
        title: title.trim().to_owned(),
        issuer,
        issued_on: issued_on.map(|d| d.0),
        file,
    })
}

/// DOMAIN.md §8 on what the operator types for an experience.
fn validated_experience(
    state: &AppState,
    input: &LibrettoExperienceInput,
    origin: ExperienceOrigin,
) -> Result<ExperienceData, AppError> {
    let today = Utc::now().date_naive();
    let start = input.start_date.map(|d| d.0);
    let end = input.end_date.map(|d| d.0);
    check_period("startDate", start, "endDate", end, today)?;
    check_optional_text("organisation", input.organisation.as_deref(), 200)?;
    check_optional_text("title", input.title.as_deref(), 300)?;
    check_optional_text("description", input.description.as_deref(), 2000)?;
    match ExperienceKind::from(input.kind) {
        ExperienceKind::Work => {
            if input.organisation.is_none() {
                return Err(AppError::bad_input(
                    "organisation",
                    "organisation: a work experience names the employer",
                ));
            }
            let Some(start) = start else {
                return Err(AppError::bad_input(
                    "startDate",
                    "startDate: a work experience needs its start date",
                ));
            };
            if let Some(code) = &input.contract_type {
                // V4: the contract type must be in force at the contract's start date
                state
                    .reference
                    .check("contractType", CONTRACT_TYPE, code, None, Some(start))?;
            }
        }
        ExperienceKind::Training => {
            if input.title.is_none() {
                return Err(AppError::bad_input(
                    "title",
                    "title: a training experience names the course or title",
                ));
            }
            if let Some(kind) = &input.training_kind
                && !codes::TRAINING_KINDS.contains(&kind.as_str())
            {
                return Err(AppError::bad_input(
                    "trainingKind",
                    format!(
                        "trainingKind: \"{kind}\" is not one of {}",
                        codes::TRAINING_KINDS.join(", ")
                    ),
                ));
            }
            if let Some(outcome) = &input.outcome
                && !codes::TRAINING_OUTCOMES.contains(&outcome.as_str())
            {
                return Err(AppError::bad_input(
                    "outcome",
                    format!(
                        "outcome: \"{outcome}\" is not one of {}",
                        codes::TRAINING_OUTCOMES.join(", ")
                    ),
                ));
            }
        }
    }
    if let Some(code) = &input.occupation_code {
        check_cp2011("occupationCode", code)?;
    }
    if let Some(code) = &input.sector_code {
        check_ateco("sectorCode", code)?;
    }
    if let Some(level) = input.eqf_level {
        check_eqf("eqfLevel", level)?;
    }
    if input.hours.is_some_and(|h| h < 0) {
        return Err(AppError::bad_input("hours", "hours: must not be negative"));
    }
    if input
        .weekly_hours
        .is_some_and(|h| !(0.0..=168.0).contains(&h))
    {
        return Err(AppError::bad_input(
            "weeklyHours",
            "weeklyHours: must be between 0 and 168",
        ));
    }
    Ok(ExperienceData {
        id: uuid::Uuid::new_v4().to_string(),
        kind: input.kind.into(),
        origin,
        source_name: None,
        source_row_id: None,
        organisation: input.organisation.clone(),
        title: input.title.clone(),
        start_date: start,
        end_date: end,
        contract_type: input.contract_type.clone(),
        occupation_code: input.occupation_code.clone(),
        sector_code: input.sector_code.clone(),
        weekly_hours: input.weekly_hours,
        training_kind: input.training_kind.clone(),
        hours: input.hours,
        outcome: input.outcome.clone(),
        qualification_code: input.qualification_code.clone(),
        eqf_level: input.eqf_level.and_then(|l| i16::try_from(l).ok()),
        description: input.description.clone(),
        edited: false,
        dropped: false,
        drop_reason: None,
        original: None,
    })
}

pub fn snapshot(person: &MergedPerson) -> PersonSnapshot {
    fn v<T: Clone>(m: &Option<crate::sources::merge::Merged<T>>) -> Option<T> {
        m.as_ref().map(|m| m.value.clone())
    }
    PersonSnapshot {
        fiscal_code: person.fiscal_code.as_str().to_owned(),
        given_name: v(&person.given_name),
        family_name: v(&person.family_name),
        birth_date: v(&person.birth_date),
        birth_place_code: v(&person.birth_place_code),
        gender: v(&person.gender),
        citizenship: v(&person.citizenship),
        residence_municipality: v(&person.residence_municipality),
        residence_province: v(&person.residence_province),
        email: v(&person.email),
        phone: v(&person.phone),
        sources: person
            .sources
            .iter()
            .map(|s| s.source.to_string())
            .collect(),
        taken_at: Some(Utc::now().naive_utc()),
    }
}

fn prefilled_employment(row: &Sourced<EmploymentRow>) -> ExperienceData {
    let e = &row.row;
    ExperienceData {
        id: uuid::Uuid::new_v4().to_string(),
        kind: ExperienceKind::Work,
        origin: ExperienceOrigin::RegionalDb,
        source_name: Some(row.source.to_string()),
        source_row_id: Some(e.id.to_string()),
        organisation: e.employer_name.clone(),
        title: None,
        start_date: Some(e.start_date),
        end_date: e.end_date,
        contract_type: e.contract_type.clone(),
        occupation_code: e.occupation_code.clone(),
        sector_code: e.sector_code.clone(),
        weekly_hours: e.weekly_hours,
        training_kind: None,
        hours: None,
        outcome: None,
        qualification_code: None,
        eqf_level: None,
        description: None,
        edited: false,
        dropped: false,
        drop_reason: None,
        original: None,
    }
}

fn prefilled_training(row: &Sourced<TrainingRow>) -> ExperienceData {
    let t = &row.row;
    ExperienceData {
        id: uuid::Uuid::new_v4().to_string(),
        kind: ExperienceKind::Training,
        origin: ExperienceOrigin::RegionalDb,
        source_name: Some(row.source.to_string()),
        source_row_id: Some(t.id.to_string()),
        organisation: t.provider_name.clone(),
        title: t.title.clone(),
        start_date: t.start_date,
        end_date: t.end_date,
        contract_type: None,
        occupation_code: None,
        sector_code: None,
        weekly_hours: None,
        training_kind: t.kind.clone(),
        hours: t.hours.and_then(|h| i32::try_from(h).ok()),
        outcome: t.outcome.clone(),
        qualification_code: t.qualification_code.clone(),
        eqf_level: t.eqf_level.and_then(|l| i16::try_from(l).ok()),
        description: None,
        edited: false,
        dropped: false,
        drop_reason: None,
        original: None,
    }
}
