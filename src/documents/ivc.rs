//! The IVC dossier's documents as PDF (seed 003: "Dossier del Cittadino", "Attestato di
//! validazione"; DM 30/6/2015 art. 6): the Documento di trasparenza, the Attestato di
//! validazione with the content art. 6 c.2 requires, and the certificate. Each is drawn from
//! what the dossier froze (`store::ivc::frozen`), never from a working copy.

use super::labels::{self, or_dash};
use super::pdf::{Block, PdfDocument};
use crate::domain::ivc::SessionKind;
use crate::domain::ivc::content::Attestato;
use crate::domain::libretto::PersonSnapshot;
use crate::error::AppError;
use crate::store::libretto::from_json as parse;
use crate::store::reference::{ReferenceData, SEP_SECTOR};
use entities::{ivc_competence, ivc_dossier};

/// Which document of a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IvcDocument {
    Transparency,
    Attestato,
    Certificate,
}

impl IvcDocument {
    /// The file name in the URL: `transparency.pdf`, `attestato.pdf`, `certificate.pdf`.
    pub fn from_file(name: &str) -> Option<Self> {
        match name {
            "transparency.pdf" => Some(Self::Transparency),
            "attestato.pdf" => Some(Self::Attestato),
            "certificate.pdf" => Some(Self::Certificate),
            _ => None,
        }
    }

    /// The audit field's prefix and the file's.
    pub fn key(self) -> &'static str {
        match self {
            Self::Transparency => "ivc-transparency",
            Self::Attestato => "ivc-attestato",
            Self::Certificate => "ivc-certificate",
        }
    }

    /// What a dossier lacks when this document was not released, for the 404.
    pub fn missing(self) -> &'static str {
        match self {
            Self::Transparency => "has no Documento di trasparenza yet",
            Self::Attestato => "has no Attestato di validazione",
            Self::Certificate => "has no certificate recorded",
        }
    }
}

fn heading(d: &ivc_dossier::Model) -> String {
    let office = d
        .office
        .as_deref()
        .map(|o| format!(" — {o}"))
        .unwrap_or_default();
    let program = d
        .program
        .as_deref()
        .map(|p| format!(" — {p}"))
        .unwrap_or_default();
    format!("{}{office}{program}", labels::region(&d.region))
}

fn sector(reference: &ReferenceData, code: &str) -> String {
    reference
        .find(SEP_SECTOR, code)
        .map(|s| format!("{code} {}", s.label))
        .unwrap_or_else(|| code.to_owned())
}

/// The Documento di trasparenza (Dossier del cittadino, or the Libretto it refers to).
pub fn transparency(
    d: &ivc_dossier::Model,
    competences: &[ivc_competence::Model],
    reference: &ReferenceData,
    sha256: &str,
) -> Result<PdfDocument, AppError> {
    let person: PersonSnapshot = parse(d.transparency_person.as_deref().unwrap_or("null"))?;
    let experiences: Vec<String> = match &d.experiences {
        Some(text) => parse(text)?,
        None => Vec::new(),
    };
    let mut fields = vec![
        ("Percorso IVC".into(), d.id.clone()),
        (
            "Rilasciato il".into(),
            labels::maybe_date(d.transparency_released_on),
        ),
        ("Ente titolato".into(), d.provider.clone()),
    ];
    if let (Some(number), Some(version)) = (&d.libretto_number, d.libretto_version) {
        fields.push((
            "Libretto formativo".into(),
            format!("{number}, versione {version}"),
        ));
    }
    let mut blocks = vec![
        Block::Fields(fields),
        Block::Heading("Anagrafica".into()),
        labels::anagrafica(&person),
        Block::Heading("Esperienze".into()),
    ];
    blocks.push(if experiences.is_empty() {
        Block::Paragraph("Nessuna esperienza descritta.".into())
    } else {
        Block::Paragraph(
            experiences
                .iter()
                .map(|e| format!("• {e}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    });
    blocks.push(Block::Heading("Competenze individuate".into()));
    let rows = competences
        .iter()
        .map(|c| {
            let ada: Vec<String> = parse(&c.ada_codes)?;
            let qualification = match (&c.qualification_code, &c.qualification_name) {
                (Some(code), Some(name)) => format!("\n{code} {name}"),
                (Some(code), None) => format!("\n{code}"),
                _ => String::new(),
            };
            Ok(vec![
                c.position.to_string(),
                c.description.clone(),
                format!("{}{qualification}", sector(reference, &c.sep_sector)),
                format!(
                    "ADA {}\nEQF {}",
                    or_dash(Some(&ada.join(", "))),
                    c.eqf_level
                        .map(|l| l.to_string())
                        .unwrap_or_else(|| "—".into())
                ),
                labels::context_code(&c.learning_context),
            ])
        })
        .collect::<Result<_, AppError>>()?;
    blocks.push(Block::Table {
        headers: vec![
            "N.".into(),
            "Competenza".into(),
            "Settore e qualificazione".into(),
            "ADA, EQF".into(),
            "Contesto".into(),
        ],
        rows,
        widths: vec![0.06, 0.38, 0.26, 0.16, 0.14],
    });
    blocks.extend(labels::verification(
        "Documento di trasparenza",
        &d.id,
        None,
        sha256,
    ));
    Ok(PdfDocument {
        title: if d.libretto_id.is_some() {
            "Documento di trasparenza".into()
        } else {
            "Dossier del cittadino — Documento di trasparenza".into()
        },
        subtitle: Some(heading(d)),
        language: "it-IT".into(),
        blocks,
        footer: labels::footer(&d.id, None, sha256),
    })
}

fn session_kind(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Accoglienza => "accoglienza",
        SessionKind::IdentificationInterview => "colloquio di individuazione",
        SessionKind::DossierReview => "esame tecnico del dossier",
        SessionKind::TechnicalInterview => "colloquio tecnico",
        SessionKind::StructuredTest => "prova suppletiva strutturata",
        SessionKind::PracticalTest => "prova pratica in situazione",
        SessionKind::ExamCommission => "commissione d'esame",
        SessionKind::BackOffice => "attività di back office",
    }
}

/// The attestato's own fields (DM 30/6/2015 art. 6 c.2), shared by the certificate.
fn attestato_fields(a: &Attestato) -> Vec<(String, String)> {
    vec![
        ("Numero".into(), a.number.clone()),
        ("Data di rilascio".into(), labels::date(a.issued_on)),
        ("Ente pubblico titolare".into(), a.public_body.clone()),
        ("Ente titolato".into(), a.authorised_provider.clone()),
        (
            "Qualificazione del repertorio".into(),
            format!("{} {}", a.qualification_code, a.qualification_name),
        ),
        ("Livello EQF".into(), a.eqf_level.to_string()),
        ("Codici ADA".into(), a.ada_codes.join(", ")),
        (
            "Contesti di apprendimento".into(),
            a.learning_modes
                .iter()
                .map(|c| labels::context(*c))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "Modalità di valutazione".into(),
            a.assessment_modes
                .iter()
                .map(|k| session_kind(*k))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]
}

/// The Attestato di validazione.
pub fn attestato(d: &ivc_dossier::Model, sha256: &str) -> Result<PdfDocument, AppError> {
    let a: Attestato = parse(d.attestato.as_deref().unwrap_or("null"))?;
    let person: PersonSnapshot = parse(d.attestato_person.as_deref().unwrap_or("null"))?;
    let mut blocks = vec![
        Block::Fields(attestato_fields(&a)),
        Block::Heading("Intestatario".into()),
        labels::anagrafica(&person),
        Block::Paragraph(format!(
            "Si attesta che la persona indicata ha validato le competenze riferite ai codici \
             ADA e alla qualificazione sopra indicati, al termine del percorso IVC {}.",
            d.id
        )),
    ];
    blocks.extend(labels::verification(
        "Attestato di validazione",
        &a.number,
        None,
        sha256,
    ));
    Ok(PdfDocument {
        title: "Attestato di validazione delle competenze".into(),
        subtitle: Some(heading(d)),
        language: "it-IT".into(),
        blocks,
        footer: labels::footer(&a.number, None, sha256),
    })
}

/// The certificate: the exam's outcome, the qualification certified with its EQF level, the
/// commission that decided, and the attestato it followed when there was one.
pub fn certificate(d: &ivc_dossier::Model, sha256: &str) -> Result<PdfDocument, AppError> {
    let number = d.certificate_number.clone().unwrap_or_default();
    let qualification = match (
        &d.certificate_qualification_code,
        &d.certificate_qualification_name,
        d.certificate_eqf_level,
    ) {
        (Some(code), Some(name), Some(eqf)) => format!("{code} {name} (EQF {eqf})"),
        _ => "—".into(),
    };
    let fields = vec![
        ("Numero".into(), number.clone()),
        ("Esito".into(), "superato".into()),
        ("Qualificazione".into(), qualification),
        (
            "Commissione d'esame".into(),
            or_dash(d.exam_commission.as_deref()),
        ),
        (
            "Sessione d'esame".into(),
            labels::maybe_date(d.exam_session_on),
        ),
        (
            "Data della decisione".into(),
            labels::maybe_date(d.certification_decided_on),
        ),
        ("Ente titolato".into(), d.provider.clone()),
        ("Percorso IVC".into(), d.id.clone()),
    ];
    let mut blocks = vec![Block::Fields(fields)];
    if let (Some(a), Some(p)) = (&d.attestato, &d.attestato_person) {
        let a: Attestato = parse(a)?;
        let person: PersonSnapshot = parse(p)?;
        blocks.push(Block::Heading("Intestatario".into()));
        blocks.push(labels::anagrafica(&person));
        blocks.push(Block::Heading(
            "Attestato di validazione di riferimento".into(),
        ));
        blocks.push(Block::Fields(attestato_fields(&a)));
    } else if let Some(p) = &d.transparency_person {
        let person: PersonSnapshot = parse(p)?;
        blocks.push(Block::Heading("Intestatario".into()));
        blocks.push(labels::anagrafica(&person));
    }
    blocks.extend(labels::verification("Certificato", &number, None, sha256));
    Ok(PdfDocument {
        title: "Certificato delle competenze".into(),
        subtitle: Some(heading(d)),
        language: "it-IT".into(),
        blocks,
        footer: labels::footer(&number, None, sha256),
    })
}
