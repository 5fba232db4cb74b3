//! Excel 2003 XML (SpreadsheetML), which calamine does not read and platforms still export,
//! often under a `.xls` or `.xlsx` name.
//!
//! What is read: each `Worksheet` (its `ss:Name`), its `Table`'s `Row`s and `Cell`s with their
//! `ss:Index` (1-based, skipping rows and columns) and `ss:MergeAcross` (the next cell comes
//! after the merged ones), and each cell's `Data` by its `ss:Type`: `String` (rich text
//! flattened), `Number`, `DateTime` (ISO), `Boolean` (`1`/`0`), `Error`. A cell's `Comment`
//! is not its value and is skipped.

use super::workbook::iso_datetime;
use super::{Cell, Format, ReadOptions, Row, Sheet, TableError, Value};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// Whether decoded text is SpreadsheetML: XML naming its namespace or its processing
/// instruction near the start.
pub fn looks_like(head: &str) -> bool {
    let start: String = head.chars().take(4096).collect();
    start.starts_with('<')
        && (start.contains("urn:schemas-microsoft-com:office:spreadsheet")
            || start.contains("progid=\"Excel.Sheet\""))
}

/// One worksheet as read.
struct Worksheet {
    name: String,
    rows: Vec<Row>,
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

fn index(e: &BytesStart<'_>, local: &str) -> Option<u64> {
    attr(e, local).and_then(|v| v.trim().parse().ok())
}

/// Where the reader is in the document.
#[derive(Default)]
struct State {
    sheets: Vec<Worksheet>,
    row: Option<Row>,
    next_row: u64,
    next_col: usize,
    /// The open cell's column.
    cell: Option<usize>,
    /// The open `Data`: its `ss:Type` and its text so far.
    data: Option<(String, String)>,
    /// Inside a `Comment` (whose `Data` is not the cell's).
    comment_depth: u32,
}

impl State {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.local_name();
        if self.comment_depth > 0 {
            if name.as_ref() == "Comment" && !empty {
                self.comment_depth += 1;
            }
            return;
        }
        match name.as_ref() {
            "Worksheet" => {
                let n = self.sheets.len() + 1;
                self.sheets.push(Worksheet {
                    name: attr(e, "Name").unwrap_or_else(|| format!("Sheet{n}")),
                    rows: Vec::new(),
                });
                self.next_row = 1;
            }
            "Row" => {
                let number = index(e, "Index").unwrap_or(self.next_row.max(1));
                self.next_row = number + 1;
                self.next_col = 0;
                let r = Row {
                    number,
                    cells: Vec::new(),
                };
                if empty {
                    self.finish_row(r);
                } else {
                    self.row = Some(r);
                }
            }
            "Cell" => {
                let column = index(e, "Index").map_or(self.next_col, |i| {
                    usize::try_from(i.saturating_sub(1)).unwrap_or(0)
                });
                let merge = index(e, "MergeAcross").unwrap_or(0);
                self.next_col = column + 1 + usize::try_from(merge).unwrap_or(0);
                self.cell = (!empty).then_some(column);
            }
            "Data" if self.cell.is_some() && !empty => {
                self.data = Some((attr(e, "Type").unwrap_or_default(), String::new()));
            }
            "Comment" if !empty => self.comment_depth = 1,
            _ => {}
        }
    }

    fn text(&mut self, s: &str) {
        if self.comment_depth == 0
            && let Some((_, text)) = self.data.as_mut()
        {
            text.push_str(s);
        }
    }

    fn end(&mut self, name: &str) {
        if self.comment_depth > 0 {
            if name == "Comment" {
                self.comment_depth -= 1;
            }
            return;
        }
        match name {
            "Data" => {
                if let (Some((ty, s)), Some(column), Some(r)) =
                    (self.data.take(), self.cell, self.row.as_mut())
                {
                    if r.cells.len() <= column {
                        r.cells.resize(column + 1, Cell::empty());
                    }
                    r.cells[column] = typed(&ty, s);
                }
            }
            "Cell" => self.cell = None,
            "Row" => {
                if let Some(r) = self.row.take() {
                    self.finish_row(r);
                }
            }
            _ => {}
        }
    }

    fn finish_row(&mut self, mut r: Row) {
        while r.cells.last().is_some_and(|c| c.value == Value::Empty) {
            r.cells.pop();
        }
        if let Some(sheet) = self.sheets.last_mut() {
            sheet.rows.push(r);
        }
    }
}

/// Reads the chosen worksheet of a SpreadsheetML text.
///
/// # Errors
///
/// [`TableError::Syntax`] for XML that is not well-formed (at its line),
/// [`TableError::NoSuchSheet`], [`TableError::Empty`].
pub fn read(file: &str, text: &str, options: &ReadOptions) -> Result<Sheet, TableError> {
    let mut reader = Reader::from_str(text);
    let mut state = State::default();
    let syntax = |at: u64, message: String| TableError::Syntax {
        file: file.to_owned(),
        line: text.as_bytes()[..usize::try_from(at).unwrap_or(text.len()).min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64
            + 1,
        message: format!("not well-formed Excel 2003 XML: {message}"),
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| syntax(reader.error_position(), e.to_string()))?;
        match event {
            Event::Start(e) => state.start(&e, false),
            Event::Empty(e) => state.start(&e, true),
            Event::End(e) => state.end(e.local_name().as_ref()),
            Event::Text(t) => state.text(&t.xml_content(XmlVersion::Implicit1_0)),
            Event::CData(t) => state.text(&t.into_inner()),
            Event::GeneralRef(r) => {
                let name = r.xml_content(XmlVersion::Implicit1_0);
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => {
                        quick_xml::escape::resolve_predefined_entity(&name).map(str::to_owned)
                    }
                    Err(e) => return Err(syntax(reader.buffer_position(), e.to_string())),
                };
                match resolved {
                    Some(v) => state.text(&v),
                    None => {
                        return Err(syntax(
                            reader.buffer_position(),
                            format!("unknown entity &{name};"),
                        ));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    choose(file, state.sheets, options)
}

fn typed(ty: &str, s: String) -> Cell {
    match ty {
        "Number" => match s.trim().parse::<f64>() {
            Ok(n) => Cell::number(n),
            Err(_) => Cell::text(s),
        },
        "DateTime" => iso_datetime(&s).map_or_else(|| Cell::text(s.clone()), Cell::date),
        "Boolean" => match s.trim() {
            "1" => Cell::bool(true),
            "0" => Cell::bool(false),
            _ => Cell::text(s),
        },
        "Error" => Cell {
            value: Value::Error(s.clone()),
            text: s,
        },
        _ => Cell::text(s),
    }
}

fn choose(file: &str, sheets: Vec<Worksheet>, options: &ReadOptions) -> Result<Sheet, TableError> {
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let count = sheets.len();
    let mut notes = vec![format!("{file}: read as {}", Format::SpreadsheetMl)];
    let chosen = match &options.sheet {
        Some(wanted) => sheets
            .into_iter()
            .find(|s| &s.name == wanted)
            .ok_or_else(|| TableError::NoSuchSheet {
                file: file.to_owned(),
                sheet: wanted.clone(),
                available: names.clone(),
            })?,
        None => {
            let found = sheets
                .into_iter()
                .find(|s| s.rows.iter().any(|r| !r.is_blank()))
                .ok_or_else(|| TableError::Empty {
                    file: file.to_owned(),
                    what: format!("every worksheet is empty ({})", names.join(", ")),
                })?;
            if count > 1 {
                notes.push(format!(
                    "{file}: reading sheet {}, the first non-empty one of {count} ({}); name another sheet to read it",
                    found.name,
                    names.join(", ")
                ));
            }
            found
        }
    };
    Ok(Sheet {
        file: file.to_owned(),
        name: Some(chosen.name),
        format: Format::SpreadsheetMl,
        encoding: None,
        date1904: None,
        rows: chosen.rows,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_merges_entities_rich_text_and_comments() {
        let xml = r#"<?xml version="1.0"?>
<ss:Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <ss:Worksheet ss:Name="空"><ss:Table/></ss:Worksheet>
 <ss:Worksheet ss:Name="名录">
  <ss:Table>
   <ss:Row><ss:Cell ss:MergeAcross="2"><ss:Data ss:Type="String">标题</ss:Data></ss:Cell><ss:Cell><ss:Data ss:Type="String">D1</ss:Data></ss:Cell></ss:Row>
   <ss:Row ss:Index="3"><ss:Cell ss:Index="2"><ss:Data ss:Type="String">a&amp;b&#10;c</ss:Data><ss:Comment><ss:Data>批注</ss:Data></ss:Comment></ss:Cell>
    <ss:Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>粗</B>体</ss:Data></ss:Cell>
    <ss:Cell><ss:Data ss:Type="Boolean">1</ss:Data></ss:Cell><ss:Cell><ss:Data ss:Type="Error">#N/A</ss:Data></ss:Cell></ss:Row>
   <ss:Row/>
   <ss:Row><ss:Cell><ss:Data ss:Type="Number">1.5</ss:Data></ss:Cell></ss:Row>
  </ss:Table>
 </ss:Worksheet>
</ss:Workbook>"#;
        assert!(looks_like(xml));
        let sheet = read("x.xlsx", xml, &ReadOptions::default()).unwrap();
        assert_eq!(sheet.name.as_deref(), Some("名录"));
        let numbers: Vec<u64> = sheet.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 3, 4, 5]);
        assert_eq!(sheet.rows[0].cells[3].text, "D1", "after the merged A1:C1");
        let r3 = &sheet.rows[1].cells;
        assert_eq!(r3[0], Cell::empty());
        assert_eq!(r3[1].text, "a&b\nc");
        assert_eq!(r3[2].text, "粗体");
        assert_eq!(r3[3].value, Value::Bool(true));
        assert_eq!(r3[4].value, Value::Error("#N/A".into()));
        assert_eq!(sheet.rows[3].cells[0].value, Value::Number(1.5));
        assert_eq!(sheet.place(1, 1).to_string(), "x.xlsx: 名录!B3");
        let err = read("x.xml", "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet><Table><Row><Cell><Data>&bogus;</Data></Cell></Row></Table></Worksheet></Workbook>", &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("x.xml:1: not well-formed Excel 2003 XML"),
            "{err}"
        );
    }
}
