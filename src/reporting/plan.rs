//! How a filtered report is answered without undoing the protection of the others.
//!
//! A filter slices a population: "libretti of Siena by gender" is Siena's row of the table
//! (area × gender) whose margins are the unfiltered reports `byArea` and `citizensByGender`.
//! Protecting each row alone fails (the column totals give a lone small cell away), so a
//! sliced report is read as that whole table, protected once in a way that does not depend
//! on the row asked, and its row published from it. The rows are the filter's finest values:
//! (area, office) pairs, since areas and offices are sums over them; statuses; years (of a
//! libretto's issue, an IVC request, a Dossier's release), whose ranges are sums. For roles but
//! `admin`, one such breakdown per request: two at once are a three-way table no two-way
//! protection covers, and a date range that is not whole years is a slice of days, which any
//! two overlapping ranges would undo.

use super::catalogue::{Axis, Family};
use crate::error::AppError;
use crate::store::reporting::{IvcScope, Key, LibrettoScope, ivc, libretti};
use chrono::{Datelike, NaiveDate};
use sea_orm::DbBackend;
use sea_orm::sea_query::SimpleExpr;

/// Which rows of the fine table a filter keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slice {
    /// (area, office) or (region, programme) rows matching the parts given.
    Territory(Option<String>, Option<String>),
    Status(String),
    Years(YearOf, Option<i32>, Option<i32>),
}

/// The date whose years a filter slices by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearOf {
    /// A libretto's first issue.
    Issue,
    /// An IVC request.
    Request,
    /// The release of an IVC Dossier del Cittadino (none: not released, in no slice).
    Release,
}

impl Slice {
    /// The breakdown the rows are: what the filter is on.
    pub fn rows(&self, family: Family, backend: DbBackend) -> Vec<SimpleExpr> {
        match (self, family) {
            (Slice::Territory(..), Family::Ivc) => ivc::territory(),
            (Slice::Territory(..), _) => libretti::territory(),
            (Slice::Status(_), _) => libretti::status(),
            (Slice::Years(YearOf::Issue, ..), _) => libretti::issue_year(backend),
            (Slice::Years(YearOf::Request, ..), _) => ivc::request_year(backend),
            (Slice::Years(YearOf::Release, ..), _) => ivc::release_year(backend),
        }
    }

    /// How the row keys group (which sums of rows other requests publish).
    pub fn axis(&self) -> Axis {
        match self {
            Slice::Territory(..) => Axis::Territory(0),
            Slice::Status(_) => Axis::Codes,
            Slice::Years(..) => Axis::Years,
        }
    }

    /// The rows (indexes into `keys`) the filter keeps.
    pub fn members(&self, keys: &[Key]) -> Vec<usize> {
        let part = |k: &Key, i: usize| k.get(i).cloned().flatten();
        let year = |k: &Key| part(k, 0).and_then(|y| y.parse::<i32>().ok());
        (0..keys.len())
            .filter(|&i| {
                let k = &keys[i];
                match self {
                    Slice::Territory(first, second) => {
                        first
                            .as_ref()
                            .is_none_or(|f| part(k, 0).as_ref() == Some(f))
                            && second
                                .as_ref()
                                .is_none_or(|s| part(k, 1).as_ref() == Some(s))
                    }
                    Slice::Status(status) => part(k, 0).as_ref() == Some(status),
                    Slice::Years(_, from, to) => year(k)
                        .is_some_and(|y| from.is_none_or(|f| f <= y) && to.is_none_or(|t| y <= t)),
                }
            })
            .collect()
    }
}

/// A request's population (the filters but the slicing one) and its slice, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub libretti: LibrettoScope,
    pub ivc: IvcScope,
    pub slice: Option<Slice>,
}

/// The plan of a request: for `admin` (`restricted` false) the filters as they are, every
/// figure published; for anyone else a population and at most one slice.
pub fn plan(
    restricted: bool,
    family: Family,
    libretti: &LibrettoScope,
    ivc: &IvcScope,
) -> Result<Plan, AppError> {
    if !restricted {
        return Ok(Plan {
            libretti: libretti.clone(),
            ivc: ivc.clone(),
            slice: None,
        });
    }
    match family {
        Family::Libretti => libretti_plan(libretti),
        Family::Ivc => ivc_plan(ivc),
        Family::Orientation => Ok(Plan::default()),
    }
}

/// A range of whole years, `from` a 1 January and `to` a 31 December (errors name the
/// parameter), as the slice it is; `None` without bounds.
fn years(
    of: YearOf,
    (from_name, from): (&str, Option<NaiveDate>),
    (to_name, to): (&str, Option<NaiveDate>),
) -> Result<Option<Slice>, AppError> {
    if let Some(from) = from
        && (from.month(), from.day()) != (1, 1)
    {
        return Err(AppError::bad_input(
            from_name,
            format!("{from_name}: {from} is not a 1 January; reports are sliced by whole years"),
        ));
    }
    if let Some(to) = to
        && (to.month(), to.day()) != (12, 31)
    {
        return Err(AppError::bad_input(
            to_name,
            format!("{to_name}: {to} is not a 31 December; reports are sliced by whole years"),
        ));
    }
    Ok((from.is_some() || to.is_some())
        .then(|| Slice::Years(of, from.map(|d| d.year()), to.map(|d| d.year()))))
}

/// At most one slice, or BAD_USER_INPUT naming the choices.
fn one_slice(slices: Vec<Option<Slice>>, choices: &str) -> Result<Option<Slice>, AppError> {
    let mut given = slices.into_iter().flatten();
    let first = given.next();
    if given.next().is_some() {
        return Err(AppError::bad_input(
            "filter",
            format!(
                "filter: slice by one of {choices} at a time (two at once would let small \
                 groups be worked out from the reports of each)"
            ),
        ));
    }
    Ok(first)
}

fn ivc_plan(scope: &IvcScope) -> Result<Plan, AppError> {
    let requested = years(
        YearOf::Request,
        ("requestedFrom", scope.requested_from),
        ("requestedTo", scope.requested_to),
    )?;
    let released = years(
        YearOf::Release,
        ("releasedFrom", scope.released_from),
        ("releasedTo", scope.released_to),
    )?;
    let territory = (scope.region.is_some() || scope.program.is_some())
        .then(|| Slice::Territory(scope.region.clone(), scope.program.clone()));
    Ok(Plan {
        slice: one_slice(
            vec![territory, requested, released],
            "region/program, request years or release years",
        )?,
        ..Plan::default()
    })
}

fn libretti_plan(scope: &LibrettoScope) -> Result<Plan, AppError> {
    let years = years(
        YearOf::Issue,
        ("issuedFrom", scope.issued_from),
        ("issuedTo", scope.issued_to),
    )?;
    let territory = (scope.area.is_some() || scope.office.is_some())
        .then(|| Slice::Territory(scope.area.clone(), scope.office.clone()));
    let status = scope.status.clone().map(Slice::Status);
    let slice = one_slice(
        vec![territory, years, status],
        "area/office, status or issue years",
    )?;
    if scope.status.as_deref() == Some("CANCELLED") {
        // cancelled libretti are a population of their own, outside every other report
        return Ok(Plan {
            libretti: scope.clone(),
            ..Plan::default()
        });
    }
    Ok(Plan {
        slice,
        ..Plan::default()
    })
}
