//! Identity in the API (DOMAIN.md §3.1): the possible omocodes an operator is shown, the links
//! an administrator makes between an old and a new code, and the documents held for review
//! since identity became the exact code (`services::identity::rekey`).

use super::access;
use super::libretto::writer;
use super::plain::plain_struct;
use super::scalars::FiscalCodeScalar;
use crate::domain::FiscalCode;
use crate::domain::identity::CodeLink;
use crate::error::AppError;
use crate::services::identity as service;
use crate::state::AppState;
use crate::store::identity::LinkRecord;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Another code of the same omocodia family that a regional source knows: another person, or
/// a data entry error. Never merged with the citizen.
#[derive(SimpleObject)]
#[graphql(guard = "access::POSSIBLE_OMOCODE")]
pub struct PossibleOmocode {
    pub fiscal_code: FiscalCodeScalar,
    /// The sources that hold it.
    pub sources: Vec<String>,
}

impl PossibleOmocode {
    pub fn grouped(found: Vec<(FiscalCode, Arc<str>)>) -> Vec<PossibleOmocode> {
        let mut by_code: BTreeMap<FiscalCode, Vec<String>> = BTreeMap::new();
        for (code, source) in found {
            by_code.entry(code).or_default().push(source.to_string());
        }
        by_code
            .into_iter()
            .map(|(fiscal_code, sources)| PossibleOmocode {
                fiscal_code: fiscal_code.into(),
                sources,
            })
            .collect()
    }
}

plain_struct! {
    #[guard(access::FISCAL_CODE_LINK)]
    /// An old code joined to the code that replaced it, by an administrator.
    #[derive(Clone)]
    pub struct FiscalCodeLink {
        pub id: ID,
        /// The old code: its rows show under `to`.
        pub from_code as "from": FiscalCodeScalar,
        pub to_code as "to": FiscalCodeScalar,
        pub reason: String,
        pub linked_at: DateTime<Utc>,
        pub linked_by: String,
        /// Set once undone (`unlinkFiscalCodes`).
        pub unlinked_at: Option<DateTime<Utc>>,
        pub unlinked_by: Option<String>,
        pub unlink_reason: Option<String>,
    }
}

impl From<&CodeLink> for FiscalCodeLink {
    fn from(link: &CodeLink) -> Self {
        FiscalCodeLink {
            id: ID(link.id.clone()),
            from_code: FiscalCodeScalar::from(&link.from),
            to_code: FiscalCodeScalar::from(&link.to),
            reason: link.reason.clone(),
            linked_at: link.linked_at,
            linked_by: link.linked_by.clone(),
            unlinked_at: None,
            unlinked_by: None,
            unlink_reason: None,
        }
    }
}

impl From<LinkRecord> for FiscalCodeLink {
    fn from(record: LinkRecord) -> Self {
        FiscalCodeLink {
            unlinked_at: record.unlinked_at,
            unlinked_by: record.unlinked_by,
            unlink_reason: record.unlink_reason,
            ..FiscalCodeLink::from(&record.link)
        }
    }
}

pub async fn links_of(ctx: &Context<'_>, code: &FiscalCode) -> Result<Vec<FiscalCodeLink>> {
    let state = ctx.data_unchecked::<AppState>();
    Ok(service::history(&state.store, code)
        .await?
        .into_iter()
        .map(FiscalCodeLink::from)
        .collect())
}

/// A document that belonged to two people merged under one base code, held until assigned.
#[derive(SimpleObject)]
#[graphql(guard = "access::IDENTITY_REVIEW")]
pub struct IdentityReview {
    pub id: ID,
    /// `libretto`, `ivc_dossier` or `orientation`.
    pub document_kind: String,
    pub document_id: String,
    /// The base code it was stored under.
    pub stored_code: String,
    /// The people the sources know under that base: one of them is the holder.
    pub candidates: Vec<String>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub resolved_code: Option<String>,
}

impl From<entities::identity_review::Model> for IdentityReview {
    fn from(m: entities::identity_review::Model) -> Self {
        IdentityReview {
            id: ID(m.id),
            document_kind: m.document_kind,
            document_id: m.document_id,
            stored_code: m.stored_code,
            candidates: serde_json::from_str(&m.candidates).unwrap_or_default(),
            reason: m.reason,
            created_at: m.created_at,
            resolved_at: m.resolved_at,
            resolved_by: m.resolved_by,
            resolved_code: m.resolved_code,
        }
    }
}

#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// Documents held since identity became the exact code, waiting for an administrator to
    /// say whose they are (oldest first).
    #[graphql(guard = "access::QUERY_IDENTITY_REVIEWS")]
    async fn identity_reviews(&self, ctx: &Context<'_>) -> Result<Vec<IdentityReview>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(service::review::open(&state.store)
            .await?
            .into_iter()
            .map(IdentityReview::from)
            .collect())
    }
}

#[derive(InputObject)]
pub struct LinkFiscalCodesInput {
    /// The old code.
    pub from: FiscalCodeScalar,
    /// The code the person holds now.
    pub to: FiscalCodeScalar,
    /// Why (e.g. the Agenzia delle Entrate's rectification and its date): kept in the audit.
    pub reason: String,
}

#[derive(InputObject)]
pub struct UnlinkFiscalCodesInput {
    pub from: FiscalCodeScalar,
    pub reason: String,
}

#[derive(InputObject)]
pub struct ResolveIdentityReviewInput {
    pub id: ID,
    /// One of the review's candidates: the person the document belongs to.
    pub fiscal_code: FiscalCodeScalar,
    pub reason: String,
}

#[derive(Default)]
pub struct IdentityMutation;

#[Object(guard = "access::MUTATION")]
impl IdentityMutation {
    /// Joins an old code to the code the person holds now (omocodia found late, rectified
    /// personal data): the old code's rows then show under the new one, each marked with the
    /// link. An explicit, audited act (DOMAIN.md §3.1); never inferred.
    #[graphql(guard = "access::MUTATION_LINK_FISCAL_CODES")]
    async fn link_fiscal_codes(
        &self,
        ctx: &Context<'_>,
        input: LinkFiscalCodesInput,
    ) -> Result<FiscalCodeLink> {
        let (actor, state) = writer(ctx)?;
        crate::services::territory::check(&state.deps(), &actor, input.from.as_str()).await?;
        crate::services::territory::check(&state.deps(), &actor, input.to.as_str()).await?;
        let link = service::link(
            &state.store,
            &state.links,
            &actor,
            input.from.0,
            input.to.0,
            &input.reason,
        )
        .await?;
        Ok(FiscalCodeLink::from(&link))
    }

    /// Undoes the active link out of an old code.
    #[graphql(guard = "access::MUTATION_UNLINK_FISCAL_CODES")]
    async fn unlink_fiscal_codes(
        &self,
        ctx: &Context<'_>,
        input: UnlinkFiscalCodesInput,
    ) -> Result<FiscalCodeLink> {
        let (actor, state) = writer(ctx)?;
        crate::services::territory::check(&state.deps(), &actor, input.from.as_str()).await?;
        let link = service::unlink(
            &state.store,
            &state.links,
            &actor,
            input.from.0,
            &input.reason,
        )
        .await?;
        let mut shown = FiscalCodeLink::from(&link);
        shown.unlinked_at = Some(Utc::now());
        shown.unlinked_by = Some(actor.subject().to_owned());
        shown.unlink_reason = Some(input.reason.trim().to_owned());
        Ok(shown)
    }

    /// Gives a held document to the person it belongs to (one of the review's candidates).
    #[graphql(guard = "access::MUTATION_RESOLVE_IDENTITY_REVIEW")]
    async fn resolve_identity_review(
        &self,
        ctx: &Context<'_>,
        input: ResolveIdentityReviewInput,
    ) -> Result<IdentityReview> {
        let (actor, state) = writer(ctx)?;
        crate::services::territory::check(&state.deps(), &actor, input.fiscal_code.as_str())
            .await?;
        let review = service::review::resolve(
            &state.store,
            &actor,
            input.id.as_str(),
            &input.fiscal_code,
            &input.reason,
        )
        .await?;
        Ok(IdentityReview::from(review))
    }
}

/// Writes go to the code the person holds now: a code an administrator linked to a newer one
/// is read-only, its rows showing under the newer code.
pub fn current_code(ctx: &Context<'_>, code: &FiscalCode) -> Result<FiscalCode, AppError> {
    match super::loaders::links(ctx).replaced_by(code) {
        Some(link) => Err(AppError::bad_input(
            "fiscalCode",
            format!(
                "fiscalCode: {code} was replaced by {} (link {} of {}): write under {}",
                link.to,
                link.id,
                link.linked_at.date_naive(),
                link.to
            ),
        )),
        None => Ok(code.clone()),
    }
}

/// The code the person's orientation record is kept under: their own, else a linked older
/// code's that has one, else their own (no record yet).
pub async fn orientation_code(ctx: &Context<'_>, code: &FiscalCode) -> Result<FiscalCode> {
    let code = current_code(ctx, code)?;
    let family = super::loaders::links(ctx).family(&code);
    if family.len() > 1 {
        for member in &family {
            if super::orientation::record_of(ctx, member).await?.is_some() {
                return Ok(member.clone());
            }
        }
    }
    Ok(code)
}

/// One libretto and one open IVC path per person: a linked older code's count too.
pub async fn check_family_holds_none(
    ctx: &Context<'_>,
    code: &FiscalCode,
    kind: FamilyDocument,
) -> Result<()> {
    use super::store_loaders::{LibrettiOf, loader};
    let links = super::loaders::links(ctx);
    for link in links.older_codes(code) {
        let held = match kind {
            FamilyDocument::Libretto => loader(ctx)
                .load_one(LibrettiOf(link.from.clone()))
                .await?
                .unwrap_or_default()
                .iter()
                .find(|l| l.status != crate::domain::libretto::LibrettoStatus::Cancelled.as_str())
                .map(|l| l.id.clone()),
            FamilyDocument::OpenIvcPath => super::ivc::dossiers_of(ctx, &link.from)
                .await?
                .iter()
                .find(|d| d.0.status != crate::domain::ivc::IvcStatus::Closed.as_str())
                .map(|d| d.0.id.clone()),
        };
        if let Some(id) = held {
            return Err(AppError::Conflict {
                message: format!(
                    "{} {id} of {} (linked to {code}) is this person's already",
                    kind.name(),
                    link.from
                ),
                current_version: 0,
            }
            .into());
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
pub enum FamilyDocument {
    Libretto,
    OpenIvcPath,
}

impl FamilyDocument {
    fn name(self) -> &'static str {
        match self {
            FamilyDocument::Libretto => "libretto",
            FamilyDocument::OpenIvcPath => "open IVC dossier",
        }
    }
}
