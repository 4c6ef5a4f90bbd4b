//! The two faces of the documents, DejaVu Sans and DejaVu Sans Bold (`assets/fonts/`,
//! licence and checksums in its README), compiled in and parsed once: krilla's `Font` to draw
//! and embed, skrifa's character map and advance widths to measure.

use std::sync::LazyLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use super::PdfError;

static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

static REGULAR: LazyLock<Option<Face>> = LazyLock::new(|| Face::parse(REGULAR_TTF));
static BOLD: LazyLock<Option<Face>> = LazyLock::new(|| Face::parse(BOLD_TTF));

/// Which of the two faces a piece of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Weight {
    Regular,
    Bold,
}

/// Both faces, parsed.
#[derive(Clone, Copy)]
pub(super) struct Fonts {
    regular: &'static Face,
    bold: &'static Face,
}

impl Fonts {
    pub(super) fn get() -> Result<Self, PdfError> {
        let regular = REGULAR.as_ref().ok_or(PdfError::Font("DejaVuSans.ttf"))?;
        let bold = BOLD.as_ref().ok_or(PdfError::Font("DejaVuSans-Bold.ttf"))?;
        Ok(Self { regular, bold })
    }

    pub(super) fn face(self, weight: Weight) -> &'static Face {
        match weight {
            Weight::Regular => self.regular,
            Weight::Bold => self.bold,
        }
    }
}

/// One face: what krilla embeds, and what measures a character.
pub(super) struct Face {
    font: Font,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

impl Face {
    fn parse(data: &'static [u8]) -> Option<Self> {
        let font = Font::new(data.into(), 0)?;
        let font_ref = FontRef::new(data).ok()?;
        let units_per_em = f32::from(
            font_ref
                .metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        if units_per_em <= 0.0 {
            return None;
        }
        Some(Self {
            font,
            charmap: font_ref.charmap(),
            metrics: font_ref.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
        })
    }

    pub(super) fn font(&self) -> Font {
        self.font.clone()
    }

    /// The glyph of `c` (.notdef when the font lacks it) and its advance in ems.
    pub(super) fn glyph(&self, c: char) -> (GlyphId, f32) {
        let id = self.charmap.map(c).unwrap_or(skrifa::GlyphId::NOTDEF);
        let advance = self.metrics.advance_width(id).unwrap_or(0.0) / self.units_per_em;
        (GlyphId::new(id.to_u32()), advance)
    }

    /// The advance of `c` at `size` points.
    pub(super) fn advance(&self, c: char, size: f32) -> f32 {
        self.glyph(c).1 * size
    }

    /// The width of `text` at `size` points: the sum of its advances (no kerning, as drawn).
    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
    }

    /// The glyphs of one line, each carrying its character's bytes so that krilla writes the
    /// text back (ToUnicode, or ActualText for a glyph shared by several characters).
    pub(super) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(at, c)| {
                let (id, advance) = self.glyph(c);
                KrillaGlyph::new(id, advance, 0.0, 0.0, 0.0, at..at + c.len_utf8(), None)
            })
            .collect()
    }
}
