//! Text tables: decoding (UTF-8, UTF-16, GB18030) and CSV/TSV records with their lines.

use super::{Cell, Format, Row, Sheet, TableError, TextEncoding};
use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE};

/// Decodes a text file: by its byte-order mark; without one as UTF-8 when valid, else as
/// UTF-16 when zero bytes betray it (ASCII-heavy UTF-16 without a mark), else as GB18030.
/// Returns the text (without the mark), the encoding and a note naming it.
///
/// # Errors
///
/// [`TableError::Encoding`] when the chosen decoder meets bytes it cannot decode, naming the
/// line and what was tried.
pub fn decode(file: &str, bytes: &[u8]) -> Result<(String, TextEncoding, String), TableError> {
    let bad = |message: String| TableError::Encoding {
        file: file.to_owned(),
        message,
    };
    let with_mark = |enc: &'static Encoding, skip: usize, which: TextEncoding| {
        strict(enc, &bytes[skip..])
            .map(|text| (text, which))
            .map_err(|at| {
                bad(format!(
                    "the byte-order mark says {which}, but bytes at offset {} are not {which}",
                    at + skip
                ))
            })
    };
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(t) => (t.to_owned(), TextEncoding::Utf8Bom),
            Err(e) => {
                let line = line_of(rest, e.valid_up_to());
                return Err(bad(format!(
                    "the byte-order mark says UTF-8, but line {line} is not UTF-8"
                )));
            }
        }
    } else if bytes.starts_with(b"\xFF\xFE") {
        with_mark(UTF_16LE, 2, TextEncoding::Utf16Le)?
    } else if bytes.starts_with(b"\xFE\xFF") {
        with_mark(UTF_16BE, 2, TextEncoding::Utf16Be)?
    } else if let Some(found) = unmarked_utf16(bytes) {
        // Checked before UTF-8: ASCII in UTF-16 is valid UTF-8 full of NULs, which no real
        // table holds.
        found
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => (t.to_owned(), TextEncoding::Utf8),
            Err(utf8) => match strict(GB18030, bytes) {
                Ok(t) => (t, TextEncoding::Gb18030),
                Err(at) => {
                    return Err(bad(format!(
                        "neither UTF-8 (line {} is not) nor GB18030/GBK (line {} is not): \
                         save the file as CSV UTF-8, or as a workbook",
                        line_of(bytes, utf8.valid_up_to()),
                        line_of(bytes, at)
                    )));
                }
            },
        }
    };
    let note = match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => format!("{file}: read as {encoding} text"),
        TextEncoding::Gb18030 => format!(
            "{file}: not UTF-8, read as GB18030 (GBK), Excel's default for CSV on Chinese Windows"
        ),
        TextEncoding::Utf16Le | TextEncoding::Utf16Be
            if !bytes.starts_with(b"\xFF\xFE") && !bytes.starts_with(b"\xFE\xFF") =>
        {
            format!("{file}: read as {encoding} text (no byte-order mark: told by its zero bytes)")
        }
        _ => format!("{file}: read as {encoding} text"),
    };
    Ok((text, encoding, note))
}

/// UTF-16 without a mark, when the first 512 bytes hold a zero byte, at least a third of the
/// even (BE) or odd (LE) bytes among them are zero, and the whole decodes.
fn unmarked_utf16(bytes: &[u8]) -> Option<(String, TextEncoding)> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let head = &bytes[..bytes.len().min(512)];
    if !head.contains(&0) {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (le, be) = (zero_at(1), zero_at(0));
    let (enc, which) = if le * 3 >= pairs && le > be {
        (UTF_16LE, TextEncoding::Utf16Le)
    } else if be * 3 >= pairs && be > le {
        (UTF_16BE, TextEncoding::Utf16Be)
    } else {
        return None;
    };
    strict(enc, bytes).ok().map(|t| (t, which))
}

/// Decodes without replacement; `Err(offset)` of the first malformed byte.
fn strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        DecoderResult::InputEmpty => Ok(out),
        DecoderResult::Malformed(len, extra) => {
            Err(read.saturating_sub(usize::from(len) + usize::from(extra)))
        }
        DecoderResult::OutputFull => Err(read),
    }
}

/// The 1-based line of a byte offset.
fn line_of(bytes: &[u8], offset: usize) -> u64 {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

/// Tab-separated when tabs outnumber commas in the first 20 lines (outside no quoting: a
/// header rarely quotes), else comma-separated.
fn delimiter(text: &str) -> (u8, Format) {
    let head: String = text.lines().take(20).collect();
    let tabs = head.matches('\t').count();
    let commas = head.matches(',').count();
    if tabs > commas {
        (b'\t', Format::Tsv)
    } else {
        (b',', Format::Csv)
    }
}

/// Reads decoded text as CSV or TSV; each record keeps the line it starts on.
///
/// # Errors
///
/// [`TableError::Syntax`] at the line of a malformed record; [`TableError::Empty`] for a text
/// of no record.
pub fn read(file: &str, text: &str, encoding: TextEncoding) -> Result<Sheet, TableError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (delim, format) = delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            TableError::Syntax {
                file: file.to_owned(),
                line,
                message: e.to_string(),
            }
        })?;
        let number = record.position().map_or(0, |p| lines.line_at(p.byte()));
        rows.push(Row {
            number,
            cells: record.iter().map(Cell::text).collect(),
        });
    }
    if rows.iter().all(Row::is_blank) {
        return Err(TableError::Empty {
            file: file.to_owned(),
            what: "no rows: the file is empty".to_owned(),
        });
    }
    let mut notes = Vec::new();
    if format == Format::Tsv {
        notes.push(format!(
            "{file}: tab-separated (tabs outnumber commas in its first lines)"
        ));
    }
    Ok(Sheet {
        file: file.to_owned(),
        name: None,
        format,
        encoding: Some(encoding),
        date1904: None,
        rows,
        notes,
    })
}

/// The line a record starts on, from its byte offset, counting `\n`, `\r\n` and a lone `\r`
/// as one line break each (the csv crate's own line count is one short after every `\r\n`,
/// BurntSushi/rust-csv#395; the core's `pool_csv` counts the same way). Records come in file
/// order, so counting goes on from the previous record: one pass over the text.
struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> LineCounter<'t> {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a line break.
    fn line_at(&mut self, byte: u64) -> u64 {
        let text = self.text;
        let mut start = usize::try_from(byte).map_or(text.len(), |b| b.min(text.len()));
        while start < text.len() && matches!(text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.at {
            (self.at, self.line) = (0, 1);
        }
        for (i, &b) in text[self.at..start].iter().enumerate() {
            let next = text.get(self.at + i + 1);
            if b == b'\n' || (b == b'\r' && next != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.at = start;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, le: bool, mark: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if mark {
            out.extend(if le { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for unit in text.encode_utf16() {
            out.extend(if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn every_encoding_decodes_to_the_same_text() {
        let text = "企业名称,id\n甲,E1\n";
        let (gbk, _, _) = GB18030.encode(text);
        let cases: Vec<(Vec<u8>, TextEncoding)> = vec![
            (text.as_bytes().to_vec(), TextEncoding::Utf8),
            (
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                TextEncoding::Utf8Bom,
            ),
            (utf16(text, true, true), TextEncoding::Utf16Le),
            (utf16(text, false, true), TextEncoding::Utf16Be),
            (gbk.into_owned(), TextEncoding::Gb18030),
        ];
        for (bytes, expected) in cases {
            let (got, encoding, note) = decode("p.csv", &bytes).unwrap();
            assert_eq!((got.as_str(), encoding), (text, expected), "{note}");
            assert!(note.starts_with("p.csv: "), "{note}");
        }
    }

    #[test]
    fn unmarked_utf16_is_told_by_its_zero_bytes() {
        let text = "id,grade,name\nE1,A,x\n";
        let (got, encoding, note) = decode("p.csv", &utf16(text, true, false)).unwrap();
        assert_eq!((got.as_str(), encoding), (text, TextEncoding::Utf16Le));
        assert!(note.contains("no byte-order mark"), "{note}");
        let (_, encoding, _) = decode("p.csv", &utf16(text, false, false)).unwrap();
        assert_eq!(encoding, TextEncoding::Utf16Be);
    }

    #[test]
    fn undecodable_text_names_the_lines() {
        // 0xFF is neither UTF-8 nor a GB18030 lead byte.
        let err = decode("p.csv", b"id\nE1\n\xFF\xFF\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "p.csv: neither UTF-8 (line 3 is not) nor GB18030/GBK (line 3 is not): save the \
             file as CSV UTF-8, or as a workbook"
        );
        let err = decode("p.csv", b"\xEF\xBB\xBFid\n\xFF\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mark says UTF-8, but line 2"), "{err}");
        let err = decode("p.csv", b"\xFF\xFEi\x00\x00\xDC")
            .unwrap_err()
            .to_string();
        assert!(err.contains("mark says UTF-16 LE"), "{err}");
    }

    #[test]
    fn records_keep_their_lines_and_tabs_are_told() {
        let sheet = read(
            "p.csv",
            "标题,,\r\nid,name\r\nE1,\"two\r\nlines\"\r\n\r\nE2,x\r\n",
            TextEncoding::Utf8,
        )
        .unwrap();
        let lines: Vec<u64> = sheet.rows.iter().map(|r| r.number).collect();
        assert_eq!(lines, [1, 2, 3, 6]);
        assert_eq!(sheet.rows[2].cells[1].text, "two\r\nlines");
        let tsv = read("p.txt", "id\tname\nE1\t甲, 乙\n", TextEncoding::Utf16Le).unwrap();
        assert_eq!(tsv.format, Format::Tsv);
        assert_eq!(tsv.rows[1].cells[1].text, "甲, 乙");
        assert!(read("p.csv", "\n\n", TextEncoding::Utf8).is_err());
    }
}
