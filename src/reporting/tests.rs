//! The suppression rules against an independent judge: the table's equations written out and
//! solved by exact integer elimination (not the graph reasoning of `system`). Whatever is
//! published — cells, margins, and every sum a report shows — goes in as known; no withheld
//! figure, and no small sum, may then be determined.

use super::suppression::{Grid, Measure, Span, Vector, protect_grid, protect_vector};
use proptest::prelude::*;
use std::collections::HashMap;

mod equations;
use equations::Equations;

fn measures(values: &[i64]) -> Vec<Measure> {
    values
        .iter()
        .map(|&v| Measure {
            value: v,
            people: v,
        })
        .collect()
}

fn vector(values: &[i64], groups: Vec<Vec<usize>>) -> Vector {
    let cells = measures(values);
    let total: i64 = values.iter().sum();
    Vector {
        cells,
        total: Measure {
            value: total,
            people: total,
        },
        groups,
        additive: true,
    }
}

/// Checks a protected list against the judge; returns the hidden cells.
fn judge_vector(v: &Vector, min: i64) -> Vec<bool> {
    let pattern = protect_vector(v, min);
    let mut eq = Equations::default();
    let cells: Vec<usize> = v.cells.iter().map(|_| eq.figure()).collect();
    let total = eq.figure();
    let mut sum: Vec<(usize, i128)> = cells.iter().map(|&c| (c, 1)).collect();
    sum.push((total, -1));
    eq.rows.push(sum);
    let mut known = vec![false; eq.figures];
    for (i, &c) in cells.iter().enumerate() {
        known[c] = !pattern.hidden[i];
        if v.cells[i].people < min && v.cells[i].value > 0 {
            assert!(pattern.hidden[i], "small cell {i} published: {v:?}");
        }
    }
    known[total] = !pattern.whole;
    // every published sum is one more equation with a known figure
    for g in &v.groups {
        if pattern.sum(v, g, min).is_some() {
            let s = eq.figure();
            known.push(true);
            let mut row: Vec<(usize, i128)> = g.iter().map(|&i| (cells[i], 1)).collect();
            row.push((s, -1));
            eq.rows.push(row);
        }
    }
    if pattern.whole {
        return pattern.hidden;
    }
    for (i, &c) in cells.iter().enumerate() {
        if pattern.hidden[i] {
            assert!(
                !eq.determined(&known, &[(c, 1)]),
                "cell {i} recoverable: {v:?} {pattern:?}"
            );
        }
    }
    for g in &v.groups {
        let sum = g.iter().map(|&i| v.cells[i].people).sum::<i64>();
        if sum > 0 && sum < min {
            let f: Vec<(usize, i128)> = g.iter().map(|&i| (cells[i], 1)).collect();
            assert!(!eq.determined(&known, &f), "small group {g:?} recoverable");
            assert_eq!(pattern.sum(v, g, min), None);
        }
    }
    pattern.hidden
}

#[test]
fn a_lone_small_cell_takes_the_next_smallest_with_it() {
    // issue 19: CONSOLIDATED 9, IN_UPDATE 2, TOTAL 11 gave IN_UPDATE away
    let v = vector(&[9, 2], Vec::new());
    assert_eq!(judge_vector(&v, 5), [true, true]);
    let v = vector(&[120, 2, 40, 30], Vec::new());
    assert_eq!(judge_vector(&v, 5), [false, true, false, true]);
    assert!(!protect_vector(&v, 5).whole, "the total stays published");
}

#[test]
fn a_population_under_the_threshold_reveals_nothing() {
    let v = vector(&[2, 1], Vec::new());
    let pattern = protect_vector(&v, 5);
    assert!(pattern.whole);
    assert_eq!(pattern.sum(&v, &[0, 1], 5), None);
}

#[test]
fn an_office_is_protected_within_its_area() {
    // (area, office) cells: Siena's CPI-SI and a one-holder office, Massa's CPI-MA, Arezzo's
    // CPI-AR; byArea sums by area, byOffice by office (one cell each here)
    let v = vector(&[3_936, 1, 2_196, 10_930], vec![vec![0, 1]]);
    let hidden = judge_vector(&v, 5);
    assert_eq!(
        hidden,
        [true, true, false, false],
        "the partner is in Siena"
    );
    let pattern = protect_vector(&v, 5);
    assert_eq!(
        pattern.sum(&v, &[0, 1], 5),
        Some(3_937),
        "Siena stays published"
    );
    // an area whose only cells are small takes a cell of another area with it
    let v = vector(&[3, 1, 2_196, 10_930], vec![vec![0, 1]]);
    let hidden = judge_vector(&v, 5);
    assert_eq!(hidden, [true, true, true, false]);
    assert_eq!(protect_vector(&v, 5).sum(&v, &[0, 1], 5), None);
}

/// A grid with additive people (one citizen, one cell), rows grouped as given.
fn grid(cells: &[&[i64]], row_groups: Vec<Vec<usize>>) -> Grid {
    let n_cols = cells[0].len();
    let row_totals: Vec<i64> = cells.iter().map(|r| r.iter().sum()).collect();
    let col_totals: Vec<i64> = (0..n_cols)
        .map(|j| cells.iter().map(|r| r[j]).sum())
        .collect();
    let mut g = Grid {
        rows: vector(&row_totals, row_groups),
        cols: vector(&col_totals, Vec::new()),
        cells: HashMap::new(),
    };
    for (i, row) in cells.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if v != 0 {
                g.cells.insert(
                    (i, j),
                    Measure {
                        value: v,
                        people: v,
                    },
                );
            }
        }
    }
    g
}

/// Checks a protected grid against the judge; returns which cells are hidden.
fn judge_grid(g: &Grid, min: i64) -> HashMap<(usize, usize), bool> {
    let p = protect_grid(g, min);
    let (n_rows, n_cols) = (g.rows.cells.len(), g.cols.cells.len());
    let mut eq = Equations::default();
    let mut known = Vec::new();
    let mut fig = |eq: &mut Equations, is_known: bool| {
        known.push(is_known);
        eq.figure()
    };
    let total = fig(&mut eq, true);
    let rows: Vec<usize> = (0..n_rows)
        .map(|i| {
            fig(
                &mut eq,
                p.sum(g, Span::Only(&[i]), Span::All, min).is_some(),
            )
        })
        .collect();
    let cols: Vec<usize> = (0..n_cols)
        .map(|j| {
            fig(
                &mut eq,
                p.sum(g, Span::All, Span::Only(&[j]), min).is_some(),
            )
        })
        .collect();
    let mut keys: Vec<(usize, usize)> = g.cells.keys().copied().collect();
    keys.sort_unstable();
    let cell: HashMap<(usize, usize), usize> = keys
        .iter()
        .map(|&k| (k, fig(&mut eq, !p.is_hidden(k.0, k.1))))
        .collect();
    for (i, &margin) in rows.iter().enumerate() {
        let mut row: Vec<(usize, i128)> = (0..n_cols)
            .filter_map(|j| cell.get(&(i, j)).map(|&c| (c, 1)))
            .collect();
        row.push((margin, -1));
        eq.rows.push(row);
    }
    for (j, &margin) in cols.iter().enumerate() {
        let mut col: Vec<(usize, i128)> = (0..n_rows)
            .filter_map(|i| cell.get(&(i, j)).map(|&c| (c, 1)))
            .collect();
        col.push((margin, -1));
        eq.rows.push(col);
    }
    let mut margins: Vec<(usize, i128)> = rows.iter().map(|&r| (r, 1)).collect();
    margins.push((total, -1));
    eq.rows.push(margins);
    let mut margins: Vec<(usize, i128)> = cols.iter().map(|&c| (c, 1)).collect();
    margins.push((total, -1));
    eq.rows.push(margins);
    // what a sliced report shows: each group of rows, its total and its cells
    let mut shown = Vec::new();
    for group in &g.rows.groups {
        if p.sum(g, Span::Only(group), Span::All, min).is_some() {
            shown.push(group.iter().map(|&i| (rows[i], 1)).collect::<Vec<_>>());
        }
        for j in 0..n_cols {
            if p.sum(g, Span::Only(group), Span::Only(&[j]), min).is_some() {
                shown.push(
                    group
                        .iter()
                        .filter_map(|&i| cell.get(&(i, j)).map(|&c| (c, 1)))
                        .collect(),
                );
            }
        }
    }
    for mut terms in shown {
        let s = fig(&mut eq, true);
        terms.push((s, -1));
        eq.rows.push(terms);
    }
    let hidden: HashMap<(usize, usize), bool> =
        keys.iter().map(|&k| (k, p.is_hidden(k.0, k.1))).collect();
    for (&k, &m) in &g.cells {
        if m.people < min {
            assert!(hidden[&k], "small cell {k:?} published");
        }
    }
    if p.whole {
        return hidden;
    }
    for &k in &keys {
        if hidden[&k] {
            assert!(
                !eq.determined(&known, &[(cell[&k], 1)]),
                "cell {k:?} recoverable: {g:?}"
            );
        }
    }
    for (i, &r) in rows.iter().enumerate() {
        if !known[r] {
            assert!(
                !eq.determined(&known, &[(r, 1)]),
                "row total {i} recoverable"
            );
        }
    }
    hidden
}

#[test]
fn office_by_gender_cannot_be_undone_through_the_gender_totals() {
    // rows: offices (the second has one man), columns: M, F; the unfiltered byGender report
    // publishes the column totals, byOffice the row totals
    let g = grid(&[&[40, 35], &[1, 10], &[60, 52], &[20, 30]], Vec::new());
    let hidden = judge_grid(&g, 5);
    assert!(hidden[&(1, 0)], "the one man");
    assert!(
        hidden[&(1, 1)],
        "his office's women, or he is its total less them"
    );
    let men_hidden = (0..4).filter(|&i| hidden[&(i, 0)]).count();
    assert!(
        men_hidden >= 2,
        "else the men's total gives him away: {hidden:?}"
    );
}

#[test]
fn an_area_sliced_report_adds_nothing_to_its_offices() {
    // rows: (Siena, CPI-SI), (Siena, small office), (Pisa, CPI-PI); rows 0 and 1 form Siena
    let g = grid(
        &[&[2_000, 1_936], &[1, 0], &[4_000, 3_937]],
        vec![vec![0, 1]],
    );
    let hidden = judge_grid(&g, 5);
    assert!(hidden[&(1, 0)]);
    let p = protect_grid(&g, 5);
    assert_eq!(
        p.sum(&g, Span::Only(&[0, 1]), Span::All, 5),
        Some(3_937),
        "Siena's total, as byArea shows it"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_withheld_cell_of_a_list_can_be_recovered(
        values in prop::collection::vec(0i64..25, 1..9),
        cut in prop::collection::vec(any::<bool>(), 9),
        min in 2i64..7,
    ) {
        // consecutive cells form groups where `cut` says a group ends (areas over offices)
        let mut groups = Vec::new();
        let mut current = Vec::new();
        for (i, ends) in cut.iter().enumerate().take(values.len()) {
            current.push(i);
            if *ends || i + 1 == values.len() {
                if current.len() > 1 {
                    groups.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
        judge_vector(&vector(&values, groups), min);
    }

    #[test]
    fn no_withheld_cell_of_a_sliced_table_can_be_recovered(
        rows in 2usize..5,
        cols in 2usize..5,
        values in prop::collection::vec(prop_oneof![Just(0i64), 1i64..6, 6i64..60], 25),
        grouped in any::<bool>(),
        min in 3i64..6,
    ) {
        let cells: Vec<Vec<i64>> = (0..rows)
            .map(|i| (0..cols).map(|j| values[i * 5 + j]).collect())
            .collect();
        prop_assume!(cells.iter().all(|r| r.iter().any(|&v| v != 0)));
        prop_assume!((0..cols).all(|j| cells.iter().any(|r| r[j] != 0)));
        let slices: Vec<&[i64]> = cells.iter().map(Vec::as_slice).collect();
        let groups = if grouped { vec![vec![0, 1]] } else { Vec::new() };
        judge_grid(&grid(&slices, groups), min);
    }
}
