//! IVC dossiers (seed 003): what each report counts and the citizens behind each figure. A
//! citizen may hold dossiers of several years, sectors or programmes, so citizens never add
//! up across a breakdown: every margin is counted by its own statement.
//!
//! Seed 003 counts a **Dossier** when the Dossier del Cittadino is released ("Identificazione
//! … messa in trasparenza di competenze → Dossier del Cittadino"; the chart "Dossier /
//! Attestati" per year): the reports of dossiers count released ones, by the release date of
//! the transparency document; `requests_by_year` counts every request, withdrawn ones too.

mod people;

pub use people::{belfiore_of, users_by_citizenship, users_by_origin};

use super::{Columns, Measured, count_all, count_distinct, count_distinct_when, sum_of, year_of};
use crate::domain::ivc::IvcOutcome;
use chrono::NaiveDate;
use entities::{ivc_competence, ivc_dossier};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend};

/// Which dossiers a report counts. The dates are inclusive days; for roles but `admin` the
/// plan (`reporting::plan`) allows whole years only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IvcScope {
    pub region: Option<String>,
    pub program: Option<String>,
    pub requested_from: Option<NaiveDate>,
    pub requested_to: Option<NaiveDate>,
    /// Release of the transparency document (Dossier del Cittadino): a bound keeps only
    /// released dossiers.
    pub released_from: Option<NaiveDate>,
    pub released_to: Option<NaiveDate>,
}

impl IvcScope {
    fn condition(&self) -> Condition {
        use ivc_dossier::Column::{Program, Region, RequestedOn, TransparencyReleasedOn};
        let mut cond = Condition::all();
        if let Some(region) = &self.region {
            cond = cond.add(column(Region).eq(region.clone()));
        }
        if let Some(program) = &self.program {
            cond = cond.add(column(Program).eq(program.clone()));
        }
        let bounds = [
            (RequestedOn, self.requested_from, self.requested_to),
            (TransparencyReleasedOn, self.released_from, self.released_to),
        ];
        for (c, from, to) in bounds {
            if let Some(from) = from {
                cond = cond.add(column(c).gte(from));
            }
            if let Some(to) = to {
                cond = cond.add(column(c).lte(to));
            }
        }
        cond
    }

    fn select(&self) -> SelectStatement {
        Query::select()
            .from(ivc_dossier::Entity)
            .cond_where(self.condition())
            .to_owned()
    }

    /// The dossiers in scope whose Dossier del Cittadino was released (seed 003's "Dossier").
    fn released(&self) -> SelectStatement {
        let mut select = self.select();
        select.and_where(column(ivc_dossier::Column::TransparencyReleasedOn).is_not_null());
        select
    }
}

fn column(c: ivc_dossier::Column) -> SimpleExpr {
    Expr::col((ivc_dossier::Entity, c))
}

fn citizens() -> SimpleExpr {
    count_distinct((ivc_dossier::Entity, ivc_dossier::Column::FiscalCode))
}

fn measured(from: SelectStatement, keys: Vec<SimpleExpr>, value: SimpleExpr) -> Measured {
    Measured {
        from,
        columns: Columns::Long {
            keys,
            value,
            also: None,
        },
        people: citizens(),
        rows_additive: false,
        cols_additive: false,
    }
}

/// The breakdown a filter slices dossiers by: the (region, programme) pair.
pub fn territory() -> Vec<SimpleExpr> {
    vec![
        column(ivc_dossier::Column::Region),
        column(ivc_dossier::Column::Program),
    ]
}

/// The year of the request (a filter on request years slices by it).
pub fn request_year(backend: DbBackend) -> Vec<SimpleExpr> {
    vec![year_of(
        backend,
        (ivc_dossier::Entity, ivc_dossier::Column::RequestedOn),
    )]
}

/// The year the Dossier del Cittadino was released; none for a dossier not released.
pub fn release_year(backend: DbBackend) -> Vec<SimpleExpr> {
    vec![year_of(
        backend,
        (
            ivc_dossier::Entity,
            ivc_dossier::Column::TransparencyReleasedOn,
        ),
    )]
}

/// Requests (every dossier, withdrawn ones included) by the year they were made.
pub fn requests_by_year(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    let year = request_year(db.get_database_backend());
    measured(scope.select(), year, count_all())
}

/// Dossiers by the year the Dossier del Cittadino was released (seed 003: 141, 389, 492,
/// 369 for 2022-2025): a request withdrawn before it is no dossier, and one released the
/// year after its request counts in the year of the release.
pub fn dossiers_by_year(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    let year = release_year(db.get_database_backend());
    measured(scope.released(), year, count_all())
}

/// Attestati di validazione by the year they were issued.
pub fn attestati_by_year(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    let mut select = scope.select();
    select.and_where(ivc_dossier::Column::AttestatoIssuedOn.is_not_null());
    let year = year_of(
        db.get_database_backend(),
        (ivc_dossier::Entity, ivc_dossier::Column::AttestatoIssuedOn),
    );
    measured(select, vec![year], count_all())
}

/// Closed dossiers by outcome class (seed 003: dossier only, dossier + attestato,
/// qualification; and withdrawals).
pub fn outcomes(scope: &IvcScope) -> Measured {
    let mut select = scope.select();
    select.and_where(ivc_dossier::Column::Status.eq("CLOSED"));
    measured(
        select,
        vec![column(ivc_dossier::Column::Outcome)],
        count_all(),
    )
}

/// Released dossiers by the furthest output they reached, open or closed, withdrawn or not:
/// QUALIFICATION (the certificate), else DOSSIER_AND_ATTESTATO (the attestato di
/// validazione), else DOSSIER_ONLY. Seed 003 reads them as shares of the users with a
/// dossier: "% di utenti con DOSSIER 21%; … Dossier + ATTESTATO DI VALIDAZIONE 79%" — the
/// qualified among the 79 % ("ottengono una qualifica professionale completa sono circa il
/// 15%"), which `reporting::catalogue` publishes as the sum of the last two classes.
pub fn outcome_classes(scope: &IvcScope) -> Measured {
    let (only, attestato, qualification) = (
        IvcOutcome::DossierOnly.as_str(),
        IvcOutcome::DossierAndAttestato.as_str(),
        IvcOutcome::Qualification.as_str(),
    );
    // a legacy line may give the outcome without the document's number or date
    let class = Expr::cust(format!(
        "CASE WHEN ivc_dossier.outcome = '{qualification}' \
         OR ivc_dossier.certificate_number IS NOT NULL THEN '{qualification}' \
         WHEN ivc_dossier.outcome = '{attestato}' \
         OR ivc_dossier.attestato_issued_on IS NOT NULL THEN '{attestato}' \
         ELSE '{only}' END"
    ));
    measured(scope.released(), vec![class], count_all())
}

/// Released dossiers by (province, office): `byProvince` and `byOffice` are its sums, as
/// libretti's areas and offices are. The province is the second part of the CPI office code,
/// `CPI-XX-…` (the rule of `services::territory::office_province`, in SQL; Empoli's CPI area
/// keeps its own `EM`, as seed 000 reports it); none for a dossier with no such office.
pub fn by_territory(scope: &IvcScope) -> Measured {
    let province = Expr::cust(
        "CASE WHEN substr(ivc_dossier.office, 1, 4) = 'CPI-' \
         AND substr(ivc_dossier.office, 7, 1) = '-' AND length(ivc_dossier.office) > 7 \
         THEN substr(ivc_dossier.office, 5, 2) END",
    );
    measured(
        scope.released(),
        vec![province, column(ivc_dossier::Column::Office)],
        count_all(),
    )
}

/// Dossiers by the SEP sector of their competences (a dossier counts once per sector).
pub fn dossiers_by_sector(scope: &IvcScope) -> Measured {
    let select = scope
        .select()
        .inner_join(
            ivc_competence::Entity,
            Expr::col((ivc_competence::Entity, ivc_competence::Column::DossierId))
                .equals((ivc_dossier::Entity, ivc_dossier::Column::Id)),
        )
        .to_owned();
    let sector = Expr::col((ivc_competence::Entity, ivc_competence::Column::SepSector));
    measured(
        select,
        vec![sector],
        count_distinct((ivc_dossier::Entity, ivc_dossier::Column::Id)),
    )
}

/// Session minutes (`value`) and their cost in cent-minutes (`also`: each dossier at its own
/// unit cost), published by the citizens whose sessions they are.
pub fn minutes_and_cost(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    let backend = db.get_database_backend();
    let minutes = column(ivc_dossier::Column::MinutesUsed);
    let cost = minutes
        .clone()
        .mul(column(ivc_dossier::Column::HourlyCostCents));
    Measured {
        from: scope.select(),
        columns: Columns::Long {
            keys: Vec::new(),
            value: sum_of(backend, minutes.clone()),
            also: Some(sum_of(backend, cost)),
        },
        people: count_distinct_when(
            minutes.gt(0),
            (ivc_dossier::Entity, ivc_dossier::Column::FiscalCode),
        ),
        rows_additive: false,
        cols_additive: false,
    }
}
