//! Carta "Dedicata a te" (L. 197/2022 art. 1 c. 450; yearly interministerial decrees): a card
//! for nuclei of three or more members with an ordinary ISEE up to 15,000 €, without income
//! support. INPS builds the lists, the Comuni publish them in order of priority.
//!
//! Priority (decreasing): nuclei with a member up to 14, then with a member up to 18, then the
//! others; within each, the lowest ISEE first. The decrees write the age limits as birth dates
//! ("nato entro il 31 dicembre 2011" in the 2025 decree); welfare-kit reads them as the age
//! limits 14 and 18 that INPS and the Comuni publish, i.e. a member born on or after 1 January
//! of that year ([`Confidence::Chosen`]).
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_benefits::params::carta;
//!
//! let t = carta::dated()?;
//! let p = t.at(NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()).unwrap();
//! assert_eq!(p.amount.value.to_string(), "500.00");
//! assert_eq!(p.priority_first_born_from.value, NaiveDate::from_ymd_opt(2011, 1, 1).unwrap());
//! # Ok::<(), welfare_benefits::params::ParamError>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use welfare_types::dates::{Dated, DatedValues};
use welfare_types::Money;

use super::{day, eur, money, year, Confidence, ParamError, Sourced};
use crate::IseeKind;

/// The Carta Dedicata a te parameters of a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CartaParams {
    /// Amount per card (one-off).
    pub amount: Sourced<Money>,
    /// The ISEE used (ordinario).
    pub isee_kind: Sourced<IseeKind>,
    /// Highest ISEE (inclusive).
    pub isee_max: Sourced<Money>,
    /// Fewest members of the nucleo.
    pub min_members: Sourced<u32>,
    /// First priority: a member born on or after this day (up to 14).
    pub priority_first_born_from: Sourced<NaiveDate>,
    /// Second priority: a member born on or after this day (up to 18).
    pub priority_second_born_from: Sourced<NaiveDate>,
    /// Last day for the first use of the card, where published.
    pub first_use_by: Option<Sourced<NaiveDate>>,
    /// Last day to spend the card, where published.
    pub spend_by: Option<Sourced<NaiveDate>>,
}

const TABLE: &str = "carta_dedicata_a_te";
const NOTE: &str = "the decree writes 'nato entro il 31 dicembre' of this year; read as the published age limit (a member born in this year or later)";

/// The parameters for 2024 and 2025.
pub fn dated() -> Result<DatedValues<CartaParams>, ParamError> {
    use Confidence::{Chosen, SecondaryConfirmed};
    let row = |y: i32,
               decree: &str,
               first: i32,
               second: i32,
               first_conf|
     -> Result<CartaParams, ParamError> {
        Ok(CartaParams {
            amount: money(eur(500), decree, SecondaryConfirmed),
            isee_kind: Sourced::new(IseeKind::Ordinario, decree, SecondaryConfirmed),
            isee_max: money(eur(15_000), decree, SecondaryConfirmed),
            min_members: Sourced::new(3, decree, SecondaryConfirmed),
            priority_first_born_from: Sourced::new(day(TABLE, first, 1, 1)?, decree, first_conf)
                .with_note(NOTE),
            priority_second_born_from: Sourced::new(day(TABLE, second, 1, 1)?, decree, first_conf)
                .with_note(NOTE),
            first_use_by: (y == 2025)
                .then(|| {
                    day(TABLE, 2025, 12, 16).map(|d| Sourced::new(d, decree, SecondaryConfirmed))
                })
                .transpose()?,
            spend_by: (y == 2025)
                .then(|| {
                    day(TABLE, 2026, 2, 28).map(|d| Sourced::new(d, decree, SecondaryConfirmed))
                })
                .transpose()?,
        })
    };
    let items = vec![
        Dated::new(
            year(TABLE, 2024)?,
            row(2024, "DI 4 giugno 2024; INPS messaggio 2575 del 10/07/2024", 2010, 2006, Chosen)?,
        ),
        Dated::new(
            year(TABLE, 2025)?,
            row(2025, "DI 12 agosto 2025; INPS messaggio 2519 del 1/09/2025", 2011, 2007, Chosen)?,
        ),
    ];
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: TABLE, source })
}
