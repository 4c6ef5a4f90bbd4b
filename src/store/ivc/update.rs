//! What a lifecycle step writes on the dossier row, in the domain's terms: the service says
//! which documents and dates a step sets, the store turns them into columns (JSON text for
//! the snapshots and lists). A field left `None` leaves its columns as they are.

use crate::domain::ivc::content::Attestato;
use crate::domain::ivc::{IvcOutcome, ValidationResult};
use crate::domain::libretto::PersonSnapshot;
use crate::error::AppError;
use crate::store::libretto::to_json;
use chrono::NaiveDate;
use entities::ivc_dossier;
use sea_orm::Set;

#[derive(Default)]
pub struct DossierUpdate {
    pub adhesion_signed_on: Option<NaiveDate>,
    pub minutes_used: Option<i32>,
    /// The consolidated libretto the Documento di trasparenza refers to.
    pub libretto: Option<LibrettoRef>,
    pub transparency: Option<Transparency>,
    pub validation: Option<(ValidationResult, NaiveDate)>,
    /// The attestato and the anagrafica taken when it was issued.
    pub attestato: Option<(Attestato, PersonSnapshot)>,
    pub exam_session_on: Option<NaiveDate>,
    pub certification: Option<CertificationResult>,
    pub closing: Option<Closing>,
}

pub struct LibrettoRef {
    pub id: String,
    pub number: String,
    pub version: i32,
}

/// The Documento di trasparenza as released.
pub struct Transparency {
    pub released_on: NaiveDate,
    pub person: PersonSnapshot,
    pub experiences: Vec<String>,
}

pub struct CertificationResult {
    pub passed: bool,
    pub certificate_number: Option<String>,
    pub decided_on: NaiveDate,
    /// Code, name and EQF level of the qualification certified (a pass only).
    pub qualification: Option<(String, String, i16)>,
    pub commission: Option<String>,
}

pub struct Closing {
    pub outcome: IvcOutcome,
    pub closed_on: NaiveDate,
    pub reason: Option<String>,
}

impl DossierUpdate {
    /// The columns to set, the rest unchanged.
    pub(super) fn into_row(self) -> Result<ivc_dossier::ActiveModel, AppError> {
        let mut row = <ivc_dossier::ActiveModel as Default>::default();
        if let Some(on) = self.adhesion_signed_on {
            row.adhesion_signed_on = Set(Some(on));
        }
        if let Some(minutes) = self.minutes_used {
            row.minutes_used = Set(minutes);
        }
        if let Some(libretto) = self.libretto {
            row.libretto_id = Set(Some(libretto.id));
            row.libretto_number = Set(Some(libretto.number));
            row.libretto_version = Set(Some(libretto.version));
        }
        if let Some(t) = self.transparency {
            row.transparency_released_on = Set(Some(t.released_on));
            row.transparency_person = Set(Some(to_json(&t.person)?));
            row.experiences = Set(Some(to_json(&t.experiences)?));
        }
        if let Some((result, decided_on)) = self.validation {
            row.validation_result = Set(Some(result.as_str().to_owned()));
            row.validation_decided_on = Set(Some(decided_on));
        }
        if let Some((attestato, person)) = self.attestato {
            row.attestato_number = Set(Some(attestato.number.clone()));
            row.attestato_issued_on = Set(Some(attestato.issued_on));
            row.attestato = Set(Some(to_json(&attestato)?));
            row.attestato_person = Set(Some(to_json(&person)?));
        }
        if let Some(on) = self.exam_session_on {
            row.exam_session_on = Set(Some(on));
        }
        if let Some(c) = self.certification {
            row.certification_passed = Set(Some(c.passed));
            row.certificate_number = Set(c.certificate_number);
            row.certification_decided_on = Set(Some(c.decided_on));
            let (code, name, eqf) = match c.qualification {
                Some((code, name, eqf)) => (Some(code), Some(name), Some(eqf)),
                None => (None, None, None),
            };
            row.certificate_qualification_code = Set(code);
            row.certificate_qualification_name = Set(name);
            row.certificate_eqf_level = Set(eqf);
            row.exam_commission = Set(c.commission);
        }
        if let Some(c) = self.closing {
            row.outcome = Set(Some(c.outcome.as_str().to_owned()));
            row.closed_on = Set(Some(c.closed_on));
            row.close_reason = Set(c.reason);
        }
        Ok(row)
    }
}
