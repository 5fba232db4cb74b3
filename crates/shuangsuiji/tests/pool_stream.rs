//! The streaming pool reader (`read_frozen_pool`, `PoolCsvReader`) against the adjustable
//! path (`read_target_pool` then `into_frozen`) on generated texts, good and bad: the same pool
//! (digest, notes, the line of every target) or the same error (file, line, field, message),
//! however the text is cut into pieces.

use proptest::prelude::*;
use shuangsuiji::ids::TargetId;
use shuangsuiji::pool_csv::{
    CsvError, PoolCsvReader, lines_after_header, parse_pool, read_frozen_pool, read_target_pool,
};
use std::sync::Arc;

/// One of the good values, or now and then one of the bad.
fn pick(good: Vec<&'static str>, bad: Vec<&'static str>) -> BoxedStrategy<String> {
    if bad.is_empty() {
        return prop::sample::select(good).prop_map(str::to_owned).boxed();
    }
    prop_oneof![
        600 => prop::sample::select(good).prop_map(str::to_owned),
        1 => prop::sample::select(bad).prop_map(str::to_owned),
    ]
    .boxed()
}

/// Cells of each column, the bad ones rarer.
fn cell(column: &'static str) -> BoxedStrategy<String> {
    match column {
        // Ids now and then repeat, look alike (O and 0, l and 1, Cyrillic Е, full-width
        // digits) or are refused.
        "id" => prop_oneof![
            2000 => (0u32..4000).prop_map(|n| format!("E{n:03}")),
            40 => prop::sample::select(vec!["E001", "EO01", "E00l", "\u{415}001", "E\u{ff10}01", "企业9", "T-01"])
                .prop_map(str::to_owned),
            1 => prop::sample::select(vec!["", " E7", "E\u{200B}8", "Cafe\u{301}"])
                .prop_map(str::to_owned),
        ]
        .boxed(),
        "grade" => pick(vec!["A", "b", "C", "D", "", " a "], vec!["E", "AA"]),
        "credit_code" => pick(
            vec!["", "91350100M000100Y43"],
            vec!["91350100M000100Y44", "x", "91350100M0001O0Y43"],
        ),
        "kind" => pick(
            vec!["", "enterprise", "non_market", " product"],
            vec!["company"],
        ),
        "status" => pick(vec!["", "active", "revoked", "moved_out"], vec!["closed"]),
        "risk_score" => pick(vec!["", "1", "7", " 1000000"], vec!["0", "-1", "x", "1000001"]),
        "positive_list" => pick(vec!["", "是", "否", "TRUE", "0", " yes"], vec!["maybe"]),
        "tags" => pick(
            vec!["", "食品经营", "食品经营;餐饮服务", " 餐饮服务 ; 食品经营 ;", ";;"],
            vec!["a\u{1}b"],
        ),
        "name" => pick(
            vec!["", "甲", "\"甲, 乙\"", "\"two\nlines\"", "\"a \"\"q\"\" b\"", "\"x\r\ny\""],
            vec![],
        ),
        "region" | "industry" | "grid" => pick(vec!["", "4202", "420281", "F52"], vec![]),
        "备注" => pick(vec!["", "x", "\"y, z\""], vec![]),
        _ => pick(vec![""], vec![]),
    }
}

/// Cells of a history of the pool whose ids are `ids`.
fn history_cell(ids: &[String], column: &'static str) -> BoxedStrategy<String> {
    match column {
        "target_id" if !ids.is_empty() => prop_oneof![
            300 => prop::sample::select(ids.to_vec()),
            1 => prop::sample::select(vec!["E9", "", "T-01"]).prop_map(str::to_owned),
        ]
        .boxed(),
        "target_id" => prop::sample::select(vec!["E9", "", "T-01"])
            .prop_map(str::to_owned)
            .boxed(),
        "date" => pick(
            vec!["2026-03-01", "2025-12-31", " 2026-01-05"],
            vec!["2026/01/01", "2026-13-01", "10000-01-01", ""],
        ),
        "department" => pick(vec!["D01", "市场监管局"], vec!["", " D"]),
        "item" => pick(vec!["", "SC-001"], vec![" x"]),
        "inspectors" => pick(vec!["", "P1", "P2;P1", " P3 ;"], vec!["P\u{200B}"]),
        _ => pick(vec![""], vec![]),
    }
}

const POOL_HEADER: [&str; 13] = [
    "id",
    "grade",
    "credit_code",
    "name",
    "kind",
    "region",
    "industry",
    "grid",
    "status",
    "risk_score",
    "positive_list",
    "tags",
    "备注",
];
const HISTORY_HEADER: [&str; 5] = ["target_id", "date", "department", "item", "inspectors"];

/// The cells of a column.
type CellFn = Arc<dyn Fn(&'static str) -> BoxedStrategy<String> + Send + Sync>;

/// A text: a header of some of the columns (in any order, sometimes spelt loosely, sometimes
/// missing a required one or naming one twice), rows of their cells joined with any line end,
/// blank lines and rows of empty cells, rows with a field too many or too few.
fn table(
    header: &'static [&'static str],
    required: usize,
    cell: CellFn,
    rows: usize,
) -> impl Strategy<Value = (String, Vec<String>)> {
    let columns =
        prop::sample::subsequence(header[required..].to_vec(), 0..header.len() - required)
            .prop_flat_map(move |extra| {
                let mut cols: Vec<&'static str> = header[..required].to_vec();
                cols.extend(extra);
                Just(cols).prop_shuffle()
            });
    (
        columns,
        any::<u8>(),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
        any::<bool>(),
    )
        .prop_flat_map(move |(cols, quirk, end, bom)| {
            let row = cols.iter().map(|&c| cell(c)).collect::<Vec<_>>();
            let first = header[0];
            let rows = prop::collection::vec((row, 0u16..1000), 0..rows);
            (
                Just(cols),
                Just(quirk),
                Just(end),
                Just(bom),
                rows,
                Just(first),
            )
        })
        .prop_map(|(cols, quirk, end, bom, rows, first)| {
            let k = cols.iter().position(|&c| c == first).unwrap_or(0);
            let firsts: Vec<String> = rows.iter().map(|(cells, _)| cells[k].clone()).collect();
            let mut names: Vec<String> = cols.iter().map(|c| (*c).to_owned()).collect();
            match quirk % 40 {
                0 => names[0] = format!(" {} ", names[0].to_uppercase()),
                1 if names.len() > 1 => names.push(names[1].clone()),
                2 => {
                    names.remove(0);
                }
                _ => {}
            }
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&names.join(","));
            for (mut cells, odd) in rows {
                text.push_str(end);
                match odd {
                    0 => text.push_str(end),
                    1 | 2 => text.push_str(&",".repeat(cells.len().saturating_sub(1))),
                    3 => cells.push("extra".into()),
                    4 if cells.len() > 1 => {
                        cells.pop();
                    }
                    _ => {}
                }
                text.push_str(&cells.join(","));
            }
            if quirk % 3 == 0 {
                text.push_str(end);
            }
            (text, firsts)
        })
}

/// The pool the adjustable path reads, as (digest, notes, line of each id), or its error.
type Read = Result<(String, Vec<String>, Vec<(String, u64)>), CsvError>;

fn old_path(pool: &str, history: Option<&str>) -> Read {
    let read = read_target_pool("p.csv", pool, history.map(|h| ("h.csv", h)))?;
    let frozen = read.value.into_frozen();
    let rows = parse_pool("p.csv", pool)?.value;
    let mut lines: Vec<(String, u64)> = rows
        .lines()
        .map(|(id, l)| (id.as_str().to_owned(), l))
        .collect();
    lines.sort();
    Ok((frozen.digest().to_hex(), read.notes, lines))
}

fn new_path(pool: &str, history: Option<&str>, cuts: &[usize]) -> Read {
    let read = if cuts.is_empty() {
        read_frozen_pool("p.csv", pool, history.map(|h| ("h.csv", h)))?
    } else {
        // The same text fed in pieces, cut between characters.
        let mut reader = PoolCsvReader::new("p.csv");
        if cuts.len() % 2 == 1 {
            // Told the rows to expect: the digest is taken as they are read.
            reader.expect_rows(lines_after_header(pool));
        }
        let mut at = 0;
        for &c in cuts {
            let mut c = c % (pool.len() + 1);
            while !pool.is_char_boundary(c) {
                c -= 1;
            }
            if c > at {
                reader.feed(&pool[at..c]);
                at = c;
            }
        }
        reader.feed(&pool[at..]);
        let mut parsed = reader.finish()?;
        if let Some(h) = history {
            let mut reader = parsed.value.history("h.csv");
            for piece in h.split_inclusive(',') {
                reader.feed(piece);
            }
            parsed.notes.extend(reader.finish()?.notes);
        }
        shuangsuiji::pool_csv::Parsed {
            value: parsed.value.freeze()?,
            notes: parsed.notes,
        }
    };
    let file = read.value;
    let mut lines: Vec<(String, u64)> = file
        .pool()
        .ids()
        .map(|id| {
            let line = file.line_of(&TargetId::new(id).unwrap()).unwrap();
            (id.to_owned(), line)
        })
        .collect();
    lines.sort();
    Ok((file.pool().digest().to_hex(), read.notes, lines))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn the_stream_reads_what_the_adjustable_path_reads(
        (pool, history) in table(&POOL_HEADER, 2, Arc::new(cell), 40).prop_flat_map(|(pool, ids)| {
            let history = table(&HISTORY_HEADER, 3, Arc::new(move |c| history_cell(&ids, c)), 12)
                .prop_map(|(text, _)| text);
            (Just(pool), prop::option::of(history))
        }),
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let old = old_path(&pool, history.as_deref());
        let mut sorted_cuts = cuts.clone();
        sorted_cuts.sort_unstable_by_key(|c| c % (pool.len() + 1));
        let new = new_path(&pool, history.as_deref(), &sorted_cuts);
        prop_assert_eq!(&old, &new, "pool {:?}\nhistory {:?}", pool, history);
    }
}

#[test]
fn the_digest_taken_while_reading_is_the_digest() {
    // Sorted rows (digest while reading), the same shuffled (after the sort), a wrong count,
    // and a history added: one digest.
    let rows: Vec<String> = (0..5000)
        .map(|i| format!("E{i:05},{},x{i}", ["A", "B", ""][i % 3]))
        .collect();
    let sorted = format!("id,grade,name\n{}\n", rows.join("\n"));
    let mut shuffled = rows.clone();
    shuffled.reverse();
    shuffled.swap(10, 4000);
    let shuffled = format!("id,grade,name\n{}\n", shuffled.join("\n"));
    let digest = |text: &str, expect: Option<u64>| {
        let mut r = PoolCsvReader::new("p.csv");
        if let Some(n) = expect {
            r.expect_rows(n);
        }
        for piece in text.as_bytes().chunks(777) {
            r.feed(std::str::from_utf8(piece).unwrap());
        }
        r.finish().unwrap().value.freeze().unwrap().pool().digest()
    };
    let expected = read_target_pool("p.csv", &sorted, None)
        .unwrap()
        .value
        .into_frozen()
        .digest();
    for (text, expect) in [
        (&sorted, Some(5000)),
        (&sorted, Some(4999)),
        (&sorted, None),
        (&shuffled, Some(5000)),
    ] {
        assert_eq!(digest(text, expect), expected);
    }
    let history = "target_id,date,department\nE00007,2026-01-01,D\n";
    let mut r = PoolCsvReader::new("p.csv");
    r.expect_rows(5000);
    r.feed(&sorted);
    let mut rows = r.finish().unwrap().value;
    let mut h = rows.history("h.csv");
    h.feed(history);
    h.finish().unwrap();
    let with = rows.freeze().unwrap().pool().digest();
    let old = read_target_pool("p.csv", &sorted, Some(("h.csv", history))).unwrap();
    assert_eq!(with, old.value.into_frozen().digest());
    assert_ne!(with, expected);
}

#[test]
fn a_bad_cell_before_a_bad_shape_loses_to_it() {
    // The shape of every row is checked first, as the adjustable path reads all rows first.
    let text = "id,grade\nT1,E\nT2,A,extra\n";
    let old = read_target_pool("p.csv", text, None).unwrap_err();
    let new = read_frozen_pool("p.csv", text, None).unwrap_err();
    assert_eq!(old, new);
    assert_eq!(
        new.to_string(),
        "p.csv:3: 3 fields, but the header has 2 columns"
    );
    // A duplicate before a bad cell, and a bad cell before a duplicate.
    for (text, expected) in [
        (
            "id,grade\nT1,A\nT1,E\n",
            "p.csv:3: field `id`: duplicate id \"T1\": first on line 2, again on line 3",
        ),
        (
            "id,grade\nT1,E\nT1,A\n",
            "p.csv:2: field `grade`: \"E\" is not a credit-risk grade: expected A, B, C or D \
             (or empty for ungraded)",
        ),
    ] {
        assert_eq!(
            read_frozen_pool("p.csv", text, None)
                .unwrap_err()
                .to_string(),
            expected
        );
        assert_eq!(
            read_target_pool("p.csv", text, None)
                .unwrap_err()
                .to_string(),
            expected
        );
    }
}

#[test]
fn history_dates_far_out_are_refused_alike() {
    let pool = "id,grade\nT2,A\nT1,B\n";
    for date in [
        "10000-01-01",
        "+10000-01-01",
        "-0001-01-01",
        "-10000-01-01",
        "0000-01-01",
    ] {
        let history = format!("target_id,date,department\nT1,2026-01-01,D\nT2,{date},D\n");
        let old = read_target_pool("p.csv", pool, Some(("h.csv", &history)));
        let new = read_frozen_pool("p.csv", pool, Some(("h.csv", &history)));
        match (old, new) {
            (Err(a), Err(b)) => assert_eq!(a, b, "{date}"),
            (Ok(a), Ok(b)) => assert_eq!(a.value.freeze().digest(), b.value.pool().digest()),
            (a, b) => panic!("{date}: {:?} against {:?}", a.err(), b.err()),
        }
    }
}
