//! The laid-out pages through krilla: fills, then rules, then every run of text in reading
//! order (one run a line, top to bottom, left to right), then the footer; metadata last.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;

use super::fonts::{Fonts, Weight};
use super::layout::{
    BODY_WIDTH, FOOTER_BASELINE, FOOTER_RULE, Ink, LEFT, PAGE_HEIGHT, PAGE_WIDTH, Page, Run, Shape,
};
use super::text::{clean, ellipsize};
use super::{PdfDocument, PdfError};

const FOOTER: f32 = 8.0;
const RULE_WIDTH: f32 = 0.5;
/// The space kept between the footer's text and the page number.
const FOOTER_GUTTER: f32 = 16.0;

pub(super) fn draw(doc: &PdfDocument, pages: &[Page], fonts: Fonts) -> Result<Vec<u8>, PdfError> {
    let mut document = Document::new();
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
        .ok_or_else(|| PdfError::Write("the page size".to_owned()))?;
    for (number, page) in pages.iter().enumerate() {
        let mut pdf_page = document.start_page_with(settings.clone());
        let mut surface = pdf_page.surface();
        shapes(&mut surface, page);
        for run in &page.runs {
            draw_run(&mut surface, fonts, run);
        }
        footer(&mut surface, fonts, &doc.footer, number + 1, pages.len());
        surface.finish();
        pdf_page.finish();
    }
    document.set_metadata(metadata(doc));
    document
        .finish()
        .map_err(|error| PdfError::Write(format!("{error:?}")))
}

/// Title, language and creator; no dates, so that the bytes depend on the content alone.
fn metadata(doc: &PdfDocument) -> Metadata {
    let mut metadata = Metadata::new().creator("fascicolo".to_owned());
    let title = clean(&doc.title).replace('\n', " ");
    if !title.trim().is_empty() {
        metadata = metadata.title(title.trim().to_owned());
    }
    if !doc.language.trim().is_empty() {
        metadata = metadata.language(doc.language.trim().to_owned());
    }
    metadata
}

fn color(ink: Ink) -> rgb::Color {
    match ink {
        Ink::Black => rgb::Color::new(0, 0, 0),
        Ink::Grey => rgb::Color::new(90, 90, 90),
        Ink::Rule => rgb::Color::new(150, 150, 150),
        Ink::Shade => rgb::Color::new(232, 232, 232),
    }
}

fn fill(ink: Ink) -> Fill {
    Fill {
        paint: color(ink).into(),
        ..Fill::default()
    }
}

/// The page's filled rectangles first, so that no fill hides a rule or a letter.
fn shapes(surface: &mut Surface, page: &Page) {
    surface.set_fill(Some(fill(Ink::Shade)));
    for shape in &page.shapes {
        if let Shape::Fill {
            x,
            y,
            width,
            height,
        } = *shape
            && let Some(rect) = Rect::from_xywh(x, y, width, height)
        {
            let mut path = PathBuilder::new();
            path.push_rect(rect);
            if let Some(path) = path.finish() {
                surface.draw_path(&path);
            }
        }
    }
    let lines = page.shapes.iter().filter_map(|shape| match *shape {
        Shape::Line { x1, y1, x2, y2 } => Some((x1, y1, x2, y2)),
        Shape::Fill { .. } => None,
    });
    stroke_lines(surface, lines);
}

fn stroke_lines(surface: &mut Surface, lines: impl Iterator<Item = (f32, f32, f32, f32)>) {
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke {
        paint: color(Ink::Rule).into(),
        width: RULE_WIDTH,
        ..Stroke::default()
    }));
    for (x1, y1, x2, y2) in lines {
        let mut path = PathBuilder::new();
        path.move_to(x1, y1);
        path.line_to(x2, y2);
        if let Some(path) = path.finish() {
            surface.draw_path(&path);
        }
    }
    surface.set_stroke(None);
}

fn draw_run(surface: &mut Surface, fonts: Fonts, run: &Run) {
    if run.text.is_empty() {
        return;
    }
    let face = fonts.face(run.weight);
    surface.set_fill(Some(fill(run.ink)));
    surface.draw_glyphs(
        Point::from_xy(run.x, run.baseline),
        &face.glyphs(&run.text),
        face.font(),
        &run.text,
        run.size,
        false,
    );
}

/// A rule, the document's footer on the left and "Pagina N di M" on the right.
fn footer(surface: &mut Surface, fonts: Fonts, footer: &str, number: usize, total: usize) {
    let right = LEFT + BODY_WIDTH;
    stroke_lines(
        surface,
        [(LEFT, FOOTER_RULE, right, FOOTER_RULE)].into_iter(),
    );
    let face = fonts.face(Weight::Regular);
    let page = format!("Pagina {number} di {total}");
    let page_width = face.width(&page, FOOTER);
    let room = BODY_WIDTH - page_width - FOOTER_GUTTER;
    let left = ellipsize(face, FOOTER, room.max(0.0), footer);
    for (x, text) in [(LEFT, left), (right - page_width, page)] {
        let run = Run {
            x,
            baseline: FOOTER_BASELINE,
            size: FOOTER,
            weight: Weight::Regular,
            ink: Ink::Grey,
            text,
        };
        draw_run(surface, fonts, &run);
    }
}
