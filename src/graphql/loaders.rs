//! The DataLoaders: every relation of `Citizen` goes through one, so a query for N citizens
//! costs one call per source for its regional data, whatever N is (DESIGN.md principle 1).
//! Loaders are built per request: nothing they hold outlives the request that was audited
//! for it (a source's own cache, `sources::cache`, sits below them and is off by default).

use super::scope::RequestScope;
use crate::domain::FiscalCode;
use crate::domain::identity::LinkMap;
use crate::sources::SourceRegistry;
use crate::sources::contract::View;
use crate::sources::contract::{EmploymentRow, TrainingRow};
use crate::sources::merge::{MergedPerson, Sourced};
use crate::sources::registry::ViewKeys;
use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

/// Up to this many keys (citizen and view) go to the sources in one batch (the SQL adapter
/// chunks further).
const MAX_BATCH: usize = 300_000;

/// Shared by the loaders: the registry, and where to report failed sources.
#[derive(Clone)]
pub struct LoaderContext {
    pub registry: Arc<SourceRegistry>,
    /// The gateway's own store, for the libretto and IVC loaders.
    pub store: crate::store::Store,
    pub scope: Arc<RequestScope>,
    /// The fiscal code links in force when the request began: one view of them for the whole
    /// request.
    pub links: Arc<LinkMap>,
}

/// A citizen's rows of one contract view: what the profile loader is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProfileKey {
    pub view: View,
    pub code: FiscalCode,
}

/// A citizen's merged rows of one view.
#[derive(Debug, Clone)]
pub enum ProfilePart {
    /// `None`: no source knows the citizen.
    Person(Option<Box<MergedPerson>>),
    Employments(Vec<Sourced<EmploymentRow>>),
    Trainings(Vec<Sourced<TrainingRow>>),
}

/// The regional data of citizens, every view in one batch: each source answers all the views
/// asked of it in one call (`SourceRegistry::profiles`).
pub struct ProfileLoader(LoaderContext);

impl Loader<ProfileKey> for ProfileLoader {
    type Value = ProfilePart;
    type Error = Infallible;

    async fn load(
        &self,
        keys: &[ProfileKey],
    ) -> Result<HashMap<ProfileKey, ProfilePart>, Infallible> {
        let mut asked = ViewKeys::default();
        for key in keys {
            asked.of_mut(key.view).push(key.code.clone());
        }
        // the same key order for every view, so one list of codes serves them all
        for view in View::ALL {
            asked.of_mut(view).sort();
        }
        crate::observe::batch_named("profile", keys.len());
        let gathered = self.0.registry.profiles(&asked, &self.0.links).await;
        self.0.scope.note_failures(&gathered.failures);
        let mut profiles = gathered.value;
        // every key gets a value, an empty one when no source has rows: the cache keeps only
        // keys in the answer, and a missing one would be fetched again
        Ok(keys
            .iter()
            .map(|key| {
                let part = match key.view {
                    View::Person => {
                        ProfilePart::Person(profiles.persons.remove(&key.code).map(Box::new))
                    }
                    View::Employment => ProfilePart::Employments(
                        profiles.employments.remove(&key.code).unwrap_or_default(),
                    ),
                    View::Training => ProfilePart::Trainings(
                        profiles.trainings.remove(&key.code).unwrap_or_default(),
                    ),
                };
                (key.clone(), part)
            })
            .collect())
    }
}

/// Other codes of each citizen's omocodia family that the sources know
/// (`SourceRegistry::omocode_relatives`): one call per source for every citizen asked.
pub struct OmocodeLoader(LoaderContext);

impl Loader<FiscalCode> for OmocodeLoader {
    type Value = Vec<(FiscalCode, Arc<str>)>;
    type Error = Infallible;

    async fn load(
        &self,
        keys: &[FiscalCode],
    ) -> Result<HashMap<FiscalCode, Self::Value>, Infallible> {
        crate::observe::batch_named("omocodes", keys.len());
        let gathered = self.0.registry.omocode_relatives(keys).await;
        self.0.scope.note_failures(&gathered.failures);
        Ok(gathered.value)
    }
}

/// Registers every loader on a request; the same function serves the server and the tests.
/// Each caches for the request only, so a value primed at the root is not fetched again.
pub fn add_data_loaders(
    mut request: async_graphql::Request,
    context: &LoaderContext,
) -> async_graphql::Request {
    let delay = batch_delay(&mut request);
    request
        .data(context.links.clone())
        .data(cached(ProfileLoader(context.clone()), delay))
        .data(
            DataLoader::with_cache(
                OmocodeLoader(context.clone()),
                crate::telemetry::spawn_batch,
                HashMapCache::default(),
            )
            .delay(delay),
        )
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

fn cached<L: Loader<ProfileKey>>(loader: L, delay: Duration) -> DataLoader<L, HashMapCache> {
    DataLoader::with_cache(
        loader,
        crate::telemetry::spawn_batch,
        HashMapCache::default(),
    )
    .max_batch_size(MAX_BATCH)
    .delay(delay)
}

fn profiles<'a>(ctx: &Context<'a>) -> &'a DataLoader<ProfileLoader, HashMapCache> {
    ctx.data_unchecked()
}

/// The fiscal code links this request sees.
pub fn links<'a>(ctx: &Context<'a>) -> &'a LinkMap {
    ctx.data_unchecked::<Arc<LinkMap>>()
}

async fn part(ctx: &Context<'_>, view: View, code: &FiscalCode) -> Option<ProfilePart> {
    profiles(ctx)
        .load_one(ProfileKey {
            view,
            code: code.clone(),
        })
        .await
        .unwrap_or_else(|never| match never {})
}

/// The citizen's merged person record; `None` when no source knows them.
pub async fn person(ctx: &Context<'_>, code: &FiscalCode) -> Option<MergedPerson> {
    match part(ctx, View::Person, code).await {
        Some(ProfilePart::Person(person)) => person.map(|p| *p),
        _ => None,
    }
}

/// The merged person records of the citizens some source knows.
pub async fn persons(ctx: &Context<'_>, codes: &[FiscalCode]) -> HashMap<FiscalCode, MergedPerson> {
    let keys = codes.iter().map(|code| ProfileKey {
        view: View::Person,
        code: code.clone(),
    });
    profiles(ctx)
        .load_many(keys)
        .await
        .unwrap_or_else(|never| match never {})
        .into_iter()
        .filter_map(|(key, part)| match part {
            ProfilePart::Person(Some(person)) => Some((key.code, *person)),
            _ => None,
        })
        .collect()
}

/// Other codes sharing the citizen's de-omocoded base that some source knows, with the
/// source holding each.
pub async fn omocode_relatives(
    ctx: &Context<'_>,
    code: &FiscalCode,
) -> Vec<(FiscalCode, Arc<str>)> {
    ctx.data_unchecked::<DataLoader<OmocodeLoader, HashMapCache>>()
        .load_one(code.clone())
        .await
        .unwrap_or_else(|never| match never {})
        .unwrap_or_default()
}

/// The citizen's employments from every source, newest first.
pub async fn employments(ctx: &Context<'_>, code: &FiscalCode) -> Vec<Sourced<EmploymentRow>> {
    match part(ctx, View::Employment, code).await {
        Some(ProfilePart::Employments(rows)) => rows,
        _ => Vec::new(),
    }
}

/// The citizen's trainings from every source, newest first.
pub async fn trainings(ctx: &Context<'_>, code: &FiscalCode) -> Vec<Sourced<TrainingRow>> {
    match part(ctx, View::Training, code).await {
        Some(ProfilePart::Trainings(rows)) => rows,
        _ => Vec::new(),
    }
}

/// Loads, in one concurrent round, every relation the query asks of these citizens, so each
/// source is one call (and each store relation one batch) however the executor schedules the
/// fields below. `citizen` is the selection that holds the Citizen fields (the field itself,
/// or `edges.node`); `with_person` loads the person record even when it is not selected.
pub async fn prime(
    ctx: &Context<'_>,
    citizen: async_graphql::Lookahead<'_>,
    keys: &[FiscalCode],
    with_person: bool,
) {
    let wants = |field: &str| citizen.field(field).exists() && !keys.is_empty();
    let views: Vec<View> = [
        (View::Person, with_person || wants("person")),
        (View::Employment, wants("employments")),
        (View::Training, wants("trainings")),
    ]
    .into_iter()
    .filter(|(_, wanted)| *wanted && !keys.is_empty())
    .map(|(view, _)| view)
    .collect();
    // the store's documents of older codes linked to a citizen show under the citizen too
    let links = links(ctx);
    let family: Vec<FiscalCode> = keys.iter().flat_map(|k| links.family(k)).collect();
    let keys = keys.iter().cloned();
    let regional = async {
        if !views.is_empty() {
            let asked = views
                .iter()
                .flat_map(|view| keys.clone().map(|code| ProfileKey { view: *view, code }));
            let _ = profiles(ctx).load_many(asked).await;
        }
    };
    let libretti = async {
        if wants("libretto") {
            prime_libretti(ctx, &family).await;
        }
    };
    let ivc = async {
        if wants("ivcDossiers") {
            super::ivc::loaders::prime(ctx, citizen.field("ivcDossiers"), &family).await;
        }
    };
    let orientation = async {
        let asked = ["orientation", "servicePact", "propensities", "cv"];
        if asked.iter().any(|f| wants(f)) {
            super::orientation::prime(ctx, &family).await;
        }
    };
    tokio::join!(regional, libretti, ivc, orientation);
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
