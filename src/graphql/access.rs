//! Who may read what: the one table of field-level authorization (DESIGN.md "Roles and
//! privacy"). Each rule is a `RoleGuard` constant attached next to what it protects with
//! `#[graphql(guard = "access::NAME")]` (a field) or `#[Object(guard = "access::NAME")]` /
//! a `SimpleObject`'s `#[graphql(guard = …)]` (every field of a type). The tests below walk
//! the schema: every object type and every root field needs a rule here or a reason in
//! `OPEN`, and every rule must be attached somewhere.

use super::scope::RequestScope;
use crate::auth::Role;
use crate::error::AppError;
use async_graphql::{Context, Guard};
use std::sync::Arc;

/// Citizens' personal data: read by operators (audited) and administrators.
const PERSONAL_DATA: &[Role] = &[Role::Operator, Role::Admin];
const PORTAL: &[Role] = &[Role::Portal, Role::Admin];
const ADMIN: &[Role] = &[Role::Admin];
const AGGREGATES: &[Role] = &[Role::Reporting, Role::Admin];
const OPERATIONS: &[Role] = &[Role::Operator, Role::Admin];

/// A role rule on a type (`"Citizen"`: every field) or on one field (`"Query.citizen"`).
#[derive(Debug, Clone, Copy)]
pub struct RoleGuard {
    pub on: &'static str,
    pub roles: &'static [Role],
}

impl RoleGuard {
    /// Whether `role` passes this rule (`check` is the guard async-graphql runs).
    pub fn allows(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        // fail closed if someone runs the schema without a caller
        let Some(scope) = ctx.data_opt::<Arc<RequestScope>>() else {
            return Err(
                AppError::Forbidden(format!("{} needs an authenticated caller", self.on)).into(),
            );
        };
        let role = scope.principal.role;
        if self.allows(role) {
            return Ok(());
        }
        let allowed: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
        let message = if self.on == MUTATION.on {
            format!(
                "role {} may not write citizens' data (allowed: {})",
                role.as_str(),
                allowed.join(", ")
            )
        } else if self.roles == PERSONAL_DATA {
            format!(
                "role {} may not read citizens' personal data",
                role.as_str()
            )
        } else {
            format!(
                "role {} may not use {} (allowed: {})",
                role.as_str(),
                self.on,
                allowed.join(", ")
            )
        };
        Err(AppError::Forbidden(message).into())
    }
}

macro_rules! rules {
    ($($name:ident: $on:literal => $roles:ident,)*) => {
        $(pub const $name: RoleGuard = RoleGuard { on: $on, roles: $roles };)*
        /// Every rule, for the tests and for reading.
        pub const RULES: &[(&str, RoleGuard)] = &[$((stringify!($name), $name)),*];
    };
}

rules! {
    // root fields
    QUERY_CITIZEN: "Query.citizen" => PERSONAL_DATA,
    QUERY_CITIZENS: "Query.citizens" => PERSONAL_DATA,
    QUERY_SEARCH_CITIZENS: "Query.searchCitizens" => PERSONAL_DATA,
    QUERY_SOURCES: "Query.sources" => OPERATIONS,
    QUERY_AUDIT_LOG: "Query.auditLog" => ADMIN,
    QUERY_ACCESS_REPORT: "Query.accessReport" => ADMIN,
    QUERY_EXPORT_CITIZEN_DATA: "Query.exportCitizenData" => ADMIN,
    QUERY_LIBRETTO: "Query.libretto" => PERSONAL_DATA,
    QUERY_LIBRETTOS: "Query.librettos" => PERSONAL_DATA,
    QUERY_IVC_DOSSIER: "Query.ivcDossier" => PERSONAL_DATA,
    QUERY_IVC_DOSSIERS: "Query.ivcDossiers" => PERSONAL_DATA,
    QUERY_PORTAL_CANDIDATES: "Query.portalCandidates" => PORTAL,
    QUERY_STATISTICS: "Query.statistics" => AGGREGATES,
    QUERY_IDENTITY_REVIEWS: "Query.identityReviews" => ADMIN,
    // every mutation writes citizens' documents
    MUTATION: "Mutation" => PERSONAL_DATA,
    // identity (DOMAIN.md §3.1): joining or separating codes is an administrator's act
    MUTATION_LINK_FISCAL_CODES: "Mutation.linkFiscalCodes" => ADMIN,
    MUTATION_UNLINK_FISCAL_CODES: "Mutation.unlinkFiscalCodes" => ADMIN,
    MUTATION_RESOLVE_IDENTITY_REVIEW: "Mutation.resolveIdentityReview" => ADMIN,
    // the citizen profile
    CITIZEN: "Citizen" => PERSONAL_DATA,
    PERSON: "Person" => PERSONAL_DATA,
    PERSON_SOURCE: "PersonSource" => PERSONAL_DATA,
    FIELD_PROVENANCE: "FieldProvenance" => PERSONAL_DATA,
    EMPLOYMENT: "Employment" => PERSONAL_DATA,
    TRAINING: "Training" => PERSONAL_DATA,
    // identity: other codes are flagged to the CPI's operators, never to anyone else
    CITIZEN_POSSIBLE_OMOCODES: "Citizen.possibleOmocodes" => PERSONAL_DATA,
    POSSIBLE_OMOCODE: "PossibleOmocode" => PERSONAL_DATA,
    FISCAL_CODE_LINK: "FiscalCodeLink" => PERSONAL_DATA,
    IDENTITY_REVIEW: "IdentityReview" => ADMIN,
    // libretto formativo
    LIBRETTO: "Libretto" => PERSONAL_DATA,
    PERSON_INFO: "PersonInfo" => PERSONAL_DATA,
    LIBRETTO_EXPERIENCE: "LibrettoExperience" => PERSONAL_DATA,
    LIBRETTO_COMPETENCE: "LibrettoCompetence" => PERSONAL_DATA,
    EVIDENCE: "Evidence" => PERSONAL_DATA,
    EVIDENCE_FILE_INFO: "EvidenceFileInfo" => PERSONAL_DATA,
    LIBRETTO_VERSION: "LibrettoVersion" => PERSONAL_DATA,
    LIBRETTO_TRANSITION: "LibrettoTransition" => PERSONAL_DATA,
    // IVC dossiers
    IVC_DOSSIER: "IvcDossier" => PERSONAL_DATA,
    IVC_SESSION: "IvcSession" => PERSONAL_DATA,
    IVC_COMPETENCE: "IvcCompetence" => PERSONAL_DATA,
    IVC_TRANSITION: "IvcTransition" => PERSONAL_DATA,
    IVC_TRANSPARENCY_DOCUMENT: "IvcTransparencyDocument" => PERSONAL_DATA,
    IVC_VALIDATION: "IvcValidation" => PERSONAL_DATA,
    IVC_QUALIFICATION: "IvcQualification" => PERSONAL_DATA,
    IVC_ATTESTATO: "IvcAttestato" => PERSONAL_DATA,
    IVC_CERTIFICATION: "IvcCertification" => PERSONAL_DATA,
    // orientation
    ORIENTATION_RECORD: "OrientationRecord" => PERSONAL_DATA,
    // GDPR art. 9: never for the portal, whatever the record's rule becomes
    ORIENTATION_SPECIAL_CATEGORIES: "OrientationRecord.specialCategories" => PERSONAL_DATA,
    CONSENT: "Consent" => PERSONAL_DATA,
    CONSENT_CHANGE: "ConsentChange" => PERSONAL_DATA,
    CODE_LABEL: "CodeLabel" => PERSONAL_DATA,
    SERVICE_PACT: "ServicePact" => PERSONAL_DATA,
    PACT_MEASURE: "PactMeasure" => PERSONAL_DATA,
    EDUCATION_TITLE: "EducationTitle" => PERSONAL_DATA,
    PORTAL_TRANSFER: "PortalTransfer" => PERSONAL_DATA,
    PROPENSITY: "Propensity" => PERSONAL_DATA,
    CV: "Cv" => PERSONAL_DATA,
    PORTAL_CANDIDATE: "PortalCandidate" => PORTAL,
    PORTAL_PROPENSITY: "PortalPropensity" => PORTAL,
    PORTAL_CV: "PortalCv" => PORTAL,
    // audit log and the citizen's access report
    AUDIT_ENTRY: "AuditEntry" => ADMIN,
    CITIZEN_ACCESS: "CitizenAccess" => ADMIN,
    ACCESS_REPORT: "AccessReport" => ADMIN,
    // operations
    SOURCE_STATUS: "SourceStatus" => OPERATIONS,
    // aggregates
    STATISTICS: "Statistics" => AGGREGATES,
    LIBRETTO_STATISTICS: "LibrettoStatistics" => AGGREGATES,
    IVC_STATISTICS: "IvcStatistics" => AGGREGATES,
    IVC_TOTALS: "IvcTotals" => AGGREGATES,
    ORIENTATION_STATISTICS: "OrientationStatistics" => AGGREGATES,
    BREAKDOWN: "Breakdown" => AGGREGATES,
    CELL: "Cell" => AGGREGATES,
}

/// Root fields and types every authenticated role may read, with the reason.
pub const OPEN: &[(&str, &str)] = &[
    (
        "Query.pactMeasures",
        "the reference table of pact measures: no personal data",
    ),
    (
        "MeasureInfo",
        "a row of the reference table of pact measures",
    ),
    ("PageInfo", "pagination cursors"),
];

/// Generated pagination wrappers (`…Connection`, `…Edge`): they hold no data of their own and
/// are reached only through a guarded root field; their nodes are guarded types.
pub fn is_wrapper(type_name: &str) -> bool {
    type_name.ends_with("Connection") || type_name.ends_with("Edge")
}

#[cfg(test)]
mod tests;
