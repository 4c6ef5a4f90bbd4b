//! A citizen's employments and trainings as the regional sources record them, each row with
//! its source, its freshness and, for a row of an older code linked to the citizen, the link.

use super::access;
use super::plain::plain_object;
use super::scalars::Date;
use crate::domain::codes;
use crate::sources::contract::{EmploymentRow, TrainingRow};
use crate::sources::merge::Sourced;

/// An employment relationship (COB/UNILAV) as a regional source records it.
pub struct Employment(pub Sourced<EmploymentRow>);

impl Employment {
    fn is_current(&self) -> bool {
        let today = chrono::Local::now().date_naive();
        self.0.row.end_date.is_none_or(|end| end >= today)
    }

    fn contract_label(&self) -> Option<&'static str> {
        codes::contract_type(self.0.row.contract_type.as_deref()?).map(|c| c.description)
    }

    fn contract_in_force_at_start(&self) -> Option<bool> {
        codes::contract_type(self.0.row.contract_type.as_deref()?)
            .map(|c| c.valid_at(self.0.row.start_date))
    }
}

plain_object! {
    #[guard(access::EMPLOYMENT)]
    impl Employment as sourced row "gw_employment" {
        fn employer_tax_code(e) -> Option<&str> {
            e.0.row.employer_tax_code.as_deref()
        }
        /// V3: an employer tax number that is neither a valid codice fiscale nor a partita IVA
        /// with its check digit, as the source has it; a warning, the row is shown as it is.
        fn warnings(e) -> Vec<String> {
            e.0.row
                .employer_tax_code
                .as_deref()
                .and_then(|n| crate::domain::fiscal_code::tax_number_problem("employerTaxCode", n))
                .into_iter()
                .collect()
        }
        fn employer_name(e) -> Option<&str> {
            e.0.row.employer_name.as_deref()
        }
        fn start_date(e) -> Date {
            Date(e.0.row.start_date)
        }
        fn end_date(e) -> Option<Date> {
            e.0.row.end_date.map(Date)
        }
        /// True while the relationship has no end date, or ends in the future.
        fn current(e) -> bool {
            e.is_current()
        }
        /// COB contract type code, e.g. `A.01.00`.
        fn contract_type(e) -> Option<&str> {
            e.0.row.contract_type.as_deref()
        }
        /// Ministerial description of the contract type.
        fn contract_type_label(e) -> Option<&'static str> {
            e.contract_label()
        }
        /// Whether the contract type code was in force at the start date (DOMAIN.md V4);
        /// null when the code is unknown to the reference table.
        fn contract_type_valid_at_start(e) -> Option<bool> {
            e.contract_in_force_at_start()
        }
        /// ISTAT CP2011 occupation.
        fn occupation_code(e) -> Option<&str> {
            e.0.row.occupation_code.as_deref()
        }
        /// ATECO sector.
        fn sector_code(e) -> Option<&str> {
            e.0.row.sector_code.as_deref()
        }
        fn weekly_hours(e) -> Option<f64> {
            e.0.row.weekly_hours
        }
        /// ISTAT code of the workplace comune.
        fn workplace_municipality(e) -> Option<&str> {
            e.0.row.workplace_municipality.as_deref()
        }
    }
}

/// Education or training as a regional source records it.
pub struct Training(pub Sourced<TrainingRow>);

plain_object! {
    #[guard(access::TRAINING)]
    impl Training as sourced row "gw_training" {
        /// education, vocational, internship or apprenticeship.
        fn kind(t) -> Option<&str> {
            t.0.row.kind.as_deref()
        }
        fn title(t) -> Option<&str> {
            t.0.row.title.as_deref()
        }
        fn provider_name(t) -> Option<&str> {
            t.0.row.provider_name.as_deref()
        }
        fn start_date(t) -> Option<Date> {
            t.0.row.start_date.map(Date)
        }
        fn end_date(t) -> Option<Date> {
            t.0.row.end_date.map(Date)
        }
        fn hours(t) -> Option<i64> {
            t.0.row.hours
        }
        /// completed, qualified, withdrawn or ongoing.
        fn outcome(t) -> Option<&str> {
            t.0.row.outcome.as_deref()
        }
        fn qualification_code(t) -> Option<&str> {
            t.0.row.qualification_code.as_deref()
        }
        /// EQF level 1-8.
        fn eqf_level(t) -> Option<i64> {
            t.0.row.eqf_level
        }
    }
}
