//! Reports over folded cases: open cases by area and intervention, cases taken in charge in a
//! period, time from intake to taking in charge, deliveries and spending by INPS code.
//!
//! Reports take folded [`Case`]s (load them with [`crate::engine::load`]) and return rows sorted
//! by their keys, so output is byte-stable. They hold counts, ids and amounts only.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use welfare_types::dates::DateRange;
use welfare_types::Money;

use crate::case::Case;
use crate::error::{Error, Result};
use crate::ids::CaseId;
use crate::intake::AreaUtenza;
use crate::intervention::{AdminStatus, DeliveryAmount};

/// Open cases of one area with one active INPS code (`None`: no active coded intervention).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpenCasesRow {
    /// Area.
    pub area: AreaUtenza,
    /// INPS code of an active intervention.
    pub inps_code: Option<String>,
    /// Number of open cases.
    pub cases: u64,
}

/// Open cases by area and by INPS code of their active interventions. A case with several
/// active codes counts once under each; a case with none counts under `None`.
pub fn open_cases_by_area_and_intervention(cases: &[Case]) -> Vec<OpenCasesRow> {
    let mut counts: BTreeMap<(AreaUtenza, Option<String>), u64> = BTreeMap::new();
    for case in cases.iter().filter(|c| c.status.is_open()) {
        let codes: BTreeSet<Option<String>> = case
            .interventions
            .values()
            .filter(|i| matches!(i.status, AdminStatus::Active { .. }))
            .filter_map(|i| i.catalogue.inps_code.as_ref().map(|c| Some(c.as_str().to_owned())))
            .collect();
        let codes = if codes.is_empty() { BTreeSet::from([None]) } else { codes };
        for code in codes {
            *counts.entry((case.area, code)).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|((area, inps_code), cases)| OpenCasesRow { area, inps_code, cases })
        .collect()
}

/// Cases taken in charge (any presa in carico, including re-takings after reopening) on a day
/// within `period`, in id order.
pub fn taken_in_charge_in(cases: &[Case], period: &DateRange) -> Vec<CaseId> {
    let mut out: Vec<CaseId> = cases
        .iter()
        .filter(|c| c.history.iter().any(|(d, s)| s == "taken_in_charge" && period.contains(*d)))
        .map(|c| c.id.clone())
        .collect();
    out.sort();
    out
}

/// Days from intake (access day) to the first presa in carico.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IntakeToCharge {
    /// Cases with both dates.
    pub cases: u64,
    /// Least days.
    pub min_days: Option<i64>,
    /// Greatest days.
    pub max_days: Option<i64>,
    /// Median days (lower median for an even count).
    pub median_days: Option<i64>,
    /// Mean days, rounded half-up to one decimal.
    pub mean_days: Option<Decimal>,
}

/// Time from intake to taking in charge, over cases that came from an intake and were taken in
/// charge.
pub fn intake_to_charge(cases: &[Case]) -> IntakeToCharge {
    let mut days: Vec<i64> = cases
        .iter()
        .filter_map(|c| {
            let (_, access) = c.intake.as_ref()?;
            let taken = c.history.iter().find(|(_, s)| s == "taken_in_charge")?.0;
            Some((taken - *access).num_days())
        })
        .collect();
    days.sort_unstable();
    let n = days.len();
    let mean = (n > 0).then(|| {
        let sum: i64 = days.iter().sum();
        (Decimal::from(sum) / Decimal::from(n))
            .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    });
    IntakeToCharge {
        cases: u64::try_from(n).unwrap_or(u64::MAX),
        min_days: days.first().copied(),
        max_days: days.last().copied(),
        median_days: n.checked_sub(1).and_then(|m| days.get(m / 2)).copied(),
        mean_days: mean,
    }
}

/// Deliveries and spending of one INPS code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SpendingRow {
    /// INPS code (`"none"` for uncoded interventions).
    pub inps_code: String,
    /// Deliveries.
    pub deliveries: u64,
    /// Total spending (monthly × months for periodic deliveries).
    pub total: Money,
    /// Ente share, same basis.
    pub ente: Money,
    /// User share, same basis.
    pub utente: Money,
    /// SSN share, same basis.
    pub ssn: Money,
}

/// Deliveries starting within `period`, and their spending, by INPS code.
pub fn spending_by_inps_code(cases: &[Case], period: &DateRange) -> Result<Vec<SpendingRow>> {
    let overflow = || Error::Money { field: "report.spending".into() };
    let mut rows: BTreeMap<String, SpendingRow> = BTreeMap::new();
    for case in cases {
        for (delivery, _) in case.deliveries.values() {
            if !period.contains(delivery.amount.first_day()) {
                continue;
            }
            let code = case
                .interventions
                .get(&delivery.planned)
                .and_then(|p| p.catalogue.inps_code.as_ref())
                .map_or_else(|| "none".to_owned(), |c| c.as_str().to_owned());
            let factor = match &delivery.amount {
                DeliveryAmount::Periodic { months, .. } => Decimal::from(*months),
                DeliveryAmount::OneOff { .. } => Decimal::ONE,
            };
            let row = rows.entry(code.clone()).or_insert_with(|| SpendingRow {
                inps_code: code,
                deliveries: 0,
                total: Money::ZERO,
                ente: Money::ZERO,
                utente: Money::ZERO,
                ssn: Money::ZERO,
            });
            row.deliveries += 1;
            row.total = row.total.checked_add(delivery.amount.total()?).map_err(|_| overflow())?;
            if let Some(s) = &delivery.shares {
                let scaled = |m: Money| m.checked_mul(factor).map_err(|_| overflow());
                row.ente = row.ente.checked_add(scaled(s.ente)?).map_err(|_| overflow())?;
                row.utente = row.utente.checked_add(scaled(s.utente)?).map_err(|_| overflow())?;
                row.ssn = row.ssn.checked_add(scaled(s.ssn)?).map_err(|_| overflow())?;
            }
        }
    }
    Ok(rows.into_values().collect())
}
