//! Dates as day numbers (`NaiveDate::num_days_from_ce`), read from `YYYY-MM-DD` without
//! building a `NaiveDate`, and what the report needs of each day.

use crate::calendar::HolidayCalendar;
use crate::kpi::input::bucket;
use chrono::{Datelike, NaiveDate};

/// The day number of `YYYY-MM-DD` (exactly these ten characters, a valid date), as
/// `NaiveDate::num_days_from_ce` gives it; `None` for anything else (which `rows` may still
/// read, through chrono's parser: the caller gives up and leaves it to that path). [`Days::day`]
/// reads the same from a table.
#[cfg(test)]
fn day_of(b: &[u8]) -> Option<i32> {
    let (y, m, d) = ymd(b)?;
    from_ymd(y, m, d)
}

/// Year, month and day of `YYYY-MM-DD`: ten characters, digits and dashes in their places
/// (not the ranges of month and day).
#[inline(always)]
fn ymd(b: &[u8]) -> Option<(u32, u32, u32)> {
    if b.len() != 10 {
        return None;
    }
    // Eight bytes and two at once: '0' taken from every digit, '-' from the dashes (bytes 4
    // and 7). A byte below what is taken from it wraps and leaves its high bit set (its
    // borrow only reaches the bytes above), so the text is valid exactly when no byte has its
    // high bit set and each is at most 9 (a dash 0): adding 0x76 (0x7f for a dash) sets no
    // high bit then, and cannot carry.
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    let x = u64::from_le_bytes(w).wrapping_sub(0x2d30_302d_3030_3030);
    let t = u16::from_le_bytes([b[8], b[9]]).wrapping_sub(0x3030);
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if (x | x.wrapping_add(0x7f76_767f_7676_7676)) & HIGH != 0
        || (t | t.wrapping_add(0x7676)) & 0x8080 != 0
    {
        return None;
    }
    // Byte i of `p` is ten times digit i plus digit i + 1 (at most 99: no carry).
    let p = x.wrapping_mul(10) + (x >> 8);
    let byte = |i: u32| (p >> (8 * i)) as u32 & 0xff;
    let y = byte(0) * 100 + byte(2);
    let m = byte(5);
    let d = u32::from(t & 0xff) * 10 + u32::from(t >> 8);
    Some((y, m, d))
}

/// The day number of a date, `None` when it is none.
fn from_ymd(y: u32, m: u32, d: u32) -> Option<i32> {
    if !(1..=12).contains(&m) || d == 0 || d > month_len(y, m) {
        return None;
    }
    // Days from 0000-03-01 (years counted from March, so that the leap day comes last).
    let (y, m) = if m <= 2 {
        (y + 399, m + 9)
    } else {
        (y + 400, m - 3)
    };
    let doy = (153 * m + 2) / 5 + d - 1;
    let days = y * 365 + y / 4 - y / 100 + y / 400 + doy;
    // 0000-03-01 is day -305 of the common era (0001-01-01 is day 1); `y` was shifted by 400
    // years (146,097 days).
    Some(days as i32 - 146_097 - 305)
}

/// The days of month `m` (1–12) of year `y`.
fn month_len(y: u32, m: u32) -> u32 {
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    const LEN: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    LEN[m as usize - 1] + u32::from(leap && m == 2)
}

/// The date of a day number.
#[inline]
pub(super) fn date_of(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day)
}

/// What the results need of a day.
#[derive(Clone, Copy)]
pub(super) struct DayInfo {
    /// The period bucket ([`bucket`]).
    pub(super) bucket: u8,
    /// A December day of the report's year.
    pub(super) december: bool,
    /// The publication deadline (a day number), `None` outside the calendar.
    pub(super) deadline: Option<i32>,
}

/// [`DayInfo`] of the days of the year before, the year and the year after, computed once.
pub(super) struct Days {
    year: i32,
    first: i32,
    days: Vec<DayInfo>,
    calendar: HolidayCalendar,
    /// The year before the report's, and the day number of the first day and the length of
    /// each month of the three years.
    first_year: u32,
    months: Vec<(i32, u32)>,
}

impl Days {
    pub(super) fn new(year: i32, calendar: HolidayCalendar) -> Option<Days> {
        let first_day = NaiveDate::from_ymd_opt(year - 1, 1, 1)?;
        let last_day = NaiveDate::from_ymd_opt(year + 1, 12, 31)?;
        let mut days = Vec::with_capacity(3 * 366);
        for d in first_day.iter_days().take_while(|d| *d <= last_day) {
            days.push(info(year, d, &calendar));
        }
        let first_year = u32::try_from(year - 1).ok()?;
        let mut months = Vec::with_capacity(36);
        for y in first_year..first_year + 3 {
            for m in 1..=12 {
                months.push((from_ymd(y, m, 1)?, month_len(y, m)));
            }
        }
        Some(Days {
            year,
            first: first_day.num_days_from_ce(),
            days,
            calendar,
            first_year,
            months,
        })
    }

    /// [`day_of`], from a table for the three years.
    #[inline(always)]
    pub(super) fn day(&self, b: &[u8]) -> Option<i32> {
        let (y, m, d) = ymd(b)?;
        let years = y.wrapping_sub(self.first_year);
        if years < 3 && (1..=12).contains(&m) {
            let (start, len) = self.months[(years * 12 + m - 1) as usize];
            return (1..=len).contains(&d).then(|| start + d as i32 - 1);
        }
        from_ymd(y, m, d)
    }

    /// The day's information; `None` for a day number that is no date.
    #[inline(always)]
    pub(super) fn get(&self, day: i32) -> Option<DayInfo> {
        match usize::try_from(day - self.first)
            .ok()
            .and_then(|i| self.days.get(i))
        {
            Some(&x) => Some(x),
            None => Some(info(self.year, date_of(day)?, &self.calendar)),
        }
    }
}

fn info(year: i32, d: NaiveDate, calendar: &HolidayCalendar) -> DayInfo {
    DayInfo {
        bucket: bucket(year, d) as u8,
        december: d.year() == year && d.month() == 12,
        deadline: calendar
            .publication_deadline(d)
            .ok()
            .map(|x| x.num_days_from_ce()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every day of years 0 to 9999 reads as chrono reads it; invalid dates and other
    /// spellings are refused.
    #[test]
    fn days_are_chronos() {
        let mut d = NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        let mut step = 0u32;
        while d <= last {
            let s = format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
            assert_eq!(day_of(s.as_bytes()), Some(d.num_days_from_ce()), "{s}");
            assert_eq!(date_of(d.num_days_from_ce()), Some(d));
            // Every day around the years chrono's leap rules single out, else a sample.
            step += 1;
            let dense = d.year() % 100 == 0 || (1999..=2031).contains(&d.year());
            d = d + chrono::Days::new(if dense { 1 } else { 1 + u64::from(step % 37) });
        }
        for bad in [
            "2025-02-29",
            "2024-02-30",
            "1900-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-01-00",
            "2025-04-31",
            "2025-1-01",
            "2025/01/01",
            "+025-01-01",
            "2025-01-0a",
            " 2025-01-1",
            "2025-01-1/",
            "2025-01-:1",
            "2025/01-01",
            "2025-01/01",
            "202５-1-01",
            "2025-0１-1",
            "2025-01-01 ",
            "2025_01_01",
            "20250-1-01",
        ] {
            assert_eq!(day_of(bad.as_bytes()), None, "{bad}");
        }
        let days = Days::new(2025, HolidayCalendar::china()).unwrap();
        let mut d = NaiveDate::from_ymd_opt(2022, 12, 1).unwrap();
        while d.year() < 2028 {
            for s in [
                format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
                format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day() + 1),
                format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day() + 30),
                format!("{:04}-{:02}-{:02}", d.year(), d.month() + 12, d.day()),
                format!("{:04}-00-{:02}", d.year(), d.day()),
                format!("{:04}-{:02}-00", d.year(), d.month()),
            ] {
                assert_eq!(days.day(s.as_bytes()), day_of(s.as_bytes()), "{s}");
            }
            d = d + chrono::Days::new(1);
        }
        assert_eq!(
            day_of(b"2000-02-29"),
            Some(
                NaiveDate::from_ymd_opt(2000, 2, 29)
                    .unwrap()
                    .num_days_from_ce()
            )
        );
    }
}
