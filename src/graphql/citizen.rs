//! The citizen profile: `citizen`, `citizens`, `searchCitizens` and the `Citizen` type whose
//! fields are resolved through the loaders and audited.

use super::access;
use super::loaders;
use super::plain::{Plain, PlainFields, PlainList, ToPlain, Walk};
use super::scalars::Date;
use super::scope::{RequestScope, scope};
use crate::app::AppState;
use crate::domain::FiscalCode;
use crate::domain::codes;
use crate::error::AppError;
use crate::sources::contract::{EmploymentRow, TrainingRow};
use crate::sources::merge::{Freshness, Merged, MergedPerson, PersonSourceRef, Sourced};
use crate::sources::search::{PersonSearch, SearchCursor};
use async_graphql::connection::{Connection, Edge};
use async_graphql::parser::types::Field as GqlField;
use async_graphql::{Context, Object, Positioned, Result, SimpleObject, Value};
use chrono::NaiveDateTime;

const DEFAULT_PAGE: usize = 20;

#[derive(Default)]
pub struct CitizenQuery;

#[Object]
impl CitizenQuery {
    /// One citizen's profile; null when no regional source knows the code. An omocodia
    /// variant and its base code find the same citizen.
    #[graphql(guard = "access::QUERY_CITIZEN")]
    async fn citizen(&self, ctx: &Context<'_>, fiscal_code: FiscalCode) -> Result<Option<Citizen>> {
        Ok(load_citizens(ctx, vec![fiscal_code]).await?.pop().flatten())
    }

    /// Several citizens at once, in the order asked, null where unknown.
    #[graphql(guard = "access::QUERY_CITIZENS")]
    async fn citizens(
        &self,
        ctx: &Context<'_>,
        fiscal_codes: Vec<FiscalCode>,
    ) -> Result<Vec<Option<Citizen>>> {
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
        load_citizens(ctx, fiscal_codes).await
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
        let after = match after {
            Some(text) => Some(SearchCursor::decode(&text).ok_or_else(|| {
                AppError::bad_input("after", "is not a cursor returned by searchCitizens")
            })?),
            None => None,
        };
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
            connection.edges.push(Edge::new(
                cursor.encode(),
                Citizen {
                    asked: key.clone(),
                    key,
                },
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
/// relation the query selects in the same round.
async fn load_citizens(ctx: &Context<'_>, asked: Vec<FiscalCode>) -> Result<Vec<Option<Citizen>>> {
    let keys: Vec<FiscalCode> = asked.iter().map(FiscalCode::base).collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    // the person is needed to know who exists, whatever the selection: it comes with the
    // rest of the sources' data in one call per source
    loaders::prime(ctx, ctx.look_ahead(), &unique, true).await;
    let known = loaders::persons(ctx, &unique).await;
    Ok(asked
        .into_iter()
        .zip(keys)
        .map(|(asked, key)| known.contains_key(&key).then_some(Citizen { asked, key }))
        .collect())
}

/// A citizen of the region, identified by codice fiscale.
pub struct Citizen {
    /// The code as the caller wrote it (normalised).
    asked: FiscalCode,
    /// The de-omocoded code every loader is keyed by.
    key: FiscalCode,
}

impl Citizen {
    fn audited<'a>(&self, ctx: &Context<'a>, field: &'static str) -> &'a RequestScope {
        let scope = scope(ctx);
        scope.note_read(&self.key, field);
        scope
    }
}

#[Object(guard = "access::CITIZEN")]
impl Citizen {
    /// The code as asked (search results give the base code).
    async fn fiscal_code(&self, ctx: &Context<'_>) -> &FiscalCode {
        self.audited(ctx, "fiscalCode");
        &self.asked
    }

    /// Person record merged from every source that knows the citizen.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Plain<Person>>> {
        self.audited(ctx, "person");
        Ok(loaders::person(ctx, &self.key)
            .await
            .map(|person| Plain(Person(person))))
    }

    /// Employment relationships from every source, newest first.
    async fn employments(&self, ctx: &Context<'_>) -> Result<PlainList<Employment>> {
        self.audited(ctx, "employments");
        let rows = loaders::employments(ctx, &self.key).await;
        Ok(PlainList(rows.into_iter().map(Employment).collect()))
    }

    /// The citizen's Libretto formativo: the one not cancelled, else the latest cancelled.
    async fn libretto(&self, ctx: &Context<'_>) -> Result<Option<super::libretto::Libretto>> {
        self.audited(ctx, "libretto");
        let all = super::store_loaders::loader(ctx)
            .load_one(super::store_loaders::LibrettiOf(self.key.clone()))
            .await?
            .unwrap_or_default();
        let chosen = all
            .iter()
            .find(|l| l.status != crate::domain::libretto::LibrettoStatus::Cancelled.as_str())
            .or_else(|| all.first())
            .cloned();
        Ok(chosen.map(super::libretto::Libretto))
    }

    /// IVC dossiers of the citizen (DOMAIN.md §2), newest request first.
    async fn ivc_dossiers(&self, ctx: &Context<'_>) -> Result<Vec<super::ivc::IvcDossier>> {
        self.audited(ctx, "ivcDossiers");
        super::ivc::dossiers_of(ctx, &self.key).await
    }

    /// Orientation (seed 001): intake and consent, special categories, service pact,
    /// propensities, education titles, CV and portal transfers; null before the intake.
    async fn orientation(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::orientation::OrientationRecord>> {
        self.audited(ctx, "orientation");
        super::orientation::record_of(ctx, &self.key).await
    }

    /// The Patto di servizio personalizzato, once signed.
    async fn service_pact(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<super::orientation::ServicePact>> {
        self.audited(ctx, "servicePact");
        match super::orientation::record_of(ctx, &self.key).await? {
            Some(record) => super::orientation::service_pact(ctx, &record.0).await,
            None => Ok(None),
        }
    }

    /// Job propensities (at most 3, seed 001).
    async fn propensities(&self, ctx: &Context<'_>) -> Result<Vec<super::orientation::Propensity>> {
        self.audited(ctx, "propensities");
        super::orientation::propensities(ctx, &self.key).await
    }

    /// The current CV, with its validity.
    async fn cv(&self, ctx: &Context<'_>) -> Result<Option<super::orientation::Cv>> {
        self.audited(ctx, "cv");
        super::orientation::current_cv(ctx, &self.key).await
    }

    /// Education and training from every source, newest first.
    async fn trainings(&self, ctx: &Context<'_>) -> Result<PlainList<Training>> {
        self.audited(ctx, "trainings");
        let rows = loaders::trainings(ctx, &self.key).await;
        Ok(PlainList(rows.into_iter().map(Training).collect()))
    }
}

/// The merged person record: each field from the most recently updated source that has it.
pub struct Person(MergedPerson);

fn value<T: Clone>(field: &Option<Merged<T>>) -> Option<T> {
    field.as_ref().map(|m| m.value.clone())
}

impl Person {
    fn is_born_abroad(&self) -> Option<bool> {
        self.0
            .birth_place_code
            .as_ref()
            .map(|m| m.value.starts_with('Z'))
    }

    fn municipality_name(&self) -> Option<&'static str> {
        let code = self.0.residence_municipality.as_ref()?;
        codes::municipality_by_istat(&code.value).map(|m| m.name)
    }

    fn source_list(&self) -> Vec<PersonSource> {
        self.0
            .sources
            .iter()
            .cloned()
            .map(PersonSource::from)
            .collect()
    }

    fn provenance_list(&self) -> Vec<FieldProvenance> {
        let p = &self.0;
        let mut out = Vec::with_capacity(12);
        let mut add = |field: &'static str, source: Option<(&str, NaiveDateTime, Freshness)>| {
            if let Some((source, updated_at, freshness)) = source {
                out.push(FieldProvenance {
                    field,
                    source: source.to_owned(),
                    updated_at,
                    stale: freshness.stale,
                    age_seconds: age_seconds(freshness),
                });
            }
        };
        fn of<T>(m: &Option<Merged<T>>) -> Option<(&str, NaiveDateTime, Freshness)> {
            m.as_ref().map(|m| (&*m.source, m.updated_at, m.freshness))
        }
        add("givenName", of(&p.given_name));
        add("familyName", of(&p.family_name));
        add("birthDate", of(&p.birth_date));
        add("birthPlaceCode", of(&p.birth_place_code));
        add("gender", of(&p.gender));
        add("citizenship", of(&p.citizenship));
        add("residenceMunicipality", of(&p.residence_municipality));
        add("residenceProvince", of(&p.residence_province));
        add("email", of(&p.email));
        add("phone", of(&p.phone));
        add("cpiCode", of(&p.cpi_code));
        add("didDate", of(&p.did_date));
        out
    }
}

#[Object(guard = "access::PERSON")]
impl Person {
    /// The base (de-omocoded) code shared by every spelling the sources use.
    async fn fiscal_code(&self) -> &FiscalCode {
        &self.0.base_code
    }
    async fn given_name(&self) -> Option<String> {
        value(&self.0.given_name)
    }
    async fn family_name(&self) -> Option<String> {
        value(&self.0.family_name)
    }
    async fn birth_date(&self) -> Option<Date> {
        value(&self.0.birth_date).map(Date)
    }
    /// Belfiore code of the birth comune, or `Z…` for a foreign state.
    async fn birth_place_code(&self) -> Option<String> {
        value(&self.0.birth_place_code)
    }
    async fn born_abroad(&self) -> Option<bool> {
        self.is_born_abroad()
    }
    /// `M` or `F`, as in the codice fiscale.
    async fn gender(&self) -> Option<String> {
        value(&self.0.gender)
    }
    /// ISO 3166 alpha-2.
    async fn citizenship(&self) -> Option<String> {
        value(&self.0.citizenship)
    }
    /// ISTAT code of the comune of residence.
    async fn residence_municipality(&self) -> Option<String> {
        value(&self.0.residence_municipality)
    }
    async fn residence_municipality_name(&self) -> Option<&'static str> {
        self.municipality_name()
    }
    /// Province sigla.
    async fn residence_province(&self) -> Option<String> {
        value(&self.0.residence_province)
    }
    async fn email(&self) -> Option<String> {
        value(&self.0.email)
    }
    async fn phone(&self) -> Option<String> {
        value(&self.0.phone)
    }
    /// Centro per l'Impiego in charge.
    async fn cpi_code(&self) -> Option<String> {
        value(&self.0.cpi_code)
    }
    /// Date of the DID (dichiarazione di immediata disponibilità).
    async fn did_date(&self) -> Option<Date> {
        value(&self.0.did_date).map(Date)
    }
    /// Every source that knows the citizen, most recently updated first.
    async fn sources(&self) -> Vec<PersonSource> {
        self.source_list()
    }
    /// Where each non-empty field came from.
    async fn provenance(&self) -> Vec<FieldProvenance> {
        self.provenance_list()
    }
}

impl PlainFields for Person {
    const RULE: access::RoleGuard = access::PERSON;

    fn plain_field(&self, field: &Positioned<GqlField>, walk: &Walk<'_>) -> Option<Value> {
        fn text(m: &Option<Merged<String>>) -> Value {
            m.as_ref().map(|m| m.value.as_str()).to_plain()
        }
        fn date(m: &Option<Merged<chrono::NaiveDate>>) -> Value {
            m.as_ref().map(|m| Date(m.value)).to_plain()
        }
        let p = &self.0;
        Some(match field.node.name.node.as_str() {
            "fiscalCode" => (&p.base_code).to_plain(),
            "givenName" => text(&p.given_name),
            "familyName" => text(&p.family_name),
            "birthDate" => date(&p.birth_date),
            "birthPlaceCode" => text(&p.birth_place_code),
            "bornAbroad" => self.is_born_abroad().to_plain(),
            "gender" => text(&p.gender),
            "citizenship" => text(&p.citizenship),
            "residenceMunicipality" => text(&p.residence_municipality),
            "residenceMunicipalityName" => self.municipality_name().to_plain(),
            "residenceProvince" => text(&p.residence_province),
            "email" => text(&p.email),
            "phone" => text(&p.phone),
            "cpiCode" => text(&p.cpi_code),
            "didDate" => date(&p.did_date),
            "sources" => walk.list(&self.source_list(), field)?,
            "provenance" => walk.list(&self.provenance_list(), field)?,
            _ => return None,
        })
    }
}

/// One regional source's record of the citizen.
#[derive(SimpleObject)]
#[graphql(guard = "access::PERSON_SOURCE")]
pub struct PersonSource {
    pub source: String,
    /// The code as that source stores it (may be an omocodia variant).
    pub fiscal_code: String,
    pub updated_at: NaiveDateTime,
    /// The source failed and this is its last good answer (`stale_ttl_ms`); the response
    /// also has its SOURCE_UNAVAILABLE error, with `extensions.stale: true`.
    pub stale: bool,
    /// Seconds since the source gave this record, when it came from the gateway's cache;
    /// null when the source was asked for this request.
    pub age_seconds: Option<i64>,
}

impl From<PersonSourceRef> for PersonSource {
    fn from(r: PersonSourceRef) -> Self {
        PersonSource {
            source: r.source.to_string(),
            fiscal_code: r.fiscal_code,
            updated_at: r.updated_at,
            stale: r.freshness.stale,
            age_seconds: age_seconds(r.freshness),
        }
    }
}

impl PlainFields for PersonSource {
    const RULE: access::RoleGuard = access::PERSON_SOURCE;

    fn plain_field(&self, field: &Positioned<GqlField>, _: &Walk<'_>) -> Option<Value> {
        Some(match field.node.name.node.as_str() {
            "source" => self.source.as_str().to_plain(),
            "fiscalCode" => self.fiscal_code.as_str().to_plain(),
            "updatedAt" => self.updated_at.to_plain(),
            "stale" => self.stale.to_plain(),
            "ageSeconds" => self.age_seconds.to_plain(),
            _ => return None,
        })
    }
}

/// The source a merged field was taken from.
#[derive(SimpleObject)]
#[graphql(guard = "access::FIELD_PROVENANCE")]
pub struct FieldProvenance {
    pub field: &'static str,
    pub source: String,
    pub updated_at: NaiveDateTime,
    /// Taken from the source's last good answer because the source failed.
    pub stale: bool,
    /// Seconds since the source gave it, when it came from the cache; null when fetched now.
    pub age_seconds: Option<i64>,
}

impl PlainFields for FieldProvenance {
    const RULE: access::RoleGuard = access::FIELD_PROVENANCE;

    fn plain_field(&self, field: &Positioned<GqlField>, _: &Walk<'_>) -> Option<Value> {
        Some(match field.node.name.node.as_str() {
            "field" => self.field.to_plain(),
            "source" => self.source.as_str().to_plain(),
            "updatedAt" => self.updated_at.to_plain(),
            "stale" => self.stale.to_plain(),
            "ageSeconds" => self.age_seconds.to_plain(),
            _ => return None,
        })
    }
}

fn age_seconds(freshness: Freshness) -> Option<i64> {
    freshness
        .age
        .map(|age| i64::try_from(age.as_secs()).unwrap_or(i64::MAX))
}

/// An employment relationship (COB/UNILAV) as a regional source records it.
pub struct Employment(Sourced<EmploymentRow>);

impl Employment {
    fn is_current(&self) -> bool {
        let today = chrono::Local::now().date_naive();
        self.0.row.end_date.is_none_or(|end| end >= today)
    }

    fn contract_label(&self) -> Option<&'static str> {
        codes::contract_type(self.0.row.contract_type.as_deref()?).map(|c| c.description)
    }

    fn contract_in_force_at_start(&self) -> Option<bool> {
        codes::contract_type(self.0.row.contract_type.as_deref()?)
            .map(|c| c.valid_at(self.0.row.start_date))
    }
}

#[Object(guard = "access::EMPLOYMENT")]
impl Employment {
    /// Regional source the row comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// The source failed and this row is from its last good answer (`stale_ttl_ms`).
    async fn stale(&self) -> bool {
        self.0.freshness.stale
    }
    /// Seconds since the source gave this row, when it came from the cache; null when the
    /// source was asked for this request.
    async fn age_seconds(&self) -> Option<i64> {
        age_seconds(self.0.freshness)
    }
    /// Row id in that source (`gw_employment.id`).
    async fn source_row_id(&self) -> String {
        self.0.row.id.to_string()
    }
    async fn employer_tax_code(&self) -> Option<&str> {
        self.0.row.employer_tax_code.as_deref()
    }
    async fn employer_name(&self) -> Option<&str> {
        self.0.row.employer_name.as_deref()
    }
    async fn start_date(&self) -> Date {
        Date(self.0.row.start_date)
    }
    async fn end_date(&self) -> Option<Date> {
        self.0.row.end_date.map(Date)
    }
    /// True while the relationship has no end date, or ends in the future.
    async fn current(&self) -> bool {
        self.is_current()
    }
    /// COB contract type code, e.g. `A.01.00`.
    async fn contract_type(&self) -> Option<&str> {
        self.0.row.contract_type.as_deref()
    }
    /// Ministerial description of the contract type.
    async fn contract_type_label(&self) -> Option<&'static str> {
        self.contract_label()
    }
    /// Whether the contract type code was in force at the start date (DOMAIN.md V4);
    /// null when the code is unknown to the reference table.
    async fn contract_type_valid_at_start(&self) -> Option<bool> {
        self.contract_in_force_at_start()
    }
    /// ISTAT CP2011 occupation.
    async fn occupation_code(&self) -> Option<&str> {
        self.0.row.occupation_code.as_deref()
    }
    /// ATECO sector.
    async fn sector_code(&self) -> Option<&str> {
        self.0.row.sector_code.as_deref()
    }
    async fn weekly_hours(&self) -> Option<f64> {
        self.0.row.weekly_hours
    }
    /// ISTAT code of the workplace comune.
    async fn workplace_municipality(&self) -> Option<&str> {
        self.0.row.workplace_municipality.as_deref()
    }
}

impl PlainFields for Employment {
    const RULE: access::RoleGuard = access::EMPLOYMENT;

    fn plain_field(&self, field: &Positioned<GqlField>, _: &Walk<'_>) -> Option<Value> {
        let row = &self.0.row;
        Some(match field.node.name.node.as_str() {
            "source" => (*self.0.source).to_plain(),
            "stale" => self.0.freshness.stale.to_plain(),
            "ageSeconds" => age_seconds(self.0.freshness).to_plain(),
            "sourceRowId" => row.id.to_string().to_plain(),
            "employerTaxCode" => row.employer_tax_code.as_deref().to_plain(),
            "employerName" => row.employer_name.as_deref().to_plain(),
            "startDate" => Date(row.start_date).to_plain(),
            "endDate" => row.end_date.map(Date).to_plain(),
            "current" => self.is_current().to_plain(),
            "contractType" => row.contract_type.as_deref().to_plain(),
            "contractTypeLabel" => self.contract_label().to_plain(),
            "contractTypeValidAtStart" => self.contract_in_force_at_start().to_plain(),
            "occupationCode" => row.occupation_code.as_deref().to_plain(),
            "sectorCode" => row.sector_code.as_deref().to_plain(),
            "weeklyHours" => row.weekly_hours.to_plain(),
            "workplaceMunicipality" => row.workplace_municipality.as_deref().to_plain(),
            _ => return None,
        })
    }
}

/// Education or training as a regional source records it.
pub struct Training(Sourced<TrainingRow>);

#[Object(guard = "access::TRAINING")]
impl Training {
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// The source failed and this row is from its last good answer (`stale_ttl_ms`).
    async fn stale(&self) -> bool {
        self.0.freshness.stale
    }
    /// Seconds since the source gave this row, when it came from the cache; null when the
    /// source was asked for this request.
    async fn age_seconds(&self) -> Option<i64> {
        age_seconds(self.0.freshness)
    }
    /// Row id in that source (`gw_training.id`).
    async fn source_row_id(&self) -> String {
        self.0.row.id.to_string()
    }
    /// education, vocational, internship or apprenticeship.
    async fn kind(&self) -> Option<&str> {
        self.0.row.kind.as_deref()
    }
    async fn title(&self) -> Option<&str> {
        self.0.row.title.as_deref()
    }
    async fn provider_name(&self) -> Option<&str> {
        self.0.row.provider_name.as_deref()
    }
    async fn start_date(&self) -> Option<Date> {
        self.0.row.start_date.map(Date)
    }
    async fn end_date(&self) -> Option<Date> {
        self.0.row.end_date.map(Date)
    }
    async fn hours(&self) -> Option<i64> {
        self.0.row.hours
    }
    /// completed, qualified, withdrawn or ongoing.
    async fn outcome(&self) -> Option<&str> {
        self.0.row.outcome.as_deref()
    }
    async fn qualification_code(&self) -> Option<&str> {
        self.0.row.qualification_code.as_deref()
    }
    /// EQF level 1-8.
    async fn eqf_level(&self) -> Option<i64> {
        self.0.row.eqf_level
    }
}

impl PlainFields for Training {
    const RULE: access::RoleGuard = access::TRAINING;

    fn plain_field(&self, field: &Positioned<GqlField>, _: &Walk<'_>) -> Option<Value> {
        let row = &self.0.row;
        Some(match field.node.name.node.as_str() {
            "source" => (*self.0.source).to_plain(),
            "stale" => self.0.freshness.stale.to_plain(),
            "ageSeconds" => age_seconds(self.0.freshness).to_plain(),
            "sourceRowId" => row.id.to_string().to_plain(),
            "kind" => row.kind.as_deref().to_plain(),
            "title" => row.title.as_deref().to_plain(),
            "providerName" => row.provider_name.as_deref().to_plain(),
            "startDate" => row.start_date.map(Date).to_plain(),
            "endDate" => row.end_date.map(Date).to_plain(),
            "hours" => row.hours.to_plain(),
            "outcome" => row.outcome.as_deref().to_plain(),
            "qualificationCode" => row.qualification_code.as_deref().to_plain(),
            "eqfLevel" => row.eqf_level.to_plain(),
            _ => return None,
        })
    }
}
