//! A citizen's orientation record (seed 001): intake with the consent to job matching, special categories, the service pact's header. Its `version` guards every orientation write.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "orientation")]
pub struct Model {
    /// The citizen's exact fiscal code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub version: i64,
    pub intake_on: Date,
    pub intake_office: Option<String>,
    pub intake_by: String,
    /// Consent to the use of the data for job matching (incontro domanda/offerta), now.
    pub consent_matching: bool,
    /// The consent in force was given at the latest presa in carico (seed 001, V15).
    pub consent_at_intake: bool,
    pub consent_on: Option<Date>,
    pub consent_withdrawn_on: Option<Date>,
    /// JSON array of special_category codes (GDPR art. 9).
    pub special_categories: Option<String>,
    pub profiling_notes: Option<String>,
    pub pact_signed_on: Option<Date>,
    pub pact_office: Option<String>,
    pub pact_operator: Option<String>,
    pub search_plan: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
