//! The DataLoaders: every relation of `Citizen` goes through one, so a query for N citizens
//! costs one batch per contract view per source, whatever N is (DESIGN.md principle 1).
//! Loaders are built per request: nothing they hold outlives the request that was audited
//! for it (a source's own cache, `sources::cache`, sits below them and is off by default).

use super::scope::RequestScope;
use crate::domain::FiscalCode;
use crate::sources::SourceRegistry;
use crate::sources::contract::{EmploymentRow, TrainingRow};
use crate::sources::merge::{MergedPerson, Sourced};
use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// Up to this many citizens go to the sources in one batch (the SQL adapter chunks further).
const MAX_BATCH: usize = 100_000;

/// Shared by the three loaders: the registry, and where to report failed sources.
#[derive(Clone)]
pub struct LoaderContext {
    pub registry: Arc<SourceRegistry>,
    /// The gateway's own store, for the libretto and IVC loaders.
    pub store: crate::store::Store,
    pub scope: Arc<RequestScope>,
}

pub struct PersonLoader(LoaderContext);
pub struct EmploymentLoader(LoaderContext);
pub struct TrainingLoader(LoaderContext);

impl Loader<FiscalCode> for PersonLoader {
    type Value = MergedPerson;
    type Error = Infallible;

    async fn load(
        &self,
        keys: &[FiscalCode],
    ) -> Result<HashMap<FiscalCode, MergedPerson>, Infallible> {
        crate::observe::batch_named("person", keys.len());
        let gathered = self.0.registry.persons(keys).await;
        self.0.scope.note_failures(&gathered.failures);
        Ok(gathered.value)
    }
}

impl Loader<FiscalCode> for EmploymentLoader {
    type Value = Vec<Sourced<EmploymentRow>>;
    type Error = Infallible;

    async fn load(
        &self,
        keys: &[FiscalCode],
    ) -> Result<HashMap<FiscalCode, Self::Value>, Infallible> {
        crate::observe::batch_named("employment", keys.len());
        let gathered = self.0.registry.employments(keys).await;
        self.0.scope.note_failures(&gathered.failures);
        Ok(with_every_key(keys, gathered.value))
    }
}

impl Loader<FiscalCode> for TrainingLoader {
    type Value = Vec<Sourced<TrainingRow>>;
    type Error = Infallible;

    async fn load(
        &self,
        keys: &[FiscalCode],
    ) -> Result<HashMap<FiscalCode, Self::Value>, Infallible> {
        crate::observe::batch_named("training", keys.len());
        let gathered = self.0.registry.trainings(keys).await;
        self.0.scope.note_failures(&gathered.failures);
        Ok(with_every_key(keys, gathered.value))
    }
}

/// An empty list for citizens without rows: the cache only keeps keys present in the answer,
/// and a missing key would be fetched again by the field resolver.
fn with_every_key<V: Default>(
    keys: &[FiscalCode],
    mut found: HashMap<FiscalCode, V>,
) -> HashMap<FiscalCode, V> {
    for key in keys {
        found.entry(key.clone()).or_default();
    }
    found
}

/// Registers every loader on a request; the same function serves the server and the tests.
/// Each caches for the request only, so a value primed at the root is not fetched again.
pub fn add_data_loaders(
    mut request: async_graphql::Request,
    context: &LoaderContext,
) -> async_graphql::Request {
    let delay = batch_delay(&mut request);
    request
        .data(cached(PersonLoader(context.clone()), delay))
        .data(cached(EmploymentLoader(context.clone()), delay))
        .data(cached(TrainingLoader(context.clone()), delay))
        .data(super::store_loaders::new_loader(
            context.store.clone(),
            delay,
        ))
}

/// How long a loader waits for more keys before it sends its batch. DataLoader's default
/// (1 ms) lets the keys of several root fields meet in one batch. A request that is one
/// priming root field (`admission::primes_alone`) asks each loader once with all its keys,
/// so the wait only delayed every profile by a millisecond per level of priming, on a timer
/// thread's wake-up (docs/benchmarks.md); a zero delay sends the batch at once.
fn batch_delay(request: &mut async_graphql::Request) -> Duration {
    let operation = request.operation_name.clone();
    match request.parsed_query() {
        Ok(document) if super::admission::primes_alone(document, operation.as_deref()) => {
            Duration::ZERO
        }
        _ => DEFAULT_BATCH_DELAY,
    }
}

/// DataLoader's own default.
const DEFAULT_BATCH_DELAY: Duration = Duration::from_millis(1);

fn cached<L: Loader<FiscalCode>>(loader: L, delay: Duration) -> DataLoader<L, HashMapCache> {
    DataLoader::with_cache(
        loader,
        crate::telemetry::spawn_batch,
        HashMapCache::default(),
    )
    .max_batch_size(MAX_BATCH)
    .delay(delay)
}

pub fn persons<'a>(ctx: &Context<'a>) -> &'a DataLoader<PersonLoader, HashMapCache> {
    ctx.data_unchecked()
}

pub fn employments<'a>(ctx: &Context<'a>) -> &'a DataLoader<EmploymentLoader, HashMapCache> {
    ctx.data_unchecked()
}

pub fn trainings<'a>(ctx: &Context<'a>) -> &'a DataLoader<TrainingLoader, HashMapCache> {
    ctx.data_unchecked()
}

/// Loads, in one concurrent round, every relation the query asks of these citizens, so each
/// view is one batch however the executor schedules the fields below. `citizen` is the
/// selection that holds the Citizen fields (the field itself, or `edges.node`).
pub async fn prime(
    ctx: &Context<'_>,
    citizen: async_graphql::Lookahead<'_>,
    keys: &[FiscalCode],
    persons_loaded: bool,
) {
    let wants = |field: &str| citizen.field(field).exists() && !keys.is_empty();
    let keys = keys.iter().cloned();
    let persons = async {
        if wants("person") && !persons_loaded {
            let _ = persons(ctx).load_many(keys.clone()).await;
        }
    };
    let employments = async {
        if wants("employments") {
            let _ = employments(ctx).load_many(keys.clone()).await;
        }
    };
    let trainings = async {
        if wants("trainings") {
            let _ = trainings(ctx).load_many(keys.clone()).await;
        }
    };
    let libretti = async {
        if wants("libretto") {
            prime_libretti(ctx, &keys.clone().collect::<Vec<_>>()).await;
        }
    };
    let ivc = async {
        if wants("ivcDossiers") {
            let keys: Vec<FiscalCode> = keys.clone().collect();
            super::ivc::loaders::prime(ctx, citizen.field("ivcDossiers"), &keys).await;
        }
    };
    let orientation = async {
        let asked = ["orientation", "servicePact", "propensities", "cv"];
        if asked.iter().any(|f| wants(f)) {
            let keys: Vec<FiscalCode> = keys.clone().collect();
            super::orientation::prime(ctx, &keys).await;
        }
    };
    tokio::join!(persons, employments, trainings, libretti, ivc, orientation);
}

/// Loads the citizens' libretti and every relation of them as one batch each, so the field
/// resolvers below only read the request's cache, however many citizens there are.
async fn prime_libretti(ctx: &Context<'_>, keys: &[FiscalCode]) {
    use super::store_loaders::{
        CompetencesOf, EvidenceIdsOf, EvidencesOf, ExperiencesOf, LibrettiOf, TransitionsOf,
        VersionsOf, loader,
    };
    use crate::store::evidence::EvidenceOwner;
    let loader = loader(ctx);
    let Ok(libretti) = loader.load_many(keys.iter().cloned().map(LibrettiOf)).await else {
        return;
    };
    let ids: Vec<String> = libretti.values().flatten().map(|l| l.id.clone()).collect();
    let (_, competences, _, _, _) = tokio::join!(
        loader.load_many(ids.iter().cloned().map(ExperiencesOf)),
        loader.load_many(ids.iter().cloned().map(CompetencesOf)),
        loader.load_many(
            ids.iter()
                .cloned()
                .map(|id| EvidencesOf(EvidenceOwner::Libretto(id)))
        ),
        loader.load_many(ids.iter().cloned().map(VersionsOf)),
        loader.load_many(ids.iter().cloned().map(TransitionsOf)),
    );
    if let Ok(competences) = competences {
        let competence_ids = competences.values().flatten().map(|c| c.id.clone());
        let _ = loader.load_many(competence_ids.map(EvidenceIdsOf)).await;
    }
}
