//! Tables as the platforms ship them, read from bytes into rows of cells.
//!
//! The format is told by the content, never by the name, because platforms name files
//! loosely (an OOXML workbook called `.xls`, Excel-2003 XML called `.xlsx`, CSV called `.xls`):
//!
//! | content | read as | by |
//! |---|---|---|
//! | zip holding `xl/workbook.xml` / `xl/workbook.bin` | xlsx or xlsm / xlsb | calamine |
//! | zip whose `mimetype` is an OpenDocument spreadsheet | ods | calamine |
//! | compound file (`D0 CF 11 E0 A1 B1 1A E1`) | xls (BIFF8) | calamine |
//! | XML naming `urn:schemas-microsoft-com:office:spreadsheet` | Excel 2003 SpreadsheetML | [`spreadsheetml`] |
//! | anything else that decodes as text | CSV, or TSV when tabs outnumber commas | [`text`] |
//!
//! Text is decoded by its byte-order mark (UTF-8, UTF-16 LE or BE); without one, as UTF-8 when
//! it is valid UTF-8, else as UTF-16 when zero bytes betray it, else as GB18030 (the superset
//! of GBK and GB2312 that Excel writes on Chinese Windows). Which one was used is always a note.
//!
//! A [`Sheet`] is rows of [`Cell`]s: the text a person sees and, where a workbook has it, the
//! typed [`Value`] (number, date, boolean). Every cell has a [`Place`]: `Sheet1!C7` in a
//! workbook, `file:line` in a text file (the line its record starts on).
//!
//! ```
//! use shuangsuiji_io::table::{read_sheet, Format, ReadOptions};
//!
//! let gbk = b"\xc6\xf3\xd2\xb5\xc3\xfb\xb3\xc6,id\n\xbc\xd7,E1\n"; // “企业名称,id / 甲,E1” in GBK
//! let sheet = read_sheet("pool.csv", gbk, &ReadOptions::default())?;
//! assert_eq!(sheet.format, Format::Csv);
//! assert_eq!(sheet.rows[0].cells[0].text, "企业名称");
//! assert_eq!(sheet.place(1, 1).to_string(), "pool.csv:2");
//! assert!(sheet.notes[0].contains("GB18030"));
//! # Ok::<(), shuangsuiji_io::table::TableError>(())
//! ```

pub mod spreadsheetml;
pub mod text;
mod workbook;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use std::fmt;

/// What a file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// An OOXML workbook (`.xlsx`, or `.xlsm` with macros).
    Xlsx,
    /// An OOXML binary workbook (`.xlsb`).
    Xlsb,
    /// An Excel 97–2003 workbook (BIFF8 in a compound file, `.xls`).
    Xls,
    /// An OpenDocument spreadsheet (`.ods`).
    Ods,
    /// Excel 2003 XML (SpreadsheetML), often named `.xls` or `.xlsx` by platforms.
    SpreadsheetMl,
    /// Comma-separated text.
    Csv,
    /// Tab-separated text (what Excel saves as “Unicode text”).
    Tsv,
}

impl Format {
    /// Whether cells have workbook addresses (`Sheet1!C7`) rather than lines.
    pub fn is_workbook(self) -> bool {
        !matches!(self, Format::Csv | Format::Tsv)
    }

    /// A name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "an Excel workbook (xlsx/xlsm)",
            Format::Xlsb => "an Excel binary workbook (xlsb)",
            Format::Xls => "an Excel 97-2003 workbook (xls)",
            Format::Ods => "an OpenDocument spreadsheet (ods)",
            Format::SpreadsheetMl => "an Excel 2003 XML workbook (SpreadsheetML)",
            Format::Csv => "CSV text",
            Format::Tsv => "tab-separated text",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The encoding a text file was decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 behind a byte-order mark (Excel's “CSV UTF-8”).
    Utf8Bom,
    /// UTF-16 little-endian (with its mark, or told by zero bytes).
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
    /// GB18030, which includes GBK and GB2312 (not valid UTF-8).
    Gb18030,
}

impl TextEncoding {
    /// A name for messages.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with a byte-order mark",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Gb18030 => "GB18030 (GBK)",
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A cell's typed value, where the file has one (text files hold only text).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing in the cell.
    Empty,
    /// Text (the cell's [`Cell::text`]).
    Text,
    /// A number (integers included: workbooks store them as floating point).
    Number(f64),
    /// A boolean.
    Bool(bool),
    /// A date (with its time of day; midnight for a plain date): a date-formatted serial
    /// converted with the workbook's date system (1900 or 1904), or an ISO date of ods and
    /// SpreadsheetML.
    Date(NaiveDateTime),
    /// An error value such as `#N/A`, as Excel shows it.
    Error(String),
}

/// One cell: the text a person sees and the typed value behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text: a text cell's own text; a number written without a trailing `.0` (integers
    /// below 10¹⁵ in full, others in Rust's shortest form); a date as `YYYY-MM-DD`, or
    /// `YYYY-MM-DD HH:MM:SS` when it has a time; `TRUE`/`FALSE`; an error as `#N/A`.
    pub text: String,
    /// The typed value.
    pub value: Value,
}

impl Cell {
    /// The empty cell.
    pub fn empty() -> Cell {
        Cell {
            text: String::new(),
            value: Value::Empty,
        }
    }

    /// A text cell (empty text is the empty cell).
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        let value = if text.is_empty() {
            Value::Empty
        } else {
            Value::Text
        };
        Cell { text, value }
    }

    /// A number cell.
    pub fn number(n: f64) -> Cell {
        Cell {
            text: number_text(n),
            value: Value::Number(n),
        }
    }

    /// A date cell.
    pub fn date(at: NaiveDateTime) -> Cell {
        let text = if at.time() == NaiveTime::MIN {
            at.format("%Y-%m-%d").to_string()
        } else {
            at.format("%Y-%m-%d %H:%M:%S").to_string()
        };
        Cell {
            text,
            value: Value::Date(at),
        }
    }

    /// A boolean cell.
    pub fn bool(b: bool) -> Cell {
        Cell {
            text: if b { "TRUE" } else { "FALSE" }.to_owned(),
            value: Value::Bool(b),
        }
    }

    /// Whether the cell holds nothing but white space.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// A number as a person reads it: integers without `.0` (in full below 10¹⁵, where `f64` is
/// still exact to the unit), others in the shortest form that reads back to the same number.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One row of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row number a person sees: the workbook's row (1-based), or the line a text record
    /// starts on.
    pub number: u64,
    /// The cells from column A (index 0) on; trailing empty cells may be absent.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell in a column (0-based), or `None` past the row's last cell.
    pub fn cell(&self, column: usize) -> Option<&Cell> {
        self.cells.get(column)
    }

    /// Whether every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}

/// A table read from a file: the chosen sheet of a workbook, or the whole of a text file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The file name given for messages.
    pub file: String,
    /// The sheet's name; for a text file, `None`.
    pub name: Option<String>,
    /// What the file was read as.
    pub format: Format,
    /// For text, the encoding it was decoded from.
    pub encoding: Option<TextEncoding>,
    /// The workbook's date system, where its date cells tell it: `true` for 1904 (old Mac
    /// workbooks), `false` for 1900; `None` when no cell tells (text, or no date cell).
    pub date1904: Option<bool>,
    /// The rows in order; blank rows of text files are absent (the csv reader skips empty
    /// lines), a workbook's rows are all there from its first used row on.
    pub rows: Vec<Row>,
    /// What the user should hear about how the file was read (encoding, sheet chosen).
    pub notes: Vec<String>,
}

impl Sheet {
    /// The place of cell `column` (0-based) in `rows[row]`.
    ///
    /// # Panics
    ///
    /// Never: a row index past the end gives the row after the last one.
    pub fn place(&self, row: usize, column: usize) -> Place {
        let number = self.rows.get(row).map_or_else(
            || self.rows.last().map_or(1, |r| r.number + 1),
            |r| r.number,
        );
        self.place_at(number, column)
    }

    /// The place of a cell by its row number (as in [`Row::number`]) and column (0-based).
    pub fn place_at(&self, row_number: u64, column: usize) -> Place {
        Place {
            file: self.file.clone(),
            sheet: self.name.clone().filter(|_| self.format.is_workbook()),
            row: row_number,
            column,
        }
    }
}

/// Where a cell is, as a person finds it: `Sheet1!C7` in a workbook (with the file name first
/// when shown alone: `pool.xlsx: Sheet1!C7`), `pool.csv:7` in a text file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// The file name given for messages.
    pub file: String,
    /// The sheet, for a workbook.
    pub sheet: Option<String>,
    /// The row number (workbook row, or the line of a text record).
    pub row: u64,
    /// The column, 0-based.
    pub column: usize,
}

impl Place {
    /// The cell's address without the file: `Sheet1!C7` (`'My sheet'!C7` where Excel quotes),
    /// or `line 7` for text.
    pub fn cell(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!(
                "{}!{}{}",
                quote_sheet(sheet),
                column_letters(self.column),
                self.row
            ),
            None => format!("line {}", self.row),
        }
    }

    /// The row without the column: `Sheet1 row 7` or `line 7`.
    pub fn row_text(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{} row {}", quote_sheet(sheet), self.row),
            None => format!("line {}", self.row),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sheet {
            Some(_) => write!(f, "{}: {}", self.file, self.cell()),
            None => write!(f, "{}:{}", self.file, self.row),
        }
    }
}

/// A sheet name as Excel writes it in a reference: quoted when it holds anything but letters,
/// digits and `_`, or starts with a digit; a quote inside is doubled.
fn quote_sheet(name: &str) -> String {
    let plain = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// The letters of a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_letters(column: usize) -> String {
    let mut n = column + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// How to read a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The sheet to read, by name; `None`: the first non-empty visible sheet (then the first
    /// non-empty hidden one).
    pub sheet: Option<String>,
}

/// Why a file could not be read as a table. Every message starts with the file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// Not a workbook and not text.
    #[error("{file}: {what}")]
    NotATable {
        /// The file.
        file: String,
        /// What it looks like, and what was expected.
        what: String,
    },
    /// A workbook that its reader refused (damaged, encrypted, …).
    #[error("{file}: looks like {format} but cannot be read: {message}")]
    Workbook {
        /// The file.
        file: String,
        /// What it looked like.
        format: Format,
        /// The reader's reason.
        message: String,
    },
    /// The sheet asked for is not in the workbook.
    #[error("{file}: no sheet named {sheet:?}; the workbook has {}", available.join(", "))]
    NoSuchSheet {
        /// The file.
        file: String,
        /// The name asked for.
        sheet: String,
        /// The workbook's sheets.
        available: Vec<String>,
    },
    /// Nothing to read.
    #[error("{file}: {what}")]
    Empty {
        /// The file.
        file: String,
        /// What is empty.
        what: String,
    },
    /// Text that no supported encoding decodes.
    #[error("{file}: {message}")]
    Encoding {
        /// The file.
        file: String,
        /// Where and why.
        message: String,
    },
    /// Text that is not well-formed CSV (or XML), at a line.
    #[error("{file}:{line}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The line.
        line: u64,
        /// Why.
        message: String,
    },
}

/// The container a file's bytes announce, before any parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Zip,
    Cfb,
    Other,
}

fn container(bytes: &[u8]) -> Container {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Container::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Container::Cfb
    } else {
        Container::Other
    }
}

/// Reads a table from a file's bytes, telling the format by the content (see the module
/// docs). `file` names the file in messages and places.
///
/// # Errors
///
/// [`TableError`]: a file that is no table (with what it looks like instead), a damaged
/// workbook, a missing sheet, text in no supported encoding, malformed CSV or XML.
pub fn read_sheet(file: &str, bytes: &[u8], options: &ReadOptions) -> Result<Sheet, TableError> {
    match container(bytes) {
        Container::Zip => workbook::read_zip(file, bytes, options),
        Container::Cfb => workbook::read_cfb(file, bytes, options),
        Container::Other => {
            let (decoded, encoding, note) = text::decode(file, bytes)?;
            let head = decoded.trim_start_matches('\u{feff}').trim_start();
            if spreadsheetml::looks_like(head) {
                let mut sheet = spreadsheetml::read(file, &decoded, options)?;
                sheet.notes.insert(0, note);
                return Ok(sheet);
            }
            if let Some(what) = not_a_table(head) {
                return Err(TableError::NotATable {
                    file: file.to_owned(),
                    what: what.to_owned(),
                });
            }
            if options.sheet.is_some() {
                return Err(TableError::NoSuchSheet {
                    file: file.to_owned(),
                    sheet: options.sheet.clone().unwrap_or_default(),
                    available: vec!["(none: a text file has no sheets)".to_owned()],
                });
            }
            let mut sheet = text::read(file, &decoded, encoding)?;
            sheet.notes.insert(0, note);
            Ok(sheet)
        }
    }
}

/// Text that is plainly not a table, with what to do instead.
fn not_a_table(head: &str) -> Option<&'static str> {
    let lower: String = head
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<table")
    {
        Some(
            "an HTML page, not a workbook (web platforms often export HTML tables named .xls): \
             open it in Excel and save it as .xlsx or CSV",
        )
    } else if lower.starts_with("<?xml") {
        Some(
            "XML that is not an Excel 2003 workbook (no urn:schemas-microsoft-com:office:spreadsheet \
             namespace): expected xlsx, xls, ods, Excel 2003 XML, CSV or tab-separated text",
        )
    } else if lower.starts_with("%pdf") {
        Some("a PDF document, not a table: expected xlsx, xls, ods, Excel 2003 XML or CSV")
    } else {
        None
    }
}

/// The date of an Excel serial number in the 1900 or the 1904 date system, with its time of
/// day (to the second, rounded); `None` outside Excel's range or for the day that does not
/// exist.
///
/// The 1900 system counts 1900-01-01 as day 1 and, as Lotus 1-2-3 did, holds a 29 February
/// 1900 as day 60: serials from 61 on are days after 1899-12-30, serials 1–59 days after
/// 1899-12-31, and 60 has no date (`None`). The 1904 system counts days after 1904-01-01
/// (day 0). Excel's range ends at 9999-12-31.
///
/// ```
/// use shuangsuiji_io::table::excel_serial_date;
/// let d = |s, y| excel_serial_date(s, y).map(|d| d.to_string());
/// assert_eq!(d(46086.0, false).as_deref(), Some("2026-03-05 00:00:00"));
/// assert_eq!(d(44624.0, true).as_deref(), Some("2026-03-05 00:00:00"));
/// assert_eq!(d(1.0, false).as_deref(), Some("1900-01-01 00:00:00"));
/// assert_eq!(d(61.0, false).as_deref(), Some("1900-03-01 00:00:00"));
/// assert_eq!(d(60.0, false), None);
/// assert_eq!(d(46086.5, false).as_deref(), Some("2026-03-05 12:00:00"));
/// ```
pub fn excel_serial_date(serial: f64, date1904: bool) -> Option<NaiveDateTime> {
    if !serial.is_finite() || serial < 0.0 {
        return None;
    }
    let days = serial.floor();
    let (epoch, offset) = if date1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, days)
    } else if days >= 61.0 {
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, days)
    } else if (1.0..60.0).contains(&days) {
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, days)
    } else {
        return None;
    };
    let date = epoch.checked_add_days(chrono::Days::new(offset as u64))?;
    if date > NaiveDate::from_ymd_opt(9999, 12, 31)? {
        return None;
    }
    let seconds = ((serial - days) * 86_400.0).round() as u32;
    let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds.min(86_399), 0)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_count_like_excel() {
        let got: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702, 16383]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(
            got,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
        );
    }

    #[test]
    fn places_read_as_excel_and_editors_show_them() {
        let p = |sheet: Option<&str>, row, column| Place {
            file: "p.xlsx".into(),
            sheet: sheet.map(Into::into),
            row,
            column,
        };
        assert_eq!(p(Some("Sheet1"), 7, 2).to_string(), "p.xlsx: Sheet1!C7");
        assert_eq!(p(Some("待抽检库"), 3, 0).cell(), "待抽检库!A3");
        assert_eq!(p(Some("My sheet"), 3, 0).cell(), "'My sheet'!A3");
        assert_eq!(p(Some("2026"), 3, 0).cell(), "'2026'!A3");
        assert_eq!(p(Some("O'Brien"), 1, 0).cell(), "'O''Brien'!A1");
        assert_eq!(p(None, 9, 4).to_string(), "p.xlsx:9");
    }

    #[test]
    fn serial_dates_in_both_systems() {
        let d = |s, y| excel_serial_date(s, y).map(|d| d.date().to_string());
        assert_eq!(d(59.0, false).as_deref(), Some("1900-02-28"));
        assert_eq!(d(0.0, false), None);
        assert_eq!(d(0.0, true).as_deref(), Some("1904-01-01"));
        assert_eq!(d(2_958_465.0, false).as_deref(), Some("9999-12-31"));
        assert_eq!(d(2_958_466.0, false), None);
        assert_eq!(d(-1.0, false), None);
        assert_eq!(d(f64::NAN, false), None);
        // The same day is 1462 serials apart in the two systems.
        assert_eq!(d(46086.0, false), d(46086.0 - 1462.0, true));
    }

    #[test]
    fn numbers_read_as_a_person_sees_them() {
        assert_eq!(number_text(7.0), "7");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(0.05), "0.05");
        assert_eq!(number_text(330_106_000_012_345.0), "330106000012345");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }
}
