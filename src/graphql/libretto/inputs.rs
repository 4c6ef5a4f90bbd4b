//! The libretto's input objects, and what turns them into the values the service takes:
//! the rule fields of `domain::libretto_rules`, an evidence with its upload read.

use crate::domain::libretto::rules::{self as rules, CompetenceFields, ExperienceFields};
use crate::error::AppError;
use crate::graphql::enums::{ExperienceKind, LearningContext, LibrettoStatus};
use crate::graphql::scalars::Date;
use crate::graphql::scalars::FiscalCodeScalar;
use crate::services::libretto::Target;
use crate::state::AppState;
use crate::store::evidence::{NewEvidence, UploadedFile};
use crate::store::reference::EVIDENCE_CATEGORY;
use async_graphql::{Context, ID, InputObject, Upload};
use chrono::Utc;
use std::io::Read;

#[derive(InputObject, Default)]
pub struct LibrettoFilter {
    /// Reporting territory (CPI area: a province name, or "Empoli").
    pub area: Option<String>,
    pub status: Option<LibrettoStatus>,
    /// Issued (first consolidated) on or after this date.
    pub issued_from: Option<Date>,
    /// Issued on or before this date.
    pub issued_to: Option<Date>,
    pub office: Option<String>,
}

#[derive(InputObject)]
pub struct OpenLibrettoInput {
    pub fiscal_code: FiscalCodeScalar,
    /// Issuing office (CPI): the token's; only an administrator may name another.
    pub office: Option<String>,
}

#[derive(InputObject)]
pub struct LibrettoStepInput {
    pub id: ID,
    /// The version the client read.
    pub version: i64,
}

#[derive(InputObject)]
pub struct ConsolidateLibrettoInput {
    pub id: ID,
    pub version: i64,
    /// The citizen signed the libretto (DOMAIN.md §9: "citizen signs").
    pub citizen_signed: bool,
}

#[derive(InputObject)]
pub struct LibrettoReasonInput {
    pub id: ID,
    pub version: i64,
    pub reason: String,
}

/// A self-declared experience, or the new values of an existing one.
#[derive(InputObject)]
pub struct LibrettoExperienceInput {
    pub libretto_id: ID,
    pub version: i64,
    /// Only to edit an existing experience.
    pub experience_id: Option<ID>,
    pub kind: ExperienceKind,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// COB contract type, valid at the start date (work).
    pub contract_type: Option<String>,
    /// End of the training period ("data fine periodo formativo"): required for an
    /// apprenticeship (A.03.xx), equal to `endDate` for a seasonal one (A.03.14), refused for
    /// any other contract (V5).
    pub training_period_end: Option<Date>,
    /// ISTAT CP2011 unità professionale (5 levels) of the shipped table (work; V8).
    pub occupation_code: Option<String>,
    /// ATECO 2007, `NN` to `NN.NN.NN` (work; V9: a code outside the shipped table is a
    /// warning).
    pub sector_code: Option<String>,
    pub weekly_hours: Option<f64>,
    /// education, vocational, internship or apprenticeship (training).
    pub training_kind: Option<String>,
    pub hours: Option<i32>,
    /// completed, qualified, withdrawn or ongoing (training).
    pub outcome: Option<String>,
    pub qualification_code: Option<String>,
    pub eqf_level: Option<i32>,
    pub description: Option<String>,
}

#[derive(InputObject)]
pub struct DropLibrettoExperienceInput {
    pub libretto_id: ID,
    pub version: i64,
    pub experience_id: ID,
    pub reason: Option<String>,
    /// Put a dropped experience back.
    #[graphql(default = false)]
    pub restore: bool,
}

#[derive(InputObject)]
pub struct LibrettoCompetenceInput {
    pub libretto_id: ID,
    pub version: i64,
    #[graphql(name = "type")]
    pub competence_type: String,
    pub description: String,
    pub context: LearningContext,
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    pub ada_code: Option<String>,
    /// Evidences of this libretto that support the competence.
    #[graphql(default)]
    pub evidence_ids: Vec<ID>,
}

#[derive(InputObject)]
pub struct LibrettoCompetenceRefInput {
    pub libretto_id: ID,
    pub version: i64,
    pub competence_id: ID,
    #[graphql(default)]
    pub evidence_ids: Vec<ID>,
}

/// An evidence for a libretto; the file (PDF, PNG or JPEG) travels as a GraphQL multipart
/// upload.
#[derive(InputObject)]
pub struct LibrettoEvidenceInput {
    pub libretto_id: ID,
    pub version: i64,
    /// Code of the evidence-category table.
    pub category: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued_on: Option<Date>,
    pub file: Option<Upload>,
}

/// Reads an uploaded file, one byte past `limit` at most, so that an oversize file is reported
/// by the size check rather than silently truncated.
pub fn read_upload(
    ctx: &Context<'_>,
    upload: &Upload,
    limit: usize,
) -> Result<UploadedFile, AppError> {
    let value = upload
        .value(ctx)
        .map_err(|e| AppError::bad_input("file", format!("file: cannot read the upload: {e}")))?;
    let mut content = Vec::new();
    value
        .content
        .take(u64::try_from(limit).unwrap_or(u64::MAX) + 1)
        .read_to_end(&mut content)
        .map_err(|e| AppError::bad_input("file", format!("file: cannot read the upload: {e}")))?;
    Ok(UploadedFile {
        name: value.filename,
        content,
    })
}

/// Validates an evidence's fields and reads its upload (shared with the IVC dossier).
#[expect(clippy::too_many_arguments, reason = "the fields of one input object")]
pub fn validated_evidence(
    ctx: &Context<'_>,
    state: &AppState,
    region: &str,
    category: String,
    title: &str,
    issuer: Option<String>,
    issued_on: Option<Date>,
    file: Option<Upload>,
) -> Result<NewEvidence, AppError> {
    state
        .reference
        .check("category", EVIDENCE_CATEGORY, &category, Some(region), None)?;
    let today = Utc::now().date_naive();
    rules::check_evidence(title, issuer.as_deref(), issued_on.map(|d| d.0), today)?;
    let file = file
        .map(|upload| read_upload(ctx, &upload, state.config.documents.max_file_bytes))
        .transpose()?;
    Ok(NewEvidence {
        category,
        title: title.trim().to_owned(),
        issuer,
        issued_on: issued_on.map(|d| d.0),
        file,
    })
}

/// The libretto and version an input names.
macro_rules! target_of {
    ($input:ty, $id:ident) => {
        impl $input {
            pub fn target(&self) -> Target<'_> {
                Target {
                    id: self.$id.as_str(),
                    version: self.version,
                }
            }
        }
    };
}

target_of!(LibrettoStepInput, id);
target_of!(ConsolidateLibrettoInput, id);
target_of!(LibrettoReasonInput, id);
target_of!(LibrettoExperienceInput, libretto_id);
target_of!(DropLibrettoExperienceInput, libretto_id);
target_of!(LibrettoCompetenceInput, libretto_id);
target_of!(LibrettoCompetenceRefInput, libretto_id);
target_of!(LibrettoEvidenceInput, libretto_id);

impl LibrettoExperienceInput {
    pub fn fields(&self) -> ExperienceFields {
        ExperienceFields {
            kind: self.kind.into(),
            organisation: self.organisation.clone(),
            title: self.title.clone(),
            start_date: self.start_date.map(|d| d.0),
            end_date: self.end_date.map(|d| d.0),
            contract_type: self.contract_type.clone(),
            training_period_end: self.training_period_end.map(|d| d.0),
            occupation_code: self.occupation_code.clone(),
            sector_code: self.sector_code.clone(),
            weekly_hours: self.weekly_hours,
            training_kind: self.training_kind.clone(),
            hours: self.hours,
            outcome: self.outcome.clone(),
            qualification_code: self.qualification_code.clone(),
            eqf_level: self.eqf_level,
            description: self.description.clone(),
        }
    }
}

impl LibrettoCompetenceInput {
    pub fn fields(&self) -> CompetenceFields {
        CompetenceFields {
            competence_type: self.competence_type.clone(),
            description: self.description.clone(),
            context: self.context.into(),
            period_from: self.period_from.map(|d| d.0),
            period_to: self.period_to.map(|d| d.0),
            ada_code: self.ada_code.clone(),
            evidence_ids: ids(&self.evidence_ids),
        }
    }
}

pub fn ids(ids: &[ID]) -> Vec<String> {
    ids.iter().map(|i| i.0.clone()).collect()
}
