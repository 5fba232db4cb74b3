//! What “一公开” publishes, in the forms the platforms use (`docs/FORMATS.md` §9): the 抽取结果
//! list of a draw ([`draw_list`]), the 检查结果公示 table of the national enterprise credit
//! information system ([`gongshi`]), Annex 1 and the KPI tables as a workbook laid out like the
//! report ([`annex_xlsx`]), and a pool as a workbook ([`write_pool_xlsx`]).
//!
//! A publication is a [`Table`] (a sheet name, title lines, a header and rows of [`Out`]
//! cells), written as `.xlsx` (rust_xlsxwriter) or as CSV, chosen by the output's extension
//! ([`OutputFormat::from_path`]). Every CSV this module writes starts with a UTF-8 byte-order
//! mark ([`BOM`]), so that Excel on Chinese Windows, which reads a CSV without one as GBK, shows
//! the Chinese text when the file is double-clicked; the library's own readers skip it.
//!
//! ```
//! use shuangsuiji::demo::DemoCounty;
//! use shuangsuiji::draw::DrawRequest;
//! use shuangsuiji::policy::{Ratio, SamplingPolicy};
//! use shuangsuiji::record::draw;
//! use shuangsuiji_io::publish::{DrawListOptions, draw_list};
//!
//! let pool = DemoCounty::build().targets.freeze();
//! let r = |s: &str| s.parse::<Ratio>().unwrap();
//! let policy = SamplingPolicy::by_grade(r("5%"), r("10%"), r("30%"), r("80%"), Some(r("10%")));
//! let request = DrawRequest::with_public_entropy(
//!     shuangsuiji::ids::TaskId::new("2026-T01").unwrap(), "上证指数收盘价", "3021.55", policy);
//! let record = draw(&pool, &request).unwrap();
//! let list = draw_list(&record, &pool, &DrawListOptions::default()).unwrap();
//! assert_eq!(list.rows.len(), record.selected.len());
//! let csv = list.to_csv();
//! assert!(csv.starts_with("\u{feff}序号,任务编号,任务名称,检查机关,主体名称"));
//! ```

mod annex;
mod lists;
mod xlsx;

pub use annex::{AnnexOptions, annex_tables, annex_xlsx};
pub use lists::{
    DRAW_LIST_HEADER, DrawListOptions, GONGSHI_HEADER, check_type, draw_list, gongshi, public_code,
};

use shuangsuiji::kpi::Rate;
use shuangsuiji::target::Target;
use std::path::Path;

/// The UTF-8 byte-order mark every CSV output starts with.
pub const BOM: &str = "\u{feff}";

/// `text` with a leading UTF-8 byte-order mark (not doubled when it has one).
pub fn with_bom(text: &str) -> String {
    if text.starts_with(BOM) {
        text.to_owned()
    } else {
        format!("{BOM}{text}")
    }
}

/// Why a publication cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// The pool given does not reproduce the draw record: a list from it would name targets
    /// the draw did not select, or names and codes of another pool.
    #[error(
        "the draw record does not reproduce from this pool ({count} differences), so no list \
         is published from it:\n{}",
        first_differences(differences)
    )]
    DoesNotReproduce {
        /// How many differences `verify` found.
        count: usize,
        /// `verify`'s differences, each as it prints it.
        differences: Vec<String>,
        /// Whether the pool digest differs (a missing history is the usual honest reason).
        pool_digest_differs: bool,
    },
    /// A KPI table names something the others do not hold.
    #[error("{table}, line {line}: {message}")]
    Reference {
        /// The table's file name (`results.csv`).
        table: &'static str,
        /// The line of the row (the header is line 1).
        line: u64,
        /// What is missing.
        message: String,
    },
    /// The output's name does not say which format to write.
    #[error(
        "{file}: the output's extension chooses its format: `.xlsx` (a workbook) or `.csv` \
         (UTF-8 with a byte-order mark){hint}"
    )]
    UnknownFormat {
        /// The file as given.
        file: String,
        /// A hint for a near miss (`.xls`).
        hint: &'static str,
    },
    /// The workbook writer refused (a sheet of more than 1,048,576 rows, a cell of more than
    /// 32,767 characters, …).
    #[error("cannot write the workbook: {0}")]
    Xlsx(String),
}

/// Differences shown in a refusal; `verify` lists them all.
const SHOWN_DIFFERENCES: usize = 10;

/// The first differences, one a line, and how many more `verify` would list.
pub fn first_differences(differences: &[String]) -> String {
    let mut text: Vec<String> = differences
        .iter()
        .take(SHOWN_DIFFERENCES)
        .map(|d| format!("  - {d}"))
        .collect();
    if differences.len() > SHOWN_DIFFERENCES {
        text.push(format!(
            "  … and {} more (`shuangsuiji verify` lists them all)",
            differences.len() - SHOWN_DIFFERENCES
        ));
    }
    text.join("\n")
}

impl From<rust_xlsxwriter::XlsxError> for PublishError {
    fn from(e: rust_xlsxwriter::XlsxError) -> PublishError {
        PublishError::Xlsx(e.to_string())
    }
}

/// The formats a publication is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// An Office Open XML workbook.
    Xlsx,
    /// Comma-separated text in UTF-8, with a byte-order mark.
    Csv,
}

impl OutputFormat {
    /// The format an output's name asks for: `.xlsx` or `.csv`, in any case.
    ///
    /// # Errors
    ///
    /// [`PublishError::UnknownFormat`] for any other name (`.xls`, `.txt`, none).
    pub fn from_path(path: &Path) -> Result<OutputFormat, PublishError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("xlsx") => Ok(OutputFormat::Xlsx),
            Some("csv") => Ok(OutputFormat::Csv),
            other => Err(PublishError::UnknownFormat {
                file: path.display().to_string(),
                hint: match other {
                    Some("xls" | "xlsm" | "et") => {
                        " (the old .xls format is not written: name it .xlsx, which every Excel \
                         and WPS since 2007 opens)"
                    }
                    _ => "",
                },
            }),
        }
    }
}

/// A cell of a publication.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// Text, written as text in a workbook (codes and ids keep their leading zeros).
    Text(String),
    /// A count, written as a number.
    Count(u64),
    /// A rate, written in a workbook as a number formatted `0.0%` (the exact fraction; `不适用`
    /// when not applicable, or an empty cell in Annex 1's fulfilment column), in CSV as the
    /// report prints it (`57.6%`).
    Rate(Rate),
    /// A score with one decimal.
    Score(f64),
    /// Nothing.
    Empty,
}

impl Out {
    /// Text from anything printable.
    pub fn text(s: impl Into<String>) -> Out {
        Out::Text(s.into())
    }

    /// The cell as CSV writes it.
    pub fn csv_text(&self) -> String {
        match self {
            Out::Text(s) => s.clone(),
            Out::Count(n) => n.to_string(),
            Out::Rate(r) => r.display_zh(),
            Out::Score(s) => format!("{s:.1}"),
            Out::Empty => String::new(),
        }
    }
}

/// A table to publish: one sheet of a workbook, or one CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet's name (at most 31 characters, none of `[]:*?/\`).
    pub sheet: String,
    /// Lines above the header in a workbook (a title, a line of provenance); not in CSV,
    /// which holds the header and rows only, so that it can be read back as a table.
    pub title: Vec<String>,
    /// The column names.
    pub header: Vec<String>,
    /// The rows, each as long as the header.
    pub rows: Vec<Vec<Out>>,
    /// Lines under the rows in a workbook (the headline rates under Annex 1); not in CSV.
    pub footer: Vec<String>,
}

impl Table {
    /// A table with a header and no rows.
    pub fn new(sheet: &str, header: &[&str]) -> Table {
        Table {
            sheet: sheet.to_owned(),
            title: Vec::new(),
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            footer: Vec::new(),
        }
    }

    /// The header and rows as CSV (UTF-8 with a byte-order mark, `\n` line ends, the csv
    /// crate's quoting).
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        // Writing to memory cannot fail.
        let _ = w.write_record(&self.header);
        for r in &self.rows {
            let _ = w.write_record(r.iter().map(Out::csv_text));
        }
        let text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
        with_bom(&text)
    }

    /// The table as a workbook of one sheet.
    ///
    /// # Errors
    ///
    /// [`PublishError::Xlsx`].
    pub fn to_xlsx(&self) -> Result<Vec<u8>, PublishError> {
        xlsx::tables(std::slice::from_ref(self))
    }

    /// The bytes of the table in `format`.
    ///
    /// # Errors
    ///
    /// [`PublishError::Xlsx`].
    pub fn to_bytes(&self, format: OutputFormat) -> Result<Vec<u8>, PublishError> {
        match format {
            OutputFormat::Xlsx => self.to_xlsx(),
            OutputFormat::Csv => Ok(self.to_csv().into_bytes()),
        }
    }
}

/// Tables as the sheets of one workbook, in order.
///
/// # Errors
///
/// [`PublishError::Xlsx`] (two sheets of one name among them).
pub fn tables_to_xlsx(tables: &[Table]) -> Result<Vec<u8>, PublishError> {
    xlsx::tables(tables)
}

/// A table in the library's own CSV form (a header row, then rows) as a workbook of one
/// sheet, every cell written as text, so that ids, codes and numbers keep their text exactly
/// and the layer's reader gives the same table back.
///
/// # Errors
///
/// [`PublishError::Xlsx`]; a CSV syntax error is [`PublishError::Xlsx`] too (the library
/// writes none).
pub fn csv_to_xlsx(sheet: &str, csv_text: &str) -> Result<Vec<u8>, PublishError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.strip_prefix(BOM).unwrap_or(csv_text).as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in reader.records() {
        let r = r.map_err(|e| PublishError::Xlsx(format!("not CSV: {e}")))?;
        rows.push(r.iter().map(str::to_owned).collect());
    }
    xlsx::text_grid(sheet, &rows)
}

/// A target pool as a workbook of one sheet, `检查对象名录库`, in the core's pool columns
/// (`pool_csv::write_pool`): read back through [`crate::import::read_pool`] it gives the
/// same pool and the same digest.
///
/// # Errors
///
/// [`PublishError::Xlsx`] (a pool the core cannot write as CSV, which a valid pool never is).
pub fn write_pool_xlsx(targets: &[Target]) -> Result<Vec<u8>, PublishError> {
    let csv = shuangsuiji::pool_csv::write_pool("pool.xlsx", targets)
        .map_err(|e| PublishError::Xlsx(e.to_string()))?;
    csv_to_xlsx("检查对象名录库", &csv)
}

/// A pool's inspection history as a workbook of one sheet, `检查记录`, in the core's history
/// columns (`pool_csv::write_history`).
///
/// # Errors
///
/// As [`write_pool_xlsx`].
pub fn write_history_xlsx(targets: &[Target]) -> Result<Vec<u8>, PublishError> {
    let csv = shuangsuiji::pool_csv::write_history("history.xlsx", targets)
        .map_err(|e| PublishError::Xlsx(e.to_string()))?;
    csv_to_xlsx("检查记录", &csv)
}
