//! The GraphQL mirrors of the domain's enums (async-graphql `remote` enums): the domain crate
//! knows no GraphQL, so the API's enums live here, with the same names, values and
//! descriptions, and convert both ways with `From`.

/// Lifecycle (DOMAIN.md §9). "Consolidato" is what seed 000 counts as issued.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::libretto::LibrettoStatus")]
pub enum LibrettoStatus {
    Draft,
    InCompilation,
    Consolidated,
    InUpdate,
    Cancelled,
}

/// Where a competence was learnt (D.Lgs 13/2013 art. 2).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::libretto::LearningContext")]
pub enum LearningContext {
    Formal,
    NonFormal,
    Informal,
}

#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::libretto::ExperienceKind")]
pub enum ExperienceKind {
    Work,
    Training,
}

/// Seed 000: experiences come "da banche dati regionali" or from the citizen's
/// "autodichiarazioni".
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::libretto::ExperienceOrigin")]
pub enum ExperienceOrigin {
    RegionalDb,
    SelfDeclared,
}

/// Lifecycle of a dossier (DOMAIN.md §9; D.Lgs 13/2013 art. 5 phases; seed 003 Fase A/B).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::domain::ivc::IvcStatus")]
pub enum IvcStatus {
    /// The citizen asked for the service (contact, seminar).
    Requested,
    /// Modulo di adesione signed (seed 003 "Sottoscrizione Modulo di adesione").
    TakenInCharge,
    /// Interviews and evidences: individuazione e messa in trasparenza.
    Identification,
    /// Documento di trasparenza released (Toscana: the Libretto; Piemonte: Dossier del cittadino).
    TransparencyReleased,
    /// Colloquio tecnico and optional prove suppletive strutturate (seed 003).
    Validation,
    ValidationNegative,
    /// Attestato di validazione released (DM 30/6/2015 art. 6 c.2).
    AttestatoReleased,
    /// Fase B: exam session of a third-party commission.
    Certification,
    CertificateReleased,
    NotPassed,
    /// Read-only from here on.
    Closed,
}

/// How a dossier ended (seed 003 reporting classes).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::ivc::IvcOutcome")]
pub enum IvcOutcome {
    /// Documento di trasparenza / Dossier del cittadino only.
    DossierOnly,
    /// Dossier and Attestato di validazione.
    DossierAndAttestato,
    /// A full qualification of the Repertorio through the third-party exam.
    Qualification,
    /// The citizen stopped the path (whatever had been released until then).
    Withdrawn,
}

/// One interview, test or back-office slot of the path.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[graphql(remote = "crate::domain::ivc::SessionKind")]
#[graphql(name = "IvcSessionKind")]
pub enum SessionKind {
    /// Accoglienza della persona.
    Accoglienza,
    /// Intervista / colloquio di individuazione.
    IdentificationInterview,
    /// Esame tecnico del dossier.
    DossierReview,
    /// Colloquio tecnico (validation).
    TechnicalInterview,
    /// Prova suppletiva strutturata.
    StructuredTest,
    /// Prova pratica / in situazione.
    PracticalTest,
    /// Commissione d'esame (certification).
    ExamCommission,
    /// Back-office hours, billed like the others (seed 003).
    BackOffice,
}

/// The three operator functions of D.Lgs 13/2013 / DI 5/1/2021 (DOMAIN.md §2.5).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::ivc::OperatorRole")]
#[graphql(name = "IvcOperatorRole")]
pub enum OperatorRole {
    /// Accompagnamento e messa in trasparenza (Toscana: orientatore / operatore IVC).
    IdentificationOperator,
    /// Esperto di processo / metodologico di valutazione.
    ProcessExpert,
    /// Esperto di contenuto / di settore (SEP).
    ContentExpert,
}

#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::ivc::ValidationResult")]
#[graphql(name = "IvcValidationResult")]
pub enum ValidationResult {
    /// No competence validated: VALIDATION_NEGATIVE.
    Negative,
    /// Some competences validated: an attestato for those.
    Partial,
    Positive,
}

/// Progress of a pact measure.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::orientation::MeasureStatus")]
pub enum MeasureStatus {
    Planned,
    Started,
    Done,
    /// Dropped from the pact (kept for the record).
    Cancelled,
}

/// Where a CV transfer to the portal stands.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::orientation::TransferStatus")]
pub enum TransferStatus {
    /// Waiting for (another) delivery attempt.
    Pending,
    Delivered,
    /// Given up: refused by the portal, or out of attempts.
    Failed,
    /// Not to be sent: the consent that allowed it is no longer in force (`cancelReason`).
    Cancelled,
}

/// The service pact's lifecycle (DOMAIN.md §9).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::pact::PactStatus")]
pub enum PactStatus {
    /// Being prepared with the citizen; not binding yet.
    Draft,
    /// Signed: version 1 frozen.
    Signed,
    /// Signed again with a changed plan: a newer version frozen.
    Updated,
    /// Ended well: the person found work or reached the pact's goal.
    Concluded,
    /// Ended by a sanction of conditionality (decadenza).
    Lapsed,
    /// Ended otherwise.
    Closed,
}

/// Who the person is for the CPI, which sets when the pact is due (V16, seed 002 §3.3).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::pact::UserCategory")]
pub enum UserCategory {
    /// In stato di disoccupazione: the pact within 30 days of the DID.
    Unemployed,
    /// Percettore of income support: within 15 days of the INPS application.
    BenefitRecipient,
    /// Garanzia Giovani: within 60 days of the adhesion.
    YouthGuarantee,
    /// A rischio di disoccupazione (art. 19 c.4): no deadline in the seeds.
    AtRisk,
    /// Employed on income support (art. 22): convened by the CPI; no deadline in the seeds.
    EmployedWithSupport,
}

/// Where the orientation points the person (seed 001).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::pact::OrientationOutcome")]
pub enum OrientationOutcome {
    ActiveSearch,
    Training,
    SpecialistGuidance,
    Internship,
    /// Another service of the network (e.g. social services for a fragile profile).
    OtherService,
}

/// Why a pact ended well.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::pact::PactConclusion")]
pub enum PactConclusion {
    Employed,
    GoalReached,
}

/// A breach of the pact's obligations (D.Lgs 150/2015 art. 21).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::pact::ConditionalityKind")]
pub enum ConditionalityKind {
    MissedAppointment,
    MissedActivity,
    RefusedSuitableOffer,
}

/// What a breach cost (art. 21 c.7): nothing, a reduction, or the loss (decadenza).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::pact::Sanction")]
pub enum Sanction {
    None,
    Reduction,
    /// Decadenza: the pact lapses.
    Loss,
}

/// The bodies a breach is reported to (seed 002 §3.1).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportedTo {
    Inps,
    Anpal,
}

/// The quantitative profiling class (`TAB_PROFILING`: 1 Basso … 4 Alto).
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::profiling::ProfilingClass")]
pub enum ProfilingClass {
    Low,
    MediumLow,
    MediumHigh,
    High,
}

/// An area of the qualitative profiling (seed 001, "Fase di analisi").
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::profiling::ProfilingArea")]
pub enum ProfilingArea {
    ProfessionalProfile,
    ExperienceQuality,
    TrainingQuality,
    SearchAutonomy,
    SelfPromotion,
    PersonalConstraints,
    GoalClarity,
    LabourMarketKnowledge,
    SearchMethod,
    PromotionTools,
}

/// How an area is rated.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::profiling::AreaLevel")]
pub enum AreaLevel {
    Low,
    Medium,
    High,
}
