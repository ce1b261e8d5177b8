//! What INPS returns: the attestazione, with its DSU protocol, validity and values per variant.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use welfare_types::Money;

use crate::compute::IseeResult;
use crate::kind::IseeKind;

/// Why a DSU protocol was refused. The message never repeats the protocol.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// It does not start with `INPS-ISEE-`.
    #[error("DSU protocol must start with INPS-ISEE-")]
    Prefix,
    /// The year is not four digits followed by `-`.
    #[error("DSU protocol year must be four digits")]
    Year,
    /// The number is not eight digits and a capital letter.
    #[error("DSU protocol number must be eight digits and a letter")]
    Number,
    /// The suffix is not `-` and two digits.
    #[error("DSU protocol must end with - and two digits")]
    Suffix,
}

/// A DSU protocol `INPS-ISEE-YYYY-NNNNNNNNL-NN` (e.g. `INPS-ISEE-2020-00000032P-00`): year of
/// filing, eight digits and a letter, two-digit suffix (`00` on originals).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProtocolloDsu(String);

impl ProtocolloDsu {
    /// Parses the strict form `^INPS-ISEE-\d{4}-\d{8}[A-Z]-\d{2}$`.
    pub fn parse(text: &str) -> Result<ProtocolloDsu, ProtocolError> {
        Self::parse_inner(text, false)
    }

    /// Parses the strict form, or the form some printouts show without the letter
    /// (`INPS-ISEE-2020-00000032-00`).
    pub fn parse_lenient(text: &str) -> Result<ProtocolloDsu, ProtocolError> {
        Self::parse_inner(text, true)
    }

    fn parse_inner(text: &str, lenient: bool) -> Result<ProtocolloDsu, ProtocolError> {
        let text = text.trim();
        let rest = text.strip_prefix("INPS-ISEE-").ok_or(ProtocolError::Prefix)?;
        let (year, rest) = rest.split_once('-').ok_or(ProtocolError::Year)?;
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProtocolError::Year);
        }
        let (number, suffix) = rest.split_once('-').ok_or(ProtocolError::Suffix)?;
        let bytes = number.as_bytes();
        let digits = bytes.get(..8).ok_or(ProtocolError::Number)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(ProtocolError::Number);
        }
        match bytes.get(8..) {
            Some([letter]) if letter.is_ascii_uppercase() => {}
            Some([]) if lenient => {}
            _ => return Err(ProtocolError::Number),
        }
        if suffix.len() != 2 || !suffix.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProtocolError::Suffix);
        }
        Ok(ProtocolloDsu(text.to_owned()))
    }

    /// The protocol text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year of filing.
    pub fn year(&self) -> u16 {
        self.0.get(10..14).and_then(|y| y.parse().ok()).unwrap_or(0)
    }

    /// The two-digit suffix (`0` on an original DSU).
    pub fn suffix(&self) -> u8 {
        self.0.rsplit('-').next().and_then(|s| s.parse().ok()).unwrap_or(0)
    }
}

impl fmt::Display for ProtocolloDsu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ProtocolloDsu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProtocolloDsu({})", self.0)
    }
}

impl FromStr for ProtocolloDsu {
    type Err = ProtocolError;
    fn from_str(s: &str) -> Result<ProtocolloDsu, ProtocolError> {
        ProtocolloDsu::parse(s)
    }
}

impl Serialize for ProtocolloDsu {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ProtocolloDsu {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ProtocolloDsu, D::Error> {
        let text = String::deserialize(deserializer)?;
        ProtocolloDsu::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ProtocolloDsu {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ProtocolloDsu")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Protocollo della DSU. — DSU protocol.",
            "type": "string",
            "pattern": "^INPS-ISEE-[0-9]{4}-[0-9]{8}[A-Z]-[0-9]{2}$",
            "examples": ["INPS-ISEE-2020-00000032P-00"]
        })
    }
}

/// The values of one ISEE variant as attested (two decimals each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IseeValues {
    /// Valore ISEE. — ISEE.
    pub isee: Money,
    /// Valore ISE. — ISE.
    pub ise: Money,
    /// Indicatore della situazione reddituale. — ISR.
    pub isr: Money,
    /// Indicatore della situazione patrimoniale. — ISP.
    pub isp: Money,
    /// Scala di equivalenza. — Equivalence scale.
    #[serde(with = "crate::decimal_serde")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub scala: Decimal,
}

impl From<&IseeResult> for IseeValues {
    fn from(result: &IseeResult) -> IseeValues {
        IseeValues {
            isee: result.isee,
            ise: result.ise,
            isr: result.isr,
            isp: result.isp,
            scala: result.scala,
        }
    }
}

/// Why an attested value cannot be used on a date.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttestazioneError {
    /// The date is before the DSU was filed.
    #[error("the attestazione is not valid before its filing date {filed}")]
    NotYetValid {
        /// The filing date.
        filed: NaiveDate,
    },
    /// The date is after the last day of validity.
    #[error("the attestazione expired on {valid_until}")]
    Expired {
        /// The last valid day.
        valid_until: NaiveDate,
    },
    /// The attestazione has no value for this variant.
    #[error("the attestazione has no {0} ISEE")]
    KindMissing(IseeKind),
    /// The validity ends before the filing date.
    #[error("the attestazione validity ends before its filing date")]
    Reversed,
}

/// Attestazione ISEE, as INPS returns it and municipal systems consume it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Attestazione {
    /// Numero di protocollo della DSU. — DSU protocol number.
    pub protocol: ProtocolloDsu,
    /// Data di presentazione della DSU. — DSU filing date.
    pub filing_date: NaiveDate,
    /// Ultimo giorno di validità. — Last day of validity.
    pub valid_until: NaiveDate,
    /// Valori per tipo di ISEE. — Values per ISEE variant.
    pub values: BTreeMap<IseeKind, IseeValues>,
    /// Presenza di omissioni o difformità. — Omissions or discrepancies were found.
    #[serde(default)]
    pub difformita: bool,
}

impl Attestazione {
    /// The values of `kind` usable on `date`: an error before filing, after expiry, or when the
    /// attestazione has no such variant.
    pub fn value_on(
        &self,
        kind: IseeKind,
        date: NaiveDate,
    ) -> Result<&IseeValues, AttestazioneError> {
        if self.valid_until < self.filing_date {
            return Err(AttestazioneError::Reversed);
        }
        if date < self.filing_date {
            return Err(AttestazioneError::NotYetValid { filed: self.filing_date });
        }
        if date > self.valid_until {
            return Err(AttestazioneError::Expired { valid_until: self.valid_until });
        }
        self.values.get(&kind).ok_or(AttestazioneError::KindMissing(kind))
    }

    /// Whether the attestazione is valid on `date`.
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        date >= self.filing_date && date <= self.valid_until
    }
}
