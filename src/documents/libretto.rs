//! The Libretto formativo del cittadino as PDF, from one consolidated (frozen) version, in
//! the structure of seed 000 ("Il Libretto Formativo del Cittadino: la struttura"): Sezione 1,
//! "Anagrafica professionale e formativa" (informazioni personali, esperienze lavorative /
//! professionali, esperienze formative), and Sezione 2, "Competenze dell'individuo"
//! (tipologia, descrizione, contesti di acquisizione, evidenze).

use super::labels::{self, or_dash, period};
use super::pdf::{Block, PdfDocument};
use crate::domain::codes;
use crate::domain::libretto::{
    CompetenceData, EvidenceData, ExperienceData, ExperienceKind, ExperienceOrigin, LibrettoContent,
};
use crate::store::reference::{COMPETENCE_TYPE, EVIDENCE_CATEGORY, ReferenceData};
use entities::{libretto, libretto_version};

/// The document of `version` of `libretto`; `content` is the version's frozen JSON parsed.
pub fn document(
    libretto: &libretto::Model,
    version: &libretto_version::Model,
    content: &LibrettoContent,
    reference: &ReferenceData,
    sha256: &str,
) -> PdfDocument {
    let office = libretto
        .office
        .as_deref()
        .map(|o| format!(" — {o}"))
        .unwrap_or_default();
    let mut blocks = vec![
        Block::Fields(vec![
            ("Numero".into(), version.number.clone()),
            ("Versione".into(), version.n.to_string()),
            (
                "Consolidato il".into(),
                labels::date(version.consolidated_at.date_naive()),
            ),
            (
                "Rilasciato da".into(),
                format!("{}{office}", labels::region(&libretto.region)),
            ),
        ]),
        Block::Heading("Sezione 1 — Anagrafica professionale e formativa".into()),
        Block::Heading("1. Informazioni personali".into()),
        labels::anagrafica(&content.person),
    ];
    let kept: Vec<&ExperienceData> = content.experiences.iter().filter(|e| !e.dropped).collect();
    blocks.push(Block::Heading(
        "2. Esperienze lavorative / professionali".into(),
    ));
    blocks.push(work_table(&kept));
    blocks.push(Block::Heading("3. Esperienze formative".into()));
    blocks.push(training_table(&kept));
    blocks.push(Block::Note(
        "Provenienza: «banca dati» indica un dato della banca dati regionale indicata; \
         «autodichiarazione» un'esperienza dichiarata dal cittadino."
            .into(),
    ));
    blocks.push(Block::Heading(
        "Sezione 2 — Competenze dell'individuo".into(),
    ));
    if content.competences.is_empty() {
        blocks.push(Block::Paragraph("Nessuna competenza registrata.".into()));
    }
    for (i, competence) in content.competences.iter().enumerate() {
        blocks.extend(competence_blocks(i + 1, competence, content, reference));
    }
    blocks.push(Block::Heading("Evidenze".into()));
    blocks.push(evidence_table(&content.evidences, reference));
    blocks.extend(labels::verification(
        "Libretto formativo del cittadino",
        &version.number,
        Some(version.n),
        sha256,
    ));
    PdfDocument {
        title: "Libretto formativo del cittadino".into(),
        subtitle: Some(format!(
            "{}{office} — Documento di trasparenza",
            labels::region(&libretto.region)
        )),
        language: "it-IT".into(),
        blocks,
        footer: labels::footer(&version.number, Some(version.n), sha256),
    }
}

fn origin(e: &ExperienceData) -> String {
    match e.origin {
        ExperienceOrigin::RegionalDb => format!(
            "banca dati {}",
            e.source_name.as_deref().unwrap_or("regionale")
        ),
        ExperienceOrigin::SelfDeclared => "autodichiarazione".into(),
    }
}

fn work_table(kept: &[&ExperienceData]) -> Block {
    let rows = kept
        .iter()
        .filter(|e| e.kind == ExperienceKind::Work)
        .map(|e| {
            let contract = e.contract_type.as_deref().map(|c| {
                codes::contract_type(c)
                    .map(|t| format!("{c} {}", t.description))
                    .unwrap_or_else(|| c.to_owned())
            });
            let occupation = e.occupation_code.as_deref().map(|c| {
                codes::occupation_by_code(c)
                    .map(|o| format!("{c} {}", o.label))
                    .unwrap_or_else(|| c.to_owned())
            });
            // V5: an apprenticeship states the end of its training period
            let training_end = e
                .training_period_end
                .map(|d| format!("fine periodo formativo {}", labels::date(d)));
            let role = [occupation, e.title.clone(), contract, training_end]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("\n");
            vec![
                period(e.start_date, e.end_date),
                or_dash(e.organisation.as_deref()),
                or_dash(Some(&role)),
                origin(e),
            ]
        })
        .collect();
    Block::Table {
        headers: vec![
            "Periodo".into(),
            "Datore di lavoro".into(),
            "Professione e contratto".into(),
            "Provenienza".into(),
        ],
        rows,
        widths: vec![0.19, 0.25, 0.34, 0.22],
    }
}

/// A training outcome of the sources' contract in Italian.
fn outcome(code: &str) -> &str {
    use crate::domain::codes::{
        OUTCOME_COMPLETED, OUTCOME_ONGOING, OUTCOME_QUALIFIED, OUTCOME_WITHDRAWN,
    };
    match code {
        OUTCOME_COMPLETED => "completato",
        OUTCOME_QUALIFIED => "qualificato",
        OUTCOME_WITHDRAWN => "ritirato",
        OUTCOME_ONGOING => "in corso",
        other => other,
    }
}

fn training_table(kept: &[&ExperienceData]) -> Block {
    let rows = kept
        .iter()
        .filter(|e| e.kind == ExperienceKind::Training)
        .map(|e| {
            let mut detail = Vec::new();
            if let Some(h) = e.hours {
                detail.push(format!("{h} ore"));
            }
            if let Some(q) = &e.qualification_code {
                detail.push(format!("qualifica {q}"));
            }
            if let Some(l) = e.eqf_level {
                detail.push(format!("EQF {l}"));
            }
            if let Some(o) = &e.outcome {
                detail.push(format!("esito: {}", outcome(o)));
            }
            vec![
                period(e.start_date, e.end_date),
                format!(
                    "{}\n{}",
                    or_dash(e.title.as_deref()),
                    or_dash(e.organisation.as_deref())
                ),
                or_dash(Some(&detail.join(", "))),
                origin(e),
            ]
        })
        .collect();
    Block::Table {
        headers: vec![
            "Periodo".into(),
            "Percorso ed ente".into(),
            "Durata ed esito".into(),
            "Provenienza".into(),
        ],
        rows,
        widths: vec![0.19, 0.35, 0.24, 0.22],
    }
}

fn competence_blocks(
    n: usize,
    c: &CompetenceData,
    content: &LibrettoContent,
    reference: &ReferenceData,
) -> Vec<Block> {
    let kind = reference
        .find(COMPETENCE_TYPE, &c.competence_type)
        .map(|t| t.label.clone())
        .unwrap_or_else(|| c.competence_type.clone());
    let evidences: Vec<String> = c
        .evidence_ids
        .iter()
        .filter_map(|id| content.evidences.iter().position(|e| &e.id == id))
        .map(|i| format!("E{} {}", i + 1, content.evidences[i].title))
        .collect();
    let mut fields = vec![
        ("Tipologia".into(), kind),
        ("Descrizione".into(), c.description.clone()),
        (
            "Contesto di acquisizione".into(),
            labels::context(c.context).to_owned(),
        ),
        ("Periodo".into(), period(c.period_from, c.period_to)),
    ];
    if let Some(ada) = &c.ada_code {
        fields.push(("ADA (Atlante del lavoro)".into(), ada.clone()));
    }
    fields.push((
        "Evidenze".into(),
        if evidences.is_empty() {
            "—".into()
        } else {
            evidences.join("\n")
        },
    ));
    vec![
        Block::Heading(format!("Competenza {n}")),
        Block::Fields(fields),
    ]
}

fn evidence_table(evidences: &[EvidenceData], reference: &ReferenceData) -> Block {
    let rows = evidences
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let category = reference
                .find(EVIDENCE_CATEGORY, &e.category)
                .map(|c| c.label.clone())
                .unwrap_or_else(|| e.category.clone());
            let issued = match (&e.issuer, e.issued_on) {
                (None, None) => "—".into(),
                (issuer, on) => format!(
                    "{}{}",
                    or_dash(issuer.as_deref()),
                    on.map(|d| format!(", {}", labels::date(d)))
                        .unwrap_or_default()
                ),
            };
            let file = e
                .file_name
                .as_ref()
                .map(|f| format!("\nfile: {f}"))
                .unwrap_or_default();
            vec![
                format!("E{}", i + 1),
                format!("{}{file}", e.title),
                category,
                issued,
            ]
        })
        .collect();
    Block::Table {
        headers: vec![
            "N.".into(),
            "Evidenza".into(),
            "Categoria".into(),
            "Rilasciata da".into(),
        ],
        rows,
        widths: vec![0.07, 0.38, 0.3, 0.25],
    }
}
