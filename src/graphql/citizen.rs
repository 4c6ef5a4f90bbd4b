//! The citizen profile: `citizen`, `citizens`, `searchCitizens` and the `Citizen` type whose
//! fields are resolved through the loaders and audited.

use super::access;
use super::history::{Employment, Training};
use super::loaders;
use super::person::Person;
use super::plain::{Plain, PlainList};
use super::scalars::{self, Date, FiscalCodeScalar};
use super::scope::{RequestScope, scope};
use crate::domain::FiscalCode;
use crate::error::AppError;
use crate::sources::search::{PersonSearch, SearchCursor};
use crate::state::AppState;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, Result};

const DEFAULT_PAGE: usize = 20;
/// The list name `searchCitizens` cursors are sealed for.
const SEARCH: &str = "searchCitizens";

#[derive(Default)]
pub struct CitizenQuery;

#[Object]
impl CitizenQuery {
    /// One citizen's profile; null when no regional source knows the code. The code is the
    /// person: an omocodia variant is someone else (see `possibleOmocodes`).
    #[graphql(guard = "access::QUERY_CITIZEN")]
    async fn citizen(
        &self,
        ctx: &Context<'_>,
        fiscal_code: FiscalCodeScalar,
    ) -> Result<Option<Citizen>> {
        access::own(ctx, &fiscal_code)?;
        Ok(load_citizens(ctx, vec![fiscal_code.0], "citizen")
            .await?
            .pop()
            .flatten())
    }

    /// Several citizens at once, in the order asked, null where unknown.
    #[graphql(guard = "access::QUERY_CITIZENS")]
    async fn citizens(
        &self,
        ctx: &Context<'_>,
        fiscal_codes: Vec<FiscalCodeScalar>,
    ) -> Result<Vec<Option<Citizen>>> {
        let fiscal_codes = scalars::fiscal_codes(fiscal_codes);
        for code in &fiscal_codes {
            access::own(ctx, code)?;
        }
        let max = ctx
            .data_unchecked::<AppState>()
            .config
            .limits
            .max_fiscal_codes;
        if fiscal_codes.len() > max {
            return Err(AppError::LimitExceeded {
                limit: "limits.max_fiscal_codes",
                max,
                message: format!(
                    "citizens() was asked for {} fiscal codes",
                    fiscal_codes.len()
                ),
            }
            .into());
        }
        load_citizens(ctx, fiscal_codes, "citizens").await
    }

    /// People whose names start with the given text (case-insensitive), born on a date,
    /// resident in a province; at least one criterion. Ordered by family name, given name,
    /// fiscal code across all sources; Relay pagination with `first`/`after`.
    #[expect(clippy::too_many_arguments, reason = "one GraphQL argument each")]
    #[graphql(guard = "access::QUERY_SEARCH_CITIZENS")]
    async fn search_citizens(
        &self,
        ctx: &Context<'_>,
        family_name: Option<String>,
        given_name: Option<String>,
        birth_date: Option<Date>,
        #[graphql(desc = "Province sigla, e.g. FI")] province: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<String, Citizen>> {
        let scope = scope(ctx);
        let state = ctx.data_unchecked::<AppState>();
        let search = PersonSearch::from_criteria(
            family_name,
            given_name,
            birth_date.map(|d| d.0),
            province,
        )?;
        let first = page_size(first, state.config.limits.max_page_size)?;
        let after: Option<SearchCursor> = after
            .map(|text| state.cursors.open_json(SEARCH, &text))
            .transpose()?;
        let gathered = state.registry.search(&search, after.as_ref(), first).await;
        scope.note_failures(&gathered.failures);
        let (hits, has_next) = gathered.value;
        let keys: Vec<FiscalCode> = hits.iter().map(|(_, key)| key.clone()).collect();
        loaders::prime(
            ctx,
            ctx.look_ahead().field("edges").field("node"),
            &keys,
            false,
        )
        .await;
        let mut connection = Connection::new(after.is_some(), has_next);
        for (cursor, key) in hits {
            // a page of cursors alone still says who matched: audited like a read
            scope.note_lookup(&key, SEARCH);
            connection.edges.push(Edge::new(
                state.cursors.seal_json(SEARCH, &cursor),
                Citizen { code: key },
            ));
        }
        Ok(connection)
    }
}

pub(crate) fn page_size(first: Option<i32>, max: usize) -> Result<usize, AppError> {
    match first {
        None => Ok(DEFAULT_PAGE.min(max)),
        Some(n) if n < 1 => Err(AppError::bad_input("first", "first must be at least 1")),
        Some(n) if n as usize > max => Err(AppError::LimitExceeded {
            limit: "limits.max_page_size",
            max,
            message: format!("first is {n}"),
        }),
        Some(n) => Ok(n as usize),
    }
}

/// Resolves the asked codes to citizens (null where no source knows them), fetching every
/// relation the query selects in the same round. Each code is one person (DOMAIN.md §3.1).
async fn load_citizens(
    ctx: &Context<'_>,
    asked: Vec<FiscalCode>,
    root: &'static str,
) -> Result<Vec<Option<Citizen>>> {
    let mut unique = asked.clone();
    unique.sort();
    unique.dedup();
    // a null or an object already tells whether the code is known: every code asked is
    // audited, whatever fields are selected (issue 19 §3)
    let scope = scope(ctx);
    for code in &unique {
        scope.note_lookup(code, root);
    }
    // the person is needed to know who exists, whatever the selection: it comes with the
    // rest of the sources' data in one call per source
    loaders::prime(ctx, ctx.look_ahead(), &unique, true).await;
    let known = loaders::persons(ctx, &unique).await;
    Ok(asked
        .into_iter()
        .map(|code| known.contains_key(&code).then_some(Citizen { code }))
        .collect())
}

/// A citizen of the region, identified by the exact codice fiscale.
pub struct Citizen {
    code: FiscalCode,
}

impl Citizen {
    fn audited<'a>(&self, ctx: &Context<'a>, field: &'static str) -> &'a RequestScope {
        let scope = scope(ctx);
        scope.note_read(&self.code, field);
        scope
    }

    /// This code and the older codes an administrator linked to it, whose stored documents
    /// show here too.
    fn family(&self, ctx: &Context<'_>) -> Vec<FiscalCode> {
        loaders::links(ctx).family(&self.code)
    }

    /// The orientation record: the citizen's own, else one of a linked older code.
    async fn orientation_record(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::orientation::OrientationRecord>> {
        for code in self.family(ctx) {
            if let Some(record) = super::orientation::record_of(ctx, &code).await? {
                return Ok(Some(record));
            }
        }
        Ok(None)
    }

    /// The code the orientation rows are kept under (the record's).
    async fn orientation_code(&self, ctx: &Context<'_>) -> Result<FiscalCode> {
        Ok(match self.orientation_record(ctx).await? {
            Some(record) => FiscalCode::parse(&record.0.id).unwrap_or_else(|_| self.code.clone()),
            None => self.code.clone(),
        })
    }
}

#[Object(guard = "access::CITIZEN")]
impl Citizen {
    /// The code as asked: the citizen's identity.
    async fn fiscal_code(&self, ctx: &Context<'_>) -> FiscalCodeScalar {
        self.audited(ctx, "fiscalCode");
        FiscalCodeScalar::from(&self.code)
    }

    /// Person record merged from every source that knows the citizen.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Plain<Person>>> {
        self.audited(ctx, "person");
        Ok(loaders::person(ctx, &self.code)
            .await
            .map(|person| Plain(Person(person))))
    }

    /// Employment relationships from every source, newest first.
    async fn employments(&self, ctx: &Context<'_>) -> Result<PlainList<Employment>> {
        self.audited(ctx, "employments");
        let rows = loaders::employments(ctx, &self.code).await;
        Ok(PlainList(rows.into_iter().map(Employment).collect()))
    }

    /// The citizen's Libretto formativo: the one not cancelled, else the latest cancelled
    /// (a linked older code's libretto counts as the citizen's).
    async fn libretto(&self, ctx: &Context<'_>) -> Result<Option<super::libretto::Libretto>> {
        self.audited(ctx, "libretto");
        let family = self.family(ctx);
        let found = super::store_loaders::loader(ctx)
            .load_many(family.iter().cloned().map(super::store_loaders::LibrettiOf))
            .await?;
        // the citizen's own code first, then the linked ones, each newest first
        let all: Vec<_> = family
            .into_iter()
            .flat_map(|code| {
                found
                    .get(&super::store_loaders::LibrettiOf(code))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let chosen = all
            .iter()
            .find(|l| l.status != crate::domain::libretto::LibrettoStatus::Cancelled.as_str())
            .or_else(|| all.first())
            .cloned();
        Ok(chosen.map(super::libretto::Libretto))
    }

    /// IVC dossiers of the citizen (DOMAIN.md §2), newest request first, with those of linked
    /// older codes.
    async fn ivc_dossiers(&self, ctx: &Context<'_>) -> Result<Vec<super::ivc::IvcDossier>> {
        self.audited(ctx, "ivcDossiers");
        let family = self.family(ctx);
        let mut all = Vec::new();
        for code in &family {
            all.extend(super::ivc::dossiers_of(ctx, code).await?);
        }
        if family.len() > 1 {
            all.sort_by_key(|d| std::cmp::Reverse(d.0.requested_on));
        }
        Ok(all)
    }

    /// Orientation (seed 001): intake and consent, special categories, service pact,
    /// propensities, education titles, CV and portal transfers; null before the intake.
    async fn orientation(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::orientation::OrientationRecord>> {
        self.audited(ctx, "orientation");
        self.orientation_record(ctx).await
    }

    /// The Patto di servizio personalizzato, once signed.
    async fn service_pact(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::orientation::ServicePact>> {
        self.audited(ctx, "servicePact");
        match self.orientation_record(ctx).await? {
            Some(record) => super::orientation::service_pact(ctx, &record.0).await,
            None => Ok(None),
        }
    }

    /// Job propensities: the active ones (at most 3, seed 001), or with `includeInactive`
    /// the removed ones too.
    async fn propensities(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_inactive: bool,
    ) -> Result<Vec<super::orientation::Propensity>> {
        self.audited(ctx, "propensities");
        let code = self.orientation_code(ctx).await?;
        super::orientation::propensities(ctx, &code, include_inactive).await
    }

    /// The current CV, with its validity.
    async fn cv(&self, ctx: &Context<'_>) -> Result<Option<super::orientation::Cv>> {
        self.audited(ctx, "cv");
        let code = self.orientation_code(ctx).await?;
        super::orientation::current_cv(ctx, &code).await
    }

    /// Education and training from every source, newest first.
    async fn trainings(&self, ctx: &Context<'_>) -> Result<PlainList<Training>> {
        self.audited(ctx, "trainings");
        let rows = loaders::trainings(ctx, &self.code).await;
        Ok(PlainList(rows.into_iter().map(Training).collect()))
    }

    /// Other codes the regional sources know that share this code's de-omocoded base (the base
    /// and its issued variants): other people, whom omocodia gave a changed code, or a data
    /// entry error. Flagged for an operator to look at, never merged (DOMAIN.md §3.1); a code
    /// that really changed is joined only by `linkFiscalCodes`. Each code revealed is audited
    /// as a read of that person.
    #[graphql(guard = "access::CITIZEN_POSSIBLE_OMOCODES")]
    async fn possible_omocodes(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<super::identity::PossibleOmocode>> {
        let scope = self.audited(ctx, "possibleOmocodes");
        let found = loaders::omocode_relatives(ctx, &self.code).await;
        for (code, _) in &found {
            scope.note_read(code, "possibleOmocodeOf");
        }
        Ok(super::identity::PossibleOmocode::grouped(found))
    }

    /// The links into and out of this code (`linkFiscalCodes`), undone ones included, newest
    /// first.
    async fn code_links(&self, ctx: &Context<'_>) -> Result<Vec<super::identity::FiscalCodeLink>> {
        self.audited(ctx, "codeLinks");
        super::identity::links_of(ctx, &self.code).await
    }
}
