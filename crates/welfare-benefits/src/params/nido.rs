//! Bonus asilo nido (L. 232/2016 art. 1 c. 355 and amendments) and bonus nuovi nati
//! (L. 207/2024).
//!
//! The nido bonus is an annual maximum paid in 11 monthly amounts, each capped at the fee paid.
//! From 2025 the ISEE is taken with the AUU neutralised: `ISEE − AUU annual / scala`
//! (INPS circolare 60/2025: 40,400 − 1,500 / 2.5 = 39,800).
//!
//! ```
//! use welfare_benefits::params::nido;
//! use welfare_types::Money;
//!
//! let split = nido::instalments(Money::from_euros(3_600))?;
//! assert_eq!((split.first_ten.to_string(), split.last.to_string()), ("327.27".into(), "327.30".into()));
//! # Ok::<(), welfare_benefits::params::ParamError>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use welfare_types::dates::{Dated, DatedValues};
use welfare_types::{Money, Rounding};

use super::{day, ec, eur, money, range, year, Confidence, ParamError, Sourced};
use crate::IseeKind;

/// One ISEE band of the nido bonus.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NidoBand {
    /// Highest ISEE of the band (inclusive); `None` for the last band (and no ISEE).
    pub isee_max: Option<Money>,
    /// Annual maximum.
    pub annual: Money,
}

/// The higher amount for children born from 2024 (L. 213/2023 art. 1 c. 177–178).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NidoBornFrom2024 {
    /// Children born on or after this day.
    pub born_from: NaiveDate,
    /// Highest ISEE (inclusive).
    pub isee_max: Money,
    /// Annual maximum.
    pub annual: Money,
    /// In 2024 only: another child in the nucleo must be younger than this age.
    pub other_child_under: Option<u32>,
}

/// The nido bonus parameters of a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NidoParams {
    /// The ISEE used.
    pub isee_kind: Sourced<IseeKind>,
    /// The bands by ISEE.
    pub bands: Sourced<Vec<NidoBand>>,
    /// The higher amount for children born from 2024.
    pub born_from_2024: Option<Sourced<NidoBornFrom2024>>,
    /// Whether the AUU is neutralised in the ISEE (`ISEE − AUU annual / scala`).
    pub auu_neutralised: Sourced<bool>,
    /// Number of monthly amounts.
    pub instalments: Sourced<u32>,
}

/// An annual amount split into 11 monthly amounts: ten equal ones and a last one that takes the
/// remainder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InstalmentSplit {
    /// The annual amount.
    pub annual: Money,
    /// Each of the first ten monthly amounts.
    pub first_ten: Money,
    /// The eleventh.
    pub last: Money,
    /// Where the split comes from.
    pub source: String,
    /// How sure it is.
    pub confidence: Confidence,
}

/// The nuovi nati bonus parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NuoviNatiParams {
    /// Children born or adopted on or after this day.
    pub born_from: NaiveDate,
    /// The one-off amount per child.
    pub amount: Sourced<Money>,
    /// The ISEE must be **below** this (strictly: "ISEE inferiore a 40.000 euro").
    pub isee_below: Sourced<Money>,
    /// The ISEE used.
    pub isee_kind: Sourced<IseeKind>,
    /// Whether the AUU is neutralised in the ISEE.
    pub auu_neutralised: Sourced<bool>,
}

const TABLE: &str = "bonus_nido";
const L232: &str = "L. 232/2016 art. 1 c. 355, as amended by L. 160/2019 art. 1 c. 343";

fn bands() -> Sourced<Vec<NidoBand>> {
    Sourced::new(
        vec![
            NidoBand { isee_max: Some(eur(25_000)), annual: eur(3_000) },
            NidoBand { isee_max: Some(eur(40_000)), annual: eur(2_500) },
            NidoBand { isee_max: None, annual: eur(1_500) },
        ],
        L232,
        Confidence::SecondaryConfirmed,
    )
}

/// The nido bonus parameters, 2020–2026.
pub fn dated() -> Result<DatedValues<NidoParams>, ParamError> {
    use Confidence::{Primary, SecondaryConfirmed};
    let minorenni = Sourced::new(IseeKind::Minorenni, L232, SecondaryConfirmed);
    let eleven = Sourced::new(11, "INPS (domanda bonus nido: 11 mensilità)", Confidence::Secondary);
    let born_from = day(TABLE, 2024, 1, 1)?;
    let young = |other_child_under, source: &str| {
        Some(Sourced::new(
            NidoBornFrom2024 {
                born_from,
                isee_max: eur(40_000),
                annual: eur(3_600),
                other_child_under,
            },
            source,
            SecondaryConfirmed,
        ))
    };
    let neutral = |on: bool, source: &str| {
        Sourced::new(on, source, if on { SecondaryConfirmed } else { Primary })
    };
    let items = vec![
        Dated::new(
            range(TABLE, (2020, 1, 1), Some((2023, 12, 31)))?,
            NidoParams {
                isee_kind: minorenni.clone(),
                bands: bands(),
                born_from_2024: None,
                auu_neutralised: neutral(false, L232),
                instalments: eleven.clone(),
            },
        ),
        Dated::new(
            year(TABLE, 2024)?,
            NidoParams {
                isee_kind: minorenni.clone(),
                bands: bands(),
                born_from_2024: young(
                    Some(10),
                    "L. 213/2023 art. 1 c. 177-178 (1,500 + 2,100 with another child under 10)",
                ),
                auu_neutralised: neutral(false, L232),
                instalments: eleven.clone(),
            },
        ),
        Dated::new(
            year(TABLE, 2025)?,
            NidoParams {
                isee_kind: minorenni,
                bands: bands(),
                born_from_2024: young(
                    None,
                    "L. 207/2024; INPS circolare 60/2025 (other-child condition removed)",
                ),
                auu_neutralised: neutral(true, "L. 207/2024; INPS circolare 60/2025"),
                instalments: eleven.clone(),
            },
        ),
        Dated::new(
            year(TABLE, 2026)?,
            NidoParams {
                isee_kind: Sourced::new(
                    IseeKind::PrestazioniFamiliari,
                    "L. 199/2025 art. 1 c. 208; INPS messaggio 102/2026",
                    SecondaryConfirmed,
                ),
                bands: bands(),
                born_from_2024: young(None, "L. 207/2024; INPS circolare 60/2025"),
                auu_neutralised: neutral(true, "L. 207/2024; INPS circolare 60/2025"),
                instalments: eleven,
            },
        ),
    ];
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: TABLE, source })
}

/// The published splits: 1,000 (fiscal-focus 2018), 1,500 and 3,600 (as INPS pays them).
fn published() -> [(Money, Money, Money, &'static str); 3] {
    [
        (eur(1_000), ec(90, 91), ec(90, 90), "INPS bonus nido 2017-2018: 11 rate da 90,91"),
        (eur(1_500), ec(136, 37), ec(136, 30), "INPS bonus nido: 10 × 136.37 + 136.30"),
        (eur(3_600), ec(327, 27), ec(327, 30), "INPS bonus nido: 10 × 327.27 + 327.30"),
    ]
}

/// The split of an annual amount into 11 monthly amounts.
///
/// The published splits are used as published; they are not all the same rule (1,500 € is paid
/// as 136.37, where half-up would give 136.36). Any other amount is split by the rule that fits
/// 1,000 and 3,600: `annual / 11` half-up to the cent for the first ten, the remainder last
/// ([`Confidence::Chosen`]).
pub fn instalments(annual: Money) -> Result<InstalmentSplit, ParamError> {
    if let Some((a, first, last, source)) =
        published().into_iter().find(|(a, _, _, _)| *a == annual)
    {
        return Ok(InstalmentSplit {
            annual: a,
            first_ten: first,
            last,
            source: source.into(),
            confidence: Confidence::Secondary,
        });
    }
    let overflow = |_| ParamError::Overflow { table: TABLE };
    let first =
        annual.checked_div(Decimal::from(11)).map_err(overflow)?.round(Rounding::CENT_HALF_UP);
    let ten = first.checked_mul(Decimal::TEN).map_err(overflow)?;
    let last = annual.checked_sub(ten).map_err(overflow)?;
    Ok(InstalmentSplit {
        annual,
        first_ten: first,
        last,
        source: "annual / 11 half-up to the cent, remainder on the last (fits the 1,000 and 3,600 splits)".into(),
        confidence: Confidence::Chosen,
    })
}

/// The splits of every amount the nido bonus pays (1,500, 2,500, 3,000, 3,600) and of 1,000.
pub fn instalment_table() -> Result<Vec<InstalmentSplit>, ParamError> {
    [1_000, 1_500, 2_500, 3_000, 3_600].into_iter().map(|e| instalments(eur(e))).collect()
}

/// The nuovi nati bonus: births and adoptions from 2025.
pub fn nuovi_nati() -> Result<DatedValues<NuoviNatiParams>, ParamError> {
    use Confidence::{Secondary, SecondaryConfirmed};
    const L207: &str = "L. 207/2024 (bilancio 2025)";
    let born_from = day("nuovi_nati", 2025, 1, 1)?;
    let row = |kind: Sourced<IseeKind>| NuoviNatiParams {
        born_from,
        amount: money(eur(1_000), L207, Secondary),
        isee_below: money(eur(40_000), L207, Secondary),
        isee_kind: kind,
        auu_neutralised: Sourced::new(true, L207, Secondary),
    };
    let items = vec![
        Dated::new(
            year("nuovi_nati", 2025)?,
            row(Sourced::new(IseeKind::Minorenni, L207, Secondary)),
        ),
        Dated::new(
            year("nuovi_nati", 2026)?,
            row(Sourced::new(
                IseeKind::PrestazioniFamiliari,
                "L. 199/2025 art. 1 c. 208; INPS messaggio 102/2026",
                SecondaryConfirmed,
            )),
        ),
    ];
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: "nuovi_nati", source })
}
