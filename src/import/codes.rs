//! The territorial codes of an import line — region, CPI area, office — checked against the
//! reference data (issue 19 §5: `"area": "Atlantide"` used to become a reporting row of its
//! own). The look-ups are built once per import, then each line costs a few hash look-ups.

use super::LegacyLibretto;
use super::ivc::LegacyDossier;
use crate::domain::codes::CPI_AREAS;
use crate::store::reference::provinces_by_region;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::{HashMap, HashSet};

/// The region whose CPI areas the reference data knows (seed 000: the ten provinces and
/// Empoli).
const AREAS_REGION: &str = "TOS";

/// Empoli is a CPI area of its own inside the province of Firenze (seed 000); its offices
/// are coded `CPI-EM-…` beside the province's `CPI-FI-…`.
const EMPOLI_OFFICES: &str = "EM";

pub struct Codes {
    /// A CPI area as legacy files spell it (any case, `-` or space) → its name.
    areas: HashMap<String, &'static str>,
    provinces: HashMap<String, HashSet<String>>,
}

/// Lower case, hyphens as spaces: seed 000 writes "Massa Carrara", ISTAT "Massa-Carrara".
fn spelling(area: &str) -> String {
    area.trim().to_lowercase().replace('-', " ")
}

impl Codes {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        Ok(Codes {
            areas: CPI_AREAS.iter().map(|a| (spelling(a), *a)).collect(),
            provinces: provinces_by_region(db).await?,
        })
    }

    fn region(&self, region: &str) -> Result<(), String> {
        if self.provinces.contains_key(region) {
            return Ok(());
        }
        let mut known: Vec<&str> = self.provinces.keys().map(String::as_str).collect();
        known.sort_unstable();
        Err(format!(
            "region: \"{region}\" is not an ISTAT region code ({})",
            known.join(", ")
        ))
    }

    /// The area's name as the reference data writes it.
    fn area(&self, region: &str, area: &str) -> Result<&'static str, String> {
        if region != AREAS_REGION {
            return Err(format!(
                "area: no CPI areas are known for region {region} (only {AREAS_REGION}'s, seed 000)"
            ));
        }
        if let Some(name) = CPI_AREAS.iter().find(|a| **a == area) {
            return Ok(name);
        }
        self.areas.get(&spelling(area)).copied().ok_or_else(|| {
            format!(
                "area: \"{area}\" is not a CPI area of {region} ({})",
                CPI_AREAS.join(", ")
            )
        })
    }

    /// `CPI-<province>-<number>`, the province one of the region's (DESIGN.md "Roles").
    fn office(&self, region: &str, office: &str) -> Result<(), String> {
        let mut parts = office.splitn(3, '-');
        let (prefix, province, number) = (parts.next(), parts.next(), parts.next());
        let of_region = province.is_some_and(|p| {
            self.provinces.get(region).is_some_and(|s| s.contains(p))
                || (region == AREAS_REGION && p == EMPOLI_OFFICES)
        });
        let numbered = number.is_some_and(|n| {
            (1..=8).contains(&n.len())
                && n.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        });
        if prefix == Some("CPI") && of_region && numbered {
            Ok(())
        } else {
            Err(format!(
                "office: \"{office}\" is not a CPI office of region {region} \
                 (CPI-<province of the region>-<1 to 8 letters or digits>, e.g. CPI-FI-01)"
            ))
        }
    }

    /// Checks a libretto line's region, area and office, and writes the area as the
    /// reference data names it ("Massa Carrara" → "Massa-Carrara"): one area, one key in
    /// the reports, whichever way a file spelled it.
    pub fn libretto(&self, line: &mut LegacyLibretto, default_region: &str) -> Result<(), String> {
        let region = line.region.as_deref().unwrap_or(default_region);
        self.region(region)?;
        line.area = self.area(region, &line.area)?.to_owned();
        match &line.office {
            Some(office) => self.office(region, office),
            None => Ok(()),
        }
    }

    pub fn dossier(&self, line: &LegacyDossier, default_region: &str) -> Result<(), String> {
        let region = line.region.as_deref().unwrap_or(default_region);
        self.region(region)?;
        match &line.office {
            Some(office) => self.office(region, office),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::EMPOLI_AREA;

    fn codes() -> Codes {
        let provinces = |list: &[&str]| list.iter().map(|p| (*p).to_owned()).collect();
        Codes {
            areas: CPI_AREAS.iter().map(|a| (spelling(a), *a)).collect(),
            provinces: HashMap::from([
                ("TOS".to_owned(), provinces(&["FI", "PI", "MS"])),
                ("PIE".to_owned(), provinces(&["TO", "CN"])),
            ]),
        }
    }

    #[test]
    fn areas_are_tuscany_s_cpi_areas_whatever_the_spelling() {
        let c = codes();
        assert_eq!(c.area("TOS", "Pisa"), Ok("Pisa"));
        assert_eq!(c.area("TOS", "MASSA CARRARA"), Ok("Massa-Carrara"));
        assert_eq!(c.area("TOS", EMPOLI_AREA), Ok("Empoli"));
        let err = c.area("TOS", "Atlantide").unwrap_err();
        assert!(
            err.starts_with("area: \"Atlantide\" is not a CPI area of TOS"),
            "{err}"
        );
        assert!(c.area("PIE", "Pisa").unwrap_err().contains("no CPI areas"));
    }

    #[test]
    fn offices_belong_to_a_province_of_the_region() {
        let c = codes();
        assert_eq!(c.office("TOS", "CPI-FI-01"), Ok(()));
        assert_eq!(c.office("TOS", "CPI-EM-02"), Ok(()));
        assert_eq!(c.office("PIE", "CPI-TO-A1"), Ok(()));
        for bad in [
            "CPI-TO-01",
            "CPI-FI",
            "CPI-FI-",
            "=CPI-FI-01",
            "CPI-FI-0001234567",
            "cpi-fi-01",
        ] {
            let err = c.office("TOS", bad).unwrap_err();
            assert!(err.starts_with(&format!("office: \"{bad}\"")), "{err}");
        }
        assert!(c.region("ATL").unwrap_err().starts_with("region: \"ATL\""));
    }
}
