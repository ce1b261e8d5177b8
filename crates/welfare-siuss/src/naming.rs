//! Flow names: `{ente}.{PS|SINBA}.{AAAAMMGG}.{progressive}`.
//!
//! The XSD annotation and Allegato B/C of the specification structure
//! `IdentificazioneFlusso@Nome` as "{Codice Ente}.{PS|SINBA}.{data invio}.{progressivo
//! giornaliero}"; the WaaS OpenAPI gives `id_flusso` the same shape with a seven-digit daily
//! progressive (`H501.PS.20210520.0000002`). The name must fit the XSD's 50 characters.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::SiussError;
use crate::read::FlowKind;

/// A parsed flow name.
///
/// ```
/// use chrono::NaiveDate;
/// use welfare_siuss::{FlowKind, NomeFlusso};
/// let name = NomeFlusso::new("H501", FlowKind::Ps, NaiveDate::from_ymd_opt(2021, 5, 20).unwrap(), 2)?;
/// assert_eq!(name.to_string(), "H501.PS.20210520.0000002");
/// assert_eq!(NomeFlusso::parse("H501.SINBA.20210520.0000003")?.progressive, 3);
/// # Ok::<(), welfare_siuss::SiussError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NomeFlusso {
    /// `Ente@Codice` (the Belfiore code for comuni).
    pub ente: String,
    /// PS or SINBA.
    pub kind: FlowKind,
    /// The day the flow is created (`data invio`).
    pub date: NaiveDate,
    /// The daily progressive, 1–9 999 999.
    pub progressive: u32,
}

/// The largest daily progressive (seven digits).
pub const MAX_PROGRESSIVE: u32 = 9_999_999;

impl NomeFlusso {
    /// A name, checking the ente code (1–32 characters, no `.`), the progressive
    /// (1–9 999 999) and the XSD's 50 characters.
    pub fn new(
        ente: &str,
        kind: FlowKind,
        date: NaiveDate,
        progressive: u32,
    ) -> Result<NomeFlusso, SiussError> {
        if ente.is_empty()
            || ente.chars().count() > 32
            || ente.contains('.')
            || ente.contains(char::is_whitespace)
        {
            return Err(SiussError::FlowName(
                "the ente code must be 1-32 characters without dots or spaces",
            ));
        }
        if !(1..=MAX_PROGRESSIVE).contains(&progressive) {
            return Err(SiussError::FlowName("the daily progressive must be 1-9999999"));
        }
        let name = NomeFlusso { ente: ente.to_owned(), kind, date, progressive };
        if name.to_string().chars().count() > 50 {
            return Err(SiussError::FlowName(
                "the name is longer than the 50 characters of the XSD",
            ));
        }
        Ok(name)
    }

    /// Parses `{ente}.{PS|SINBA}.{AAAAMMGG}.{7 digits}`.
    pub fn parse(text: &str) -> Result<NomeFlusso, SiussError> {
        let mut parts = text.split('.');
        let (Some(ente), Some(kind), Some(date), Some(progressive), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(SiussError::FlowName(
                "expected four dot-separated parts: ente.PS|SINBA.AAAAMMGG.NNNNNNN",
            ));
        };
        let kind = match kind {
            "PS" => FlowKind::Ps,
            "SINBA" => FlowKind::Sinba,
            _ => return Err(SiussError::FlowName("the second part must be PS or SINBA")),
        };
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SiussError::FlowName("the third part must be a date AAAAMMGG"));
        }
        let date = NaiveDate::parse_from_str(date, "%Y%m%d")
            .map_err(|_| SiussError::FlowName("the third part must be a date AAAAMMGG"))?;
        if progressive.len() != 7 || !progressive.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SiussError::FlowName(
                "the fourth part must be a seven-digit daily progressive",
            ));
        }
        let progressive = progressive.parse::<u32>().map_err(|_| {
            SiussError::FlowName("the fourth part must be a seven-digit daily progressive")
        })?;
        NomeFlusso::new(ente, kind, date, progressive)
    }
}

impl fmt::Display for NomeFlusso {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}.{}.{:07}",
            self.ente,
            self.kind.name_segment(),
            self.date.format("%Y%m%d"),
            self.progressive
        )
    }
}
