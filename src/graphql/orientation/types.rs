//! The output types of orientation: the pact and its measures, propensities, education
//! titles, the CV and its transfers to the portal, each wrapping its store row.

use super::today;
use crate::domain::orientation::{TransferStatus, cv_obsolete, cv_valid_until};
use crate::graphql::access;
use crate::graphql::enums;
use crate::graphql::scalars::Date;
use crate::state::AppState;
use crate::store::reference::EDUCATION_TITLE;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{cv, education_title, portal_transfer, propensity};

/// A code of a reference table with its label (null when the table no longer has it).
#[derive(SimpleObject)]
#[graphql(guard = "access::CODE_LABEL")]
pub struct CodeLabel {
    pub code: String,
    pub label: Option<String>,
}

impl CodeLabel {
    pub(super) fn of(state: &AppState, list: &str, code: String) -> Self {
        let label = state.reference.find(list, &code).map(|c| c.label.clone());
        CodeLabel { code, label }
    }
}

#[derive(SimpleObject)]
#[graphql(guard = "access::PACT_MEASURE")]
pub struct PactMeasure {
    pub id: ID,
    /// idolarti action code and label (seed 001).
    pub measure: CodeLabel,
    pub status: enums::MeasureStatus,
    pub planned_on: Date,
    pub started_on: Option<Date>,
    pub done_on: Option<Date>,
    pub notes: Option<String>,
}

/// A job propensity (seed 001).
pub struct Propensity(pub propensity::Model);

#[Object(guard = "access::PROPENSITY")]
impl Propensity {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// ISTAT CP2011.
    async fn occupation_code(&self) -> &str {
        &self.0.occupation_code
    }
    async fn occupation_label(&self) -> &str {
        &self.0.occupation_label
    }
    async fn from_work(&self) -> bool {
        self.0.from_work
    }
    async fn from_education(&self) -> bool {
        self.0.from_education
    }
    async fn from_training(&self) -> bool {
        self.0.from_training
    }
    async fn interview_on(&self) -> Date {
        Date(self.0.interview_on)
    }
    /// Counts among the three and goes to the portal; false once removed.
    async fn active(&self) -> bool {
        self.0.removed_on.is_none()
    }
    /// When it was removed, and by whom (it stays in the history).
    async fn removed_on(&self) -> Option<Date> {
        self.0.removed_on.map(Date)
    }
    async fn removed_by(&self) -> Option<&str> {
        self.0.removed_by.as_deref()
    }
    async fn sep_sector(&self) -> Option<&str> {
        self.0.sep_sector.as_deref()
    }
    async fn years_experience(&self) -> Option<i32> {
        self.0.years_experience.map(i32::from)
    }
    async fn last_year_worked(&self) -> Option<i32> {
        self.0.last_year_worked.map(i32::from)
    }
    /// Availability, licences, tools… (seed 001 keeps them in the notes).
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }
}

pub struct EducationTitle(pub education_title::Model);

#[Object(guard = "access::EDUCATION_TITLE")]
impl EducationTitle {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// SAP titolo di studio code (8 digits).
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn label(&self, ctx: &Context<'_>) -> Option<String> {
        ctx.data_unchecked::<AppState>()
            .reference
            .find(EDUCATION_TITLE, &self.0.code)
            .map(|c| c.label.clone())
    }
    async fn year(&self) -> Option<i32> {
        self.0.year.map(i32::from)
    }
}

/// The citizen's CV (PDF), valid 6 months from upload (seed 001).
pub struct Cv(pub cv::Model);

#[Object(guard = "access::CV")]
impl Cv {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }
    async fn uploaded_at(&self) -> DateTime<Utc> {
        self.0.uploaded_at
    }
    async fn uploaded_by(&self) -> &str {
        &self.0.uploaded_by
    }
    async fn valid_until(&self) -> Date {
        Date(cv_valid_until(self.0.uploaded_at.date_naive()))
    }
    /// Past `validUntil` today: the portal shows it as "CV obsoleto".
    async fn obsolete(&self) -> bool {
        cv_obsolete(self.0.uploaded_at.date_naive(), today())
    }
}

/// A CV transfer to the job portal: queued with the request, delivered by the worker.
pub struct PortalTransfer(pub portal_transfer::Model);

#[Object(guard = "access::PORTAL_TRANSFER")]
impl PortalTransfer {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn status(&self) -> Option<enums::TransferStatus> {
        TransferStatus::parse(&self.0.status).map(Into::into)
    }
    async fn cv_id(&self) -> ID {
        ID(self.0.cv_id.clone())
    }
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// When the next attempt is due (PENDING).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == TransferStatus::Pending.as_str()).then_some(self.0.next_attempt_at)
    }
    /// Why the last attempt did not deliver.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    /// CANCELLED: when the consent stopped it, and why (the consent's state then, and what
    /// the operator can do). On a DELIVERED transfer: an attempt begun before the consent
    /// changed reached the portal after all.
    async fn cancel_reason(&self) -> Option<&str> {
        self.0.cancel_reason.as_deref()
    }
    async fn cancelled_at(&self) -> Option<DateTime<Utc>> {
        self.0.cancelled_at
    }
    /// The portal's id of the CV.
    async fn portal_cv_id(&self) -> Option<&str> {
        self.0.portal_cv_id.as_deref()
    }
    /// The citizen was not registered on the portal and was pre-registered (seed 001).
    async fn pre_registered(&self) -> Option<bool> {
        self.0.pre_registered
    }
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn requested_by(&self) -> &str {
        &self.0.created_by
    }
}

#[derive(SimpleObject)]
pub struct MeasureInfo {
    pub code: String,
    pub label: String,
    pub min_minutes: Option<i32>,
    pub max_minutes: Option<i32>,
}
