//! Text into lines: control characters out, then greedy wrapping at spaces by the measured
//! width, a word wider than the line cut by characters.

use super::fonts::Face;

/// A little slack so that a line exactly as wide as the column is not pushed over.
const EPSILON: f32 = 0.01;

/// `text` with '\n' for every line break ("\r\n", '\r', U+2028, U+2029) and a space for every
/// other control character (tabs included), so nothing invisible reaches the page.
pub(super) fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => '\n',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// `text` in lines no wider than `width` at `size` points; at least one line (maybe empty).
pub(super) fn wrap(face: &Face, size: f32, width: f32, text: &str) -> Vec<String> {
    let space = face.advance(' ', size);
    let mut lines = Vec::new();
    for hard in clean(text).split('\n') {
        let mut line = Line::default();
        for word in hard.split(' ').filter(|w| !w.is_empty()) {
            let word_width = face.width(word, size);
            let gap = if line.text.is_empty() { 0.0 } else { space };
            if line.width + gap + word_width <= width + EPSILON {
                line.push(" ", gap);
                line.push(word, word_width);
            } else if word_width <= width + EPSILON {
                lines.push(std::mem::take(&mut line).text);
                line.push(word, word_width);
            } else {
                if !line.text.is_empty() {
                    lines.push(std::mem::take(&mut line).text);
                }
                for c in word.chars() {
                    let advance = face.advance(c, size);
                    if !line.text.is_empty() && line.width + advance > width + EPSILON {
                        lines.push(std::mem::take(&mut line).text);
                    }
                    line.push_char(c, advance);
                }
            }
        }
        lines.push(line.text);
    }
    lines
}

/// `text` on one line no wider than `width`: cut, with "…", when longer.
pub(super) fn ellipsize(face: &Face, size: f32, width: f32, text: &str) -> String {
    let one_line = clean(text).replace('\n', " ");
    if face.width(&one_line, size) <= width + EPSILON {
        return one_line;
    }
    let room = width - face.advance('…', size);
    let mut line = Line::default();
    for c in one_line.chars() {
        let advance = face.advance(c, size);
        if line.width + advance > room {
            break;
        }
        line.push_char(c, advance);
    }
    let mut cut = line.text.trim_end().to_owned();
    cut.push('…');
    cut
}

#[derive(Default)]
struct Line {
    text: String,
    width: f32,
}

impl Line {
    fn push(&mut self, text: &str, width: f32) {
        if width > 0.0 || !text.trim().is_empty() {
            self.text.push_str(text);
            self.width += width;
        }
    }

    fn push_char(&mut self, c: char, width: f32) {
        self.text.push(c);
        self.width += width;
    }
}
