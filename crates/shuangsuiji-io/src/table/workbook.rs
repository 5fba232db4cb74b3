//! Workbooks through calamine: xlsx/xlsm, xlsb, xls and ods.

use super::{Cell, Format, ReadOptions, Row, Sheet, TableError, Value, excel_serial_date};
use calamine::{
    Data, ExcelDateTime, ExcelDateTimeType, Ods, Range, Reader, SheetType, SheetVisible, Xls, Xlsb,
    Xlsx,
};
use chrono::{NaiveDate, NaiveDateTime};
use std::io::{Cursor, Read};

/// A zip archive: an OOXML or OpenDocument workbook, told by the names inside it.
pub(super) fn read_zip(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Sheet, TableError> {
    let not = |what: String| TableError::NotATable {
        file: file.to_owned(),
        what,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not(format!("a damaged zip archive ({e}), not a workbook")))?;
    let names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let has = |n: &str| names.iter().any(|m| m == n);
    let mut mimetype = String::new();
    if let Ok(mut m) = archive.by_name("mimetype") {
        // A mimetype of more than a line is not one; a failed read leaves it empty.
        let _ = m.by_ref().take(200).read_to_string(&mut mimetype);
    }
    let cursor = Cursor::new(bytes);
    if has("xl/workbook.xml") {
        let book = Xlsx::new(cursor).map_err(|e| refused(file, Format::Xlsx, e))?;
        read_book(file, Format::Xlsx, book, options)
    } else if has("xl/workbook.bin") {
        let book = Xlsb::new(cursor).map_err(|e| refused(file, Format::Xlsb, e))?;
        read_book(file, Format::Xlsb, book, options)
    } else if mimetype.trim() == "application/vnd.oasis.opendocument.spreadsheet" {
        let book = Ods::new(cursor).map_err(|e| refused(file, Format::Ods, e))?;
        read_book(file, Format::Ods, book, options)
    } else if has("word/document.xml") {
        Err(not("a Word document (docx), not a workbook".to_owned()))
    } else if has("ppt/presentation.xml") {
        Err(not("a PowerPoint file (pptx), not a workbook".to_owned()))
    } else if mimetype.starts_with("application/vnd.oasis.opendocument.") {
        Err(not(format!(
            "an OpenDocument file of another kind ({}), not a spreadsheet",
            mimetype.trim()
        )))
    } else {
        Err(not(format!(
            "a zip archive that is no workbook (it holds {}): expected xlsx, xlsm, xlsb or ods",
            names.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        )))
    }
}

/// A compound file: an Excel 97–2003 workbook (or an encrypted OOXML one, or a Word .doc).
pub(super) fn read_cfb(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Sheet, TableError> {
    match Xls::new(Cursor::new(bytes)) {
        Ok(book) => read_book(file, Format::Xls, book, options),
        Err(e) => {
            let encrypted = contains(bytes, &utf16_name("EncryptedPackage"));
            let word = contains(bytes, &utf16_name("WordDocument"));
            if encrypted {
                Err(TableError::NotATable {
                    file: file.to_owned(),
                    what: "a password-protected workbook: save it without a password first"
                        .to_owned(),
                })
            } else if word {
                Err(TableError::NotATable {
                    file: file.to_owned(),
                    what: "a Word document (doc), not a workbook".to_owned(),
                })
            } else {
                Err(refused(file, Format::Xls, e))
            }
        }
    }
}

/// A stream name as a compound file's directory holds it (UTF-16 LE).
fn utf16_name(name: &str) -> Vec<u8> {
    name.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn refused(file: &str, format: Format, e: impl std::fmt::Display) -> TableError {
    TableError::Workbook {
        file: file.to_owned(),
        format,
        message: e.to_string(),
    }
}

/// Chooses the sheet and converts it.
fn read_book<'b, B>(
    file: &str,
    format: Format,
    mut book: B,
    options: &ReadOptions,
) -> Result<Sheet, TableError>
where
    B: Reader<Cursor<&'b [u8]>>,
    B::Error: std::fmt::Display,
{
    let sheets: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .filter(|s| !matches!(s.typ, SheetType::ChartSheet))
        .map(|s| (s.name.clone(), matches!(s.visible, SheetVisible::Visible)))
        .collect();
    let names: Vec<String> = sheets.iter().map(|s| s.0.clone()).collect();
    let mut notes = Vec::new();
    let (name, range) = if let Some(wanted) = &options.sheet {
        let Some(name) = names.iter().find(|n| *n == wanted).cloned() else {
            return Err(TableError::NoSuchSheet {
                file: file.to_owned(),
                sheet: wanted.clone(),
                available: names,
            });
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| refused(file, format, format!("sheet {name}: {e}")))?;
        (name, range)
    } else {
        // Visible sheets first, then hidden ones (templates hide their lists of choices).
        let order = sheets
            .iter()
            .filter(|s| s.1)
            .chain(sheets.iter().filter(|s| !s.1));
        let mut found = None;
        let mut empty = Vec::new();
        for (name, visible) in order {
            let range = book
                .worksheet_range(name)
                .map_err(|e| refused(file, format, format!("sheet {name}: {e}")))?;
            if range.used_cells().any(|(_, _, d)| !is_blank(d)) {
                found = Some((name.clone(), range, *visible));
                break;
            }
            empty.push(name.clone());
        }
        let Some((name, range, visible)) = found else {
            return Err(TableError::Empty {
                file: file.to_owned(),
                what: format!(
                    "every sheet is empty ({})",
                    if names.is_empty() {
                        "no sheets".to_owned()
                    } else {
                        names.join(", ")
                    }
                ),
            });
        };
        if names.len() > 1 {
            notes.push(format!(
                "{file}: reading sheet {name}{} of {} ({}); name another sheet to read it",
                if visible {
                    ", the first non-empty one"
                } else {
                    ", a hidden one: no visible sheet has data"
                },
                names.len(),
                names.join(", ")
            ));
        }
        (name, range)
    };
    let (rows, date1904) = convert(&range);
    notes.insert(0, format!("{file}: read as {format}"));
    Ok(Sheet {
        file: file.to_owned(),
        name: Some(name),
        format,
        encoding: None,
        date1904,
        rows,
        notes,
    })
}

fn is_blank(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// The rows of a range, numbered as in the workbook, with the date system its date cells
/// tell.
fn convert(range: &Range<Data>) -> (Vec<Row>, Option<bool>) {
    let Some((top, left)) = range.start() else {
        return (Vec::new(), None);
    };
    let mut date1904 = None;
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut out: Vec<Cell> = Vec::with_capacity(left as usize + cells.len());
            out.resize(left as usize, Cell::empty());
            out.extend(cells.iter().map(|d| cell(d, &mut date1904)));
            while out.last().is_some_and(|c| c.value == Value::Empty) {
                out.pop();
            }
            Row {
                number: u64::from(top) + i as u64 + 1,
                cells: out,
            }
        })
        .collect();
    (rows, date1904)
}

fn cell(d: &Data, date1904: &mut Option<bool>) -> Cell {
    match d {
        Data::Empty => Cell::empty(),
        Data::String(s) => Cell::text(s.clone()),
        Data::Int(i) => Cell::number(*i as f64),
        Data::Float(f) => Cell::number(*f),
        Data::Bool(b) => Cell::bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            // calamine keeps the workbook's date system inside the value without a getter:
            // equality with the same serial in the 1904 system tells it.
            let is1904 = *dt == ExcelDateTime::new(dt.as_f64(), ExcelDateTimeType::DateTime, true);
            date1904.get_or_insert(is1904);
            match excel_serial_date(dt.as_f64(), is1904) {
                Some(at) => Cell::date(at),
                None => Cell::number(dt.as_f64()),
            }
        }
        Data::DateTime(dt) => Cell::number(dt.as_f64()),
        Data::DateTimeIso(s) => iso_datetime(s).map_or_else(|| Cell::text(s.clone()), Cell::date),
        Data::DurationIso(s) => Cell::text(s.clone()),
        Data::Error(e) => Cell {
            text: e.to_string(),
            value: Value::Error(e.to_string()),
        },
    }
}

/// An ISO 8601 date or date-time as ods and SpreadsheetML store them.
pub(super) fn iso_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d.and_time(chrono::NaiveTime::MIN));
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}
