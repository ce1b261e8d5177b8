//! Ages, whole months, inclusive date ranges and values valid over dated ranges.
//!
//! Welfare law is full of "age on the date of the application", "months since the birth" and
//! parameters that change every 1 January. This module answers those questions exactly, with the
//! Italian civil-code rule for the end of a month, and refuses to guess: asking a [`DatedValues`]
//! for a date no range covers is an error, never a fallback to the nearest year.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_types::dates::{age_on, Dated, DatedValues, DateRange};
//!
//! let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 28))?, 18);
//!
//! let thresholds = DatedValues::new(vec![
//!     Dated::new(DateRange::new(d(2025, 1, 1), Some(d(2025, 12, 31)))?, 20_382_i64),
//!     Dated::new(DateRange::new(d(2026, 1, 1), None)?, 20_668),
//! ])?;
//! assert_eq!(*thresholds.at(d(2025, 6, 1))?, 20_382);
//! assert!(thresholds.at(d(2024, 6, 1)).is_err());
//! # Ok::<(), welfare_types::dates::DateError>(())
//! ```

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a date question has no answer.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// The later date of a pair comes before the earlier one (an age before birth). Its text
    /// names neither date: one is often a birth date, which an error must not show.
    #[error("the later date of the two comes before the earlier one")]
    Reversed {
        /// The date that should come first.
        earlier: NaiveDate,
        /// The date that should come last.
        later: NaiveDate,
    },
    /// No range of a dated collection covers the date asked for.
    #[error("no validity range covers {date}")]
    NotCovered {
        /// The date asked for.
        date: NaiveDate,
    },
    /// Two ranges of a dated collection overlap: the value on a day would be ambiguous.
    #[error("validity ranges overlap on {date}")]
    Overlap {
        /// The first day covered by both ranges.
        date: NaiveDate,
    },
    /// A range ends before it starts. Its text names neither date (a range may be a person's:
    /// a stay, a consent).
    #[error("the range ends before it starts")]
    EmptyRange {
        /// The first day.
        from: NaiveDate,
        /// The last day.
        to: NaiveDate,
    },
    /// A computed date is outside the calendar chrono can represent.
    #[error("date out of the supported calendar range")]
    OutOfRange,
}

/// Age in completed years on `on` for a person born on `birth`.
///
/// A birthday on 29 February is completed on 28 February in common years: the year "expires on
/// the last day of the month" when the month lacks the day (art. 2963 c. 4 codice civile).
/// The day of birth itself counts, so on the 18th birthday the age is 18.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> Result<u32, DateError> {
    let months = whole_months_between(birth, on)?;
    Ok(months / 12)
}

/// The number of whole months from `from` to `to`.
///
/// A month is completed on the same day number of a later month, or on that month's last day
/// when it has no such day (31 January → 28 February is one month; art. 2963 c.c.).
pub fn whole_months_between(from: NaiveDate, to: NaiveDate) -> Result<u32, DateError> {
    MonthsTo::new(to).whole_months_since(from)
}

/// A date that whole months are counted to, its parts worked out once: for counting many spans
/// to one date (the ages of a population on an evaluation date) without working out the
/// date's month length again for each.
///
/// ```
/// use chrono::NaiveDate;
/// use welfare_types::dates::MonthsTo;
///
/// let on = MonthsTo::new(NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
/// // Born on 29 February 2024: one year old on 28 February 2025 (art. 2963 c.c.).
/// assert_eq!(on.whole_months_since(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()), Ok(12));
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct MonthsTo {
    to: NaiveDate,
    /// Months from year 0 to the date's month (`year × 12 + month`).
    month: i64,
    day: u32,
    /// The length of the date's month.
    month_len: u32,
}

impl MonthsTo {
    /// The parts of `to`.
    #[inline]
    pub fn new(to: NaiveDate) -> MonthsTo {
        MonthsTo {
            to,
            month: i64::from(to.year()) * 12 + i64::from(to.month()),
            day: to.day(),
            month_len: days_in_month(to.year(), to.month()),
        }
    }

    /// The date months are counted to.
    #[inline]
    pub fn date(&self) -> NaiveDate {
        self.to
    }

    /// [`whole_months_between`] `from` and the date: the months between the two months, one
    /// less when the date's day comes before the anniversary day (`from`'s day, clamped to the
    /// length of the date's month).
    #[inline]
    pub fn whole_months_since(&self, from: NaiveDate) -> Result<u32, DateError> {
        if self.to < from {
            return Err(DateError::Reversed { earlier: from, later: self.to });
        }
        let months = self.month - (i64::from(from.year()) * 12 + i64::from(from.month()));
        let anniversary_day = from.day().min(self.month_len);
        let months = months - i64::from(self.day < anniversary_day);
        u32::try_from(months).map_err(|_| DateError::OutOfRange)
    }
}

/// The number of days in a month (28–31).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
                29
            } else {
                28
            }
        }
    }
}

/// The date `months` whole months after `date`, on the same day or the month's last day.
pub fn add_months(date: NaiveDate, months: u32) -> Result<NaiveDate, DateError> {
    date.checked_add_months(chrono::Months::new(months)).ok_or(DateError::OutOfRange)
}

/// An inclusive range of days: `from` and `to` both belong to it. `to: None` is open-ended.
///
/// ```
/// use chrono::NaiveDate;
/// use welfare_types::dates::DateRange;
///
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let year = DateRange::calendar_year(2026)?;
/// assert!(year.contains(d(2026, 12, 31)));
/// assert!(!year.contains(d(2027, 1, 1)));
/// assert_eq!(year.days(), Some(365));
/// # Ok::<(), welfare_types::dates::DateError>(())
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawRange", into = "RawRange")]
pub struct DateRange {
    from: NaiveDate,
    to: Option<NaiveDate>,
}

/// Serialized form of a [`DateRange`]: `{"from": "2026-01-01", "to": "2026-12-31"}`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawRange {
    from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<NaiveDate>,
}

impl TryFrom<RawRange> for DateRange {
    type Error = DateError;
    fn try_from(raw: RawRange) -> Result<DateRange, DateError> {
        DateRange::new(raw.from, raw.to)
    }
}

impl From<DateRange> for RawRange {
    fn from(range: DateRange) -> RawRange {
        RawRange { from: range.from, to: range.to }
    }
}

impl DateRange {
    /// A range from its first and (optional) last day; an error if it ends before it starts.
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<DateRange, DateError> {
        match to {
            Some(to) if to < from => Err(DateError::EmptyRange { from, to }),
            _ => Ok(DateRange { from, to }),
        }
    }

    /// 1 January to 31 December of `year`.
    pub fn calendar_year(year: i32) -> Result<DateRange, DateError> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(DateError::OutOfRange)?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(DateError::OutOfRange)?;
        DateRange::new(from, Some(to))
    }

    /// The open-ended range starting on `from`.
    pub fn starting(from: NaiveDate) -> DateRange {
        DateRange { from, to: None }
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day, if the range has one.
    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }

    /// Whether `date` falls in the range, both ends included.
    pub fn contains(&self, date: NaiveDate) -> bool {
        date >= self.from && self.to.is_none_or(|to| date <= to)
    }

    /// The first day both ranges cover, if they overlap.
    pub fn first_common_day(&self, other: &DateRange) -> Option<NaiveDate> {
        let start = self.from.max(other.from);
        let end = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match end {
            Some(end) if end < start => None,
            _ => Some(start),
        }
    }

    /// Whether the two ranges share at least one day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.first_common_day(other).is_some()
    }

    /// The number of days, both ends counted; `None` for an open-ended range.
    pub fn days(&self) -> Option<i64> {
        self.to.map(|to| (to - self.from).num_days() + 1)
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to {
            Some(to) => write!(f, "{}..={}", self.from, to),
            None => write!(f, "{}..", self.from),
        }
    }
}

/// A value together with the range of days in which it is valid.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Dated<T> {
    /// The days in which `value` applies.
    pub valid: DateRange,
    /// The value.
    pub value: T,
}

impl<T> Dated<T> {
    /// A value valid over `valid`.
    pub fn new(valid: DateRange, value: T) -> Dated<T> {
        Dated { valid, value }
    }
}

/// Values valid over non-overlapping date ranges: "the threshold in force on day D".
///
/// Built once (overlaps are rejected), then asked with [`at`](DatedValues::at), which errors
/// when no range covers the day. Gaps are allowed (a measure suspended for a year) and reported
/// by [`gaps`](DatedValues::gaps).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "Vec<Dated<T>>", into = "Vec<Dated<T>>")]
#[serde(bound(serialize = "T: Clone + Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct DatedValues<T> {
    /// Sorted by start date, pairwise disjoint.
    items: Vec<Dated<T>>,
}

impl<T> DatedValues<T> {
    /// Sorts the values by start date; an error if two ranges share a day.
    pub fn new(mut items: Vec<Dated<T>>) -> Result<DatedValues<T>, DateError> {
        items.sort_by_key(|item| item.valid.from);
        for pair in items.windows(2) {
            if let [a, b] = pair {
                if let Some(date) = a.valid.first_common_day(&b.valid) {
                    return Err(DateError::Overlap { date });
                }
            }
        }
        Ok(DatedValues { items })
    }

    /// The value valid on `date`, or [`DateError::NotCovered`].
    pub fn at(&self, date: NaiveDate) -> Result<&T, DateError> {
        self.entry_at(date).map(|item| &item.value)
    }

    /// The value with its range, valid on `date`, or [`DateError::NotCovered`].
    pub fn entry_at(&self, date: NaiveDate) -> Result<&Dated<T>, DateError> {
        // Ranges are sorted and disjoint: the candidate is the last one starting on or before.
        let idx = self.items.partition_point(|item| item.valid.from <= date);
        idx.checked_sub(1)
            .and_then(|i| self.items.get(i))
            .filter(|item| item.valid.contains(date))
            .ok_or(DateError::NotCovered { date })
    }

    /// Every value with its range, by start date.
    pub fn iter(&self) -> impl Iterator<Item = &Dated<T>> {
        self.items.iter()
    }

    /// The number of dated values.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no values at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The uncovered stretches between the first and the last range, as ranges.
    pub fn gaps(&self) -> Vec<DateRange> {
        let mut gaps = Vec::new();
        for pair in self.items.windows(2) {
            if let [a, b] = pair {
                if let Some(end) = a.valid.to {
                    let next = end.succ_opt();
                    let before = b.valid.from.pred_opt();
                    if let (Some(start), Some(stop)) = (next, before) {
                        if start <= stop {
                            gaps.push(DateRange { from: start, to: Some(stop) });
                        }
                    }
                }
            }
        }
        gaps
    }

    /// Whether every day of `range` is covered by some value.
    pub fn covers(&self, range: &DateRange) -> bool {
        let mut day = range.from;
        loop {
            let Ok(entry) = self.entry_at(day) else { return false };
            match (entry.valid.to, range.to) {
                (None, _) => return true,
                (Some(end), Some(stop)) if end >= stop => return true,
                (Some(end), _) => match end.succ_opt() {
                    Some(next) => day = next,
                    None => return false,
                },
            }
        }
    }
}

impl<T> TryFrom<Vec<Dated<T>>> for DatedValues<T> {
    type Error = DateError;
    fn try_from(items: Vec<Dated<T>>) -> Result<DatedValues<T>, DateError> {
        DatedValues::new(items)
    }
}

impl<T: Clone> From<DatedValues<T>> for Vec<Dated<T>> {
    fn from(values: DatedValues<T>) -> Vec<Dated<T>> {
        values.items
    }
}

impl<'a, T> IntoIterator for &'a DatedValues<T> {
    type Item = &'a Dated<T>;
    type IntoIter = std::slice::Iter<'a, Dated<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_counts_the_birthday_itself() {
        assert_eq!(age_on(d(2000, 5, 10), d(2018, 5, 9)).unwrap(), 17);
        assert_eq!(age_on(d(2000, 5, 10), d(2018, 5, 10)).unwrap(), 18);
        assert_eq!(age_on(d(2000, 5, 10), d(2000, 5, 10)).unwrap(), 0);
    }

    #[test]
    fn leap_day_birthdays_complete_on_28_february() {
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 27)).unwrap(), 17);
        assert_eq!(age_on(d(2008, 2, 29), d(2026, 2, 28)).unwrap(), 18);
        assert_eq!(age_on(d(2008, 2, 29), d(2028, 2, 28)).unwrap(), 19);
        assert_eq!(age_on(d(2008, 2, 29), d(2028, 2, 29)).unwrap(), 20);
    }

    #[test]
    fn age_before_birth_is_an_error() {
        let error = age_on(d(2020, 1, 2), d(2020, 1, 1)).unwrap_err();
        assert!(matches!(error, DateError::Reversed { .. }));
        // The text names neither date: one is a birth date.
        assert_eq!(error.to_string(), "the later date of the two comes before the earlier one");
        let empty = DateRange::new(d(2020, 1, 2), Some(d(2020, 1, 1))).unwrap_err();
        assert_eq!(empty.to_string(), "the range ends before it starts");
    }

    #[test]
    fn months_at_the_end_of_the_month() {
        assert_eq!(whole_months_between(d(2026, 1, 31), d(2026, 2, 27)).unwrap(), 0);
        assert_eq!(whole_months_between(d(2026, 1, 31), d(2026, 2, 28)).unwrap(), 1);
        assert_eq!(whole_months_between(d(2026, 1, 31), d(2026, 3, 30)).unwrap(), 1);
        assert_eq!(whole_months_between(d(2026, 1, 31), d(2026, 3, 31)).unwrap(), 2);
        assert_eq!(whole_months_between(d(2025, 7, 15), d(2026, 1, 15)).unwrap(), 6);
    }

    #[test]
    fn ranges_are_inclusive() {
        let r = DateRange::new(d(2026, 1, 1), Some(d(2026, 1, 1))).unwrap();
        assert!(r.contains(d(2026, 1, 1)));
        assert_eq!(r.days(), Some(1));
        assert!(DateRange::new(d(2026, 1, 2), Some(d(2026, 1, 1))).is_err());
    }

    #[test]
    fn dated_values_reject_overlaps_and_report_gaps() {
        let a = Dated::new(DateRange::calendar_year(2024).unwrap(), 1);
        let b = Dated::new(DateRange::calendar_year(2026).unwrap(), 3);
        let values = DatedValues::new(vec![b.clone(), a.clone()]).unwrap();
        assert_eq!(values.gaps(), vec![DateRange::calendar_year(2025).unwrap()]);
        assert!(matches!(values.at(d(2025, 3, 1)), Err(DateError::NotCovered { .. })));
        assert!(!values.covers(&DateRange::new(d(2024, 6, 1), Some(d(2026, 6, 1))).unwrap()));
        let overlapping = Dated::new(DateRange::starting(d(2024, 12, 31)), 2);
        assert_eq!(
            DatedValues::new(vec![a, overlapping]).unwrap_err(),
            DateError::Overlap { date: d(2024, 12, 31) }
        );
    }

    /// Whole months as their definition counts them: the most months `k` such that `from`
    /// moved on by `k` months (to the month's last day when it lacks the day) is not after
    /// `to`.
    fn months_by_adding(from: NaiveDate, to: NaiveDate) -> Option<u32> {
        if to < from {
            return None;
        }
        let k = (to.year() * 12 + to.month() as i32) - (from.year() * 12 + from.month() as i32);
        let k = u32::try_from(k).ok()?;
        Some(if add_months(from, k).ok()? <= to { k } else { k - 1 })
    }

    fn day_from_1896(n: i64) -> NaiveDate {
        d(1896, 1, 1) + chrono::Duration::days(n)
    }

    /// The 29th of February, the ends of months and a date before its start, both ways.
    #[test]
    fn whole_months_since_on_the_awkward_days() {
        let dates = [
            d(2024, 2, 29),
            d(2025, 2, 28),
            d(2025, 3, 1),
            d(2028, 2, 28),
            d(2028, 2, 29),
            d(2000, 2, 29),
            d(1900, 2, 28),
            d(2026, 1, 31),
            d(2026, 4, 30),
            d(2026, 9, 1),
        ];
        for from in dates {
            for to in dates {
                let want = months_by_adding(from, to);
                assert_eq!(MonthsTo::new(to).whole_months_since(from).ok(), want, "{from} {to}");
                assert_eq!(whole_months_between(from, to).ok(), want, "{from} {to}");
            }
        }
        assert_eq!(MonthsTo::new(d(2025, 2, 28)).whole_months_since(d(2024, 2, 29)), Ok(12));
        assert_eq!(MonthsTo::new(d(2025, 2, 27)).whole_months_since(d(2024, 2, 29)), Ok(11));
        assert!(MonthsTo::new(d(2026, 9, 1)).whole_months_since(d(2026, 9, 2)).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The months since a date are those its definition counts, on any two days from 1896
        /// to 2104 (leap days, and 1900 and 2100, which are not leap years, included).
        #[test]
        fn whole_months_since_is_the_months_added(a in 0i64..76_000, b in 0i64..76_000) {
            let (from, to) = (day_from_1896(a), day_from_1896(b));
            proptest::prop_assert_eq!(
                MonthsTo::new(to).whole_months_since(from).ok(),
                months_by_adding(from, to)
            );
        }

        /// Two days a few months apart, where the anniversary day matters.
        #[test]
        fn whole_months_since_near_anniversaries(a in 0i64..76_000, gap in 0i64..400) {
            let (from, to) = (day_from_1896(a), day_from_1896(a + gap));
            proptest::prop_assert_eq!(
                MonthsTo::new(to).whole_months_since(from).ok(),
                months_by_adding(from, to)
            );
        }
    }
}
