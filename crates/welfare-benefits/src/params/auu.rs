//! Assegno Unico e Universale: the band tables 2022–2026 by chained revaluation.
//!
//! D.Lgs. 230/2021 art. 4 gives the 2022 amounts and refers to a *tabella 1* of ISEE bands;
//! art. 4 c. 11 revalues amounts and ISEE limits every year by the ISTAT FOI index. INPS
//! publishes the revalued tables as annexes to its yearly circulars; they are reproduced here by
//! the method that matches every figure INPS and the press have published:
//!
//! 1. the 2022 table has 251 bands, 100 € wide: band *k* covers ISEE up to `15,000 + 100·k`
//!    (band 0 is ISEE ≤ 15,000, band 250 ends at 40,000); its amounts are, per month,
//!    minor child `175 − 0.50·k`, child aged 18–20 `85 − 0.24·k`, third and later child
//!    `85 − 0.28·k`, both parents working `30 − 0.12·k`;
//! 2. each later year revalues the **previous year's** table (chained): ISEE limits ×
//!    (1 + rate) half-up to the cent, amounts × (1 + rate) half-up to the tenth of a euro;
//! 3. an ISEE falls in the first band whose limit it does not exceed; no ISEE, or an ISEE above
//!    the last limit, gives the last band (the minimum amounts, D.Lgs. 230/2021 art. 4 c. 9).
//!
//! The fixed increases (disability by degree, mother under 21) follow the same chained tenths
//! rule. The flat increase for four or more children is 100 € in 2022 and 150 € from 2023, not
//! revalued (L. 197/2022 art. 1 c. 357; the press and INPS examples use 150 € every year since).
//!
//! ```
//! use welfare_benefits::params::auu;
//! use welfare_types::Money;
//!
//! let y2026 = auu::table(2026)?;
//! let band = y2026.band_for(Some(Money::from_euros(25_000))).unwrap();
//! assert_eq!(band.minor.to_string(), "165.90"); // a step table, not a straight line
//! assert_eq!(y2026.minimum().unwrap().minor.to_string(), "58.30");
//! # Ok::<(), welfare_benefits::params::ParamError>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use welfare_types::dates::{DateRange, Dated, DatedValues};
use welfare_types::{Money, Rounding};

use super::{eur, range, year, Confidence, ParamError, Sourced};

/// The number of bands of the table (0 to 250).
pub const BANDS: u16 = 251;

/// The first and last year of the tables.
pub const YEARS: std::ops::RangeInclusive<i32> = 2022..=2026;

/// One ISEE band of the table: monthly amounts for ISEE up to `isee_max`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuuBand {
    /// Band index *k* (0–250).
    pub band: u16,
    /// The highest ISEE of the band (inclusive). The band starts one cent above the previous one.
    pub isee_max: Money,
    /// Minor child (art. 4 c. 1), and disabled child of any age.
    pub minor: Money,
    /// Child aged 18 to 20 (art. 4 c. 2).
    pub age_18_20: Money,
    /// Increase for each child after the second (art. 4 c. 3).
    pub third_plus: Money,
    /// Increase for each minor child when both parents work (art. 4 c. 8).
    pub both_working: Money,
}

/// The table and the fixed amounts of one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuuYear {
    /// The year.
    pub year: i32,
    /// The mensilità the year covers (2022 starts in March, when the AUU began).
    pub valid: DateRange,
    /// The legal source of the year's table.
    pub source: String,
    /// The revaluation from the previous year, as a fraction (0.081 for +8.1 %).
    pub revaluation: Option<Sourced<Decimal>>,
    /// The 251 bands, by increasing ISEE.
    pub bands: Vec<AuuBand>,
    /// Increase per disabled minor child, non autosufficienza (art. 4 c. 4).
    pub disability_non_autosufficiente: Money,
    /// Increase per disabled minor child, disabilità grave (art. 4 c. 4).
    pub disability_grave: Money,
    /// Increase per disabled minor child, disabilità media (art. 4 c. 4).
    pub disability_media: Money,
    /// Increase per child when the mother is under 21 (art. 4 c. 7).
    pub mother_under_21: Money,
    /// Flat monthly increase per nucleo with four or more children (art. 4 c. 10).
    pub four_or_more_children: Sourced<Money>,
    /// Increase of the minor-child amount for a child under one, and for a child aged one to
    /// three in a nucleo with three or more children (from 2023), as a fraction (0.5).
    pub young_child_increase: Option<Sourced<Decimal>>,
    /// The ISEE limit (inclusive) of the one-to-three increase: 40,000 € revalued, i.e. the
    /// last band's limit (from 2023).
    pub large_family_young_child_isee_max: Option<Money>,
}

impl AuuYear {
    /// The band of an ISEE; `None` (no ISEE) or an ISEE above every limit gives the last band.
    /// `None` only if the table is empty.
    pub fn band_for(&self, isee: Option<Money>) -> Option<&AuuBand> {
        match isee {
            Some(isee) => {
                let idx = self.bands.partition_point(|b| b.isee_max < isee);
                self.bands.get(idx).or_else(|| self.bands.last())
            }
            None => self.bands.last(),
        }
    }

    /// The first band: the full amounts.
    pub fn maximum(&self) -> Option<&AuuBand> {
        self.bands.first()
    }

    /// The last band: the minimum amounts (also without ISEE).
    pub fn minimum(&self) -> Option<&AuuBand> {
        self.bands.last()
    }
}

/// The yearly revaluations: year, rate (per thousand), INPS act.
const REVALUATIONS: [(i32, i64, &str); 4] = [
    (2023, 81, "INPS circolare 41 del 7/4/2023 (ISTAT FOI +8.1%)"),
    (2024, 54, "INPS messaggio 572 dell'8/2/2024 (ISTAT FOI +5.4%)"),
    (2025, 8, "INPS circolare 33 del 4/2/2025 (ISTAT FOI +0.8%)"),
    (2026, 14, "INPS circolare 7 del 30/1/2026 (ISTAT FOI +1.4%)"),
];

const TABLE: &str = "assegno_unico";
const LAW_2022: &str = "D.Lgs. 230/2021 art. 4 e tabella 1";

/// The 2022 table: D.Lgs. 230/2021 art. 4 and tabella 1.
fn base_2022() -> Result<AuuYear, ParamError> {
    let bands = (0..BANDS)
        .map(|k| {
            let k = i64::from(k);
            AuuBand {
                band: u16::try_from(k).unwrap_or(u16::MAX),
                isee_max: Money::from_cents(1_500_000 + 10_000 * k),
                minor: Money::from_cents(17_500 - 50 * k),
                age_18_20: Money::from_cents(8_500 - 24 * k),
                third_plus: Money::from_cents(8_500 - 28 * k),
                both_working: Money::from_cents(3_000 - 12 * k),
            }
        })
        .collect();
    Ok(AuuYear {
        year: 2022,
        valid: range(TABLE, (2022, 3, 1), Some((2022, 12, 31)))?,
        source: LAW_2022.to_owned(),
        revaluation: None,
        bands,
        disability_non_autosufficiente: eur(105),
        disability_grave: eur(95),
        disability_media: eur(85),
        mother_under_21: eur(20),
        four_or_more_children: Sourced::new(
            eur(100),
            "D.Lgs. 230/2021 art. 4 c. 10",
            Confidence::SecondaryConfirmed,
        ),
        young_child_increase: None,
        large_family_young_child_isee_max: None,
    })
}

fn revalue(value: Money, factor: Decimal, rounding: Rounding) -> Result<Money, ParamError> {
    value
        .checked_mul(factor)
        .map(|m| m.round(rounding))
        .map_err(|_| ParamError::Overflow { table: TABLE })
}

/// The next year's table from the previous one (chained revaluation).
fn next_year(prev: &AuuYear, y: i32, per_mille: i64, source: &str) -> Result<AuuYear, ParamError> {
    let rate = Decimal::new(per_mille, 3);
    let factor = Decimal::ONE + rate;
    let amount = |m: Money| revalue(m, factor, Rounding::TENTH_HALF_UP);
    let bands = prev
        .bands
        .iter()
        .map(|b| {
            Ok(AuuBand {
                band: b.band,
                isee_max: revalue(b.isee_max, factor, Rounding::CENT_HALF_UP)?,
                minor: amount(b.minor)?,
                age_18_20: amount(b.age_18_20)?,
                third_plus: amount(b.third_plus)?,
                both_working: amount(b.both_working)?,
            })
        })
        .collect::<Result<Vec<_>, ParamError>>()?;
    let last_limit = bands.last().map(|b| b.isee_max);
    Ok(AuuYear {
        year: y,
        valid: year(TABLE, y)?,
        source: format!("D.Lgs. 230/2021 art. 4 c. 11; {source}"),
        revaluation: Some(
            Sourced::new(rate, source, Confidence::SecondaryConfirmed)
                .with_note("D.Lgs. 230/2021 art. 4 c. 11: amounts half-up to 0.10 €, ISEE limits half-up to 0.01 €, on the previous year's table"),
        ),
        bands,
        disability_non_autosufficiente: amount(prev.disability_non_autosufficiente)?,
        disability_grave: amount(prev.disability_grave)?,
        disability_media: amount(prev.disability_media)?,
        mother_under_21: amount(prev.mother_under_21)?,
        four_or_more_children: Sourced::new(
            eur(150),
            "L. 197/2022 art. 1 c. 357 (from January 2023)",
            if y == 2023 || y == 2025 { Confidence::SecondaryConfirmed } else { Confidence::Chosen },
        )
        .with_note("not revalued: every source since 2023 gives 150 €; to be diffed against the INPS annex"),
        young_child_increase: Some(
            Sourced::new(
                Decimal::new(5, 1),
                "L. 197/2022 art. 1 c. 357; INPS circolare 41/2023 (example: 144.90 + 72.45 = 217.35)",
                Confidence::SecondaryConfirmed,
            )
            .with_note("exactly half the minor-child amount, in cents, not rounded"),
        ),
        large_family_young_child_isee_max: last_limit,
    })
}

/// Every year's table, 2022 to 2026, in order.
pub fn tables() -> Result<Vec<AuuYear>, ParamError> {
    let mut years = vec![base_2022()?];
    for (y, per_mille, source) in REVALUATIONS {
        let next = match years.last() {
            Some(prev) => next_year(prev, y, per_mille, source)?,
            None => base_2022()?,
        };
        years.push(next);
    }
    Ok(years)
}

/// One year's table (2022–2026).
pub fn table(y: i32) -> Result<AuuYear, ParamError> {
    tables()?.into_iter().find(|t| t.year == y).ok_or(ParamError::Dates {
        table: TABLE,
        source: welfare_types::dates::DateError::OutOfRange,
    })
}

/// The tables as dated values: the table in force for a mensilità.
pub fn dated() -> Result<DatedValues<AuuYear>, ParamError> {
    let items = tables()?.into_iter().map(|t| Dated::new(t.valid, t)).collect();
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: TABLE, source })
}

/// Which ISEE the AUU uses, by mensilità: the ISEE minorenni (or the ordinary ISEE when it is
/// the same nucleo) until February 2026, the ISEE for family benefits from March 2026
/// (L. 199/2025 art. 1 c. 208; INPS messaggio 102/2026: January and February 2026 use the ISEE
/// valid on 31 December 2025).
pub fn isee_kind() -> Result<DatedValues<Sourced<crate::IseeKind>>, ParamError> {
    let items = vec![
        Dated::new(
            range(TABLE, (2022, 3, 1), Some((2026, 2, 28)))?,
            Sourced::new(
                crate::IseeKind::Minorenni,
                "D.Lgs. 230/2021 art. 4 c. 1 (ISEE per prestazioni rivolte a minorenni)",
                Confidence::SecondaryConfirmed,
            ),
        ),
        Dated::new(
            range(TABLE, (2026, 3, 1), None)?,
            Sourced::new(
                crate::IseeKind::PrestazioniFamiliari,
                "L. 199/2025 art. 1 c. 208; INPS messaggio 102 del 12/01/2026",
                Confidence::SecondaryConfirmed,
            ),
        ),
    ];
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: TABLE, source })
}
