//! Orientation through GraphQL (seed 001): the citizen's orientation record with intake and
//! consent, service pact, propensities, education titles, CV and portal transfers; the
//! portal's own view of consenting citizens (`portal`); the measures catalogue. Mutations
//! are in `mutation`, the intake and the consent in `consent`, their inputs in `inputs`, the
//! output types in `types`; the rules are `services::orientation` and `services::consent`.

pub mod consent;
mod inputs;
pub mod mutation;
pub mod pact;
pub mod pact_api;
pub mod portal;
pub mod profiling;
mod types;

pub use inputs::*;
pub use pact::{ServicePact, service_pact};
pub use types::*;

use super::access;
use super::scalars::Date;
use super::store_loaders::{StoreLoader, failed, grouped_where, inner, loader};
use crate::domain::FiscalCode;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::orientation as store;
use crate::store::outbox;
use crate::store::reference::{PACT_MEASURE, SPECIAL_CATEGORY};
use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entities::{
    conditionality_event, consent_event, cv, education_title, orientation, pact_measure,
    pact_transition, pact_version, portal_transfer, propensity,
};
use std::collections::HashMap;

// ---- loaders: one statement per relation for any number of citizens ----

macro_rules! citizen_relation {
    ($key:ident, $model:ty, $read:path) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $key(pub FiscalCode);

        impl Loader<$key> for StoreLoader {
            type Value = Vec<$model>;
            type Error = async_graphql::Error;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                crate::observe::batch(keys);
                let codes = inner(keys, |k| k.0.as_str().to_owned());
                let rows = $read(self.0.db(), &codes).await.map_err(failed)?;
                // stored codes are the exact codes the keys are made of
                Ok(grouped_where(keys, rows, |r| {
                    FiscalCode::parse(&r.fiscal_code).ok().map($key)
                }))
            }
        }
    };
}

citizen_relation!(
    ConsentHistoryOf,
    consent_event::Model,
    store::consent_history_of
);
citizen_relation!(MeasuresOf, pact_measure::Model, store::measures_of);
citizen_relation!(PropensitiesOf, propensity::Model, store::propensities_of);
citizen_relation!(
    EducationTitlesOf,
    education_title::Model,
    store::education_titles_of
);
citizen_relation!(CvsOf, cv::Model, store::cvs_of);
citizen_relation!(TransfersOf, portal_transfer::Model, outbox::transfers_of);
citizen_relation!(
    PactVersionsOf,
    pact_version::Model,
    store::pact_life::versions_of
);
citizen_relation!(
    PactStepsOf,
    pact_transition::Model,
    store::pact_life::steps_of
);
citizen_relation!(
    BreachesOf,
    conditionality_event::Model,
    store::pact_life::breaches_of
);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrientationOf(pub FiscalCode);

impl Loader<OrientationOf> for StoreLoader {
    type Value = orientation::Model;
    type Error = async_graphql::Error;
    async fn load(
        &self,
        keys: &[OrientationOf],
    ) -> Result<HashMap<OrientationOf, Self::Value>, Self::Error> {
        crate::observe::batch(keys);
        let codes = inner(keys, |k| k.0.as_str().to_owned());
        let rows = store::records_of(self.0.db(), &codes)
            .await
            .map_err(failed)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| Some((OrientationOf(FiscalCode::parse(&r.id).ok()?), r)))
            .collect())
    }
}

/// Loads every orientation relation of `keys` in one batch each (the citizen query calls it
/// when any orientation field is asked), so the field resolvers only read the cache.
pub async fn prime(ctx: &Context<'_>, keys: &[FiscalCode]) {
    let l = loader(ctx);
    let k = || keys.iter().cloned();
    let _ = tokio::join!(
        l.load_many(k().map(OrientationOf)),
        l.load_many(k().map(ConsentHistoryOf)),
        l.load_many(k().map(MeasuresOf)),
        l.load_many(k().map(PropensitiesOf)),
        l.load_many(k().map(EducationTitlesOf)),
        l.load_many(k().map(CvsOf)),
        l.load_many(k().map(TransfersOf)),
    );
}

/// The answer of a mutation: relations cached earlier in this request are stale now.
pub fn changed(ctx: &Context<'_>, model: orientation::Model) -> OrientationRecord {
    let l = loader(ctx);
    l.clear::<OrientationOf>();
    l.clear::<ConsentHistoryOf>();
    l.clear::<MeasuresOf>();
    l.clear::<PropensitiesOf>();
    l.clear::<EducationTitlesOf>();
    l.clear::<CvsOf>();
    l.clear::<TransfersOf>();
    l.clear::<PactVersionsOf>();
    l.clear::<PactStepsOf>();
    l.clear::<BreachesOf>();
    OrientationRecord(model)
}

async fn many<K, V>(ctx: &Context<'_>, key: K) -> Result<Vec<V>>
where
    K: Send + Sync + Clone + Eq + std::hash::Hash + 'static,
    StoreLoader: Loader<K, Value = Vec<V>, Error = async_graphql::Error>,
    V: Send + Sync + Clone + 'static,
{
    Ok(loader(ctx).load_one(key).await?.unwrap_or_default())
}

pub async fn record_of(ctx: &Context<'_>, key: &FiscalCode) -> Result<Option<OrientationRecord>> {
    Ok(loader(ctx)
        .load_one(OrientationOf(key.clone()))
        .await?
        .map(OrientationRecord))
}

/// The active propensities (those that count among the three and go to the portal), or all
/// with the removed ones, as kept in the history.
pub async fn propensities(
    ctx: &Context<'_>,
    key: &FiscalCode,
    include_inactive: bool,
) -> Result<Vec<Propensity>> {
    Ok(many(ctx, PropensitiesOf(key.clone()))
        .await?
        .into_iter()
        .filter(|p| include_inactive || p.removed_on.is_none())
        .map(Propensity)
        .collect())
}

/// The current CV: the newest not deleted.
pub async fn current_cv(ctx: &Context<'_>, key: &FiscalCode) -> Result<Option<Cv>> {
    Ok(many(ctx, CvsOf(key.clone()))
        .await?
        .into_iter()
        .next()
        .map(Cv))
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn parse_key(code: &str) -> Result<FiscalCode> {
    FiscalCode::parse(code).map_err(|e| AppError::internal(e).into())
}

/// A citizen's orientation record: intake and consent, special categories, service pact,
/// propensities, education titles, CV, portal transfers. Its `version` guards every change.
pub struct OrientationRecord(pub orientation::Model);

#[Object(guard = "access::ORIENTATION_RECORD")]
impl OrientationRecord {
    /// The record's id: the citizen's fiscal code.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn fiscal_code(&self) -> &str {
        &self.0.id
    }
    async fn version(&self) -> i64 {
        self.0.version
    }
    /// Presa in carico.
    async fn taken_in_charge_on(&self) -> Date {
        Date(self.0.intake_on)
    }
    async fn office(&self) -> Option<&str> {
        self.0.intake_office.as_deref()
    }
    async fn recorded_by(&self) -> &str {
        &self.0.intake_by
    }
    /// Consent to the use of the data for job matching (incontro domanda/offerta), with its
    /// history: withdrawals are recorded, never deleted.
    async fn consent(&self, ctx: &Context<'_>) -> Result<consent::Consent> {
        let history = many(ctx, ConsentHistoryOf(parse_key(&self.0.id)?)).await?;
        Ok(consent::Consent::of(&self.0, history))
    }
    /// Special categories (GDPR art. 9, e.g. L. 68/99): operators and administrators only;
    /// never sent to the portal or exported.
    #[graphql(guard = "access::ORIENTATION_SPECIAL_CATEGORIES")]
    async fn special_categories(&self, ctx: &Context<'_>) -> Result<Vec<CodeLabel>> {
        let codes: Vec<String> = match &self.0.special_categories {
            Some(text) => serde_json::from_str(text).map_err(AppError::internal)?,
            None => Vec::new(),
        };
        let state = ctx.data_unchecked::<AppState>();
        Ok(codes
            .into_iter()
            .map(|code| CodeLabel::of(state, SPECIAL_CATEGORY, code))
            .collect())
    }
    /// Qualitative profiling notes (Delibera ANPAL 19/2018).
    async fn profiling_notes(&self) -> Option<&str> {
        self.0.profiling_notes.as_deref()
    }
    async fn service_pact(&self, ctx: &Context<'_>) -> Result<Option<ServicePact>> {
        service_pact(ctx, &self.0).await
    }
    /// Who the person is for the CPI (V16): it sets when the pact is due.
    async fn user_category(&self) -> Option<super::enums::UserCategory> {
        let text = self.0.user_category.as_deref()?;
        crate::domain::pact::UserCategory::parse(text).map(Into::into)
    }
    /// When the category began: the DID, the INPS application, the Garanzia Giovani adhesion.
    async fn category_since(&self) -> Option<Date> {
        self.0.category_since.map(Date)
    }
    /// The quantitative class and the qualitative profiling (seed 001), once recorded.
    async fn profiling(&self) -> Option<profiling::Profiling> {
        profiling::of(&self.0)
    }
    /// The day the pact is due at the latest (V16).
    async fn pact_due_on(&self) -> Option<Date> {
        self.0.pact_due_on.map(Date)
    }
    /// What the rules accept but flag: a pact signed after its V16 deadline (by how many
    /// days), or one overdue today.
    async fn warnings(&self) -> Vec<String> {
        pact::warnings(&self.0, today())
    }
    /// Breaches of the pact's obligations and their sanctions (D.Lgs 150/2015 art. 21),
    /// oldest first.
    async fn conditionality_events(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<pact::ConditionalityEvent>> {
        pact::breaches(ctx, &self.0).await
    }
    /// Job propensities: the active ones (at most 3, seed 001), or with `includeInactive`
    /// the removed ones too.
    async fn propensities(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_inactive: bool,
    ) -> Result<Vec<Propensity>> {
        propensities(ctx, &parse_key(&self.0.id)?, include_inactive).await
    }
    async fn education_titles(&self, ctx: &Context<'_>) -> Result<Vec<EducationTitle>> {
        Ok(many(ctx, EducationTitlesOf(parse_key(&self.0.id)?))
            .await?
            .into_iter()
            .map(EducationTitle)
            .collect())
    }
    async fn cv(&self, ctx: &Context<'_>) -> Result<Option<Cv>> {
        current_cv(ctx, &parse_key(&self.0.id)?).await
    }
    /// CV transfers to the job portal, newest first.
    async fn portal_transfers(&self, ctx: &Context<'_>) -> Result<Vec<PortalTransfer>> {
        Ok(many(ctx, TransfersOf(parse_key(&self.0.id)?))
            .await?
            .into_iter()
            .map(PortalTransfer)
            .collect())
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn updated_by(&self) -> &str {
        &self.0.updated_by
    }
}

#[derive(Default)]
pub struct OrientationQuery;

#[Object]
impl OrientationQuery {
    /// The measures a service pact can agree (idolarti action codes of seed 001 and the
    /// service charter), with their standard duration in minutes where the seeds give one.
    async fn pact_measures(&self, ctx: &Context<'_>) -> Vec<MeasureInfo> {
        let state = ctx.data_unchecked::<AppState>();
        state
            .reference
            .list(PACT_MEASURE, None)
            .into_iter()
            .map(|c| {
                let (min, max) = c
                    .attribute
                    .as_deref()
                    .and_then(|a| a.split_once('-'))
                    .unwrap_or(("", ""));
                MeasureInfo {
                    code: c.code.clone(),
                    label: c.label.clone(),
                    min_minutes: min.parse().ok().filter(|m| *m > 0),
                    max_minutes: max.parse().ok(),
                }
            })
            .collect()
    }
}
