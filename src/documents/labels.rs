//! How the documents write what the store holds: Italian dates, place and code names from
//! the code tables, the anagrafica block and the verification section every document ends
//! with.

use super::pdf::Block;
use crate::domain::codes;
use crate::domain::libretto::{LearningContext, PersonSnapshot};
use chrono::NaiveDate;

/// `22/01/1960`, as Italian documents write dates.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn maybe_date(d: Option<NaiveDate>) -> String {
    d.map(date).unwrap_or_else(|| "—".into())
}

/// A value, or a dash where there is none.
pub fn or_dash(value: Option<&str>) -> String {
    match value.map(str::trim) {
        Some(v) if !v.is_empty() => v.to_owned(),
        _ => "—".into(),
    }
}

/// `from – to`, open-ended as "in corso".
pub fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> String {
    match (from, to) {
        (None, None) => "—".into(),
        (from, None) => format!("dal {} (in corso)", maybe_date(from)),
        (from, to) => format!("{} – {}", maybe_date(from), maybe_date(to)),
    }
}

/// A place of birth by its Belfiore code: the Tuscan comune or the foreign state, with the
/// code; the code alone when the tables do not name it.
fn birth_place(code: &str) -> String {
    let name = codes::MUNICIPALITIES
        .iter()
        .find(|m| m.belfiore == code)
        .map(|m| format!("{} ({})", m.name, m.province))
        .or_else(|| codes::foreign_state(code).map(|s| s.name.to_owned()));
    match name {
        Some(name) => format!("{name} – {code}"),
        None => code.to_owned(),
    }
}

fn residence(p: &PersonSnapshot) -> String {
    let municipality = p.residence_municipality.as_deref().map(|istat| {
        codes::municipality_by_istat(istat)
            .map(|m| m.name.to_owned())
            .unwrap_or_else(|| istat.to_owned())
    });
    match (municipality, p.residence_province.as_deref()) {
        (Some(m), Some(prov)) => format!("{m} ({prov})"),
        (Some(m), None) => m,
        (None, prov) => or_dash(prov),
    }
}

/// Section "Informazioni personali": the citizen as the document froze them.
pub fn anagrafica(p: &PersonSnapshot) -> Block {
    let gender = match p.gender.as_deref() {
        Some("M") => "maschile".to_owned(),
        Some("F") => "femminile".to_owned(),
        other => or_dash(other),
    };
    Block::Fields(vec![
        ("Cognome".into(), or_dash(p.family_name.as_deref())),
        ("Nome".into(), or_dash(p.given_name.as_deref())),
        ("Codice fiscale".into(), p.fiscal_code.clone()),
        ("Data di nascita".into(), maybe_date(p.birth_date)),
        (
            "Luogo di nascita".into(),
            p.birth_place_code
                .as_deref()
                .map(birth_place)
                .unwrap_or_else(|| "—".into()),
        ),
        ("Sesso".into(), gender),
        ("Cittadinanza".into(), or_dash(p.citizenship.as_deref())),
        ("Residenza".into(), residence(p)),
        ("E-mail".into(), or_dash(p.email.as_deref())),
        ("Telefono".into(), or_dash(p.phone.as_deref())),
    ])
}

/// Seed 000's "contesti di acquisizione", in its words.
pub fn context(c: LearningContext) -> &'static str {
    match c {
        LearningContext::Formal => "formale",
        LearningContext::NonFormal => "non formale",
        LearningContext::Informal => "informale",
    }
}

/// The stored context code (`FORMAL`, …) in words; unknown codes as they are.
pub fn context_code(code: &str) -> String {
    [
        LearningContext::Formal,
        LearningContext::NonFormal,
        LearningContext::Informal,
    ]
    .into_iter()
    .find(|c| c.as_str() == code)
    .map(|c| context(c).to_owned())
    .unwrap_or_else(|| code.to_owned())
}

/// The closing section: how to check a printed copy against the store.
pub fn verification(what: &str, number: &str, version: Option<i32>, sha256: &str) -> Vec<Block> {
    let mut fields = vec![
        ("Documento".into(), what.to_owned()),
        ("Numero".into(), number.to_owned()),
    ];
    if let Some(v) = version {
        fields.push(("Versione".into(), v.to_string()));
    }
    // in groups of 16, as one line: easier to read aloud and to compare
    let grouped = sha256
        .as_bytes()
        .chunks(16)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    fields.push(("SHA-256 del contenuto".into(), grouped));
    vec![
        Block::Heading("Verifica".into()),
        Block::Fields(fields),
        Block::Note(
            "Il codice SHA-256 è l'impronta del contenuto conservato nel fascicolo: lo stesso \
             documento scaricato di nuovo riporta la stessa impronta, e un contenuto diverso ne \
             avrebbe un'altra."
                .into(),
        ),
    ]
}

/// The footer of every page: number, version and the start of the fingerprint.
pub fn footer(number: &str, version: Option<i32>, sha256: &str) -> String {
    let version = version
        .map(|v| format!(" · versione {v}"))
        .unwrap_or_default();
    format!(
        "{number}{version} · SHA-256 {}",
        &sha256[..sha256.len().min(16)]
    )
}

/// "Regione Toscana" for the code a document is stored under (`TOS`, `PIE`).
pub fn region(code: &str) -> String {
    let name = match code {
        "TOS" => "Toscana",
        "PIE" => "Piemonte",
        other => other,
    };
    format!("Regione {name}")
}
