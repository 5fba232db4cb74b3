//! `shuangsuiji kpi`: the KPI report (Annex 1, every rate, the findings and the design-weighted
//! estimate) over a folder of the CSV files `docs/KPI.md` documents.
//!
//! The large tables (drawn targets, results, follow-ups) are read from their files piece by
//! piece, two parts of each at once, straight into the report (`KpiReport::from_csv_bytes`);
//! only when that path gives up (a bad input, quoted fields, …) are they read whole and
//! parsed by `KpiInput::from_csv`, which names the error.

use crate::failure::Failure;
use crate::files::{read_json, read_text, write_bytes, write_csv, write_text};
use crate::output::{Out, note};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use shuangsuiji::kpi::{KpiBytes, KpiConfig, KpiCsv, KpiInput, KpiReport, Table, TableBytes};
use shuangsuiji_io::publish::{AnnexOptions, OutputFormat, annex_xlsx};
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Tables a platform may not export: a missing file is an empty table, said in a note.
const OPTIONAL: [Table; 3] = [Table::Items, Table::FollowUps, Table::Unplanned];

/// Which rates to print besides the year's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Periods {
    /// The year only.
    Year,
    /// Each quarter, then the year.
    Quarters,
}

/// Flags of `kpi`.
#[derive(Debug, Args)]
pub(crate) struct KpiArgs {
    /// The folder of CSV files: departments.csv, plans.csv, tasks.csv, drawn.csv, results.csv,
    /// and optionally items.csv, follow_ups.csv, unplanned.csv (see docs/KPI.md).
    #[arg(long, value_name = "DIR")]
    input: PathBuf,

    /// The day of the report: tasks due later and not completed are not yet due.
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,

    /// The configuration (JSON, the form of `KpiConfig`: as_of, year_end, max_listed,
    /// assessment); the flags above override it.
    #[arg(long, value_name = "FILE.json")]
    config: Option<PathBuf>,

    /// Print the rates of each quarter as well as the year's.
    #[arg(long, value_enum, default_value = "year")]
    periods: Periods,

    /// Also write the whole report as JSON (exact numerators and denominators).
    #[arg(long, value_name = "FILE.json")]
    json: Option<PathBuf>,

    /// Also write Annex 1 as CSV (UTF-8 with a byte-order mark).
    #[arg(long, value_name = "FILE.csv")]
    csv: Option<PathBuf>,

    /// Also write Annex 1 laid out like the report (two header rows, the 合计 row, the
    /// headline rates), the KPIs of the year and of each quarter, and the assessment (Annex 2)
    /// as one workbook.
    #[arg(long, value_name = "ANNEX.xlsx")]
    xlsx: Option<PathBuf>,

    /// The title of Annex 1 in the workbook (default
    /// `{year}年市场监管领域部门联合“双随机、一公开”监管工作情况表`).
    #[arg(long, value_name = "TEXT", requires = "xlsx")]
    title: Option<String>,
}

/// The large tables, read from their files by [`KpiReport::from_csv_bytes`].
const LARGE: [Table; 3] = [Table::Drawn, Table::Results, Table::FollowUps];

/// A table's file, read from an offset on (a reader per part of the table).
struct FileBytes {
    path: PathBuf,
    len: u64,
}

impl TableBytes for FileBytes {
    fn byte_len(&self) -> u64 {
        self.len
    }

    fn open_at(&self, offset: u64) -> Option<Box<dyn Read + Send + '_>> {
        let mut file = fs::File::open(&self.path).ok()?;
        file.seek(SeekFrom::Start(offset)).ok()?;
        Some(Box::new(file))
    }
}

/// Not a folder: the error of every command reading KPI tables.
fn check_folder(dir: &Path) -> Result<(), Failure> {
    if dir.is_dir() {
        Ok(())
    } else {
        Err(Failure::Input(format!(
            "{}: not a folder of KPI tables (see docs/KPI.md)",
            dir.display()
        )))
    }
}

/// The small tables of a folder as text and the large ones as files, with the notes and the
/// errors of [`read_tables`] (a large table that is no file is read to say why; a small one
/// that cannot be read, after the large ones before it, whose errors come first there).
fn open_tables(dir: &Path) -> Result<(KpiCsv, Vec<(Table, FileBytes)>), Failure> {
    check_folder(dir)?;
    let mut csv = KpiCsv::default();
    let mut large: Vec<(Table, FileBytes)> = Vec::new();
    for table in Table::ALL {
        let path = dir.join(table.file_name());
        if !path.exists() && OPTIONAL.contains(&table) {
            note(&format!(
                "{}: not found, taken as an empty table",
                path.display()
            ));
            continue;
        }
        if LARGE.contains(&table) {
            match fs::metadata(&path) {
                Ok(m) if m.is_file() => large.push((table, FileBytes { path, len: m.len() })),
                _ => *csv.get_mut(table) = read_text(&path)?,
            }
            continue;
        }
        match read_text(&path) {
            Ok(text) => *csv.get_mut(table) = text,
            Err(e) => {
                for (_, file) in &large {
                    read_text(&file.path)?;
                }
                return Err(e);
            }
        }
    }
    Ok((csv, large))
}

/// Reads the tables of a folder; a required one missing is an error naming it.
pub(crate) fn read_tables(dir: &Path) -> Result<KpiCsv, Failure> {
    check_folder(dir)?;
    let mut csv = KpiCsv::default();
    for table in Table::ALL {
        let path = dir.join(table.file_name());
        if !path.exists() && OPTIONAL.contains(&table) {
            note(&format!(
                "{}: not found, taken as an empty table",
                path.display()
            ));
            continue;
        }
        *csv.get_mut(table) = read_text(&path)?;
    }
    Ok(csv)
}

/// The readable report the CLI prints ([`KpiReport::text`]).
pub(crate) fn report_text(report: &KpiReport, periods: Periods) -> String {
    report.text(periods == Periods::Quarters)
}

/// Runs `kpi`.
pub(crate) fn run(args: &KpiArgs, out: &mut Out) -> Result<(), Failure> {
    let mut config: KpiConfig = match &args.config {
        Some(path) => read_json(path, "a KPI configuration")?,
        None => KpiConfig::default(),
    };
    if args.as_of.is_some() {
        config.as_of = args.as_of;
    }
    if let Some(path) = &args.xlsx
        && OutputFormat::from_path(path).ok() != Some(OutputFormat::Xlsx)
    {
        return Err(Failure::Input(format!(
            "{}: --xlsx writes a workbook: name it .xlsx",
            path.display()
        )));
    }
    let (mut csv, large) = open_tables(&args.input)?;
    let file = |t: Table| {
        large
            .iter()
            .find(|(l, _)| *l == t)
            .map(|(_, f)| f as &dyn TableBytes)
    };
    let bytes = KpiBytes {
        drawn: file(Table::Drawn),
        results: file(Table::Results),
        follow_ups: file(Table::FollowUps),
    };
    let report = match KpiReport::from_csv_bytes(&csv, &bytes, &config) {
        Some(report) => report,
        None => {
            for (table, file) in &large {
                *csv.get_mut(*table) = read_text(&file.path)?;
            }
            let at = |e: shuangsuiji::kpi::KpiError| {
                Failure::Input(format!("{}: {e}", args.input.display()))
            };
            let input = KpiInput::from_csv(&csv).map_err(at)?;
            KpiReport::compute(&input, &config).map_err(at)?
        }
    };
    out.line(report_text(&report, args.periods).trim_end());
    if let Some(path) = &args.json {
        write_text(path, &(report.to_json() + "\n"))?;
        note(&format!("wrote {}", path.display()));
    }
    if let Some(path) = &args.csv {
        write_csv(path, &report.annex_csv())?;
        note(&format!("wrote {}", path.display()));
    }
    if let Some(path) = &args.xlsx {
        let options = AnnexOptions {
            title: args.title.clone(),
            as_of: config.as_of,
        };
        let bytes = annex_xlsx(&report, &options)
            .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
        write_bytes(path, &bytes)?;
        note(&format!("wrote {}", path.display()));
    }
    Ok(())
}
