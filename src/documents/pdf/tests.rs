use std::io::Write;
use std::process::Command;

use super::fonts::{Fonts, Weight};
use super::layout::{BODY_WIDTH, Page, paginate};
use super::pieces::{BODY, pieces};
use super::text::{clean, ellipsize, wrap};
use super::*;

const ACCENTS: &str = "Perché è già così: «più» caffè, 12 € l’ora — però sì, ù";

fn long_paragraph() -> String {
    (1..=120)
        .map(|n| format!("parola{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(rows: usize) -> Block {
    Block::Table {
        headers: vec!["Anno".into(), "Attività svolta".into(), "Esito".into()],
        rows: (1..=rows)
            .map(|n| {
                vec![
                    format!("{}", 2000 + n),
                    format!("Corso numero {n}"),
                    "superato".into(),
                ]
            })
            .collect(),
        widths: vec![0.2, 0.55, 0.25],
    }
}

fn sample() -> PdfDocument {
    PdfDocument {
        title: "Libretto formativo del cittadino".into(),
        subtitle: Some("Regione Toscana — CPI di Firenze".into()),
        language: "it-IT".into(),
        blocks: vec![
            Block::Heading("Dati anagrafici".into()),
            Block::Fields(vec![
                ("Cognome e nome".into(), "Rossi Mario".into()),
                ("Codice fiscale".into(), "RSSMRA80A01D612X".into()),
                (
                    "Indirizzo".into(),
                    "Via dei Calzaiuoli 1, 50122 Firenze (FI), Italia".into(),
                ),
            ]),
            Block::Heading("Esperienze".into()),
            Block::Paragraph(format!("{ACCENTS}\n{}", long_paragraph())),
            Block::Heading("Formazione".into()),
            table(60),
            Block::Note("Documento generato dal fascicolo del cittadino.".into()),
        ],
        footer: "Libretto formativo — Rossi Mario".into(),
    }
}

/// The output of a poppler tool (`pdftotext`, `pdfinfo`) on `pdf`, or None (with the reason
/// printed) when it is missing and `CI` is unset; under CI a missing tool fails the test.
fn poppler(tool: &str, args: &[&str], pdf: &[u8], after: &[&str]) -> Option<String> {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(pdf).expect("write the PDF");
    let out = Command::new(tool)
        .args(args)
        .arg(file.path())
        .args(after)
        .output();
    match out {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{tool}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).expect("poppler writes UTF-8"))
        }
        Err(error) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: {tool} not found ({error}); apt-get install poppler-utils");
            None
        }
        Err(error) => panic!("{tool} is needed under CI (Debian's poppler-utils): {error}"),
    }
}

fn pdftotext(pdf: &[u8], layout: bool) -> Option<String> {
    let args: &[&str] = if layout { &["-layout"] } else { &[] };
    poppler("pdftotext", args, pdf, &["-"])
}

/// The page count from the page objects (krilla writes no object streams), checked against
/// `pdfinfo` when it is there.
fn pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf).replace("/Type /", "/Type/");
    let count = text
        .match_indices("/Type/Page")
        .filter(|(at, _)| !text[at + 10..].starts_with('s'))
        .count();
    if let Some(info) = poppler("pdfinfo", &[], pdf, &[]) {
        let line = info
            .lines()
            .find(|l| l.starts_with("Pages:"))
            .expect("pdfinfo's page count");
        assert_eq!(line.trim_start_matches("Pages:").trim(), count.to_string());
    }
    count
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_text(page: &Page) -> Vec<&str> {
    page.runs.iter().map(|run| run.text.as_str()).collect()
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let doc = sample();
    let first = render(&doc).expect("render");
    assert_eq!(first, render(&doc).expect("render again"));
    let mut changed = doc;
    changed.blocks[1] = Block::Fields(vec![("Cognome e nome".into(), "Rossi Maria".into())]);
    assert_ne!(first, render(&changed).expect("render the changed one"));
}

#[test]
fn a_long_table_runs_over_several_pages_and_every_footer_counts_them() {
    let short = render(&PdfDocument::default()).expect("render");
    assert!(short.starts_with(b"%PDF-"));
    assert_eq!(pages(&short), 1);
    let doc = PdfDocument {
        blocks: vec![table(200)],
        ..sample()
    };
    let pdf = render(&doc).expect("render");
    assert!(pdf.starts_with(b"%PDF-"));
    let count = pages(&pdf);
    assert!(count > 1, "{count} pages");
    if let Some(text) = pdftotext(&pdf, false) {
        assert_eq!(text.matches('\u{c}').count(), count, "one form feed a page");
        for n in 1..=count {
            assert!(
                text.contains(&format!("Pagina {n} di {count}")),
                "footer of page {n}"
            );
        }
        // the header row again on every page, and every row once
        assert_eq!(text.matches("Attività svolta").count(), count);
        assert_eq!(text.matches("Corso numero 137\n").count(), 1);
    }
}

#[test]
fn the_text_comes_back_with_its_accents_in_reading_order() {
    let pdf = render(&sample()).expect("render");
    let Some(text) = pdftotext(&pdf, false) else {
        return;
    };
    let flat = words(&text);
    assert!(flat.contains(ACCENTS), "{flat}");
    assert!(
        flat.contains(&long_paragraph()),
        "the wrapped paragraph, in order"
    );
    let order = [
        "Libretto formativo del cittadino",
        "Regione Toscana — CPI di Firenze",
        "Dati anagrafici",
        "RSSMRA80A01D612X",
        "Esperienze",
        "parola120",
        "Formazione",
        "Corso numero 1 ",
        "Corso numero 60 ",
        "Documento generato",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|s| flat.find(s).unwrap_or_else(|| panic!("{s}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{order:?} at {at:?}");
    let count = pages(&pdf);
    assert!(count > 1);
    assert!(
        (1..=count).all(|n| flat.contains(&format!("Pagina {n} di {count}"))),
        "{flat}"
    );
    let layout = pdftotext(&pdf, true).expect("pdftotext ran once");
    let row = layout
        .lines()
        .find(|l| l.contains("Codice fiscale"))
        .expect("the field's line");
    assert!(
        row.contains("RSSMRA80A01D612X"),
        "label and value on one line: {row}"
    );
    let cells = layout
        .lines()
        .find(|l| l.contains("Corso numero 7 "))
        .expect("a row");
    assert!(
        cells.contains("2007") && cells.contains("superato"),
        "{cells}"
    );
}

#[test]
fn hostile_input_still_gives_a_pdf() {
    let word = "x".repeat(10_000);
    let odd = "tab\there\u{0}nul\u{7f}del\r\nwindows\u{1b}[31m \u{2028} 😀 漢字 🇮🇹 \u{202e}rtl";
    let docs = [
        PdfDocument::default(),
        PdfDocument {
            title: word.clone(),
            subtitle: Some(odd.into()),
            language: "\u{0}".into(),
            footer: word.clone(),
            blocks: vec![
                Block::Table {
                    headers: vec![],
                    rows: vec![],
                    widths: vec![],
                },
                Block::Table {
                    headers: vec!["a".into()],
                    rows: vec![],
                    widths: vec![f32::NAN],
                },
                Block::Table {
                    headers: vec![],
                    rows: vec![vec![], vec![word.clone(), odd.into(), String::new()]],
                    widths: vec![f32::MAX, f32::MAX, -1.0],
                },
                Block::Table {
                    headers: vec![word[..2_000].to_owned(); 3],
                    rows: vec![vec![word[..3_000].to_owned(); 3]],
                    widths: vec![1.0; 3],
                },
                Block::Table {
                    headers: vec!["h".into(); 40],
                    rows: vec![vec!["y".repeat(60); 40]],
                    widths: vec![0.0; 40],
                },
                Block::Heading(String::new()),
                Block::Fields(vec![
                    (word.clone(), odd.into()),
                    (String::new(), String::new()),
                ]),
                Block::Paragraph(word),
                Block::Paragraph("\n\n\n".into()),
                Block::Note(odd.into()),
                Block::Heading("the last block".into()),
            ],
        },
    ];
    let pdfs: Vec<Vec<u8>> = docs
        .iter()
        .map(|doc| render(doc).expect("render"))
        .collect();
    assert!(
        pdfs.iter()
            .all(|pdf| pdf.starts_with(b"%PDF-") && pages(pdf) >= 1)
    );
    if let Some(text) = pdftotext(&pdfs[1], false) {
        assert!(
            text.contains("xxxxxxxx") && text.contains("tab here"),
            "{text}"
        );
    }
}

#[test]
fn wrapping_measures_the_font_and_cuts_long_words() {
    let fonts = Fonts::get().expect("fonts");
    let face = fonts.face(Weight::Regular);
    let text = long_paragraph();
    let lines = wrap(face, BODY, 200.0, &text);
    assert!(lines.len() > 5);
    assert!(
        lines.iter().all(|l| face.width(l, BODY) <= 200.01),
        "{lines:?}"
    );
    assert_eq!(lines.join(" "), text);
    let word = "x".repeat(1_000);
    let cut = wrap(face, BODY, 100.0, &format!("a {word} b"));
    assert_eq!(cut.first().map(String::as_str), Some("a"));
    assert_eq!(cut.concat(), format!("a{word} b"));
    assert!(cut.iter().all(|l| face.width(l, BODY) <= 100.01));
    assert_eq!(wrap(face, BODY, 100.0, ""), vec![String::new()]);
    assert_eq!(wrap(face, BODY, 100.0, "a\n\nb"), vec!["a", "", "b"]);
    assert_eq!(clean("a\tb\r\nc\u{0}d"), "a b\nc d");
    let footer = ellipsize(face, 8.0, 50.0, &text);
    assert!(
        footer.ends_with('…') && face.width(&footer, 8.0) <= 50.01,
        "{footer}"
    );
    assert!(face.width("àèéìòù«»€’—", BODY) > 0.0);
}

#[test]
fn a_heading_moves_to_the_next_page_with_its_block() {
    let fonts = Fonts::get().expect("fonts");
    // lines of filler until the heading would land at the bottom of page 1
    for filler in 50..60 {
        let doc = PdfDocument {
            blocks: vec![
                Block::Paragraph(vec!["riempitivo"; filler].join("\n")),
                Block::Heading("Titolo di sezione".into()),
                Block::Paragraph("Il testo della sezione.".into()),
            ],
            ..PdfDocument::default()
        };
        let laid = paginate(&pieces(&doc, fonts));
        let page = laid
            .iter()
            .find(|p| page_text(p).contains(&"Titolo di sezione"))
            .expect("heading");
        let texts = page_text(page);
        let at = texts
            .iter()
            .position(|t| *t == "Titolo di sezione")
            .expect("heading");
        assert_eq!(
            texts.get(at + 1),
            Some(&"Il testo della sezione."),
            "filler {filler}"
        );
    }
}

#[test]
fn table_rows_stay_whole_and_the_header_repeats() {
    let fonts = Fonts::get().expect("fonts");
    let rows = (0..80)
        .map(|n| vec![format!("r{n}"), format!("r{n}-a\nr{n}-b\nr{n}-c")])
        .collect();
    let doc = PdfDocument {
        blocks: vec![Block::Table {
            headers: vec!["H1".into(), "H2".into()],
            rows,
            widths: vec![],
        }],
        ..PdfDocument::default()
    };
    let laid = paginate(&pieces(&doc, fonts));
    assert!(laid.len() > 1);
    for page in &laid {
        let texts = page_text(page);
        assert_eq!(&texts[..2], ["H1", "H2"]);
        for text in texts.iter().filter(|t| t.ends_with("-a")) {
            let row = text.trim_end_matches("-a");
            assert!(texts.contains(&format!("{row}-c").as_str()), "{row} split");
        }
        assert!(
            page.runs
                .iter()
                .all(|r| r.x + 1.0 < super::layout::LEFT + BODY_WIDTH)
        );
    }
}
