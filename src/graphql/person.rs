//! The merged person record of a citizen (DESIGN.md "Merging"): each field from the most
//! recently updated source that has it, the sources that know the citizen, and where each
//! field came from.

use super::access;
use super::identity::FiscalCodeLink;
use super::plain::{PlainFields, ToPlain, Walk};
use super::scalars::Date;
use crate::domain::FiscalCode;
use crate::domain::codes;
use crate::sources::merge::{Freshness, Merged, MergedPerson, PersonSourceRef};
use async_graphql::parser::types::Field as GqlField;
use async_graphql::{Object, Positioned, SimpleObject, Value};
use chrono::NaiveDateTime;

/// The merged person record: each field from the most recently updated source that has it.
pub struct Person(pub MergedPerson);

fn value<T: Clone>(field: &Option<Merged<T>>) -> Option<T> {
    field.as_ref().map(|m| m.value.clone())
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

#[Object(guard = "access::PERSON")]
impl Person {
    /// The citizen's code (sources may list older linked codes in `sources`).
    async fn fiscal_code(&self) -> &FiscalCode {
        &self.0.fiscal_code
    }
    async fn given_name(&self) -> Option<String> {
        value(&self.0.given_name)
    }
    async fn family_name(&self) -> Option<String> {
        value(&self.0.family_name)
    }
    async fn birth_date(&self) -> Option<Date> {
        value(&self.0.birth_date).map(Date)
    }
    /// Belfiore code of the birth comune, or `Z…` for a foreign state.
    async fn birth_place_code(&self) -> Option<String> {
        value(&self.0.birth_place_code)
    }
    async fn born_abroad(&self) -> Option<bool> {
        self.is_born_abroad()
    }
    /// `M` or `F`, as in the codice fiscale.
    async fn gender(&self) -> Option<String> {
        value(&self.0.gender)
    }
    /// ISO 3166 alpha-2.
    async fn citizenship(&self) -> Option<String> {
        value(&self.0.citizenship)
    }
    /// ISTAT code of the comune of residence.
    async fn residence_municipality(&self) -> Option<String> {
        value(&self.0.residence_municipality)
    }
    async fn residence_municipality_name(&self) -> Option<&'static str> {
        self.municipality_name()
    }
    /// Province sigla.
    async fn residence_province(&self) -> Option<String> {
        value(&self.0.residence_province)
    }
    async fn email(&self) -> Option<String> {
        value(&self.0.email)
    }
    async fn phone(&self) -> Option<String> {
        value(&self.0.phone)
    }
    /// Centro per l'Impiego in charge.
    async fn cpi_code(&self) -> Option<String> {
        value(&self.0.cpi_code)
    }
    /// Date of the DID (dichiarazione di immediata disponibilità).
    async fn did_date(&self) -> Option<Date> {
        value(&self.0.did_date).map(Date)
    }
    /// Every source that knows the citizen, most recently updated first.
    async fn sources(&self) -> Vec<PersonSource> {
        self.source_list()
    }
    /// Where each non-empty field came from.
    async fn provenance(&self) -> Vec<FieldProvenance> {
        self.provenance_list()
    }
}

impl PlainFields for Person {
    const RULE: access::RoleGuard = access::PERSON;

    fn plain_field(&self, field: &Positioned<GqlField>, walk: &Walk<'_>) -> Option<Value> {
        fn text(m: &Option<Merged<String>>) -> Value {
            m.as_ref().map(|m| m.value.as_str()).to_plain()
        }
        fn date(m: &Option<Merged<chrono::NaiveDate>>) -> Value {
            m.as_ref().map(|m| Date(m.value)).to_plain()
        }
        let p = &self.0;
        Some(match field.node.name.node.as_str() {
            "fiscalCode" => (&p.fiscal_code).to_plain(),
            "givenName" => text(&p.given_name),
            "familyName" => text(&p.family_name),
            "birthDate" => date(&p.birth_date),
            "birthPlaceCode" => text(&p.birth_place_code),
            "bornAbroad" => self.is_born_abroad().to_plain(),
            "gender" => text(&p.gender),
            "citizenship" => text(&p.citizenship),
            "residenceMunicipality" => text(&p.residence_municipality),
            "residenceMunicipalityName" => self.municipality_name().to_plain(),
            "residenceProvince" => text(&p.residence_province),
            "email" => text(&p.email),
            "phone" => text(&p.phone),
            "cpiCode" => text(&p.cpi_code),
            "didDate" => date(&p.did_date),
            "sources" => walk.list(&self.source_list(), field)?,
            "provenance" => walk.list(&self.provenance_list(), field)?,
            _ => return None,
        })
    }
}

/// One regional source's record of the citizen.
#[derive(SimpleObject)]
#[graphql(guard = "access::PERSON_SOURCE")]
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

impl PlainFields for PersonSource {
    const RULE: access::RoleGuard = access::PERSON_SOURCE;

    fn plain_field(&self, field: &Positioned<GqlField>, walk: &Walk<'_>) -> Option<Value> {
        Some(match field.node.name.node.as_str() {
            "source" => self.source.as_str().to_plain(),
            "fiscalCode" => self.fiscal_code.as_str().to_plain(),
            "updatedAt" => self.updated_at.to_plain(),
            "stale" => self.stale.to_plain(),
            "ageSeconds" => self.age_seconds.to_plain(),
            "linkedFrom" => match &self.linked_from {
                Some(link) => walk.object(link, &field.node.selection_set.node)?,
                None => Value::Null,
            },
            _ => return None,
        })
    }
}

/// The source a merged field was taken from.
#[derive(SimpleObject)]
#[graphql(guard = "access::FIELD_PROVENANCE")]
pub struct FieldProvenance {
    pub field: &'static str,
    pub source: String,
    pub updated_at: NaiveDateTime,
    /// Taken from the source's last good answer because the source failed.
    pub stale: bool,
    /// Seconds since the source gave it, when it came from the cache; null when fetched now.
    pub age_seconds: Option<i64>,
}

impl PlainFields for FieldProvenance {
    const RULE: access::RoleGuard = access::FIELD_PROVENANCE;

    fn plain_field(&self, field: &Positioned<GqlField>, _: &Walk<'_>) -> Option<Value> {
        Some(match field.node.name.node.as_str() {
            "field" => self.field.to_plain(),
            "source" => self.source.as_str().to_plain(),
            "updatedAt" => self.updated_at.to_plain(),
            "stale" => self.stale.to_plain(),
            "ageSeconds" => self.age_seconds.to_plain(),
            _ => return None,
        })
    }
}

pub(super) fn age_seconds(freshness: Freshness) -> Option<i64> {
    freshness
        .age
        .map(|age| i64::try_from(age.as_secs()).unwrap_or(i64::MAX))
}
