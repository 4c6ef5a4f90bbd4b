//! The libretto's output types: the libretto (live working copy), its frozen versions and
//! lifecycle steps, and section 1.1. Sections 1 and 2 and the evidences are in `sections`.

use super::sections::{Evidence, LibrettoCompetence, LibrettoExperience};
use crate::domain::libretto::{LibrettoStatus, PersonSnapshot};
use crate::graphql::access;
use crate::graphql::enums;
use crate::graphql::scalars::Date;
use crate::graphql::store_loaders::{
    CompetencesOf, EvidencesOf, ExperiencesOf, TransitionsOf, VersionsOf, loader,
};
use crate::store::evidence::EvidenceOwner;
use crate::store::libretto::{self as store, experience_data, from_json};
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entities::{libretto, libretto_transition, libretto_version};

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
        let all = rows.into_iter().map(experience_data).collect();
        Ok(LibrettoExperience::all(all)
            .into_iter()
            .filter(|e| include_dropped || !e.data.dropped)
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
    /// SHA-256 (lowercase hex) of the version's frozen content: the fingerprint the PDF's
    /// verification line prints (`/documents/libretti/{id}.pdf?version=n`), so a printed copy
    /// can be checked against the store.
    async fn content_sha256(&self) -> String {
        crate::store::content_sha256(&self.row.content)
    }
    async fn person(&self) -> PersonInfo {
        PersonInfo(self.content.person.clone())
    }
    async fn experiences(&self) -> Vec<LibrettoExperience> {
        LibrettoExperience::all(self.content.experiences.clone())
            .into_iter()
            .filter(|e| !e.data.dropped)
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
