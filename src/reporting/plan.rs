//! How a filtered report is answered without undoing the protection of the others.
//!
//! A filter slices a population: "libretti of Siena by gender" is Siena's row of the table
//! (area × gender) whose margins are the unfiltered reports `byArea` and `citizensByGender`.
//! Protecting each row alone fails (the column totals give a lone small cell away), so a
//! sliced report is read as that whole table, protected once in a way that does not depend
//! on the row asked, and its row published from it. The rows are the filter's finest values:
//! (area, office) pairs, since areas and offices are sums over them; statuses; issue years,
//! whose ranges are sums. For roles but `admin`, one such breakdown per request: two at once
//! are a three-way table no two-way protection covers, and a date range that is not whole
//! years is a slice of days, which any two overlapping ranges would undo.

use super::catalogue::{Axis, Family};
use crate::error::AppError;
use crate::store::reporting::{IvcScope, Key, LibrettoScope, ivc, libretti};
use chrono::Datelike;
use sea_orm::DbBackend;
use sea_orm::sea_query::SimpleExpr;

/// Which rows of the fine table a filter keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slice {
    /// (area, office) or (region, programme) rows matching the parts given.
    Territory(Option<String>, Option<String>),
    Status(String),
    Years(Option<i32>, Option<i32>),
}

impl Slice {
    /// The breakdown the rows are: what the filter is on.
    pub fn rows(&self, family: Family, backend: DbBackend) -> Vec<SimpleExpr> {
        match (self, family) {
            (Slice::Territory(..), Family::Ivc) => ivc::territory(),
            (Slice::Territory(..), _) => libretti::territory(),
            (Slice::Status(_), _) => libretti::status(),
            (Slice::Years(..), _) => libretti::issue_year(backend),
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
                    Slice::Years(from, to) => year(k)
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
        Family::Ivc => Ok(Plan {
            slice: (ivc.region.is_some() || ivc.program.is_some())
                .then(|| Slice::Territory(ivc.region.clone(), ivc.program.clone())),
            ..Plan::default()
        }),
        Family::Orientation => Ok(Plan::default()),
    }
}

fn libretti_plan(scope: &LibrettoScope) -> Result<Plan, AppError> {
    if let Some(from) = scope.issued_from
        && (from.month(), from.day()) != (1, 1)
    {
        return Err(AppError::bad_input(
            "issuedFrom",
            format!("issuedFrom: {from} is not a 1 January; reports are sliced by whole years"),
        ));
    }
    if let Some(to) = scope.issued_to
        && (to.month(), to.day()) != (12, 31)
    {
        return Err(AppError::bad_input(
            "issuedTo",
            format!("issuedTo: {to} is not a 31 December; reports are sliced by whole years"),
        ));
    }
    let territory = scope.area.is_some() || scope.office.is_some();
    let years = scope.issued_from.is_some() || scope.issued_to.is_some();
    let status = scope.status.is_some();
    if [territory, years, status].iter().filter(|s| **s).count() > 1 {
        return Err(AppError::bad_input(
            "filter",
            "filter: slice by one of area/office, status or issue years at a time (two at once \
             would let small groups be worked out from the reports of each)",
        ));
    }
    let slice = if territory {
        Some(Slice::Territory(scope.area.clone(), scope.office.clone()))
    } else if years {
        Some(Slice::Years(
            scope.issued_from.map(|d| d.year()),
            scope.issued_to.map(|d| d.year()),
        ))
    } else {
        match scope.status.as_deref() {
            // cancelled libretti are a population of their own, outside every other report
            Some("CANCELLED") => {
                return Ok(Plan {
                    libretti: scope.clone(),
                    ..Plan::default()
                });
            }
            Some(status) => Some(Slice::Status(status.to_owned())),
            None => None,
        }
    };
    Ok(Plan {
        slice,
        ..Plan::default()
    })
}
