//! A codice fiscale of a natural person, validated (pattern and check character).
//!
//! welfare-types will provide the shared `CodiceFiscale`; until it lands this small private
//! validator keeps the DSU model strict. Errors never repeat the code.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a codice fiscale was refused. The message never contains the code.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodiceFiscaleError {
    /// Not 16 characters.
    #[error("codice fiscale must have 16 characters")]
    Length,
    /// A letter where a digit belongs, or the other way round.
    #[error("codice fiscale has a character out of place")]
    Pattern,
    /// The check character does not match.
    #[error("codice fiscale check character does not match")]
    CheckCharacter,
}

/// A validated codice fiscale (upper case, 16 characters, omocodic forms accepted).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodiceFiscale(String);

impl fmt::Debug for CodiceFiscale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Personal data: never in logs.
        f.write_str("CodiceFiscale(…)")
    }
}

const ODD: [u32; 26] =
    [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

impl CodiceFiscale {
    /// Parses and checks a codice fiscale; lower case and surrounding spaces are accepted.
    pub fn parse(text: &str) -> Result<CodiceFiscale, CodiceFiscaleError> {
        let code = text.trim().to_ascii_uppercase();
        let bytes = code.as_bytes();
        if bytes.len() != 16 {
            return Err(CodiceFiscaleError::Length);
        }
        let mut sum = 0_u32;
        for (i, &b) in bytes.iter().enumerate() {
            let letter_only = matches!(i, 0..=5 | 8 | 11 | 15);
            let ok = if letter_only {
                b.is_ascii_uppercase()
            } else {
                b.is_ascii_digit() || b"LMNPQRSTUV".contains(&b)
            };
            if !ok {
                return Err(CodiceFiscaleError::Pattern);
            }
            if i == 15 {
                break;
            }
            let value = if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b - b'A') };
            sum += if i % 2 == 0 {
                ODD.get(value as usize).copied().ok_or(CodiceFiscaleError::Pattern)?
            } else {
                value
            };
        }
        let expected = b'A' + u8::try_from(sum % 26).map_err(|_| CodiceFiscaleError::Pattern)?;
        if bytes.get(15) != Some(&expected) {
            return Err(CodiceFiscaleError::CheckCharacter);
        }
        Ok(CodiceFiscale(code))
    }

    /// The code, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for CodiceFiscale {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CodiceFiscale {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CodiceFiscale, D::Error> {
        let text = String::deserialize(deserializer)?;
        CodiceFiscale::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for CodiceFiscale {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("CodiceFiscale")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Codice fiscale di persona fisica (16 caratteri, carattere di controllo \
                            verificato). — Codice fiscale of a natural person (16 characters, \
                            check character verified).",
            "type": "string",
            "pattern": "^[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z]$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_characters_of_the_reference_vectors() {
        // Test vectors of the codice fiscale algorithm (DM 23/12/1976): RSSMRA85T10A562 → S,
        // its omocodic level-1 form RSSMRA85T10A56NH.
        assert!(CodiceFiscale::parse("RSSMRA85T10A562S").is_ok());
        assert!(CodiceFiscale::parse("rssmra85t10a56nh").is_ok());
        assert_eq!(
            CodiceFiscale::parse("RSSMRA85T10A562T"),
            Err(CodiceFiscaleError::CheckCharacter)
        );
        assert_eq!(CodiceFiscale::parse("RSSMRA85T10A562"), Err(CodiceFiscaleError::Length));
        assert_eq!(CodiceFiscale::parse("1SSMRA85T10A562S"), Err(CodiceFiscaleError::Pattern));
    }
}
