//! Opening hours in the business's time zone, with holidays.

use std::collections::BTreeSet;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;

#[derive(Debug, Clone)]
pub struct BusinessHours {
    tz: TimeZone,
    /// Monday = 0 … Sunday = 6: open intervals [from, to).
    weekly: [Vec<(Time, Time)>; 7],
    holidays: BTreeSet<Date>,
}

fn day_index(w: Weekday) -> usize {
    usize::from(w.to_monday_zero_offset().unsigned_abs())
}

impl BusinessHours {
    pub fn new(tz: TimeZone, weekly: [Vec<(Time, Time)>; 7], holidays: BTreeSet<Date>) -> Self {
        Self {
            tz,
            weekly,
            holidays,
        }
    }

    pub fn is_open(&self, unix_secs: i64) -> bool {
        let Ok(ts) = jiff::Timestamp::from_second(unix_secs) else {
            return false;
        };
        let local = ts.to_zoned_datetime(self.tz.clone());
        if self.holidays.contains(&local.date()) {
            return false;
        }
        let now = local.time();
        self.weekly[day_index(local.weekday())]
            .iter()
            .any(|(from, to)| *from <= now && now < *to)
    }
}

pub fn parse_day(name: &str) -> Option<usize> {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    days.iter()
        .position(|d| name.eq_ignore_ascii_case(d) || name.to_ascii_lowercase().starts_with(d))
}

/// `"09:00-18:00"`.
pub fn parse_range(s: &str) -> Option<(Time, Time)> {
    let (a, b) = s.split_once('-')?;
    let parse = |t: &str| -> Option<Time> {
        let (h, m) = t.trim().split_once(':')?;
        let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
        if h == 24 && m == 0 {
            return Some(Time::MAX);
        }
        Time::new(h, m, 0, 0).ok()
    };
    let (from, to) = (parse(a)?, parse(b)?);
    (from < to).then_some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours() -> BusinessHours {
        let mut weekly: [Vec<(Time, Time)>; 7] = Default::default();
        for day in weekly.iter_mut().take(5) {
            *day = vec![parse_range("09:00-18:00").unwrap()];
        }
        let holidays = [Date::new(2026, 12, 25).unwrap()].into_iter().collect();
        BusinessHours::new(TimeZone::get("Europe/London").unwrap(), weekly, holidays)
    }

    fn at(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_second()
    }

    #[test]
    fn open_on_a_weekday_afternoon_closed_at_night_weekends_and_holidays() {
        let h = hours();
        assert!(h.is_open(at("2026-11-25T14:00:00Z")));
        assert!(!h.is_open(at("2026-11-25T20:00:00Z")));
        assert!(!h.is_open(at("2026-11-28T14:00:00Z")), "Saturday");
        assert!(!h.is_open(at("2026-12-25T14:00:00Z")), "holiday");
    }

    #[test]
    fn the_time_zone_applies_including_summer_time() {
        // 08:30 UTC in July is 09:30 in London.
        assert!(hours().is_open(at("2026-07-01T08:30:00Z")));
    }
}
