//! `statistics`: the region's numbers for the `reporting` and `admin` roles (DOMAIN.md §10).
//! Each list is one GROUP BY in the store (`store::reporting`); cells under
//! `reporting.min_cell_size` are suppressed for every role but `admin`.

use super::access;
use super::scalars::Date;
use super::scope::scope;
use crate::app::AppState;
use crate::auth::Role;
use crate::domain::libretto::LibrettoStatus;
use crate::error::AppError;
use crate::store::reference::{EVIDENCE_CATEGORY, PACT_MEASURE, SEP_SECTOR};
use crate::store::reporting::{self as store, Group, IvcScope, LibrettoScope};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use entities::libretto;

/// A count that may be withheld: `count` is null and `suppressed` true when fewer than
/// `reporting.min_cell_size` people are in the cell (never for `admin`).
#[derive(SimpleObject, Clone)]
#[graphql(guard = "access::CELL")]
pub struct Cell {
    /// The group's key: an area, a year, a code… as the list's name says; null for rows
    /// that have none (e.g. `UNKNOWN` area).
    pub key: Option<String>,
    /// A readable name of the key where a reference table has one.
    pub label: Option<String>,
    pub count: Option<i64>,
    pub suppressed: bool,
}

/// A list of cells and their total (the total is suppressed like a cell).
#[derive(SimpleObject)]
#[graphql(guard = "access::BREAKDOWN")]
pub struct Breakdown {
    pub cells: Vec<Cell>,
    pub total: Option<i64>,
    pub total_suppressed: bool,
}

/// Who may see small cells.
#[derive(Clone, Copy)]
pub struct Disclosure {
    min_cell: i64,
}

impl Disclosure {
    fn of(ctx: &Context<'_>) -> Result<Self> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(Self::for_role(scope(ctx).principal.role, state))
    }

    /// `admin` sees every cell; anyone else (the caller checked the role) not the small ones.
    pub fn for_role(role: Role, state: &AppState) -> Self {
        Disclosure {
            min_cell: if role == Role::Admin {
                0
            } else {
                state.config.reporting.min_cell_size
            },
        }
    }

    fn value(self, count: i64) -> (Option<i64>, bool) {
        if count > 0 && count < self.min_cell {
            (None, true)
        } else {
            (Some(count), false)
        }
    }

    pub fn breakdown(
        self,
        groups: Vec<Group>,
        label: impl Fn(&str) -> Option<String>,
    ) -> Breakdown {
        let total: i64 = groups.iter().map(|g| g.1).sum();
        let (total, total_suppressed) = self.value(total);
        Breakdown {
            cells: groups
                .into_iter()
                .map(|(key, n)| {
                    let (count, suppressed) = self.value(n);
                    Cell {
                        label: key.as_deref().and_then(&label),
                        key,
                        count,
                        suppressed,
                    }
                })
                .collect(),
            total,
            total_suppressed,
        }
    }
}

#[derive(InputObject, Default, Clone)]
pub struct LibrettoStatsFilter {
    /// Reporting territory: a province name, or a CPI area such as "Empoli".
    pub area: Option<String>,
    /// Issued libretti in this state; by default every issued one not cancelled.
    pub status: Option<LibrettoStatus>,
    pub issued_from: Option<Date>,
    pub issued_to: Option<Date>,
    pub office: Option<String>,
}

impl From<LibrettoStatsFilter> for LibrettoScope {
    fn from(f: LibrettoStatsFilter) -> Self {
        LibrettoScope {
            area: f.area,
            status: f.status.map(|s| s.as_str().to_owned()),
            issued_from: f.issued_from.map(|d| d.0),
            issued_to: f.issued_to.map(|d| d.0),
            office: f.office,
        }
    }
}

#[derive(InputObject, Default, Clone)]
pub struct IvcStatsFilter {
    pub region: Option<String>,
    /// Funding programme, e.g. "IVC PLUS".
    pub program: Option<String>,
}

#[derive(Default)]
pub struct ReportingQuery;

#[Object]
impl ReportingQuery {
    /// Aggregates only, for `reporting` and `admin` tokens.
    #[graphql(guard = "access::QUERY_STATISTICS")]
    async fn statistics(&self, ctx: &Context<'_>) -> Result<Statistics> {
        Ok(Statistics(Disclosure::of(ctx)?))
    }
}

pub struct Statistics(Disclosure);

#[Object(guard = "access::STATISTICS")]
impl Statistics {
    /// Issued libretti formativi (seed 000 counts "libretti consolidati").
    async fn libretti(&self, filter: Option<LibrettoStatsFilter>) -> LibrettoStatistics {
        LibrettoStatistics {
            disclosure: self.0,
            scope: filter.unwrap_or_default().into(),
        }
    }
    /// IVC dossiers (seed 003).
    async fn ivc(&self, filter: Option<IvcStatsFilter>) -> IvcStatistics {
        let f = filter.unwrap_or_default();
        IvcStatistics {
            disclosure: self.0,
            scope: IvcScope {
                region: f.region,
                program: f.program,
            },
        }
    }
    /// Orientation records (seed 001).
    async fn orientation(&self) -> OrientationStatistics {
        OrientationStatistics(self.0)
    }
}

/// Every report, by the name its CSV export takes (`/reports/<name>.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    LibrettiByArea,
    LibrettiByStatus,
    LibrettiByOffice,
    LibrettiByIssueYear,
    LibrettiCitizensByGender,
    LibrettiCitizensByAgeBand,
    LibrettiEvidencesByCategory,
    LibrettiExperiencesByOrigin,
    IvcDossiersByYear,
    IvcAttestatiByYear,
    IvcOutcomes,
    IvcBySector,
    IvcUsersByOrigin,
    OrientationMeasuresByCode,
    OrientationPropensitiesByOccupationGroup,
    OrientationCvs,
    OrientationPortalTransfers,
}

impl Report {
    pub const ALL: [Report; 17] = [
        Self::LibrettiByArea,
        Self::LibrettiByStatus,
        Self::LibrettiByOffice,
        Self::LibrettiByIssueYear,
        Self::LibrettiCitizensByGender,
        Self::LibrettiCitizensByAgeBand,
        Self::LibrettiEvidencesByCategory,
        Self::LibrettiExperiencesByOrigin,
        Self::IvcDossiersByYear,
        Self::IvcAttestatiByYear,
        Self::IvcOutcomes,
        Self::IvcBySector,
        Self::IvcUsersByOrigin,
        Self::OrientationMeasuresByCode,
        Self::OrientationPropensitiesByOccupationGroup,
        Self::OrientationCvs,
        Self::OrientationPortalTransfers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::LibrettiByArea => "libretti-by-area",
            Self::LibrettiByStatus => "libretti-by-status",
            Self::LibrettiByOffice => "libretti-by-office",
            Self::LibrettiByIssueYear => "libretti-by-issue-year",
            Self::LibrettiCitizensByGender => "libretti-citizens-by-gender",
            Self::LibrettiCitizensByAgeBand => "libretti-citizens-by-age-band",
            Self::LibrettiEvidencesByCategory => "libretti-evidences-by-category",
            Self::LibrettiExperiencesByOrigin => "libretti-experiences-by-origin",
            Self::IvcDossiersByYear => "ivc-dossiers-by-year",
            Self::IvcAttestatiByYear => "ivc-attestati-by-year",
            Self::IvcOutcomes => "ivc-outcomes",
            Self::IvcBySector => "ivc-by-sector",
            Self::IvcUsersByOrigin => "ivc-users-by-origin",
            Self::OrientationMeasuresByCode => "orientation-measures-by-code",
            Self::OrientationPropensitiesByOccupationGroup => {
                "orientation-propensities-by-occupation-group"
            }
            Self::OrientationCvs => "orientation-cvs",
            Self::OrientationPortalTransfers => "orientation-portal-transfers",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The reference table that labels the keys, if any.
    fn labels(self) -> Option<&'static str> {
        match self {
            Self::LibrettiEvidencesByCategory => Some(EVIDENCE_CATEGORY),
            Self::IvcBySector => Some(SEP_SECTOR),
            Self::OrientationMeasuresByCode => Some(PACT_MEASURE),
            _ => None,
        }
    }

    /// The report's groups: one GROUP BY statement.
    pub async fn groups(
        self,
        db: &sea_orm::DatabaseConnection,
        libretti: &LibrettoScope,
        ivc: &IvcScope,
    ) -> Result<Vec<Group>, sea_orm::DbErr> {
        use libretto::Column as L;
        match self {
            Self::LibrettiByArea => store::libretti_by(db, libretti, L::Area).await,
            Self::LibrettiByStatus => store::libretti_by(db, libretti, L::Status).await,
            Self::LibrettiByOffice => store::libretti_by(db, libretti, L::Office).await,
            Self::LibrettiByIssueYear => store::libretti_by_year(db, libretti).await,
            Self::LibrettiCitizensByGender => store::citizens_by_gender(db, libretti).await,
            Self::LibrettiCitizensByAgeBand => store::citizens_by_age_band(db, libretti).await,
            Self::LibrettiEvidencesByCategory => store::evidences_by_category(db, libretti).await,
            Self::LibrettiExperiencesByOrigin => store::experiences_by_origin(db, libretti).await,
            Self::IvcDossiersByYear => store::dossiers_by_year(db, ivc).await,
            Self::IvcAttestatiByYear => store::attestati_by_year(db, ivc).await,
            Self::IvcOutcomes => store::outcomes(db, ivc).await,
            Self::IvcBySector => store::dossiers_by_sector(db, ivc).await,
            Self::IvcUsersByOrigin => store::users_by_origin(db, ivc).await,
            Self::OrientationMeasuresByCode => store::measures_by_code(db).await,
            Self::OrientationPropensitiesByOccupationGroup => {
                store::propensities_by_group(db).await
            }
            Self::OrientationCvs => {
                store::cvs_valid_obsolete(db, chrono::Local::now().date_naive()).await
            }
            Self::OrientationPortalTransfers => store::transfers_by_status(db).await,
        }
    }

    /// The report as cells, with small ones suppressed per `disclosure`.
    pub async fn breakdown(
        self,
        state: &AppState,
        disclosure: Disclosure,
        libretti: &LibrettoScope,
        ivc: &IvcScope,
    ) -> Result<Breakdown, AppError> {
        let groups = self
            .groups(state.store.db(), libretti, ivc)
            .await
            .map_err(AppError::internal)?;
        let list = self.labels();
        Ok(disclosure.breakdown(groups, |code| {
            list.and_then(|l| state.reference.find(l, code).map(|c| c.label.clone()))
        }))
    }
}

async fn report(
    ctx: &Context<'_>,
    report: Report,
    disclosure: Disclosure,
    libretti: &LibrettoScope,
    ivc: &IvcScope,
) -> Result<Breakdown> {
    let state = ctx.data_unchecked::<AppState>();
    Ok(report.breakdown(state, disclosure, libretti, ivc).await?)
}

pub struct LibrettoStatistics {
    disclosure: Disclosure,
    scope: LibrettoScope,
}

impl LibrettoStatistics {
    async fn run(&self, ctx: &Context<'_>, r: Report) -> Result<Breakdown> {
        report(ctx, r, self.disclosure, &self.scope, &IvcScope::default()).await
    }
}

#[Object(guard = "access::LIBRETTO_STATISTICS")]
impl LibrettoStatistics {
    /// By reporting territory (province or CPI area, e.g. Empoli).
    async fn by_area(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::LibrettiByArea).await
    }
    async fn by_status(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::LibrettiByStatus).await
    }
    async fn by_office(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::LibrettiByOffice).await
    }
    /// By year of the first issue.
    async fn by_issue_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::LibrettiByIssueYear).await
    }
    /// Holders by gender (`M`, `F`).
    async fn citizens_by_gender(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::LibrettiCitizensByGender).await
    }
    /// Holders by age band at the first issue: keys UP_TO_30, FROM_31_TO_45, FROM_46_TO_55,
    /// OVER_55, UNKNOWN (seed 000's bands).
    async fn citizens_by_age_band(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::LibrettiCitizensByAgeBand).await
    }
    /// Evidences by category (the four of seed 000), labelled from the reference table.
    async fn evidences_by_category(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::LibrettiEvidencesByCategory).await
    }
    /// Experiences by origin: REGIONAL_DB or SELF_DECLARED (seed 000).
    async fn experiences_by_origin(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::LibrettiExperiencesByOrigin).await
    }
}

pub struct IvcStatistics {
    disclosure: Disclosure,
    scope: IvcScope,
}

impl IvcStatistics {
    async fn run(&self, ctx: &Context<'_>, r: Report) -> Result<Breakdown> {
        report(
            ctx,
            r,
            self.disclosure,
            &LibrettoScope::default(),
            &self.scope,
        )
        .await
    }
}

#[derive(SimpleObject)]
#[graphql(guard = "access::IVC_TOTALS")]
pub struct IvcTotals {
    pub hours: f64,
    /// Hours at each dossier's unit cost (seed 003: 40 €/h), in euros.
    pub cost_eur: f64,
}

#[Object(guard = "access::IVC_STATISTICS")]
impl IvcStatistics {
    /// Dossiers by year of request (seed 003: 141, 389, 492, 369 for 2022-2025).
    async fn dossiers_by_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::IvcDossiersByYear).await
    }
    /// Attestati di validazione by year of issue (seed 003: 77, 315, 380, 319).
    async fn attestati_by_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::IvcAttestatiByYear).await
    }
    /// Closed dossiers by outcome: DOSSIER_ONLY, DOSSIER_AND_ATTESTATO, QUALIFICATION,
    /// WITHDRAWN.
    async fn outcomes(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::IvcOutcomes).await
    }
    /// Dossiers by SEP sector of their competences.
    async fn by_sector(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::IvcBySector).await
    }
    /// Citizens by birthplace, read from the fiscal code: SAME_REGION as the dossier,
    /// OTHER_REGION, ABROAD, UNKNOWN (seed 003: Piemonte 50%, other countries 39%, other
    /// regions 11%).
    async fn users_by_origin(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::IvcUsersByOrigin).await
    }
    /// Session hours and their cost over every dossier in scope.
    async fn totals(&self, ctx: &Context<'_>) -> Result<IvcTotals> {
        let db = ctx.data_unchecked::<AppState>().store.db();
        let (minutes, cents) = store::hours_and_cost(db, &self.scope)
            .await
            .map_err(AppError::internal)?;
        Ok(IvcTotals {
            hours: minutes as f64 / 60.0,
            cost_eur: cents as f64 / 100.0,
        })
    }
}

pub struct OrientationStatistics(Disclosure);

impl OrientationStatistics {
    async fn run(&self, ctx: &Context<'_>, r: Report) -> Result<Breakdown> {
        report(
            ctx,
            r,
            self.0,
            &LibrettoScope::default(),
            &IvcScope::default(),
        )
        .await
    }
}

#[Object(guard = "access::ORIENTATION_STATISTICS")]
impl OrientationStatistics {
    /// Pact measures by idolarti code.
    async fn measures_by_code(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::OrientationMeasuresByCode).await
    }
    /// Propensities by CP2011 major group (first digit).
    async fn propensities_by_occupation_group(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::OrientationPropensitiesByOccupationGroup)
            .await
    }
    /// Current CVs: VALID or OBSOLETE today (6 months, seed 001).
    async fn cvs(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::OrientationCvs).await
    }
    /// Portal transfers by status.
    async fn portal_transfers(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.run(ctx, Report::OrientationPortalTransfers).await
    }
}
