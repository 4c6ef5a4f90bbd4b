//! V2 (DOMAIN.md §3.1, §8): the birth date, sex and birthplace a codice fiscale encodes,
//! decoded from its base (the omocodia letters turned back into digits, for decoding only),
//! checked against the person record. A disagreement is a warning, never a refusal: the
//! record may be wrong, or the code was issued with an error Agenzia delle Entrate kept.

use super::{FiscalCode, MONTH_LETTERS};
use crate::codes;
use chrono::{Datelike, NaiveDate};

/// What the code says of its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The last two digits of the birth year (the century is not in the code).
    pub year_2: u32,
    pub month: u32,
    pub day: u32,
    pub female: bool,
    /// Belfiore code of the comune, or `Z…` of the foreign state.
    pub birth_place: String,
}

impl FiscalCode {
    /// Decodes the birth data from the base code; `None` for a provisional code.
    pub fn decode(&self) -> Option<Decoded> {
        if self.is_provisional() {
            return None;
        }
        let base = self.base();
        let b = base.as_str();
        let day_code: u32 = b[9..11].parse().unwrap_or(0);
        Some(Decoded {
            year_2: b[6..8].parse().unwrap_or(0),
            month: MONTH_LETTERS
                .iter()
                .position(|&l| l == b.as_bytes()[8])
                .map_or(0, |i| i as u32 + 1),
            day: day_code % 40,
            female: day_code > 40,
            birth_place: b[11..15].to_owned(),
        })
    }

    /// V2: each disagreement between the code and the person record, as a warning naming the
    /// field; empty when they agree or the record says nothing.
    pub fn consistency_warnings(
        &self,
        birth_date: Option<NaiveDate>,
        gender: Option<&str>,
        birth_place: Option<&str>,
    ) -> Vec<String> {
        // a provisional code encodes nothing to compare
        let Some(d) = self.decode() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(born) = birth_date {
            let agrees = born.day() == d.day
                && born.month() == d.month
                && born.year().rem_euclid(100) as u32 == d.year_2;
            if !agrees {
                out.push(format!(
                    "birthDate: the codice fiscale encodes a birth on day {}, month {}, year \
                     ..{:02}; the person record says {born} (V2)",
                    d.day, d.month, d.year_2
                ));
            }
        }
        if let Some(g) = gender.map(str::trim).filter(|g| !g.is_empty()) {
            let coded = if d.female { "F" } else { "M" };
            if !g.eq_ignore_ascii_case(coded) {
                out.push(format!(
                    "gender: the codice fiscale encodes sex {coded}; the person record says {g} \
                     (V2)"
                ));
            }
        }
        if let Some(place) = birth_place.map(str::trim).filter(|p| !p.is_empty())
            && !place.eq_ignore_ascii_case(&d.birth_place)
        {
            out.push(format!(
                "birthPlaceCode: the codice fiscale encodes the birthplace {}; the person record \
                 says {place} (V2)",
                d.birth_place
            ));
        }
        // a Belfiore code given to a comune after the person's birth cannot be theirs
        if let Some(born) = birth_date
            && let Some(m) = codes::MUNICIPALITIES
                .iter()
                .find(|m| m.belfiore == d.birth_place)
            && !m.existed_at(born)
        {
            out.push(format!(
                "birthPlaceCode: {} ({}) has existed since {}, after the birth on {born} (V2)",
                d.birth_place,
                m.name,
                m.established.map(|e| e.to_string()).unwrap_or_default()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_code_agrees_with_its_record_or_says_where_not() {
        // RSSMRA85T10A562S: born 10 December 1985, male, in A562 (San Giuliano Terme)
        let code = FiscalCode::parse("RSSMRA85T10A562S").unwrap();
        assert_eq!(
            code.decode().unwrap(),
            Decoded {
                year_2: 85,
                month: 12,
                day: 10,
                female: false,
                birth_place: "A562".into()
            }
        );
        let agree = code.consistency_warnings(Some(d("1985-12-10")), Some("M"), Some("A562"));
        assert_eq!(agree, Vec::<String>::new());
        let all = code.consistency_warnings(Some(d("1985-12-11")), Some("F"), Some("D612"));
        assert_eq!(all.len(), 3, "{all:?}");
        assert!(all[0].starts_with("birthDate: the codice fiscale encodes a birth on day 10"));
        assert!(all[1].starts_with("gender: the codice fiscale encodes sex M"));
        assert!(all[2].contains("encodes the birthplace A562; the person record says D612"));
        // an omocodia variant decodes like its base
        let variant = code.omocode_variant(2);
        assert_eq!(variant.decode(), code.decode());
        // a woman's day carries 40
        let paola = FiscalCode::parse("BNCPLA60A62I726C").unwrap();
        let p = paola.decode().unwrap();
        assert_eq!((p.day, p.month, p.female), (22, 1, true));
        assert_eq!(
            paola.consistency_warnings(None, None, None),
            Vec::<String>::new()
        );
    }
}

/// V3 (DOMAIN.md §3.1): an employer's tax number is a codice fiscale of 16 characters (a sole
/// trader) or 11 digits whose last is the check digit of a partita IVA / provisional code
/// (the odd places summed, the even ones doubled with 9 taken off above 9). The problem, or
/// `None` when the number is well formed.
pub fn tax_number_problem(field: &str, number: &str) -> Option<String> {
    let n = number.trim();
    if n.len() == 16 {
        return FiscalCode::parse(n)
            .err()
            .map(|e| format!("{field}: {n} is not a valid codice fiscale: {e} (V3)"));
    }
    if n.len() != 11 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!(
            "{field}: {n} is neither a codice fiscale (16 characters) nor a partita IVA (11 \
             digits) (V3)"
        ));
    }
    let check = partita_iva_check_digit(&n[..10]);
    let found = char::from(n.as_bytes()[10]);
    (check != found).then(|| {
        format!(
            "{field}: {n} fails the partita IVA check digit (expected {check}, found {found}) (V3)"
        )
    })
}

/// The check digit of a partita IVA (or a provisional code) from its first ten digits: the odd
/// places summed, the even ones doubled with 9 taken off above 9, and what takes the sum to a
/// multiple of ten.
pub fn partita_iva_check_digit(first10: &str) -> char {
    let sum: u32 = first10
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b.wrapping_sub(b'0')) % 10;
            if i % 2 == 0 {
                d
            } else if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

#[cfg(test)]
mod tax_number_tests {
    use super::tax_number_problem;

    #[test]
    fn v3_employer_tax_numbers() {
        // 00743110157 and 01114601006 are well-formed partite IVA (check digits 7 and 6)
        for ok in ["00743110157", "01114601006", "RSSMRA85T10A562S"] {
            assert_eq!(tax_number_problem("employerTaxCode", ok), None, "{ok}");
        }
        let bad = tax_number_problem("employerTaxCode", "00743110158").unwrap();
        assert!(bad.contains("expected 7, found 8"), "{bad}");
        assert!(
            tax_number_problem("employerTaxCode", "ABC")
                .unwrap()
                .contains("neither")
        );
        let cf = tax_number_problem("employerTaxCode", "RSSMRA85T10A562X").unwrap();
        assert!(
            cf.starts_with("employerTaxCode: RSSMRA85T10A562X is not a valid codice"),
            "{cf}"
        );
    }
}
