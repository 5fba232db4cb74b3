//! Median wall-clock times of the standard draw of a synthetic pool, as JSON on stdout.
//!
//! ```text
//! draw_timing [N] [R]      N targets (default 10⁷), R timed runs (default 5)
//! ```
//!
//! After one untimed warm-up (which also checks that the record verifies and that the
//! phase-by-phase sample equals `draw::sample`), each run times, in turn: the keys-only floor
//! (into an N-word array, one thread and split over two; and streamed through a small buffer),
//! `draw::sample`, `record::draw` and `record::verify`, then the phases of the sample through
//! the public shard API (census, allocation, selection, merge, record) on as many shards as
//! `draw::sample` uses and on one. Results are dropped outside the timing. Beside the median
//! times, the median minor page faults of each call are reported (Linux): the kernel zeroing
//! fresh pages is a large part of some calls.

use shuangsuiji::draw::{Allocation, Census, DrawPass, PoolShard, Sample, ShardCensus};
use shuangsuiji::draw::{DrawRequest, ShardSample};
use shuangsuiji::record::{DrawRecord, draw, verify};
use shuangsuiji::risk::Stratum;
use shuangsuiji::target::{FrozenPool, Target};
use shuangsuiji_benches::{POOL_SEED, STANDARD_SEED, keys_floor, standard_request};
use shuangsuiji_benches::{keys_stream, synthetic_pool};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parse = |i: usize, default: usize| -> Result<usize, String> {
        args.get(i).map_or(Ok(default), |a| {
            a.replace('_', "")
                .parse()
                .map_err(|_| format!("argument {a:?} is not a count"))
        })
    };
    let (n, runs) = match (parse(0, 10_000_000), parse(1, 5)) {
        (Ok(n), Ok(r)) if n > 0 && r > 0 => (n, r),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("draw_timing: {e}\nusage: draw_timing [N] [RUNS]");
            return ExitCode::from(2);
        }
        _ => {
            eprintln!("draw_timing: N and RUNS must be positive\nusage: draw_timing [N] [RUNS]");
            return ExitCode::from(2);
        }
    };
    match run(n, runs) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("draw_timing: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The wall-clock time and minor page faults of one call.
#[derive(Clone, Copy)]
struct Measured {
    time: Duration,
    faults: Option<u64>,
}

/// The phases of one sample, measured through the shard API.
struct Phases {
    census: Measured,
    allocation: Measured,
    select: Measured,
    merge: Measured,
    record: Measured,
    sample: Sample,
}

fn run(n: usize, runs: usize) -> Result<serde_json::Value, String> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let start = Instant::now();
    let pool = synthetic_pool(n, POOL_SEED);
    let build = start.elapsed();
    let request = standard_request();
    let mut keys = vec![0u64; n];
    let err = |e: shuangsuiji::draw::DrawError| e.to_string();

    // Warm-up, and the checks that what is timed is the real thing.
    let record = draw(&pool, &request).map_err(err)?;
    let (_, sample) = shuangsuiji::draw::sample(&pool, &request).map_err(err)?;
    let verification = verify(&record, &pool);
    if !verification.is_ok() {
        return Err(format!("the record does not verify: {verification}"));
    }
    for k in [1, threads] {
        let phased = phases(&pool, &request, k).map_err(err)?;
        if phased.sample != sample {
            return Err(format!("the {k}-shard sample differs from draw::sample"));
        }
    }

    let mut times: BTreeMap<String, Vec<Duration>> = BTreeMap::new();
    let mut faults: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for _ in 0..runs {
        let mut put = |name: &str, m: Measured| {
            times.entry(name.into()).or_default().push(m.time);
            if let Some(f) = m.faults {
                faults.entry(name.into()).or_default().push(f);
            }
        };
        // Results are dropped after `measure` returns, outside the timing.
        put(
            "keys_floor_1t",
            measure(|| keys_floor(&STANDARD_SEED, &mut keys, 1)).1,
        );
        put(
            "keys_floor_2t",
            measure(|| keys_floor(&STANDARD_SEED, &mut keys, 2)).1,
        );
        put(
            "keys_stream_1t",
            measure(|| keys_stream(&STANDARD_SEED, n, 1)).1,
        );
        put(
            "keys_stream_2t",
            measure(|| keys_stream(&STANDARD_SEED, n, 2)).1,
        );
        put(
            "sample",
            measure(|| shuangsuiji::draw::sample(&pool, &request)).1,
        );
        put("draw", measure(|| draw(&pool, &request)).1);
        put("verify", measure(|| verify(&record, &pool)).1);
        for (k, suffix) in [(threads, ""), (1, "_1_shard")] {
            let p = phases(&pool, &request, k).map_err(err)?;
            put(&format!("phase_census{suffix}"), p.census);
            put(&format!("phase_allocation{suffix}"), p.allocation);
            put(&format!("phase_select{suffix}"), p.select);
            put(&format!("phase_merge{suffix}"), p.merge);
            put(&format!("phase_record{suffix}"), p.record);
        }
    }

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median_ms: BTreeMap<&str, f64> = times
        .iter()
        .map(|(name, ds)| (name.as_str(), median(ds.iter().map(|&d| ms(d)).collect())))
        .collect();
    let runs_ms: BTreeMap<&str, Vec<f64>> = times
        .iter()
        .map(|(name, ds)| (name.as_str(), ds.iter().map(|&d| ms(d)).collect()))
        .collect();
    let per = |f: &dyn Fn(Stratum) -> u64| -> BTreeMap<String, u64> {
        Stratum::ALL
            .into_iter()
            .map(|s| (s.to_string(), f(s)))
            .collect()
    };
    Ok(serde_json::json!({
        "n": n,
        "runs": runs,
        "threads": threads,
        "shards": threads,
        "build_pool_ms": ms(build),
        "target_struct_bytes": std::mem::size_of::<Target>(),
        "eligible": per(&|s| *sample.allocation.eligible.get(s)),
        "sample_size": per(&|s| *sample.allocation.size.get(s)),
        "drawn": sample.len(),
        "median_ms": median_ms,
        "median_minor_page_faults": faults
            .iter()
            .map(|(name, fs)| (name.as_str(), median(fs.iter().map(|&f| f as f64).collect())))
            .collect::<BTreeMap<_, _>>(),
        "runs_ms": runs_ms,
    }))
}

/// Minor page faults of this process so far (Linux), to see how much of a call is the kernel
/// handing out fresh pages.
fn minor_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.get(stat.rfind(')')? + 2..)?;
    after_name.split(' ').nth(7)?.parse().ok()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}

/// One sample made phase by phase on `k` shards, each phase timed (threads as in
/// `draw::sample`: one per shard).
fn phases(
    pool: &FrozenPool,
    request: &DrawRequest,
    k: usize,
) -> Result<Phases, shuangsuiji::draw::DrawError> {
    let shards = pool.shards(k);
    let (censuses, census_m) = measure(|| on_threads(&shards, |s, _| s.census(request)));
    let censuses: Vec<ShardCensus> = censuses?;

    let (allocation, allocation_m) = measure(|| {
        let mut census = Census::default();
        for c in &censuses {
            census.add(&c.census);
        }
        Allocation::new(request, &census).map(|a| (census, a))
    });
    let (census, allocation) = allocation?;

    let (parts, select_m) = measure(|| {
        on_threads(&shards, |s, i| {
            s.draw(request, &censuses[i], &allocation, DrawPass::Fast)
        })
    });
    let parts: Vec<ShardSample> = parts?;

    let (sample, merge_m) = measure(|| Sample::merge(request, &allocation, parts));
    let sample = sample?;

    let (record, record_m) =
        measure(|| DrawRecord::from_sample(pool, request, &census, &sample).expect("record"));
    drop(record);
    Ok(Phases {
        census: census_m,
        allocation: allocation_m,
        select: select_m,
        merge: merge_m,
        record: record_m,
        sample,
    })
}

/// Runs `f`, returning its result, its wall-clock time and the minor page faults it took.
fn measure<T>(f: impl FnOnce() -> T) -> (T, Measured) {
    let before = minor_faults();
    let start = Instant::now();
    let out = f();
    let time = start.elapsed();
    let faults = before.zip(minor_faults()).map(|(a, b)| b - a);
    (out, Measured { time, faults })
}

fn on_threads<T: Send>(
    shards: &[PoolShard<'_>],
    f: impl Fn(&PoolShard<'_>, usize) -> Result<T, shuangsuiji::draw::DrawError> + Sync,
) -> Result<Vec<T>, shuangsuiji::draw::DrawError> {
    if shards.len() == 1 {
        return shards.iter().enumerate().map(|(i, s)| f(s, i)).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = shards
            .iter()
            .enumerate()
            .map(|(i, s)| scope.spawn(move || f(s, i)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}
