//! Who may read what: the one table of field-level authorization (DESIGN.md "Roles and
//! privacy"). Each rule is a `RoleGuard` constant attached next to what it protects with
//! `#[graphql(guard = "access::NAME")]` (a field) or `#[Object(guard = "access::NAME")]` /
//! a `SimpleObject`'s `#[graphql(guard = …)]` (every field of a type). The tests below walk
//! the schema: every object type and every root field needs a rule here or a reason in
//! `OPEN`, and every rule must be attached somewhere.

use super::scope::RequestScope;
use crate::auth::Role;
use crate::domain::FiscalCode;
use crate::error::AppError;
use async_graphql::{Context, Guard};
use std::sync::Arc;

/// Citizens' personal data: read by operators (audited) and administrators, and by the
/// citizen it is about. A citizen reaches these types only through the root fields ruled
/// `STAFF_OR_SELF`, `ADMIN_OR_SELF` or `SELF`, whose resolvers call `own` first.
const PERSONAL_DATA: &[Role] = &[Role::Operator, Role::Admin, Role::Citizen];
/// The CPI's work: lists and searches over many citizens, and writes.
const STAFF: &[Role] = &[Role::Operator, Role::Admin];
/// One citizen's data: staff, or the citizen themselves (`own`).
const STAFF_OR_SELF: &[Role] = PERSONAL_DATA;
/// The GDPR requests (art. 15, 20): an administrator for anyone, a citizen for themselves.
const ADMIN_OR_SELF: &[Role] = &[Role::Admin, Role::Citizen];
/// The citizen's own acts.
const SELF: &[Role] = &[Role::Citizen];
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

/// A citizen caller reads only their own fascicolo: the code of their token and the older
/// codes an administrator linked to it. Every root field whose rule lets a citizen in calls
/// this (or `is_own`) before it reads anything; other roles pass (their rule decides).
pub fn own(ctx: &Context<'_>, asked: &FiscalCode) -> Result<(), AppError> {
    if is_own(ctx, asked.as_str()) {
        return Ok(());
    }
    Err(AppError::Forbidden(
        "a citizen may read only their own data: ask with the codice fiscale of your token".into(),
    ))
}

/// Whether the caller may see what is stored under `fiscal_code`: always for staff; for a
/// citizen, only their own. A document found by id that is not the citizen's is answered as
/// absent, so ids tell nothing.
pub fn is_own(ctx: &Context<'_>, fiscal_code: &str) -> bool {
    let Some(scope) = ctx.data_opt::<Arc<RequestScope>>() else {
        return false;
    };
    match ctx.data_opt::<Arc<crate::domain::identity::LinkMap>>() {
        Some(links) => scope.principal.may_see(links, fiscal_code),
        // fail closed for a citizen when the links are missing
        None => scope.principal.role != Role::Citizen,
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
    QUERY_CITIZEN: "Query.citizen" => STAFF_OR_SELF,
    QUERY_CITIZENS: "Query.citizens" => STAFF_OR_SELF,
    QUERY_SEARCH_CITIZENS: "Query.searchCitizens" => STAFF,
    QUERY_SOURCES: "Query.sources" => OPERATIONS,
    QUERY_AUDIT_LOG: "Query.auditLog" => ADMIN,
    QUERY_ACCESS_REPORT: "Query.accessReport" => ADMIN_OR_SELF,
    QUERY_EXPORT_CITIZEN_DATA: "Query.exportCitizenData" => ADMIN_OR_SELF,
    QUERY_LIBRETTO: "Query.libretto" => STAFF_OR_SELF,
    QUERY_LIBRETTOS: "Query.librettos" => STAFF,
    QUERY_IVC_DOSSIER: "Query.ivcDossier" => STAFF_OR_SELF,
    QUERY_IVC_DOSSIERS: "Query.ivcDossiers" => STAFF,
    QUERY_PORTAL_CANDIDATES: "Query.portalCandidates" => PORTAL,
    QUERY_STATISTICS: "Query.statistics" => AGGREGATES,
    QUERY_IDENTITY_REVIEWS: "Query.identityReviews" => ADMIN,
    // every mutation but the citizen's own writes citizens' documents
    MUTATION: "Mutation" => STAFF,
    MUTATION_SET_MY_JOB_MATCHING_CONSENT: "Mutation.setMyJobMatchingConsent" => SELF,
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
    // identity: other codes are other people, flagged to the CPI's staff and to nobody else
    CITIZEN_POSSIBLE_OMOCODES: "Citizen.possibleOmocodes" => STAFF,
    POSSIBLE_OMOCODE: "PossibleOmocode" => STAFF,
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
    SERVICE_PACT_VERSION: "ServicePactVersion" => PERSONAL_DATA,
    PACT_TRANSITION: "PactTransition" => PERSONAL_DATA,
    NETWORK_SERVICE: "NetworkService" => PERSONAL_DATA,
    CONDITIONALITY_EVENT: "ConditionalityEvent" => PERSONAL_DATA,
    PROFILING: "Profiling" => PERSONAL_DATA,
    PROFILING_ASSESSMENT: "ProfilingAssessment" => PERSONAL_DATA,
    // an office's work list: who is due, for the CPI's staff only
    QUERY_PACTS_DUE: "Query.pactsDue" => STAFF,
    PACT_DUE: "PactDue" => STAFF,
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
    CITIZEN_ACCESS: "CitizenAccess" => ADMIN_OR_SELF,
    ACCESS_REPORT: "AccessReport" => ADMIN_OR_SELF,
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
