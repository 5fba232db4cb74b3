use super::*;
use proptest::prelude::*;
use serde_json::Value;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn working(cal: &HolidayCalendar, date: NaiveDate) -> bool {
    cal.is_working_day(date).unwrap()
}

/// Asserts that `first..=last` is entirely off under `name`.
fn assert_off(cal: &HolidayCalendar, name: &str, first: NaiveDate, last: NaiveDate) {
    for date in first.iter_days().take_while(|x| *x <= last) {
        assert!(!working(cal, date), "{date} should be off");
        assert_eq!(cal.holiday_name(date).unwrap(), Some(name), "{date}");
    }
    // The days around the period are ordinary: the period is exactly as announced.
    for edge in [first.pred_opt().unwrap(), last.succ_opt().unwrap()] {
        assert_ne!(cal.holiday_name(edge).unwrap(), Some(name), "{edge}");
    }
}

fn assert_makeup(cal: &HolidayCalendar, dates: &[NaiveDate]) {
    for &date in dates {
        assert!(is_weekend(date), "{date} is not a weekend day");
        assert!(working(cal, date), "{date} should be a make-up workday");
    }
}

#[test]
fn china_covers_2020_to_2026() {
    assert_eq!(HolidayCalendar::china().covered_years(), 2020..=2026);
}

#[test]
fn spring_festival_and_national_day_2024() {
    let cal = HolidayCalendar::china();
    assert_off(&cal, "春节", d(2024, 2, 10), d(2024, 2, 17));
    assert_makeup(&cal, &[d(2024, 2, 4), d(2024, 2, 18)]);
    assert!(working(&cal, d(2024, 2, 9)));
    assert!(working(&cal, d(2024, 2, 19)));
    assert_off(&cal, "国庆节", d(2024, 10, 1), d(2024, 10, 7));
    assert_makeup(&cal, &[d(2024, 9, 29), d(2024, 10, 12)]);
    // An ordinary Sunday right after the make-up Saturday stays a day off.
    assert!(!working(&cal, d(2024, 10, 13)));
}

#[test]
fn spring_festival_and_national_day_2025() {
    let cal = HolidayCalendar::china();
    assert_off(&cal, "春节", d(2025, 1, 28), d(2025, 2, 4));
    assert_makeup(&cal, &[d(2025, 1, 26), d(2025, 2, 8)]);
    assert_off(&cal, "国庆节、中秋节", d(2025, 10, 1), d(2025, 10, 8));
    assert_makeup(&cal, &[d(2025, 9, 28), d(2025, 10, 11)]);
}

#[test]
fn the_2026_notice() {
    let cal = HolidayCalendar::china();
    assert_off(&cal, "元旦", d(2026, 1, 1), d(2026, 1, 3));
    assert_off(&cal, "春节", d(2026, 2, 15), d(2026, 2, 23));
    assert_off(&cal, "中秋节", d(2026, 9, 25), d(2026, 9, 27));
    assert_off(&cal, "国庆节", d(2026, 10, 1), d(2026, 10, 7));
    assert_makeup(
        &cal,
        &[
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
        ],
    );
}

#[test]
fn counting_across_holiday_weeks() {
    let cal = HolidayCalendar::china();
    let add = |date, n| cal.add_working_days(date, n).unwrap();
    // Thursday before Spring Festival 2024: Friday, then the make-up Sunday after the break.
    assert_eq!(add(d(2024, 2, 8), 0), d(2024, 2, 8));
    assert_eq!(add(d(2024, 2, 8), 1), d(2024, 2, 9));
    assert_eq!(add(d(2024, 2, 8), 2), d(2024, 2, 18));
    assert_eq!(add(d(2024, 2, 8), 3), d(2024, 2, 19));
    // Day 0 is never counted, even when it is itself a holiday.
    assert_eq!(add(d(2024, 2, 12), 1), d(2024, 2, 18));
    // National Day 2024: the make-up Sunday, Monday, then straight to 8 October.
    assert_eq!(add(d(2024, 9, 27), 1), d(2024, 9, 29));
    assert_eq!(add(d(2024, 9, 27), 3), d(2024, 10, 8));
    assert_eq!(add(d(2024, 10, 11), 1), d(2024, 10, 12));
    // Spring Festival 2025 and National Day 2025.
    assert_eq!(add(d(2025, 1, 24), 1), d(2025, 1, 26));
    assert_eq!(add(d(2025, 1, 26), 2), d(2025, 2, 5));
    assert_eq!(add(d(2025, 9, 30), 1), d(2025, 10, 9));
    assert_eq!(add(d(2025, 10, 10), 1), d(2025, 10, 11));
    // 2026: make-up Saturday before Spring Festival, then the 9-day break.
    assert_eq!(add(d(2026, 2, 13), 1), d(2026, 2, 14));
    assert_eq!(add(d(2026, 2, 13), 2), d(2026, 2, 24));
    assert_eq!(add(d(2026, 9, 30), 1), d(2026, 10, 8));
    // Across a year end.
    assert_eq!(add(d(2025, 12, 31), 1), d(2026, 1, 4));

    assert_eq!(
        cal.working_days_between(d(2024, 2, 8), d(2024, 2, 19)),
        Ok(3)
    );
    assert_eq!(
        cal.working_days_between(d(2024, 2, 19), d(2024, 2, 8)),
        Ok(-3)
    );
    assert_eq!(
        cal.working_days_between(d(2024, 2, 8), d(2024, 2, 8)),
        Ok(0)
    );
}

#[test]
fn publication_deadlines() {
    let cal = HolidayCalendar::china();
    let cases = [
        (d(2024, 2, 8), d(2024, 3, 13)),
        (d(2025, 9, 26), d(2025, 10, 30)),
        (d(2026, 2, 13), d(2026, 3, 19)),
        (d(2026, 9, 18), d(2026, 10, 22)),
        (d(2026, 12, 3), d(2026, 12, 31)),
    ];
    for (completed, deadline) in cases {
        assert_eq!(
            cal.publication_deadline(completed),
            Ok(deadline),
            "{completed}"
        );
        assert_eq!(cal.published_on_time(completed, completed), Ok(true));
        assert_eq!(cal.published_on_time(completed, deadline), Ok(true));
        let late = deadline.succ_opt().unwrap();
        assert_eq!(cal.published_on_time(completed, late), Ok(false));
    }
    // Late whatever 2027 looks like: only the years up to the deadline are needed.
    assert_eq!(
        cal.published_on_time(d(2026, 9, 18), d(2027, 1, 5)),
        Ok(false)
    );
    assert_eq!(
        cal.published_on_time(d(2025, 5, 6), d(2025, 5, 5)),
        Err(CalendarError::PublishedBeforeCompletion {
            completed: d(2025, 5, 6),
            published: d(2025, 5, 5),
        })
    );
}

#[test]
fn unloaded_years_are_errors_not_guesses() {
    let cal = HolidayCalendar::china();
    let not_loaded = |year| CalendarError::YearNotLoaded {
        year,
        loaded: 2020..=2026,
    };
    assert_eq!(cal.is_working_day(d(2019, 12, 31)), Err(not_loaded(2019)));
    assert_eq!(cal.is_working_day(d(2027, 1, 4)), Err(not_loaded(2027)));
    assert_eq!(cal.holiday_name(d(2027, 1, 1)), Err(not_loaded(2027)));
    assert_eq!(
        cal.add_working_days(d(2019, 12, 31), 0),
        Err(not_loaded(2019))
    );
    // Counting forward from a loaded day runs into 2027.
    assert_eq!(
        cal.add_working_days(d(2026, 12, 31), 1),
        Err(not_loaded(2027))
    );
    assert_eq!(
        cal.publication_deadline(d(2026, 12, 4)),
        Err(not_loaded(2027))
    );
    assert_eq!(
        cal.working_days_between(d(2026, 12, 1), d(2027, 1, 4)),
        Err(not_loaded(2027))
    );
    assert_eq!(
        not_loaded(2027).to_string(),
        "year 2027 is not in the holiday calendar (loaded: 2020–2026); load that year's \
         国务院办公厅 holiday notice before counting working days in it"
    );
}

fn year(year: i32, holidays: Vec<HolidayPeriod>, makeup_workdays: Vec<NaiveDate>) -> YearRules {
    YearRules {
        year,
        source: String::new(),
        holidays,
        makeup_workdays,
    }
}

#[test]
fn bad_data_is_refused_naming_the_date() {
    let p = |name: &str, a, b| HolidayPeriod::new(name, a, b);
    let err = |rules| HolidayCalendar::from_years(rules).unwrap_err();

    let e = err(vec![year(2024, vec![], vec![d(2024, 2, 5)])]);
    assert_eq!(
        e.to_string(),
        "year 2024: make-up workday 2024-02-05 is a Mon; only a Saturday or Sunday can be one"
    );
    let e = err(vec![year(
        2024,
        vec![
            p("春节", d(2024, 2, 10), d(2024, 2, 17)),
            p("元宵", d(2024, 2, 17), d(2024, 2, 17)),
        ],
        vec![],
    )]);
    assert_eq!(
        e.to_string(),
        "year 2024: 2024-02-17 is listed twice as a holiday (\"春节\" and \"元宵\")"
    );
    let e = err(vec![year(
        2024,
        vec![p("春节", d(2024, 2, 10), d(2024, 2, 17))],
        vec![d(2024, 2, 17)],
    )]);
    assert_eq!(
        e.to_string(),
        "year 2024: 2024-02-17 is both a holiday (\"春节\") and a make-up workday"
    );
    assert_eq!(
        err(vec![year(2024, vec![], vec![d(2024, 2, 4), d(2024, 2, 4)])]),
        CalendarError::DuplicateWorkday {
            year: 2024,
            date: d(2024, 2, 4)
        }
    );
    assert_eq!(
        err(vec![year(
            2022,
            vec![p("元旦", d(2022, 12, 31), d(2023, 1, 2))],
            vec![]
        )]),
        CalendarError::DateOutsideYear {
            year: 2022,
            date: d(2023, 1, 2)
        }
    );
    assert!(matches!(
        err(vec![year(
            2024,
            vec![p("春节", d(2024, 2, 17), d(2024, 2, 10))],
            vec![]
        )]),
        CalendarError::ReversedPeriod { .. }
    ));
    assert_eq!(err(vec![]), CalendarError::NoYears);
    assert_eq!(
        err(vec![year(2024, vec![], vec![]), year(2024, vec![], vec![])]),
        CalendarError::DuplicateYear { year: 2024 }
    );
    assert_eq!(
        err(vec![year(2027, vec![], vec![]), year(2024, vec![], vec![])]),
        CalendarError::MissingYear { missing: 2025 }
    );
    let e = HolidayCalendar::from_json("[{\"year\": 2027, \"holidays\": []}]").unwrap_err();
    assert!(
        matches!(&e, CalendarError::Json { message } if message.contains("makeup_workdays")),
        "{e}"
    );
}

#[test]
fn json_round_trip_and_loading_a_later_year() {
    let cal = HolidayCalendar::china();
    let json = serde_json::to_string(&cal).unwrap();
    assert_eq!(HolidayCalendar::from_json(&json), Ok(cal.clone()));
    // Deserializing validates too.
    assert!(serde_json::from_str::<HolidayCalendar>("[]").is_err());

    let y2027 = r#"[{"year": 2027, "source": "test data, not a real notice",
        "holidays": [{"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"}],
        "makeup_workdays": ["2027-01-09"]}]"#;
    let later = HolidayCalendar::from_json(y2027).unwrap();
    let mut rules = cal.rules().to_vec();
    rules.extend(later.rules().iter().cloned());
    let extended = HolidayCalendar::from_years(rules).unwrap();
    assert_eq!(extended.covered_years(), 2020..=2027);
    assert!(!working(&extended, d(2027, 1, 1)));
    assert!(working(&extended, d(2027, 1, 9)));
    // 2026-12-04 + 20 working days now resolves: 19 in December, then Monday 4 January.
    assert_eq!(
        extended.publication_deadline(d(2026, 12, 4)),
        Ok(d(2027, 1, 4))
    );
}

/// Every holiday, make-up workday and publication deadline of 2020–2026 against PyPI
/// `chinesecalendar`, an independently maintained transcription of the same notices.
#[test]
fn matches_chinesecalendar_vectors() {
    let v: Value =
        serde_json::from_str(include_str!("../../../../tests/vectors/calendar.json")).unwrap();
    let cal = HolidayCalendar::china();
    // chinesecalendar names every day by one festival; ours keeps the notice's joint names.
    let chinese = |english: &str| match english {
        "New Year's Day" => "元旦",
        "Spring Festival" => "春节",
        "Tomb-sweeping Day" => "清明节",
        "Labour Day" => "劳动节",
        "Dragon Boat Festival" => "端午节",
        "Mid-autumn Festival" => "中秋节",
        "National Day" => "国庆节",
        other => panic!("unknown holiday name {other:?}"),
    };
    let years = v["years"].as_object().unwrap();
    assert_eq!(years.len(), 7);
    for rules in cal.rules() {
        let y = &years[&rules.year.to_string()];
        let expected: BTreeMap<NaiveDate, &str> = y["holidays"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, n)| (k.parse().unwrap(), chinese(n.as_str().unwrap())))
            .collect();
        let ours: BTreeMap<NaiveDate, &str> = cal
            .holidays
            .range(d(rules.year, 1, 1)..=d(rules.year, 12, 31))
            .map(|(k, n)| (*k, n.as_str()))
            .collect();
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "holidays of {}",
            rules.year
        );
        for (date, name) in &expected {
            assert!(
                ours[date].contains(name),
                "{date}: {} vs {name}",
                ours[date]
            );
        }
        let expected: BTreeSet<NaiveDate> = y["makeup_workdays"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.parse().unwrap())
            .collect();
        let ours: BTreeSet<NaiveDate> = rules.makeup_workdays.iter().copied().collect();
        assert_eq!(ours, expected, "make-up workdays of {}", rules.year);
    }
    let deadlines = v["publication_deadlines"].as_object().unwrap();
    assert!(deadlines.len() > 2500);
    for (completed, deadline) in deadlines {
        let completed: NaiveDate = completed.parse().unwrap();
        let deadline: NaiveDate = deadline.as_str().unwrap().parse().unwrap();
        assert_eq!(
            cal.publication_deadline(completed),
            Ok(deadline),
            "{completed}"
        );
    }
}

proptest! {
    // Starts up to 2026-11-04 and at most 30 working days, so the count stays inside 2026.
    #[test]
    fn counting_forward_and_back_agree(days in 0i64..2500, n in 0u32..30) {
        let cal = HolidayCalendar::china();
        let start = d(2020, 1, 1) + chrono::Duration::days(days);
        let end = cal.add_working_days(start, n).unwrap();
        prop_assert_eq!(cal.working_days_between(start, end), Ok(i64::from(n)));
        prop_assert_eq!(cal.working_days_between(end, start), Ok(-i64::from(n)));
        if n > 0 {
            prop_assert!(cal.is_working_day(end).unwrap());
            prop_assert!(cal.add_working_days(start, n - 1).unwrap() < end);
        }
    }
}
