//! PAI (progetto individualizzato): objectives, review frequency, monitoring, closure, and
//! the derived "due for review" / "due for closure" flags.
//!
//! The next review is due one review period after the last monitoring (or after the start, if
//! the PAI was never monitored). Months and years are calendar months: a PAI started on
//! 31 January with monthly reviews is due on 28 (or 29) February.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use welfare_types::dates::add_months;

use crate::error::{Error, Result};
use crate::ids::{GroupId, PaiId, PersonId};

/// Who the PAI is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaiBeneficiaries {
    /// The case's person.
    Individual,
    /// A household.
    Household(GroupId),
    /// A group of persons.
    Group(Vec<PersonId>),
}

/// Time horizon of an objective.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Horizon {
    /// Short term.
    Short,
    /// Medium term.
    Medium,
    /// Long term.
    Long,
}

/// Whether an objective was reached (SISO codes 1 no, 2 partially, 3 yes).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Achieved {
    /// 1 – not reached.
    No,
    /// 2 – partially.
    Partly,
    /// 3 – reached.
    Yes,
}

/// An objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Objective {
    /// Horizon.
    pub horizon: Horizon,
    /// Text.
    pub text: String,
    /// Latest assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achieved: Option<Achieved>,
}

/// Unit of a review period.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    /// Days.
    Days,
    /// Weeks.
    Weeks,
    /// Calendar months.
    Months,
    /// Calendar years.
    Years,
}

/// Review frequency: every `count` `unit`s.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReviewFrequency {
    /// How many units (≥ 1).
    pub count: u32,
    /// Unit.
    pub unit: PeriodUnit,
}

impl ReviewFrequency {
    /// The day one period after `date`.
    pub fn after(self, date: NaiveDate) -> Result<NaiveDate> {
        let overflow = || Error::invalid("pai.review_every", "date overflow");
        match self.unit {
            PeriodUnit::Days => {
                date.checked_add_days(Days::new(u64::from(self.count))).ok_or_else(overflow)
            }
            PeriodUnit::Weeks => {
                date.checked_add_days(Days::new(u64::from(self.count) * 7)).ok_or_else(overflow)
            }
            PeriodUnit::Months => add_months(date, self.count).map_err(|_| overflow()),
            PeriodUnit::Years => add_months(date, self.count.checked_mul(12).ok_or_else(overflow)?)
                .map_err(|_| overflow()),
        }
    }
}

/// A monitoring visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Monitoring {
    /// Day.
    pub on: NaiveDate,
    /// Objective outcomes, by objective index.
    pub outcomes: BTreeMap<u32, Achieved>,
    /// Note.
    pub note: String,
}

/// Why a PAI was closed, with the SINBA `MotivazioneChiusuraCarico` code where it applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PaiClosure {
    /// Day.
    pub on: NaiveDate,
    /// Reason (local code table).
    pub reason: String,
    /// SINBA `MotivazioneChiusuraCarico` 1–9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sinba_code: Option<u8>,
}

/// A PAI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Pai {
    /// Identifier.
    pub id: PaiId,
    /// Beneficiaries.
    pub beneficiaries: PaiBeneficiaries,
    /// Motivation.
    pub motivation: String,
    /// Objectives.
    pub objectives: Vec<Objective>,
    /// Review frequency.
    pub review_every: ReviewFrequency,
    /// Start day.
    pub started_on: NaiveDate,
    /// Expected end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_end: Option<NaiveDate>,
    /// Monitoring history.
    #[serde(default)]
    pub monitoring: Vec<Monitoring>,
    /// Closure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<PaiClosure>,
}

impl Pai {
    /// Checks the definition of a new PAI.
    pub fn validate(&self) -> Result<()> {
        if self.objectives.is_empty() {
            return Err(Error::invalid("pai.objectives", "at least one objective is required"));
        }
        if self.review_every.count == 0 {
            return Err(Error::invalid("pai.review_every.count", "must be at least 1"));
        }
        if self.expected_end.is_some_and(|e| e < self.started_on) {
            return Err(Error::invalid("pai.expected_end", "precedes the start"));
        }
        if !self.monitoring.is_empty() || self.closure.is_some() {
            return Err(Error::invalid("pai", "a new PAI has no monitoring and no closure"));
        }
        Ok(())
    }

    /// The day the next review is due, `None` once closed.
    pub fn next_review(&self) -> Result<Option<NaiveDate>> {
        if self.closure.is_some() {
            return Ok(None);
        }
        let last = self.monitoring.iter().map(|m| m.on).max().unwrap_or(self.started_on);
        self.review_every.after(last).map(Some)
    }

    /// Whether a review is due on `today` (the next review day has come).
    pub fn due_for_review(&self, today: NaiveDate) -> Result<bool> {
        Ok(self.next_review()?.is_some_and(|d| d <= today))
    }

    /// Whether the expected end has come and the PAI is still open.
    pub fn due_for_closure(&self, today: NaiveDate) -> bool {
        self.closure.is_none() && self.expected_end.is_some_and(|e| e <= today)
    }
}
