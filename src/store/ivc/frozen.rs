//! What an IVC dossier's released documents froze, as one JSON text each: the Documento di
//! trasparenza (the anagrafica and experiences taken at the release, the competences, which
//! change only during identification), the Attestato di validazione and the certificate. A
//! document's PDF shows this content, and its verification line carries the SHA-256 of this
//! text, so a printed copy can be checked against the store.

use crate::error::AppError;
use entities::{ivc_competence, ivc_dossier};
use serde_json::{Value, json};

fn parsed(text: &str) -> Result<Value, AppError> {
    crate::store::libretto::from_json(text)
}

/// The Documento di trasparenza, once released.
pub fn transparency(
    d: &ivc_dossier::Model,
    competences: &[ivc_competence::Model],
) -> Result<Option<String>, AppError> {
    let (Some(released_on), Some(person)) = (d.transparency_released_on, &d.transparency_person)
    else {
        return Ok(None);
    };
    let competences: Vec<Value> = competences
        .iter()
        .map(|c| {
            Ok(json!({
                "position": c.position,
                "description": c.description,
                "sepSector": c.sep_sector,
                "qualificationCode": c.qualification_code,
                "qualificationName": c.qualification_name,
                "adaCodes": parsed(&c.ada_codes)?,
                "eqfLevel": c.eqf_level,
                "learningContext": c.learning_context,
            }))
        })
        .collect::<Result<_, AppError>>()?;
    let experiences = match &d.experiences {
        Some(text) => parsed(text)?,
        None => json!([]),
    };
    Ok(Some(
        json!({
            "document": "transparency",
            "dossier": d.id,
            "region": d.region,
            "provider": d.provider,
            "releasedOn": released_on,
            "anagrafica": parsed(person)?,
            "libretto": d.libretto_id.as_ref().map(|id| json!({
                "id": id, "number": d.libretto_number, "version": d.libretto_version,
            })),
            "experiences": experiences,
            "competences": competences,
        })
        .to_string(),
    ))
}

/// The Attestato di validazione, once issued: its stored content and the anagrafica taken then.
pub fn attestato(d: &ivc_dossier::Model) -> Result<Option<String>, AppError> {
    let (Some(attestato), Some(person)) = (&d.attestato, &d.attestato_person) else {
        return Ok(None);
    };
    Ok(Some(
        json!({
            "document": "attestato",
            "dossier": d.id,
            "region": d.region,
            "attestato": parsed(attestato)?,
            "anagrafica": parsed(person)?,
        })
        .to_string(),
    ))
}

/// The certificate, once recorded: the exam's outcome, with the attestato it followed.
pub fn certificate(d: &ivc_dossier::Model) -> Result<Option<String>, AppError> {
    let (Some(number), Some(true), Some(decided_on)) = (
        &d.certificate_number,
        d.certification_passed,
        d.certification_decided_on,
    ) else {
        return Ok(None);
    };
    let attestato = match attestato(d)? {
        Some(text) => parsed(&text)?,
        None => Value::Null,
    };
    Ok(Some(
        json!({
            "document": "certificate",
            "dossier": d.id,
            "region": d.region,
            "provider": d.provider,
            "number": number,
            "examSessionOn": d.exam_session_on,
            "decidedOn": decided_on,
            "qualification": {
                "code": d.certificate_qualification_code,
                "name": d.certificate_qualification_name,
                "eqfLevel": d.certificate_eqf_level,
            },
            "commission": d.exam_commission,
            "attestato": attestato,
        })
        .to_string(),
    ))
}
