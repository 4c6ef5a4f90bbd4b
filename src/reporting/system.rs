//! What a reader can work out from a published table: its equations seen as a graph.
//!
//! Every figure of a two-way table with margins (or of a list with its total) appears in
//! exactly two of the table's equations, with opposite signs once the column equations are
//! negated: a cell in its row's and its column's, a row's total in its row's and in "the row
//! totals add up to the grand total", and so on. So the figures a reader does not know — the
//! suppressed ones — are the edges of a directed graph whose nodes are the equations, and a
//! combination `f` of them follows from the published figures exactly when `f` is a
//! difference of node potentials, `f(e) = p(head) - p(tail)` on every unknown edge (`f` lies
//! in the incidence matrix's row space). Otherwise some cycle of unknown figures can move by
//! ±t without changing anything published. This is an exact, integer test of "a suppressed
//! cell cannot be recovered by subtraction", however many steps the subtraction takes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What withholding one more figure costs: fewer broken preferences first, then a smaller
/// value (the classic choice of the next-smallest cell).
pub type Cost = (u32, i64);

#[derive(Debug, Clone)]
struct Edge {
    head: usize,
    tail: usize,
    hidden: bool,
}

/// The equations of a table (nodes) and its figures (edges), some of them hidden.
#[derive(Debug, Clone, Default)]
pub struct System {
    nodes: usize,
    edges: Vec<Edge>,
}

impl System {
    pub fn new(nodes: usize) -> Self {
        System {
            nodes,
            edges: Vec::new(),
        }
    }

    /// A figure counted `+1` in equation `head` and `-1` in equation `tail`.
    pub fn add(&mut self, head: usize, tail: usize) -> usize {
        self.edges.push(Edge {
            head,
            tail,
            hidden: false,
        });
        self.edges.len() - 1
    }

    pub fn hide(&mut self, edge: usize) {
        self.edges[edge].hidden = true;
    }

    pub fn is_hidden(&self, edge: usize) -> bool {
        self.edges[edge].hidden
    }

    /// The equations a figure appears in.
    pub fn ends(&self, edge: usize) -> (usize, usize) {
        (self.edges[edge].head, self.edges[edge].tail)
    }

    pub fn edges(&self) -> usize {
        self.edges.len()
    }

    /// Per node, the hidden edges at it and their other end.
    fn hidden_adjacency(&self) -> Vec<Vec<(usize, usize)>> {
        let mut adjacency = vec![Vec::new(); self.nodes];
        for (i, e) in self.edges.iter().enumerate().filter(|(_, e)| e.hidden) {
            adjacency[e.head].push((i, e.tail));
            adjacency[e.tail].push((i, e.head));
        }
        adjacency
    }

    /// Whether `Σ coefficient × figure` over `f` follows from the published figures (the
    /// hidden ones of `f` matter; the others are known).
    pub fn determined(&self, f: &[(usize, i64)]) -> bool {
        let mut coefficient = vec![0i64; self.edges.len()];
        for &(edge, c) in f {
            coefficient[edge] += c;
        }
        let adjacency = self.hidden_adjacency();
        let mut potential: Vec<Option<i64>> = vec![None; self.nodes];
        for start in 0..self.nodes {
            if potential[start].is_some() || adjacency[start].is_empty() {
                continue;
            }
            potential[start] = Some(0);
            let mut stack = vec![start];
            while let Some(node) = stack.pop() {
                let here = potential[node].unwrap_or_default();
                for &(edge, other) in &adjacency[node] {
                    // f(e) = p(head) - p(tail)
                    let there = if self.edges[edge].head == node {
                        here - coefficient[edge]
                    } else {
                        here + coefficient[edge]
                    };
                    match potential[other] {
                        None => {
                            potential[other] = Some(there);
                            stack.push(other);
                        }
                        Some(p) if p != there => return false,
                        Some(_) => {}
                    }
                }
            }
        }
        true
    }

    /// The cheapest published figures to withhold so that `edge` lies on a cycle of hidden
    /// ones (then it cannot be recovered): a shortest path between its ends that avoids it,
    /// over hidden edges (free) and the figures `cost` allows. `None` when there is none.
    pub fn cheapest_cycle(
        &self,
        edge: usize,
        cost: impl Fn(usize) -> Option<Cost>,
    ) -> Option<Vec<usize>> {
        let mut adjacency: Vec<Vec<(usize, usize, Cost)>> = vec![Vec::new(); self.nodes];
        for (i, e) in self.edges.iter().enumerate() {
            if i == edge {
                continue;
            }
            let c = if e.hidden { Some((0, 0)) } else { cost(i) };
            if let Some(c) = c {
                adjacency[e.head].push((i, e.tail, c));
                adjacency[e.tail].push((i, e.head, c));
            }
        }
        let (from, to) = (self.edges[edge].head, self.edges[edge].tail);
        let mut best: Vec<Option<Cost>> = vec![None; self.nodes];
        let mut via: Vec<Option<(usize, usize)>> = vec![None; self.nodes];
        let mut queue = BinaryHeap::new();
        best[from] = Some((0, 0));
        queue.push(Reverse(((0u32, 0i64), from)));
        while let Some(Reverse((c, node))) = queue.pop() {
            if best[node].is_some_and(|b| b < c) {
                continue;
            }
            if node == to {
                break;
            }
            for &(e, other, step) in &adjacency[node] {
                let next = (c.0.saturating_add(step.0), c.1.saturating_add(step.1));
                if best[other].is_none_or(|b| next < b) {
                    best[other] = Some(next);
                    via[other] = Some((e, node));
                    queue.push(Reverse((next, other)));
                }
            }
        }
        best[to]?;
        let mut added = Vec::new();
        let mut node = to;
        while let Some((e, previous)) = via[node] {
            if !self.edges[e].hidden {
                added.push(e);
            }
            node = previous;
            if node == from {
                break;
            }
        }
        Some(added)
    }
}
