//! The Italian codice fiscale: 16-character personal codes (with omocodia) and 11-digit numeric
//! codes.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_types::codice_fiscale::{CodiceFiscale, Sex};
//!
//! let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
//!
//! // Validation normalises case and spaces, and checks structure, month, day and check character.
//! let cf: CodiceFiscale = "rssmra 85t10 a562s".parse()?;
//! assert_eq!(cf.as_str(), "RSSMRA85T10A562S");
//!
//! // Decoding: sex, birth date (century resolved against a reference date) and birth place
//! // (the comune or foreign state valid on the birth date).
//! let person = cf.decode(today)?;
//! assert_eq!(person.sex, Sex::Male);
//! assert_eq!(person.birth_date, NaiveDate::from_ymd_opt(1985, 12, 10).unwrap());
//! assert_eq!(person.birth_place.code(), "A562");
//! assert_eq!(person.birth_place.name(), "SAN GIULIANO TERME");
//!
//! // Omocodia: Agenzia delle Entrate replaces digits with letters from the right.
//! let omocode: CodiceFiscale = "RSSMRA85T10A56NH".parse()?;
//! assert_eq!(omocode.omocodia_level(), 1);
//! assert_eq!(omocode.canonical(), cf);
//! assert!(omocode.same_person_as(&cf));
//! assert_ne!(omocode, cf); // equality is exact: store the code as assigned
//!
//! // Encoding from personal data, with the seven omocodia variants.
//! let born = NaiveDate::from_ymd_opt(1985, 12, 10).unwrap();
//! let encoded = CodiceFiscale::encode("Rossi", "Mario", Sex::Male, born, "A562")?;
//! assert_eq!(encoded, cf);
//! assert_eq!(encoded.omocodia_variants()[6].as_str(), "RSSMRAURTMLARSNL");
//! # Ok::<(), welfare_types::codice_fiscale::CodiceFiscaleError>(())
//! ```
//!
//! Rules: DM 23 dicembre 1976 (Ministero delle Finanze), DPR 605/1973; omocodia as applied by
//! Agenzia delle Entrate; numeric codes and their office classes as in Sogei's
//! formal-correctness routine (see [`NumericCodeClass`]).
//!
//! Validation is byte-table driven and does not allocate; errors ([`CodiceFiscaleError`]) never
//! carry the code, only what is wrong and where.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::partita_iva::{eleven_digits, numeric_parts, NumericCodeClass, NumericShapeError};
use crate::territory::{fold_name, pack_code, Place, TerritoryError};

/// Why a string is not a valid codice fiscale, or cannot be decoded or encoded.
///
/// Never carries the code or personal data: only what is wrong and where.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum CodiceFiscaleError {
    /// Neither 16 nor 11 characters (spaces not counted).
    #[error("a codice fiscale has 16 characters (11 digits if numeric), found {found}")]
    Length {
        /// Characters found, spaces not counted.
        found: usize,
    },
    /// A character not allowed at its position.
    #[error("invalid character at position {position} of the codice fiscale")]
    InvalidCharacter {
        /// 1-based position in the code, spaces not counted.
        position: usize,
    },
    /// The month letter (position 9) is not one of `ABCDEHLMPRST`.
    #[error("invalid month letter at position 9 of the codice fiscale")]
    InvalidMonth,
    /// The day (positions 10–11) is not 1–31 or 41–71, or not a day of the month.
    #[error("invalid day of birth at positions 10-11 of the codice fiscale")]
    InvalidDay,
    /// The check character (position 16) or check digit (position 11) does not match.
    #[error("wrong check character of the codice fiscale")]
    CheckCharacter,
    /// A numeric code whose office code (digits 8–10) belongs to no class, or whose progressive
    /// is all zeros.
    #[error("digits 8-10 of the numeric codice fiscale are not an office code")]
    OfficeCode,
    /// A numeric code has no sex, birth date or birth place to decode.
    #[error("a numeric codice fiscale carries no personal data")]
    NotPersonal,
    /// No comune or foreign state has the birth-place code (positions 12–15).
    #[error("the birth-place code is not a known comune or foreign state")]
    UnknownPlace,
    /// The birth-place code exists, but not on the birth date.
    #[error("the birth-place code was not in use on the birth date")]
    PlaceNotValidOnDate,
    /// A birth place given by name matches more than one comune: give the province or the code.
    #[error("the birth place name is ambiguous; give the province or the code")]
    AmbiguousPlace,
    /// The surname has no letters.
    #[error("the surname has no letters")]
    InvalidSurname,
    /// The name has no letters.
    #[error("the name has no letters")]
    InvalidName,
    /// The birth year cannot be written in a codice fiscale (before year 1 or after 9999).
    #[error("birth date out of range")]
    DateOutOfRange,
}

impl CodiceFiscaleError {
    /// A stable snake_case name of the error, for programs and JSON output: `length`,
    /// `invalid_character`, `invalid_month`, `invalid_day`, `check_character`, `office_code`,
    /// `not_personal`, `unknown_place`, `place_not_valid_on_date`, `ambiguous_place`,
    /// `invalid_surname`, `invalid_name`, `date_out_of_range`.
    pub fn kind(&self) -> &'static str {
        match self {
            CodiceFiscaleError::Length { .. } => "length",
            CodiceFiscaleError::InvalidCharacter { .. } => "invalid_character",
            CodiceFiscaleError::InvalidMonth => "invalid_month",
            CodiceFiscaleError::InvalidDay => "invalid_day",
            CodiceFiscaleError::CheckCharacter => "check_character",
            CodiceFiscaleError::OfficeCode => "office_code",
            CodiceFiscaleError::NotPersonal => "not_personal",
            CodiceFiscaleError::UnknownPlace => "unknown_place",
            CodiceFiscaleError::PlaceNotValidOnDate => "place_not_valid_on_date",
            CodiceFiscaleError::AmbiguousPlace => "ambiguous_place",
            CodiceFiscaleError::InvalidSurname => "invalid_surname",
            CodiceFiscaleError::InvalidName => "invalid_name",
            CodiceFiscaleError::DateOutOfRange => "date_out_of_range",
        }
    }
}

impl From<TerritoryError> for CodiceFiscaleError {
    fn from(e: TerritoryError) -> CodiceFiscaleError {
        match e {
            TerritoryError::NotValidOnDate => CodiceFiscaleError::PlaceNotValidOnDate,
            TerritoryError::Ambiguous => CodiceFiscaleError::AmbiguousPlace,
            _ => CodiceFiscaleError::UnknownPlace,
        }
    }
}

/// Sex as written in the codice fiscale (day of birth + 40 for women).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Sex {
    /// `M`.
    #[serde(rename = "M")]
    Male,
    /// `F`.
    #[serde(rename = "F")]
    Female,
}

impl Sex {
    /// `"M"` or `"F"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
}

/// The two kinds of codice fiscale.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 16 characters: a natural person (`persona_fisica`).
    PersonaFisica,
    /// 11 digits: a non-natural person, or a provisional code of a natural person (`numerico`).
    Numerico,
}

/// What a 16-character codice fiscale says about its holder.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Decoded {
    /// Sex.
    pub sex: Sex,
    /// Birth date, century resolved against the reference date.
    pub birth_date: NaiveDate,
    /// The comune or foreign state of the birth-place code, as it was on the birth date.
    pub birth_place: Place,
}

// Character classes of the byte table.
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
/// Letters that replace digits under omocodia: `LMNPQRSTUV` for 0–9.
const OMOCODE: u8 = 4;
const NUMERIC: u8 = DIGIT | OMOCODE;

/// Required class of each of the 16 positions.
const LAYOUT: [u8; 16] = [
    LETTER, LETTER, LETTER, LETTER, LETTER, LETTER, // surname, name
    NUMERIC, NUMERIC, // year
    LETTER,  // month
    NUMERIC, NUMERIC, // day
    LETTER,  // place letter
    NUMERIC, NUMERIC, NUMERIC, // place number
    LETTER,  // check character
];

/// The seven positions (0-based) that omocodia may turn into letters, rightmost first.
const OMOCODIA_POSITIONS: [usize; 7] = [14, 13, 12, 10, 9, 7, 6];

/// `LMNPQRSTUV`: the letter for each digit under omocodia.
const OMOCODE_LETTERS: [u8; 10] = *b"LMNPQRSTUV";

/// Month letters, January to December.
const MONTH_LETTERS: [u8; 12] = *b"ABCDEHLMPRST";

/// Values of the characters in odd positions (1, 3, ..., 15), digits and letters alike:
/// `0/A`=1, `1/B`=0, `2/C`=5, ... (DM 23/12/1976).
const ODD_VALUES: [u8; 26] =
    [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

/// Per byte: class bits, and values for the check character.
struct Tables {
    class: [u8; 256],
    /// Value of a character in an odd position (1-based).
    odd: [u8; 256],
    /// Value of a character in an even position: digits 0–9, letters 0–25.
    even: [u8; 256],
    /// Digit value of a digit or an omocodia letter; 0 otherwise.
    digit: [u8; 256],
    /// Month number (1–12) of a month letter; 0 otherwise.
    month: [u8; 256],
}

// Evaluated at compile time only (for `TABLES`): an out-of-bounds index fails the build.
#[allow(clippy::indexing_slicing)]
const fn build_tables() -> Tables {
    let mut t =
        Tables { class: [0; 256], odd: [0; 256], even: [0; 256], digit: [0; 256], month: [0; 256] };
    let mut i = 0;
    while i < 26 {
        let b = b'A' + i as u8;
        t.class[b as usize] = LETTER;
        t.odd[b as usize] = ODD_VALUES[i];
        t.even[b as usize] = i as u8;
        i += 1;
    }
    let mut d = 0;
    while d < 10 {
        let b = b'0' + d as u8;
        t.class[b as usize] = DIGIT;
        t.odd[b as usize] = ODD_VALUES[d];
        t.even[b as usize] = d as u8;
        t.digit[b as usize] = d as u8;
        let l = OMOCODE_LETTERS[d];
        t.class[l as usize] = LETTER | OMOCODE;
        t.digit[l as usize] = d as u8;
        d += 1;
    }
    let mut m = 0;
    while m < 12 {
        t.month[MONTH_LETTERS[m] as usize] = m as u8 + 1;
        m += 1;
    }
    t
}

static TABLES: Tables = build_tables();

#[inline]
fn lookup(table: &[u8; 256], b: u8) -> u8 {
    table.get(usize::from(b)).copied().unwrap_or(0)
}

/// The check character of the first 15 characters (upper-case ASCII, already validated):
/// odd positions (1, 3, ..., 15) through the odd table, even positions through the even table,
/// sum mod 26 as a letter.
#[inline]
fn check_character(bytes: &[u8; 16]) -> u8 {
    let [b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, _] = *bytes;
    let odd = |b| u32::from(lookup(&TABLES.odd, b));
    let even = |b| u32::from(lookup(&TABLES.even, b));
    let sum = odd(b1)
        + even(b2)
        + odd(b3)
        + even(b4)
        + odd(b5)
        + even(b6)
        + odd(b7)
        + even(b8)
        + odd(b9)
        + even(b10)
        + odd(b11)
        + even(b12)
        + odd(b13)
        + even(b14)
        + odd(b15);
    // sum % 26 < 26: a letter.
    b'A' + (sum % 26) as u8
}

/// A validated codice fiscale: 16 characters of a natural person, or 11 digits.
///
/// Stored exactly as assigned (upper case, no spaces); `==` is exact, use
/// [`same_person_as`](Self::same_person_as) to ignore omocodia. Serde reads and writes it as a
/// string, validating on read.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodiceFiscale {
    bytes: [u8; 16],
    len: u8,
}

impl CodiceFiscale {
    /// Parses and validates a codice fiscale. Lower case is accepted; spaces and tabs anywhere
    /// are ignored. Does not allocate.
    ///
    /// A 16-character code is checked for its layout (letters and digits, or omocodia letters,
    /// in their places), month letter, day (1–31 or 41–71, and a day of that month), and check
    /// character. An 11-digit code is checked for its check digit and office-code class.
    pub fn parse(input: &str) -> Result<CodiceFiscale, CodiceFiscaleError> {
        let raw = input.as_bytes();
        // Fast path: exactly 16 bytes, as codes are usually stored.
        if let Ok(exact) = <[u8; 16]>::try_from(raw) {
            let bytes = exact.map(|b| b.to_ascii_uppercase());
            match validate_personal(&bytes) {
                Ok(()) => return Ok(CodiceFiscale { bytes, len: 16 }),
                Err(CodiceFiscaleError::InvalidCharacter { .. })
                    if raw.iter().any(|b| *b == b' ' || *b == b'\t') => {}
                Err(e) => return Err(e),
            }
        }
        let mut bytes = [0u8; 16];
        let mut len = 0usize;
        for &b in raw {
            if b == b' ' || b == b'\t' {
                continue;
            }
            match bytes.get_mut(len) {
                Some(slot) => *slot = b.to_ascii_uppercase(),
                None => {
                    let found = input.chars().filter(|c| *c != ' ' && *c != '\t').count();
                    return Err(CodiceFiscaleError::Length { found });
                }
            }
            len += 1;
        }
        match len {
            16 => validate_personal(&bytes).map(|()| CodiceFiscale { bytes, len: 16 }),
            11 => {
                let digits = bytes.get(..11).unwrap_or_default();
                validate_numeric(digits)?;
                Ok(CodiceFiscale { bytes, len: 11 })
            }
            _ => {
                let found = input.chars().filter(|c| *c != ' ' && *c != '\t').count();
                Err(CodiceFiscaleError::Length { found })
            }
        }
    }

    /// The code as assigned: 16 upper-case characters or 11 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Personal (16 characters) or numeric (11 digits).
    pub fn kind(&self) -> Kind {
        if self.len == 16 {
            Kind::PersonaFisica
        } else {
            Kind::Numerico
        }
    }

    /// The office-code class of a numeric code; `None` for a personal code.
    pub fn numeric_class(&self) -> Option<NumericCodeClass> {
        if self.len != 11 {
            return None;
        }
        let mut digits = [0u8; 11];
        for (d, b) in digits.iter_mut().zip(self.bytes) {
            *d = b.wrapping_sub(b'0');
        }
        let (progressive, office, _) = numeric_parts(&digits);
        NumericCodeClass::of(progressive, office)
    }

    /// How many of the seven numeric positions hold an omocodia letter (0 for an ordinary code
    /// and for numeric codes; Agenzia delle Entrate's level-`n` variant has `n`).
    pub fn omocodia_level(&self) -> u8 {
        if self.len != 16 {
            return 0;
        }
        let mut level = 0;
        for pos in OMOCODIA_POSITIONS {
            if self.bytes.get(pos).is_some_and(|b| !b.is_ascii_digit()) {
                level += 1;
            }
        }
        level
    }

    /// The code with omocodia removed (letters turned back into digits, check character
    /// recomputed). Numeric codes are returned unchanged. Idempotent.
    pub fn canonical(&self) -> CodiceFiscale {
        if self.len != 16 {
            return *self;
        }
        let mut bytes = self.bytes;
        for pos in OMOCODIA_POSITIONS {
            if let Some(b) = bytes.get_mut(pos) {
                *b = b'0' + lookup(&TABLES.digit, *b);
            }
        }
        with_check_character(bytes)
    }

    /// Whether both codes belong to the same person, ignoring omocodia: their
    /// [`canonical`](Self::canonical) forms are equal.
    pub fn same_person_as(&self, other: &CodiceFiscale) -> bool {
        self.canonical() == other.canonical()
    }

    /// The omocodia variant of level `level` (0–7): the `level` rightmost numeric positions
    /// turned into letters, check character recomputed. `None` for numeric codes or a level
    /// above 7.
    pub fn with_omocodia_level(&self, level: u8) -> Option<CodiceFiscale> {
        if self.len != 16 || level > 7 {
            return None;
        }
        let mut bytes = self.canonical().bytes;
        for pos in OMOCODIA_POSITIONS.iter().take(usize::from(level)) {
            if let Some(b) = bytes.get_mut(*pos) {
                let digit = lookup(&TABLES.digit, *b);
                *b = OMOCODE_LETTERS.get(usize::from(digit)).copied().unwrap_or(*b);
            }
        }
        Some(with_check_character(bytes))
    }

    /// The seven omocodia variants, levels 1 to 7 in order (empty array entries are impossible:
    /// a numeric code returns seven copies of itself).
    pub fn omocodia_variants(&self) -> [CodiceFiscale; 7] {
        let mut out = [*self; 7];
        for (level, slot) in (1u8..=7).zip(out.iter_mut()) {
            *slot = self.with_omocodia_level(level).unwrap_or(*self);
        }
        out
    }

    /// Sex of a personal code.
    pub fn sex(&self) -> Result<Sex, CodiceFiscaleError> {
        let (_, _, day) = self.date_digits()?;
        Ok(if day > 40 { Sex::Female } else { Sex::Male })
    }

    /// Birth date of a personal code. The code has only two digits of the year: the century is
    /// the one that puts the birth date on or before `reference` and less than 100 years before
    /// it (the most recent possible date).
    pub fn birth_date(&self, reference: NaiveDate) -> Result<NaiveDate, CodiceFiscaleError> {
        let (yy, month, day) = self.date_digits()?;
        let day = if day > 40 { day - 40 } else { day };
        let ref_year = reference.year();
        let mut year = ref_year - ref_year.rem_euclid(100) + i32::from(yy);
        if year > ref_year {
            year -= 100;
        }
        let mut date = NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day));
        if date.is_some_and(|d| d > reference) {
            year -= 100;
            date = NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day));
        }
        // Only 29 February of a year that is not a leap year can fail here.
        date.ok_or(CodiceFiscaleError::InvalidDay)
    }

    /// The birth-place code (Belfiore `H501` or foreign state `Z100`), omocodia removed.
    pub fn birth_place_code(&self) -> Result<[u8; 4], CodiceFiscaleError> {
        if self.len != 16 {
            return Err(CodiceFiscaleError::NotPersonal);
        }
        let mut code = [0u8; 4];
        for (i, slot) in code.iter_mut().enumerate() {
            let b = self.bytes.get(11 + i).copied().unwrap_or(b'0');
            *slot = if i == 0 { b } else { b'0' + lookup(&TABLES.digit, b) };
        }
        Ok(code)
    }

    /// Sex, birth date (century resolved against `reference`, see
    /// [`birth_date`](Self::birth_date)) and birth place: the comune or foreign state that had
    /// the code on the birth date.
    pub fn decode(&self, reference: NaiveDate) -> Result<Decoded, CodiceFiscaleError> {
        let sex = self.sex()?;
        let birth_date = self.birth_date(reference)?;
        let code = self.birth_place_code()?;
        let key = pack_code(&code).ok_or(CodiceFiscaleError::UnknownPlace)?;
        let birth_place = Place::by_packed_code(key, birth_date)?;
        Ok(Decoded { sex, birth_date, birth_place })
    }

    /// Computes the (level 0) codice fiscale of a person: surname and name as registered (accents
    /// folded, apostrophes, spaces and other signs dropped), sex, birth date, and the Belfiore
    /// or `Z` code of the birth place, which must be in use on the birth date. Use
    /// [`omocodia_variants`](Self::omocodia_variants) for the variants.
    ///
    /// Remember that the Agenzia delle Entrate may have assigned an omocodia variant: never
    /// reject a code only because it differs from the computed one.
    pub fn encode(
        surname: &str,
        name: &str,
        sex: Sex,
        birth_date: NaiveDate,
        birth_place: &str,
    ) -> Result<CodiceFiscale, CodiceFiscaleError> {
        let place = Place::by_code(birth_place, birth_date)?;
        Self::encode_at(surname, name, sex, birth_date, place)
    }

    /// As [`encode`](Self::encode), with a birth place already resolved (for example with
    /// [`Place::by_code_or_name`]).
    pub fn encode_at(
        surname: &str,
        name: &str,
        sex: Sex,
        birth_date: NaiveDate,
        birth_place: Place,
    ) -> Result<CodiceFiscale, CodiceFiscaleError> {
        let mut bytes = [0u8; 16];
        let surname = name_part(surname, false).ok_or(CodiceFiscaleError::InvalidSurname)?;
        let name = name_part(name, true).ok_or(CodiceFiscaleError::InvalidName)?;
        let year = u8::try_from(birth_date.year().rem_euclid(100))
            .map_err(|_| CodiceFiscaleError::DateOutOfRange)?;
        let month = MONTH_LETTERS
            .get(birth_date.month0() as usize)
            .copied()
            .ok_or(CodiceFiscaleError::InvalidMonth)?;
        let day = u8::try_from(birth_date.day()).map_err(|_| CodiceFiscaleError::InvalidDay)?
            + if sex == Sex::Female { 40 } else { 0 };
        let place = birth_place.code().as_bytes();
        if place.len() != 4 {
            return Err(CodiceFiscaleError::UnknownPlace);
        }
        let date = [b'0' + year / 10, b'0' + year % 10, month, b'0' + day / 10, b'0' + day % 10];
        let body = surname.iter().chain(&name).chain(&date).chain(place);
        for (slot, b) in bytes.iter_mut().zip(body) {
            *slot = *b;
        }
        Ok(with_check_character(bytes))
    }

    /// (two-digit year, month 1–12, day as written 1–71) of a personal code.
    fn date_digits(&self) -> Result<(u8, u8, u8), CodiceFiscaleError> {
        if self.len != 16 {
            return Err(CodiceFiscaleError::NotPersonal);
        }
        let [_, _, _, _, _, _, y1, y2, m, d1, d2, ..] = self.bytes;
        let digit = |b| lookup(&TABLES.digit, b);
        Ok((digit(y1) * 10 + digit(y2), lookup(&TABLES.month, m), digit(d1) * 10 + digit(d2)))
    }
}

/// Sets the check character of 15 validated characters.
fn with_check_character(mut bytes: [u8; 16]) -> CodiceFiscale {
    let check = check_character(&bytes);
    if let Some(last) = bytes.get_mut(15) {
        *last = check;
    }
    CodiceFiscale { bytes, len: 16 }
}

/// The three letters of a surname (or, with `is_name`, a name): consonants, then vowels, then
/// `X`; a name with four or more consonants takes the 1st, 3rd and 4th.
fn name_part(text: &str, is_name: bool) -> Option<[u8; 3]> {
    let folded = fold_name(text);
    let letters = folded.bytes().filter(u8::is_ascii_uppercase);
    let is_vowel = |b: &u8| matches!(b, b'A' | b'E' | b'I' | b'O' | b'U');
    let consonants: Vec<u8> = letters.clone().filter(|b| !is_vowel(b)).collect();
    let vowels = letters.filter(is_vowel);
    if consonants.is_empty() && vowels.clone().next().is_none() {
        return None;
    }
    let mut out = [b'X'; 3];
    let picked: Vec<u8> = if is_name && consonants.len() >= 4 {
        [0usize, 2, 3].iter().filter_map(|i| consonants.get(*i).copied()).collect()
    } else {
        consonants.iter().copied().chain(vowels).take(3).collect()
    };
    for (slot, b) in out.iter_mut().zip(picked) {
        *slot = b;
    }
    Some(out)
}

/// Checks a 16-character code (upper case, no spaces). The hot path: no allocation.
#[inline]
fn validate_personal(bytes: &[u8; 16]) -> Result<(), CodiceFiscaleError> {
    let mut all_fit = true;
    for (&b, &required) in bytes.iter().zip(LAYOUT.iter()) {
        all_fit &= lookup(&TABLES.class, b) & required != 0;
    }
    if !all_fit {
        let position = bytes
            .iter()
            .zip(LAYOUT.iter())
            .position(|(&b, &required)| lookup(&TABLES.class, b) & required == 0)
            .unwrap_or(0);
        return Err(CodiceFiscaleError::InvalidCharacter { position: position + 1 });
    }
    let [_, _, _, _, _, _, _, _, m, d1, d2, ..] = *bytes;
    let month = lookup(&TABLES.month, m);
    if month == 0 {
        return Err(CodiceFiscaleError::InvalidMonth);
    }
    let day = lookup(&TABLES.digit, d1) * 10 + lookup(&TABLES.digit, d2);
    let day = if day > 40 { day - 40 } else { day };
    // Days per month, 29 for February: the year is not known without a reference date.
    let max = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > max {
        return Err(CodiceFiscaleError::InvalidDay);
    }
    if bytes.get(15).copied() != Some(check_character(bytes)) {
        return Err(CodiceFiscaleError::CheckCharacter);
    }
    Ok(())
}

/// Checks an 11-character numeric code.
fn validate_numeric(bytes: &[u8]) -> Result<(), CodiceFiscaleError> {
    let digits = eleven_digits(bytes).map_err(|e| match e {
        NumericShapeError::Length(found) => CodiceFiscaleError::Length { found },
        NumericShapeError::Character(position) => CodiceFiscaleError::InvalidCharacter { position },
    })?;
    let (progressive, office, check_ok) = numeric_parts(&digits);
    if progressive == 0 || NumericCodeClass::of(progressive, office).is_none() {
        return Err(CodiceFiscaleError::OfficeCode);
    }
    if !check_ok {
        return Err(CodiceFiscaleError::CheckCharacter);
    }
    Ok(())
}

impl fmt::Display for CodiceFiscale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Debug` never shows the code: a codice fiscale is personal data, and `{:?}` of a structure
/// that holds one ends up in logs and panic messages. Use `Display` (or `as_str`) where the
/// code is really meant to be shown.
impl fmt::Debug for CodiceFiscale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodiceFiscale(<redacted, {} characters>)", self.as_str().len())
    }
}

impl FromStr for CodiceFiscale {
    type Err = CodiceFiscaleError;
    fn from_str(s: &str) -> Result<CodiceFiscale, CodiceFiscaleError> {
        CodiceFiscale::parse(s)
    }
}

impl Serialize for CodiceFiscale {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CodiceFiscale {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CodiceFiscale, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = CodiceFiscale;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a codice fiscale string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CodiceFiscale, E> {
                CodiceFiscale::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for CodiceFiscale {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CodiceFiscale".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^([A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]|[0-9]{11})$",
            "description": "Codice fiscale: 16 characters of a natural person (omocodia letters allowed) or 11 digits."
        })
    }
}

/// Proptest strategies for codici fiscali (feature `proptest`).
#[cfg(feature = "proptest")]
pub mod strategy {
    use proptest::prelude::{any, prop_oneof, Strategy};

    use super::{with_check_character, CodiceFiscale, MONTH_LETTERS, OMOCODE_LETTERS};

    /// Structurally valid 16-character codes (any omocodia pattern; the birth place is a random
    /// well-formed code, not necessarily an existing one).
    pub fn personal() -> impl Strategy<Value = CodiceFiscale> {
        (
            proptest::array::uniform6(0u8..26),
            0u8..100,
            0usize..12,
            1u8..=28,
            any::<bool>(),
            0u8..26,
            0u16..1000,
            0u8..128,
        )
            .prop_map(|(letters, year, month, day, female, place, number, mask)| {
                let day = day + if female { 40 } else { 0 };
                let digits = [
                    year / 10,
                    year % 10,
                    day / 10,
                    day % 10,
                    (number / 100) as u8,
                    (number / 10 % 10) as u8,
                    (number % 10) as u8,
                ];
                let mut bytes = [0u8; 16];
                for (slot, l) in bytes.iter_mut().zip(letters) {
                    *slot = b'A' + l;
                }
                let positions = [6usize, 7, 9, 10, 12, 13, 14];
                for (bit, (pos, d)) in positions.iter().zip(digits).enumerate() {
                    let omocode = mask & (1 << bit) != 0;
                    let b = if omocode {
                        OMOCODE_LETTERS.get(usize::from(d)).copied().unwrap_or(b'L')
                    } else {
                        b'0' + d
                    };
                    if let Some(slot) = bytes.get_mut(*pos) {
                        *slot = b;
                    }
                }
                if let Some(slot) = bytes.get_mut(8) {
                    *slot = MONTH_LETTERS.get(month).copied().unwrap_or(b'A');
                }
                if let Some(slot) = bytes.get_mut(11) {
                    *slot = b'A' + place;
                }
                with_check_character(bytes)
            })
    }

    /// Valid 11-digit codes with a random progressive and an office code of the VAT class.
    pub fn numeric() -> impl Strategy<Value = CodiceFiscale> {
        (1u32..8_000_000, 1u16..=100).prop_map(|(progressive, office)| {
            let mut d = [0u8; 10];
            let mut p = progressive;
            for slot in d.iter_mut().take(7).rev() {
                *slot = (p % 10) as u8;
                p /= 10;
            }
            let [.., a, b, c] = &mut d;
            *a = (office / 100) as u8;
            *b = (office / 10 % 10) as u8;
            *c = (office % 10) as u8;
            let check = crate::partita_iva::numeric_check_digit(&d);
            let mut bytes = [0u8; 16];
            for (slot, v) in bytes.iter_mut().zip(d.iter().chain(&[check])) {
                *slot = b'0' + v;
            }
            CodiceFiscale { bytes, len: 11 }
        })
    }

    /// Either kind.
    pub fn any_codice_fiscale() -> impl Strategy<Value = CodiceFiscale> {
        prop_oneof![4 => personal(), 1 => numeric()]
    }

    impl proptest::arbitrary::Arbitrary for CodiceFiscale {
        type Parameters = ();
        type Strategy = proptest::strategy::BoxedStrategy<CodiceFiscale>;
        fn arbitrary_with((): ()) -> Self::Strategy {
            any_codice_fiscale().boxed()
        }
    }
}
