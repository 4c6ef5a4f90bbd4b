//! What a dossier holds and releases, checked: competences referred to the regional
//! repertoire (DOMAIN.md §2.6), the Documento di trasparenza (V21) and the Attestato di
//! validazione (V20).

use super::SessionKind;
use super::rules::check_event_date;
use crate::error::DomainError;
use crate::libretto::{LearningContext, check_ada, check_eqf, check_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

// ---- competences (DOMAIN.md §2.6) ----

/// A competence referred to the regional repertoire, checked except for the SEP sector (a
/// reference table the store holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompetenceDraft {
    pub description: String,
    pub sep_sector: String,
    pub qualification_code: Option<String>,
    pub qualification_name: Option<String>,
    pub ada_codes: Vec<String>,
    pub eqf_level: Option<i32>,
    pub learning_context: LearningContext,
}

impl CompetenceDraft {
    pub fn check(&self) -> Result<(), DomainError> {
        check_text("description", &self.description, 2000)?;
        match (&self.qualification_code, &self.qualification_name) {
            (Some(code), Some(name)) => {
                check_text("qualificationCode", code, 64)?;
                check_text("qualificationName", name, 300)?;
            }
            (None, None) => {}
            (Some(_), None) => {
                return Err(DomainError::invalid(
                    "qualificationName",
                    "qualification_name_with_code",
                    "qualificationName: a repertoire qualification needs its name with its code",
                ));
            }
            (None, Some(_)) => {
                return Err(DomainError::invalid(
                    "qualificationCode",
                    "qualification_code_with_name",
                    "qualificationCode: a repertoire qualification needs its code with its name",
                ));
            }
        }
        for code in &self.ada_codes {
            check_ada("adaCodes", code)?;
        }
        if let Some(level) = self.eqf_level {
            check_eqf("eqfLevel", level)?;
        }
        Ok(())
    }
}

// ---- outputs (V20, V21) ----

/// The Attestato di validazione as the operator fills it; every element is required by
/// D.Lgs 13/2013 art. 6 and DM 30/6/2015 art. 6 c.2, so each is optional here to name all
/// the missing ones at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttestatoDraft {
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub public_body: Option<String>,
    pub authorised_provider: Option<String>,
    pub ada_codes: Vec<String>,
    pub qualification_code: Option<String>,
    pub qualification_name: Option<String>,
    pub eqf_level: Option<i32>,
    pub learning_modes: Vec<LearningContext>,
}

/// A complete attestato, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestato {
    pub number: String,
    pub issued_on: NaiveDate,
    /// Ente pubblico titolare.
    pub public_body: String,
    /// Ente titolato.
    pub authorised_provider: String,
    pub ada_codes: Vec<String>,
    pub qualification_code: String,
    pub qualification_name: String,
    pub eqf_level: i32,
    pub learning_modes: Vec<LearningContext>,
    pub assessment_modes: Vec<SessionKind>,
}

fn present(value: Option<&String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl AttestatoDraft {
    /// V20: every element present and well-formed, or BAD_USER_INPUT naming the first missing
    /// field and listing all of them.
    pub fn complete(
        &self,
        assessment_modes: Vec<SessionKind>,
        validation_since: NaiveDate,
        today: NaiveDate,
    ) -> Result<Attestato, DomainError> {
        let mut missing = Vec::new();
        let number = present(self.number.as_ref());
        let public_body = present(self.public_body.as_ref());
        let provider = present(self.authorised_provider.as_ref());
        let code = present(self.qualification_code.as_ref());
        let name = present(self.qualification_name.as_ref());
        for (field, absent) in [
            ("attestato.number", number.is_none()),
            ("attestato.issuedOn", self.issued_on.is_none()),
            ("attestato.publicBody", public_body.is_none()),
            ("attestato.authorisedProvider", provider.is_none()),
            ("attestato.adaCodes", self.ada_codes.is_empty()),
            ("attestato.qualificationCode", code.is_none()),
            ("attestato.qualificationName", name.is_none()),
            ("attestato.eqfLevel", self.eqf_level.is_none()),
            ("attestato.learningModes", self.learning_modes.is_empty()),
            ("assessment sessions", assessment_modes.is_empty()),
        ] {
            if absent {
                missing.push(field);
            }
        }
        let (
            Some(number),
            Some(issued_on),
            Some(public_body),
            Some(provider),
            Some(code),
            Some(name),
            Some(eqf),
            [_, ..],
            [_, ..],
            [_, ..],
        ) = (
            number,
            self.issued_on,
            public_body,
            provider,
            code,
            name,
            self.eqf_level,
            self.ada_codes.as_slice(),
            self.learning_modes.as_slice(),
            assessment_modes.as_slice(),
        )
        else {
            return Err(DomainError::invalid(
                missing.first().copied().unwrap_or("attestato"),
                "attestato_complete",
                format!(
                    "the Attestato di validazione must state {} (D.Lgs 13/2013 art. 6, DM \
                     30/6/2015 art. 6: ADA codes, repertoire qualification, ente titolare and \
                     titolato, learning and assessment modes)",
                    missing.join(", ")
                ),
            ));
        };
        check_text("attestato.number", &number, 40)?;
        check_text("attestato.publicBody", &public_body, 200)?;
        check_text("attestato.authorisedProvider", &provider, 200)?;
        check_text("attestato.qualificationCode", &code, 64)?;
        check_text("attestato.qualificationName", &name, 300)?;
        check_eqf("attestato.eqfLevel", eqf)?;
        for ada in &self.ada_codes {
            check_ada("attestato.adaCodes", ada)?;
        }
        check_event_date("attestato.issuedOn", issued_on, validation_since, today)?;
        let mut learning_modes = self.learning_modes.clone();
        learning_modes.dedup();
        Ok(Attestato {
            number,
            issued_on,
            public_body,
            authorised_provider: provider,
            ada_codes: self.ada_codes.clone(),
            qualification_code: code,
            qualification_name: name,
            eqf_level: eqf,
            learning_modes,
            assessment_modes,
        })
    }
}

/// V21: the experiences a Documento di trasparenza relates the competences to — a consolidated
/// libretto (Toscana) or typed descriptions (Piemonte "Dossier del cittadino").
pub fn check_transparency(
    competences: usize,
    libretto: bool,
    experiences: &[String],
) -> Result<(), DomainError> {
    if competences == 0 {
        return Err(DomainError::invalid(
            "competences",
            "competence_required",
            "competences: the Documento di trasparenza needs at least one competence identified \
             as potential object of validation (DM 30/6/2015 art. 6 c.1); add one with \
             addIvcCompetence",
        ));
    }
    for e in experiences {
        check_text("experiences", e, 2000)?;
    }
    if !libretto && experiences.is_empty() {
        return Err(DomainError::invalid(
            "experiences",
            "transparency_experiences",
            "experiences: the Documento di trasparenza needs the experiences related to the \
             competences (DM 30/6/2015 art. 6 c.1): give librettoId of a CONSOLIDATED libretto \
             (Toscana) or at least one experience (Dossier del cittadino)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_attestato_names_every_missing_element() {
        let today = d("2026-11-01");
        let err = AttestatoDraft::default()
            .complete(
                vec![SessionKind::TechnicalInterview],
                d("2026-01-01"),
                today,
            )
            .unwrap_err();
        let text = err.to_string();
        for f in [
            "attestato.number",
            "attestato.adaCodes",
            "attestato.learningModes",
        ] {
            assert!(text.contains(f), "{text}");
        }
        let draft = AttestatoDraft {
            number: Some("PIE-2026-1".into()),
            issued_on: Some(d("2026-10-01")),
            public_body: Some("Regione".into()),
            authorised_provider: Some("Ente".into()),
            ada_codes: vec![],
            qualification_code: Some("Q1".into()),
            qualification_name: Some("Operatore".into()),
            eqf_level: Some(3),
            learning_modes: vec![LearningContext::Informal],
        };
        match draft.complete(
            vec![SessionKind::TechnicalInterview],
            d("2026-01-01"),
            today,
        ) {
            Err(err @ DomainError::Invalid { .. }) => {
                assert_eq!(err.field(), Some("attestato.adaCodes"));
            }
            other => panic!("{other:?}"),
        }
        let ok = AttestatoDraft {
            ada_codes: vec!["ADA.22.01.07".into()],
            ..draft
        };
        assert!(
            ok.complete(
                vec![SessionKind::TechnicalInterview],
                d("2026-01-01"),
                today
            )
            .is_ok()
        );
        let bad = AttestatoDraft {
            eqf_level: Some(9),
            ..ok
        };
        assert!(
            bad.complete(
                vec![SessionKind::TechnicalInterview],
                d("2026-01-01"),
                today
            )
            .is_err()
        );
    }

    #[test]
    fn transparency_needs_competences_and_experiences() {
        assert!(check_transparency(0, true, &[]).is_err());
        assert!(check_transparency(1, false, &[]).is_err());
        assert!(check_transparency(1, true, &[]).is_ok());
        assert!(check_transparency(1, false, &["Cuoco 2010-2020".into()]).is_ok());
    }
}
