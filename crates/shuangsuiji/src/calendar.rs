//! Working days in China: public holidays and make-up workdays (调休), and the 20-working-day
//! publication deadline for inspection results.
//!
//! “未公示即未检查”: a check whose result is not published within **20 working days** of
//! completion (企业信息公示暂行条例) counts as not published on time. China's working days
//! cannot be computed from weekdays: every year the State Council General Office announces the
//! holidays *and* the weekend days that become workdays to make long holidays
//! (国务院办公厅关于某年部分节假日安排的通知). So this calendar is data, year by year, and a date
//! in a year that has not been loaded is an error ([`CalendarError::YearNotLoaded`]), never a
//! weekends-only guess.
//!
//! Counting follows the usual legal reading (民法典 第二百零一条: the day an event happens is not
//! counted, the period starts the next day): the day of completion is day 0 and the deadline is
//! the 20th working day after it. Counting working days always lands on a working day, so the
//! rule that a deadline falling on a holiday moves to the next working day (第二百零三条) holds
//! by construction.
//!
//! ```
//! use chrono::NaiveDate;
//! use shuangsuiji::calendar::HolidayCalendar;
//!
//! let cal = HolidayCalendar::china();
//! let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
//!
//! // National Day and Mid-Autumn 2025: 1–8 October off, Sunday 28 September and Saturday
//! // 11 October are workdays.
//! assert!(!cal.is_working_day(d(2025, 10, 3))?);
//! assert!(cal.is_working_day(d(2025, 10, 11))?);
//!
//! // A check completed on Friday 26 September 2025 must be published by 30 October
//! // (skipping weekends alone would say 24 October).
//! assert_eq!(cal.publication_deadline(d(2025, 9, 26))?, d(2025, 10, 30));
//! assert!(cal.published_on_time(d(2025, 9, 26), d(2025, 10, 30))?);
//! assert!(!cal.published_on_time(d(2025, 9, 26), d(2025, 10, 31))?);
//!
//! // 2019 is not loaded: an error, not a guess.
//! assert!(cal.is_working_day(d(2019, 12, 31)).is_err());
//! # Ok::<(), shuangsuiji::calendar::CalendarError>(())
//! ```
//!
//! ## Loading later years
//!
//! [`HolidayCalendar::from_json`] reads a JSON array of [`YearRules`], the same form
//! [`HolidayCalendar`] serializes to:
//!
//! ```json
//! [{"year": 2027,
//!   "source": "国务院办公厅关于2027年部分节假日安排的通知",
//!   "holidays": [{"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"}],
//!   "makeup_workdays": ["2027-02-06"]}]
//! ```
//!
//! To extend the built-in data, append to [`HolidayCalendar::rules`] and call
//! [`HolidayCalendar::from_years`]. The years loaded must be consecutive.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

mod china;

/// The number of working days after completion within which a result must be published
/// (企业信息公示暂行条例).
pub const PUBLICATION_WORKING_DAYS: u32 = 20;

/// A run of consecutive days off announced under one name, e.g. 春节 from 10 to 17 February 2024.
///
/// Weekend days inside the run are part of it, as the notices count them (“共8天”).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayPeriod {
    /// The holiday's name as the notice gives it, e.g. `春节` or `国庆节、中秋节`.
    pub name: String,
    /// The first day off.
    pub first: NaiveDate,
    /// The last day off (inclusive); equal to `first` for a one-day holiday.
    pub last: NaiveDate,
}

impl HolidayPeriod {
    /// A period from `first` to `last`, both inclusive.
    pub fn new(name: impl Into<String>, first: NaiveDate, last: NaiveDate) -> Self {
        Self {
            name: name.into(),
            first,
            last,
        }
    }
}

/// Everything that makes one calendar year differ from “Monday to Friday”.
///
/// A year is filed by the dates it holds, not by the notice that announced them: the notice for
/// year Y+1 sometimes starts the New Year holiday (or a make-up workday) in late December of Y,
/// and those dates belong here under Y. So a year is complete only once the next year's notice
/// is out; `source` says which notices a year was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRules {
    /// The calendar year; every date below must fall in it.
    pub year: i32,
    /// Where the dates come from (the notices' titles), for the reader; not interpreted.
    #[serde(default)]
    pub source: String,
    /// The days off, as named periods.
    pub holidays: Vec<HolidayPeriod>,
    /// Saturdays and Sundays that are workdays (调休上班).
    pub makeup_workdays: Vec<NaiveDate>,
}

/// Why a calendar cannot be built, or a date cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A date (or a count that ran into it) is in a year the calendar does not hold.
    #[error(
        "year {year} is not in the holiday calendar (loaded: {}–{}); load that year's \
         国务院办公厅 holiday notice before counting working days in it",
        .loaded.start(), .loaded.end()
    )]
    YearNotLoaded {
        /// The year that was needed.
        year: i32,
        /// The years the calendar holds.
        loaded: RangeInclusive<i32>,
    },
    /// No years were given.
    #[error("a holiday calendar needs at least one year")]
    NoYears,
    /// The same year was given twice.
    #[error("year {year} is given twice")]
    DuplicateYear {
        /// The repeated year.
        year: i32,
    },
    /// The years given are not consecutive, so dates in the gap could be neither counted nor refused
    /// consistently.
    #[error("year {missing} is missing: the years loaded must be consecutive")]
    MissingYear {
        /// The first missing year.
        missing: i32,
    },
    /// A date is filed under another year.
    #[error("year {year}: date {date} is not in {year}")]
    DateOutsideYear {
        /// The year the date was filed under.
        year: i32,
        /// The date.
        date: NaiveDate,
    },
    /// A holiday period ends before it starts.
    #[error("year {year}: holiday {name:?} ends on {last}, before its first day {first}")]
    ReversedPeriod {
        /// The year.
        year: i32,
        /// The holiday's name.
        name: String,
        /// The first day given.
        first: NaiveDate,
        /// The last day given.
        last: NaiveDate,
    },
    /// A day is listed as a holiday twice (in one period or in two overlapping ones).
    #[error(
        "year {year}: {date} is listed twice as a holiday ({first_name:?} and {second_name:?})"
    )]
    DuplicateHoliday {
        /// The year.
        year: i32,
        /// The day listed twice.
        date: NaiveDate,
        /// The name under which it was first listed.
        first_name: String,
        /// The name under which it was listed again.
        second_name: String,
    },
    /// A make-up workday is listed twice.
    #[error("year {year}: make-up workday {date} is listed twice")]
    DuplicateWorkday {
        /// The year.
        year: i32,
        /// The day listed twice.
        date: NaiveDate,
    },
    /// A make-up workday falls on a weekday, where it would change nothing and is surely a typo.
    #[error(
        "year {year}: make-up workday {date} is a {weekday}; only a Saturday or Sunday can be one"
    )]
    WorkdayNotWeekend {
        /// The year.
        year: i32,
        /// The day.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// A day is both a holiday and a make-up workday.
    #[error("year {year}: {date} is both a holiday ({name:?}) and a make-up workday")]
    HolidayAndWorkday {
        /// The year.
        year: i32,
        /// The day.
        date: NaiveDate,
        /// The holiday's name.
        name: String,
    },
    /// A result dated before the check it reports was completed.
    #[error("published on {published}, before the check was completed on {completed}")]
    PublishedBeforeCompletion {
        /// The completion date.
        completed: NaiveDate,
        /// The publication date.
        published: NaiveDate,
    },
    /// The JSON form could not be read.
    #[error("holiday calendar JSON: {message}")]
    Json {
        /// What serde_json reported, with line and column.
        message: String,
    },
}

/// A working-day calendar over consecutive whole years.
///
/// A day is a working day when it is a make-up workday, or a Monday to Friday that is not a
/// holiday. Serializes as its list of [`YearRules`]; deserializing validates like
/// [`HolidayCalendar::from_years`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<YearRules>", into = "Vec<YearRules>")]
pub struct HolidayCalendar {
    rules: Vec<YearRules>,
    years: RangeInclusive<i32>,
    holidays: BTreeMap<NaiveDate, String>,
    makeup_workdays: BTreeSet<NaiveDate>,
}

impl HolidayCalendar {
    /// China's holidays and make-up workdays for 2020 to 2026, from the State Council General
    /// Office's annual notices (the 2026 notice is dated 4 November 2025).
    pub fn china() -> Self {
        let date = |s: &str| {
            s.parse::<NaiveDate>()
                .unwrap_or_else(|e| panic!("built-in calendar date {s:?}: {e}"))
        };
        let rules = china::YEARS
            .iter()
            .map(|y| YearRules {
                year: y.year,
                source: y.source.to_owned(),
                holidays: y
                    .holidays
                    .iter()
                    .map(|&(name, first, last)| HolidayPeriod::new(name, date(first), date(last)))
                    .collect(),
                makeup_workdays: y.makeup_workdays.iter().map(|s| date(s)).collect(),
            })
            .collect();
        // The table is validated by the tests; a failure here is a bug in the table.
        Self::from_years(rules).unwrap_or_else(|e| panic!("built-in holiday calendar: {e}"))
    }

    /// A calendar from the rules of consecutive years, in any order.
    ///
    /// # Errors
    ///
    /// No years, a year given twice or missing between others, a date outside its year, a
    /// reversed period, a day listed twice, a make-up workday on a weekday, or a day that is
    /// both a holiday and a make-up workday.
    pub fn from_years(mut rules: Vec<YearRules>) -> Result<Self, CalendarError> {
        rules.sort_by_key(|r| r.year);
        let (Some(first), Some(last)) = (rules.first(), rules.last()) else {
            return Err(CalendarError::NoYears);
        };
        let years = first.year..=last.year;
        for pair in rules.windows(2) {
            let (a, b) = (pair[0].year, pair[1].year);
            if a == b {
                return Err(CalendarError::DuplicateYear { year: a });
            }
            if b != a + 1 {
                return Err(CalendarError::MissingYear { missing: a + 1 });
            }
        }
        let mut holidays = BTreeMap::new();
        let mut makeup_workdays = BTreeSet::new();
        for r in &rules {
            add_year(r, &mut holidays, &mut makeup_workdays)?;
        }
        Ok(Self {
            rules,
            years,
            holidays,
            makeup_workdays,
        })
    }

    /// A calendar from the JSON form shown in the [module docs](self): an array of
    /// [`YearRules`], dates as `YYYY-MM-DD`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::Json`] for text that is not that form, else as
    /// [`HolidayCalendar::from_years`].
    pub fn from_json(json: &str) -> Result<Self, CalendarError> {
        let rules: Vec<YearRules> =
            serde_json::from_str(json).map_err(|e| CalendarError::Json {
                message: e.to_string(),
            })?;
        Self::from_years(rules)
    }

    /// The rules this calendar was built from, by year.
    pub fn rules(&self) -> &[YearRules] {
        &self.rules
    }

    /// The years this calendar holds; never empty.
    pub fn covered_years(&self) -> RangeInclusive<i32> {
        self.years.clone()
    }

    /// Whether people work on `date`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] when `date` is outside [`Self::covered_years`].
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_loaded(date)?;
        Ok(self.makeup_workdays.contains(&date)
            || (!is_weekend(date) && !self.holidays.contains_key(&date)))
    }

    /// The holiday `date` belongs to, if any (weekend days inside a holiday period included).
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] when `date` is outside [`Self::covered_years`].
    pub fn holiday_name(&self, date: NaiveDate) -> Result<Option<&str>, CalendarError> {
        self.check_loaded(date)?;
        Ok(self.holidays.get(&date).map(String::as_str))
    }

    /// The `n`-th working day after `start`; `start` itself is day 0 and is never counted, so
    /// `n = 0` returns `start` unchanged, working day or not.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] when `start` is outside the calendar, or when counting
    /// runs past its last year.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        self.check_loaded(start)?;
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = self.next_day(date)?;
            if self.is_working_day(date)? {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// The number of working days after `from` up to and including `to`; negative when `to` is
    /// before `from`. The inverse of [`Self::add_working_days`]: if `add_working_days(a, n)` is
    /// `b` then `working_days_between(a, b)` is `n`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] when either date is outside the calendar.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        self.check_loaded(from)?;
        self.check_loaded(to)?;
        let (lo, hi, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0i64;
        let mut date = lo;
        while date < hi {
            date = self.next_day(date)?;
            if self.is_working_day(date)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }

    /// The last day on which the result of a check completed on `completed` may be published:
    /// the [`PUBLICATION_WORKING_DAYS`]-th working day after it.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearNotLoaded`] when `completed` or the deadline is outside the calendar.
    pub fn publication_deadline(&self, completed: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(completed, PUBLICATION_WORKING_DAYS)
    }

    /// Whether a result published on `published` met the deadline of a check completed on
    /// `completed`. Only the years up to the deadline must be loaded: a publication after the
    /// deadline is late whatever the calendar of its own year says.
    ///
    /// # Errors
    ///
    /// [`CalendarError::PublishedBeforeCompletion`] when `published` is before `completed`,
    /// else as [`Self::publication_deadline`].
    pub fn published_on_time(
        &self,
        completed: NaiveDate,
        published: NaiveDate,
    ) -> Result<bool, CalendarError> {
        if published < completed {
            return Err(CalendarError::PublishedBeforeCompletion {
                completed,
                published,
            });
        }
        Ok(published <= self.publication_deadline(completed)?)
    }

    fn check_loaded(&self, date: NaiveDate) -> Result<(), CalendarError> {
        if self.years.contains(&date.year()) {
            Ok(())
        } else {
            Err(self.not_loaded(date.year()))
        }
    }

    fn not_loaded(&self, year: i32) -> CalendarError {
        CalendarError::YearNotLoaded {
            year,
            loaded: self.years.clone(),
        }
    }

    /// The next day, which must be loaded: this is where counting forward meets the end of the
    /// data.
    fn next_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let next = date
            .succ_opt()
            .ok_or_else(|| self.not_loaded(date.year().saturating_add(1)))?;
        self.check_loaded(next)?;
        Ok(next)
    }
}

impl TryFrom<Vec<YearRules>> for HolidayCalendar {
    type Error = CalendarError;

    fn try_from(rules: Vec<YearRules>) -> Result<Self, Self::Error> {
        Self::from_years(rules)
    }
}

impl From<HolidayCalendar> for Vec<YearRules> {
    fn from(cal: HolidayCalendar) -> Self {
        cal.rules
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Checks one year's rules and adds its days to the calendar's indexes.
fn add_year(
    r: &YearRules,
    holidays: &mut BTreeMap<NaiveDate, String>,
    makeup_workdays: &mut BTreeSet<NaiveDate>,
) -> Result<(), CalendarError> {
    let year = r.year;
    let in_year = |date: NaiveDate| {
        if date.year() == year {
            Ok(())
        } else {
            Err(CalendarError::DateOutsideYear { year, date })
        }
    };
    for p in &r.holidays {
        in_year(p.first)?;
        in_year(p.last)?;
        if p.last < p.first {
            return Err(CalendarError::ReversedPeriod {
                year,
                name: p.name.clone(),
                first: p.first,
                last: p.last,
            });
        }
        for date in p.first.iter_days().take_while(|d| *d <= p.last) {
            if let Some(first_name) = holidays.insert(date, p.name.clone()) {
                return Err(CalendarError::DuplicateHoliday {
                    year,
                    date,
                    first_name,
                    second_name: p.name.clone(),
                });
            }
        }
    }
    for &date in &r.makeup_workdays {
        in_year(date)?;
        if !is_weekend(date) {
            return Err(CalendarError::WorkdayNotWeekend {
                year,
                date,
                weekday: date.weekday(),
            });
        }
        if let Some(name) = holidays.get(&date) {
            return Err(CalendarError::HolidayAndWorkday {
                year,
                date,
                name: name.clone(),
            });
        }
        if !makeup_workdays.insert(date) {
            return Err(CalendarError::DuplicateWorkday { year, date });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
