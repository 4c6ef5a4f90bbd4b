//! Conditionality (D.Lgs 150/2015 art. 21; seed 002 §3.1): the breaches of a pact's
//! obligations and the sanctions the CPI reports to INPS. No I/O.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};

/// A breach of the pact's obligations (D.Lgs 150/2015 art. 21; seed 002 §3.1: the CPI reports
/// to INPS, from a reduction up to the loss of the benefit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConditionalityKind {
    /// Mancata presentazione a una convocazione o appuntamento.
    MissedAppointment,
    /// Mancata partecipazione a un'iniziativa di orientamento, formazione o politica attiva.
    MissedActivity,
    /// Rifiuto di un'offerta di lavoro congrua (art. 25).
    RefusedSuitableOffer,
}

impl ConditionalityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissedAppointment => "MISSED_APPOINTMENT",
            Self::MissedActivity => "MISSED_ACTIVITY",
            Self::RefusedSuitableOffer => "REFUSED_SUITABLE_OFFER",
        }
    }
}

/// What the breach cost, on the art. 21 c.7 ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sanction {
    /// Justified, or a first warning: nothing taken.
    None,
    /// Decurtazione of the benefit (a quarter of a month, then a month).
    Reduction,
    /// Decadenza: the benefit and the unemployment status are lost; the pact lapses.
    Loss,
}

impl Sanction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Reduction => "REDUCTION",
            Self::Loss => "LOSS",
        }
    }

    /// A justified absence is never sanctioned (art. 21 c.7 "in assenza di giustificato
    /// motivo").
    pub fn check(self, justified: bool) -> Result<(), DomainError> {
        if justified && self != Sanction::None {
            return Err(DomainError::invalid(
                "sanction",
                "justified_unsanctioned",
                "sanction: a justified breach carries no sanction (D.Lgs 150/2015 art. 21 c.7: \
                 only \"in assenza di giustificato motivo\")",
            ));
        }
        Ok(())
    }
}
