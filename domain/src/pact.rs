//! The Patto di servizio personalizzato (D.Lgs 150/2015 art. 20; seed 001 "Colloquio
//! finalizzato alla definizione del Patto di Servizio"; DOMAIN.md §4, §9): its lifecycle, the
//! deadline by which it is due (V16), the user categories that set that deadline, and the
//! conditionality events (art. 21) that can end it. No I/O.

use crate::error::DomainError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod conditionality;
pub use conditionality::{ConditionalityKind, Sanction};

/// DOMAIN.md §9: `Bozza → Stipulato → (Aggiornato)* → {Concluso, Decaduto, Chiuso}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PactStatus {
    /// Being prepared with the citizen; not binding yet.
    Draft,
    /// Signed: version 1 frozen.
    Signed,
    /// Signed again with a changed plan: a newer version frozen.
    Updated,
    /// Ended well: the person found work or reached the pact's goal.
    Concluded,
    /// Ended by a sanction of conditionality (decadenza, art. 21 c.7).
    Lapsed,
    /// Ended otherwise (the person moved, asked to close it, …).
    Closed,
}

impl PactStatus {
    pub const ALL: [PactStatus; 6] = [
        Self::Draft,
        Self::Signed,
        Self::Updated,
        Self::Concluded,
        Self::Lapsed,
        Self::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "DRAFT",
            Self::Signed => "SIGNED",
            Self::Updated => "UPDATED",
            Self::Concluded => "CONCLUDED",
            Self::Lapsed => "LAPSED",
            Self::Closed => "CLOSED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The states reachable in one step; `None` is a record without a pact.
    pub fn next(from: Option<PactStatus>) -> &'static [PactStatus] {
        use PactStatus::*;
        match from {
            None => &[Draft, Signed],
            Some(Draft) => &[Draft, Signed, Closed],
            Some(Signed | Updated) => &[Updated, Concluded, Lapsed, Closed],
            Some(Concluded | Lapsed | Closed) => &[],
        }
    }

    /// Whether the pact binds the person now (a measure may be added, a sanction applies).
    pub fn in_force(status: Option<PactStatus>) -> bool {
        matches!(status, Some(Self::Signed | Self::Updated))
    }

    /// `from → to` for `step`, or INVALID_TRANSITION naming the allowed next states.
    pub fn step(
        from: Option<PactStatus>,
        to: PactStatus,
        citizen: &str,
        step: &str,
    ) -> Result<(), DomainError> {
        let next = Self::next(from);
        if next.contains(&to) {
            return Ok(());
        }
        let allowed: Vec<&str> = next.iter().map(|s| s.as_str()).collect();
        Err(DomainError::invalid_transition(
            &format!("the service pact of {citizen}"),
            from.map_or("NONE", |s| s.as_str()),
            step,
            &allowed,
        ))
    }
}

/// Who the person is for the CPI, which sets when the pact is due (seed 002, "3.3 Accesso ai
/// servizi"; the Garanzia Giovani card).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserCategory {
    /// "Soggetti in stato di disoccupazione": "entro 30 giorni dalla registrazione devono
    /// contattare il Cpi per la profilazione e la stipula del patto" (from the DID).
    Unemployed,
    /// "Percettori di prestazioni di sostegno al reddito": "entro 15 giorni dalla domanda"
    /// (the INPS application, which is the DID).
    BenefitRecipient,
    /// Garanzia Giovani: "stipula del patto e profiling entro 60 giorni dalla data di
    /// adesione".
    YouthGuarantee,
    /// "Soggetti a rischio di disoccupazione" (art. 19 c.4): registered from the notice of
    /// dismissal; the seeds set no deadline.
    AtRisk,
    /// Employed people on income support (art. 22): convened by the CPI; no deadline in the
    /// seeds.
    EmployedWithSupport,
}

impl UserCategory {
    pub const ALL: [UserCategory; 5] = [
        Self::Unemployed,
        Self::BenefitRecipient,
        Self::YouthGuarantee,
        Self::AtRisk,
        Self::EmployedWithSupport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unemployed => "UNEMPLOYED",
            Self::BenefitRecipient => "BENEFIT_RECIPIENT",
            Self::YouthGuarantee => "YOUTH_GUARANTEE",
            Self::AtRisk => "AT_RISK",
            Self::EmployedWithSupport => "EMPLOYED_WITH_SUPPORT",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// V16: days from the category's start (DID, INPS application, adhesion) within which the
    /// pact is due; `None` where the seeds set none.
    pub fn deadline_days(self) -> Option<i64> {
        match self {
            Self::Unemployed => Some(30),
            Self::BenefitRecipient => Some(15),
            Self::YouthGuarantee => Some(60),
            Self::AtRisk | Self::EmployedWithSupport => None,
        }
    }

    /// What the start date is, in the seeds' words, for messages.
    pub fn start_event(self) -> &'static str {
        match self {
            Self::Unemployed => "the DID",
            Self::BenefitRecipient => "the INPS application",
            Self::YouthGuarantee => "the Garanzia Giovani adhesion",
            Self::AtRisk => "the notice of dismissal",
            Self::EmployedWithSupport => "the convocation",
        }
    }

    /// The day the pact is due at the latest.
    pub fn due_on(self, since: NaiveDate) -> Option<NaiveDate> {
        self.deadline_days()
            .map(|days| since + chrono::Duration::days(days))
    }
}

/// V16 as the seeds apply it: a pact signed after its deadline is accepted, with a warning
/// naming the deadline and the days late.
pub fn lateness_warning(
    category: UserCategory,
    since: NaiveDate,
    signed_on: NaiveDate,
) -> Option<String> {
    let due = category.due_on(since)?;
    let late = (signed_on - due).num_days();
    (late > 0).then(|| {
        format!(
            "V16: the pact was due within {} days of {} ({since}), by {due}; signed on \
             {signed_on}, {late} day{} late",
            category.deadline_days().unwrap_or_default(),
            category.start_event(),
            if late == 1 { "" } else { "s" }
        )
    })
}

/// V16 for a pact not signed yet: overdue on `today`, by how many days.
pub fn overdue_warning(
    category: UserCategory,
    since: NaiveDate,
    today: NaiveDate,
) -> Option<String> {
    let due = category.due_on(since)?;
    let late = (today - due).num_days();
    (late > 0).then(|| {
        format!(
            "V16: the pact was due within {} days of {} ({since}), by {due}; it is {late} day{} \
             overdue",
            category.deadline_days().unwrap_or_default(),
            category.start_event(),
            if late == 1 { "" } else { "s" }
        )
    })
}

/// The category's start date (DID, application, adhesion): known, so not in the future.
pub fn check_category_since(
    since: NaiveDate,
    today: NaiveDate,
    field: &str,
) -> Result<(), DomainError> {
    if since > today {
        return Err(DomainError::invalid(
            field,
            "not_future",
            format!("{field}: {since} is in the future"),
        ));
    }
    Ok(())
}

/// Why a pact ended well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PactConclusion {
    /// "occupato": the person found work.
    Employed,
    /// "obiettivo raggiunto".
    GoalReached,
}

impl PactConclusion {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employed => "EMPLOYED",
            Self::GoalReached => "GOAL_REACHED",
        }
    }
}

/// What a service plan refers the person to (seed 001, the outcome of the orientation: the
/// "percorsi di politica attiva" the analysis points to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrientationOutcome {
    /// Active job search with the CPI's services.
    ActiveSearch,
    /// Training or requalification (C07).
    Training,
    /// Specialist guidance: consulenza orientativa, bilancio di competenze (A06).
    SpecialistGuidance,
    /// An internship (C06/B04).
    Internship,
    /// Another service of the network, e.g. social services for a fragile profile (Accordo CU
    /// 146/2020).
    OtherService,
}

/// A service of another actor of the network (seed 001: "servizi erogati da altri attori della
/// rete (operatori privati del mercato del lavoro, camere di commercio, ecc.)").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkService {
    pub description: String,
    pub provider: String,
}

/// The pact's content besides the CPI's own measures (kept in `pact_measure`): seed 001,
/// "Fase 3 - Definizione del Patto e delle azioni di ricerca attiva", "Il Piano potrà essere
/// composto: da servizi che eroga il CPI; da servizi erogati da altri attori della rete; da
/// azioni che l'utente dovrà svolgere autonomamente".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PactPlan {
    /// Piano degli atti di ricerca attiva, in words.
    pub search_plan: Option<String>,
    pub network_services: Vec<NetworkService>,
    /// The person's own search actions.
    pub own_actions: Vec<String>,
    pub outcome: Option<OrientationOutcome>,
}

/// The most entries of each list of a plan: a plan is read by a person, not filled by a feed.
pub const MAX_PLAN_ENTRIES: usize = 20;

impl PactPlan {
    pub fn check(&self) -> Result<(), DomainError> {
        crate::libretto::check_optional_text("searchPlan", self.search_plan.as_deref(), 4000)?;
        for (field, len) in [
            ("networkServices", self.network_services.len()),
            ("ownActions", self.own_actions.len()),
        ] {
            if len > MAX_PLAN_ENTRIES {
                return Err(DomainError::invalid(
                    field,
                    "max_entries",
                    format!(
                        "{field}: {len} entries; a pact's plan takes at most {MAX_PLAN_ENTRIES}"
                    ),
                ));
            }
        }
        for s in &self.network_services {
            crate::libretto::check_text("networkServices.description", &s.description, 500)?;
            crate::libretto::check_text("networkServices.provider", &s.provider, 200)?;
        }
        for a in &self.own_actions {
            crate::libretto::check_text("ownActions", a, 500)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_lifecycle_allows_what_section_9_draws() {
        use PactStatus::*;
        assert!(PactStatus::step(None, Signed, "X", "sign").is_ok());
        assert!(PactStatus::step(Some(Draft), Signed, "X", "sign").is_ok());
        assert!(PactStatus::step(Some(Signed), Updated, "X", "sign").is_ok());
        assert!(PactStatus::step(Some(Updated), Updated, "X", "sign").is_ok());
        assert!(PactStatus::step(Some(Updated), Lapsed, "X", "lapse").is_ok());
        let err = PactStatus::step(Some(Concluded), Updated, "X", "sign").unwrap_err();
        assert!(err.to_string().contains("is CONCLUDED"), "{err}");
        assert!(err.to_string().contains("none: it is read-only"), "{err}");
        let err = PactStatus::step(None, Concluded, "X", "conclude").unwrap_err();
        assert!(
            err.to_string()
                .contains("allowed next states: DRAFT, SIGNED"),
            "{err}"
        );
        assert!(PactStatus::in_force(Some(Updated)));
        assert!(!PactStatus::in_force(Some(Draft)));
    }

    #[test]
    fn v16_deadlines_follow_the_category() {
        let since = d("2026-08-01");
        assert_eq!(
            UserCategory::Unemployed.due_on(since),
            Some(d("2026-08-31"))
        );
        assert_eq!(
            UserCategory::BenefitRecipient.due_on(since),
            Some(d("2026-08-16"))
        );
        assert_eq!(
            UserCategory::YouthGuarantee.due_on(since),
            Some(d("2026-09-30"))
        );
        assert_eq!(UserCategory::AtRisk.due_on(since), None);
        assert_eq!(
            lateness_warning(UserCategory::Unemployed, since, d("2026-08-31")),
            None
        );
        let late = lateness_warning(UserCategory::Unemployed, since, d("2026-09-05")).unwrap();
        assert!(
            late.contains("30 days of the DID (2026-08-01), by 2026-08-31"),
            "{late}"
        );
        assert!(late.ends_with("5 days late"), "{late}");
        let one = lateness_warning(UserCategory::BenefitRecipient, since, d("2026-08-17")).unwrap();
        assert!(one.ends_with("1 day late"), "{one}");
        let overdue = overdue_warning(UserCategory::Unemployed, since, d("2026-09-03")).unwrap();
        assert!(
            overdue.ends_with("by 2026-08-31; it is 3 days overdue"),
            "{overdue}"
        );
        assert_eq!(
            overdue_warning(UserCategory::AtRisk, since, d("2027-01-01")),
            None
        );
    }

    #[test]
    fn a_justified_breach_is_not_sanctioned() {
        assert!(Sanction::None.check(true).is_ok());
        assert!(Sanction::Loss.check(false).is_ok());
        let err = Sanction::Reduction.check(true).unwrap_err();
        assert_eq!(err.field(), Some("sanction"));
    }
}
