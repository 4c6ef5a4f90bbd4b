//! The IVC output types: they wrap the store's rows and read relations through the loaders.

use super::loaders::{IvcCompetencesOf, IvcHistoryOf, IvcSessionsOf};
use super::records::*;
use crate::domain::ivc::content::Attestato;
use crate::domain::ivc::rules::{self, cost_cents};
use crate::domain::ivc::{IvcOutcome, ValidationResult};
use crate::domain::libretto::PersonSnapshot;
use crate::graphql::access;
use crate::graphql::enums;
use crate::graphql::libretto::{Evidence, PersonInfo, evidences_of};
use crate::graphql::scalars::Date;
use crate::graphql::store_loaders::loader;
use crate::state::AppState;
use crate::store::evidence::EvidenceOwner;
use crate::store::ivc::{session_facts, status_of};
use crate::store::libretto::from_json;
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entities::{ivc_dossier, ivc_session};

/// An IVC dossier (Individuazione, Validazione e Certificazione delle competenze, D.Lgs
/// 13/2013): one citizen's path through identification and validation (Fase A) and
/// certification (Fase B), its sessions and hours, the competences referred to the regional
/// repertoire, and the documents released.
pub struct IvcDossier(pub ivc_dossier::Model);

fn hours(minutes: i32) -> f64 {
    f64::from(minutes) / 60.0
}

fn euros(cents: i64) -> f64 {
    cents as f64 / 100.0
}

#[Object(guard = "access::IVC_DOSSIER")]
impl IvcDossier {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Give it back with every change: a stale one is a CONFLICT.
    async fn version(&self) -> i64 {
        self.0.version
    }
    /// The citizen's codice fiscale (exact: an omocode variant is another person).
    async fn fiscal_code(&self) -> &str {
        &self.0.fiscal_code
    }
    async fn region(&self) -> &str {
        &self.0.region
    }
    async fn status(&self) -> Result<enums::IvcStatus> {
        Ok(status_of(&self.0)?.into())
    }
    /// The states the dossier may move to next (empty once CLOSED).
    async fn allowed_transitions(&self) -> Result<Vec<enums::IvcStatus>> {
        Ok(status_of(&self.0)?
            .next()
            .iter()
            .map(|&s| s.into())
            .collect())
    }
    /// How the path ended (seed 003 classes); null while open.
    async fn outcome(&self) -> Option<enums::IvcOutcome> {
        self.0
            .outcome
            .as_deref()
            .and_then(IvcOutcome::parse)
            .map(Into::into)
    }
    async fn requested_on(&self) -> Date {
        Date(self.0.requested_on)
    }
    /// When the current state began.
    async fn state_since(&self) -> Date {
        Date(self.0.state_since)
    }
    /// Ente titolato delivering the service.
    async fn provider(&self) -> &str {
        &self.0.provider
    }
    async fn office(&self) -> Option<&str> {
        self.0.office.as_deref()
    }
    /// Funding programme, e.g. "IVC PLUS" (PR FSE+ 2021-2027).
    async fn program(&self) -> Option<&str> {
        self.0.program.as_deref()
    }
    /// A domicile in the region declared at the request (seed 003 "residenti o domiciliati").
    async fn domicile_province(&self) -> Option<&str> {
        self.0.domicile_province.as_deref()
    }
    /// Date the Modulo di adesione was signed.
    async fn adhesion_signed_on(&self) -> Option<Date> {
        self.0.adhesion_signed_on.map(Date)
    }
    /// Hours of every session so far, back office included (seed 003).
    async fn hours_used(&self) -> f64 {
        hours(self.0.minutes_used)
    }
    async fn hours_left(&self) -> f64 {
        hours((self.0.max_minutes - self.0.minutes_used).max(0))
    }
    /// The cap of the path when it was requested (seed 003: 26 hours).
    async fn max_hours(&self) -> f64 {
        hours(self.0.max_minutes)
    }
    /// Unit cost (UCS) per hour when the path was requested (seed 003: 40 €).
    async fn hourly_cost_eur(&self) -> f64 {
        euros(self.0.hourly_cost_cents)
    }
    /// hoursUsed × hourlyCostEur, to the cent.
    async fn cost_eur(&self) -> f64 {
        euros(cost_cents(
            i64::from(self.0.minutes_used),
            self.0.hourly_cost_cents,
        ))
    }
    /// Departures from the Toscana pilot's interview plan (seed 000: 2-4 interviews of 1-2
    /// hours); advice, not errors.
    async fn warnings(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let rows = sessions(ctx, &self.0.id).await?;
        let facts = rows
            .iter()
            .map(session_facts)
            .collect::<Result<Vec<_>, _>>()?;
        let policy = &ctx.data_unchecked::<AppState>().ivc;
        Ok(rules::warnings(
            self.0.transparency_released_on.is_some(),
            &facts,
            policy,
        ))
    }
    /// Interviews, tests and back office, in the order held.
    async fn sessions(&self, ctx: &Context<'_>) -> Result<Vec<IvcSession>> {
        Ok(sessions(ctx, &self.0.id)
            .await?
            .into_iter()
            .map(IvcSession)
            .collect())
    }
    async fn competences(&self, ctx: &Context<'_>) -> Result<Vec<IvcCompetence>> {
        let rows = loader(ctx)
            .load_one(IvcCompetencesOf(self.0.id.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(IvcCompetence).collect())
    }
    /// The dossier delle evidenze.
    async fn evidences(&self, ctx: &Context<'_>) -> Result<Vec<Evidence>> {
        evidences_of(ctx, EvidenceOwner::IvcDossier(self.0.id.clone())).await
    }
    /// Every state step, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<IvcTransition>> {
        let rows = loader(ctx)
            .load_one(IvcHistoryOf(self.0.id.clone()))
            .await?
            .unwrap_or_default();
        Ok(rows.into_iter().map(IvcTransition).collect())
    }
    /// Documento di trasparenza (DM 30/6/2015 art. 6 c.1), once released.
    async fn transparency_document(&self) -> Result<Option<IvcTransparencyDocument>> {
        let d = &self.0;
        let (Some(released_on), Some(person)) =
            (d.transparency_released_on, &d.transparency_person)
        else {
            return Ok(None);
        };
        let experiences: Vec<String> = match &d.experiences {
            Some(text) => from_json(text)?,
            None => Vec::new(),
        };
        Ok(Some(IvcTransparencyDocument {
            released_on: Date(released_on),
            kind: if d.libretto_id.is_some() {
                TransparencyKind::Libretto
            } else {
                TransparencyKind::CitizenDossier
            },
            anagrafica: PersonInfo(from_json(person)?),
            libretto_id: d.libretto_id.clone().map(ID),
            libretto_number: d.libretto_number.clone(),
            libretto_version: d.libretto_version,
            experiences,
        }))
    }
    /// The outcome of validation, once decided.
    async fn validation(&self) -> Option<IvcValidation> {
        Some(IvcValidation {
            result: ValidationResult::parse(self.0.validation_result.as_deref()?)?.into(),
            decided_on: Date(self.0.validation_decided_on?),
        })
    }
    /// Attestato di validazione (DM 30/6/2015 art. 6 c.2), once released.
    async fn attestato(&self) -> Result<Option<IvcAttestato>> {
        let (Some(attestato), Some(person)) = (&self.0.attestato, &self.0.attestato_person) else {
            return Ok(None);
        };
        let a: Attestato = from_json(attestato)?;
        let person: PersonSnapshot = from_json(person)?;
        Ok(Some(IvcAttestato {
            number: a.number,
            issued_on: Date(a.issued_on),
            public_body: a.public_body,
            authorised_provider: a.authorised_provider,
            ada_codes: a.ada_codes,
            qualification: IvcQualification {
                code: a.qualification_code,
                name: a.qualification_name,
                eqf_level: a.eqf_level,
            },
            learning_modes: a.learning_modes.into_iter().map(Into::into).collect(),
            assessment_modes: a.assessment_modes.into_iter().map(Into::into).collect(),
            anagrafica: PersonInfo(person),
        }))
    }
    /// Fase B, once the citizen was enrolled in an exam session.
    async fn certification(&self) -> Option<IvcCertification> {
        Some(IvcCertification {
            exam_session_on: Date(self.0.exam_session_on?),
            passed: self.0.certification_passed,
            certificate_number: self.0.certificate_number.clone(),
            decided_on: self.0.certification_decided_on.map(Date),
            qualification: match (
                &self.0.certificate_qualification_code,
                &self.0.certificate_qualification_name,
                self.0.certificate_eqf_level,
            ) {
                (Some(code), Some(name), Some(eqf)) => Some(IvcQualification {
                    code: code.clone(),
                    name: name.clone(),
                    eqf_level: i32::from(eqf),
                }),
                _ => None,
            },
            commission: self.0.exam_commission.clone(),
        })
    }
    async fn closed_on(&self) -> Option<Date> {
        self.0.closed_on.map(Date)
    }
    async fn close_reason(&self) -> Option<&str> {
        self.0.close_reason.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

async fn sessions(ctx: &Context<'_>, id: &str) -> Result<Vec<ivc_session::Model>> {
    Ok(loader(ctx)
        .load_one(IvcSessionsOf(id.to_owned()))
        .await?
        .unwrap_or_default())
}
