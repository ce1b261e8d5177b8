//! Bonus sociali for electricity, gas and water: ISEE thresholds by period (DL 124/2019 art. 57-bis;
//! ARERA; DM 29/12/2016 for the triennial update). ADI recipients are entitled whatever their
//! ISEE. Thresholds are inclusive ("ISEE non superiore"). Amounts where the sources give them:
//! the 2026 annual electricity bonus by household size, the 2025 extraordinary contribution
//! (DL 19/2025, the 200 EUR chosen from "about 200"), 50 litres of water per inhabitant a day;
//! the gas amounts by climate zone are not in the sources.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_benefits::params::bonus_sociali;
//!
//! let t = bonus_sociali::dated()?;
//! let q1_2024 = t.at(NaiveDate::from_ymd_opt(2024, 2, 1).unwrap()).unwrap();
//! assert_eq!(q1_2024.electricity.isee_max.value.to_string(), "15000.00");
//! assert_eq!(q1_2024.gas.isee_max.value.to_string(), "9530.00");
//! # Ok::<(), welfare_benefits::params::ParamError>(())
//! ```

use serde::{Deserialize, Serialize};
use welfare_types::dates::{Dated, DatedValues};
use welfare_types::Money;

use super::{ec, eur, money, range, year, Confidence, ParamError, Sourced};

/// The thresholds of one supply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SupplyThresholds {
    /// Highest ISEE (inclusive).
    pub isee_max: Sourced<Money>,
    /// Highest ISEE for nuclei with at least four dependent children (inclusive).
    pub isee_max_four_children: Sourced<Money>,
}

/// The annual electricity bonus by household size, where published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ElectricityAmounts {
    /// One or two members.
    pub members_1_2: Money,
    /// Three or four members.
    pub members_3_4: Money,
    /// More than four members.
    pub members_5_plus: Money,
    /// Where the amounts come from.
    pub source: String,
    /// How sure they are.
    pub confidence: Confidence,
}

/// The bonus sociali parameters of a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BonusSocialiParams {
    /// Electricity.
    pub electricity: SupplyThresholds,
    /// Gas.
    pub gas: SupplyThresholds,
    /// Water.
    pub water: SupplyThresholds,
    /// Whether ADI recipients are entitled whatever their ISEE.
    pub adi_automatic: Sourced<bool>,
    /// Annual electricity amounts, where published.
    pub electricity_amounts: Option<ElectricityAmounts>,
    /// One-off extraordinary contribution on electricity bills (2025 only, DL 19/2025).
    pub extraordinary_contribution: Option<ExtraordinaryContribution>,
    /// Free water per inhabitant per day, in litres (the quantitativo minimo vitale).
    pub water_litres_per_inhabitant_day: Sourced<u32>,
}

/// The extraordinary contribution on electricity bills of 2025 (DL 19/2025).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtraordinaryContribution {
    /// The amount.
    pub amount: Sourced<Money>,
    /// Highest ISEE (inclusive).
    pub isee_max: Sourced<Money>,
}

const TABLE: &str = "bonus_sociali";

fn water() -> Sourced<u32> {
    Sourced::new(
        50,
        "DPCM 13/10/2016 (quantitativo minimo vitale); ARERA, bonus sociale idrico",
        Confidence::SecondaryConfirmed,
    )
}

fn thresholds(isee: Money, large: Money, source: &str, c: Confidence) -> SupplyThresholds {
    SupplyThresholds {
        isee_max: money(isee, source, c),
        isee_max_four_children: money(large, source, c),
    }
}

/// The parameters: Q1 2024, April–December 2024, 2025, 2026.
pub fn dated() -> Result<DatedValues<BonusSocialiParams>, ParamError> {
    use Confidence::{Secondary, SecondaryConfirmed};
    let ordinary = |source: &str| thresholds(eur(9_530), eur(20_000), source, SecondaryConfirmed);
    let adi = Sourced::new(
        true,
        "DL 48/2023 art. 2; ARERA (bonus riconosciuti ai nuclei ADI)",
        Secondary,
    );
    const Y2024: &str =
        "ARERA: from 1/1/2024 gas and water return to 9,530 / 20,000 (DM 29/12/2016)";
    let items = vec![
        Dated::new(
            range(TABLE, (2024, 1, 1), Some((2024, 3, 31)))?,
            BonusSocialiParams {
                electricity: thresholds(
                    eur(15_000),
                    eur(30_000),
                    "L. 197/2022 and DL 34/2023 thresholds, kept for electricity in the first quarter of 2024 (ARERA)",
                    SecondaryConfirmed,
                ),
                gas: ordinary(Y2024),
                water: ordinary(Y2024),
                adi_automatic: adi.clone(),
                electricity_amounts: None,
                extraordinary_contribution: None,
                water_litres_per_inhabitant_day: water(),
            },
        ),
        Dated::new(
            range(TABLE, (2024, 4, 1), Some((2024, 12, 31)))?,
            BonusSocialiParams {
                electricity: ordinary("ARERA: electricity returns to 9,530 / 20,000 from 1/4/2024"),
                gas: ordinary(Y2024),
                water: ordinary(Y2024),
                adi_automatic: adi.clone(),
                electricity_amounts: None,
                extraordinary_contribution: None,
                water_litres_per_inhabitant_day: water(),
            },
        ),
        Dated::new(
            year(TABLE, 2025)?,
            BonusSocialiParams {
                electricity: ordinary("ARERA, thresholds 2025 (DM 29/12/2016)"),
                gas: ordinary("ARERA, thresholds 2025 (DM 29/12/2016)"),
                water: ordinary("ARERA, thresholds 2025 (DM 29/12/2016)"),
                adi_automatic: adi.clone(),
                electricity_amounts: None,
                extraordinary_contribution: Some(ExtraordinaryContribution {
                    amount: money(eur(200), "DL 19/2025", Confidence::Chosen).with_note(
                        "the sources say 'about 200 EUR' (paid April-July 2025): 200.00 chosen",
                    ),
                    isee_max: money(eur(25_000), "DL 19/2025", SecondaryConfirmed),
                }),
                water_litres_per_inhabitant_day: water(),
            },
        ),
        Dated::new(
            year(TABLE, 2026)?,
            {
                const D2026: &str = "ARERA delibera 2/2026/R/com del 20/01/2026 (triennial FOI update, DM 29/12/2016)";
                let t = || thresholds(eur(9_796), eur(20_000), D2026, SecondaryConfirmed);
                BonusSocialiParams {
                    electricity: t(),
                    gas: t(),
                    water: t(),
                    adi_automatic: adi,
                    electricity_amounts: Some(ElectricityAmounts {
                        members_1_2: ec(146, 00),
                        members_3_4: ec(186, 15),
                        members_5_plus: ec(204, 40),
                        source: "ARERA, bonus elettrico 2026".into(),
                        confidence: Secondary,
                    }),
                    extraordinary_contribution: None,
                    water_litres_per_inhabitant_day: water(),
                }
            },
        ),
    ];
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: TABLE, source })
}
