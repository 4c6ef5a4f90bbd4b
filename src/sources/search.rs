//! Search criteria over `gw_person` and the keyset cursor that pages through the merged
//! results of every source.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Validated search criteria (names are prefixes, case-insensitive).
#[derive(Debug, Clone, Default)]
pub struct PersonSearch {
    pub family_name_prefix: Option<String>,
    pub given_name_prefix: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub province: Option<String>,
}

/// Position after the last citizen of a page: the sort key (uppercase names, stored code).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SearchCursor {
    pub family: String,
    pub given: String,
    pub fiscal_code: String,
}

impl SearchCursor {
    pub fn of(row: &super::contract::PersonRow) -> Self {
        SearchCursor {
            family: row.family_name.clone().unwrap_or_default().to_uppercase(),
            given: row.given_name.clone().unwrap_or_default().to_uppercase(),
            fiscal_code: row.fiscal_code.clone(),
        }
    }

    pub fn encode(&self) -> String {
        let json =
            serde_json::to_vec(&(&self.family, &self.given, &self.fiscal_code)).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let (family, given, fiscal_code): (String, String, String) =
            serde_json::from_slice(&bytes).ok()?;
        Some(SearchCursor {
            family,
            given,
            fiscal_code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let c = SearchCursor {
            family: "ROSSI".into(),
            given: "MARIO".into(),
            fiscal_code: "RSSMRA85T10A562S".into(),
        };
        assert_eq!(SearchCursor::decode(&c.encode()), Some(c));
        assert_eq!(SearchCursor::decode("not a cursor"), None);
    }
}
