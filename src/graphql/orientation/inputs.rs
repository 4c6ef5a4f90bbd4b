//! The input objects of the orientation mutations; each names the citizen and the `version`
//! of their orientation record it read.

use crate::graphql::scalars::Date;
use crate::graphql::scalars::FiscalCodeScalar;
use async_graphql::{ID, InputObject, Upload};

/// Names the citizen's orientation record and the version read.
#[derive(InputObject)]
pub struct OrientationRefInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
}

#[derive(InputObject)]
pub struct PactMeasureInput {
    /// Code of `pactMeasures`.
    pub code: String,
    pub planned_on: Date,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct SignServicePactInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub signed_on: Date,
    /// As in `recordIntake`.
    pub office: Option<String>,
    /// Piano degli atti di ricerca attiva, in words.
    pub search_plan: Option<String>,
    pub profiling_notes: Option<String>,
    /// The CPI's own services (seed 001 "servizi che eroga il CPI").
    #[graphql(default)]
    pub measures: Vec<PactMeasureInput>,
    /// Services of other actors of the network, with their provider.
    #[graphql(default)]
    pub network_services: Vec<super::pact::NetworkServiceInput>,
    /// The person's own search actions.
    #[graphql(default)]
    pub own_actions: Vec<String>,
    /// Where the orientation points the person.
    pub outcome: Option<crate::graphql::enums::OrientationOutcome>,
}

#[derive(InputObject)]
pub struct AddPactMeasureInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub measure: PactMeasureInput,
}

#[derive(InputObject)]
pub struct UpdatePactMeasureInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub measure_id: ID,
    pub status: crate::graphql::enums::MeasureStatus,
    pub on: Date,
}

#[derive(InputObject)]
pub struct AddPropensityInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    /// ISTAT CP2011 code.
    pub occupation_code: String,
    pub occupation_label: String,
    #[graphql(default)]
    pub from_work: bool,
    #[graphql(default)]
    pub from_education: bool,
    #[graphql(default)]
    pub from_training: bool,
    /// Required (seed 001); optional here so its absence is reported by name.
    pub interview_on: Option<Date>,
    pub sep_sector: Option<String>,
    pub years_experience: Option<i32>,
    pub last_year_worked: Option<i32>,
    pub notes: Option<String>,
}

#[derive(InputObject)]
pub struct RemovePropensityInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    pub propensity_id: ID,
    /// The day it stops being active; today when left out.
    pub on: Option<Date>,
}

#[derive(InputObject)]
pub struct AddEducationTitleInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    /// SAP titolo di studio code (8 digits).
    pub code: String,
    pub year: Option<i32>,
}

#[derive(InputObject)]
pub struct UploadCvInput {
    pub fiscal_code: FiscalCodeScalar,
    pub version: i64,
    /// PDF only, at most `documents.max_file_bytes`.
    pub file: Upload,
}
