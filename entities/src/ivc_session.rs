//! One interview, test or back-office slot of an IVC path; its minutes count towards the cap.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "ivc_session")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub dossier_id: String,
    /// The dossier's state when the session was recorded.
    pub phase: String,
    pub kind: String,
    pub held_on: Date,
    pub minutes: i32,
    /// Id of the operator who held it.
    pub operator: String,
    pub operator_role: String,
    pub notes: Option<String>,
    /// V22: the content expert's own EQF level, at least the qualification's.
    pub assessor_eqf_level: Option<i16>,
    /// V22: the content expert declared no conflict of interest with the citizen.
    pub no_conflict_declared: Option<bool>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
