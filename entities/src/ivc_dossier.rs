//! An IVC dossier (DOMAIN.md §2): the path of one citizen through identification, validation
//! and certification, with the documents released along it. Lists are JSON text.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "ivc_dossier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The citizen's exact codice fiscale.
    pub fiscal_code: String,
    pub region: String,
    pub status: String,
    /// Set when closed: DOSSIER_ONLY, DOSSIER_AND_ATTESTATO, QUALIFICATION or WITHDRAWN.
    pub outcome: Option<String>,
    pub requested_on: Date,
    /// When the current state began (business date).
    pub state_since: Date,
    /// Ente titolato delivering the service.
    pub provider: String,
    pub office: Option<String>,
    pub program: Option<String>,
    /// A domicile in the region declared at the request (province sigla), when the residence
    /// is elsewhere (seed 003 "residenti o domiciliati").
    pub domicile_province: Option<String>,
    pub adhesion_signed_on: Option<Date>,
    /// The cap and unit cost of the region when the dossier was requested (seed 003).
    pub max_minutes: i32,
    pub hourly_cost_cents: i64,
    pub minutes_used: i32,
    pub transparency_released_on: Option<Date>,
    /// JSON person snapshot (anagrafica) taken at the release.
    pub transparency_person: Option<String>,
    pub libretto_id: Option<String>,
    pub libretto_number: Option<String>,
    pub libretto_version: Option<i32>,
    /// JSON array of experience descriptions (Dossier del cittadino).
    pub experiences: Option<String>,
    pub validation_result: Option<String>,
    pub validation_decided_on: Option<Date>,
    pub attestato_number: Option<String>,
    pub attestato_issued_on: Option<Date>,
    /// JSON of the whole Attestato di validazione.
    pub attestato: Option<String>,
    /// JSON person snapshot taken when the attestato was issued.
    pub attestato_person: Option<String>,
    pub exam_session_on: Option<Date>,
    pub certification_passed: Option<bool>,
    pub certificate_number: Option<String>,
    pub certification_decided_on: Option<Date>,
    /// The qualification the certificate attests, its EQF level, and the exam commission
    /// (the third party of D.Lgs 13/2013 art. 5) that decided.
    pub certificate_qualification_code: Option<String>,
    pub certificate_qualification_name: Option<String>,
    pub certificate_eqf_level: Option<i16>,
    pub exam_commission: Option<String>,
    pub closed_on: Option<Date>,
    pub close_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
