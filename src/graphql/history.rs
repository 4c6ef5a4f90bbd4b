//! A citizen's employments and trainings as the regional sources record them, each row with
//! its source, its freshness and, for a row of an older code linked to the citizen, the link.

use super::access;
use super::identity::FiscalCodeLink;
use super::person::age_seconds;
use super::plain::{PlainFields, ToPlain, Walk};
use super::scalars::Date;
use crate::domain::codes;
use crate::sources::contract::{EmploymentRow, TrainingRow};
use crate::sources::merge::Sourced;
use async_graphql::parser::types::Field as GqlField;
use async_graphql::{Object, Positioned, Value};

/// An employment relationship (COB/UNILAV) as a regional source records it.
pub struct Employment(pub Sourced<EmploymentRow>);

impl Employment {
    fn is_current(&self) -> bool {
        let today = chrono::Local::now().date_naive();
        self.0.row.end_date.is_none_or(|end| end >= today)
    }

    fn contract_label(&self) -> Option<&'static str> {
        codes::contract_type(self.0.row.contract_type.as_deref()?).map(|c| c.description)
    }

    fn contract_in_force_at_start(&self) -> Option<bool> {
        codes::contract_type(self.0.row.contract_type.as_deref()?)
            .map(|c| c.valid_at(self.0.row.start_date))
    }
}

#[Object(guard = "access::EMPLOYMENT")]
impl Employment {
    /// Regional source the row comes from.
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// Set when the row is stored under an older code an administrator linked to the
    /// citizen's (`linkFiscalCodes`): the link it is shown through.
    async fn linked_from(&self) -> Option<FiscalCodeLink> {
        self.0.link.as_deref().map(FiscalCodeLink::from)
    }
    /// The source failed and this row is from its last good answer (`stale_ttl_ms`).
    async fn stale(&self) -> bool {
        self.0.freshness.stale
    }
    /// Seconds since the source gave this row, when it came from the cache; null when the
    /// source was asked for this request.
    async fn age_seconds(&self) -> Option<i64> {
        age_seconds(self.0.freshness)
    }
    /// Row id in that source (`gw_employment.id`).
    async fn source_row_id(&self) -> String {
        self.0.row.id.to_string()
    }
    async fn employer_tax_code(&self) -> Option<&str> {
        self.0.row.employer_tax_code.as_deref()
    }
    async fn employer_name(&self) -> Option<&str> {
        self.0.row.employer_name.as_deref()
    }
    async fn start_date(&self) -> Date {
        Date(self.0.row.start_date)
    }
    async fn end_date(&self) -> Option<Date> {
        self.0.row.end_date.map(Date)
    }
    /// True while the relationship has no end date, or ends in the future.
    async fn current(&self) -> bool {
        self.is_current()
    }
    /// COB contract type code, e.g. `A.01.00`.
    async fn contract_type(&self) -> Option<&str> {
        self.0.row.contract_type.as_deref()
    }
    /// Ministerial description of the contract type.
    async fn contract_type_label(&self) -> Option<&'static str> {
        self.contract_label()
    }
    /// Whether the contract type code was in force at the start date (DOMAIN.md V4);
    /// null when the code is unknown to the reference table.
    async fn contract_type_valid_at_start(&self) -> Option<bool> {
        self.contract_in_force_at_start()
    }
    /// ISTAT CP2011 occupation.
    async fn occupation_code(&self) -> Option<&str> {
        self.0.row.occupation_code.as_deref()
    }
    /// ATECO sector.
    async fn sector_code(&self) -> Option<&str> {
        self.0.row.sector_code.as_deref()
    }
    async fn weekly_hours(&self) -> Option<f64> {
        self.0.row.weekly_hours
    }
    /// ISTAT code of the workplace comune.
    async fn workplace_municipality(&self) -> Option<&str> {
        self.0.row.workplace_municipality.as_deref()
    }
}

impl PlainFields for Employment {
    const RULE: access::RoleGuard = access::EMPLOYMENT;

    fn plain_field(&self, field: &Positioned<GqlField>, walk: &Walk<'_>) -> Option<Value> {
        let row = &self.0.row;
        Some(match field.node.name.node.as_str() {
            "source" => (*self.0.source).to_plain(),
            "linkedFrom" => super::identity::plain_link(self.0.link.as_deref(), field, walk)?,
            "stale" => self.0.freshness.stale.to_plain(),
            "ageSeconds" => age_seconds(self.0.freshness).to_plain(),
            "sourceRowId" => row.id.to_string().to_plain(),
            "employerTaxCode" => row.employer_tax_code.as_deref().to_plain(),
            "employerName" => row.employer_name.as_deref().to_plain(),
            "startDate" => Date(row.start_date).to_plain(),
            "endDate" => row.end_date.map(Date).to_plain(),
            "current" => self.is_current().to_plain(),
            "contractType" => row.contract_type.as_deref().to_plain(),
            "contractTypeLabel" => self.contract_label().to_plain(),
            "contractTypeValidAtStart" => self.contract_in_force_at_start().to_plain(),
            "occupationCode" => row.occupation_code.as_deref().to_plain(),
            "sectorCode" => row.sector_code.as_deref().to_plain(),
            "weeklyHours" => row.weekly_hours.to_plain(),
            "workplaceMunicipality" => row.workplace_municipality.as_deref().to_plain(),
            _ => return None,
        })
    }
}

/// Education or training as a regional source records it.
pub struct Training(pub Sourced<TrainingRow>);

#[Object(guard = "access::TRAINING")]
impl Training {
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// Set when the row is stored under an older code an administrator linked to the
    /// citizen's (`linkFiscalCodes`): the link it is shown through.
    async fn linked_from(&self) -> Option<FiscalCodeLink> {
        self.0.link.as_deref().map(FiscalCodeLink::from)
    }
    /// The source failed and this row is from its last good answer (`stale_ttl_ms`).
    async fn stale(&self) -> bool {
        self.0.freshness.stale
    }
    /// Seconds since the source gave this row, when it came from the cache; null when the
    /// source was asked for this request.
    async fn age_seconds(&self) -> Option<i64> {
        age_seconds(self.0.freshness)
    }
    /// Row id in that source (`gw_training.id`).
    async fn source_row_id(&self) -> String {
        self.0.row.id.to_string()
    }
    /// education, vocational, internship or apprenticeship.
    async fn kind(&self) -> Option<&str> {
        self.0.row.kind.as_deref()
    }
    async fn title(&self) -> Option<&str> {
        self.0.row.title.as_deref()
    }
    async fn provider_name(&self) -> Option<&str> {
        self.0.row.provider_name.as_deref()
    }
    async fn start_date(&self) -> Option<Date> {
        self.0.row.start_date.map(Date)
    }
    async fn end_date(&self) -> Option<Date> {
        self.0.row.end_date.map(Date)
    }
    async fn hours(&self) -> Option<i64> {
        self.0.row.hours
    }
    /// completed, qualified, withdrawn or ongoing.
    async fn outcome(&self) -> Option<&str> {
        self.0.row.outcome.as_deref()
    }
    async fn qualification_code(&self) -> Option<&str> {
        self.0.row.qualification_code.as_deref()
    }
    /// EQF level 1-8.
    async fn eqf_level(&self) -> Option<i64> {
        self.0.row.eqf_level
    }
}

impl PlainFields for Training {
    const RULE: access::RoleGuard = access::TRAINING;

    fn plain_field(&self, field: &Positioned<GqlField>, walk: &Walk<'_>) -> Option<Value> {
        let row = &self.0.row;
        Some(match field.node.name.node.as_str() {
            "source" => (*self.0.source).to_plain(),
            "linkedFrom" => super::identity::plain_link(self.0.link.as_deref(), field, walk)?,
            "stale" => self.0.freshness.stale.to_plain(),
            "ageSeconds" => age_seconds(self.0.freshness).to_plain(),
            "sourceRowId" => row.id.to_string().to_plain(),
            "kind" => row.kind.as_deref().to_plain(),
            "title" => row.title.as_deref().to_plain(),
            "providerName" => row.provider_name.as_deref().to_plain(),
            "startDate" => row.start_date.map(Date).to_plain(),
            "endDate" => row.end_date.map(Date).to_plain(),
            "hours" => row.hours.to_plain(),
            "outcome" => row.outcome.as_deref().to_plain(),
            "qualificationCode" => row.qualification_code.as_deref().to_plain(),
            "eqfLevel" => row.eqf_level.to_plain(),
            _ => return None,
        })
    }
}
