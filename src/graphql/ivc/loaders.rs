//! The IVC relations on the request's store loader: dossiers by citizen and by id, and their
//! sessions, competences and history by dossier — one `IN (…)` statement each per request.

use crate::domain::FiscalCode;
use crate::graphql::store_loaders::{
    EvidencesOf, StoreLoader, failed, grouped, grouped_where, inner, loader,
};
use crate::store::evidence::EvidenceOwner;
use crate::store::ivc::read;
use async_graphql::Context;
use async_graphql::dataloader::Loader;
use entities::{ivc_competence, ivc_dossier, ivc_session, ivc_transition};
use std::collections::HashMap;
use std::hash::Hash;

/// Every dossier of a citizen (exact code), newest request first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IvcDossiersOf(pub FiscalCode);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IvcDossierById(pub String);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IvcSessionsOf(pub String);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IvcCompetencesOf(pub String);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IvcHistoryOf(pub String);

type LoadResult<K, V> = Result<HashMap<K, Vec<V>>, async_graphql::Error>;

impl Loader<IvcDossiersOf> for StoreLoader {
    type Value = Vec<ivc_dossier::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[IvcDossiersOf]) -> LoadResult<IvcDossiersOf, ivc_dossier::Model> {
        crate::observe::batch(keys);
        let codes = inner(keys, |k| k.0.as_str().to_owned());
        let rows = read::of_citizens(self.0.db(), &codes)
            .await
            .map_err(failed)?;
        // stored codes are the exact codes the keys are made of
        Ok(grouped_where(keys, rows, |r| {
            FiscalCode::parse(&r.fiscal_code).ok().map(IvcDossiersOf)
        }))
    }
}

impl Loader<IvcDossierById> for StoreLoader {
    type Value = ivc_dossier::Model;
    type Error = async_graphql::Error;
    async fn load(
        &self,
        keys: &[IvcDossierById],
    ) -> Result<HashMap<IvcDossierById, ivc_dossier::Model>, async_graphql::Error> {
        crate::observe::batch(keys);
        let rows = read::by_ids(self.0.db(), &inner(keys, |k| k.0.clone()))
            .await
            .map_err(failed)?;
        Ok(rows
            .into_iter()
            .map(|r| (IvcDossierById(r.id.clone()), r))
            .collect())
    }
}

impl Loader<IvcSessionsOf> for StoreLoader {
    type Value = Vec<ivc_session::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[IvcSessionsOf]) -> LoadResult<IvcSessionsOf, ivc_session::Model> {
        crate::observe::batch(keys);
        let rows = read::sessions_of(self.0.db(), &inner(keys, |k| k.0.clone()))
            .await
            .map_err(failed)?;
        Ok(grouped(keys, rows, |r| IvcSessionsOf(r.dossier_id.clone())))
    }
}

impl Loader<IvcCompetencesOf> for StoreLoader {
    type Value = Vec<ivc_competence::Model>;
    type Error = async_graphql::Error;
    async fn load(
        &self,
        keys: &[IvcCompetencesOf],
    ) -> LoadResult<IvcCompetencesOf, ivc_competence::Model> {
        crate::observe::batch(keys);
        let rows = read::competences_of(self.0.db(), &inner(keys, |k| k.0.clone()))
            .await
            .map_err(failed)?;
        Ok(grouped(keys, rows, |r| {
            IvcCompetencesOf(r.dossier_id.clone())
        }))
    }
}

impl Loader<IvcHistoryOf> for StoreLoader {
    type Value = Vec<ivc_transition::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[IvcHistoryOf]) -> LoadResult<IvcHistoryOf, ivc_transition::Model> {
        crate::observe::batch(keys);
        let rows = read::transitions_of(self.0.db(), &inner(keys, |k| k.0.clone()))
            .await
            .map_err(failed)?;
        Ok(grouped(keys, rows, |r| IvcHistoryOf(r.dossier_id.clone())))
    }
}

/// Loads the dossiers of these citizens and the relations `dossier` (the selection of
/// `Citizen.ivcDossiers`) asks for, one batch each, before the field resolvers run: they then
/// read the request's cache however the executor schedules them.
pub async fn prime(ctx: &Context<'_>, dossier: async_graphql::Lookahead<'_>, keys: &[FiscalCode]) {
    if !dossier.exists() || keys.is_empty() {
        return;
    }
    let Ok(dossiers) = loader(ctx)
        .load_many(keys.iter().cloned().map(IvcDossiersOf))
        .await
    else {
        return;
    };
    let ids: Vec<String> = dossiers.values().flatten().map(|d| d.id.clone()).collect();
    prime_relations(ctx, dossier, &ids).await;
}

/// Loads the relations the `dossier` selection asks for of these dossiers, one batch each.
pub async fn prime_relations(
    ctx: &Context<'_>,
    dossier: async_graphql::Lookahead<'_>,
    ids: &[String],
) {
    if ids.is_empty() {
        return;
    }
    let loader = loader(ctx);
    let wants = |field: &str| dossier.field(field).exists();
    let sessions = async {
        if wants("sessions") || wants("warnings") {
            let _ = loader
                .load_many(ids.iter().cloned().map(IvcSessionsOf))
                .await;
        }
    };
    let competences = async {
        if wants("competences") {
            let _ = loader
                .load_many(ids.iter().cloned().map(IvcCompetencesOf))
                .await;
        }
    };
    let history = async {
        if wants("history") {
            let _ = loader
                .load_many(ids.iter().cloned().map(IvcHistoryOf))
                .await;
        }
    };
    let evidences = async {
        if wants("evidences") {
            let owners = ids.iter().cloned().map(EvidenceOwner::IvcDossier);
            let _ = loader.load_many(owners.map(EvidencesOf)).await;
        }
    };
    tokio::join!(sessions, competences, history, evidences);
}
