//! DataLoaders over the gateway's own store: one statement per relation per request, whatever
//! the number of citizens or documents asked for (DESIGN.md principle 1). One loader serves
//! every key type; each key type is one relation.

use crate::domain::FiscalCode;
use crate::store::Store;
use crate::store::evidence::{EvidenceOwner, of_owners, owner_of};
use crate::store::libretto as store;
use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entities::{
    evidence, libretto, libretto_competence, libretto_experience, libretto_transition,
    libretto_version,
};
use std::collections::HashMap;
use std::hash::Hash;

pub struct StoreLoader(pub Store);

pub type StoreDataLoader = DataLoader<StoreLoader, HashMapCache>;

/// `delay`: `loaders::batch_delay`.
pub fn new_loader(store: Store, delay: std::time::Duration) -> StoreDataLoader {
    // citizen queries prime every relation with `load_many` (loaders::prime), so batches do
    // not depend on how fast the executor registers the field resolvers
    DataLoader::with_cache(
        StoreLoader(store),
        crate::telemetry::spawn_batch,
        HashMapCache::default(),
    )
    .max_batch_size(10_000)
    .delay(delay)
}

pub fn loader<'a>(ctx: &Context<'a>) -> &'a StoreDataLoader {
    ctx.data_unchecked()
}

type LoadResult<K, V> = Result<HashMap<K, V>, async_graphql::Error>;

pub(crate) fn failed(err: sea_orm::DbErr) -> async_graphql::Error {
    crate::error::AppError::internal(err).into()
}

/// Groups rows by key, with an empty list for keys without rows (so they are cached too).
pub(crate) fn grouped<K: Eq + Hash + Clone, V>(
    keys: &[K],
    rows: Vec<V>,
    key: impl Fn(&V) -> K,
) -> HashMap<K, Vec<V>> {
    grouped_where(keys, rows, |row| Some(key(row)))
}

/// As `grouped`, leaving out rows whose key cannot be built (never another key's rows).
pub(crate) fn grouped_where<K: Eq + Hash + Clone, V>(
    keys: &[K],
    rows: Vec<V>,
    key: impl Fn(&V) -> Option<K>,
) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for row in rows {
        if let Some(k) = key(&row) {
            map.entry(k).or_default().push(row);
        }
    }
    map
}

/// The libretti of a citizen (all, newest first; at most one is not cancelled).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LibrettiOf(pub FiscalCode);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LibrettoById(pub String);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExperiencesOf(pub String);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CompetencesOf(pub String);
/// Evidence ids linked to a competence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EvidenceIdsOf(pub String);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EvidencesOf(pub EvidenceOwner);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VersionsOf(pub String);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransitionsOf(pub String);

pub(crate) fn inner<K, T: Clone>(keys: &[K], f: impl Fn(&K) -> T) -> Vec<T> {
    keys.iter().map(f).collect()
}

impl Loader<LibrettiOf> for StoreLoader {
    type Value = Vec<libretto::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[LibrettiOf]) -> LoadResult<LibrettiOf, Self::Value> {
        crate::observe::batch(keys);
        let codes = inner(keys, |k| k.0.as_str().to_owned());
        let rows = store::of_citizens(self.0.db(), &codes)
            .await
            .map_err(failed)?;
        // stored codes are the exact codes the keys are made of
        Ok(grouped_where(keys, rows, |r| {
            FiscalCode::parse(&r.fiscal_code).ok().map(LibrettiOf)
        }))
    }
}

impl Loader<LibrettoById> for StoreLoader {
    type Value = libretto::Model;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[LibrettoById]) -> LoadResult<LibrettoById, Self::Value> {
        crate::observe::batch(keys);
        let ids = inner(keys, |k| k.0.clone());
        let rows = store::by_ids(self.0.db(), &ids).await.map_err(failed)?;
        Ok(rows
            .into_iter()
            .map(|r| (LibrettoById(r.id.clone()), r))
            .collect())
    }
}

impl Loader<ExperiencesOf> for StoreLoader {
    type Value = Vec<libretto_experience::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[ExperiencesOf]) -> LoadResult<ExperiencesOf, Self::Value> {
        crate::observe::batch(keys);
        let ids = inner(keys, |k| k.0.clone());
        let rows = store::experiences_of(self.0.db(), &ids)
            .await
            .map_err(failed)?;
        Ok(grouped(keys, rows, |r| {
            ExperiencesOf(r.libretto_id.clone())
        }))
    }
}

impl Loader<CompetencesOf> for StoreLoader {
    type Value = Vec<libretto_competence::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[CompetencesOf]) -> LoadResult<CompetencesOf, Self::Value> {
        crate::observe::batch(keys);
        let ids = inner(keys, |k| k.0.clone());
        let rows = store::competences_of(self.0.db(), &ids)
            .await
            .map_err(failed)?;
        Ok(grouped(keys, rows, |r| {
            CompetencesOf(r.libretto_id.clone())
        }))
    }
}

impl Loader<EvidenceIdsOf> for StoreLoader {
    type Value = Vec<String>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[EvidenceIdsOf]) -> LoadResult<EvidenceIdsOf, Self::Value> {
        crate::observe::batch(keys);
        let ids = inner(keys, |k| k.0.clone());
        let rows = store::evidence_links_of(self.0.db(), &ids)
            .await
            .map_err(failed)?;
        let links = grouped(keys, rows, |r| EvidenceIdsOf(r.competence_id.clone()));
        Ok(links
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|l| l.evidence_id).collect()))
            .collect())
    }
}

impl Loader<EvidencesOf> for StoreLoader {
    type Value = Vec<evidence::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[EvidencesOf]) -> LoadResult<EvidencesOf, Self::Value> {
        crate::observe::batch(keys);
        let owners = inner(keys, |k| k.0.clone());
        let rows = of_owners(self.0.db(), &owners).await.map_err(failed)?;
        let rows: Vec<(EvidenceOwner, evidence::Model)> = rows
            .into_iter()
            .filter_map(|r| owner_of(&r).map(|o| (o, r)))
            .collect();
        let map = grouped(keys, rows, |(o, _)| EvidencesOf(o.clone()));
        Ok(map
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|(_, r)| r).collect()))
            .collect())
    }
}

impl Loader<VersionsOf> for StoreLoader {
    type Value = Vec<libretto_version::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[VersionsOf]) -> LoadResult<VersionsOf, Self::Value> {
        crate::observe::batch(keys);
        let ids = inner(keys, |k| k.0.clone());
        let rows = store::versions_of(self.0.db(), &ids)
            .await
            .map_err(failed)?;
        Ok(grouped(keys, rows, |r| VersionsOf(r.libretto_id.clone())))
    }
}

impl Loader<TransitionsOf> for StoreLoader {
    type Value = Vec<libretto_transition::Model>;
    type Error = async_graphql::Error;
    async fn load(&self, keys: &[TransitionsOf]) -> LoadResult<TransitionsOf, Self::Value> {
        crate::observe::batch(keys);
        let ids = inner(keys, |k| k.0.clone());
        let rows = store::transitions_of(self.0.db(), &ids)
            .await
            .map_err(failed)?;
        Ok(grouped(keys, rows, |r| {
            TransitionsOf(r.libretto_id.clone())
        }))
    }
}
