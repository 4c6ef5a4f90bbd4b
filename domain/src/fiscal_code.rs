//! Codice fiscale of a natural person (DM 23/12/1976; DOMAIN.md §3.1): parsing, the check
//! character, omocodia, and encoding (used by the demo generator).
//!
//! A `FiscalCode` is valid once built: nothing else in the crate passes raw strings around.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Why a string is not a valid codice fiscale. Each message names the rule broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiscalCodeError {
    #[error("must be 16 characters (or a provisional code of 11 digits), got {0}")]
    Length(usize),
    #[error("provisional code: check digit is '{found}', expected '{expected}'")]
    ProvisionalCheckDigit { found: char, expected: char },
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
        // V3 (DOMAIN.md §3.1): a provisional code (codice fiscale provvisorio, given while the
        // definitive one is pending) is 11 digits with the check digit of a partita IVA
        if bytes.len() == 11 && bytes.iter().all(u8::is_ascii_digit) {
            let expected = partita_iva_check_digit(&code[..10]);
            let found = bytes[10] as char;
            if found != expected {
                return Err(FiscalCodeError::ProvisionalCheckDigit { found, expected });
            }
            return Ok(FiscalCode(code));
        }
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

    /// A provisional code (11 digits): it carries no birth data and has no omocodia.
    pub fn is_provisional(&self) -> bool {
        self.0.len() == 11
    }

    /// True when at least one digit position carries an omocodia letter.
    pub fn is_omocode(&self) -> bool {
        !self.is_provisional()
            && OMOCODE_POSITIONS
                .iter()
                .any(|&p| self.0.as_bytes()[p].is_ascii_uppercase())
    }

    /// The code with every omocodia letter turned back into its digit and the check character
    /// recomputed: for decoding the birth data and for flagging a possible omocodia only. A
    /// variant and its base are two different people (DOMAIN.md §3.1: omocodia exists because
    /// two persons would otherwise share one code), so nothing is ever keyed by the base.
    pub fn base(&self) -> FiscalCode {
        if self.is_provisional() {
            return self.clone();
        }
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
        if self.is_provisional() {
            return self.clone();
        }
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
        if self.is_provisional() {
            return Vec::new();
        }
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

mod consistency;
pub use consistency::{Decoded, partita_iva_check_digit, tax_number_problem};

#[cfg(test)]
mod tests;
