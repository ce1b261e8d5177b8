//! Assegno di maternità dei Comuni (D.Lgs. 151/2001 art. 74): amounts and ISEE thresholds by
//! year of the birth or of the child's entry into the family.
//!
//! The assegno is "concesso dai comuni nella misura prevista alla data del parto" (art. 74 c. 3):
//! the year of the event picks the row. Five monthly amounts, usually paid in one sum; a mother
//! who received a lower maternity indemnity gets the difference (art. 74 c. 6). The application
//! is due within six months (DPCM 452/2000 art. 13 c. 1, "termine perentorio").
//!
//! The yearly figures are published in the Gazzetta Ufficiale by the Dipartimento per le
//! politiche della famiglia and then by an INPS circular; they are consistent with
//! `previous × (1 + FOI)` half-up to the cent (tested). The 2021 figures were not found in a
//! source; they are derived as the 2020 figures unchanged ([`Confidence::Derived`]): the ISTAT
//! FOI change for 2020 was negative, and 2020 × 1.019 (the 2021 change) gives exactly the 2022
//! figures, 354.73 and 17,747.58.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_benefits::params::maternita;
//!
//! let table = maternita::dated()?;
//! let row = table.at(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()).unwrap();
//! assert_eq!(row.total.value.to_string(), "2037.00");
//! assert_eq!(row.isee_max.value.to_string(), "20382.90");
//! # Ok::<(), welfare_benefits::params::ParamError>(())
//! ```

use serde::{Deserialize, Serialize};
use welfare_types::dates::{Dated, DatedValues};
use welfare_types::Money;

use super::{ec, money, year, Confidence, ParamError, Sourced};

/// The figures for events in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MaternitaYear {
    /// Monthly amount.
    pub monthly: Sourced<Money>,
    /// Number of monthly amounts (5, art. 74 c. 1).
    pub months: Sourced<u32>,
    /// Total: `monthly × months`.
    pub total: Sourced<Money>,
    /// Highest ISEE of the nucleo (inclusive: "non superiore").
    pub isee_max: Sourced<Money>,
    /// Months from the event within which the application must be filed.
    pub application_months: Sourced<u32>,
}

const TABLE: &str = "assegno_maternita";
const DERIVED_2021: &str = "derived from INPS circolare 31/2020 and the 2022 figures";
const NOTE_2021: &str = "no 2021 source found: the 2020 figures unchanged, consistent with 2020 x 1.019 = 2022 to the cent";

fn row(
    monthly: Money,
    total: Money,
    total_confidence: Confidence,
    isee: Money,
    source: &str,
    confidence: Confidence,
) -> MaternitaYear {
    MaternitaYear {
        monthly: money(monthly, source, confidence),
        months: Sourced::new(5, "D.Lgs. 151/2001 art. 74 c. 1", Confidence::Primary),
        total: money(total, source, total_confidence),
        isee_max: money(isee, source, confidence),
        application_months: Sourced::new(6, "DPCM 452/2000 art. 13 c. 1", Confidence::Primary),
    }
}

/// The figures by year of the event: 2020 and 2022–2026.
pub fn dated() -> Result<DatedValues<MaternitaYear>, ParamError> {
    use Confidence::{Derived, Secondary, SecondaryConfirmed};
    let rows = [
        (
            2020,
            row(
                ec(348, 12),
                ec(1_740, 60),
                Derived,
                ec(17_416, 66),
                "INPS circolare 31 del 25/02/2020",
                Secondary,
            ),
        ),
        (
            2021,
            MaternitaYear {
                monthly: money(ec(348, 12), DERIVED_2021, Derived).with_note(NOTE_2021),
                months: Sourced::new(5, "D.Lgs. 151/2001 art. 74 c. 1", Confidence::Primary),
                total: money(ec(1_740, 60), DERIVED_2021, Derived).with_note(NOTE_2021),
                isee_max: money(ec(17_416, 66), DERIVED_2021, Derived).with_note(NOTE_2021),
                application_months: Sourced::new(
                    6,
                    "DPCM 452/2000 art. 13 c. 1",
                    Confidence::Primary,
                ),
            },
        ),
        (
            2022,
            row(
                ec(354, 73),
                ec(1_773, 65),
                Derived,
                ec(17_747, 58),
                "Comunicato Dipartimento politiche della famiglia, GU 5/2/2022",
                SecondaryConfirmed,
            ),
        ),
        (
            2023,
            row(
                ec(383, 46),
                ec(1_917, 30),
                SecondaryConfirmed,
                ec(19_185, 13),
                "GU n. 48 del 25/2/2023; INPS circolare 26 dell'8/3/2023",
                SecondaryConfirmed,
            ),
        ),
        (
            2024,
            row(
                ec(404, 17),
                ec(2_020, 85),
                SecondaryConfirmed,
                ec(20_221, 13),
                "GU n. 31 del 7/2/2024; INPS circolare 40 del 29/02/2024",
                SecondaryConfirmed,
            ),
        ),
        (
            2025,
            row(
                ec(407, 40),
                ec(2_037, 00),
                SecondaryConfirmed,
                ec(20_382, 90),
                "GU n. 28 del 4/2/2025; INPS circolare 45 del 19/02/2025",
                SecondaryConfirmed,
            ),
        ),
        (
            2026,
            row(
                ec(413, 10),
                ec(2_065, 50),
                Derived,
                ec(20_668, 26),
                "GU n. 32 del 9/2/2026; INPS circolare 16/2026",
                SecondaryConfirmed,
            ),
        ),
    ];
    let items = rows
        .into_iter()
        .map(|(y, r)| Ok(Dated::new(year(TABLE, y)?, r)))
        .collect::<Result<Vec<_>, ParamError>>()?;
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: TABLE, source })
}
