//! Dated, sourced parameters of the national measures.
//!
//! Every figure here is a value in force over a range of days, with the legal act or INPS
//! document it comes from and how sure that is ([`Confidence`]). The tables are Rust code; the
//! generator (`cargo run -p welfare-benefits --bin gen-tables`) writes them as YAML into `data/`
//! (for people and other tools) and writes the AUU tables as the parameters-only rulebook
//! `rulebooks/assegno-unico-tabelle.yaml` that the AUU rulebook imports; a test fails when a
//! committed file drifts from the code, and the other rulebooks' parameters are checked against
//! these tables by their test cases.
//!
//! | module | measure | years |
//! |---|---|---|
//! | [`auu`] | Assegno Unico e Universale (band tables by chained revaluation) | 2022–2026 |
//! | [`maternita`] | Assegno di maternità dei Comuni | 2020, 2022–2026 |
//! | [`adi`] | Assegno di Inclusione and Supporto Formazione e Lavoro | 2023 (SFL), 2024–2026 |
//! | [`bonus_sociali`] | Bonus sociali electricity, gas, water | 2024–2026 |
//! | [`nido`] | Bonus asilo nido, bonus nuovi nati | 2020–2026, 2025–2026 |
//! | [`carta`] | Carta Dedicata a te | 2024–2025 |

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use welfare_types::dates::{DateError, DateRange};
use welfare_types::Money;

pub mod adi;
pub mod auu;
pub mod bonus_sociali;
pub mod carta;
pub mod maternita;
pub mod nido;
pub(crate) mod render;

/// How sure a parameter is, in the tags of the project's research notes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Confidence {
    /// Read in a primary text (Gazzetta Ufficiale, normattiva, an INPS circolare verbatim).
    #[serde(rename = "P")]
    Primary,
    /// Two or more independent secondary sources agree.
    #[serde(rename = "S+")]
    SecondaryConfirmed,
    /// One secondary source (CAF, patronato, trade press, a comune's page).
    #[serde(rename = "S")]
    Secondary,
    /// Derived by a stated method from primary rules (e.g. the chained revaluation).
    #[serde(rename = "D")]
    Derived,
    /// Unverified or conflicting in the sources: welfare-kit chose this value (see its note).
    #[serde(rename = "U")]
    Chosen,
}

/// A value with its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// The legal act or official document that states it.
    pub source: String,
    /// How sure the value is.
    pub confidence: Confidence,
    /// Why a [`Confidence::Chosen`] or [`Confidence::Derived`] value is what it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl<T> Sourced<T> {
    /// A value with its source and confidence.
    pub fn new(value: T, source: &str, confidence: Confidence) -> Sourced<T> {
        Sourced { value, source: source.to_owned(), confidence, note: None }
    }

    /// The same value with an explanatory note.
    pub fn with_note(mut self, note: &str) -> Sourced<T> {
        self.note = Some(note.to_owned());
        self
    }
}

/// Why a parameter table could not be built (only a programming error in the tables can cause
/// one; tests build every table).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamError {
    /// A date in the tables is invalid, or two ranges overlap.
    #[error("parameter table {table}: {source}")]
    Dates {
        /// The table.
        table: &'static str,
        /// The date problem.
        source: DateError,
    },
    /// A revaluation overflowed.
    #[error("parameter table {table}: arithmetic overflow")]
    Overflow {
        /// The table.
        table: &'static str,
    },
}

/// A calendar day, or an error naming the table.
pub(crate) fn day(table: &'static str, y: i32, m: u32, d: u32) -> Result<NaiveDate, ParamError> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or(ParamError::Dates { table, source: DateError::OutOfRange })
}

/// The inclusive range between two days.
pub(crate) fn range(
    table: &'static str,
    from: (i32, u32, u32),
    to: Option<(i32, u32, u32)>,
) -> Result<DateRange, ParamError> {
    let from = day(table, from.0, from.1, from.2)?;
    let to = match to {
        Some((y, m, d)) => Some(day(table, y, m, d)?),
        None => None,
    };
    DateRange::new(from, to).map_err(|source| ParamError::Dates { table, source })
}

/// A whole calendar year.
pub(crate) fn year(table: &'static str, y: i32) -> Result<DateRange, ParamError> {
    range(table, (y, 1, 1), Some((y, 12, 31)))
}

/// Whole euros.
pub(crate) fn eur(euros: i64) -> Money {
    Money::from_euros(euros)
}

/// Euros and cents (`ec(1_740, 60)` is 1,740.60 €).
pub(crate) fn ec(euros: i64, cents: i64) -> Money {
    Money::from_cents(euros * 100 + cents)
}

/// Shorthand for a sourced amount.
pub(crate) fn money(value: Money, source: &str, confidence: Confidence) -> Sourced<Money> {
    Sourced::new(value, source, confidence)
}

/// The files the generator writes, as (path inside the crate, content).
///
/// `cargo run -p welfare-benefits --bin gen-tables` writes them; the integration tests compare
/// them with the committed files.
pub fn generated_files() -> Result<Vec<(&'static str, String)>, ParamError> {
    Ok(vec![
        ("data/auu-tables.yaml", render::auu_yaml(&auu::tables()?)),
        ("data/parameters.yaml", render::parameters_yaml()?),
        ("rulebooks/assegno-unico-tabelle.yaml", render::auu_rulebook_yaml(&auu::tables()?)),
    ])
}
