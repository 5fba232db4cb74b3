//! Ids a reader takes for one (docs/SAMPLING.md §10), through the `shuangsuiji` command: a pool
//! file with two look-alike ids, and a draw whose department only looks like the history's,
//! exit 2 naming the file, the lines and the code points that differ.

use std::fs;
use std::path::Path;

mod common;
use common::{Run, expect, p, run};

/// `draw` of the pool text `pool` (and history text), with `extra` arguments.
fn draw(dir: &Path, pool: &str, history: Option<&str>, extra: &[&str]) -> Run {
    let pool_path = dir.join("pool.csv");
    fs::write(&pool_path, pool).unwrap();
    let out = dir.join("r.json");
    let mut args = vec![
        "draw",
        "--pool",
        p(&pool_path),
        "--ratios",
        "A=50%,B=50%,C=50%,D=100%,U=50%",
        "--seed-from",
        "s",
        "--seed-value",
        "v",
        "--task",
        "2026-SCJG-001",
        "--out",
        p(&out),
    ];
    let history_path = dir.join("history.csv");
    if let Some(h) = history {
        fs::write(&history_path, h).unwrap();
        args.extend(["--history", p(&history_path)]);
    }
    args.extend(extra);
    run(&args)
}

#[test]
fn a_pool_file_with_look_alike_ids_names_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let r = draw(
        dir.path(),
        "id,grade\nACME-E1,A\nB-2,B\nACME-\u{415}1,A\n",
        None,
        &[],
    );
    expect(&r, 2);
    let want = "pool.csv:4: field `id`: id \"ACME-\u{415}1\" looks like id \"ACME-E1\" on line 2: \
                they differ at character 6 (U+0415 against U+0045), yet a reader takes them for \
                one id (same confusable skeleton, docs/SAMPLING.md §10)";
    assert!(r.stderr.contains(want), "{}", r.stderr);
}

#[test]
fn the_first_problem_in_file_order_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    // A look-alike (letter l for one) before a bad grade: the look-alike.
    let r = draw(dir.path(), "id,grade\nT1,A\nTl,B\nT3,X\n", None, &[]);
    expect(&r, 2);
    assert!(
        r.stderr
            .contains("pool.csv:3: field `id`: id \"Tl\" looks like id \"T1\" on line 2"),
        "{}",
        r.stderr
    );
    // A bad grade before the look-alike: the grade.
    let r = draw(dir.path(), "id,grade\nT1,A\nT3,X\nTl,B\n", None, &[]);
    expect(&r, 2);
    assert!(
        r.stderr.contains("pool.csv:3: field `grade`"),
        "{}",
        r.stderr
    );
    // Full-width digits and non-breaking hyphens in a task-style id.
    let r = draw(
        dir.path(),
        "id,grade\n2026-SCJG-001,A\n２０２６\u{2011}SCJG\u{2011}００１,A\n",
        None,
        &[],
    );
    expect(&r, 2);
    assert!(
        r.stderr
            .contains("pool.csv:3: field `id`: id \"２０２６\u{2011}SCJG\u{2011}００１\" looks like id \"2026-SCJG-001\" on line 2: they differ at character 1 (U+FF12 against U+0032)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_department_that_only_looks_like_the_historys_stops_the_draw() {
    let dir = tempfile::tempdir().unwrap();
    let mut pool = String::from("id,grade\n");
    for i in 0..20 {
        pool.push_str(&format!("T{i:02},B\n"));
    }
    let history = "target_id,date,department\nT03,2026-06-01,SCJG-E1\n";
    let args = |dept: &'static str| {
        [
            "--exclude-recent",
            "365:same-department",
            "--department",
            dept,
            "--date",
            "2026-11-01",
        ]
    };
    let r = draw(dir.path(), &pool, Some(history), &args("SCJG-\u{415}1"));
    expect(&r, 2);
    assert!(
        r.stderr.contains(
            "the request's department \"SCJG-\u{415}1\" is not the history's \"SCJG-E1\" but looks like it (they differ at character 6 (U+0415 against U+0045)): target T03 was inspected under \"SCJG-E1\" on 2026-06-01"
        ),
        "{}",
        r.stderr
    );
    // Written as the history writes it, the draw goes ahead and leaves T03 out.
    let r = draw(dir.path(), &pool, Some(history), &args("SCJG-E1"));
    expect(&r, 0);
    let record = fs::read_to_string(dir.path().join("r.json")).unwrap();
    assert!(record.contains("\"recently_inspected\": 1"), "{record}");
}
