//! Profiling (seed 001; DOMAIN.md §3.7): the quantitative class the national system gives
//! (`TAB_PROFILING` 1 Basso … 4 Alto, with its index) and the qualitative profiling the CPI
//! operator records in the analysis phase of the pact interview, area by area, as structured
//! fields rather than free notes. No I/O.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};

/// `TAB_PROFILING`: the distance from the labour market the quantitative profiling gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProfilingClass {
    Low,
    MediumLow,
    MediumHigh,
    High,
}

/// Seed 001, "Fase di analisi": "Gli ambiti di indagine devono essere funzionali alla
/// definizione dei percorsi di politica attiva (alcuni di essi presenti nella profilazione
/// qualitativa delibera Anpal n.19/2018)", one variant per area the seed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProfilingArea {
    /// "profilo professionale".
    ProfessionalProfile,
    /// "qualità dell'esperienza posseduta rispetto all'obiettivo professionale".
    ExperienceQuality,
    /// "qualità della formazione posseduta rispetto all'obiettivo professionale".
    TrainingQuality,
    /// "livello di autonomia e iniziativa rispetto all'organizzazione della ricerca del lavoro
    /// e alla individuazione di fonti informative adeguate".
    SearchAutonomy,
    /// "capacità di autoaffermazione e autopromozione".
    SelfPromotion,
    /// "vincoli personali che possono condizionare la ricerca del lavoro".
    PersonalConstraints,
    /// "definizione e chiarezza dell'obiettivo professionale".
    GoalClarity,
    /// "conoscenza e possesso di informazioni sul mercato del lavoro".
    LabourMarketKnowledge,
    /// "possesso di un metodo per la ricerca del lavoro e predisposizione di un piano".
    SearchMethod,
    /// "dotazione di strumenti per la promozione della propria candidatura".
    PromotionTools,
}

/// How the operator rates an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AreaLevel {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaAssessment {
    pub area: ProfilingArea,
    pub level: AreaLevel,
    pub note: Option<String>,
}

/// A profiling as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profiling {
    pub on: chrono::NaiveDate,
    pub quantitative_class: Option<ProfilingClass>,
    /// The national system's index (a probability, 0 to 1).
    pub quantitative_index: Option<f64>,
    pub areas: Vec<AreaAssessment>,
    /// Indicators of a fragile profile (seed 001: a further phase "di approfondimento"; Accordo
    /// CU 146/2020: the social services may be involved).
    pub fragility: bool,
    pub by: String,
}

impl Profiling {
    /// Each area at most once, notes bounded, the index a probability.
    pub fn check(&self) -> Result<(), DomainError> {
        if let Some(index) = self.quantitative_index
            && !(index.is_finite() && (0.0..=1.0).contains(&index))
        {
            return Err(DomainError::invalid(
                "quantitativeIndex",
                "probability",
                format!("quantitativeIndex: {index} is not a probability between 0 and 1"),
            ));
        }
        for (i, a) in self.areas.iter().enumerate() {
            if self.areas[..i].iter().any(|b| b.area == a.area) {
                return Err(DomainError::invalid(
                    "areas",
                    "area_once",
                    format!("areas: {:?} is assessed twice; each area once", a.area),
                ));
            }
            crate::libretto::check_optional_text("areas.note", a.note.as_deref(), 1000)?;
        }
        if self.quantitative_class.is_none() && self.areas.is_empty() {
            return Err(DomainError::invalid(
                "areas",
                "required",
                "areas: give the quantitative class or at least one area",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profiling(areas: Vec<AreaAssessment>, index: Option<f64>) -> Profiling {
        Profiling {
            on: chrono::NaiveDate::from_ymd_opt(2026, 9, 2).unwrap(),
            quantitative_class: Some(ProfilingClass::MediumHigh),
            quantitative_index: index,
            areas,
            fragility: false,
            by: "op".into(),
        }
    }

    #[test]
    fn areas_once_and_the_index_a_probability() {
        let area = |area| AreaAssessment {
            area,
            level: AreaLevel::Low,
            note: None,
        };
        assert!(
            profiling(vec![area(ProfilingArea::GoalClarity)], Some(0.4))
                .check()
                .is_ok()
        );
        let twice = vec![
            area(ProfilingArea::SearchMethod),
            area(ProfilingArea::SearchMethod),
        ];
        assert_eq!(
            profiling(twice, None).check().unwrap_err().field(),
            Some("areas")
        );
        let err = profiling(vec![], Some(1.5)).check().unwrap_err();
        assert_eq!(err.field(), Some("quantitativeIndex"));
    }
}
