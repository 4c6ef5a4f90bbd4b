//! Which figures of a report are withheld from every role but `admin` (issue 19, DOMAIN.md
//! §6): a figure about fewer than `reporting.min_cell_size` citizens is withheld (primary
//! suppression), and more figures are withheld until none of those — nor any other withheld
//! figure — follows from what is published (complementary suppression).
//!
//! A report is a list with its total ([`Vector`]) or, when a filter slices the population, one
//! row of a two-way table whose margins are the unfiltered reports ([`Grid`]). Both also know
//! their *groups*: sums other reports publish over the same cells (areas and offices over the
//! (area, office) cells, year ranges over the years), protected like the cells. What is
//! published of a sum is decided by one rule: its value is shown only when it follows from the
//! protected cells anyway, so no report can undo another.

use super::system::{Cost, System};
use std::collections::HashMap;

/// A figure and the distinct citizens behind it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    pub value: i64,
    pub people: i64,
}

impl Measure {
    /// About someone, but fewer than `min` people.
    fn sensitive(self, min: i64) -> bool {
        (self.value != 0 || self.people != 0) && self.people < min
    }
}

/// Citizens behind a sum of figures: their sum when each citizen is behind one figure only
/// (`additive`), else the largest (a lower bound, which can only withhold more).
fn people(additive: bool, figures: impl Iterator<Item = i64>) -> i64 {
    if additive {
        figures.sum()
    } else {
        figures.max().unwrap_or(0)
    }
}

/// A list of figures, their total and the sums over them that are published elsewhere.
#[derive(Debug, Clone, Default)]
pub struct Vector {
    pub cells: Vec<Measure>,
    pub total: Measure,
    /// Member lists of the published sums (two members at least).
    pub groups: Vec<Vec<usize>>,
    /// Each citizen is behind one cell at most.
    pub additive: bool,
}

impl Vector {
    fn sum(&self, members: &[usize]) -> Measure {
        Measure {
            value: members.iter().map(|&i| self.cells[i].value).sum(),
            people: people(self.additive, members.iter().map(|&i| self.cells[i].people)),
        }
    }
}

/// What a [`Vector`] withholds: everything (`whole`), or these cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorPattern {
    pub whole: bool,
    pub hidden: Vec<bool>,
}

impl VectorPattern {
    /// A sum of cells follows from the published ones and the total when it holds none of
    /// the hidden cells or all of them (the total less the published ones).
    fn determined(&self, members: &[usize]) -> bool {
        let inside = members.iter().filter(|&&i| self.hidden[i]).count();
        let all = self.hidden.iter().filter(|h| **h).count();
        inside == 0 || inside == all
    }

    /// The published value of the sum of `members`, or `None` when it is withheld.
    pub fn sum(&self, vector: &Vector, members: &[usize], min: i64) -> Option<i64> {
        let sum = vector.sum(members);
        (!self.whole && !sum.sensitive(min) && self.determined(members)).then_some(sum.value)
    }
}

/// Protects a list: a total about fewer than `min` people withholds everything; otherwise the
/// small cells, then, while a withheld cell or a small published sum could be worked out, the
/// cheapest further cell (one of the same groups first, so their sums stay published).
pub fn protect_vector(vector: &Vector, min: i64) -> VectorPattern {
    let n = vector.cells.len();
    let mut pattern = VectorPattern {
        whole: vector.total.sensitive(min),
        hidden: vector.cells.iter().map(|c| c.sensitive(min)).collect(),
    };
    if pattern.whole {
        pattern.hidden = vec![true; n];
        return pattern;
    }
    let small_groups: Vec<&Vec<usize>> = vector
        .groups
        .iter()
        .filter(|g| vector.sum(g).sensitive(min))
        .collect();
    loop {
        let hidden: Vec<usize> = (0..n).filter(|&i| pattern.hidden[i]).collect();
        let exposed_cell = (hidden.len() == 1).then(|| hidden[0]);
        let exposed_group = small_groups.iter().find(|g| pattern.determined(g));
        let cost = |i: usize| -> Option<Cost> {
            let c = vector.cells[i];
            if pattern.hidden[i] || c.value == 0 {
                return None;
            }
            match (exposed_cell, exposed_group) {
                (Some(cell), _) => {
                    let apart = vector
                        .groups
                        .iter()
                        .filter(|g| g.contains(&cell) && !g.contains(&i))
                        .count();
                    Some((u32::try_from(apart).unwrap_or(u32::MAX), c.value))
                }
                (None, Some(group)) => (!group.contains(&i)).then_some((0, c.value)),
                (None, None) => None,
            }
        };
        if exposed_cell.is_none() && exposed_group.is_none() {
            return pattern;
        }
        match (0..n).filter_map(|i| cost(i).map(|c| (c, i))).min() {
            Some((_, i)) => pattern.hidden[i] = true,
            None => {
                pattern.whole = true;
                pattern.hidden = vec![true; n];
                return pattern;
            }
        }
    }
}

/// Rows or columns of a [`Grid`] a sum runs over.
#[derive(Debug, Clone, Copy)]
pub enum Span<'a> {
    All,
    Only(&'a [usize]),
}

/// A two-way table: the cells of a report broken down by the values of a filter (rows),
/// with the row totals (the population of each filter value) and the column totals (the
/// unfiltered report) as margins; `rows.total` and `cols.total` are the same figure.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub rows: Vector,
    pub cols: Vector,
    /// Non-zero cells, (row, column) → figure.
    pub cells: HashMap<(usize, usize), Measure>,
}

impl Grid {
    /// The figure of a sum and the people behind it (lower bounds where not additive).
    fn sum(&self, rows: Span<'_>, cols: Span<'_>) -> Measure {
        match (rows, cols) {
            (Span::All, Span::All) => self.rows.total,
            (Span::Only(r), Span::All) => self.rows.sum(r),
            (Span::All, Span::Only(c)) => self.cols.sum(c),
            (Span::Only(r), Span::Only(c)) => {
                let per_row: Vec<Measure> = r
                    .iter()
                    .map(|&row| {
                        let cells = || c.iter().filter_map(|&col| self.cells.get(&(row, col)));
                        Measure {
                            value: cells().map(|m| m.value).sum(),
                            people: people(self.cols.additive, cells().map(|m| m.people)),
                        }
                    })
                    .collect();
                Measure {
                    value: per_row.iter().map(|m| m.value).sum(),
                    people: people(self.rows.additive, per_row.iter().map(|m| m.people)),
                }
            }
        }
    }
}

/// A protected [`Grid`]: its equations with the withheld figures hidden.
#[derive(Debug, Clone)]
pub struct GridProtection {
    pub whole: bool,
    system: System,
    cell_edge: HashMap<(usize, usize), usize>,
    row_edge: Vec<usize>,
    col_edge: Vec<usize>,
}

impl GridProtection {
    /// The figures (edges) a sum adds up.
    fn edges(&self, grid: &Grid, rows: Span<'_>, cols: Span<'_>) -> Vec<(usize, i64)> {
        match (rows, cols) {
            (Span::All, Span::All) => Vec::new(),
            (Span::Only(r), Span::All) => r.iter().map(|&i| (self.row_edge[i], 1)).collect(),
            (Span::All, Span::Only(c)) => c.iter().map(|&j| (self.col_edge[j], 1)).collect(),
            (Span::Only(r), Span::Only(c)) => {
                let mut edges = Vec::new();
                for &i in r {
                    for &j in c {
                        if grid.cells.contains_key(&(i, j)) {
                            edges.push((self.cell_edge[&(i, j)], 1));
                        }
                    }
                }
                edges
            }
        }
    }

    /// The published value of a sum of the grid, or `None` when it is withheld.
    pub fn sum(&self, grid: &Grid, rows: Span<'_>, cols: Span<'_>, min: i64) -> Option<i64> {
        let sum = grid.sum(rows, cols);
        let edges = self.edges(grid, rows, cols);
        (!self.whole && !sum.sensitive(min) && self.system.determined(&edges)).then_some(sum.value)
    }

    pub fn is_hidden(&self, row: usize, col: usize) -> bool {
        self.whole
            || self
                .cell_edge
                .get(&(row, col))
                .is_some_and(|&e| self.system.is_hidden(e))
    }
}

/// Protects a grid. Its margins keep the patterns their own reports have ([`protect_vector`],
/// so every report shows the same margins); inside, a row whose total is withheld is withheld
/// whole, small cells are withheld, and while a withheld figure or a small sum (a group of
/// rows or columns) follows from the published ones, the cheapest published cells that put it
/// on a cycle of withheld figures are withheld too. A grid that cannot be protected that way
/// is withheld whole.
pub fn protect_grid(grid: &Grid, min: i64) -> GridProtection {
    let (n_rows, n_cols) = (grid.rows.cells.len(), grid.cols.cells.len());
    let rows = protect_vector(&grid.rows, min);
    let cols = protect_vector(&grid.cols, min);
    // nodes: rows, columns, "row totals add up", "column totals add up"
    let (row_sum, col_sum) = (n_rows + n_cols, n_rows + n_cols + 1);
    let mut system = System::new(n_rows + n_cols + 2);
    let row_edge: Vec<usize> = (0..n_rows).map(|i| system.add(row_sum, i)).collect();
    let col_edge: Vec<usize> = (0..n_cols)
        .map(|j| system.add(n_rows + j, col_sum))
        .collect();
    system.add(col_sum, row_sum);
    let mut keys: Vec<(usize, usize)> = grid.cells.keys().copied().collect();
    keys.sort_unstable();
    let cell_edge: HashMap<(usize, usize), usize> = keys
        .iter()
        .map(|&(i, j)| ((i, j), system.add(i, n_rows + j)))
        .collect();
    let mut protection = GridProtection {
        whole: rows.whole || cols.whole,
        system,
        cell_edge,
        row_edge,
        col_edge,
    };
    if protection.whole {
        return protection;
    }
    for (i, hidden) in rows.hidden.iter().enumerate() {
        if *hidden {
            protection.system.hide(protection.row_edge[i]);
        }
    }
    for (j, hidden) in cols.hidden.iter().enumerate() {
        if *hidden {
            protection.system.hide(protection.col_edge[j]);
        }
    }
    for &(i, j) in &keys {
        if rows.hidden[i] || grid.cells[&(i, j)].sensitive(min) {
            protection.system.hide(protection.cell_edge[&(i, j)]);
        }
    }
    let small_sums = small_sums(grid, &protection, min);
    let cost = |system: &System, edge: usize, value: i64| -> Option<Cost> {
        (!system.is_hidden(edge) && value != 0).then_some((0, value))
    };
    let cell_value: HashMap<usize, i64> = keys
        .iter()
        .map(|k| (protection.cell_edge[k], grid.cells[k].value))
        .collect();
    loop {
        let system = &protection.system;
        let exposed_edge =
            (0..system.edges()).find(|&e| system.is_hidden(e) && system.determined(&[(e, 1)]));
        let added = if let Some(edge) = exposed_edge {
            system.cheapest_cycle(edge, |e| {
                cell_value.get(&e).and_then(|&v| cost(system, e, v))
            })
        } else if let Some(sum) = small_sums.iter().find(|s| system.determined(s)) {
            widen(system, sum, &cell_value)
        } else {
            return protection;
        };
        match added {
            Some(edges) if !edges.is_empty() => {
                for e in edges {
                    protection.system.hide(e);
                }
            }
            _ => {
                protection.whole = true;
                return protection;
            }
        }
    }
}

/// The sums of several rows or columns about fewer than `min` people (as figure lists).
fn small_sums(grid: &Grid, protection: &GridProtection, min: i64) -> Vec<Vec<(usize, i64)>> {
    let singles = |n: usize| -> Vec<Vec<usize>> { (0..n).map(|i| vec![i]).collect() };
    let row_sets: Vec<Vec<usize>> = singles(grid.rows.cells.len())
        .into_iter()
        .chain(grid.rows.groups.iter().cloned())
        .collect();
    let col_sets: Vec<Vec<usize>> = singles(grid.cols.cells.len())
        .into_iter()
        .chain(grid.cols.groups.iter().cloned())
        .collect();
    let mut sums = Vec::new();
    let mut consider = |rows: Span<'_>, cols: Span<'_>| {
        if grid.sum(rows, cols).sensitive(min) {
            sums.push(protection.edges(grid, rows, cols));
        }
    };
    for r in &grid.rows.groups {
        consider(Span::Only(r), Span::All);
    }
    for c in &grid.cols.groups {
        consider(Span::All, Span::Only(c));
    }
    for r in &row_sets {
        for c in &col_sets {
            if r.len() > 1 || c.len() > 1 {
                consider(Span::Only(r), Span::Only(c));
            }
        }
    }
    sums.retain(|s| !s.is_empty());
    sums
}

/// The cheapest published cell whose withholding makes `sum` undetermined; failing that, the
/// cheapest one beside a hidden figure of it, to grow a cycle from (the loop comes back).
fn widen(
    system: &System,
    sum: &[(usize, i64)],
    cell_value: &HashMap<usize, i64>,
) -> Option<Vec<usize>> {
    let mut candidates: Vec<(i64, usize)> = cell_value
        .iter()
        .filter(|(e, v)| !system.is_hidden(**e) && **v != 0)
        .map(|(e, v)| (*v, *e))
        .collect();
    candidates.sort_unstable();
    for &(_, e) in &candidates {
        let mut trial = system.clone();
        trial.hide(e);
        if !trial.determined(sum) {
            return Some(vec![e]);
        }
    }
    let beside: Vec<usize> = sum
        .iter()
        .filter(|(e, _)| system.is_hidden(*e))
        .flat_map(|&(e, _)| {
            let (a, b) = system.ends(e);
            [a, b]
        })
        .collect();
    let touches = |e: usize| {
        let (a, b) = system.ends(e);
        beside.contains(&a) || beside.contains(&b)
    };
    candidates
        .iter()
        .find(|(_, e)| touches(*e))
        .or(candidates.first())
        .map(|&(_, e)| vec![e])
}
