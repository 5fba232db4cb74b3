//! The record's JSON, fast where it is large: the `selected` list (2.35 million entries for a
//! draw from 10⁷ targets) is written and read by hand, on both cores, and the rest by serde.
//!
//! Both directions are exact: the text written is byte for byte what `serde_json`'s pretty
//! printer writes (the tests compare them), and a text is read by hand only when its list has
//! exactly that layout; anything else (other white space, other field order, escapes in an
//! id, a bad value) is read by `serde_json` from the start, so its result and its errors are
//! serde's.

use super::{DrawRecord, SelectedTarget};
use crate::ids::TargetId;
use crate::risk::Stratum;

/// Below this many entries the list is written and read on one thread.
const PARALLEL_FROM: usize = if cfg!(test) { 8 } else { 100_000 };

/// How the list starts in a pretty record: the last key, at the top level (a string in a
/// pretty record cannot hold a raw line break, so this is structure, never text).
const LIST_START: &str = ",\n  \"selected\": [\n";
/// How it ends, and the record with it.
const LIST_END: &str = "\n  ]\n}";
/// Between two entries.
const BETWEEN: &str = ",\n";

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// `serde_json::to_string_pretty(record)` followed by `suffix`, with the list written by hand.
pub(super) fn to_pretty(record: &DrawRecord, suffix: &str) -> String {
    let head = DrawRecord {
        format: record.format.clone(),
        algorithm: record.algorithm.clone(),
        library_version: record.library_version.clone(),
        request: record.request.clone(),
        pool: record.pool,
        out_of_scope: record.out_of_scope,
        exclusions: record.exclusions,
        strata: record.strata,
        grade_rules: record.grade_rules.clone(),
        selected: Vec::new(),
    };
    let serde_text = || serde_json::to_string_pretty(record).unwrap_or_default() + suffix;
    let mut text = serde_json::to_string_pretty(&head).unwrap_or_default();
    if record.selected.is_empty() {
        text.push_str(suffix);
        return text;
    }
    // The head ends `"selected": []\n}`: the list goes between the brackets.
    let Some(stem) = text.strip_suffix("[]\n}") else {
        return serde_text();
    };
    let stem_len = stem.len();
    text.truncate(stem_len);
    text.push_str("[\n");
    let list = &record.selected;
    let parts = if list.len() < PARALLEL_FROM {
        1
    } else {
        threads()
    };
    // The exact length of each part first, so that the text is allocated once and each part
    // written in place by its own thread (no growing, no copying the parts together).
    let chunk = list.len().div_ceil(parts);
    let lens: Vec<usize> = list
        .chunks(chunk)
        .map(|c| entries_len(c) + BETWEEN.len())
        .collect();
    let mut bytes = text.into_bytes();
    let head_len = bytes.len();
    let body: usize = lens.iter().sum::<usize>() - BETWEEN.len();
    bytes.reserve_exact(body + BETWEEN.len() + LIST_END.len() + suffix.len());
    bytes.resize(head_len + body + BETWEEN.len() + LIST_END.len(), 0);
    let mut rest = &mut bytes[head_len..];
    let mut slots = Vec::with_capacity(lens.len());
    for &len in &lens {
        let (slot, after) = rest.split_at_mut(len);
        slots.push(slot);
        rest = after;
    }
    let write = |(c, slot): (&[SelectedTarget], &mut [u8])| {
        let mut w = Cursor { out: slot, at: 0 };
        write_entries(c, &mut w);
        w.put(BETWEEN.as_bytes());
    };
    if parts == 1 {
        list.chunks(chunk).zip(slots).for_each(write);
    } else {
        std::thread::scope(|s| {
            for job in list.chunks(chunk).zip(slots) {
                s.spawn(move || write(job));
            }
        });
    }
    // The last part's separator becomes the list's end.
    let end = bytes.len() - LIST_END.len() - BETWEEN.len();
    bytes.truncate(end);
    bytes.extend_from_slice(LIST_END.as_bytes());
    bytes.extend_from_slice(suffix.as_bytes());
    // Every part is UTF-8 (ids are strings, the rest ASCII); the check is cheap next to the
    // writing.
    String::from_utf8(bytes).unwrap_or_else(|_| serde_text())
}

/// Writes into a slice of the exact length.
struct Cursor<'a> {
    out: &'a mut [u8],
    at: usize,
}

impl Cursor<'_> {
    fn put(&mut self, bytes: &[u8]) {
        // The lengths were counted by the same rules; a slot too short would lose text, so
        // the test suite compares every text with serde's.
        if let Some(dst) = self.out.get_mut(self.at..self.at + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        self.at += bytes.len();
    }
}

const ENTRY_OPEN: &[u8] = b"    {\n      \"id\": ";
const ENTRY_STRATUM: &[u8] = b",\n      \"stratum\": ";
const ENTRY_P: &[u8] = b",\n      \"inclusion_probability\": ";
const ENTRY_W: &[u8] = b",\n      \"design_weight\": ";
const ENTRY_CLOSE: &[u8] = b"\n    }";

/// The length of the entries as [`write_entries`] writes them.
fn entries_len(list: &[SelectedTarget]) -> usize {
    let fixed =
        ENTRY_OPEN.len() + ENTRY_STRATUM.len() + ENTRY_P.len() + ENTRY_W.len() + ENTRY_CLOSE.len();
    let mut p = FloatText::default();
    let mut w = FloatText::default();
    let mut total = list.len().saturating_sub(1) * BETWEEN.len();
    for t in list {
        total += fixed
            + string_len(t.id.as_str())
            + stratum_text(t.stratum).len()
            + p.text(t.inclusion_probability).len()
            + w.text(t.design_weight).len();
    }
    total
}

fn needs_escape(s: &str) -> bool {
    s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
}

fn string_len(s: &str) -> usize {
    if needs_escape(s) {
        serde_json::to_vec(s).map_or(0, |v| v.len())
    } else {
        s.len() + 2
    }
}

/// A stratum as serde_json writes it.
fn stratum_text(s: Stratum) -> &'static [u8] {
    match s {
        Stratum::A => b"\"A\"",
        Stratum::B => b"\"B\"",
        Stratum::C => b"\"C\"",
        Stratum::D => b"\"D\"",
        Stratum::Ungraded => b"\"ungraded\"",
    }
}

/// The entries, pretty-printed at the list's depth, separated by `,\n` (no trailing one).
fn write_entries(list: &[SelectedTarget], out: &mut Cursor<'_>) {
    // Probabilities and weights repeat (one per stratum under uniform weighting): the text of
    // the last value of each is kept.
    let mut p = FloatText::default();
    let mut w = FloatText::default();
    let mut escaped = Vec::new();
    for (i, t) in list.iter().enumerate() {
        if i > 0 {
            out.put(BETWEEN.as_bytes());
        }
        out.put(ENTRY_OPEN);
        let id = t.id.as_str();
        if needs_escape(id) {
            // As serde_json escapes it (ids refuse control characters, but a record read
            // from elsewhere may hold quotes or backslashes).
            escaped.clear();
            let _ = serde_json::to_writer(&mut escaped, id);
            out.put(&escaped);
        } else {
            out.put(b"\"");
            out.put(id.as_bytes());
            out.put(b"\"");
        }
        out.put(ENTRY_STRATUM);
        out.put(stratum_text(t.stratum));
        out.put(ENTRY_P);
        out.put(p.text(t.inclusion_probability));
        out.put(ENTRY_W);
        out.put(w.text(t.design_weight));
        out.put(ENTRY_CLOSE);
    }
}

/// The text serde_json writes for a float, remembered for the last value.
#[derive(Default)]
struct FloatText {
    bits: Option<u64>,
    text: Vec<u8>,
}

impl FloatText {
    fn text(&mut self, v: f64) -> &[u8] {
        if self.bits != Some(v.to_bits()) {
            self.text.clear();
            let _ = serde_json::to_writer(&mut self.text, &v);
            self.bits = Some(v.to_bits());
        }
        &self.text
    }
}

/// Reads a record whose list has the layout [`to_pretty`] writes; `None` when it does not (or
/// holds anything the hand reader does not take), for serde_json to read it instead.
pub(super) fn from_pretty(text: &str) -> Option<Result<DrawRecord, serde_json::Error>> {
    // The first occurrence: the list's entries are indented deeper, so it occurs once.
    let start = text.find(LIST_START)?;
    let body_start = start + LIST_START.len();
    let rest = &text[body_start..];
    let end = rest.rfind(LIST_END)?;
    if !rest[end + LIST_END.len()..]
        .bytes()
        .all(|b| b.is_ascii_whitespace())
    {
        return None;
    }
    let body = &rest[..end];
    // The head, with an empty list in the list's place, is read by serde (every check of the
    // record's other fields, duplicates and unknown fields included).
    let mut head = String::with_capacity(start + 32);
    head.push_str(&text[..start]);
    head.push_str(",\n  \"selected\": []\n}");
    let mut record: DrawRecord = match serde_json::from_str(&head) {
        Ok(r) => r,
        // serde reads the whole text again for an error at its true line and column.
        Err(_) => return None,
    };
    record.selected = read_entries_split(body)?;
    Some(Ok(record))
}

/// The entries of the list's body, in parts on several threads when it is long.
fn read_entries_split(body: &str) -> Option<Vec<SelectedTarget>> {
    let parts = if body.len() < PARALLEL_FROM * 100 {
        1
    } else {
        threads()
    };
    // Cut the body at entry boundaries near equal shares.
    let mut cuts = vec![0];
    for k in 1..parts {
        let from = (body.len() * k / parts).max(*cuts.last().unwrap_or(&0));
        let Some(i) = body.get(from..).and_then(|b| b.find("\n    },\n    {\n")) else {
            break;
        };
        // The cut falls after `\n    }` and its `,\n`.
        cuts.push(from + i + "\n    },\n".len());
    }
    cuts.push(body.len() + BETWEEN.len());
    if cuts.len() == 2 {
        return read_entries(body);
    }
    let pieces: Vec<&str> = cuts
        .windows(2)
        .map(|w| body.get(w[0]..w[1] - BETWEEN.len()))
        .collect::<Option<_>>()?;
    let lists: Vec<Option<Vec<SelectedTarget>>> = std::thread::scope(|s| {
        let handles: Vec<_> = pieces
            .iter()
            .map(|p| s.spawn(move || read_entries(p)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let mut out = Vec::with_capacity(lists.iter().flatten().map(Vec::len).sum());
    for list in lists {
        out.extend(list?);
    }
    Some(out)
}

/// Entries separated by `,\n`, each exactly as [`write_entries`] writes one.
fn read_entries(body: &str) -> Option<Vec<SelectedTarget>> {
    let mut out = Vec::with_capacity(body.len() / 120);
    let mut s = body;
    let mut last_p: Option<(&str, f64)> = None;
    let mut last_w: Option<(&str, f64)> = None;
    loop {
        s = s.strip_prefix("    {\n      \"id\": \"")?;
        let close = s.find(['"', '\\'])?;
        if s.as_bytes()[close] != b'"' {
            return None;
        }
        let id = TargetId::new(&s[..close]).ok()?;
        s = s[close + 1..].strip_prefix(",\n      \"stratum\": \"")?;
        let close = s.find('"')?;
        let stratum = match &s[..close] {
            "A" => Stratum::A,
            "B" => Stratum::B,
            "C" => Stratum::C,
            "D" => Stratum::D,
            "ungraded" => Stratum::Ungraded,
            _ => return None,
        };
        s = s[close + 1..].strip_prefix(",\n      \"inclusion_probability\": ")?;
        let (p, after) = number(s, &mut last_p, b',')?;
        s = after.strip_prefix(",\n      \"design_weight\": ")?;
        let (w, after) = number(s, &mut last_w, b'\n')?;
        s = after.strip_prefix("\n    }")?;
        out.push(SelectedTarget {
            id,
            stratum,
            inclusion_probability: p,
            design_weight: w,
        });
        if s.is_empty() {
            return Some(out);
        }
        s = s.strip_prefix(BETWEEN)?;
    }
}

/// A JSON number up to `stop`, and the text after it; the last one read is remembered (values
/// repeat). Only JSON's number grammar is taken, and only finite values.
fn number<'a>(s: &'a str, last: &mut Option<(&'a str, f64)>, stop: u8) -> Option<(f64, &'a str)> {
    let len = s.bytes().position(|b| b == stop)?;
    let token = &s[..len];
    if let Some((t, v)) = last
        && *t == token
    {
        return Some((*v, &s[len..]));
    }
    if !is_json_number(token) {
        return None;
    }
    // Rust's parser rounds correctly, as serde_json does with `float_roundtrip`.
    let v: f64 = token.parse().ok().filter(|v: &f64| v.is_finite())?;
    *last = Some((token, v));
    Some((v, &s[len..]))
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn is_json_number(t: &str) -> bool {
    let b = t.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - from
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A real record (a golden vector's), whose list the tests replace.
    fn base() -> DrawRecord {
        let vector: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../tests/vectors/draws/uniform-basic.json"
        ))
        .unwrap();
        serde_json::from_value(vector["record"].clone()).unwrap()
    }

    fn entry() -> impl Strategy<Value = Option<SelectedTarget>> {
        (
            prop_oneof!["[A-Z0-9]{1,18}", "[a-z\"\\\\/ 甲乙丙é-]{1,8}", "\\PC{1,6}",],
            0usize..5,
            prop_oneof![Just(0.05), Just(1.0), any::<f64>(), 0.0f64..1.0],
            prop_oneof![Just(20.0), Just(1.0), any::<f64>()],
        )
            .prop_map(|(id, s, p, w)| {
                Some(SelectedTarget {
                    id: TargetId::new(id).ok()?,
                    stratum: Stratum::ALL[s],
                    inclusion_probability: p,
                    design_weight: w,
                })
            })
    }

    fn record_with(list: Vec<Option<SelectedTarget>>) -> DrawRecord {
        let mut r = base();
        r.selected = list.into_iter().flatten().collect();
        r
    }

    /// Grade rules, none half the time (the records of pools read without a mapping file).
    fn rules() -> impl Strategy<Value = Vec<super::super::GradeRule>> {
        prop::collection::vec(("[A-Z甲五级\\\"类]{1,4}", 0usize..5), 0..3).prop_map(|v| {
            v.into_iter()
                .map(|(label, s)| super::super::GradeRule {
                    label,
                    stratum: Stratum::ALL[s],
                })
                .collect()
        })
    }

    proptest! {
        /// What is written is serde_json's pretty text, byte for byte.
        #[test]
        fn writes_what_serde_writes(
            list in prop::collection::vec(entry(), 0..40),
            rules in rules(),
        ) {
            let mut r = record_with(list);
            r.grade_rules = rules;
            prop_assert_eq!(to_pretty(&r, ""), serde_json::to_string_pretty(&r).unwrap());
            prop_assert_eq!(to_pretty(&r, "\n"), serde_json::to_string_pretty(&r).unwrap() + "\n");
        }

        /// What is read is what serde reads, for the text as written and for any edit of it:
        /// the same record, or the same error.
        #[test]
        fn reads_what_serde_reads(
            list in prop::collection::vec(entry(), 0..40),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..6), 0..3),
            rules in rules(),
        ) {
            let mut r = record_with(list);
            r.grade_rules = rules;
            let mut text = to_pretty(&r, "");
            if edits.is_empty() && r.selected.iter().all(|t| t.inclusion_probability.is_finite()
                && t.design_weight.is_finite())
            {
                prop_assert_eq!(DrawRecord::from_json(&text).unwrap(), r.clone());
            }
            for (at, what) in edits {
                let i = at.index(text.len().max(1));
                let i = (0..=i).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                let insert = ["", " ", "\n", "x", "\"", "7"][usize::from(what)];
                if what == 0 {
                    // Delete one character.
                    if let Some(c) = text[i..].chars().next() {
                        text.replace_range(i..i + c.len_utf8(), "");
                    }
                } else {
                    text.insert_str(i, insert);
                }
            }
            let ours = DrawRecord::from_json(&text).map_err(|e| e.to_string());
            let serde: Result<DrawRecord, String> =
                serde_json::from_str(&text).map_err(|e| e.to_string());
            prop_assert_eq!(ours, serde);
        }
    }

    #[test]
    fn grade_rules_are_absent_when_empty_and_kept_when_given() {
        let r = base();
        assert!(r.grade_rules.is_empty());
        let text = to_pretty(&r, "");
        assert!(!text.contains("grade_rules"), "{text}");
        let mut with = r.clone();
        with.grade_rules = vec![super::super::GradeRule {
            label: "E".into(),
            stratum: Stratum::D,
        }];
        let text = to_pretty(&with, "");
        assert!(
            text.contains("\"grade_rules\": [\n    {\n      \"label\": \"E\",\n      \"stratum\": \"D\"\n    }\n  ],\n  \"selected\""),
            "{text}"
        );
        assert_eq!(DrawRecord::from_json(&text).unwrap(), with);
    }

    #[test]
    fn long_lists_are_written_and_read_in_parts_the_same() {
        let list = (0..5000)
            .map(|i| {
                Some(SelectedTarget {
                    id: TargetId::new(format!("T{i:08}")).unwrap(),
                    stratum: Stratum::ALL[i % 5],
                    inclusion_probability: [0.05, 0.2, 0.6, 1.0, 0.3][i % 5],
                    design_weight: [20.0, 5.0, 5.0 / 3.0, 1.0, 10.0 / 3.0][i % 5],
                })
            })
            .collect();
        let r = record_with(list);
        let text = to_pretty(&r, "\n");
        assert_eq!(text, serde_json::to_string_pretty(&r).unwrap() + "\n");
        // The hand reader took it (not serde), in parts, line break and all.
        let read = from_pretty(&text)
            .expect("the layout is the writer's")
            .unwrap();
        assert_eq!(read, r);
        assert!(text.len() >= PARALLEL_FROM * 100);
    }
}
