//! Tables as xlsx sheets: a title merged across the columns, a bold bordered header frozen at
//! the top, bordered cells, counts as numbers, rates as `0.0%`, columns as wide as their text.
//!
//! The document's creation time is fixed (2000-01-01), so the same tables give the same bytes:
//! a published file can be compared and digested like the record it comes from.

use super::{Out, PublishError, Table};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};

/// Display columns of a text: 2 for a CJK or full-width character, as Excel sizes them.
pub(super) fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if matches!(u, 0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF
                | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3
                | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
                | 0x20000..=0x3FFFD)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The formats of a sheet.
pub(super) struct Formats {
    pub(super) title: Format,
    pub(super) line: Format,
    pub(super) header: Format,
    pub(super) text: Format,
    pub(super) count: Format,
    pub(super) rate: Format,
    pub(super) score: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            line: Format::new().set_align(FormatAlign::Left),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color("#D9E1F2"),
            text: cell.clone().set_num_format("@"),
            count: cell.clone().set_align(FormatAlign::Right),
            rate: cell.clone().set_num_format("0.0%"),
            score: cell.set_num_format("0.0"),
        }
    }
}

/// A new workbook with a fixed creation time.
pub(super) fn workbook() -> Workbook {
    let mut book = Workbook::new();
    if let Ok(at) = ExcelDateTime::from_ymd(2000, 1, 1) {
        book.set_properties(&DocProperties::new().set_creation_datetime(&at));
    }
    book
}

/// Writes one cell.
pub(super) fn cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &Out,
    f: &Formats,
) -> Result<(), PublishError> {
    match value {
        Out::Text(s) if s.is_empty() => ws.write_blank(row, col, &f.text)?,
        Out::Text(s) => ws.write_string_with_format(row, col, s, &f.text)?,
        Out::Count(n) => ws.write_number_with_format(row, col, *n as f64, &f.count)?,
        Out::Rate(r) => match r.value() {
            Some(v) => ws.write_number_with_format(row, col, v, &f.rate)?,
            None => ws.write_string_with_format(row, col, "不适用", &f.text)?,
        },
        Out::Score(s) => ws.write_number_with_format(row, col, *s, &f.score)?,
        Out::Empty => ws.write_blank(row, col, &f.text)?,
    };
    Ok(())
}

/// The width of a cell's text as a workbook shows it.
pub(super) fn shown_width(value: &Out) -> usize {
    match value {
        Out::Rate(_) => 6,
        other => display_width(&other.csv_text()),
    }
}

/// Sets each column as wide as its widest cell, between 6 and 60 characters.
pub(super) fn widths(ws: &mut Worksheet, widths: &[usize]) -> Result<(), PublishError> {
    for (c, w) in widths.iter().enumerate() {
        let w = (*w).clamp(4, 58) + 2;
        ws.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), w as f64)?;
    }
    Ok(())
}

/// A row or column index as the writer takes it; beyond its limits the writer itself
/// refuses the cell.
pub(super) fn at(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Writes a [`Table`] into a worksheet: title lines merged across the columns, the header
/// (frozen), the rows, the footer lines.
pub(super) fn write_table(ws: &mut Worksheet, t: &Table, f: &Formats) -> Result<(), PublishError> {
    ws.set_name(&t.sheet)?;
    let last = u16::try_from(t.header.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let mut row = 0u32;
    for (i, line) in t.title.iter().enumerate() {
        let format = if i == 0 { &f.title } else { &f.line };
        if last > 0 {
            ws.merge_range(row, 0, row, last, line, format)?;
        } else {
            ws.write_string_with_format(row, 0, line, format)?;
        }
        if i == 0 {
            ws.set_row_height(row, 24)?;
        }
        row += 1;
    }
    let mut w: Vec<usize> = t.header.iter().map(|h| display_width(h)).collect();
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, h, &f.header)?;
    }
    row += 1;
    ws.set_freeze_panes(row, 0)?;
    for r in &t.rows {
        for (c, value) in r.iter().enumerate() {
            cell(ws, row, c as u16, value, f)?;
            if let Some(slot) = w.get_mut(c) {
                *slot = (*slot).max(shown_width(value));
            }
        }
        row += 1;
    }
    for line in &t.footer {
        row += 1;
        ws.write_string_with_format(row, 0, line, &f.line)?;
    }
    widths(ws, &w)
}

/// Tables as the sheets of one workbook.
pub(super) fn tables(tables: &[Table]) -> Result<Vec<u8>, PublishError> {
    let mut book = workbook();
    let f = Formats::new();
    for t in tables {
        let ws = book.add_worksheet();
        write_table(ws, t, &f)?;
    }
    Ok(book.save_to_buffer()?)
}

/// Rows of text as one sheet, every cell text, no formats: the library's own tables, read
/// back by the formats layer.
pub(super) fn text_grid(sheet: &str, rows: &[Vec<String>]) -> Result<Vec<u8>, PublishError> {
    let mut book = workbook();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let text = Format::new().set_num_format("@");
    for (r, cells) in rows.iter().enumerate() {
        for (c, s) in cells.iter().enumerate() {
            if !s.is_empty() {
                ws.write_string_with_format(at(r), c as u16, s, &text)?;
            }
        }
    }
    if !rows.is_empty() {
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(book.save_to_buffer()?)
}
