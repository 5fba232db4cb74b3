//! Writes a synthetic target-pool CSV of the shape of issue 12's measurements: the columns
//! `id,credit_code,name,kind,region,industry,grade,status,tags`, about 100 bytes a row.
//!
//! ```text
//! pool_csv_data N OUT.csv [--sorted]
//! ```
//!
//! Ids are `T{:010}`, a seeded random permutation of `0..N` in file order (as a platform
//! exports its rows in database order), or ascending with `--sorted`; every row has a valid
//! credit code, a Chinese name, one of 100 regions and 200 industries, 0–2 of 8 tags, the
//! grade mix of the synthetic pools (A 30%, B 55%, C 10%, D 5%, drawn per row) and 5% of the
//! targets not active. The same N always writes the same file.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use shuangsuiji::credit::CreditCode;
use shuangsuiji_benches::POOL_SEED;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

const TAGS: [&str; 8] = [
    "食品经营",
    "特种设备",
    "药品零售",
    "餐饮服务",
    "网络交易",
    "广告发布",
    "计量器具",
    "工业产品",
];
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: pool_csv_data N OUT.csv [--sorted]";
    let (Some(n), Some(out)) = (
        args.first()
            .and_then(|a| a.replace('_', "").parse::<u64>().ok()),
        args.get(1),
    ) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let sorted = args.iter().any(|a| a == "--sorted");
    match write(n, out, sorted) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pool_csv_data: {out}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(n: u64, out: &str, sorted: bool) -> std::io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(POOL_SEED);
    let mut ids: Vec<u64> = (0..n).collect();
    if !sorted {
        for i in (1..ids.len()).rev() {
            let j = ((u128::from(rng.next_u64()) * (i as u128 + 1)) >> 64) as usize;
            ids.swap(i, j);
        }
    }
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    writeln!(
        w,
        "id,credit_code,name,kind,region,industry,grade,status,tags"
    )?;
    for id in ids {
        let r = rng.next_u64();
        let region = 420_201 + (r % 100);
        let industry = 1000 + (r >> 8) % 200;
        let grade = match (r >> 16) % 100 {
            0..30 => "A",
            30..85 => "B",
            85..95 => "C",
            _ => "D",
        };
        let kind = match (r >> 24) % 20 {
            0..16 => "enterprise",
            16..19 => "individual_business",
            _ => "farmers_cooperative",
        };
        let status = match (r >> 32) % 100 {
            0..95 => "active",
            95..98 => "deregistered",
            _ => "revoked",
        };
        let tags = match (r >> 40) % 4 {
            0 | 1 => String::new(),
            2 => TAGS[((r >> 44) % 8) as usize].to_owned(),
            _ => format!(
                "{};{}",
                TAGS[((r >> 44) % 4) as usize],
                TAGS[4 + ((r >> 48) % 4) as usize]
            ),
        };
        // 17 characters: "91", the region, and a 9-character organisation code from the id.
        let mut first17 = format!("91{region}");
        let mut x = id;
        for _ in 0..9 {
            first17.push(ALPHABET[(x % 31) as usize] as char);
            x /= 31;
        }
        let code = CreditCode::from_first17(&first17).expect("a valid code");
        writeln!(
            w,
            "T{id:010},{},某某市{id}商贸有限公司,{kind},{region},{industry},{grade},{status},{tags}",
            code.as_str()
        )?;
    }
    w.flush()
}
