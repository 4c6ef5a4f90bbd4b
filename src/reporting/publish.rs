//! A report as a role may see it: the fine table counted by the store, protected
//! (`suppression`), and the figures the request asks for read from it — each one published
//! only where it cannot add to what the protected table already gives away.

use super::catalogue::{Axis, Family, Report, Union, ivc_minutes_and_cost};
use super::plan::{Plan, Slice};
use super::suppression::{Grid, Measure, Span, Vector, protect_grid, protect_vector};
use crate::store::reporting::{FineTable, Key, Measured, fine_table};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One published key: its figure, or `None` where withheld.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedCell {
    pub key: Option<String>,
    pub count: Option<i64>,
    /// The second figure where the report has one (IVC cost in cent-minutes).
    pub also: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    pub cells: Vec<PublishedCell>,
    pub total: Option<i64>,
    pub total_also: Option<i64>,
    /// Nothing is shown, not even which keys exist: the population asked for is smaller than
    /// the threshold, or its figures could not be protected.
    pub withheld: bool,
}

impl Published {
    fn withheld() -> Self {
        Published {
            withheld: true,
            ..Published::default()
        }
    }
}

/// `report` over the population of `plan`, every figure about fewer than `min` citizens
/// withheld, directly or by subtraction (`min` 0: all of it).
pub async fn publish(
    db: &impl ConnectionTrait,
    report: Report,
    plan: &Plan,
    min: i64,
) -> Result<Published, DbErr> {
    let measured = report.measured(db, &plan.libretti, &plan.ivc);
    let (family, axis) = (report.family(), report.axis());
    run(db, &measured, family, axis, plan.slice.as_ref(), min).await
}

/// IVC session minutes with their cost beside them (one column), as `publish`.
pub async fn publish_ivc_minutes(
    db: &impl ConnectionTrait,
    plan: &Plan,
    min: i64,
) -> Result<Published, DbErr> {
    let measured = ivc_minutes_and_cost(db, &plan.ivc);
    run(
        db,
        &measured,
        Family::Ivc,
        Axis::Codes,
        plan.slice.as_ref(),
        min,
    )
    .await
}

async fn run(
    db: &impl ConnectionTrait,
    measured: &Measured,
    family: Family,
    axis: Axis,
    slice: Option<&Slice>,
    min: i64,
) -> Result<Published, DbErr> {
    let backend = db.get_database_backend();
    let rows = slice.map(|s| s.rows(family, backend)).unwrap_or_default();
    let table = fine_table(db, measured, &rows).await?;
    let indexed = Indexed::of(&table);
    Ok(match slice {
        None => indexed.one_way(&table, axis, min),
        Some(slice) => indexed.two_way(&table, axis, slice, min),
    })
}

/// A fine table with its keys numbered.
struct Indexed {
    rows: Vec<Key>,
    cols: Vec<Key>,
    cells: HashMap<(usize, usize), (Measure, i64)>,
}

impl Indexed {
    fn of(table: &FineTable) -> Self {
        let rows: Vec<Key> = table
            .cells
            .iter()
            .map(|c| c.row.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let cols: Vec<Key> = table
            .cells
            .iter()
            .map(|c| c.col.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let row_of: HashMap<&Key, usize> = rows.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let col_of: HashMap<&Key, usize> = cols.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let cells = table
            .cells
            .iter()
            .map(|c| {
                let m = Measure {
                    value: c.value,
                    people: c.people,
                };
                ((row_of[&c.row], col_of[&c.col]), (m, c.also))
            })
            .collect();
        Indexed { rows, cols, cells }
    }

    /// The columns (or rows) as a list: sums of the cells, the citizens the store counted.
    fn vector(&self, of_rows: bool, table: &FineTable, groups: Vec<Vec<usize>>) -> Vector {
        let (keys, people, additive) = if of_rows {
            (&self.rows, &table.row_people, table.rows_additive)
        } else {
            (&self.cols, &table.col_people, table.cols_additive)
        };
        let mut values = vec![0i64; keys.len()];
        for (&(i, j), (m, _)) in &self.cells {
            values[if of_rows { i } else { j }] += m.value;
        }
        let cells: Vec<Measure> = keys
            .iter()
            .zip(values)
            .map(|(k, value)| Measure {
                value,
                people: people.get(k).copied().unwrap_or(0),
            })
            .collect();
        Vector {
            total: Measure {
                value: cells.iter().map(|c| c.value).sum(),
                people: table.total_people,
            },
            cells,
            groups,
            additive,
        }
    }

    fn also(&self, rows: Option<&[usize]>, cols: &[usize]) -> i64 {
        self.cells
            .iter()
            .filter(|((i, j), _)| rows.is_none_or(|r| r.contains(i)) && cols.contains(j))
            .map(|(_, (_, also))| also)
            .sum()
    }

    fn one_way(&self, table: &FineTable, axis: Axis, min: i64) -> Published {
        let vector = self.vector(false, table, groups(axis, &self.cols));
        let pattern = protect_vector(&vector, min);
        if pattern.whole {
            return Published::withheld();
        }
        let all: Vec<usize> = (0..self.cols.len()).collect();
        let cells = outputs(axis, &self.cols)
            .into_iter()
            .map(|(key, members)| {
                let count = pattern.sum(&vector, &members, min);
                PublishedCell {
                    key,
                    count,
                    also: count.map(|_| self.also(None, &members)),
                }
            })
            .collect();
        Published {
            cells: largest_first(cells),
            total: Some(vector.total.value),
            total_also: Some(self.also(None, &all)),
            withheld: false,
        }
    }

    fn two_way(&self, table: &FineTable, axis: Axis, slice: &Slice, min: i64) -> Published {
        let grid = Grid {
            rows: self.vector(true, table, groups(slice.axis(), &self.rows)),
            cols: self.vector(false, table, groups(axis, &self.cols)),
            cells: self.cells.iter().map(|(k, (m, _))| (*k, *m)).collect(),
        };
        let protection = protect_grid(&grid, min);
        let rows = slice.members(&self.rows);
        if rows.is_empty() {
            return Published {
                total: Some(0),
                total_also: Some(0),
                ..Published::default()
            };
        }
        let Some(total) = protection.sum(&grid, Span::Only(&rows), Span::All, min) else {
            return Published::withheld();
        };
        let all: Vec<usize> = (0..self.cols.len()).collect();
        let cells = outputs(axis, &self.cols)
            .into_iter()
            .filter(|(_, cols)| {
                cols.iter()
                    .any(|j| rows.iter().any(|i| grid.cells.contains_key(&(*i, *j))))
            })
            .map(|(key, cols)| {
                let count = protection.sum(&grid, Span::Only(&rows), Span::Only(&cols), min);
                PublishedCell {
                    key,
                    count,
                    also: count.map(|_| self.also(Some(&rows), &cols)),
                }
            })
            .collect();
        Published {
            cells: largest_first(cells),
            total: Some(total),
            total_also: Some(self.also(Some(&rows), &all)),
            withheld: false,
        }
    }
}

/// The sums other requests may publish over these keys: areas and offices over (area,
/// office) keys, runs of consecutive years; two members at least, each set once.
fn groups(axis: Axis, keys: &[Key]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    match axis {
        Axis::Codes => {}
        Axis::Unions(unions) => {
            out.extend(
                unions
                    .iter()
                    .map(|union| members(union, keys))
                    .filter(|m| m.len() > 1),
            );
        }
        Axis::Territory(_) => {
            for part in 0..2 {
                let mut by = BTreeMap::<Option<String>, Vec<usize>>::new();
                for (i, k) in keys.iter().enumerate() {
                    by.entry(k.get(part).cloned().flatten())
                        .or_default()
                        .push(i);
                }
                out.extend(by.into_values().filter(|m| m.len() > 1));
            }
        }
        // keys are sorted, and four-digit years sort as numbers
        Axis::Years => {
            for start in 0..keys.len() {
                for end in start + 2..=keys.len() {
                    out.push((start..end).collect());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The keys a report shows and the fine keys each adds up.
fn outputs(axis: Axis, keys: &[Key]) -> Vec<(Option<String>, Vec<usize>)> {
    let part = match axis {
        Axis::Territory(part) => part,
        Axis::Codes | Axis::Years | Axis::Unions(_) => 0,
    };
    let mut by = BTreeMap::<Option<String>, Vec<usize>>::new();
    for (i, k) in keys.iter().enumerate() {
        by.entry(k.get(part).cloned().flatten())
            .or_default()
            .push(i);
    }
    if let Axis::Unions(unions) = axis {
        for union in unions {
            let members = members(union, keys);
            if !members.is_empty() {
                by.insert(Some(union.0.to_owned()), members);
            }
        }
    }
    by.into_iter().collect()
}

/// The keys (indexes) a union adds up.
fn members(union: &Union, keys: &[Key]) -> Vec<usize> {
    (0..keys.len())
        .filter(|&i| {
            keys[i]
                .first()
                .cloned()
                .flatten()
                .is_some_and(|k| union.1.contains(&k.as_str()))
        })
        .collect()
}

/// Largest published figure first, then by key; the withheld ones after them, by key, so
/// that their place in the list says nothing of their size.
fn largest_first(mut cells: Vec<PublishedCell>) -> Vec<PublishedCell> {
    cells.sort_by(|a, b| match (a.count, b.count) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.key.cmp(&b.key)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.key.cmp(&b.key),
    });
    cells
}
