//! The file → frozen-pool phase of a draw, timed on a pool CSV already in memory (the bytes are
//! read once, outside the timing), as JSON on stdout.
//!
//! ```text
//! pool_load_timing FILE.csv [RUNS] [--new-only] [--no-floor]
//! pool_load_timing --stream FILE.csv
//! ```
//!
//! With `--stream`, one run of what the command line does instead: the file read in pieces of
//! 1 MiB (after a first pass counting its lines) into `PoolCsvReader`, then frozen; reported
//! with the process's peak resident memory (`VmHWM`), which then holds no text.
//!
//! Times, for each run: the streaming path (`read_frozen_pool`: the text straight into the
//! columnar frozen pool, and dropping it), the adjustable path the command line took before
//! issue 12 (`parse_pool`, the line map, `PoolRows::into_pool`, `into_frozen`, and dropping the
//! frozen pool; skipped with `--new-only`), and SM3 alone over as many bytes as the pool's
//! canonical encoding (the floor of v1's single-stream digest). Both paths must give the same
//! digest. The heap held by the new frozen pool is reported too.

use shuangsuiji::pool_csv::{parse_pool, read_frozen_pool};
use shuangsuiji::target::FrozenPool;
use sm3::{Digest as _, Sm3};
use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--stream") {
        return match args.get(1).map(|f| stream(f)) {
            Some(Ok(json)) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Some(Err(e)) => {
                eprintln!("pool_load_timing: {e}");
                ExitCode::FAILURE
            }
            None => {
                eprintln!("usage: pool_load_timing --stream FILE.csv");
                ExitCode::from(2)
            }
        };
    }
    let Some(file) = args.first() else {
        eprintln!("usage: pool_load_timing FILE.csv [RUNS]");
        return ExitCode::from(2);
    };
    let runs = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3usize);
    let old = !args.iter().any(|a| a == "--new-only");
    let floor = !args.iter().any(|a| a == "--no-floor");
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("pool_load_timing: {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(file, &text, runs.max(1), old, floor) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("pool_load_timing: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The process's peak resident memory in KiB (Linux), if known.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The command line's way: count the lines, then read the file in pieces into the reader.
fn stream(file: &str) -> Result<serde_json::Value, String> {
    use std::io::Read;
    let start = Instant::now();
    let mut f = std::fs::File::open(file).map_err(|e| e.to_string())?;
    let mut buf = vec![0u8; 1 << 20];
    let mut newlines = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
    }
    let counted = start.elapsed();
    let mut reader = shuangsuiji::pool_csv::PoolCsvReader::new(file);
    reader.expect_rows(newlines.saturating_sub(1));
    let mut f = std::fs::File::open(file).map_err(|e| e.to_string())?;
    let mut carry = Vec::new();
    loop {
        let n = f.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        carry.extend_from_slice(&buf[..n]);
        let good = match std::str::from_utf8(&carry) {
            Ok(t) => t.len(),
            Err(e) => e.valid_up_to(),
        };
        reader.feed(std::str::from_utf8(&carry[..good]).map_err(|e| e.to_string())?);
        carry.drain(..good);
    }
    let read = start.elapsed();
    let rows = reader.finish().map_err(|e| e.to_string())?.value;
    let pool = rows.freeze().map_err(|e| e.to_string())?.into_pool();
    let frozen = start.elapsed();
    Ok(serde_json::json!({
        "file": file,
        "rows": pool.len(),
        "digest": pool.digest().to_hex(),
        "seconds": {
            "count_lines": counted.as_secs_f64(),
            "read_and_parse": (read - counted).as_secs_f64(),
            "finish_and_freeze": (frozen - read).as_secs_f64(),
            "total": frozen.as_secs_f64(),
        },
        "pool_heap_bytes": pool.heap_bytes(),
        "peak_rss_kib": peak_kib(),
    }))
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed())
}

fn run(
    file: &str,
    text: &str,
    runs: usize,
    old: bool,
    floor: bool,
) -> Result<serde_json::Value, String> {
    let mut times: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut digest = None;
    let mut new_digest = None;
    let mut rows = 0;
    let mut heap = 0;
    for _ in 0..runs {
        let mut put = |name, d| times.entry(name).or_default().push(d);
        let (read, d) = time(|| read_frozen_pool(file, text, None));
        put("new_read_frozen_pool", d);
        let pool = read.map_err(|e| e.to_string())?.value.into_pool();
        new_digest = Some(pool.digest());
        rows = pool.len();
        heap = pool.heap_bytes();
        let ((), d) = time(|| drop(pool));
        put("new_drop_frozen", d);
        if !old {
            continue;
        }
        let total = Instant::now();
        let (parsed, d) = time(|| parse_pool(file, text));
        put("old_parse_pool", d);
        let parsed = parsed.map_err(|e| e.to_string())?.value;
        let (lines, d) = time(|| {
            parsed
                .lines()
                .map(|(id, l)| (id.clone(), l))
                .collect::<HashMap<_, _>>()
        });
        put("old_line_map", d);
        let (pool, d) = time(|| parsed.into_pool());
        put("old_into_pool", d);
        let pool = pool.map_err(|e| e.to_string())?;
        let (frozen, d): (FrozenPool, _) = time(|| pool.into_frozen());
        put("old_into_frozen", d);
        put("old_total_to_frozen", total.elapsed());
        digest = Some(frozen.digest());
        let ((), d) = time(|| drop(frozen));
        put("old_drop_frozen", d);
        drop(lines);
    }
    // SM3 alone over about as many bytes as the encoding: the file's bytes plus the 4-byte
    // length prefix of each of the 13 encoded fields of a row.
    let bytes = text.len() + rows * 13 * 4;
    let buffer = vec![0x5au8; bytes.min(1 << 28)];
    let mut sm3_times = Vec::new();
    for _ in 0..if floor { runs } else { 0 } {
        let (_, d) = time(|| {
            let mut h = Sm3::new();
            let mut left = bytes;
            while left > 0 {
                let k = left.min(buffer.len());
                h.update(&buffer[..k]);
                left -= k;
            }
            h.finalize()
        });
        sm3_times.push(d);
    }
    if floor {
        times.insert("sm3_alone", sm3_times);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    };
    let mut medians = serde_json::Map::new();
    for (name, mut v) in times {
        medians.insert(name.into(), median(&mut v).into());
    }
    if old && digest != new_digest {
        return Err(format!(
            "digests differ: old {digest:?}, new {new_digest:?}"
        ));
    }
    Ok(serde_json::json!({
        "file": file,
        "bytes": text.len(),
        "rows": rows,
        "digest": new_digest.map(|d| d.to_hex()),
        "new_pool_heap_bytes": heap,
        "runs": runs,
        "sm3_bytes": bytes,
        "median_seconds": medians,
    }))
}
