//! `statistics`: the region's numbers for the `reporting` and `admin` roles (DOMAIN.md §10).
//! Each list is counted by the store and published by `crate::reporting`: everything for
//! `admin`; for anyone else nothing about fewer than `reporting.min_cell_size` citizens,
//! neither shown nor recoverable by subtraction from other figures.

mod filters;

pub use filters::{DatesNamed, IvcStatsFilter, LibrettoStatsFilter};

use super::access;
use super::scope::scope;
use crate::auth::Role;
use crate::error::AppError;
use crate::reporting::{self as publishing, Family, Plan, Published, Report};
use crate::state::AppState;
use crate::store::reporting::{IvcScope, LibrettoScope};
use async_graphql::{Context, Object, Result, SimpleObject};

/// A count that may be withheld: `count` is null and `suppressed` true when the cell is about
/// fewer than `reporting.min_cell_size` citizens, or would give such a cell away (never for
/// `admin`).
#[derive(SimpleObject, Clone)]
#[graphql(guard = "access::CELL")]
pub struct Cell {
    /// The group's key: an area, a year, a code… as the list's name says; null for rows
    /// that have none (e.g. `UNKNOWN` area).
    pub key: Option<String>,
    /// A readable name of the key where a reference table has one.
    pub label: Option<String>,
    pub count: Option<i64>,
    /// `count` over the list's `total` (0.79 for 79 %), where both are published.
    pub share: Option<f64>,
    pub suppressed: bool,
}

/// A list of cells and their total. When the population asked for is too small the whole
/// list is withheld: no cells (not even their keys), total null, `totalSuppressed` true.
#[derive(SimpleObject)]
#[graphql(guard = "access::BREAKDOWN")]
pub struct Breakdown {
    pub cells: Vec<Cell>,
    pub total: Option<i64>,
    pub total_suppressed: bool,
}

/// Who may see small cells: `admin` every one; anyone else (the caller checked the role)
/// none, from a population no finer than one filter at a time.
#[derive(Clone, Copy)]
pub struct Disclosure {
    min_cell: i64,
}

impl Disclosure {
    fn of(ctx: &Context<'_>) -> Self {
        let state = ctx.data_unchecked::<AppState>();
        Self::for_role(scope(ctx).principal.role, state)
    }

    pub fn for_role(role: Role, state: &AppState) -> Self {
        Disclosure {
            min_cell: if role == Role::Admin {
                0
            } else {
                state.config.reporting.min_cell_size
            },
        }
    }

    /// How a request for `family` with these filters is answered (errors name the filter).
    pub fn plan(
        self,
        family: Family,
        libretti: &LibrettoScope,
        ivc: &IvcScope,
    ) -> Result<Plan, AppError> {
        publishing::plan(self.min_cell > 0, family, libretti, ivc)
    }

    /// `report` as this role may see it, its keys labelled from their reference table.
    pub async fn breakdown(
        self,
        state: &AppState,
        report: Report,
        plan: &Plan,
    ) -> Result<Breakdown, AppError> {
        let published = publishing::publish(state.store.db(), report, plan, self.min_cell)
            .await
            .map_err(AppError::internal)?;
        let list = report.labels();
        let label = |code: &str| {
            list.and_then(|l| state.reference.find(l, code).map(|c| c.label.clone()))
                .or_else(|| report.compiled_label(code).map(str::to_owned))
        };
        let total = published.total.filter(|t| *t > 0);
        // four decimals: a share is for reading, the counts are exact
        let share = |count: i64| total.map(|t| (count as f64 / t as f64 * 1e4).round() / 1e4);
        Ok(Breakdown {
            cells: published
                .cells
                .into_iter()
                .map(|c| Cell {
                    label: c.key.as_deref().and_then(label),
                    key: c.key,
                    count: c.count,
                    share: c.count.and_then(share),
                    suppressed: c.count.is_none(),
                })
                .collect(),
            total_suppressed: published.total.is_none(),
            total: published.total,
        })
    }
}

#[derive(Default)]
pub struct ReportingQuery;

#[Object]
impl ReportingQuery {
    /// Aggregates only, for `reporting` and `admin` tokens.
    #[graphql(guard = "access::QUERY_STATISTICS")]
    async fn statistics(&self, ctx: &Context<'_>) -> Statistics {
        Statistics(Disclosure::of(ctx))
    }
}

pub struct Statistics(Disclosure);

/// The lists of one population, as a role may see them.
pub struct Lists {
    disclosure: Disclosure,
    plan: Plan,
}

impl Lists {
    async fn run(&self, ctx: &Context<'_>, report: Report) -> Result<Breakdown> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(self.disclosure.breakdown(state, report, &self.plan).await?)
    }
}

#[Object(guard = "access::STATISTICS")]
impl Statistics {
    /// Issued libretti formativi (seed 000 counts "libretti consolidati"). For roles but
    /// `admin`, one of area/office, status or issue years per request.
    async fn libretti(
        &self,
        filter: Option<DatesNamed<LibrettoStatsFilter>>,
    ) -> Result<LibrettoStatistics> {
        let scope = filter.map(|f| f.0).unwrap_or_default().into();
        let plan = self
            .0
            .plan(Family::Libretti, &scope, &IvcScope::default())?;
        Ok(LibrettoStatistics(Lists {
            disclosure: self.0,
            plan,
        }))
    }
    /// IVC dossiers (seed 003). For roles but `admin`, one of region/program, request years
    /// or release years per request.
    async fn ivc(&self, filter: Option<DatesNamed<IvcStatsFilter>>) -> Result<IvcStatistics> {
        let scope = filter.map(|f| f.0).unwrap_or_default().into();
        let plan = self
            .0
            .plan(Family::Ivc, &LibrettoScope::default(), &scope)?;
        Ok(IvcStatistics(Lists {
            disclosure: self.0,
            plan,
        }))
    }
    /// Orientation records (seed 001).
    async fn orientation(&self) -> OrientationStatistics {
        OrientationStatistics(Lists {
            disclosure: self.0,
            plan: Plan::default(),
        })
    }
}

pub struct LibrettoStatistics(Lists);

#[Object(guard = "access::LIBRETTO_STATISTICS")]
impl LibrettoStatistics {
    /// By reporting territory (province or CPI area, e.g. Empoli).
    async fn by_area(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::LibrettiByArea).await
    }
    async fn by_status(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::LibrettiByStatus).await
    }
    async fn by_office(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::LibrettiByOffice).await
    }
    /// By year of the first issue.
    async fn by_issue_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::LibrettiByIssueYear).await
    }
    /// Holders by gender (`M`, `F`).
    async fn citizens_by_gender(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::LibrettiCitizensByGender).await
    }
    /// Holders by age band at the first issue: keys UP_TO_30, FROM_31_TO_45, FROM_46_TO_55,
    /// OVER_55, UNKNOWN (seed 000's bands).
    async fn citizens_by_age_band(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::LibrettiCitizensByAgeBand).await
    }
    /// Evidences by category (the four of seed 000), labelled from the reference table;
    /// each count is withheld by the citizens who hold those evidences.
    async fn evidences_by_category(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::LibrettiEvidencesByCategory).await
    }
    /// Experiences by origin: REGIONAL_DB or SELF_DECLARED (seed 000); withheld by the
    /// citizens behind them.
    async fn experiences_by_origin(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::LibrettiExperiencesByOrigin).await
    }
}

pub struct IvcStatistics(Lists);

/// Session hours and their cost; both null and `suppressed` true when the citizens with
/// sessions in scope are fewer than `reporting.min_cell_size` (never for `admin`).
#[derive(SimpleObject)]
#[graphql(guard = "access::IVC_TOTALS")]
pub struct IvcTotals {
    pub hours: Option<f64>,
    /// Hours at each dossier's unit cost (seed 003: 40 €/h), in euros.
    pub cost_eur: Option<f64>,
    pub suppressed: bool,
}

#[Object(guard = "access::IVC_STATISTICS")]
impl IvcStatistics {
    /// Requests by the year they were made, withdrawn ones included.
    async fn requests_by_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcRequestsByYear).await
    }
    /// Dossiers by the year the Dossier del Cittadino was released, as seed 003 counts them
    /// (141, 389, 492, 369 for 2022-2025); a request withdrawn before is not one.
    async fn dossiers_by_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcDossiersByYear).await
    }
    /// Attestati di validazione by year of issue (seed 003: 77, 315, 380, 319).
    async fn attestati_by_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcAttestatiByYear).await
    }
    /// Closed dossiers by outcome: DOSSIER_ONLY, DOSSIER_AND_ATTESTATO, QUALIFICATION,
    /// WITHDRAWN.
    async fn outcomes(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcOutcomes).await
    }
    /// Released dossiers by the furthest output reached, with their shares of the total:
    /// DOSSIER_ONLY, DOSSIER_AND_ATTESTATO and QUALIFICATION add up to it; WITH_ATTESTATO is
    /// the last two together (seed 003: dossier only 21 %, dossier + attestato 79 %, the
    /// qualified included; qualified ≈ 15 %).
    async fn outcome_shares(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcOutcomeShares).await
    }
    /// Released dossiers by province: the `XX` of the office code `CPI-XX-…` (null without
    /// an office).
    async fn by_province(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcByProvince).await
    }
    /// Released dossiers by CPI office.
    async fn by_office(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcByOffice).await
    }
    /// Dossiers by SEP sector of their competences.
    async fn by_sector(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcBySector).await
    }
    /// Citizens by birthplace, read from the fiscal code: SAME_REGION as the dossier,
    /// OTHER_REGION, ABROAD, UNKNOWN (seed 003: Piemonte 50%, other countries 39%, other
    /// regions 11%); a citizen counts once per region and programme.
    async fn users_by_origin(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcUsersByOrigin).await
    }
    /// Users with a released dossier by citizenship (ISO 3166 alpha-2, labelled), largest
    /// first, as frozen in the Dossier del Cittadino; UNKNOWN where none was (imported
    /// dossiers). A citizen counts once per region and programme.
    async fn users_by_citizenship(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::IvcUsersByCitizenship).await
    }
    /// Session hours and their cost over every dossier in scope.
    async fn totals(&self, ctx: &Context<'_>) -> Result<IvcTotals> {
        let db = ctx.data_unchecked::<AppState>().store.db();
        let Lists { disclosure, plan } = &self.0;
        let published: Published = publishing::publish_ivc_minutes(db, plan, disclosure.min_cell)
            .await
            .map_err(AppError::internal)?;
        let cents = published.total_also;
        Ok(IvcTotals {
            hours: published.total.map(|minutes| minutes as f64 / 60.0),
            cost_eur: cents
                .filter(|_| published.total.is_some())
                .map(|c| c as f64 / 6000.0),
            suppressed: published.withheld,
        })
    }
}

pub struct OrientationStatistics(Lists);

#[Object(guard = "access::ORIENTATION_STATISTICS")]
impl OrientationStatistics {
    /// Pact measures by idolarti code.
    async fn measures_by_code(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::OrientationMeasuresByCode).await
    }
    /// Propensities by CP2011 major group (first digit).
    async fn propensities_by_occupation_group(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0
            .run(ctx, Report::OrientationPropensitiesByOccupationGroup)
            .await
    }
    /// Current CVs: VALID or OBSOLETE today (6 months, seed 001).
    async fn cvs(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::OrientationCvs).await
    }
    /// Portal transfers by status.
    async fn portal_transfers(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.0.run(ctx, Report::OrientationPortalTransfers).await
    }
}
