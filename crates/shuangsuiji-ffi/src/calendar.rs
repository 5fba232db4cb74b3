//! China's working-day calendar and the publication deadline. Dates are `YYYY-MM-DD` text.

use crate::boundary::{borrow, c_string, date, ffi, free, impl_handle, json_arg, out, to_handle};
use crate::result::ssj_result;
use ssj::calendar::{HolidayCalendar, YearRules};
use std::ffi::c_char;

/// A working-day calendar. Immutable: may be shared by any number of threads.
#[allow(non_camel_case_types)]
pub struct ssj_calendar {
    _private: [u8; 0],
}
impl_handle!(ssj_calendar => HolidayCalendar);

/// The built-in calendar: China's holidays and make-up workdays, 2020–2026.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_calendar_china(calendar_out: *mut *mut ssj_calendar) -> ssj_result {
    ffi! {
        out(calendar_out, "calendar_out")?.write(to_handle(HolidayCalendar::china()));
        Ok(())
    }
}

/// The built-in calendar with more years from JSON (an array of `{year, source, holidays,
/// makeup_workdays}`, as `HolidayCalendar::from_json` reads): a year already built in is
/// replaced by the given one (as the CLI's `--calendar`). The years must stay consecutive
/// (`SSJ_CALENDAR` otherwise).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_calendar_china_with_years(
    years_json: *const c_char,
    calendar_out: *mut *mut ssj_calendar,
) -> ssj_result {
    ffi! {
        let calendar_out = out(calendar_out, "calendar_out")?;
        let extra: Vec<YearRules> = json_arg(years_json, "years_json")?;
        let mut rules = HolidayCalendar::china().rules().to_vec();
        for year in extra {
            match rules.iter_mut().find(|r| r.year == year.year) {
                Some(old) => *old = year,
                None => rules.push(year),
            }
        }
        calendar_out.write(to_handle(HolidayCalendar::from_years(rules)?));
        Ok(())
    }
}

/// Frees a calendar; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_calendar_free(calendar: *mut ssj_calendar) {
    unsafe { free(calendar) }
}

/// The first and last year the calendar covers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_calendar_years(
    calendar: *const ssj_calendar,
    first_out: *mut i32,
    last_out: *mut i32,
) -> ssj_result {
    ffi! {
        let first_out = out(first_out, "first_out")?;
        let last_out = out(last_out, "last_out")?;
        let years = borrow(calendar, "calendar")?.covered_years();
        first_out.write(*years.start());
        last_out.write(*years.end());
        Ok(())
    }
}

/// Whether `day` is a working day. `SSJ_CALENDAR` for a year the calendar does not cover.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_calendar_is_working_day(
    calendar: *const ssj_calendar,
    day: *const c_char,
    working_out: *mut bool,
) -> ssj_result {
    ffi! {
        let working_out = out(working_out, "working_out")?;
        let working = borrow(calendar, "calendar")?.is_working_day(date(day, "day")?)?;
        working_out.write(working);
        Ok(())
    }
}

/// The `n`-th working day after `start` (`YYYY-MM-DD`, free with `ssj_string_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_calendar_add_working_days(
    calendar: *const ssj_calendar,
    start: *const c_char,
    n: u32,
    date_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let date_out = out(date_out, "date_out")?;
        let d = borrow(calendar, "calendar")?.add_working_days(date(start, "start")?, n)?;
        date_out.write(c_string(d.to_string())?);
        Ok(())
    }
}

/// The last day to publish the result of a check completed on `completed`: 20 working days
/// later (`YYYY-MM-DD`, free with `ssj_string_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_calendar_publication_deadline(
    calendar: *const ssj_calendar,
    completed: *const c_char,
    date_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let date_out = out(date_out, "date_out")?;
        let d = borrow(calendar, "calendar")?.publication_deadline(date(completed, "completed")?)?;
        date_out.write(c_string(d.to_string())?);
        Ok(())
    }
}

/// Whether a result published on `published` for a check completed on `completed` was on
/// time. `SSJ_CALENDAR` when `published` is before `completed`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_calendar_published_on_time(
    calendar: *const ssj_calendar,
    completed: *const c_char,
    published: *const c_char,
    on_time_out: *mut bool,
) -> ssj_result {
    ffi! {
        let on_time_out = out(on_time_out, "on_time_out")?;
        let cal = borrow(calendar, "calendar")?;
        let ok = cal.published_on_time(date(completed, "completed")?, date(published, "published")?)?;
        on_time_out.write(ok);
        Ok(())
    }
}
