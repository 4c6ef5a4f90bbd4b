//! The judge's algebra: a linear system of published figures over the integers, and whether
//! it determines a given cell (exact fraction-free elimination).

use std::collections::HashMap;

/// Rank of an integer matrix, by fraction-free elimination with each row kept reduced.
fn rank(mut rows: Vec<Vec<i128>>) -> usize {
    let width = rows.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..width {
        let Some(pivot) = (rank..rows.len()).find(|&r| rows[r][col] != 0) else {
            continue;
        };
        rows.swap(rank, pivot);
        for r in 0..rows.len() {
            if r == rank || rows[r][col] == 0 {
                continue;
            }
            let (a, b) = (rows[rank][col], rows[r][col]);
            let pivot_row = rows[rank].clone();
            for (x, p) in rows[r].iter_mut().zip(&pivot_row) {
                *x = *x * a - p * b;
            }
            let g = rows[r].iter().fold(0i128, |g, &x| gcd(g, x.abs()));
            if g > 1 {
                rows[r].iter_mut().for_each(|x| *x /= g);
            }
        }
        rank += 1;
    }
    rank
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Linear equations over named figures: `Σ coefficient × figure = 0`.
#[derive(Default)]
pub(super) struct Equations {
    pub(super) rows: Vec<Vec<(usize, i128)>>,
    pub(super) figures: usize,
}

impl Equations {
    pub(super) fn figure(&mut self) -> usize {
        self.figures += 1;
        self.figures - 1
    }

    /// Whether `f` (over figures) follows from the equations once `known` figures are known.
    pub(super) fn determined(&self, known: &[bool], f: &[(usize, i128)]) -> bool {
        let unknown: Vec<usize> = (0..self.figures).filter(|&i| !known[i]).collect();
        let column: HashMap<usize, usize> =
            unknown.iter().enumerate().map(|(c, &i)| (i, c)).collect();
        let dense = |terms: &[(usize, i128)]| {
            let mut row = vec![0i128; unknown.len()];
            for &(i, c) in terms {
                if let Some(&col) = column.get(&i) {
                    row[col] += c;
                }
            }
            row
        };
        let matrix: Vec<Vec<i128>> = self.rows.iter().map(|r| dense(r)).collect();
        let target = dense(f);
        if target.iter().all(|&x| x == 0) {
            return true;
        }
        let mut with = matrix.clone();
        with.push(target);
        rank(matrix) == rank(with)
    }
}
