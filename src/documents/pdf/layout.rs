//! The page and the cutting into pages. The body is a list of [`Item`]s, each a strip of the
//! page's width that never splits (a line of a paragraph, a line of a field, a table row);
//! [`paginate`] stacks them from the top margin down and starts a new page when the next one,
//! with everything it must stay with, does not fit.
//!
//! Coordinates are krilla's: points, origin at the top left, y growing downwards.

use std::rc::Rc;

use super::fonts::Weight;

pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
pub(super) const MARGIN: f32 = 56.0;
pub(super) const LEFT: f32 = MARGIN;
pub(super) const BODY_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const TOP: f32 = MARGIN;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
/// The height available to the body of a page.
pub(super) const BODY_HEIGHT: f32 = BOTTOM - TOP;
/// The footer sits in the bottom margin: a rule, then its line.
pub(super) const FOOTER_RULE: f32 = BOTTOM + 14.0;
pub(super) const FOOTER_BASELINE: f32 = BOTTOM + 26.0;

/// Line height as a multiple of the font size.
pub(super) const LEADING: f32 = 1.3;
/// DejaVu Sans's ascender and descender (hhea), in ems.
const ASCENT: f32 = 0.928;
const DESCENT: f32 = 0.236;

/// The height of a line of text at `size` points.
pub(super) fn line_height(size: f32) -> f32 {
    size * LEADING
}

/// Where the baseline of a line at `size` points sits below the line's top: the glyphs'
/// extent centred in the line height.
pub(super) fn baseline(size: f32) -> f32 {
    size * (LEADING - ASCENT - DESCENT) / 2.0 + size * ASCENT
}

/// The colours of the documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ink {
    Black,
    /// Subtitles, notes and the footer.
    Grey,
    /// Table rules.
    Rule,
    /// The background of a table's header row.
    Shade,
}

/// One line of text, drawn as one run: `x` and `baseline` relative to its item (absolute
/// once placed on a page).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Run {
    pub(super) x: f32,
    pub(super) baseline: f32,
    pub(super) size: f32,
    pub(super) weight: Weight,
    pub(super) ink: Ink,
    pub(super) text: String,
}

/// A line or a filled rectangle, relative to its item like a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Shape {
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
    Fill {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

/// A strip of the body that never splits across pages.
#[derive(Debug, Clone, Default)]
pub(super) struct Item {
    pub(super) height: f32,
    /// Space above the item, dropped at the top of a page.
    pub(super) gap_before: f32,
    /// The item moves to the next page with the one after it (a heading, a table's header).
    pub(super) keep_with_next: bool,
    /// The header row to repeat above this item when it starts a page (a table's rows).
    pub(super) header: Option<Rc<Item>>,
    pub(super) runs: Vec<Run>,
    pub(super) shapes: Vec<Shape>,
}

/// What a page shows, in page coordinates.
#[derive(Debug, Clone, Default)]
pub(super) struct Page {
    pub(super) runs: Vec<Run>,
    pub(super) shapes: Vec<Shape>,
}

impl Page {
    fn place(&mut self, item: &Item, top: f32) {
        self.runs.extend(item.runs.iter().map(|run| Run {
            baseline: run.baseline + top,
            ..run.clone()
        }));
        self.shapes
            .extend(item.shapes.iter().map(|shape| match *shape {
                Shape::Line { x1, y1, x2, y2 } => Shape::Line {
                    x1,
                    y1: y1 + top,
                    x2,
                    y2: y2 + top,
                },
                Shape::Fill {
                    x,
                    y,
                    width,
                    height,
                } => Shape::Fill {
                    x,
                    y: y + top,
                    width,
                    height,
                },
            }));
    }
}

/// The items on pages: at least one page, even for an empty body.
pub(super) fn paginate(items: &[Item]) -> Vec<Page> {
    let mut pages = vec![Page::default()];
    let mut y = TOP;
    let mut fresh = true;
    for (at, item) in items.iter().enumerate() {
        if !fresh && y + item.gap_before + kept_height(&items[at..]) > BOTTOM {
            pages.push(Page::default());
            y = TOP;
            fresh = true;
            if let Some(header) = &item.header {
                place(&mut pages, header, &mut y);
                fresh = false;
            }
        }
        if !fresh {
            y += item.gap_before;
        }
        place(&mut pages, item, &mut y);
        fresh = false;
    }
    pages
}

fn place(pages: &mut [Page], item: &Item, y: &mut f32) {
    if let Some(page) = pages.last_mut() {
        page.place(item, *y);
    }
    *y += item.height;
}

/// The height the first item needs at the bottom of a page: itself and, while an item is
/// to stay with the next, the next ones (at most a page, so that a long chain still moves).
fn kept_height(items: &[Item]) -> f32 {
    let mut height = 0.0;
    for (at, item) in items.iter().enumerate() {
        height += if at == 0 {
            item.height
        } else {
            item.gap_before + item.height
        };
        if !item.keep_with_next || height >= BODY_HEIGHT {
            break;
        }
    }
    height.min(BODY_HEIGHT)
}
