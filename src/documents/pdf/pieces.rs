//! The document's blocks as items: the text wrapped to its column, sizes, weights, gaps, and
//! which item stays with which (`layout` only stacks them).

use std::rc::Rc;

use super::fonts::{Fonts, Weight};
use super::layout::{BODY_HEIGHT, BODY_WIDTH, Ink, Item, LEFT, Run, Shape, baseline, line_height};
use super::text::wrap;
use super::{Block, PdfDocument};

pub(super) const TITLE: f32 = 17.0;
const SUBTITLE: f32 = 11.0;
const HEADING: f32 = 12.5;
pub(super) const BODY: f32 = 10.0;
const CELL: f32 = 9.0;
const NOTE: f32 = 8.5;

/// The space above a block, above a heading, and above a block right under a heading.
const BLOCK_GAP: f32 = 8.0;
const HEADING_GAP: f32 = 14.0;
const AFTER_HEADING_GAP: f32 = 4.0;
/// Between two rows of fields.
const ROW_GAP: f32 = 3.0;
/// The label column of fields, as a fraction of the width, and the space after it.
const LABEL_FRACTION: f32 = 0.35;
const LABEL_GUTTER: f32 = 10.0;
/// Inside a table cell.
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.0;

/// The body of `doc`, title first, as items to stack.
pub(super) fn pieces(doc: &PdfDocument, fonts: Fonts) -> Vec<Item> {
    let mut out = Pieces {
        fonts,
        items: Vec::new(),
        gap: 0.0,
    };
    out.title(doc);
    for block in &doc.blocks {
        match block {
            Block::Heading(text) => {
                out.gap = out.gap.max(HEADING_GAP);
                out.lines(text, HEADING, Weight::Bold, Ink::Black, true);
                out.gap = AFTER_HEADING_GAP;
                continue;
            }
            Block::Paragraph(text) => out.lines(text, BODY, Weight::Regular, Ink::Black, false),
            Block::Note(text) => out.lines(text, NOTE, Weight::Regular, Ink::Grey, false),
            Block::Fields(rows) => out.fields(rows),
            Block::Table {
                headers,
                rows,
                widths,
            } => out.table(headers, rows, widths),
        }
        out.gap = BLOCK_GAP;
    }
    out.items
}

struct Pieces {
    fonts: Fonts,
    items: Vec<Item>,
    /// The gap above the next item pushed.
    gap: f32,
}

impl Pieces {
    fn push(&mut self, mut item: Item) {
        item.gap_before = std::mem::take(&mut self.gap);
        self.items.push(item);
    }

    fn title(&mut self, doc: &PdfDocument) {
        let subtitle = doc.subtitle.as_deref().filter(|s| !s.trim().is_empty());
        if doc.title.trim().is_empty() && subtitle.is_none() {
            return;
        }
        if !doc.title.trim().is_empty() {
            self.lines(&doc.title, TITLE, Weight::Bold, Ink::Black, true);
        }
        if let Some(subtitle) = subtitle {
            self.gap = 2.0;
            self.lines(subtitle, SUBTITLE, Weight::Regular, Ink::Grey, true);
        }
        let y = 8.0;
        self.push(Item {
            height: 2.0 * y,
            shapes: vec![Shape::Line {
                x1: LEFT,
                y1: y,
                x2: LEFT + BODY_WIDTH,
                y2: y,
            }],
            ..Item::default()
        });
        self.gap = 0.0;
    }

    /// Full-width text, one item a line; `keep` keeps every line with the next item.
    fn lines(&mut self, text: &str, size: f32, weight: Weight, ink: Ink, keep: bool) {
        let face = self.fonts.face(weight);
        for line in wrap(face, size, BODY_WIDTH, text) {
            self.push(Item {
                height: line_height(size),
                keep_with_next: keep,
                runs: vec![run(LEFT, 0.0, size, weight, ink, line)],
                ..Item::default()
            });
        }
    }

    /// Label / value rows, one item per line of a row.
    fn fields(&mut self, rows: &[(String, String)]) {
        let label_width = BODY_WIDTH * LABEL_FRACTION - LABEL_GUTTER;
        let value_x = LEFT + BODY_WIDTH * LABEL_FRACTION;
        let value_width = BODY_WIDTH * (1.0 - LABEL_FRACTION);
        let (bold, regular) = (
            self.fonts.face(Weight::Bold),
            self.fonts.face(Weight::Regular),
        );
        for (number, (label, value)) in rows.iter().enumerate() {
            if number > 0 {
                self.gap = ROW_GAP;
            }
            let labels = wrap(bold, BODY, label_width, label);
            let values = wrap(regular, BODY, value_width, value);
            for at in 0..labels.len().max(values.len()) {
                let mut runs = Vec::new();
                if let Some(label) = labels.get(at).filter(|l| !l.is_empty()) {
                    runs.push(run(
                        LEFT,
                        0.0,
                        BODY,
                        Weight::Bold,
                        Ink::Black,
                        label.clone(),
                    ));
                }
                if let Some(value) = values.get(at).filter(|v| !v.is_empty()) {
                    let value = value.clone();
                    runs.push(run(value_x, 0.0, BODY, Weight::Regular, Ink::Black, value));
                }
                self.push(Item {
                    height: line_height(BODY),
                    runs,
                    ..Item::default()
                });
            }
        }
    }

    fn table(&mut self, headers: &[String], rows: &[Vec<String>], widths: &[f32]) {
        let count = rows.iter().map(Vec::len).fold(headers.len(), usize::max);
        if count == 0 {
            return;
        }
        let columns = columns(widths, count);
        let mut header = None;
        let mut limit = BODY_HEIGHT;
        if headers.iter().any(|h| !h.trim().is_empty()) {
            let cells = self.cells(&columns, headers, Weight::Bold);
            let mut slices = row_items(&columns, &cells, Weight::Bold, true, BODY_HEIGHT);
            if let [only] = slices.as_slice()
                && only.height <= BODY_HEIGHT / 3.0
            {
                limit -= only.height;
                header = Some(Rc::new(only.clone()));
            }
            if let Some(last) = slices.last_mut() {
                last.keep_with_next = !rows.is_empty();
            }
            slices.into_iter().for_each(|item| self.push(item));
        }
        for row in rows {
            let cells = self.cells(&columns, row, Weight::Regular);
            for mut item in row_items(&columns, &cells, Weight::Regular, false, limit) {
                item.header.clone_from(&header);
                self.push(item);
            }
        }
    }

    /// Each column's cell of `row` (empty past its end), wrapped to the column.
    fn cells(&self, columns: &[(f32, f32)], row: &[String], weight: Weight) -> Vec<Vec<String>> {
        let face = self.fonts.face(weight);
        let cell = |at: usize| row.get(at).map_or("", String::as_str);
        columns
            .iter()
            .enumerate()
            .map(|(at, &(_, width))| {
                wrap(face, CELL, (width - 2.0 * CELL_PAD_X).max(1.0), cell(at))
            })
            .collect()
    }
}

fn run(x: f32, top: f32, size: f32, weight: Weight, ink: Ink, text: String) -> Run {
    Run {
        x,
        baseline: top + baseline(size),
        size,
        weight,
        ink,
        text,
    }
}

/// The columns' left edges and widths: `widths` normalised when there is one positive,
/// finite width per column, equal columns otherwise.
fn columns(widths: &[f32], count: usize) -> Vec<(f32, f32)> {
    let total: f32 = widths.iter().sum();
    let usable = widths.len() == count
        && widths.iter().all(|w| w.is_finite() && *w > 0.0)
        && total.is_finite();
    let fraction = |at: usize| {
        if usable {
            widths[at] / total
        } else {
            1.0 / count as f32
        }
    };
    let mut x = LEFT;
    (0..count)
        .map(|at| {
            let width = BODY_WIDTH * fraction(at);
            x += width;
            (x - width, width)
        })
        .collect()
}

/// A table row as items: one, or slices of at most `limit` points when it is taller.
fn row_items(
    columns: &[(f32, f32)],
    cells: &[Vec<String>],
    weight: Weight,
    shaded: bool,
    limit: f32,
) -> Vec<Item> {
    let line = line_height(CELL);
    let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let per_slice = (((limit - 2.0 * CELL_PAD_Y) / line).floor() as usize).max(1);
    let right = LEFT + BODY_WIDTH;
    let mut items = Vec::new();
    for first in (0..lines).step_by(per_slice) {
        let end = (first + per_slice).min(lines);
        let height = (end - first) as f32 * line + 2.0 * CELL_PAD_Y;
        let mut item = Item {
            height,
            ..Item::default()
        };
        if shaded {
            item.shapes.push(Shape::Fill {
                x: LEFT,
                y: 0.0,
                width: BODY_WIDTH,
                height,
            });
        }
        for y in [0.0, height] {
            item.shapes.push(Shape::Line {
                x1: LEFT,
                y1: y,
                x2: right,
                y2: y,
            });
        }
        let edges = columns.iter().map(|&(x, _)| x).chain([right]);
        item.shapes.extend(edges.map(|x| Shape::Line {
            x1: x,
            y1: 0.0,
            x2: x,
            y2: height,
        }));
        for at in first..end {
            let top = CELL_PAD_Y + (at - first) as f32 * line;
            for (column, &(x, _)) in cells.iter().zip(columns) {
                if let Some(text) = column.get(at).filter(|t| !t.is_empty()) {
                    let text = text.clone();
                    item.runs
                        .push(run(x + CELL_PAD_X, top, CELL, weight, Ink::Black, text));
                }
            }
        }
        items.push(item);
    }
    items
}
