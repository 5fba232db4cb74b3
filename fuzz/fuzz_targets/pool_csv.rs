//! The CSV readers of the two pools (`shuangsuiji::pool_csv`) on arbitrary text.
//!
//! Input: up to three texts separated by NUL bytes: the target pool, its inspection history
//! (read with the pool when present) and an inspector pool. Invalid UTF-8 is replaced, as a
//! lossy reader would (the CLI refuses it before the core sees it).
//!
//! Invariants:
//! - reading never panics, and every error names the file it is in;
//! - an accepted pool written back ([`write_pool`], [`write_history`]) is accepted again with
//!   no notes and freezes to the same entries and the same digest (the promise of the module:
//!   "writing produces exactly what reading accepts");
//! - likewise for an accepted inspector pool ([`write_inspectors`]);
//! - no accepted pool holds two ids a reader takes for one (the same TR39 skeleton,
//!   `docs/SAMPLING.md` §10).
#![no_main]

use libfuzzer_sys::fuzz_target;
use shuangsuiji::ids::skeleton;
use shuangsuiji::pool_csv::{
    CsvError, parse_inspectors, read_target_pool, write_history, write_inspectors, write_pool,
};
use std::collections::HashMap;

fn check_error(e: &CsvError, files: &[&str]) {
    assert!(files.contains(&e.file()), "error in an unknown file: {e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with(e.file()),
        "{shown:?} does not start with its file"
    );
    if let Some(field) = e.field() {
        assert!(e.line().is_some(), "a field without a line: {e}");
        assert!(shown.contains(&format!("field `{field}`")), "{shown:?}");
    }
}

/// Panics when two ids have the same confusable skeleton.
fn no_look_alikes<'a>(ids: impl Iterator<Item = &'a str>) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for id in ids {
        if let Some(other) = seen.insert(skeleton(id), id) {
            panic!("a pool accepted {other:?} and {id:?}, which look alike");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let pool = parts.next().unwrap_or("");
    let history = parts.next();
    let inspectors = parts.next();

    match read_target_pool("pool.csv", pool, history.map(|h| ("history.csv", h))) {
        Err(e) => check_error(&e, &["pool.csv", "history.csv"]),
        Ok(read) => {
            for note in &read.notes {
                assert!(note.starts_with("pool.csv: ") || note.starts_with("history.csv: "));
            }
            let frozen = read.value.freeze();
            no_look_alikes(frozen.ids());
            let targets = frozen.to_targets();
            let pool_text = write_pool("again.csv", &targets)
                .unwrap_or_else(|e| panic!("an accepted pool cannot be written: {e}"));
            let history_text = write_history("again-history.csv", &targets)
                .unwrap_or_else(|e| panic!("an accepted history cannot be written: {e}"));
            let again = read_target_pool(
                "again.csv",
                &pool_text,
                Some(("again-history.csv", &history_text)),
            )
            .unwrap_or_else(|e| {
                panic!("the pool as written is refused: {e}\n{pool_text}\n{history_text}")
            });
            assert!(again.notes.is_empty(), "{:?}", again.notes);
            let again = again.value.freeze();
            assert_eq!(again.to_targets(), targets, "written and read back differs");
            assert_eq!(again.digest(), frozen.digest());
        }
    }

    if let Some(text) = inspectors {
        match parse_inspectors("inspectors.csv", text) {
            Err(e) => check_error(&e, &["inspectors.csv"]),
            Ok(read) => {
                let frozen = read.value.freeze();
                no_look_alikes(frozen.entries().iter().map(|p| p.id.as_str()));
                let written = write_inspectors("again.csv", frozen.entries()).unwrap_or_else(|e| {
                    panic!("an accepted inspector pool cannot be written: {e}")
                });
                let again = parse_inspectors("again.csv", &written).unwrap_or_else(|e| {
                    panic!("the inspectors as written are refused: {e}\n{written}")
                });
                assert!(again.notes.is_empty(), "{:?}", again.notes);
                let again = again.value.freeze();
                assert_eq!(
                    again.entries(),
                    frozen.entries(),
                    "written and read back differs"
                );
                assert_eq!(again.digest(), frozen.digest());
            }
        }
    }
});
