//! The job portal's own view (role `portal`): the citizens whose consent allows the transfer
//! of their CV (seed 001, V15), with what the push contract sends them (`crate::portal`) and
//! nothing more: no notes, no interview dates, no operator names.

use super::{CvsOf, OrientationOf, PropensitiesOf, current_cv, propensities};
use crate::domain::FiscalCode;
use crate::domain::orientation::{cv_obsolete, cv_valid_until};
use crate::error::AppError;
use crate::graphql::access;
use crate::graphql::scalars::{self, Date, FiscalCodeScalar};
use crate::graphql::scope::scope;
use crate::graphql::store_loaders::loader;
use crate::services::portal_contract::PortalPropensity as Sent;
use crate::state::AppState;
use crate::store::consent;
use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entities::cv;

/// What the portal may see of a citizen whose consent allows the transfer.
pub struct PortalCandidate(FiscalCode);

#[Object(guard = "access::PORTAL_CANDIDATE")]
impl PortalCandidate {
    async fn fiscal_code(&self) -> &str {
        self.0.as_str()
    }
    async fn propensities(&self, ctx: &Context<'_>) -> Result<Vec<PortalPropensity>> {
        scope(ctx).note_read(&self.0, "propensities");
        // only the active ones: a removed propensity is no longer the citizen's profile
        Ok(propensities(ctx, &self.0, false)
            .await?
            .into_iter()
            .map(|p| PortalPropensity(Sent::from(p.0)))
            .collect())
    }
    async fn cv(&self, ctx: &Context<'_>) -> Result<Option<PortalCv>> {
        scope(ctx).note_read(&self.0, "cv");
        Ok(current_cv(ctx, &self.0).await?.map(|cv| PortalCv(cv.0)))
    }
}

/// A job propensity as the portal receives it.
pub struct PortalPropensity(Sent);

#[Object(guard = "access::PORTAL_PROPENSITY")]
impl PortalPropensity {
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
}

/// The CV's description as the portal receives it (the file itself comes with the push).
pub struct PortalCv(cv::Model);

#[Object(guard = "access::PORTAL_CV")]
impl PortalCv {
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
    async fn valid_until(&self) -> Date {
        Date(cv_valid_until(self.0.uploaded_at.date_naive()))
    }
    /// Past `validUntil` today: "CV obsoleto" (seed 001).
    async fn obsolete(&self) -> bool {
        cv_obsolete(
            self.0.uploaded_at.date_naive(),
            chrono::Local::now().date_naive(),
        )
    }
}

#[derive(Default)]
pub struct PortalQuery;

#[Object]
impl PortalQuery {
    /// For the job portal (role `portal`, or `admin`): the citizens among `fiscalCodes` whose
    /// consent allows the transfer of their CV (given at the presa in carico, not withdrawn:
    /// seed 001), with their propensities and CV, in the order asked; `null` for the others,
    /// so a citizen without that consent is indistinguishable from an unknown one. Every
    /// answer is audited.
    #[graphql(guard = "access::QUERY_PORTAL_CANDIDATES")]
    async fn portal_candidates(
        &self,
        ctx: &Context<'_>,
        fiscal_codes: Vec<FiscalCodeScalar>,
    ) -> Result<Vec<Option<PortalCandidate>>> {
        let fiscal_codes = scalars::fiscal_codes(fiscal_codes);
        let state = ctx.data_unchecked::<AppState>();
        let max = state.config.limits.max_fiscal_codes;
        if fiscal_codes.len() > max {
            return Err(AppError::LimitExceeded {
                limit: "limits.max_fiscal_codes",
                max,
                message: format!("fiscalCodes: {} codes asked", fiscal_codes.len()),
            }
            .into());
        }
        // the exact code: an omocode variant is another person (DOMAIN.md §3.1)
        let keys = fiscal_codes;
        let records = loader(ctx)
            .load_many(keys.iter().cloned().map(OrientationOf))
            .await?;
        let consenting: Vec<FiscalCode> = keys
            .iter()
            .filter(|k| {
                records
                    .get(&OrientationOf((*k).clone()))
                    .is_some_and(|r| consent::of(r).allows_transfer())
            })
            .cloned()
            .collect();
        let l = loader(ctx);
        let _ = tokio::join!(
            l.load_many(consenting.iter().cloned().map(PropensitiesOf)),
            l.load_many(consenting.iter().cloned().map(CvsOf)),
        );
        // a candidate answered even with only `fiscalCode` tells that the person consents
        let scope = super::super::scope::scope(ctx);
        for code in &consenting {
            scope.note_lookup(code, "portalCandidates");
        }
        Ok(keys
            .into_iter()
            .map(|k| {
                let consented = consenting.contains(&k);
                consented.then_some(PortalCandidate(k))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::services::portal_contract::{PortalCv, PortalPropensity};
    use std::collections::BTreeSet;

    /// The fields of a GraphQL type of the schema.
    async fn fields_of(type_name: &str) -> BTreeSet<String> {
        let schema = crate::graphql::schema_builder().finish();
        let query = format!("{{ __type(name: \"{type_name}\") {{ fields {{ name }} }} }}");
        let data = schema.execute(query).await.data.into_json().unwrap();
        data["__type"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect()
    }

    fn keys_of(value: &impl serde::Serialize) -> BTreeSet<String> {
        let json = serde_json::to_value(value).unwrap();
        json.as_object().unwrap().keys().cloned().collect()
    }

    /// The portal's view holds nothing the push contract does not send (`obsolete` is
    /// `validUntil` read against today).
    #[tokio::test]
    async fn the_portal_view_is_the_push_contract() {
        let propensity = PortalPropensity {
            occupation_code: "5.1.2.2.0".into(),
            occupation_label: "Commesso".into(),
            from_work: true,
            from_education: false,
            from_training: false,
        };
        assert_eq!(fields_of("PortalPropensity").await, keys_of(&propensity));
        let cv = PortalCv {
            file_name: "cv.pdf".into(),
            media_type: "application/pdf".into(),
            size_bytes: 1,
            sha256: String::new(),
            uploaded_at: chrono::Utc::now(),
            valid_until: chrono::NaiveDate::MIN,
            content_base64: String::new(),
        };
        let mut view = fields_of("PortalCv").await;
        assert!(view.remove("obsolete"));
        assert!(view.is_subset(&keys_of(&cv)), "{view:?}");
    }
}
