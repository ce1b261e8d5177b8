//! Assegno di Inclusione (ADI) and Supporto per la Formazione e il Lavoro (SFL): thresholds,
//! scala di equivalenza and amounts (DL 48/2023 conv. L. 85/2023; from 2025 L. 207/2024).
//!
//! ```text
//! quota A (annual) = max(0, income threshold × scala − reddito familiare)
//! quota B (annual) = min(registered annual rent, rent cap)          (renters only)
//! monthly          = (quota A + quota B) / 12, half-up to the cent   ([U]: see `monthly_rounding`)
//! ```
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_benefits::params::adi;
//!
//! let adi = adi::adi()?;
//! let p = adi.at(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()).unwrap();
//! assert_eq!(p.isee_max.value.to_string(), "10140.00");
//! assert_eq!(p.income_threshold.value.to_string(), "6500.00");
//! # Ok::<(), welfare_benefits::params::ParamError>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use welfare_types::dates::{Dated, DatedValues};
use welfare_types::{Money, Rounding};

use super::{eur, money, range, year, Confidence, ParamError, Sourced};
use crate::IseeKind;

/// The scala di equivalenza ADI (DL 48/2023 art. 2 c. 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AdiScala {
    /// Base value of the nucleo (1).
    pub base: Decimal,
    /// Each **other** member with disability or non-self-sufficiency (+0.5).
    pub other_disabled: Decimal,
    /// Each **other** member aged 60 or more (+0.4).
    pub other_aged_60: Decimal,
    /// One adult member with carichi di cura, who may be the base member (+0.4).
    pub carer: Decimal,
    /// Each other adult in a certified care programme (+0.3).
    pub care_programme: Decimal,
    /// Each minor up to the second (+0.15).
    pub minor_first_two: Decimal,
    /// Each minor beyond the second (+0.10).
    pub minor_further: Decimal,
    /// Cap (2.2).
    pub cap: Decimal,
    /// Cap when a member has disabilità grave or non autosufficienza (2.3).
    pub cap_grave: Decimal,
    /// Where the coefficients come from.
    pub source: String,
    /// How sure they are.
    pub confidence: Confidence,
    /// The choices made where the sources are unclear.
    pub note: String,
}

/// The ADI parameters in force over a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AdiParams {
    /// The ISEE used (the ISEE minorenni when there are minors, until 2025).
    pub isee_kind: Sourced<IseeKind>,
    /// Highest ISEE (inclusive).
    pub isee_max: Sourced<Money>,
    /// Family income threshold, multiplied by the scala; also the base of quota A.
    pub income_threshold: Sourced<Money>,
    /// Threshold for nuclei of members all aged 67 or more, or aged 67 or more with members with
    /// disabilità grave or non autosufficienza.
    pub income_threshold_elderly: Sourced<Money>,
    /// Threshold for nuclei in rented housing (from 2025), multiplied by the scala.
    pub income_threshold_renters: Option<Sourced<Money>>,
    /// Cap of quota B (annual rent).
    pub rent_cap: Sourced<Money>,
    /// Cap of quota B for the elderly nuclei above.
    pub rent_cap_elderly: Sourced<Money>,
    /// Highest real-estate assets, without the home up to `home_exclusion`.
    pub real_estate_max: Sourced<Money>,
    /// IMU value of the home left out of the real-estate assets.
    pub home_exclusion: Sourced<Money>,
    /// Financial assets: base allowance.
    pub financial_base: Sourced<Money>,
    /// Financial assets: per member after the first.
    pub financial_per_member: Sourced<Money>,
    /// Financial assets: cap of base plus members.
    pub financial_cap: Sourced<Money>,
    /// Financial assets: per minor after the second.
    pub financial_per_minor_after_second: Sourced<Money>,
    /// Financial assets: per disabled member.
    pub financial_per_disabled: Sourced<Money>,
    /// Financial assets: per member with disabilità grave or non autosufficienza.
    pub financial_per_grave: Sourced<Money>,
    /// The scala di equivalenza.
    pub scala: AdiScala,
    /// Months of payment before a renewal.
    pub duration_months: Sourced<u32>,
    /// Months of each renewal.
    pub renewal_months: Sourced<u32>,
    /// Months of suspension before each renewal.
    pub suspension_months: Sourced<u32>,
    /// Share of the first month of a renewal that is paid, as a fraction.
    pub first_renewal_month_share: Sourced<Decimal>,
    /// How the monthly amount (annual / 12) is rounded.
    pub monthly_rounding: Sourced<Rounding>,
}

/// The SFL parameters in force over a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SflParams {
    /// Highest ISEE (inclusive).
    pub isee_max: Sourced<Money>,
    /// Family income threshold (from 2025): the reddito familiare must be below it. Applied as
    /// an annual amount, not multiplied by the ADI scala (see its note).
    pub income_threshold: Option<Sourced<Money>>,
    /// Monthly indemnity while attending activities.
    pub monthly: Sourced<Money>,
    /// Youngest and oldest age (inclusive).
    pub age_min: Sourced<u32>,
    /// Oldest age (inclusive).
    pub age_max: Sourced<u32>,
    /// Longest payment in months.
    pub max_months: Sourced<u32>,
    /// Further months of extension.
    pub extension_months: Sourced<u32>,
}

const TABLE: &str = "adi";
const DL48: &str = "DL 48/2023 art. 2 c. 2 (conv. L. 85/2023)";
const DL48_ART3: &str = "DL 48/2023 art. 3 c. 1 (conv. L. 85/2023)";
const L207: &str = "L. 207/2024 (bilancio 2025); INPS messaggi 148/2025 e 595/2025";

fn scala() -> AdiScala {
    AdiScala {
        base: Decimal::ONE,
        other_disabled: Decimal::new(5, 1),
        other_aged_60: Decimal::new(4, 1),
        carer: Decimal::new(4, 1),
        care_programme: Decimal::new(3, 1),
        minor_first_two: Decimal::new(15, 2),
        minor_further: Decimal::new(10, 2),
        cap: Decimal::new(22, 1),
        cap_grave: Decimal::new(23, 1),
        source: "DL 48/2023 art. 2 c. 4; INPS messaggio 592 del 17/02/2025".into(),
        confidence: Confidence::SecondaryConfirmed,
        note: "the +0.4 for carichi di cura is due once and may go to the base member (the text has no 'altro'); a disabled or over-60 base member adds nothing".into(),
    }
}

fn params(
    y2025: bool,
    isee_kind: Sourced<IseeKind>,
    suspension: Sourced<u32>,
    first_month: Sourced<Decimal>,
) -> AdiParams {
    use Confidence::{Chosen, Primary, SecondaryConfirmed};
    let (src, conf) = if y2025 { (L207, SecondaryConfirmed) } else { (DL48, SecondaryConfirmed) };
    let pick = |a: i64, b: i64| eur(if y2025 { b } else { a });
    AdiParams {
        isee_kind,
        isee_max: money(pick(9_360, 10_140), if y2025 { L207 } else { "DL 48/2023 art. 2 c. 2 lett. b n. 1" }, if y2025 { SecondaryConfirmed } else { Primary }),
        income_threshold: money(pick(6_000, 6_500), src, conf),
        income_threshold_elderly: money(pick(7_560, 8_190), src, conf),
        income_threshold_renters: y2025.then(|| {
            money(eur(10_140), "L. 207/2024; INPS messaggio 595/2025", SecondaryConfirmed)
        }),
        rent_cap: money(pick(3_360, 3_640), if y2025 { L207 } else { DL48_ART3 }, conf),
        rent_cap_elderly: money(pick(1_800, 1_950), if y2025 { L207 } else { DL48_ART3 }, conf),
        real_estate_max: money(eur(30_000), DL48, SecondaryConfirmed),
        home_exclusion: money(eur(150_000), DL48, SecondaryConfirmed),
        financial_base: money(eur(6_000), DL48, SecondaryConfirmed),
        financial_per_member: money(eur(2_000), DL48, SecondaryConfirmed),
        financial_cap: money(eur(10_000), DL48, SecondaryConfirmed),
        financial_per_minor_after_second: money(eur(1_000), DL48, SecondaryConfirmed),
        financial_per_disabled: money(eur(5_000), DL48, SecondaryConfirmed),
        financial_per_grave: money(eur(7_500), DL48, SecondaryConfirmed),
        scala: scala(),
        duration_months: Sourced::new(18, "DL 48/2023 art. 3 c. 2", Primary),
        renewal_months: Sourced::new(12, "DL 48/2023 art. 3 c. 2", Primary),
        suspension_months: suspension,
        first_renewal_month_share: first_month,
        monthly_rounding: Sourced::new(Rounding::CENT_HALF_UP, "DL 48/2023 art. 3 c. 1 (annual amount paid monthly)", Chosen)
            .with_note("the rounding of annual / 12 is not stated; half-up to the cent, as INPS amounts are shown (10,140 / 12 = 845.00; 7,900 / 12 = 658.33)"),
    }
}

/// The ADI parameters: 2024, 2025, from 2026.
pub fn adi() -> Result<DatedValues<AdiParams>, ParamError> {
    use Confidence::{Primary, SecondaryConfirmed};
    let minorenni = Sourced::new(
        IseeKind::Minorenni,
        "DL 48/2023 art. 2 c. 2 lett. b n. 1 (ISEE minorenni if there are minors, else ordinario)",
        Primary,
    );
    let suspension = Sourced::new(1, "DL 48/2023 art. 3 c. 2", Primary);
    let full = Sourced::new(Decimal::ONE, "DL 48/2023 art. 3 c. 2", Primary);
    let items = vec![
        Dated::new(
            year(TABLE, 2024)?,
            params(false, minorenni.clone(), suspension.clone(), full.clone()),
        ),
        Dated::new(year(TABLE, 2025)?, params(true, minorenni, suspension, full)),
        Dated::new(
            range(TABLE, (2026, 1, 1), None)?,
            params(
                true,
                Sourced::new(
                    IseeKind::PrestazioniFamiliari,
                    "L. 199/2025 art. 1 c. 208; INPS messaggio 102/2026",
                    SecondaryConfirmed,
                ),
                Sourced::new(
                    0,
                    "L. 199/2025; INPS messaggio 640 del 23/02/2026",
                    SecondaryConfirmed,
                ),
                Sourced::new(
                    Decimal::new(5, 1),
                    "L. 199/2025; INPS messaggio 640 del 23/02/2026",
                    SecondaryConfirmed,
                ),
            ),
        ),
    ];
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: TABLE, source })
}

/// The SFL parameters: September 2023 to 2024, from 2025.
pub fn sfl() -> Result<DatedValues<SflParams>, ParamError> {
    use Confidence::{Primary, SecondaryConfirmed};
    const SFL: &str = "DL 48/2023 art. 12";
    let age = |min, max| {
        (Sourced::new(min, SFL, SecondaryConfirmed), Sourced::new(max, SFL, SecondaryConfirmed))
    };
    let (min_a, max_a) = age(18, 59);
    let (min_b, max_b) = age(18, 59);
    let items = vec![
        Dated::new(
            range("sfl", (2023, 9, 1), Some((2024, 12, 31)))?,
            SflParams {
                isee_max: money(eur(6_000), SFL, Primary),
                income_threshold: None,
                monthly: money(eur(350), SFL, Primary),
                age_min: min_a,
                age_max: max_a,
                max_months: Sourced::new(12, SFL, Primary),
                extension_months: Sourced::new(0, SFL, Primary),
            },
        ),
        Dated::new(
            range("sfl", (2025, 1, 1), None)?,
            SflParams {
                isee_max: money(eur(10_140), L207, SecondaryConfirmed),
                income_threshold: Some(money(eur(10_140), L207, SecondaryConfirmed).with_note(
                    "the sources give 10,140 without saying whether it is multiplied by the ADI scala: applied as 10,140 a year, the same as 10,140 x scala for the usual SFL nucleo (adults aged 18-59 only: scala 1); 'inferiore', so an income equal to it does not qualify",
                )),
                monthly: money(eur(500), L207, SecondaryConfirmed),
                age_min: min_b,
                age_max: max_b,
                max_months: Sourced::new(12, L207, SecondaryConfirmed),
                extension_months: Sourced::new(
                    12,
                    "INPS messaggi 148/2025 e 595/2025",
                    SecondaryConfirmed,
                ),
            },
        ),
    ];
    DatedValues::new(items).map_err(|source| ParamError::Dates { table: "sfl", source })
}
