//! The draw log and output files under faults, run as a user (or a crash) runs the binary:
//! concurrent writers, SIGKILL at any moment, a full disk, lost records, torn logs and
//! published heads (issue 11, parts 2 and 3).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{BIN, Run, expect, finish, p, run};

/// A pool of `n` targets with grades cycling over A–D; ids padded to `id_len` characters, so
/// that records (and log entries) are as large as a test needs.
fn pool(dir: &Path, n: usize, id_len: usize) -> PathBuf {
    let mut text = String::from("id,grade\n");
    for i in 0..n {
        let grade = ["A", "B", "C", "D"][i % 4];
        text.push_str(&format!("{:X>id_len$},{grade}\n", format!("T{i:05}")));
    }
    let path = dir.join("pool.csv");
    fs::write(&path, text).unwrap();
    path
}

const RATIOS: &str = "A=10%,B=20%,C=60%,D=100%";

fn announce_args(pool: &Path, log: &Path, task: &str, plans: &str) -> Vec<String> {
    let mut args = vec![
        "announce".to_owned(),
        "--task".into(),
        task.into(),
        "--pool".into(),
        p(pool).into(),
        "--seed-from".into(),
        "双色球 2026130期".into(),
        "--log".into(),
        p(log).into(),
    ];
    if !plans.is_empty() {
        args.extend(["--plans".into(), plans.into()]);
    }
    args
}

fn draw_args(pool: &Path, log: &Path, task: &str, plan: &str, out: &Path) -> Vec<String> {
    let mut args = vec![
        "draw".to_owned(),
        "--pool".into(),
        p(pool).into(),
        "--ratios".into(),
        RATIOS.into(),
        "--seed-from".into(),
        "双色球 2026130期".into(),
        "--seed-value".into(),
        "03 08 15 21 27 30 + 09".into(),
        "--task".into(),
        task.into(),
        "--out".into(),
        p(out).into(),
        "--log".into(),
        p(log).into(),
    ];
    if !plan.is_empty() {
        args.extend(["--plan".into(), plan.into()]);
    }
    args
}

/// The sequence number in "logged as entry N of" (or "already logged as entry N").
fn logged_seq(stdout: &str) -> Option<u64> {
    let at = stdout.find("logged as entry ")? + "logged as entry ".len();
    let digits: String = stdout[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The log's complete lines as JSON values (a torn tail left out).
fn entries(log: &Path) -> Vec<serde_json::Value> {
    let text = fs::read_to_string(log).unwrap_or_default();
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    complete
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Checks that every entry's `seq` is its position: no gap, no duplicate.
#[track_caller]
fn assert_seqs(entries: &[serde_json::Value]) {
    let seqs: Vec<u64> = entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    let expected: Vec<u64> = (0..entries.len() as u64).collect();
    assert_eq!(seqs, expected);
}

#[test]
fn twenty_concurrent_writers_each_get_their_own_entry_and_the_chain_holds() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(dir.path(), 200, 6);
    let log = dir.path().join("log.jsonl");
    // Twenty writers at once, each announcing its task and then drawing it: forty appends
    // racing for the same log.
    let writers: Vec<_> = (0..20)
        .map(|i| {
            let (pool, log) = (pool.clone(), log.clone());
            let out = dir.path().join(format!("r{i}.json"));
            std::thread::spawn(move || {
                let task = format!("2026-SCJG-{i:03}");
                let a = run(&announce_args(&pool, &log, &task, ""));
                let d = run(&draw_args(&pool, &log, &task, "", &out));
                (task, a, d)
            })
        })
        .collect();
    let results: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    let entries = entries(&log);
    assert_seqs(&entries);
    assert_eq!(entries.len(), 40);
    for (task, a, d) in &results {
        expect(a, 0);
        expect(d, 0);
        for (r, kind) in [(a, "announce"), (d, "draw")] {
            let seq = logged_seq(&r.stdout).expect("a logged run names its entry");
            let e = &entries[seq as usize];
            assert_eq!(e["kind"], kind, "{e}");
            assert_eq!(
                e["record"]["task_id"]
                    .as_str()
                    .or(e["record"]["request"]["task_id"].as_str()),
                Some(task.as_str())
            );
        }
    }
    let r = run(&["log", "verify", p(&log)]);
    expect(&r, 0);
    assert!(r.stdout.contains("40 entries"), "{}", r.stdout);
    assert!(r.stdout.contains("head to publish: 39:"), "{}", r.stdout);
}

#[test]
fn a_second_writer_waits_for_the_lock_then_reports_the_log_busy() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(dir.path(), 40, 6);
    let log = dir.path().join("log.jsonl");
    expect(&run(&announce_args(&pool, &log, "T1", "")), 0);
    let before = fs::read(&log).unwrap();
    let holder = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&log)
        .unwrap();
    holder.lock().unwrap();
    let start = Instant::now();
    let out = dir.path().join("r.json");
    let r = finish(
        Command::new(BIN)
            .args(draw_args(&pool, &log, "T1", "", &out))
            .env("SSJ_LOG_LOCK_TIMEOUT_SECS", "0.5")
            .output()
            .unwrap(),
    );
    assert!(start.elapsed() >= Duration::from_millis(500));
    expect(&r, 2);
    assert!(
        r.stderr.contains(&format!(
            "log busy: {} is locked by another writer (waited 0.5 s)",
            log.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&log).unwrap(), before);
    assert!(!out.exists());
    // Readers wait for writers too; released, both go through.
    let r = finish(
        Command::new(BIN)
            .args(["log", "verify", p(&log)])
            .env("SSJ_LOG_LOCK_TIMEOUT_SECS", "0")
            .output()
            .unwrap(),
    );
    expect(&r, 2);
    assert!(r.stderr.contains("log busy"), "{}", r.stderr);
    holder.unlock().unwrap();
    expect(&run(&draw_args(&pool, &log, "T1", "", &out)), 0);
    // A bad timeout is named.
    let r = finish(
        Command::new(BIN)
            .args(["log", "verify", p(&log)])
            .env("SSJ_LOG_LOCK_TIMEOUT_SECS", "soon")
            .output()
            .unwrap(),
    );
    expect(&r, 2);
    assert!(
        r.stderr
            .contains("SSJ_LOG_LOCK_TIMEOUT_SECS=\"soon\" is not a number of seconds"),
        "{}",
        r.stderr
    );
}

/// The record files of a directory (not the hidden temporary files a killed writer leaves).
fn record_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".json") && !name.starts_with('.')
        })
        .collect();
    v.sort();
    v
}

#[test]
fn sigkill_at_any_moment_loses_nothing_acknowledged_and_tears_no_record() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    fs::create_dir(&records).unwrap();
    // Entries of some 8 KB: a debug build verifies a log of 50 of them quickly.
    let pool = pool(dir.path(), 100, 60);
    let log = dir.path().join("log.jsonl");
    let kills = 50;
    let plans: Vec<String> = (0..kills).map(|i| format!("P{i:02}")).collect();
    expect(&run(&announce_args(&pool, &log, "K", &plans.join(","))), 0);
    // How long an unhindered draw takes, to spread the kills over it.
    let probe = run(&draw_args(
        &pool,
        &log,
        "K",
        "P00",
        &records.join("P00.json"),
    ));
    expect(&probe, 0);
    let started = Instant::now();
    expect(
        &run(&draw_args(
            &pool,
            &log,
            "K",
            "P00",
            &records.join("P00.json"),
        )),
        0,
    );
    let span = started.elapsed().as_micros() as u64;

    // Acknowledged entries: seq → the line as it was when acknowledged.
    let mut acknowledged: BTreeMap<u64, serde_json::Value> = BTreeMap::new();
    let ack = |acknowledged: &mut BTreeMap<u64, serde_json::Value>, r: &Run| {
        let seq = logged_seq(&r.stdout).expect("names its entry");
        acknowledged.insert(seq, entries(&log)[seq as usize].clone());
    };
    ack(&mut acknowledged, &probe);
    let (mut torn, mut verified, mut unlogged, mut unwritten) = (0, 0, 0, 0);
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    for plan in &plans[1..] {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let out = records.join(format!("{plan}.json"));
        let mut child = Command::new(BIN)
            .args(draw_args(&pool, &log, "K", plan, &out))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Every other kill waits for the record's temporary file to appear, then a few
        // hundred microseconds more, to land in the append; the others land anywhere.
        if rng & 1 == 0 {
            let prefix = format!(".{plan}.json.");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline
                && !fs::read_dir(&records).unwrap().any(|e| {
                    e.unwrap()
                        .file_name()
                        .to_string_lossy()
                        .starts_with(&prefix)
                })
            {
                std::thread::sleep(Duration::from_micros(50));
            }
            std::thread::sleep(Duration::from_micros((rng >> 8) % 3000));
        } else {
            std::thread::sleep(Duration::from_micros((rng >> 8) % (span + 1)));
        }
        let _ = child.kill();
        let finished = child.wait_with_output().unwrap();
        if finished.status.success() {
            ack(&mut acknowledged, &finish(finished.clone()));
        }

        // The log verifies, or it ends in a torn tail that a repair drops.
        let v = run(&["log", "verify", p(&log)]);
        if v.code == 1 {
            torn += 1;
            assert!(
                v.stderr
                    .contains("the last entry is incomplete: an interrupted append")
                    && v.stderr.contains("shuangsuiji log repair"),
                "{}",
                v.stderr
            );
            let r = run(&["log", "repair", p(&log)]);
            expect(&r, 0);
            assert!(
                r.stdout
                    .contains("repaired: dropped the interrupted last entry"),
                "{}",
                r.stdout
            );
            expect(&run(&["log", "verify", p(&log)]), 0);
        } else {
            expect(&v, 0);
            verified += 1;
        }
        // Nothing acknowledged is lost.
        let now = entries(&log);
        assert_seqs(&now);
        for (seq, line) in &acknowledged {
            assert_eq!(
                now.get(*seq as usize),
                Some(line),
                "entry {seq} changed or lost"
            );
        }
        // Every record file is whole, and is a record the log holds.
        for f in record_files(&records) {
            let text = fs::read_to_string(&f).unwrap();
            let record: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not whole JSON: {e}", f.display()));
            assert!(
                now.iter().any(|e| e["record"] == record),
                "{} has no log entry",
                f.display()
            );
        }
        // Running the draw again recovers: it logs the draw, or finds it logged and writes
        // the record.
        let again = run(&draw_args(&pool, &log, "K", plan, &out));
        expect(&again, 0);
        if !again.stdout.contains("already logged as entry") {
            unlogged += 1;
        } else if !finished.status.success() {
            unwritten += 1;
        }
        ack(&mut acknowledged, &again);
        assert!(out.exists());
    }
    let r = run(&["log", "verify", p(&log)]);
    expect(&r, 0);
    assert!(
        r.stdout.contains(&format!("{} entries", kills + 1)),
        "{}",
        r.stdout
    );
    eprintln!(
        "{} kills: {verified} left a log that verifies, {torn} a torn tail; {unlogged} had not logged \
         their entry, {unwritten} had logged it but not written the record",
        kills - 1
    );
}

/// Runs the binary with a file size limit of `kib` KiB and SIGXFSZ ignored, so that a write
/// past it fails with EFBIG as it would on a full disk.
fn run_with_disk_full(kib: u64, args: &[String]) -> Run {
    finish(
        Command::new("bash")
            .arg("-c")
            .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
            .arg(BIN)
            .args(args)
            .output()
            .unwrap(),
    )
}

#[test]
fn a_full_disk_leaves_the_log_and_the_record_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(dir.path(), 200, 30);
    let log = dir.path().join("log.jsonl");
    // Three tasks drawn, so that the log is larger than one record.
    for t in ["T1", "T2", "T3", "T4"] {
        expect(&run(&announce_args(&pool, &log, t, "")), 0);
    }
    for t in ["T1", "T2", "T3"] {
        let out = dir.path().join(format!("{t}.json"));
        expect(&run(&draw_args(&pool, &log, t, "", &out)), 0);
    }
    let record_len = fs::metadata(dir.path().join("T1.json")).unwrap().len();
    let log_before = fs::read(&log).unwrap();
    assert!(log_before.len() as u64 > record_len + 4096);
    // An earlier record in the way of the new one.
    let out = dir.path().join("T4.json");
    fs::write(&out, "an earlier record\n").unwrap();
    let args = draw_args(&pool, &log, "T4", "", &out);

    // The disk fills while the record is written: nothing is logged.
    let r = run_with_disk_full(1, &args);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains(&format!(
            "{}: cannot write: File too large (os error 27); the previous content is intact; \
             nothing was logged in {}",
            out.display(),
            log.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&log).unwrap(), log_before);
    assert_eq!(fs::read_to_string(&out).unwrap(), "an earlier record\n");

    // The record fits but the log entry does not: the log is cut back, the record not moved.
    let r = run_with_disk_full(record_len / 1024 + 2, &args);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains(&format!(
            "{}: cannot append: File too large (os error 27); the log is unchanged",
            log.display()
        )),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("logged as entry"), "{}", r.stdout);
    assert_eq!(fs::read(&log).unwrap(), log_before);
    assert_eq!(fs::read_to_string(&out).unwrap(), "an earlier record\n");
    // No temporary file is left behind (the files are the pool, the log, its index and the
    // four records).
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        7,
        "{:?}",
        fs::read_dir(dir.path()).unwrap().collect::<Vec<_>>()
    );

    // With room again, the same draw goes through.
    let r = run(&args);
    expect(&r, 0);
    assert!(r.stdout.contains("logged as entry 7 of"), "{}", r.stdout);
    assert!(
        fs::read_to_string(&out)
            .unwrap()
            .contains("\"task_id\": \"T4\"")
    );
    expect(&run(&["log", "verify", p(&log)]), 0);
}

#[test]
fn a_lost_record_is_written_again_by_the_same_draw_without_a_new_entry() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(dir.path(), 100, 6);
    let log = dir.path().join("log.jsonl");
    let out = dir.path().join("r.json");
    // A refused draw into a log that is not there yet creates neither log nor record.
    let r = run(&draw_args(&pool, &log, "T1", "", &out));
    expect(&r, 2);
    assert!(
        r.stderr.contains("task T1 was not announced"),
        "{}",
        r.stderr
    );
    assert!(!log.exists() && !out.exists());
    expect(&run(&announce_args(&pool, &log, "T1", "")), 0);
    let r = run(&draw_args(&pool, &log, "T1", "", &out));
    expect(&r, 0);
    assert!(r.stdout.contains("logged as entry 1 of"), "{}", r.stdout);
    let record = fs::read(&out).unwrap();
    let logged = fs::read(&log).unwrap();
    fs::remove_file(&out).unwrap();

    let r = run(&draw_args(&pool, &log, "T1", "", &out));
    expect(&r, 0);
    assert!(
        r.stdout.contains(&format!(
            "already logged as entry 1 of {}; record written, nothing appended",
            log.display()
        )),
        "{}",
        r.stdout
    );
    assert_eq!(fs::read(&out).unwrap(), record);
    assert_eq!(fs::read(&log).unwrap(), logged);

    // Another record for the drawn task (another lottery value) is still a re-draw.
    let mut other = draw_args(&pool, &log, "T1", "", &out);
    let value = other.iter().position(|a| a == "--seed-value").unwrap() + 1;
    other[value] = "01 02 03 04 05 06 + 07".into();
    let r = run(&other);
    expect(&r, 2);
    assert!(
        r.stderr.contains("task T1 was already drawn in entry 1"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&log).unwrap(), logged);
    assert_eq!(fs::read(&out).unwrap(), record);
}

#[test]
fn a_record_that_cannot_be_moved_into_place_is_logged_and_says_how_to_recover() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(dir.path(), 100, 6);
    let log = dir.path().join("log.jsonl");
    let out = dir.path().join("r.json");
    // The same for an announcement's file: logged, and said so.
    let published = dir.path().join("announcement.json");
    fs::create_dir(&published).unwrap();
    let mut args = announce_args(&pool, &log, "T1", "");
    args.extend(["--out".into(), p(&published).into()]);
    let r = run(&args);
    expect(&r, 2);
    assert!(
        r.stderr.contains(&format!(
            "the announcement is logged as entry 0 of {} all the same",
            log.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(entries(&log).len(), 1);
    // A directory where the record should go: the rename over it fails after the append.
    fs::create_dir(&out).unwrap();
    let r = run(&draw_args(&pool, &log, "T1", "", &out));
    expect(&r, 2);
    assert!(r.stdout.contains("logged as entry 1 of"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains(&format!("{}: cannot write: ", out.display()))
            && r.stderr.contains(&format!(
                "the draw is logged as entry 1 of {} all the same: run the same draw again",
                log.display()
            ))
            && r.stderr.contains("it will not be logged twice"),
        "{}",
        r.stderr
    );
    assert_eq!(entries(&log).len(), 2);
    fs::remove_dir(&out).unwrap();
    let r = run(&draw_args(&pool, &log, "T1", "", &out));
    expect(&r, 0);
    assert!(
        r.stdout.contains("already logged as entry 1"),
        "{}",
        r.stdout
    );
    assert_eq!(entries(&log).len(), 2);
    let record: serde_json::Value = serde_json::from_slice(&fs::read(&out).unwrap()).unwrap();
    assert_eq!(entries(&log)[1]["record"], record);
}

/// A log of an announcement and two draws.
fn three_entry_log(dir: &Path) -> (PathBuf, PathBuf) {
    let pool = pool(dir, 100, 6);
    let log = dir.join("log.jsonl");
    expect(&run(&announce_args(&pool, &log, "T", "P1,P2")), 0);
    for plan in ["P1", "P2"] {
        let out = dir.join(format!("{plan}.json"));
        expect(&run(&draw_args(&pool, &log, "T", plan, &out)), 0);
    }
    (pool, log)
}

#[test]
fn a_torn_log_is_named_refused_and_repaired_keeping_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (pool, log) = three_entry_log(dir.path());
    let whole = fs::read(&log).unwrap();
    let third = whole[..whole.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    // An append interrupted half-way through the third entry.
    let cut = third + (whole.len() - third) / 2;
    let torn = whole[..cut].to_vec();
    fs::write(&log, &torn).unwrap();
    let tail = cut - third;

    let r = run(&["log", "verify", p(&log)]);
    expect(&r, 1);
    let named = format!(
        "{}:3: the last entry is incomplete: an interrupted append ({tail} bytes from byte {third}) \
         that was never acknowledged; `shuangsuiji log repair {}` drops it, keeping a copy of the \
         whole file",
        log.display(),
        log.display()
    );
    assert!(r.stderr.contains(&named), "{}", r.stderr);
    assert!(r.stdout.contains("2 entries"), "{}", r.stdout);

    // Nothing is appended to it.
    let r = run(&announce_args(&pool, &log, "U", ""));
    expect(&r, 1);
    assert!(
        r.stderr.contains(&format!("{named}; refusing to append")),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&log).unwrap(), torn);

    let r = run(&["log", "repair", p(&log)]);
    expect(&r, 0);
    assert!(
        r.stdout.contains(&format!(
            "{}: repaired: dropped the interrupted last entry, line 3 ({tail} bytes from byte \
             {third}), which was never acknowledged; every complete entry is kept",
            log.display()
        )),
        "{}",
        r.stdout
    );
    let copy = r
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("a copy of the whole file as it was is at "))
        .map(PathBuf::from)
        .expect("names the copy");
    assert!(
        copy.to_string_lossy()
            .starts_with(&format!("{}.torn-", log.display()))
    );
    assert_eq!(fs::read(&copy).unwrap(), torn);
    assert_eq!(fs::read(&log).unwrap(), &whole[..third]);
    let r = run(&["log", "verify", p(&log)]);
    expect(&r, 0);
    assert!(r.stdout.contains("2 entries"), "{}", r.stdout);

    // Repaired, the draw goes through again (and its record is as before).
    let r = run(&draw_args(
        &pool,
        &log,
        "T",
        "P2",
        &dir.path().join("P2.json"),
    ));
    expect(&r, 0);
    assert!(r.stdout.contains("logged as entry 2 of"), "{}", r.stdout);
    assert_eq!(fs::read(&log).unwrap(), whole);

    let r = run(&["log", "repair", p(&log)]);
    expect(&r, 0);
    assert!(
        r.stdout.contains(&format!(
            "{}: nothing to repair: the log does not end in an interrupted append ({} bytes, \
             left untouched)",
            log.display(),
            whole.len()
        )),
        "{}",
        r.stdout
    );
    assert_eq!(fs::read(&log).unwrap(), whole);
    // A complete last entry without its newline is not torn, and is never dropped.
    fs::write(&log, &whole[..whole.len() - 1]).unwrap();
    expect(&run(&["log", "verify", p(&log)]), 0);
    let r = run(&["log", "repair", p(&log)]);
    expect(&r, 0);
    assert!(r.stdout.contains("nothing to repair"), "{}", r.stdout);
    assert_eq!(fs::read(&log).unwrap(), &whole[..whole.len() - 1]);
    // A repair of a log that is not there creates none.
    let missing = dir.path().join("missing.jsonl");
    let r = run(&["log", "repair", p(&missing)]);
    expect(&r, 2);
    assert!(
        r.stderr
            .contains(&format!("{}: cannot open: ", missing.display())),
        "{}",
        r.stderr
    );
    assert!(!missing.exists());
}

#[test]
fn a_published_head_catches_a_log_cut_back() {
    let dir = tempfile::tempdir().unwrap();
    let (_, log) = three_entry_log(dir.path());
    let r = run(&["log", "verify", p(&log)]);
    expect(&r, 0);
    let head = r
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("head to publish: "))
        .expect("prints the head to publish")
        .to_owned();
    assert!(head.starts_with("2:"), "{head}");
    let digest = head[2..].to_owned();
    assert_eq!(digest.len(), 64);

    for given in [head.as_str(), digest.as_str()] {
        let r = run(&["log", "verify", p(&log), "--head", given]);
        expect(&r, 0);
        assert!(
            r.stdout
                .contains(&format!("OK: the log holds head {given} (entry 2)")),
            "{}",
            r.stdout
        );
    }
    // The last entry cut off (cleanly, at a line end): the chain holds, the head does not.
    let whole = fs::read_to_string(&log).unwrap();
    let cut = dir.path().join("cut.jsonl");
    let two: String = whole.lines().take(2).map(|l| format!("{l}\n")).collect();
    fs::write(&cut, &two).unwrap();
    let r = run(&["log", "verify", p(&cut), "--head", &head]);
    expect(&r, 1);
    assert!(
        r.stderr.contains(&format!(
            "{}: head {head} not found: the log holds 2 entries, so entry 2 and every entry \
             after the log's end were cut off",
            cut.display()
        )),
        "{}",
        r.stderr
    );
    let r = run(&["log", "verify", p(&cut), "--head", &digest]);
    expect(&r, 1);
    assert!(
        r.stderr.contains("no entry of the log has that digest"),
        "{}",
        r.stderr
    );

    // An empty log is empty, and holds no head.
    let empty = dir.path().join("empty.jsonl");
    fs::write(&empty, "").unwrap();
    let r = run(&["log", "verify", p(&empty)]);
    expect(&r, 0);
    assert!(
        r.stdout
            .contains("the log is empty: it holds no entry, so there is nothing to verify"),
        "{}",
        r.stdout
    );
    let r = run(&["log", "verify", p(&empty), "--head", &head]);
    expect(&r, 1);
    assert!(r.stderr.contains("the log is empty"), "{}", r.stderr);

    // Head text that is not a head is bad usage.
    for bad in ["2", "x:ab", "2:abc", &format!("-1:{digest}")] {
        let r = run(&["log", "verify", p(&log), &format!("--head={bad}")]);
        expect(&r, 2);
        assert!(
            r.stderr.contains("a log head is SEQ:DIGEST"),
            "{bad}: {}",
            r.stderr
        );
    }
}
