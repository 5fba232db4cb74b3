//! `shuangsuiji publish`: what “一公开” publishes, as the platforms publish it.
//!
//! With `--record`: the 抽取结果 list of a draw, one row per selected target with its name and
//! code from the pool, after checking (as `verify` does) that the pool reproduces the record.
//! With `--results DIR`: the 检查结果公示 table of the KPI tables' results. The output's
//! extension chooses `.xlsx` or `.csv` (UTF-8 with a byte-order mark); without `--out` the
//! table is printed as CSV on standard output, without a byte-order mark.

use crate::cmd::kpi::read_tables;
use crate::cmd::verify::read_record;
use crate::csv_io::load_pool;
use crate::failure::Failure;
use crate::files::{read_text, write_bytes};
use crate::output::{Out, note};
use clap::Args;
use shuangsuiji::kpi::{KpiConfig, KpiInput, KpiReport};
use shuangsuiji_io::publish::{
    BOM, DrawListOptions, OutputFormat, PublishError, Table, draw_list, first_differences, gongshi,
};
use std::path::{Path, PathBuf};

/// Flags of `publish`.
#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// The draw record (JSON) whose 抽取结果 list to write.
    #[arg(long, value_name = "RECORD.json", required_unless_present = "results")]
    record: Option<PathBuf>,

    /// The folder of KPI tables (docs/KPI.md) whose results to write as the 检查结果公示 table.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["record", "task_name"])]
    results: Option<PathBuf>,

    /// The target pool: with --record, the pool the record was drawn from (checked first: a
    /// list is never written from another pool); with --results, where the targets' names
    /// and codes are taken from.
    #[arg(long, value_name = "FILE.csv", required_unless_present = "results")]
    pool: Option<PathBuf>,

    /// The pool's inspection history, if it has one: it is part of the pool digest.
    #[arg(long, value_name = "FILE.csv", requires = "pool")]
    history: Option<PathBuf>,

    /// The task's name as published (the record holds only its id); without it the 任务名称
    /// column is empty.
    #[arg(long, value_name = "TEXT")]
    task_name: Option<String>,

    /// Department names by id (CSV with columns `id` and `name`, as the KPI tables'
    /// departments.csv): 检查机关 shows the name, else the record's department id.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "results")]
    departments: Option<PathBuf>,

    /// Where to write: FILE.xlsx (a workbook with a title) or FILE.csv (UTF-8 with a
    /// byte-order mark, for Excel on Chinese Windows). Without it, CSV on standard output.
    #[arg(long, value_name = "OUT.xlsx|OUT.csv")]
    out: Option<PathBuf>,

    #[command(flatten)]
    format: crate::formats::Format,
}

/// Reads `id,name` pairs from a CSV file with those columns (others ignored).
fn read_departments(path: &Path) -> Result<Vec<(String, String)>, Failure> {
    let text = read_text(path)?;
    let file = path.display();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Failure::Input(format!("{file}: {e}")))?
        .clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            Failure::Input(format!(
                "{file}: missing column `{name}` (department names are read from the columns \
                 `id` and `name`)"
            ))
        })
    };
    let (id, name) = (col("id")?, col("name")?);
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Failure::Input(format!("{file}:{line}: {e}"))
        })?;
        let cell = |i: usize| record.get(i).unwrap_or_default().to_owned();
        out.push((cell(id), cell(name)));
    }
    Ok(out)
}

/// Writes a table where `--out` says, or prints it.
fn emit(table: &Table, path: Option<&Path>, out: &mut Out) -> Result<(), Failure> {
    let Some(path) = path else {
        let csv = table.to_csv();
        out.line(csv.strip_prefix(BOM).unwrap_or(&csv).trim_end());
        return Ok(());
    };
    let format = OutputFormat::from_path(path).map_err(Failure::input)?;
    let bytes = table
        .to_bytes(format)
        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
    write_bytes(path, &bytes)?;
    note(&format!(
        "wrote {} ({} rows)",
        path.display(),
        table.rows.len()
    ));
    Ok(())
}

/// Runs `publish`.
pub(crate) fn run(args: &PublishArgs, out: &mut Out) -> Result<(), Failure> {
    if let Some(path) = &args.out {
        // A bad extension is a usage error before any file is read.
        OutputFormat::from_path(path).map_err(Failure::input)?;
    }
    if let Some(dir) = &args.results {
        let input = KpiInput::from_csv(&read_tables(dir)?)
            .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
        // The tables are checked as `kpi` checks them: nothing is published from tables the
        // report refuses.
        KpiReport::compute(&input, &KpiConfig::default())
            .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
        let pool = match &args.pool {
            Some(p) => Some(load_pool(p, args.history.as_deref(), &args.format)?.into_pool()),
            None => None,
        };
        let table = gongshi(&input, pool.as_ref())
            .map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
        return emit(&table, args.out.as_deref(), out);
    }
    let (Some(record_path), Some(pool_path)) = (&args.record, &args.pool) else {
        return Err(Failure::Input(
            "give --record RECORD.json --pool FILE for the 抽取结果 list, or --results DIR for \
             the 检查结果公示 table"
                .into(),
        ));
    };
    let record = read_record(record_path)?;
    let pool = load_pool(pool_path, args.history.as_deref(), &args.format)?.into_pool();
    let options = DrawListOptions {
        task_name: args.task_name.clone(),
        departments: match &args.departments {
            Some(p) => read_departments(p)?,
            None => Vec::new(),
        },
    };
    let table = draw_list(&record, &pool, &options).map_err(|e| match e {
        PublishError::DoesNotReproduce {
            count,
            differences,
            pool_digest_differs,
        } => {
            let hint = if pool_digest_differs && args.history.is_none() {
                "; no --history was given: if the pool was drawn with an inspection history, \
                 pass it"
            } else {
                ""
            };
            Failure::Check(format!(
                "FAILED: {} does not reproduce from {} ({count} differences), so no list is \
                 published from it{hint}\n{}",
                record_path.display(),
                pool_path.display(),
                first_differences(&differences),
            ))
        }
        other => Failure::input(other),
    })?;
    emit(&table, args.out.as_deref(), out)
}
