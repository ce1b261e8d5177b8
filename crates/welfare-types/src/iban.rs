//! IBAN (ISO 13616): the mod-97 check for every country, the registered length of each country,
//! and the Italian (and San Marino) CIN check letter.
//!
//! ```
//! use welfare_types::{Iban, IbanError};
//!
//! let iban: Iban = "it60 x054 2811 1010 0000 0123 456".parse()?;
//! assert_eq!(iban.as_str(), "IT60X0542811101000000123456");
//! assert_eq!(iban.to_string(), "IT60 X054 2811 1010 0000 0123 456");
//! assert_eq!(iban.country(), "IT");
//! assert_eq!(iban.italian_abi(), Some("05428"));
//! assert_eq!(iban.italian_cab(), Some("11101"));
//!
//! // One digit changed: the mod-97 check fails.
//! assert_eq!(Iban::parse("IT60X0542811101000000123457"), Err(IbanError::Checksum));
//! # Ok::<(), IbanError>(())
//! ```
//!
//! Lengths are those of the SWIFT IBAN registry for the SEPA countries and most others; an
//! IBAN of a country not in the table is checked for its shape (15–34 characters) and mod 97
//! only.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a valid IBAN. Never carries the input.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum IbanError {
    /// Shorter than 15 or longer than 34 characters, or not the registered length of its country.
    #[error("wrong IBAN length: {found} characters")]
    Length {
        /// Characters found, spaces not counted.
        found: usize,
    },
    /// A character not allowed at its position (country letters, check digits, alphanumeric
    /// BBAN).
    #[error("invalid character at position {position} of the IBAN")]
    InvalidCharacter {
        /// 1-based position, spaces not counted.
        position: usize,
    },
    /// The ISO 13616 mod-97 check fails.
    #[error("the IBAN check digits do not match (mod 97)")]
    Checksum,
    /// An Italian or San Marino BBAN that is not CIN letter + 5-digit ABI + 5-digit CAB +
    /// 12-character account.
    #[error("the Italian BBAN is not CIN, ABI, CAB and account")]
    ItalianLayout,
    /// The Italian CIN letter does not match ABI, CAB and account.
    #[error("the Italian CIN check letter does not match")]
    ItalianCin,
}

impl IbanError {
    /// A stable snake_case name: `length`, `invalid_character`, `checksum`, `italian_layout`,
    /// `italian_cin`.
    pub fn kind(&self) -> &'static str {
        match self {
            IbanError::Length { .. } => "length",
            IbanError::InvalidCharacter { .. } => "invalid_character",
            IbanError::Checksum => "checksum",
            IbanError::ItalianLayout => "italian_layout",
            IbanError::ItalianCin => "italian_cin",
        }
    }
}

/// IBAN lengths of the SWIFT registry, by country.
const LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SC", 31),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"ST", 25),
    (b"SV", 28),
    (b"TL", 23),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

/// The registered IBAN length of a country (ISO 3166 alpha-2, upper case), if in the table.
pub fn registered_length(country: &str) -> Option<usize> {
    let key = country.as_bytes();
    LENGTHS
        .binary_search_by(|(c, _)| c.as_slice().cmp(key))
        .ok()
        .and_then(|i| LENGTHS.get(i))
        .map(|(_, len)| *len)
}

/// The Italian CIN letter of ABI + CAB + account (22 upper-case alphanumeric characters),
/// with the odd/even tables of the codice fiscale.
///
/// ```
/// assert_eq!(welfare_types::iban::italian_cin("0542811101000000123456"), Some('X'));
/// ```
pub fn italian_cin(abi_cab_account: &str) -> Option<char> {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let bytes = abi_cab_account.as_bytes();
    if bytes.len() != 22 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        let index = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A',
            _ => return None,
        };
        sum += if i % 2 == 0 { ODD.get(usize::from(index)).copied()? } else { u32::from(index) };
    }
    char::from_u32(u32::from(b'A') + sum % 26)
}

/// A validated IBAN, stored in electronic format (upper case, no spaces).
///
/// Display prints the paper format, groups of four; serde reads either format and writes the
/// electronic one.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iban {
    bytes: [u8; 34],
    len: u8,
}

impl Iban {
    /// Parses and validates an IBAN: spaces ignored, lower case accepted.
    pub fn parse(input: &str) -> Result<Iban, IbanError> {
        let mut bytes = [0u8; 34];
        let mut len = 0usize;
        let count = || input.chars().filter(|c| !c.is_whitespace()).count();
        for &b in input.as_bytes() {
            if b.is_ascii_whitespace() {
                continue;
            }
            let slot = bytes.get_mut(len).ok_or_else(|| IbanError::Length { found: count() })?;
            let b = b.to_ascii_uppercase();
            let ok = match len {
                0 | 1 => b.is_ascii_uppercase(),
                2 | 3 => b.is_ascii_digit(),
                _ => b.is_ascii_uppercase() || b.is_ascii_digit(),
            };
            if !ok {
                return Err(IbanError::InvalidCharacter { position: len + 1 });
            }
            *slot = b;
            len += 1;
        }
        if len < 15 {
            return Err(IbanError::Length { found: count() });
        }
        let iban = Iban { bytes, len: u8::try_from(len).unwrap_or(34) };
        if registered_length(iban.country()).is_some_and(|expected| expected != len) {
            return Err(IbanError::Length { found: len });
        }
        if iban.mod97() != 1 {
            return Err(IbanError::Checksum);
        }
        if matches!(iban.country(), "IT" | "SM") {
            let bban = iban.bban();
            let (cin, rest) = bban.split_at_checked(1).ok_or(IbanError::ItalianLayout)?;
            let digits = rest.get(..10).ok_or(IbanError::ItalianLayout)?;
            if !cin.bytes().all(|b| b.is_ascii_uppercase())
                || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(IbanError::ItalianLayout);
            }
            if italian_cin(rest).and_then(|c| cin.chars().next().map(|d| c == d)) != Some(true) {
                return Err(IbanError::ItalianCin);
            }
        }
        Ok(iban)
    }

    /// The remainder mod 97 of the rearranged IBAN (1 when valid).
    fn mod97(&self) -> u64 {
        let s = self.as_str().as_bytes();
        let (head, tail) = s.split_at(s.len().min(4));
        let mut r = 0u64;
        for &b in tail.iter().chain(head) {
            r = if b.is_ascii_digit() {
                r * 10 + u64::from(b - b'0')
            } else {
                r * 100 + u64::from(b - b'A') + 10
            };
            // Reduce only when needed: below 2^50, two more digits cannot overflow.
            if r >= 1 << 50 {
                r %= 97;
            }
        }
        r % 97
    }

    /// Electronic format: upper case, no spaces.
    pub fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The country code (ISO 3166 alpha-2).
    pub fn country(&self) -> &str {
        self.as_str().get(..2).unwrap_or_default()
    }

    /// The two check digits.
    pub fn check_digits(&self) -> &str {
        self.as_str().get(2..4).unwrap_or_default()
    }

    /// The national account number (BBAN): everything after the check digits.
    pub fn bban(&self) -> &str {
        self.as_str().get(4..).unwrap_or_default()
    }

    /// ABI (bank code) of an Italian or San Marino IBAN.
    pub fn italian_abi(&self) -> Option<&str> {
        self.italian_part(5..10)
    }

    /// CAB (branch code) of an Italian or San Marino IBAN.
    pub fn italian_cab(&self) -> Option<&str> {
        self.italian_part(10..15)
    }

    /// CIN (check letter) of an Italian or San Marino IBAN.
    pub fn italian_cin(&self) -> Option<&str> {
        self.italian_part(4..5)
    }

    fn italian_part(&self, range: std::ops::Range<usize>) -> Option<&str> {
        matches!(self.country(), "IT" | "SM").then(|| self.as_str().get(range)).flatten()
    }
}

impl fmt::Display for Iban {
    /// Paper format: groups of four separated by spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, chunk) in self.as_str().as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(std::str::from_utf8(chunk).unwrap_or_default())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({})", self.as_str())
    }
}

impl FromStr for Iban {
    type Err = IbanError;
    fn from_str(s: &str) -> Result<Iban, IbanError> {
        Iban::parse(s)
    }
}

impl Serialize for Iban {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Iban {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Iban, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Iban::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Iban {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Iban".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$",
            "description": "IBAN in electronic format (ISO 13616)."
        })
    }
}
