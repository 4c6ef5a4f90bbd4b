//! Every report, by the name its CSV export takes (`/reports/<name>.csv`), with what it
//! counts (`store::reporting`) and how its keys are published.

use crate::domain::codes::FOREIGN_STATES;
use crate::store::reference::{EVIDENCE_CATEGORY, PACT_MEASURE, SEP_SECTOR};
use crate::store::reporting::{
    self as store, IvcScope, LibrettoScope, Measured, ivc, libretti, orientation,
};
use sea_orm::ConnectionTrait;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    LibrettiByArea,
    LibrettiByStatus,
    LibrettiByOffice,
    LibrettiByIssueYear,
    LibrettiCitizensByGender,
    LibrettiCitizensByAgeBand,
    LibrettiEvidencesByCategory,
    LibrettiExperiencesByOrigin,
    IvcRequestsByYear,
    IvcDossiersByYear,
    IvcAttestatiByYear,
    IvcOutcomes,
    IvcOutcomeShares,
    IvcByProvince,
    IvcByOffice,
    IvcBySector,
    IvcUsersByOrigin,
    IvcUsersByCitizenship,
    OrientationMeasuresByCode,
    OrientationPropensitiesByOccupationGroup,
    OrientationCvs,
    OrientationPortalTransfers,
}

/// Whose population a report counts (which filters apply to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Libretti,
    Ivc,
    Orientation,
}

/// How a report's keys are published: as counted, or as sums over the (area, office) key —
/// its first or second part —, and whether the keys are years (whose ranges a filter asks
/// for, so their sums are protected too); `Unions`: as counted, and beside them named sums of
/// them (protected as groups, so that no sum gives a withheld class away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Codes,
    Years,
    Territory(usize),
    Unions(&'static [Union]),
}

/// A key published as the sum of other keys.
pub type Union = (&'static str, &'static [&'static str]);

/// Seed 003's shares of users with a dossier: "DOSSIER 21%", "Dossier + ATTESTATO DI
/// VALIDAZIONE 79%" — the qualified included, who passed validation on the way, or went
/// straight from it to the exam (V24) — and "circa il 15%" with a full qualification, which
/// is the class QUALIFICATION itself.
pub const OUTCOME_SHARES: &[Union] = &[(
    "WITH_ATTESTATO",
    &["DOSSIER_AND_ATTESTATO", "QUALIFICATION"],
)];

impl Report {
    pub const ALL: [Report; 22] = [
        Self::LibrettiByArea,
        Self::LibrettiByStatus,
        Self::LibrettiByOffice,
        Self::LibrettiByIssueYear,
        Self::LibrettiCitizensByGender,
        Self::LibrettiCitizensByAgeBand,
        Self::LibrettiEvidencesByCategory,
        Self::LibrettiExperiencesByOrigin,
        Self::IvcRequestsByYear,
        Self::IvcDossiersByYear,
        Self::IvcAttestatiByYear,
        Self::IvcOutcomes,
        Self::IvcOutcomeShares,
        Self::IvcByProvince,
        Self::IvcByOffice,
        Self::IvcBySector,
        Self::IvcUsersByOrigin,
        Self::IvcUsersByCitizenship,
        Self::OrientationMeasuresByCode,
        Self::OrientationPropensitiesByOccupationGroup,
        Self::OrientationCvs,
        Self::OrientationPortalTransfers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::LibrettiByArea => "libretti-by-area",
            Self::LibrettiByStatus => "libretti-by-status",
            Self::LibrettiByOffice => "libretti-by-office",
            Self::LibrettiByIssueYear => "libretti-by-issue-year",
            Self::LibrettiCitizensByGender => "libretti-citizens-by-gender",
            Self::LibrettiCitizensByAgeBand => "libretti-citizens-by-age-band",
            Self::LibrettiEvidencesByCategory => "libretti-evidences-by-category",
            Self::LibrettiExperiencesByOrigin => "libretti-experiences-by-origin",
            Self::IvcRequestsByYear => "ivc-requests-by-year",
            Self::IvcDossiersByYear => "ivc-dossiers-by-year",
            Self::IvcAttestatiByYear => "ivc-attestati-by-year",
            Self::IvcOutcomes => "ivc-outcomes",
            Self::IvcOutcomeShares => "ivc-outcome-shares",
            Self::IvcByProvince => "ivc-by-province",
            Self::IvcByOffice => "ivc-by-office",
            Self::IvcBySector => "ivc-by-sector",
            Self::IvcUsersByOrigin => "ivc-users-by-origin",
            Self::IvcUsersByCitizenship => "ivc-users-by-citizenship",
            Self::OrientationMeasuresByCode => "orientation-measures-by-code",
            Self::OrientationPropensitiesByOccupationGroup => {
                "orientation-propensities-by-occupation-group"
            }
            Self::OrientationCvs => "orientation-cvs",
            Self::OrientationPortalTransfers => "orientation-portal-transfers",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The reference table that labels the keys, if any.
    pub fn labels(self) -> Option<&'static str> {
        match self {
            Self::LibrettiEvidencesByCategory => Some(EVIDENCE_CATEGORY),
            Self::IvcBySector => Some(SEP_SECTOR),
            Self::OrientationMeasuresByCode => Some(PACT_MEASURE),
            _ => None,
        }
    }

    /// A label from the code tables compiled in, for keys no reference table lists.
    pub fn compiled_label(self, key: &str) -> Option<&'static str> {
        match self {
            Self::IvcUsersByCitizenship => country(key),
            _ => None,
        }
    }

    pub fn family(self) -> Family {
        match self {
            Self::LibrettiByArea
            | Self::LibrettiByStatus
            | Self::LibrettiByOffice
            | Self::LibrettiByIssueYear
            | Self::LibrettiCitizensByGender
            | Self::LibrettiCitizensByAgeBand
            | Self::LibrettiEvidencesByCategory
            | Self::LibrettiExperiencesByOrigin => Family::Libretti,
            Self::IvcRequestsByYear
            | Self::IvcDossiersByYear
            | Self::IvcAttestatiByYear
            | Self::IvcOutcomes
            | Self::IvcOutcomeShares
            | Self::IvcByProvince
            | Self::IvcByOffice
            | Self::IvcBySector
            | Self::IvcUsersByOrigin
            | Self::IvcUsersByCitizenship => Family::Ivc,
            _ => Family::Orientation,
        }
    }

    pub fn axis(self) -> Axis {
        match self {
            Self::LibrettiByArea | Self::IvcByProvince => Axis::Territory(0),
            Self::LibrettiByOffice | Self::IvcByOffice => Axis::Territory(1),
            Self::LibrettiByIssueYear
            | Self::IvcRequestsByYear
            | Self::IvcDossiersByYear
            | Self::IvcAttestatiByYear => Axis::Years,
            Self::IvcOutcomeShares => Axis::Unions(OUTCOME_SHARES),
            _ => Axis::Codes,
        }
    }

    /// What the report counts over the given population.
    pub fn measured(
        self,
        db: &impl ConnectionTrait,
        libretti: &LibrettoScope,
        ivc: &IvcScope,
    ) -> Measured {
        match self {
            Self::LibrettiByArea | Self::LibrettiByOffice => libretti::by_territory(db, libretti),
            Self::LibrettiByStatus => libretti::by_status(db, libretti),
            Self::LibrettiByIssueYear => libretti::by_issue_year(db, libretti),
            Self::LibrettiCitizensByGender => libretti::holders_by_gender(db, libretti),
            Self::LibrettiCitizensByAgeBand => libretti::holders_by_age_band(db, libretti),
            Self::LibrettiEvidencesByCategory => libretti::evidences_by_category(db, libretti),
            Self::LibrettiExperiencesByOrigin => libretti::experiences_by_origin(db, libretti),
            Self::IvcRequestsByYear => ivc::requests_by_year(db, ivc),
            Self::IvcDossiersByYear => ivc::dossiers_by_year(db, ivc),
            Self::IvcAttestatiByYear => ivc::attestati_by_year(db, ivc),
            Self::IvcOutcomes => ivc::outcomes(ivc),
            Self::IvcOutcomeShares => ivc::outcome_classes(ivc),
            Self::IvcByProvince | Self::IvcByOffice => ivc::by_territory(ivc),
            Self::IvcBySector => ivc::dossiers_by_sector(ivc),
            Self::IvcUsersByOrigin => ivc::users_by_origin(db, ivc),
            Self::IvcUsersByCitizenship => ivc::users_by_citizenship(db, ivc),
            Self::OrientationMeasuresByCode => orientation::measures_by_code(),
            Self::OrientationPropensitiesByOccupationGroup => orientation::propensities_by_group(),
            Self::OrientationCvs => {
                orientation::cvs_valid_obsolete(chrono::Local::now().date_naive())
            }
            Self::OrientationPortalTransfers => orientation::transfers_by_status(),
        }
    }
}

/// A country by its ISO 3166 alpha-2 code (the citizenship of the regional sources): Italy,
/// or a foreign state of the compiled table (seed 003's "Principali Stati" among them).
fn country(iso: &str) -> Option<&'static str> {
    if iso == "IT" {
        return Some("Italia");
    }
    FOREIGN_STATES
        .iter()
        .find(|s| s.iso_alpha2 == iso)
        .map(|s| s.name)
}

/// IVC session minutes and cost (seed 003: 40 €/hour) as a one-column report.
pub fn ivc_minutes_and_cost(db: &impl ConnectionTrait, scope: &IvcScope) -> Measured {
    store::ivc::minutes_and_cost(db, scope)
}
