//! `statistics`: the region's numbers for the `reporting` and `admin` roles (DOMAIN.md §10).
//! Each list is one GROUP BY in the store (`store::reporting`); cells under
//! `reporting.min_cell_size` are suppressed for every role but `admin`.

use super::scalars::Date;
use super::scope::{require_role, scope};
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
pub struct Breakdown {
    pub cells: Vec<Cell>,
    pub total: Option<i64>,
    pub total_suppressed: bool,
}

/// Who may see small cells.
#[derive(Clone, Copy)]
struct Disclosure {
    min_cell: i64,
}

impl Disclosure {
    fn of(ctx: &Context<'_>) -> Result<Self> {
        require_role(ctx, &[Role::Reporting, Role::Admin])?;
        let admin = scope(ctx).principal.role == Role::Admin;
        let state = ctx.data_unchecked::<AppState>();
        Ok(Disclosure {
            min_cell: if admin {
                0
            } else {
                state.config.reporting.min_cell_size
            },
        })
    }

    fn value(self, count: i64) -> (Option<i64>, bool) {
        if count > 0 && count < self.min_cell {
            (None, true)
        } else {
            (Some(count), false)
        }
    }

    fn breakdown(self, groups: Vec<Group>, label: impl Fn(&str) -> Option<String>) -> Breakdown {
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

fn no_label(_: &str) -> Option<String> {
    None
}

fn failed(err: sea_orm::DbErr) -> async_graphql::Error {
    AppError::internal(err).into()
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
    async fn statistics(&self, ctx: &Context<'_>) -> Result<Statistics> {
        Ok(Statistics(Disclosure::of(ctx)?))
    }
}

pub struct Statistics(Disclosure);

#[Object]
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

pub struct LibrettoStatistics {
    disclosure: Disclosure,
    scope: LibrettoScope,
}

#[Object]
impl LibrettoStatistics {
    /// By reporting territory (province or CPI area, e.g. Empoli).
    async fn by_area(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.by(ctx, libretto::Column::Area).await
    }
    async fn by_status(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.by(ctx, libretto::Column::Status).await
    }
    async fn by_office(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        self.by(ctx, libretto::Column::Office).await
    }
    /// By year of the first issue.
    async fn by_issue_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::libretti_by_year(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, no_label))
    }
    /// Holders by gender (`M`, `F`).
    async fn citizens_by_gender(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::citizens_by_gender(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, no_label))
    }
    /// Holders by age band at the first issue: keys UP_TO_30, FROM_31_TO_45, FROM_46_TO_55,
    /// OVER_55, UNKNOWN (seed 000's bands).
    async fn citizens_by_age_band(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::citizens_by_age_band(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, no_label))
    }
    /// Evidences by category (the four of seed 000), labelled from the reference table.
    async fn evidences_by_category(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::evidences_by_category(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self
            .disclosure
            .breakdown(groups, label(ctx, EVIDENCE_CATEGORY)))
    }
    /// Experiences by origin: REGIONAL_DATABASE or SELF_DECLARED (seed 000).
    async fn experiences_by_origin(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::experiences_by_origin(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, no_label))
    }
}

impl LibrettoStatistics {
    async fn by(&self, ctx: &Context<'_>, column: libretto::Column) -> Result<Breakdown> {
        let groups = store::libretti_by(db(ctx), &self.scope, column)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, no_label))
    }
}

fn db<'a>(ctx: &Context<'a>) -> &'a sea_orm::DatabaseConnection {
    ctx.data_unchecked::<AppState>().store.db()
}

fn label<'a>(ctx: &Context<'a>, list: &'static str) -> impl Fn(&str) -> Option<String> + 'a {
    let state = ctx.data_unchecked::<AppState>();
    move |code| state.reference.find(list, code).map(|c| c.label.clone())
}

pub struct IvcStatistics {
    disclosure: Disclosure,
    scope: IvcScope,
}

#[derive(SimpleObject)]
pub struct IvcTotals {
    pub hours: f64,
    /// Hours at each dossier's unit cost (seed 003: 40 €/h), in euros.
    pub cost_eur: f64,
}

#[Object]
impl IvcStatistics {
    /// Dossiers by year of request (seed 003: 141, 389, 492, 369 for 2022-2025).
    async fn dossiers_by_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::dossiers_by_year(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, no_label))
    }
    /// Attestati di validazione by year of issue (seed 003: 77, 315, 380, 319).
    async fn attestati_by_year(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::attestati_by_year(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, no_label))
    }
    /// Closed dossiers by outcome: DOSSIER_ONLY, DOSSIER_AND_ATTESTATO, QUALIFICATION,
    /// WITHDRAWN.
    async fn outcomes(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::outcomes(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, no_label))
    }
    /// Dossiers by SEP sector of their competences.
    async fn by_sector(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::dossiers_by_sector(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(self.disclosure.breakdown(groups, label(ctx, SEP_SECTOR)))
    }
    /// Session hours and their cost over every dossier in scope.
    async fn totals(&self, ctx: &Context<'_>) -> Result<IvcTotals> {
        let (minutes, cents) = store::hours_and_cost(db(ctx), &self.scope)
            .await
            .map_err(failed)?;
        Ok(IvcTotals {
            hours: minutes as f64 / 60.0,
            cost_eur: cents as f64 / 100.0,
        })
    }
}

pub struct OrientationStatistics(Disclosure);

#[Object]
impl OrientationStatistics {
    /// Pact measures by idolarti code.
    async fn measures_by_code(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::measures_by_code(db(ctx)).await.map_err(failed)?;
        Ok(self.0.breakdown(groups, label(ctx, PACT_MEASURE)))
    }
    /// Propensities by CP2011 major group (first digit).
    async fn propensities_by_occupation_group(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::propensities_by_group(db(ctx))
            .await
            .map_err(failed)?;
        Ok(self.0.breakdown(groups, no_label))
    }
    /// Current CVs: VALID or OBSOLETE today (6 months, seed 001).
    async fn cvs(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let today = chrono::Local::now().date_naive();
        let groups = store::cvs_valid_obsolete(db(ctx), today)
            .await
            .map_err(failed)?;
        Ok(self.0.breakdown(groups, no_label))
    }
    /// Portal transfers by status.
    async fn portal_transfers(&self, ctx: &Context<'_>) -> Result<Breakdown> {
        let groups = store::transfers_by_status(db(ctx)).await.map_err(failed)?;
        Ok(self.0.breakdown(groups, no_label))
    }
}
