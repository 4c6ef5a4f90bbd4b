//! Each giving or withdrawal of the consent to job matching: recorded, never deleted.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "consent_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub fiscal_code: String,
    pub given: bool,
    /// Recorded by a presa in carico (`recordIntake`, `recordNewIntake`), not by a later change.
    pub at_intake: bool,
    pub on_date: Date,
    pub at: DateTimeUtc,
    pub by: String,
    /// The citizen's own act (`setMyJobMatchingConsent`), not an operator's.
    pub by_citizen: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
