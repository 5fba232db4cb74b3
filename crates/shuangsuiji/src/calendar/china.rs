//! The built-in data: China's public holidays and make-up workdays (调休), 2020–2026, as the State
//! Council General Office announced them each year (国务院办公厅关于某年部分节假日安排的通知).
//!
//! Kept as a plain table in the notices' own shape (a named period of days off, then the weekend
//! days that become workdays) so that a reviewer can hold it next to the notice and compare line
//! by line. Every date is cross-checked against PyPI `chinesecalendar` 1.11.0 in
//! `tests/vectors/calendar.json`.
//!
//! A row is filed under the calendar year its dates fall in, not the notice that announced it:
//! the New Year holiday of 2023 begins on 2022-12-31, so that day sits in 2022 (see
//! [`super::YearRules`]).

/// One calendar year: where the rules come from, the holiday periods (name, first day, last
/// day, both inclusive, weekend days inside a period included) and the make-up workdays.
pub(super) struct Year {
    pub(super) year: i32,
    pub(super) source: &'static str,
    pub(super) holidays: &'static [(&'static str, &'static str, &'static str)],
    pub(super) makeup_workdays: &'static [&'static str],
}

pub(super) const YEARS: &[Year] = &[
    Year {
        year: 2020,
        // The Spring Festival holiday was extended to 2 February because of COVID-19, which also
        // cancelled the make-up workday of Saturday 1 February.
        source: "国务院办公厅关于2020年部分节假日安排的通知（2019年11月）；\
                 国务院办公厅关于延长2020年春节假期的通知（2020年1月）",
        holidays: &[
            ("元旦", "2020-01-01", "2020-01-01"),
            ("春节", "2020-01-24", "2020-02-02"),
            ("清明节", "2020-04-04", "2020-04-06"),
            ("劳动节", "2020-05-01", "2020-05-05"),
            ("端午节", "2020-06-25", "2020-06-27"),
            ("国庆节、中秋节", "2020-10-01", "2020-10-08"),
        ],
        makeup_workdays: &[
            "2020-01-19",
            "2020-04-26",
            "2020-05-09",
            "2020-06-28",
            "2020-09-27",
            "2020-10-10",
        ],
    },
    Year {
        year: 2021,
        source: "国务院办公厅关于2021年部分节假日安排的通知（2020年11月）",
        holidays: &[
            ("元旦", "2021-01-01", "2021-01-03"),
            ("春节", "2021-02-11", "2021-02-17"),
            ("清明节", "2021-04-03", "2021-04-05"),
            ("劳动节", "2021-05-01", "2021-05-05"),
            ("端午节", "2021-06-12", "2021-06-14"),
            ("中秋节", "2021-09-19", "2021-09-21"),
            ("国庆节", "2021-10-01", "2021-10-07"),
        ],
        makeup_workdays: &[
            "2021-02-07",
            "2021-02-20",
            "2021-04-25",
            "2021-05-08",
            "2021-09-18",
            "2021-09-26",
            "2021-10-09",
        ],
    },
    Year {
        year: 2022,
        source: "国务院办公厅关于2022年部分节假日安排的通知（2021年10月）；\
                 12月31日：国务院办公厅关于2023年部分节假日安排的通知",
        holidays: &[
            ("元旦", "2022-01-01", "2022-01-03"),
            ("春节", "2022-01-31", "2022-02-06"),
            ("清明节", "2022-04-03", "2022-04-05"),
            ("劳动节", "2022-04-30", "2022-05-04"),
            ("端午节", "2022-06-03", "2022-06-05"),
            ("中秋节", "2022-09-10", "2022-09-12"),
            ("国庆节", "2022-10-01", "2022-10-07"),
            ("元旦", "2022-12-31", "2022-12-31"),
        ],
        makeup_workdays: &[
            "2022-01-29",
            "2022-01-30",
            "2022-04-02",
            "2022-04-24",
            "2022-05-07",
            "2022-10-08",
            "2022-10-09",
        ],
    },
    Year {
        year: 2023,
        // The 2024 notice gives New Year's Day "与周末连休": the weekend of 30–31 December 2023
        // joins the holiday. Those are weekend days either way; they are listed so that the
        // period reads as announced.
        source: "国务院办公厅关于2023年部分节假日安排的通知（2022年12月）；\
                 12月30日、31日：国务院办公厅关于2024年部分节假日安排的通知",
        holidays: &[
            ("元旦", "2023-01-01", "2023-01-02"),
            ("春节", "2023-01-21", "2023-01-27"),
            ("清明节", "2023-04-05", "2023-04-05"),
            ("劳动节", "2023-04-29", "2023-05-03"),
            ("端午节", "2023-06-22", "2023-06-24"),
            ("中秋节、国庆节", "2023-09-29", "2023-10-06"),
            ("元旦", "2023-12-30", "2023-12-31"),
        ],
        makeup_workdays: &[
            "2023-01-28",
            "2023-01-29",
            "2023-04-23",
            "2023-05-06",
            "2023-06-25",
            "2023-10-07",
            "2023-10-08",
        ],
    },
    Year {
        year: 2024,
        source: "国务院办公厅关于2024年部分节假日安排的通知（2023年10月）",
        holidays: &[
            ("元旦", "2024-01-01", "2024-01-01"),
            ("春节", "2024-02-10", "2024-02-17"),
            ("清明节", "2024-04-04", "2024-04-06"),
            ("劳动节", "2024-05-01", "2024-05-05"),
            ("端午节", "2024-06-10", "2024-06-10"),
            ("中秋节", "2024-09-15", "2024-09-17"),
            ("国庆节", "2024-10-01", "2024-10-07"),
        ],
        makeup_workdays: &[
            "2024-02-04",
            "2024-02-18",
            "2024-04-07",
            "2024-04-28",
            "2024-05-11",
            "2024-09-14",
            "2024-09-29",
            "2024-10-12",
        ],
    },
    Year {
        year: 2025,
        source: "国务院办公厅关于2025年部分节假日安排的通知（2024年11月）",
        holidays: &[
            ("元旦", "2025-01-01", "2025-01-01"),
            ("春节", "2025-01-28", "2025-02-04"),
            ("清明节", "2025-04-04", "2025-04-06"),
            ("劳动节", "2025-05-01", "2025-05-05"),
            ("端午节", "2025-05-31", "2025-06-02"),
            ("国庆节、中秋节", "2025-10-01", "2025-10-08"),
        ],
        makeup_workdays: &[
            "2025-01-26",
            "2025-02-08",
            "2025-04-27",
            "2025-09-28",
            "2025-10-11",
        ],
    },
    Year {
        year: 2026,
        // Late December 2026 could still be touched by the 2027 notice (not published when this
        // table was written); 1 January 2027 is a Friday, so a change is unlikely but possible.
        source: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）",
        holidays: &[
            ("元旦", "2026-01-01", "2026-01-03"),
            ("春节", "2026-02-15", "2026-02-23"),
            ("清明节", "2026-04-04", "2026-04-06"),
            ("劳动节", "2026-05-01", "2026-05-05"),
            ("端午节", "2026-06-19", "2026-06-21"),
            ("中秋节", "2026-09-25", "2026-09-27"),
            ("国庆节", "2026-10-01", "2026-10-07"),
        ],
        makeup_workdays: &[
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ],
    },
];
