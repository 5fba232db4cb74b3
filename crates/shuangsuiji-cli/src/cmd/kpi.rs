//! `shuangsuiji kpi`: the KPI report (Annex 1, every rate, the findings and the design-weighted
//! estimate) over a folder of the CSV files `docs/KPI.md` documents.
//!
//! The large tables (drawn targets, results, follow-ups) are read from their files piece by
//! piece, two parts of each at once, straight into the report (`KpiReport::from_csv_bytes`);
//! only when that path gives up (a bad input, quoted fields, …) are they read whole and
//! parsed by `KpiInput::from_csv`, which names the error.
//!
//! A folder holding anything else (a table as a workbook or another encoding, with the
//! platforms' headers or wordings, or a `--profile`) is read through the formats layer
//! (`shuangsuiji_io::import`, docs/FORMATS.md), each table from `NAME.csv` or, failing that,
//! `NAME.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`, `.xml`, `.tsv` or `.txt`; its errors are at
//! the file's cells.

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
    /// and optionally items.csv, follow_ups.csv, unplanned.csv (see docs/KPI.md). Each may be
    /// a workbook instead (results.xlsx, …: .xlsx .xlsm .xlsb .xls .ods .xml .tsv .txt) or a
    /// platform's export with Chinese headers and wordings (docs/FORMATS.md).
    #[arg(long, value_name = "DIR")]
    input: PathBuf,

    /// A mapping file (TOML; docs/FORMATS.md §6) for a province's own column names and
    /// wordings (e.g. `[values.result_code] "其他" = "no_problem_found"`).
    #[arg(long, value_name = "MAPPING.toml")]
    profile: Option<PathBuf>,

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

/// Extensions a table's file may have besides `.csv`, in the order they are looked for.
const OTHER_EXTENSIONS: [&str; 8] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "xml", "tsv", "txt"];

/// A table's file in a folder: `NAME.csv`, else the first `NAME.<ext>` of
/// [`OTHER_EXTENSIONS`] that exists; `None` when there is none.
fn table_file(dir: &Path, table: Table) -> Option<PathBuf> {
    let csv = dir.join(table.file_name());
    if csv.exists() {
        return Some(csv);
    }
    let stem = table.file_name().trim_end_matches(".csv");
    OTHER_EXTENSIONS
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .find(|p| p.exists())
}

/// Whether every table of a folder is the library's own CSV (or absent), so that the fast
/// readers are used.
fn library_folder(dir: &Path) -> bool {
    let format = crate::formats::Format::default();
    Table::ALL
        .into_iter()
        .all(|table| match table_file(dir, table) {
            None => true,
            Some(path) => {
                path.extension().is_some_and(|e| e == "csv")
                    && format.is_library_csv(&path, shuangsuiji_io::profile::TableKind::Kpi(table))
            }
        })
}

/// The report of a folder read through the formats layer (any table in any supported
/// format), with the notes on standard error and errors at the file's cells.
fn report_via_formats(
    dir: &Path,
    profile: Option<&Path>,
    config: &KpiConfig,
) -> Result<KpiReport, Failure> {
    use shuangsuiji_io::import::{kpi_csv, locate_kpi, read_table};
    use shuangsuiji_io::profile::TableKind;
    let format = crate::formats::Format {
        profile: profile.map(Path::to_path_buf),
        ..Default::default()
    };
    let profile = format.profile()?;
    let mut tables = Vec::new();
    for table in Table::ALL {
        let Some(path) = table_file(dir, table) else {
            let path = dir.join(table.file_name());
            if OPTIONAL.contains(&table) {
                note(&format!(
                    "{}: not found, taken as an empty table",
                    path.display()
                ));
                continue;
            }
            // The error of reading it: “cannot read: No such file”.
            crate::formats::read_bytes(&path)?;
            continue;
        };
        let bytes = crate::formats::read_bytes(&path)?;
        let read = read_table(
            &path.display().to_string(),
            &bytes,
            TableKind::Kpi(table),
            &profile,
            &shuangsuiji_io::table::ReadOptions::default(),
        )
        .map_err(|e| Failure::Input(e.to_string()))?;
        read.notes.iter().for_each(|n| note(n));
        tables.push(read);
    }
    let refs: Vec<_> = tables.iter().collect();
    let csv = kpi_csv(&refs);
    // An error located in a file names it; any other names the folder, as the fast path's.
    let at = |e: shuangsuiji::kpi::KpiError| {
        let located = locate_kpi(&refs, &e);
        Failure::Input(if located == e.to_string() {
            format!("{}: {e}", dir.display())
        } else {
            located
        })
    };
    let input = KpiInput::from_csv(&csv).map_err(at)?;
    KpiReport::compute(&input, config).map_err(at)
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
    if args.profile.is_some() || !library_folder(&args.input) {
        check_folder(&args.input)?;
        let report = report_via_formats(&args.input, args.profile.as_deref(), &config)?;
        return finish(&report, &config, args, out);
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
            match KpiInput::from_csv(&csv) {
                Ok(input) => KpiReport::compute(&input, &config).map_err(at)?,
                // A platform's wording in the library's own files: read again through the
                // formats layer; the core's error stands if that fails too.
                Err(e @ shuangsuiji::kpi::KpiError::BadValue { .. }) => {
                    let original = at(e);
                    report_via_formats(&args.input, None, &config).map_err(|_| original)?
                }
                Err(e) => return Err(at(e)),
            }
        }
    };
    finish(&report, &config, args, out)
}

/// Prints the report and writes the files asked for.
fn finish(
    report: &KpiReport,
    config: &KpiConfig,
    args: &KpiArgs,
    out: &mut Out,
) -> Result<(), Failure> {
    out.line(report_text(report, args.periods).trim_end());
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
        let bytes = annex_xlsx(report, &options)
            .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
        write_bytes(path, &bytes)?;
        note(&format!("wrote {}", path.display()));
    }
    Ok(())
}
