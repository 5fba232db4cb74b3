//! Draw records: read from any JSON and verified, and drawn from fuzzer-chosen requests.
//!
//! Input: when the first byte is odd (`{` is 0x7B), the whole input is the JSON text of a
//! record (`DrawRecord::from_json`), verified against the fixed pool
//! (`shuangsuiji_fuzz::pool`); otherwise the rest of the bytes build a draw request over that
//! pool (`shuangsuiji_fuzz::RequestSpec`).
//!
//! Invariants, for any JSON:
//! - reading and verifying never panic, nor does showing the outcome;
//! - an accepted record written back as JSON reads back equal;
//! - a record that verifies is exactly what drawing its request from the pool gives.
//!
//! For a drawn record:
//! - it verifies (and so does its JSON read back, which is equal to it);
//! - drawing from the pool in shards gives the same sample as drawing it whole;
//! - changing its listed sample (dropping a target) makes it fail verification.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shuangsuiji::draw::{sample, sample_sharded};
use shuangsuiji::record::{DrawRecord, draw, verify};
use shuangsuiji::risk::Stratum;
use shuangsuiji_fuzz::{RequestSpec, build, pool};

/// The record's content that a draw determines (everything but the library version and the
/// stated origin of the seed, which the re-run ignores).
fn same_draw(a: &DrawRecord, b: &DrawRecord) -> bool {
    a.format == b.format
        && a.algorithm == b.algorithm
        && a.request == b.request
        && a.pool == b.pool
        && a.out_of_scope == b.out_of_scope
        && a.exclusions == b.exclusions
        && a.strata == b.strata
        && a.selected == b.selected
}

fn from_json(text: &str) {
    let Ok(record) = DrawRecord::from_json(text) else {
        return;
    };
    let written = record.to_json();
    let again = DrawRecord::from_json(&written)
        .unwrap_or_else(|e| panic!("a record as written is refused: {e}\n{written}"));
    assert_eq!(again, record, "written and read back differs");
    // The draw re-run recounts the fixed pool's 300 targets, whatever counts the record
    // states, so the known allocation overflow cannot be met here.
    let pool = pool();
    let outcome = verify(&record, pool);
    let shown = outcome.to_string();
    if outcome.is_ok() {
        assert_eq!(shown, "the record reproduces exactly");
        let redrawn = draw(pool, &record.request)
            .unwrap_or_else(|e| panic!("a record that verifies cannot be drawn again: {e}"));
        assert!(
            same_draw(&redrawn, &record),
            "a record that verifies is not what its request draws"
        );
    } else {
        assert!(
            shown.starts_with("the record does not reproduce"),
            "{shown}"
        );
    }
}

fn drawn(spec: &RequestSpec) {
    let pool = pool();
    let request = spec.request();
    let Ok(record) = draw(pool, &request) else {
        return;
    };
    let outcome = verify(&record, pool);
    assert!(outcome.is_ok(), "a drawn record does not verify: {outcome}");
    let written = record.to_json();
    let again = DrawRecord::from_json(&written)
        .unwrap_or_else(|e| panic!("a drawn record as written is refused: {e}\n{written}"));
    assert_eq!(again, record, "written and read back differs");
    let outcome = verify(&again, pool);
    assert!(
        outcome.is_ok(),
        "a drawn record read back does not verify: {outcome}"
    );

    // Sharding (docs/SAMPLING.md §7) does not change the sample.
    let whole = sample(pool, &request).expect("drawn once, so it draws again");
    let shards = 2 + spec.policy.ratios.iter().flatten().count() % 3;
    let sharded = sample_sharded(&pool.shards(shards), &request)
        .unwrap_or_else(|e| panic!("the whole pool draws but {shards} shards do not: {e}"));
    assert_eq!(sharded, whole, "{shards} shards draw another sample");

    // A record whose sample was cut short does not verify.
    if let Some(dropped) = record.selected.first() {
        let mut cut = record.clone();
        let id = dropped.id.clone();
        cut.selected.remove(0);
        let outcome = verify(&cut, pool);
        assert!(!outcome.is_ok(), "a record without {id} still verifies");
        assert!(outcome.to_string().contains(id.as_str()), "{outcome}");
    }
    // The sample sizes add up to the listed targets.
    let total: u64 = Stratum::ALL
        .iter()
        .map(|&s| record.strata.get(s).sample_size)
        .sum();
    assert_eq!(total, record.selected.len() as u64);
}

fuzz_target!(|data: &[u8]| {
    match data.first() {
        Some(b) if b & 1 == 1 => from_json(&String::from_utf8_lossy(data)),
        Some(_) => {
            if let Some(spec) = build::<RequestSpec>(&data[1..]) {
                drawn(&spec);
            }
        }
        None => {}
    }
});
