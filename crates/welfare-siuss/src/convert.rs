//! The three codings SIUSS mixes, converted from the `welfare_types::territory` tables:
//!
//! * birthplace (`LuogoNascita`): **Belfiore** code of the comune or `Z` code of the state;
//! * residence (`CodiceComune`): **ISTAT** six-digit comune code, with the two-digit region;
//! * citizenship and nation (`CodiceCittadinanza`, `CodiceNazione`): **ISO 3166-1 numeric**
//!   (Italy `380`, not the ISTAT country code `100`; `990` means "not available").
//!
//! The region (`CodiceRegione`, "Codifica DM1986" in the specification) is the ISTAT
//! two-digit region code, derived from the comune's ISTAT province code: the 1986 health
//! coding has three digits and cannot fit the XSD pattern `[0-9]{2}`.

use chrono::NaiveDate;
use welfare_types::territory::{Comune, Place, StatoEstero, TerritoryError};

/// ISO 3166-1 numeric code of Italy.
pub const ITALIA_ISO: &str = "380";

/// The code SIUSS uses for a citizenship that is not available.
pub const NON_DISPONIBILE: &str = "990";

/// Why a conversion failed. Never carries the code or name looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConversionError {
    /// The territorial tables do not know it, or not on that date.
    #[error("{0}")]
    Territory(#[from] TerritoryError),
    /// The state has no ISO 3166-1 numeric code in the tables.
    #[error("the foreign state has no iso 3166-1 numeric code")]
    NoIsoCode,
    /// The comune has no ISTAT code in the tables (a row known only to python-codicefiscale).
    #[error("the comune has no istat code")]
    NoIstatCode,
    /// The ISTAT province of the comune maps to no region.
    #[error("no region for the comune's istat province")]
    NoRegion,
}

/// `LuogoNascita`: the Belfiore or `Z` code of a birthplace given as a code (`H501`, `Z100`)
/// or a name (`Roma (RM)`, `Albania`), as it was on the birth date.
pub fn luogo_nascita(text: &str, born_on: NaiveDate) -> Result<String, ConversionError> {
    Ok(Place::by_code_or_name(text, born_on)?.code().to_owned())
}

/// An Italian residence in SIUSS codes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResidenzaItaliana {
    /// Two-digit ISTAT region code.
    pub regione: String,
    /// Six-digit ISTAT comune code.
    pub comune: String,
}

/// `CodiceRegione` and `CodiceComune` of an Italian comune given by Belfiore code, ISTAT code
/// or name (`Roma (RM)`), as it was on `on`.
pub fn residenza(text: &str, on: NaiveDate) -> Result<ResidenzaItaliana, ConversionError> {
    let text = text.trim();
    let comune: &Comune = if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        Comune::by_istat(text, on)?
    } else {
        match Place::by_code_or_name(text, on)? {
            Place::Comune(c) => c,
            Place::StatoEstero(_) => {
                return Err(ConversionError::Territory(TerritoryError::NotFound))
            }
        }
    };
    let istat = comune.istat().ok_or(ConversionError::NoIstatCode)?;
    let regione = regione_of_istat(istat).ok_or(ConversionError::NoRegion)?;
    Ok(ResidenzaItaliana { regione: regione.to_owned(), comune: istat.to_owned() })
}

/// ISO 3166-1 numeric code of a state given as ISO alpha-2 (`IT`), `Z` code (`Z100`), ISO
/// numeric (`380`, or `990` for "not available"), ISTAT country code is not accepted (it
/// collides with ISO numeric codes), or name (`Albania`).
pub fn iso_numeric(text: &str) -> Result<String, ConversionError> {
    let text = text.trim();
    if text == NON_DISPONIBILE {
        return Ok(NON_DISPONIBILE.to_owned());
    }
    let stato = if text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) {
        let found = StatoEstero::all()?.find(|s| s.iso_numeric() == Some(text));
        found.ok_or(ConversionError::Territory(TerritoryError::NotFound))?
    } else if text.len() == 2 {
        StatoEstero::by_iso_alpha2(text)?
    } else if text.len() == 4 && text.starts_with(['Z', 'z']) {
        StatoEstero::by_z_code(&text.to_ascii_uppercase())?
    } else {
        StatoEstero::by_name(text)?
    };
    stato.iso_numeric().map(str::to_owned).ok_or(ConversionError::NoIsoCode)
}

/// The two-digit ISTAT region code of a six-digit ISTAT comune code (its first three digits
/// are the ISTAT province code).
pub fn regione_of_istat(istat_comune: &str) -> Option<&'static str> {
    let province: u16 = istat_comune.get(..3)?.parse().ok()?;
    Some(match province {
        1..=6 | 96 | 103 => "01",
        7 => "02",
        12..=20 | 97 | 98 | 108 => "03",
        21 | 22 => "04",
        23..=29 => "05",
        30..=32 | 93 => "06",
        8..=11 => "07",
        33..=40 | 99 => "08",
        45..=53 | 100 => "09",
        54 | 55 => "10",
        41..=44 | 109 => "11",
        56..=60 => "12",
        66..=69 => "13",
        70 | 94 => "14",
        61..=65 => "15",
        71..=75 | 110 => "16",
        76 | 77 => "17",
        78..=80 | 101 | 102 => "18",
        81..=89 => "19",
        90..=92 | 95 | 104..=107 | 111..=118 => "20",
        _ => return None,
    })
}
