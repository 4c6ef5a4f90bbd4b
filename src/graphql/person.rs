//! The merged person record of a citizen (DESIGN.md "Merging"): each field from the most
//! recently updated source that has it, the sources that know the citizen, and where each
//! field came from.

use super::access;
use super::identity::FiscalCodeLink;
use super::plain::{plain_object, plain_struct};
use super::scalars::{Date, FiscalCodeScalar};
use crate::domain::codes;
use crate::sources::merge::{Freshness, Merged, MergedPerson, PersonSourceRef};
use chrono::NaiveDateTime;

/// The merged person record: each field from the most recently updated source that has it.
pub struct Person(pub MergedPerson);

fn text(field: &Option<Merged<String>>) -> Option<&str> {
    field.as_ref().map(|m| m.value.as_str())
}

fn date(field: &Option<Merged<chrono::NaiveDate>>) -> Option<Date> {
    field.as_ref().map(|m| Date(m.value))
}

impl Person {
    fn is_born_abroad(&self) -> Option<bool> {
        self.0
            .birth_place_code
            .as_ref()
            .map(|m| m.value.starts_with('Z'))
    }

    fn municipality_name(&self) -> Option<&'static str> {
        let code = self.0.residence_municipality.as_ref()?;
        codes::municipality_by_istat(&code.value).map(|m| m.name)
    }

    fn source_list(&self) -> Vec<PersonSource> {
        self.0
            .sources
            .iter()
            .cloned()
            .map(PersonSource::from)
            .collect()
    }

    fn provenance_list(&self) -> Vec<FieldProvenance> {
        let p = &self.0;
        let mut out = Vec::with_capacity(12);
        let mut add = |field: &'static str, source: Option<(&str, NaiveDateTime, Freshness)>| {
            if let Some((source, updated_at, freshness)) = source {
                out.push(FieldProvenance {
                    field,
                    source: source.to_owned(),
                    updated_at,
                    stale: freshness.stale,
                    age_seconds: age_seconds(freshness),
                });
            }
        };
        fn of<T>(m: &Option<Merged<T>>) -> Option<(&str, NaiveDateTime, Freshness)> {
            m.as_ref().map(|m| (&*m.source, m.updated_at, m.freshness))
        }
        add("givenName", of(&p.given_name));
        add("familyName", of(&p.family_name));
        add("birthDate", of(&p.birth_date));
        add("birthPlaceCode", of(&p.birth_place_code));
        add("gender", of(&p.gender));
        add("citizenship", of(&p.citizenship));
        add("residenceMunicipality", of(&p.residence_municipality));
        add("residenceProvince", of(&p.residence_province));
        add("email", of(&p.email));
        add("phone", of(&p.phone));
        add("cpiCode", of(&p.cpi_code));
        add("didDate", of(&p.did_date));
        out
    }
}

plain_object! {
    #[guard(access::PERSON)]
    impl Person {
        /// The citizen's code (sources may list older linked codes in `sources`).
        fn fiscal_code(p) -> FiscalCodeScalar {
            FiscalCodeScalar::from(&p.0.fiscal_code)
        }
        fn given_name(p) -> Option<&str> {
            text(&p.0.given_name)
        }
        fn family_name(p) -> Option<&str> {
            text(&p.0.family_name)
        }
        fn birth_date(p) -> Option<Date> {
            date(&p.0.birth_date)
        }
        /// Belfiore code of the birth comune, or `Z…` for a foreign state.
        fn birth_place_code(p) -> Option<&str> {
            text(&p.0.birth_place_code)
        }
        fn born_abroad(p) -> Option<bool> {
            p.is_born_abroad()
        }
        /// `M` or `F`, as in the codice fiscale.
        fn gender(p) -> Option<&str> {
            text(&p.0.gender)
        }
        /// ISO 3166 alpha-2.
        fn citizenship(p) -> Option<&str> {
            text(&p.0.citizenship)
        }
        /// ISTAT code of the comune of residence.
        fn residence_municipality(p) -> Option<&str> {
            text(&p.0.residence_municipality)
        }
        fn residence_municipality_name(p) -> Option<&'static str> {
            p.municipality_name()
        }
        /// Province sigla.
        fn residence_province(p) -> Option<&str> {
            text(&p.0.residence_province)
        }
        fn email(p) -> Option<&str> {
            text(&p.0.email)
        }
        fn phone(p) -> Option<&str> {
            text(&p.0.phone)
        }
        /// Centro per l'Impiego in charge.
        fn cpi_code(p) -> Option<&str> {
            text(&p.0.cpi_code)
        }
        /// Date of the DID (dichiarazione di immediata disponibilità).
        fn did_date(p) -> Option<Date> {
            date(&p.0.did_date)
        }
        /// Every source that knows the citizen, most recently updated first.
        fn sources(p) -> Vec<PersonSource> {
            p.source_list()
        }
        /// Where each non-empty field came from.
        fn provenance(p) -> Vec<FieldProvenance> {
            p.provenance_list()
        }
        /// V2: where the birth date, sex or birthplace the codice fiscale encodes (decoded
        /// from its base) disagree with the record; warnings, never a refusal.
        fn warnings(p) -> Vec<String> {
            p.0.fiscal_code.consistency_warnings(
                p.0.birth_date.as_ref().map(|m| m.value),
                p.0.gender.as_ref().map(|m| m.value.as_str()),
                p.0.birth_place_code.as_ref().map(|m| m.value.as_str()),
            )
        }
    }
}

plain_struct! {
    #[guard(access::PERSON_SOURCE)]
    /// One regional source's record of the citizen.
    pub struct PersonSource {
        pub source: String,
        /// The code as that source stores it (may be an omocodia variant).
        pub fiscal_code: String,
        pub updated_at: NaiveDateTime,
        /// The source failed and this is its last good answer (`stale_ttl_ms`); the response
        /// also has its SOURCE_UNAVAILABLE error, with `extensions.stale: true`.
        pub stale: bool,
        /// Seconds since the source gave this record, when it came from the gateway's cache;
        /// null when the source was asked for this request.
        pub age_seconds: Option<i64>,
        /// Set when the record is stored under an older code an administrator linked to the
        /// citizen's (`linkFiscalCodes`): the link it is shown through.
        pub linked_from: Option<FiscalCodeLink>,
    }
}

impl From<PersonSourceRef> for PersonSource {
    fn from(r: PersonSourceRef) -> Self {
        PersonSource {
            linked_from: r.link.as_deref().map(FiscalCodeLink::from),
            source: r.source.to_string(),
            fiscal_code: r.fiscal_code,
            updated_at: r.updated_at,
            stale: r.freshness.stale,
            age_seconds: age_seconds(r.freshness),
        }
    }
}

plain_struct! {
    #[guard(access::FIELD_PROVENANCE)]
    /// The source a merged field was taken from.
    pub struct FieldProvenance {
        pub field: &'static str,
        pub source: String,
        pub updated_at: NaiveDateTime,
        /// Taken from the source's last good answer because the source failed.
        pub stale: bool,
        /// Seconds since the source gave it, when it came from the cache; null when fetched now.
        pub age_seconds: Option<i64>,
    }
}

pub(super) fn age_seconds(freshness: Freshness) -> Option<i64> {
    freshness
        .age
        .map(|age| i64::try_from(age.as_secs()).unwrap_or(i64::MAX))
}
