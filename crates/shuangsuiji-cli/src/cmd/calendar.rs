//! `shuangsuiji calendar`: China's working days, and the 20-working-day publication deadline
//! (“未公示即未检查”), from the built-in holiday notices plus any years loaded from a file.

use crate::failure::Failure;
use crate::files::read_json;
use crate::output::{Out, note};
use chrono::{Datelike, NaiveDate, Weekday};
use clap::{Args, Subcommand};
use shuangsuiji::calendar::{CalendarError, HolidayCalendar, PUBLICATION_WORKING_DAYS, YearRules};
use std::path::PathBuf;

/// The calendar file shared by every subcommand.
#[derive(Debug, Args)]
pub(crate) struct CalendarFile {
    /// More years (JSON: an array of {year, source, holidays, makeup_workdays}, the form of
    /// `HolidayCalendar::from_json`). They are added to the built-in years (2020–2026); a year
    /// already built in is replaced by the file's, e.g. to add late-December dates that the
    /// next year's notice announced. The years must stay consecutive.
    #[arg(long, value_name = "FILE.json")]
    calendar: Option<PathBuf>,
}

/// Subcommands of `calendar`.
#[derive(Debug, Subcommand)]
pub(crate) enum CalendarCommand {
    /// The last day to publish the result of a check: 20 working days after the inspection.
    Deadline {
        /// The day the check was made (YYYY-MM-DD); it is day 0 and not counted.
        #[arg(long, value_name = "YYYY-MM-DD")]
        inspected: NaiveDate,
        #[command(flatten)]
        file: CalendarFile,
    },
    /// The N-th working day after a date.
    Add {
        /// The starting day (YYYY-MM-DD); it is day 0 and not counted.
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        /// How many working days to count.
        #[arg(long, value_name = "N")]
        days: u32,
        #[command(flatten)]
        file: CalendarFile,
    },
    /// Whether each date is a working day, and which holiday or make-up workday it is.
    IsWorkingDay {
        /// The dates (YYYY-MM-DD).
        #[arg(value_name = "YYYY-MM-DD", required = true)]
        dates: Vec<NaiveDate>,
        #[command(flatten)]
        file: CalendarFile,
    },
    /// Whether a result was published within 20 working days of the inspection; exit 1 if late.
    OnTime {
        /// The day the check was made (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        inspected: NaiveDate,
        /// The day the result was published (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        published: NaiveDate,
        #[command(flatten)]
        file: CalendarFile,
    },
}

/// The built-in calendar, with the file's years added or replacing built-in ones.
fn load(file: &CalendarFile) -> Result<HolidayCalendar, Failure> {
    let builtin = HolidayCalendar::china();
    let Some(path) = &file.calendar else {
        return Ok(builtin);
    };
    let name = path.display().to_string();
    let extra: Vec<YearRules> = read_json(path, "a holiday calendar (an array of years)")?;
    let mut rules: Vec<YearRules> = builtin.rules().to_vec();
    for year in extra {
        if let Some(old) = rules.iter_mut().find(|r| r.year == year.year) {
            note(&format!(
                "{name}: year {} replaces the built-in one",
                year.year
            ));
            *old = year;
        } else {
            rules.push(year);
        }
    }
    HolidayCalendar::from_years(rules).map_err(|e| Failure::Input(format!("{name}: {e}")))
}

/// A calendar error about a date given on the command line, naming the flag.
fn refuse(flag: &str, date: NaiveDate, e: CalendarError) -> Failure {
    Failure::Input(format!("{flag} {date}: {e}"))
}

/// How a day is described: working or not, and why.
fn kind_of_day(cal: &HolidayCalendar, date: NaiveDate, flag: &str) -> Result<String, Failure> {
    let working = cal
        .is_working_day(date)
        .map_err(|e| refuse(flag, date, e))?;
    let holiday = cal.holiday_name(date).map_err(|e| refuse(flag, date, e))?;
    let weekday = date.format("%A");
    Ok(match (working, holiday) {
        (true, _) if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) => {
            format!("working day ({weekday}, make-up workday 调休上班)")
        }
        (true, _) => format!("working day ({weekday})"),
        (false, Some(name)) => format!("not a working day ({weekday}, holiday {name})"),
        (false, None) => format!("not a working day ({weekday}, weekend)"),
    })
}

/// Runs `calendar`.
pub(crate) fn run(command: &CalendarCommand, out: &mut Out) -> Result<(), Failure> {
    match command {
        CalendarCommand::Deadline { inspected, file } => {
            let cal = load(file)?;
            let deadline = cal
                .publication_deadline(*inspected)
                .map_err(|e| refuse("--inspected", *inspected, e))?;
            out.line(format!(
                "inspected {inspected}: publish by {deadline} ({PUBLICATION_WORKING_DAYS} working \
                 days after, {})",
                deadline.format("%A")
            ));
        }
        CalendarCommand::Add { from, days, file } => {
            let cal = load(file)?;
            let date = cal
                .add_working_days(*from, *days)
                .map_err(|e| refuse("--from", *from, e))?;
            out.line(format!(
                "{from} + {days} working days = {date} ({})",
                date.format("%A")
            ));
        }
        CalendarCommand::IsWorkingDay { dates, file } => {
            let cal = load(file)?;
            for &date in dates {
                out.line(format!("{date}: {}", kind_of_day(&cal, date, "date")?));
            }
        }
        CalendarCommand::OnTime {
            inspected,
            published,
            file,
        } => {
            let cal = load(file)?;
            let deadline = cal
                .publication_deadline(*inspected)
                .map_err(|e| refuse("--inspected", *inspected, e))?;
            let on_time = cal
                .published_on_time(*inspected, *published)
                .map_err(|e| refuse("--published", *published, e))?;
            if !on_time {
                let late = cal
                    .working_days_between(deadline, *published)
                    .map(|n| format!(" ({n} working day{} late)", if n == 1 { "" } else { "s" }))
                    .unwrap_or_default();
                out.line(format!(
                    "LATE: inspected {inspected}, published {published}, deadline {deadline}{late}"
                ));
                return Err(Failure::Check(format!(
                    "published on {published}, after the deadline {deadline} \
                     ({PUBLICATION_WORKING_DAYS} working days after {inspected})"
                )));
            }
            out.line(format!(
                "on time: inspected {inspected}, published {published}, deadline {deadline}"
            ));
        }
    }
    Ok(())
}
