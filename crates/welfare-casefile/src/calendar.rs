//! Italian public holidays and the computation of administrative deadlines (L. 241/1990).
//!
//! ## Holidays
//!
//! National holidays with civil effects (L. 27 maggio 1949 n. 260 art. 2 as amended by
//! L. 5 marzo 1977 n. 54, DPR 28 dicembre 1985 n. 792, L. 20 novembre 2000 n. 336 and
//! L. 8 ottobre 2025 n. 151):
//! every Sunday, 1 January, 6 January, Easter Monday (Easter computed with the Gregorian
//! computus), 25 April, 1 May, 2 June, 15 August, 4 October (from 2026 only, L. 151/2025),
//! 1 November, 8 December, 25 and 26 December; plus the feast of the patron saint of the comune
//! whose office runs the procedure (a local holiday).
//!
//! ## Counting a deadline (art. 2963 c.c., art. 155 c.p.c.)
//!
//! A term of *n* days starting from an event on day *D* is counted as follows:
//!
//! 1. the day of the event is **not** counted (*dies a quo non computatur*): day 1 is *D + 1*;
//! 2. every calendar day counts, holidays included, and the term ends at the end of day *D + n*;
//! 3. if that last day is a holiday, the deadline **moves to the next day that is not a
//!    holiday** (art. 2963 c. 3 c.c.; art. 155 c. 4 c.p.c.). Only the last day moves; holidays
//!    inside the term are counted.
//! 4. Saturday: art. 155 c. 5 c.p.c. (L. 263/2005) also moves procedural terms that end on a
//!    Saturday; the civil code does not. [`SaturdayRule::Working`] (the default, art. 2963 c.c.)
//!    treats Saturday as an ordinary day; [`SaturdayRule::MovesDeadline`] applies art. 155 c. 5.
//!
//! Suspensions (art. 2 c. 7 and art. 10-bis L. 241/1990) stop the clock: the days elapsed from
//! the start to the day the suspension began are kept, and the remaining days run again from the
//! day the suspension ended (that day not counted, as in rule 1). A suspension that begins on the
//! last day of the term still suspends it (0 days remain: the deadline is the day the suspension
//! ends); one that begins after the term ran out changes nothing. Rule 3 is applied once, to the
//! final day only.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_casefile::calendar::{ItalianCalendar, Suspension};
//!
//! let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//! let cal = ItalianCalendar::national();
//! // Received on 26 March 2027: day 30 is 25 April 2027 (a Sunday and Liberation Day),
//! // so the deadline moves to Monday 26 April.
//! assert_eq!(cal.deadline(d(2027, 3, 26), 30, &[])?, d(2027, 4, 26));
//! // A 10-day suspension (integration requested on day 5, received 10 days later) moves it by 10.
//! let s = Suspension { from: d(2027, 3, 31), to: d(2027, 4, 10) };
//! assert_eq!(cal.deadline(d(2027, 3, 26), 30, &[s])?, d(2027, 5, 5));
//! # Ok::<(), welfare_casefile::calendar::CalendarError>(())
//! ```

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::tenancy::PatronSaint;

/// Why a date computation failed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// A computed date left chrono's range.
    #[error("date computation left the representable range")]
    OutOfRange,
    /// A suspension ends before it starts, starts before the term started, or overlaps the
    /// previous one.
    #[error("suspension {index} is not ordered within the term")]
    BadSuspension {
        /// Position of the suspension in the list.
        index: usize,
    },
}

/// Whether a deadline ending on Saturday moves to the next working day.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SaturdayRule {
    /// Saturday is an ordinary day (art. 2963 c.c.). The default.
    #[default]
    Working,
    /// A deadline ending on Saturday moves to the next non-holiday day (art. 155 c. 5 c.p.c.).
    MovesDeadline,
}

/// A public holiday.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// Every Sunday.
    Sunday,
    /// 1 January, Capodanno.
    NewYear,
    /// 6 January, Epifania.
    Epiphany,
    /// Easter Sunday.
    Easter,
    /// Monday after Easter (Lunedì dell'Angelo).
    EasterMonday,
    /// 25 April, Anniversario della Liberazione.
    Liberation,
    /// 1 May, Festa del lavoro.
    Labour,
    /// 2 June, Festa della Repubblica.
    Republic,
    /// 15 August, Assunzione.
    Assumption,
    /// 4 October, San Francesco d'Assisi (from 2026, L. 151/2025).
    SaintFrancis,
    /// 1 November, Ognissanti.
    AllSaints,
    /// 8 December, Immacolata Concezione.
    ImmaculateConception,
    /// 25 December, Natale.
    Christmas,
    /// 26 December, Santo Stefano.
    SaintStephen,
    /// The comune's patron saint.
    PatronSaint,
    /// Saturday, under [`SaturdayRule::MovesDeadline`].
    Saturday,
}

/// A period in which the clock of a procedure stops: from `from` (the day the suspension
/// began) to `to` (the day it ended, after which the clock runs again).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Suspension {
    /// The day the suspension began.
    pub from: NaiveDate,
    /// The day the suspension ended.
    pub to: NaiveDate,
}

/// The holiday calendar of one comune.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ItalianCalendar {
    /// The comune's patron saint, if known.
    pub patron: Option<PatronSaint>,
    /// How Saturday is treated.
    #[serde(default)]
    pub saturday: SaturdayRule,
}

/// Easter Sunday of `year` in the Gregorian calendar (anonymous Gregorian algorithm, Meeus).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

impl ItalianCalendar {
    /// National holidays only, Saturday working.
    pub fn national() -> ItalianCalendar {
        ItalianCalendar::default()
    }

    /// National holidays plus the patron saint of a comune.
    pub fn with_patron(patron: PatronSaint) -> ItalianCalendar {
        ItalianCalendar { patron: Some(patron), saturday: SaturdayRule::Working }
    }

    /// The holiday falling on `date`, if any (the fixed feast wins over Sunday).
    pub fn holiday(&self, date: NaiveDate) -> Option<Holiday> {
        let fixed = match (date.month(), date.day()) {
            (1, 1) => Some(Holiday::NewYear),
            (1, 6) => Some(Holiday::Epiphany),
            (4, 25) => Some(Holiday::Liberation),
            (5, 1) => Some(Holiday::Labour),
            (6, 2) => Some(Holiday::Republic),
            (8, 15) => Some(Holiday::Assumption),
            (10, 4) if date.year() >= 2026 => Some(Holiday::SaintFrancis),
            (11, 1) => Some(Holiday::AllSaints),
            (12, 8) => Some(Holiday::ImmaculateConception),
            (12, 25) => Some(Holiday::Christmas),
            (12, 26) => Some(Holiday::SaintStephen),
            _ => None,
        };
        if fixed.is_some() {
            return fixed;
        }
        if let Some(easter) = easter_sunday(date.year()) {
            if date == easter {
                return Some(Holiday::Easter);
            }
            if easter.succ_opt() == Some(date) {
                return Some(Holiday::EasterMonday);
            }
        }
        if self.patron.is_some_and(|p| p.is_on(date)) {
            return Some(Holiday::PatronSaint);
        }
        match date.weekday() {
            Weekday::Sun => Some(Holiday::Sunday),
            Weekday::Sat if self.saturday == SaturdayRule::MovesDeadline => Some(Holiday::Saturday),
            _ => None,
        }
    }

    /// Whether a deadline may end on `date`.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.holiday(date).is_none()
    }

    /// `date` itself if it is a working day, else the next working day.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        // At most a handful of consecutive holidays exist (e.g. 24–26 December weekend).
        for _ in 0..14 {
            if self.is_working_day(day) {
                return Ok(day);
            }
            day = day.succ_opt().ok_or(CalendarError::OutOfRange)?;
        }
        Err(CalendarError::OutOfRange)
    }

    /// The unmoved last day of a term of `days` days from `start`, with suspensions: the day
    /// rule 3 of the module docs would then move.
    pub fn raw_end(
        &self,
        start: NaiveDate,
        days: u32,
        suspensions: &[Suspension],
    ) -> Result<NaiveDate, CalendarError> {
        let mut floor = start;
        for (index, s) in suspensions.iter().enumerate() {
            if s.to < s.from || s.from < floor {
                return Err(CalendarError::BadSuspension { index });
            }
            floor = s.to;
        }
        let mut anchor = start;
        let mut remaining = i64::from(days);
        for s in suspensions {
            let elapsed = (s.from - anchor).num_days();
            if elapsed > remaining {
                // The term had already run out when the suspension began: it does not count.
                // (A suspension beginning on the last day of the term still suspends it.)
                break;
            }
            remaining -= elapsed;
            anchor = s.to;
        }
        let add = u64::try_from(remaining).map_err(|_| CalendarError::OutOfRange)?;
        anchor.checked_add_days(Days::new(add)).ok_or(CalendarError::OutOfRange)
    }

    /// The deadline of a term of `days` days from `start`, with suspensions, moved off a
    /// holiday as the module docs describe.
    pub fn deadline(
        &self,
        start: NaiveDate,
        days: u32,
        suspensions: &[Suspension],
    ) -> Result<NaiveDate, CalendarError> {
        self.next_working_day(self.raw_end(start, days, suspensions)?)
    }
}
