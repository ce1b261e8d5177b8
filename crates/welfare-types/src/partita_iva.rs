//! Partita IVA (Italian VAT number) and the classes of 11-digit numeric fiscal codes.
//!
//! ```
//! use welfare_types::{NumericCodeClass, PartitaIva, PartitaIvaError};
//!
//! let piva: PartitaIva = " IT 00743110157 ".parse()?;
//! assert_eq!(piva.as_str(), "00743110157");
//! assert_eq!(piva.office_code(), 15);
//! assert_eq!(piva.class(), NumericCodeClass::VatNumberOrEntity);
//! assert_eq!(PartitaIva::parse("00743110158"), Err(PartitaIvaError::CheckDigit));
//! # Ok::<(), PartitaIvaError>(())
//! ```
//!
//! Rules (DPR 633/1972 art. 35; check digit and office codes as in Agenzia delle Entrate's
//! "programma di controllo formale" by Sogei): 7-digit progressive (not all zeros), 3-digit
//! office code (001–100, 120, 121, 888, 999 for VAT numbers), one check digit computed with the
//! Luhn variant of [`numeric_check_digit`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The class of an 11-digit numeric code, from its office code (digits 8–10) and progressive,
/// following Sogei's formal-correctness routine for numeric fiscal codes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NumericCodeClass {
    /// Office 001–100, 120, 121, 888, 999: VAT number, or codice fiscale of a non-natural person.
    VatNumberOrEntity,
    /// Office 001–095 with progressive ≥ 8000000: codice fiscale of a non-natural person that is
    /// not a VAT payer (associations, condominiums, ...).
    EntityWithoutVat,
    /// Office 151–245: provisional codice fiscale assigned by a former Intendenza di Finanza.
    ProvisionalIntendenzaDiFinanza,
    /// Office 301–766 or 900–950: provisional codice fiscale assigned by a former Ufficio delle
    /// Imposte Dirette.
    ProvisionalImposteDirette,
    /// Office 000: provisional codice fiscale assigned "d'ufficio" (e.g. temporary codes of
    /// natural persons before their definitive code).
    ProvisionalByOffice,
}

impl NumericCodeClass {
    /// The class of a progressive (7 digits as a number) and office code, or `None` when the
    /// office code belongs to no class.
    pub fn of(progressive: u32, office: u16) -> Option<NumericCodeClass> {
        match office {
            1..=95 if progressive >= 8_000_000 => Some(NumericCodeClass::EntityWithoutVat),
            1..=100 | 120 | 121 | 888 | 999 => Some(NumericCodeClass::VatNumberOrEntity),
            151..=245 => Some(NumericCodeClass::ProvisionalIntendenzaDiFinanza),
            301..=766 | 900..=950 => Some(NumericCodeClass::ProvisionalImposteDirette),
            0 => Some(NumericCodeClass::ProvisionalByOffice),
            _ => None,
        }
    }
}

/// The check digit of the first 10 digits of a numeric code (values 0–9 each): digits in odd
/// positions (1, 3, 5, 7, 9) are added; digits in even positions are doubled and their digits
/// added (subtract 9 from products above 9); the check is `(10 − sum mod 10) mod 10`.
///
/// ```
/// // P.IVA 0074311015 → check digit 7 (00743110157).
/// assert_eq!(welfare_types::partita_iva::numeric_check_digit(&[0, 0, 7, 4, 3, 1, 1, 0, 1, 5]), 7);
/// ```
pub fn numeric_check_digit(digits: &[u8; 10]) -> u8 {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().enumerate() {
        let d = u32::from(d % 10);
        sum += if i % 2 == 0 {
            d
        } else {
            let doubled = d * 2;
            if doubled > 9 {
                doubled - 9
            } else {
                doubled
            }
        };
    }
    // `sum % 10` is below 10, so the result is a single digit.
    ((10 - sum % 10) % 10) as u8
}

/// Reads 11 ASCII digits (spaces ignored) into values 0–9, with the position of the first bad
/// character (1-based) or the count of characters read.
pub(crate) fn eleven_digits(input: &[u8]) -> Result<[u8; 11], NumericShapeError> {
    let mut out = [0u8; 11];
    let mut n = 0usize;
    for &b in input {
        if b == b' ' || b == b'\t' {
            continue;
        }
        if let Some(slot) = out.get_mut(n) {
            if !b.is_ascii_digit() {
                return Err(NumericShapeError::Character(n + 1));
            }
            *slot = b - b'0';
        }
        n += 1;
    }
    if n == 11 {
        Ok(out)
    } else {
        Err(NumericShapeError::Length(n))
    }
}

/// Why a string is not 11 digits.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum NumericShapeError {
    /// Wrong count of non-space characters.
    Length(usize),
    /// Not a digit at this 1-based position.
    Character(usize),
}

/// Splits 11 digit values into (progressive, office code, whether the check digit matches).
pub(crate) fn numeric_parts(d: &[u8; 11]) -> (u32, u16, bool) {
    let [a, b, c, e, f, g, h, o1, o2, o3, check] = *d;
    let progressive = [a, b, c, e, f, g, h].iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    let office = u16::from(o1) * 100 + u16::from(o2) * 10 + u16::from(o3);
    let ok = numeric_check_digit(&[a, b, c, e, f, g, h, o1, o2, o3]) == check;
    (progressive, office, ok)
}

/// Why a string is not a partita IVA. Never carries the input.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum PartitaIvaError {
    /// Not 11 digits (after removing spaces and an `IT` prefix).
    #[error("a partita IVA has 11 digits, found {found} characters")]
    Length {
        /// Characters found.
        found: usize,
    },
    /// A character that is not a digit.
    #[error("a partita IVA has only digits: invalid character at position {position}")]
    InvalidCharacter {
        /// 1-based position.
        position: usize,
    },
    /// The 7-digit progressive is all zeros.
    #[error("the progressive of a partita IVA cannot be all zeros")]
    ZeroProgressive,
    /// Digits 8–10 are not the code of a VAT office (001–100, 120, 121, 888, 999).
    #[error("digits 8-10 are not a VAT office code")]
    OfficeCode,
    /// The 11th digit does not match.
    #[error("wrong check digit")]
    CheckDigit,
}

impl PartitaIvaError {
    /// A stable snake_case name for programs (`length`, `invalid_character`, `zero_progressive`,
    /// `office_code`, `check_digit`).
    pub fn kind(&self) -> &'static str {
        match self {
            PartitaIvaError::Length { .. } => "length",
            PartitaIvaError::InvalidCharacter { .. } => "invalid_character",
            PartitaIvaError::ZeroProgressive => "zero_progressive",
            PartitaIvaError::OfficeCode => "office_code",
            PartitaIvaError::CheckDigit => "check_digit",
        }
    }
}

/// A validated partita IVA: 11 digits with a correct check digit and a VAT office code.
///
/// Parsing ignores spaces and an `IT` prefix (as in `VATIT-` SPID attributes, strip `VAT`
/// first); serde reads and writes the 11 digits as a string.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartitaIva {
    digits: [u8; 11],
}

impl PartitaIva {
    /// Parses and validates a partita IVA.
    pub fn parse(input: &str) -> Result<PartitaIva, PartitaIvaError> {
        let trimmed = input.trim_start();
        let body = match trimmed.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("IT") => trimmed.get(2..).unwrap_or(""),
            _ => trimmed,
        };
        let d = eleven_digits(body.as_bytes()).map_err(|e| match e {
            NumericShapeError::Length(found) => PartitaIvaError::Length { found },
            NumericShapeError::Character(position) => {
                PartitaIvaError::InvalidCharacter { position }
            }
        })?;
        let (progressive, office, check_ok) = numeric_parts(&d);
        if progressive == 0 {
            return Err(PartitaIvaError::ZeroProgressive);
        }
        if !matches!(office, 1..=100 | 120 | 121 | 888 | 999) {
            return Err(PartitaIvaError::OfficeCode);
        }
        if !check_ok {
            return Err(PartitaIvaError::CheckDigit);
        }
        let mut digits = [0u8; 11];
        for (slot, v) in digits.iter_mut().zip(d) {
            *slot = b'0' + v;
        }
        Ok(PartitaIva { digits })
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.digits).unwrap_or_default()
    }

    /// The office code (digits 8–10): the provincial office, 888/999 for special assignments.
    pub fn office_code(&self) -> u16 {
        numeric_parts(&self.values()).1
    }

    /// The class of the number ([`NumericCodeClass::VatNumberOrEntity`] or
    /// [`NumericCodeClass::EntityWithoutVat`]).
    pub fn class(&self) -> NumericCodeClass {
        let (progressive, office, _) = numeric_parts(&self.values());
        NumericCodeClass::of(progressive, office).unwrap_or(NumericCodeClass::VatNumberOrEntity)
    }

    fn values(&self) -> [u8; 11] {
        self.digits.map(|b| b.wrapping_sub(b'0'))
    }
}

impl fmt::Display for PartitaIva {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PartitaIva {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartitaIva({})", self.as_str())
    }
}

impl FromStr for PartitaIva {
    type Err = PartitaIvaError;
    fn from_str(s: &str) -> Result<PartitaIva, PartitaIvaError> {
        PartitaIva::parse(s)
    }
}

impl Serialize for PartitaIva {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PartitaIva {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PartitaIva, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        PartitaIva::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for PartitaIva {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PartitaIva".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{11}$",
            "description": "Partita IVA: 11 digits, the last a check digit."
        })
    }
}
