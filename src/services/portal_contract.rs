//! The portal push contract (README "Portal contract"): the body of a CV delivery and the
//! portal's receipt. The worker (`crate::portal`) sends it; `portalCandidates` shows the portal
//! role the same fields and nothing more.

use chrono::Utc;
use entities::propensity;
use serde::{Deserialize, Serialize};

/// What the portal answers to an accepted CV (201, or 200 for a key it has seen).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalReceipt {
    pub cv_id: String,
    /// The citizen was not registered: the portal pre-registered them (seed 001).
    #[serde(default)]
    pub pre_registered: bool,
}

/// The body of `POST <url>/cv`. Special categories (GDPR art. 9) are never part of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CvDelivery {
    pub idempotency_key: String,
    pub citizen: PortalCitizen,
    pub propensities: Vec<PortalPropensity>,
    pub education_titles: Vec<PortalEducationTitle>,
    pub cv: PortalCv,
}

impl CvDelivery {
    /// What the body discloses, by the contract's names, for the audit row: the citizen's
    /// fields that have a value, the lists that are not empty, the CV.
    pub fn data_categories(&self) -> Vec<&'static str> {
        let c = &self.citizen;
        let sent = [
            ("citizen.fiscalCode", true),
            ("citizen.givenName", c.given_name.is_some()),
            ("citizen.familyName", c.family_name.is_some()),
            ("citizen.birthDate", c.birth_date.is_some()),
            ("citizen.email", c.email.is_some()),
            ("citizen.phone", c.phone.is_some()),
            (
                "citizen.residenceMunicipality",
                c.residence_municipality.is_some(),
            ),
            ("citizen.residenceProvince", c.residence_province.is_some()),
            ("propensities", !self.propensities.is_empty()),
            ("educationTitles", !self.education_titles.is_empty()),
            ("cv", true),
        ];
        sent.into_iter()
            .filter_map(|(name, present)| present.then_some(name))
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalCitizen {
    pub fiscal_code: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<chrono::NaiveDate>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub residence_municipality: Option<String>,
    pub residence_province: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalPropensity {
    pub occupation_code: String,
    pub occupation_label: String,
    pub from_work: bool,
    pub from_education: bool,
    pub from_training: bool,
}

impl From<propensity::Model> for PortalPropensity {
    fn from(p: propensity::Model) -> Self {
        PortalPropensity {
            occupation_code: p.occupation_code,
            occupation_label: p.occupation_label,
            from_work: p.from_work,
            from_education: p.from_education,
            from_training: p.from_training,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalEducationTitle {
    pub code: String,
    pub label: Option<String>,
    pub year: Option<i16>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalCv {
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: chrono::DateTime<Utc>,
    pub valid_until: chrono::NaiveDate,
    pub content_base64: String,
}
