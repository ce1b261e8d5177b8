//! The dated parameter sets of the ISEE.
//!
//! | set | in force for DSU filed | what changed |
//! |---|---|---|
//! | [`ParameterSet::Original2014`] | 1 Jan 2015 – 27 Jun 2016 | DPCM 159/2013 as published (GU 24-1-2014); the new DSU was usable from 1 January 2015 |
//! | [`ParameterSet::Disability2016`] | 28 Jun 2016 – 31 Dec 2019 | DL 42/2016 art. 2-sexies: +0.5 scale per disabled member instead of the franchigie and disability expenses; disability benefits out of ISR |
//! | [`ParameterSet::AssetYear2020`] | 1 Jan 2020 – 2 Apr 2025 | DL 34/2019 art. 4-sexies (DL 101/2019 art. 7): assets at 31 Dec of the second year before; DSU valid to 31 Dec |
//! | [`ParameterSet::BondExclusion2025`] | 3 Apr 2025 – 31 Dec 2025 | L. 213/2023 art. 1 c. 183–185, DPCM 13/2025: government and postal bonds excluded up to 50,000 € |
//! | [`ParameterSet::Family2026`] | from 1 Jan 2026 | L. 199/2025 art. 1 c. 208–209: the ISEE per prestazioni familiari e per l'inclusione |
//!
//! A DSU filed before 1 January 2015 has no parameters: computing it is an error.

use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use welfare_types::dates::{DateError, DateRange, Dated, DatedValues};
use welfare_types::Money;

/// The name of a parameter set.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ParameterSet {
    /// DPCM 159/2013 original text.
    Original2014,
    /// After DL 42/2016 art. 2-sexies (disability reform).
    Disability2016,
    /// After the 2020 change of asset reference year.
    AssetYear2020,
    /// After the April 2025 exclusion of government and postal bonds.
    BondExclusion2025,
    /// From 2026, with the ISEE per prestazioni familiari.
    Family2026,
}

/// How disability is taken into account.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisabilityRule {
    /// Original text (art. 4 c. 4 lett. b–d): franchigie subtracted from ISR, adults / minors;
    /// the disability expenses deducted (health expenses up to a cap per member, care staff and
    /// residential fees of non-self-sufficient members in full); disability benefits counted in
    /// ISR.
    Franchigie {
        /// Media, grave, non autosufficienza for adults.
        adult: [Money; 3],
        /// The same for minors.
        minor: [Money; 3],
        /// Cap of the health expenses deducted per disabled member.
        health_expenses_cap: Money,
    },
    /// DL 42/2016 art. 2-sexies: this increment of the scale per disabled member.
    ScaleIncrease(Decimal),
}

/// How long a DSU is valid.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DsuValidity {
    /// Original text: until 15 January of the year after filing.
    UntilFifteenJanuaryNext,
    /// D.Lgs. 147/2017 art. 10 c. 4 as amended: until 31 December of the filing year.
    UntilThirtyFirstDecember,
}

/// The 2026 family-benefits variant.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct FamilyVariant {
    /// Main-home threshold.
    pub home_threshold: Money,
    /// Main-home threshold in the capital of a metropolitan city.
    pub home_threshold_metropolitan: Money,
    /// Increment per cohabiting child after the first.
    pub home_child_increment: Money,
    /// Children from whom the increment starts (after the first).
    pub home_children_free: u32,
    /// Scale maggiorazione for 2, 3, 4, ≥ 5 children.
    pub child_maggiorazioni: [Decimal; 4],
}

/// Every figure of the ISEE in force on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IseeParameters {
    /// Which set this is.
    pub set: ParameterSet,
    /// The acts the set comes from.
    pub source: &'static str,
    /// Years between the income year and the filing year (2: incomes of two years before).
    pub income_year_offset: i32,
    /// Years between the asset reference date (31 December) and the filing year.
    pub asset_year_offset: i32,
    /// DSU validity.
    pub validity: DsuValidity,
    /// Employee deduction: rate and cap per member (art. 4 c. 3 lett. e).
    pub employee_rate: Decimal,
    /// Cap of the employee deduction.
    pub employee_cap: Money,
    /// Pension deduction rate (art. 4 c. 3).
    pub pension_rate: Decimal,
    /// Cap of the pension deduction.
    pub pension_cap: Money,
    /// Rent deduction cap (art. 4 c. 4 lett. a).
    pub rent_cap: Money,
    /// Rent cap increment per cohabiting child after the second.
    pub rent_child_increment: Money,
    /// Main-home threshold (art. 5 c. 2).
    pub home_threshold: Money,
    /// Main-home threshold increment per cohabiting child after the second.
    pub home_child_increment: Money,
    /// Share of the main-home excess that counts (2/3), as numerator and denominator.
    pub home_excess_share: (Decimal, Decimal),
    /// Financial franchigia: base, per member after the first, maximum, per child after the
    /// second.
    pub financial_franchigia: [Money; 4],
    /// Share of ISP in ISE (art. 2 c. 3).
    pub isp_share: Decimal,
    /// Scale for 1–5 members and the increment per further member (Allegato 1).
    pub scale: [Decimal; 6],
    /// Maggiorazione a) for 3, 4, ≥ 5 children.
    pub children_maggiorazioni: [Decimal; 3],
    /// Maggiorazione b) for working parents, and with a child under three.
    pub working_parents: [Decimal; 2],
    /// Disability rule.
    pub disability: DisabilityRule,
    /// Government and postal bonds excluded per nucleo, if the exclusion is in force.
    pub bond_exclusion: Option<Money>,
    /// Residential-care additional component: the amount subtracted and the share (Allegato 2).
    pub additional_component: (Money, Decimal),
    /// The 2026 family-benefits variant, if in force.
    pub family_variant: Option<FamilyVariant>,
    /// Months an ISEE corrente is valid.
    pub corrente_months: u32,
}

fn dec(num: i64, scale: u32) -> Decimal {
    Decimal::new(num, scale)
}

/// Whole euros held with two decimals: products of declared amounts and two-decimal rates
/// then compare and add at the same scale, which is the decimal fast path.
fn eur(euros: i64) -> Money {
    Money::from_cents(euros.saturating_mul(100))
}

fn original() -> IseeParameters {
    IseeParameters {
        set: ParameterSet::Original2014,
        source: "DPCM 5 dicembre 2013 n. 159 (GU n. 19 del 24-1-2014); DM 7 novembre 2014",
        income_year_offset: 2,
        asset_year_offset: 1,
        validity: DsuValidity::UntilFifteenJanuaryNext,
        employee_rate: dec(20, 2),
        employee_cap: eur(3_000),
        pension_rate: dec(20, 2),
        pension_cap: eur(1_000),
        rent_cap: eur(7_000),
        rent_child_increment: eur(500),
        home_threshold: eur(52_500),
        home_child_increment: eur(2_500),
        home_excess_share: (dec(2, 0), dec(3, 0)),
        financial_franchigia: [eur(6_000), eur(2_000), eur(10_000), eur(1_000)],
        isp_share: dec(20, 2),
        scale: [dec(100, 2), dec(157, 2), dec(204, 2), dec(246, 2), dec(285, 2), dec(35, 2)],
        children_maggiorazioni: [dec(20, 2), dec(35, 2), dec(50, 2)],
        working_parents: [dec(20, 2), dec(30, 2)],
        disability: DisabilityRule::Franchigie {
            adult: [eur(4_000), eur(5_500), eur(7_000)],
            minor: [eur(5_500), eur(7_500), eur(9_500)],
            health_expenses_cap: eur(5_000),
        },
        bond_exclusion: None,
        additional_component: (eur(9_000), dec(20, 2)),
        family_variant: None,
        corrente_months: 6,
    }
}

fn sets() -> Vec<(DateRange, IseeParameters)> {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).ok_or(DateError::OutOfRange);
    let build = || -> Result<Vec<(DateRange, IseeParameters)>, DateError> {
        let p2014 = original();
        let p2016 = IseeParameters {
            set: ParameterSet::Disability2016,
            source: "DL 29 marzo 2016 n. 42 art. 2-sexies (L. 89/2016); INPS circ. 137/2016",
            disability: DisabilityRule::ScaleIncrease(dec(50, 2)),
            ..p2014.clone()
        };
        let p2020 = IseeParameters {
            set: ParameterSet::AssetYear2020,
            source: "DL 34/2019 art. 4-sexies as amended by DL 101/2019 art. 7; D.Lgs. 147/2017 \
                     art. 10 c. 4; INPS messaggio 3418/2019",
            asset_year_offset: 2,
            validity: DsuValidity::UntilThirtyFirstDecember,
            ..p2016.clone()
        };
        let p2025 = IseeParameters {
            set: ParameterSet::BondExclusion2025,
            source: "L. 213/2023 art. 1 c. 183-185; DPCM 14 gennaio 2025 n. 13; INPS messaggio \
                     1895/2025",
            bond_exclusion: Some(eur(50_000)),
            ..p2020.clone()
        };
        let p2026 = IseeParameters {
            set: ParameterSet::Family2026,
            source: "L. 30 dicembre 2025 n. 199 art. 1 c. 208-209; INPS messaggio 102/2026",
            family_variant: Some(FamilyVariant {
                home_threshold: eur(91_500),
                home_threshold_metropolitan: eur(120_000),
                home_child_increment: eur(2_500),
                home_children_free: 1,
                child_maggiorazioni: [dec(10, 2), dec(25, 2), dec(40, 2), dec(55, 2)],
            }),
            ..p2025.clone()
        };
        Ok(vec![
            (DateRange::new(d(2015, 1, 1)?, Some(d(2016, 6, 27)?))?, p2014),
            (DateRange::new(d(2016, 6, 28)?, Some(d(2019, 12, 31)?))?, p2016),
            (DateRange::new(d(2020, 1, 1)?, Some(d(2025, 4, 2)?))?, p2020),
            (DateRange::new(d(2025, 4, 3)?, Some(d(2025, 12, 31)?))?, p2025),
            (DateRange::starting(d(2026, 1, 1)?), p2026),
        ])
    };
    build().unwrap_or_default()
}

/// Every parameter set with its validity range.
pub fn parameter_table() -> Result<&'static DatedValues<IseeParameters>, DateError> {
    static TABLE: OnceLock<Result<DatedValues<IseeParameters>, DateError>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            DatedValues::new(
                sets().into_iter().map(|(range, params)| Dated::new(range, params)).collect(),
            )
        })
        .as_ref()
        .map_err(|e| *e)
}

/// The parameters in force for a DSU filed on `date`, or an error if none are.
pub fn parameters_on(date: NaiveDate) -> Result<&'static IseeParameters, DateError> {
    parameter_table()?.at(date)
}
