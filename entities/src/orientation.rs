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
    /// `PactStatus` (domain::pact); null before a pact is drafted or signed.
    pub pact_status: Option<String>,
    /// Signed versions frozen in `pact_version`.
    pub pact_versions: i32,
    /// JSON of the pact's working content (the plan being agreed).
    pub pact_draft: Option<String>,
    /// `UserCategory` (domain::pact): what sets when the pact is due (V16).
    pub user_category: Option<String>,
    /// When the category began: the DID, the INPS application, the Garanzia Giovani adhesion.
    pub category_since: Option<Date>,
    /// The day the pact is due at the latest (V16), while it is not signed.
    pub pact_due_on: Option<Date>,
    /// JSON of the structured profiling (seed 001 "profilazione qualitativa").
    pub profiling: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
