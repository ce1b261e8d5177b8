//! Holidays (L. 260/1949 as amended by L. 54/1977, DPR 792/1985, L. 336/2000, L. 151/2025) and
//! deadline counting (art. 2963 c.c., art. 155 c.p.c., L. 241/1990 art. 2).

use welfare_casefile::calendar::{
    easter_sunday, Holiday, ItalianCalendar, SaturdayRule, Suspension,
};
use welfare_casefile::tenancy::PatronSaint;

use crate::common::d;

#[test]
fn easter_sunday_matches_the_gregorian_tables() {
    // Published Easter dates; 1818 and 2285 are the earliest possible (22 March),
    // 1943 and 2038 the latest (25 April).
    for (year, month, day) in [
        (1818, 3, 22),
        (1943, 4, 25),
        (2000, 4, 23),
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2038, 4, 25),
        (2285, 3, 22),
    ] {
        assert_eq!(easter_sunday(year), Some(d(year, month, day)), "{year}");
    }
}

#[test]
fn national_holidays_are_recognised() {
    let cal = ItalianCalendar::national();
    for (date, holiday) in [
        (d(2026, 1, 1), Holiday::NewYear),
        (d(2026, 1, 6), Holiday::Epiphany),
        (d(2026, 4, 6), Holiday::EasterMonday),
        (d(2026, 4, 25), Holiday::Liberation),
        (d(2026, 5, 1), Holiday::Labour),
        (d(2026, 6, 2), Holiday::Republic),
        (d(2026, 8, 15), Holiday::Assumption),
        (d(2027, 10, 4), Holiday::SaintFrancis),
        (d(2026, 11, 1), Holiday::AllSaints),
        (d(2026, 12, 8), Holiday::ImmaculateConception),
        (d(2026, 12, 25), Holiday::Christmas),
        (d(2026, 12, 26), Holiday::SaintStephen),
        (d(2026, 11, 22), Holiday::Sunday),
    ] {
        assert_eq!(cal.holiday(date), Some(holiday), "{date}");
    }
    // 4 October is a holiday only from 2026 (L. 151/2025): Saturday 4 October 2025 was not.
    assert_eq!(cal.holiday(d(2025, 10, 4)), None);
    // Ordinary days, and Saturday under the default rule.
    assert_eq!(cal.holiday(d(2026, 11, 23)), None);
    assert_eq!(cal.holiday(d(2026, 11, 21)), None);
    // 2038: Easter on 25 April, Easter Monday 26 April.
    assert_eq!(cal.holiday(d(2038, 4, 26)), Some(Holiday::EasterMonday));
}

#[test]
fn deadline_moves_off_easter_monday() {
    let cal = ItalianCalendar::national();
    // 27 Feb 2027 + 30 days = Monday 29 March 2027, Easter Monday → Tuesday 30 March.
    assert_eq!(cal.raw_end(d(2027, 2, 27), 30, &[]).unwrap(), d(2027, 3, 29));
    assert_eq!(cal.deadline(d(2027, 2, 27), 30, &[]).unwrap(), d(2027, 3, 30));
    // 7 March 2026 + 30 = Monday 6 April 2026, Easter Monday → 7 April.
    assert_eq!(cal.deadline(d(2026, 3, 7), 30, &[]).unwrap(), d(2026, 4, 7));
    // Easter Sunday inside the term is counted, not skipped: 6 March 2026 + 30 = Sunday 5 April
    // (Easter) → Monday 6 April is Easter Monday too → Tuesday 7 April.
    assert_eq!(cal.deadline(d(2026, 3, 6), 30, &[]).unwrap(), d(2026, 4, 7));
    // A term that merely spans Easter does not move: 1 March 2026 + 40 = 10 April.
    assert_eq!(cal.deadline(d(2026, 3, 1), 40, &[]).unwrap(), d(2026, 4, 10));
}

#[test]
fn deadline_moves_off_25_april_and_2_june() {
    let cal = ItalianCalendar::national();
    // 26 March 2028 + 30 = Tuesday 25 April 2028 → Wednesday 26 April.
    assert_eq!(cal.deadline(d(2028, 3, 26), 30, &[]).unwrap(), d(2028, 4, 26));
    // 26 March 2027 + 30 = Sunday 25 April 2027 → Monday 26 April.
    assert_eq!(cal.deadline(d(2027, 3, 26), 30, &[]).unwrap(), d(2027, 4, 26));
    // 3 May 2026 + 30 = Tuesday 2 June 2026 → Wednesday 3 June.
    assert_eq!(cal.deadline(d(2026, 5, 3), 30, &[]).unwrap(), d(2026, 6, 3));
}

#[test]
fn deadline_moves_across_christmas_and_new_year() {
    let cal = ItalianCalendar::national();
    // 25 Nov 2026 + 30 = Friday 25 Dec → Saturday 26 Dec (Santo Stefano) → Sunday 27 → Monday 28.
    assert_eq!(cal.deadline(d(2026, 11, 25), 30, &[]).unwrap(), d(2026, 12, 28));
    // 2 Dec 2026 + 30 = Friday 1 Jan 2027 → Saturday 2 Jan (a working day under art. 2963 c.c.).
    assert_eq!(cal.deadline(d(2026, 12, 2), 30, &[]).unwrap(), d(2027, 1, 2));
    // Under art. 155 c. 5 c.p.c. Saturday moves too → Monday 4 Jan 2027.
    let cpc = ItalianCalendar { patron: None, saturday: SaturdayRule::MovesDeadline };
    assert_eq!(cpc.deadline(d(2026, 12, 2), 30, &[]).unwrap(), d(2027, 1, 4));
    // 7 Dec 2026 + 30 = Wednesday 6 Jan 2027 (Epifania) → Thursday 7 Jan.
    assert_eq!(cal.deadline(d(2026, 12, 7), 30, &[]).unwrap(), d(2027, 1, 7));
}

#[test]
fn deadline_moves_off_the_patron_saint() {
    // Roma: Santi Pietro e Paolo, 29 June. 30 May 2026 + 30 = Monday 29 June 2026.
    let roma = ItalianCalendar::with_patron(PatronSaint { month: 6, day: 29 });
    assert_eq!(
        ItalianCalendar::national().deadline(d(2026, 5, 30), 30, &[]).unwrap(),
        d(2026, 6, 29)
    );
    assert_eq!(roma.deadline(d(2026, 5, 30), 30, &[]).unwrap(), d(2026, 6, 30));
    assert_eq!(roma.holiday(d(2026, 6, 29)), Some(Holiday::PatronSaint));
    // Milano: Sant'Ambrogio, 7 December, followed by the Immacolata on the 8th.
    // 7 Nov 2026 + 30 = Monday 7 Dec → Tuesday 8 Dec (holiday) → Wednesday 9 Dec.
    let milano = ItalianCalendar::with_patron(PatronSaint { month: 12, day: 7 });
    assert_eq!(milano.deadline(d(2026, 11, 7), 30, &[]).unwrap(), d(2026, 12, 9));
}

#[test]
fn saturday_rule_is_explicit() {
    // 28 May 2026 + 30 = Saturday 27 June 2026.
    let civil = ItalianCalendar::national();
    let cpc = ItalianCalendar { patron: None, saturday: SaturdayRule::MovesDeadline };
    assert_eq!(civil.deadline(d(2026, 5, 28), 30, &[]).unwrap(), d(2026, 6, 27));
    assert_eq!(cpc.deadline(d(2026, 5, 28), 30, &[]).unwrap(), d(2026, 6, 29));
}

#[test]
fn saint_francis_from_2027_on_a_weekday() {
    // 4 Sep 2027 + 30 = Monday 4 October 2027 → Tuesday 5 October (L. 151/2025).
    assert_eq!(
        ItalianCalendar::national().deadline(d(2027, 9, 4), 30, &[]).unwrap(),
        d(2027, 10, 5)
    );
}

#[test]
fn suspensions_stop_the_clock() {
    let cal = ItalianCalendar::national();
    // Received 2 March 2026; suspended 12–20 March (10 days had run); 20 remain from 20 March:
    // 9 April 2026 (Thursday).
    let s = Suspension { from: d(2026, 3, 12), to: d(2026, 3, 20) };
    assert_eq!(cal.deadline(d(2026, 3, 2), 30, &[s]).unwrap(), d(2026, 4, 9));
    // Two suspensions add up: second 1–8 April after 12 more days → 8 remain → 16 April.
    let s2 = Suspension { from: d(2026, 4, 1), to: d(2026, 4, 8) };
    assert_eq!(cal.deadline(d(2026, 3, 2), 30, &[s, s2]).unwrap(), d(2026, 4, 16));
    // A suspension starting after the term expired does not revive it.
    let late = Suspension { from: d(2026, 5, 1), to: d(2026, 5, 20) };
    assert_eq!(cal.deadline(d(2026, 3, 2), 30, &[late]).unwrap(), d(2026, 4, 1));
    // A suspension beginning on the last day (1 April) still suspends: 0 days remain, so the
    // deadline is the day it ends (Friday 10 April 2026).
    let last_day = Suspension { from: d(2026, 4, 1), to: d(2026, 4, 10) };
    assert_eq!(cal.deadline(d(2026, 3, 2), 30, &[last_day]).unwrap(), d(2026, 4, 10));
    // Disordered suspensions are refused.
    assert!(cal.deadline(d(2026, 3, 2), 30, &[s2, s]).is_err());
    assert!(cal
        .deadline(d(2026, 3, 2), 30, &[Suspension { from: d(2026, 3, 20), to: d(2026, 3, 12) }])
        .is_err());
}
