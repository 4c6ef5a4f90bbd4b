//! The filters of `statistics`, as GraphQL input objects, and what each becomes in the store.

use crate::domain::libretto::LibrettoStatus;
use crate::graphql::scalars::Date;
use crate::store::reporting::{IvcScope, LibrettoScope};
use async_graphql::registry::Registry;
use async_graphql::{InputObject, InputType, InputValueError, InputValueResult, Value};
use chrono::NaiveDate;
use std::borrow::Cow;

#[derive(InputObject, Default, Clone)]
pub struct LibrettoStatsFilter {
    /// Reporting territory: a province name, or a CPI area such as "Empoli".
    pub area: Option<String>,
    /// Issued libretti in this state; by default every issued one not cancelled.
    pub status: Option<crate::graphql::enums::LibrettoStatus>,
    /// For roles but `admin`, a 1 January (reports are sliced by whole years).
    pub issued_from: Option<Date>,
    /// For roles but `admin`, a 31 December.
    pub issued_to: Option<Date>,
    pub office: Option<String>,
}

impl From<LibrettoStatsFilter> for LibrettoScope {
    fn from(f: LibrettoStatsFilter) -> Self {
        LibrettoScope {
            area: f.area,
            status: f
                .status
                .map(|s| LibrettoStatus::from(s).as_str().to_owned()),
            issued_from: f.issued_from.map(|d| d.0),
            issued_to: f.issued_to.map(|d| d.0),
            office: f.office,
        }
    }
}

#[derive(InputObject, Default, Clone)]
pub struct IvcStatsFilter {
    pub region: Option<String>,
    /// Funding programme, e.g. "IVC PLUS".
    pub program: Option<String>,
    /// Dossiers requested from this day on; for roles but `admin`, a 1 January.
    pub requested_from: Option<Date>,
    /// … up to this day; for roles but `admin`, a 31 December.
    pub requested_to: Option<Date>,
    /// Dossiers whose Dossier del Cittadino was released from this day on (only released
    /// ones); for roles but `admin`, a 1 January.
    pub released_from: Option<Date>,
    /// … up to this day; for roles but `admin`, a 31 December.
    pub released_to: Option<Date>,
}

impl From<IvcStatsFilter> for IvcScope {
    fn from(f: IvcStatsFilter) -> Self {
        IvcScope {
            region: f.region,
            program: f.program,
            requested_from: f.requested_from.map(|d| d.0),
            requested_to: f.requested_to.map(|d| d.0),
            released_from: f.released_from.map(|d| d.0),
            released_to: f.released_to.map(|d| d.0),
        }
    }
}

/// The fields of a filter that are dates.
pub trait DateFields {
    const DATES: &'static [&'static str];
}

impl DateFields for LibrettoStatsFilter {
    const DATES: &'static [&'static str] = &["issuedFrom", "issuedTo"];
}

impl DateFields for IvcStatsFilter {
    const DATES: &'static [&'static str] =
        &["requestedFrom", "requestedTo", "releasedFrom", "releasedTo"];
}

/// A filter as an argument, the same input type to the schema, whose date that is none is
/// refused naming its field: async-graphql's own message names the `Date` scalar and the
/// filter's type only, and a filter has up to four dates.
pub struct DatesNamed<T>(pub T);

impl<T: InputType + DateFields> InputType for DatesNamed<T> {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        if let Some(Value::Object(fields)) = &value {
            for (name, field) in fields {
                if let Value::String(text) = field
                    && T::DATES.contains(&name.as_str())
                    && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err()
                {
                    return Err(InputValueError::custom(format!(
                        "{name}: \"{text}\" is not a date (YYYY-MM-DD)"
                    )));
                }
            }
        }
        T::parse(value)
            .map(DatesNamed)
            .map_err(InputValueError::propagate)
    }

    fn to_value(&self) -> Value {
        self.0.to_value()
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}
