//! Codice fiscale of a natural person (DM 23/12/1976; DOMAIN.md §3.1): parsing, the check
//! character, omocodia, and encoding (used by the demo generator).
//!
//! A `FiscalCode` is valid once built: nothing else in the crate passes raw strings around.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Why a string is not a valid codice fiscale. Each message names the rule broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiscalCodeError {
    #[error("must be 16 characters, got {0}")]
    Length(usize),
    #[error("character {position} ('{found}') must be {expected}")]
    Character {
        position: usize,
        found: char,
        expected: &'static str,
    },
    #[error("month letter '{0}' (character 9) is not one of A B C D E H L M P R S T")]
    Month(char),
    #[error("day {0} (characters 10-11) is not 1-31 (male) or 41-71 (female)")]
    Day(u32),
    #[error("check character is '{found}', expected '{expected}'")]
    CheckCharacter { found: char, expected: char },
}

/// 0-based positions that omocodia may turn into letters, rightmost first (Agenzia delle
/// Entrate substitutes starting from the last digit).
const OMOCODE_POSITIONS: [usize; 7] = [14, 13, 12, 10, 9, 7, 6];
/// Omocodia letters standing for the digits 0..9.
const OMOCODE_LETTERS: &[u8; 10] = b"LMNPQRSTUV";
const MONTH_LETTERS: &[u8; 12] = b"ABCDEHLMPRST";
/// Values of characters in odd positions (1st, 3rd, …), for 0-9 and A-Z alike (0 ≡ A, …).
const ODD_VALUES: [u32; 26] = [
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalCode(String);

impl FiscalCode {
    /// Validates format, omocodia positions, date letters and the check character.
    /// Surrounding blanks are ignored and lowercase is accepted.
    pub fn parse(input: &str) -> Result<Self, FiscalCodeError> {
        let code = input.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        if bytes.len() != 16 || !code.is_ascii() {
            return Err(FiscalCodeError::Length(code.chars().count()));
        }
        for (i, &b) in bytes.iter().enumerate() {
            let c = b as char;
            let ok = match i {
                0..=5 | 8 | 11 | 15 => b.is_ascii_uppercase(),
                _ => b.is_ascii_digit() || OMOCODE_LETTERS.contains(&b),
            };
            if !ok {
                let expected = match i {
                    0..=5 | 8 | 11 | 15 => "a letter",
                    _ => "a digit or an omocodia letter (L M N P Q R S T U V)",
                };
                return Err(FiscalCodeError::Character {
                    position: i + 1,
                    found: c,
                    expected,
                });
            }
        }
        if !MONTH_LETTERS.contains(&bytes[8]) {
            return Err(FiscalCodeError::Month(bytes[8] as char));
        }
        let base = de_omocode(&code);
        let day: u32 = base[9..11].parse().unwrap_or(0);
        if !(1..=31).contains(&day) && !(41..=71).contains(&day) {
            return Err(FiscalCodeError::Day(day));
        }
        let expected = check_character(&code[..15]);
        if bytes[15] as char != expected {
            return Err(FiscalCodeError::CheckCharacter {
                found: bytes[15] as char,
                expected,
            });
        }
        Ok(FiscalCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when at least one digit position carries an omocodia letter.
    pub fn is_omocode(&self) -> bool {
        OMOCODE_POSITIONS
            .iter()
            .any(|&p| self.0.as_bytes()[p].is_ascii_uppercase())
    }

    /// The code with every omocodia letter turned back into its digit and the check character
    /// recomputed: for decoding the birth data and for flagging a possible omocodia only. A
    /// variant and its base are two different people (DOMAIN.md §3.1: omocodia exists because
    /// two persons would otherwise share one code), so nothing is ever keyed by the base.
    pub fn base(&self) -> FiscalCode {
        let mut body = self.body();
        for &p in &OMOCODE_POSITIONS {
            if let Some(digit) = OMOCODE_LETTERS.iter().position(|&l| l == body[p]) {
                body[p] = b'0' + digit as u8;
            }
        }
        FiscalCode::from_body(body)
    }

    /// The variant Agenzia delle Entrate issues at omocodia `level` (1..=7): the `level`
    /// rightmost substitutable digits of the base become letters. Level 0 is the base.
    pub fn omocode_variant(&self, level: usize) -> FiscalCode {
        let mut body = self.base().body();
        for &p in OMOCODE_POSITIONS.iter().take(level.min(7)) {
            body[p] = OMOCODE_LETTERS[(body[p] - b'0') as usize];
        }
        FiscalCode::from_body(body)
    }

    /// The other codes Agenzia delle Entrate may have issued to people sharing this code's
    /// base: the base and its seven progressive variants (digits replaced from the right),
    /// without this code itself. Each is another person; operators see them only as a flag
    /// (`Citizen.possibleOmocodes`).
    pub fn omocode_relatives(&self) -> Vec<FiscalCode> {
        let mut body = self.base().body();
        let mut all = Vec::with_capacity(8);
        let base = FiscalCode::from_body(body);
        if base != *self {
            all.push(base);
        }
        for &p in &OMOCODE_POSITIONS {
            body[p] = OMOCODE_LETTERS[(body[p] - b'0') as usize];
            let variant = FiscalCode::from_body(body);
            if variant != *self {
                all.push(variant);
            }
        }
        all
    }

    /// The first 15 characters (a valid code is 16 ASCII characters).
    fn body(&self) -> [u8; 15] {
        let mut body = [b'0'; 15];
        body.copy_from_slice(&self.0.as_bytes()[..15]);
        body
    }

    /// The code of a body whose characters are valid: the body and its check character.
    fn from_body(body: [u8; 15]) -> FiscalCode {
        let mut code = String::with_capacity(16);
        code.extend(body.iter().map(|&b| char::from(b)));
        let check = check_character(&code);
        code.push(check);
        FiscalCode(code)
    }

    /// Builds the code of a person (no omocodia). `birth_place_code` is the Belfiore code of
    /// the comune, or `Z` + 3 digits for a foreign state.
    pub fn encode(
        family_name: &str,
        given_name: &str,
        birth_date: NaiveDate,
        female: bool,
        birth_place_code: &str,
    ) -> FiscalCode {
        let family = name_letters(family_name, false);
        let given = name_letters(given_name, true);
        let year = birth_date.year().rem_euclid(100);
        let month = MONTH_LETTERS[birth_date.month0() as usize] as char;
        let day = birth_date.day() + if female { 40 } else { 0 };
        let body = format!("{family}{given}{year:02}{month}{day:02}{birth_place_code}");
        let check = check_character(&body);
        FiscalCode(format!("{body}{check}"))
    }
}

impl fmt::Display for FiscalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The check character of the first 15 characters (uppercase ASCII letters and digits).
pub fn check_character(first15: &str) -> char {
    let sum: u32 = first15
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let index = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b.saturating_sub(b'A'))
            };
            // positions are 1-based in the rule: index 0 is the 1st (odd) character
            if i % 2 == 0 {
                ODD_VALUES[(index as usize).min(25)]
            } else {
                index
            }
        })
        .sum();
    char::from(b'A' + (sum % 26) as u8)
}

fn de_omocode(code: &str) -> String {
    let mut bytes = code.as_bytes().to_vec();
    for &p in &OMOCODE_POSITIONS {
        if p < bytes.len()
            && let Some(digit) = OMOCODE_LETTERS.iter().position(|&l| l == bytes[p])
        {
            bytes[p] = b'0' + digit as u8;
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Three letters from a name: consonants then vowels, padded with X. For given names with
/// four or more consonants the 1st, 3rd and 4th consonants are used.
fn name_letters(name: &str, is_given_name: bool) -> String {
    let letters: Vec<char> = name
        .to_uppercase()
        .chars()
        .map(strip_accent)
        .filter(char::is_ascii_uppercase)
        .collect();
    let is_vowel = |c: &char| "AEIOU".contains(*c);
    let consonants: Vec<char> = letters.iter().copied().filter(|c| !is_vowel(c)).collect();
    let vowels: Vec<char> = letters.iter().copied().filter(is_vowel).collect();
    if is_given_name && consonants.len() >= 4 {
        return [consonants[0], consonants[2], consonants[3]]
            .iter()
            .collect();
    }
    consonants
        .into_iter()
        .chain(vowels)
        .chain(std::iter::repeat('X'))
        .take(3)
        .collect()
}

fn strip_accent(c: char) -> char {
    match c {
        'À' | 'Á' => 'A',
        'È' | 'É' => 'E',
        'Ì' | 'Í' => 'I',
        'Ò' | 'Ó' => 'O',
        'Ù' | 'Ú' => 'U',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published vectors (DOMAIN.md §3.1).
    const VALID: [&str; 6] = [
        "RSSMRA85T10A562S",
        "RSSMRA80A01H501U",
        "RSSMRA75C22H501I",
        "RSSMRA72L09H501S",
        "ABCDEF12B23P432P",
        "ABCDEF12B23P43NE",
    ];

    #[test]
    fn published_vectors_are_valid() {
        for code in VALID {
            assert!(FiscalCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn lowercase_and_blanks_are_normalised() {
        let fc = FiscalCode::parse("  rssmra85t10a562s ").unwrap();
        assert_eq!(fc.as_str(), "RSSMRA85T10A562S");
    }

    #[test]
    fn wrong_check_character_names_the_expected_one() {
        let err = FiscalCode::parse("RSSMRA85T10A562X").unwrap_err();
        assert_eq!(
            err,
            FiscalCodeError::CheckCharacter {
                found: 'X',
                expected: 'S'
            }
        );
        assert!(err.to_string().contains("expected 'S'"));
    }

    #[test]
    fn format_errors_name_position_and_rule() {
        assert_eq!(
            FiscalCode::parse("RSSMRA85T10A562").unwrap_err(),
            FiscalCodeError::Length(15)
        );
        let err = FiscalCode::parse("RSSMRA85T1AA562S").unwrap_err();
        assert!(matches!(
            err,
            FiscalCodeError::Character { position: 11, .. }
        ));
        assert_eq!(
            FiscalCode::parse("RSSMRA85F10A562S").unwrap_err(),
            FiscalCodeError::Month('F')
        );
        // day 35 is neither a male (1-31) nor a female (41-71) day
        let body = "RSSMRA85T35A562";
        let code = format!("{body}{}", check_character(body));
        assert_eq!(
            FiscalCode::parse(&code).unwrap_err(),
            FiscalCodeError::Day(35)
        );
    }

    #[test]
    fn omocode_variant_shares_the_base() {
        let variant = FiscalCode::parse("ABCDEF12B23P43NE").unwrap();
        assert!(variant.is_omocode());
        assert_eq!(variant.base().as_str(), "ABCDEF12B23P432P");
        let base = FiscalCode::parse("ABCDEF12B23P432P").unwrap();
        assert!(!base.is_omocode());
        assert_eq!(base.omocode_variant(1), variant);
        assert_eq!(base.base(), base);
    }

    #[test]
    fn every_progressive_variant_is_valid_and_listed() {
        let base = FiscalCode::parse("RSSMRA85T10A562S").unwrap();
        let relatives = base.omocode_relatives();
        assert_eq!(
            relatives.len(),
            7,
            "the base itself is not its own relative"
        );
        for level in 1..=7 {
            let v = base.omocode_variant(level);
            assert!(FiscalCode::parse(v.as_str()).is_ok(), "{v}");
            assert_eq!(v.base(), base);
            assert!(relatives.contains(&v));
            // a variant's relatives are the base and the other variants, never itself
            let theirs = v.omocode_relatives();
            assert!(theirs.contains(&base) && !theirs.contains(&v));
        }
        assert_eq!(&base.omocode_variant(7).as_str()[6..15], "URTMLARSN");
    }

    #[test]
    fn encode_reproduces_published_codes() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            FiscalCode::encode("Rossi", "Mario", d(1985, 12, 10), false, "A562").as_str(),
            "RSSMRA85T10A562S"
        );
        assert_eq!(
            FiscalCode::encode("Rossi", "Mario", d(1980, 1, 1), false, "H501").as_str(),
            "RSSMRA80A01H501U"
        );
        // female day + 40; given name with 4+ consonants takes the 1st, 3rd and 4th
        let fc = FiscalCode::encode("Bianchi", "Francesca", d(1990, 3, 5), true, "D612");
        assert_eq!(&fc.as_str()[..11], "BNCFNC90C45");
        assert!(FiscalCode::parse(fc.as_str()).is_ok());
    }
}

/// Properties over generated input (issue 7): the parser never panics, accepts what the
/// encoder and the omocodia rules produce, and a changed letter never slips through.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A person the encoder can build a code for: names, birth date 1900-2099, sex, and a
    /// Belfiore code (comune letter A-Y or foreign state Z).
    fn person() -> impl Strategy<Value = (String, String, NaiveDate, bool, String)> {
        (
            "[A-Za-z' ]{1,20}",
            "[A-Za-z' ]{1,20}",
            (1900i32..2100, 1u32..13, 1u32..29),
            any::<bool>(),
            "[A-Z][0-9]{3}",
        )
            .prop_map(|(family, given, (y, m, d), female, place)| {
                let date = NaiveDate::from_ymd_opt(y, m, d).expect("day 1-28 exists");
                (family, given, date, female, place)
            })
    }

    proptest! {
        #[test]
        fn any_text_is_refused_or_parsed_to_a_stable_code(text in "\\PC{0,24}") {
            if let Ok(code) = FiscalCode::parse(&text) {
                prop_assert_eq!(code.as_str().len(), 16);
                let again = FiscalCode::parse(code.as_str());
                prop_assert_eq!(again.as_ref(), Ok(&code));
            }
        }

        #[test]
        fn near_codes_never_panic(text in "[A-Z0-9LMNPQRSTUV]{14,18}") {
            let _ = FiscalCode::parse(&text);
        }

        #[test]
        fn encoded_codes_parse_and_every_omocode_variant_has_the_same_base(
            (family, given, date, female, place) in person(),
            level in 0usize..8,
        ) {
            let code = FiscalCode::encode(&family, &given, date, female, &place);
            let parsed = FiscalCode::parse(code.as_str());
            prop_assert_eq!(parsed.as_ref(), Ok(&code), "{}", code);
            prop_assert!(!code.is_omocode());
            prop_assert_eq!(&code.base(), &code);
            let variant = code.omocode_variant(level);
            prop_assert_eq!(FiscalCode::parse(variant.as_str()), Ok(variant.clone()));
            prop_assert_eq!(variant.is_omocode(), level > 0);
            prop_assert_eq!(&variant.base(), &code);
            prop_assert_eq!(code.omocode_relatives().contains(&variant), level > 0);
            // lowercase and blanks around are the same code
            let sloppy = format!("  {}\t", variant.as_str().to_lowercase());
            prop_assert_eq!(FiscalCode::parse(&sloppy), Ok(variant));
        }

        #[test]
        fn a_changed_name_letter_is_caught(
            (family, given, date, female, place) in person(),
            position in 0usize..6,
            shift in 1u8..26,
        ) {
            let code = FiscalCode::encode(&family, &given, date, female, &place);
            let mut bytes = code.as_str().as_bytes().to_vec();
            bytes[position] = b'A' + (bytes[position] - b'A' + shift) % 26;
            let changed = String::from_utf8(bytes).expect("ASCII");
            prop_assert!(
                matches!(FiscalCode::parse(&changed), Err(FiscalCodeError::CheckCharacter { .. })),
                "{} accepted", changed
            );
        }
    }
}
