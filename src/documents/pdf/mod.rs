//! A small PDF renderer for the citizen's documents: a [`PdfDocument`] (title, sections of
//! fields, paragraphs, tables and notes) becomes A4 pages of text in DejaVu Sans, embedded
//! and subsetted, with the text extractable and in reading order.
//!
//! Laid out first ([`layout`]: every line measured with the font's own advances, pages cut,
//! table headers repeated), drawn after ([`draw`], through krilla), so that every page's
//! footer knows the page count. The same document gives the same bytes: no date, and the
//! file identifier krilla writes is a hash of the content.

mod draw;
mod fonts;
mod layout;
mod pieces;
mod text;

/// A document to render: the content mapping of each citizen's document builds one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PdfDocument {
    /// The big heading on page 1, and the PDF's metadata title.
    pub title: String,
    /// A smaller line under the title (e.g. "Regione Toscana — CPI di Firenze").
    pub subtitle: Option<String>,
    /// The language of the text, for the metadata ("it-IT").
    pub language: String,
    /// The body, top to bottom.
    pub blocks: Vec<Block>,
    /// Printed at the bottom left of every page (cut with "…" when longer than fits); the
    /// bottom right says "Pagina N di M".
    pub footer: String,
}

/// A piece of the body. Every text wraps at spaces (a word longer than the line is cut by
/// characters) and a '\n' starts a new line.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading, bold, never alone at the bottom of a page.
    Heading(String),
    /// Label / value rows: the labels bold in a column of about a third of the width.
    Fields(Vec<(String, String)>),
    /// Running text.
    Paragraph(String),
    /// A table: `widths` are the columns' fractions of the width (normalised; equal columns
    /// when they do not match the headers or are not positive). The header row repeats on
    /// every page; a row moves whole to the next page unless it is taller than a page.
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
        widths: Vec<f32>,
    },
    /// Small grey text.
    Note(String),
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A compiled-in font could not be read (a broken build, never the document's fault).
    #[error("the embedded font {0} cannot be read")]
    Font(&'static str),
    /// krilla refused to write the PDF.
    #[error("the PDF cannot be written: {0}")]
    Write(String),
}

/// Renders `doc` as PDF bytes: A4 portrait, as many pages as the content needs.
pub fn render(doc: &PdfDocument) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts::Fonts::get()?;
    let pages = layout::paginate(&pieces::pieces(doc, fonts));
    draw::draw(doc, &pages, fonts)
}

#[cfg(test)]
mod tests;
