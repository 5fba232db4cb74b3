//! Reading and writing files with errors that name the file. Every file the command line writes
//! goes through [`write_text`], which replaces it atomically ([`shuangsuiji_io::durable`]).

use crate::failure::Failure;
use shuangsuiji_io::durable::write_atomic;
use std::fs;
use std::path::Path;

/// The UTF-8 byte-order mark that Excel puts at the start of “CSV UTF-8” exports.
const BOM: char = '\u{feff}';

/// Reads a UTF-8 text file, dropping a leading byte-order mark.
///
/// Text that is not UTF-8 is refused with the line of the first bad byte: Chinese spreadsheets
/// are often saved as GBK, and the user needs to know that re-saving fixes it.
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    let bytes = fs::read(path)
        .map_err(|e| Failure::Input(format!("{}: cannot read: {e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error().valid_up_to()))?;
    Ok(match text.strip_prefix(BOM) {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Bytes read at a time by [`read_text_in_pieces`].
const PIECE: usize = 1 << 20;

/// Reads a UTF-8 text file piece by piece, as [`read_text`] reads it whole (a leading
/// byte-order mark dropped; text that is not UTF-8, a truncated character at the end included,
/// refused with the same message), handing each piece to `piece`: a pool of millions of rows is
/// read without holding its text. Pieces end between characters.
pub(crate) fn read_text_in_pieces(path: &Path, mut piece: impl FnMut(&str)) -> Result<(), Failure> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| Failure::Input(format!("{}: cannot read: {e}", path.display()));
    let mut file = fs::File::open(path).map_err(cannot)?;
    let mut buf = vec![0u8; PIECE + 4];
    // Bytes of a character cut by the end of the previous piece, at the start of `buf`.
    let mut carry = 0;
    // Bytes handed on before `buf`, and the line breaks in them (for the message).
    let (mut offset, mut newlines) = (0usize, 0usize);
    let mut first = true;
    loop {
        let n = loop {
            match file.read(&mut buf[carry..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(cannot(e)),
            }
        };
        let data = &buf[..carry + n];
        if n == 0 {
            if carry > 0 {
                return Err(not_utf8_at(path, offset, newlines));
            }
            return Ok(());
        }
        let (text, rest) = match std::str::from_utf8(data) {
            Ok(text) => (text, 0),
            Err(e) => {
                let good = e.valid_up_to();
                if e.error_len().is_some() {
                    let lines = newlines + data[..good].iter().filter(|&&b| b == b'\n').count();
                    return Err(not_utf8_at(path, offset + good, lines));
                }
                // A character cut by the end of the piece: kept for the next one.
                let text = std::str::from_utf8(&data[..good]).unwrap_or_default();
                (text, data.len() - good)
            }
        };
        newlines += text.bytes().filter(|&b| b == b'\n').count();
        offset += text.len();
        let mut text = text;
        if first && !text.is_empty() {
            first = false;
            text = text.strip_prefix(BOM).unwrap_or(text);
        }
        if !text.is_empty() {
            piece(text);
        }
        let end = carry + n;
        buf.copy_within(end - rest..end, 0);
        carry = rest;
    }
}

/// The lines of a file after its first (`None` if it cannot be read: reading it properly
/// will say why): a first, fast pass over a pool file tells its reader how many rows to expect
/// (`PoolCsvReader::expect_rows`).
pub(crate) fn lines_after_first(path: &Path) -> Option<u64> {
    use std::io::Read;
    let mut file = fs::File::open(path).ok()?;
    let mut buf = vec![0u8; PIECE];
    let (mut newlines, mut last, mut any) = (0u64, b'\n', false);
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        last = buf[n - 1];
        any = true;
    }
    Some((newlines + u64::from(any && last != b'\n')).saturating_sub(1))
}

/// Text that is not UTF-8 at byte `good`, after `newlines` line breaks.
fn not_utf8_at(path: &Path, good: usize, newlines: usize) -> Failure {
    Failure::Input(format!(
        "{}:{}: not valid UTF-8 (byte {good}); if the file was saved as GBK, \
         save it again as “CSV UTF-8”",
        path.display(),
        newlines + 1
    ))
}

/// The text of bytes already read from `path`, as [`read_text`] takes it (without copying).
pub(crate) fn decode_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, Failure> {
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(path, bytes, e.valid_up_to()))?;
    Ok(text.strip_prefix(BOM).unwrap_or(text))
}

/// Text that is not UTF-8, with the line of the first bad byte.
fn not_utf8(path: &Path, bytes: &[u8], good: usize) -> Failure {
    let newlines = bytes[..good].iter().filter(|&&b| b == b'\n').count();
    not_utf8_at(path, good, newlines)
}

/// A JSON error as `FILE:LINE:COLUMN: what` (serde_json puts the place at the end; a reader
/// looks for it first, as compilers print it).
pub(crate) fn json_error(file: &str, what: &str, e: &serde_json::Error) -> Failure {
    let text = e.to_string();
    let place = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&place).unwrap_or(&text);
    Failure::Input(if e.line() == 0 {
        format!("{file}: not {what}: {message}")
    } else {
        format!("{file}:{}:{}: not {what}: {message}", e.line(), e.column())
    })
}

/// Reads a JSON file as `T`; `what` names the expected content for the error message (“an
/// annual plan”).
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
) -> Result<T, Failure> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| json_error(&path.display().to_string(), what, &e))
}

/// Writes a whole file atomically, creating its directory if needed: a reader (or a crash, or
/// a full disk) sees the old content or the new, never part of it, and a failure says the
/// previous content is intact.
pub(crate) fn write_text(path: &Path, text: &str) -> Result<(), Failure> {
    write_bytes(path, text.as_bytes())
}

/// Writes bytes (a workbook) as [`write_text`] writes text.
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    write_atomic(path, bytes).map_err(Failure::input)
}

/// Writes a CSV file as [`write_text`] does, with a UTF-8 byte-order mark first: Excel on
/// Chinese Windows reads a CSV without one as GBK, and every reader of the library skips it
/// (docs/FORMATS.md §9). Every CSV file the command line writes goes through here.
pub(crate) fn write_csv(path: &Path, text: &str) -> Result<(), Failure> {
    write_text(path, &shuangsuiji_io::publish::with_bom(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_bad_utf8_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        fs::write(&p, "\u{feff}id,grade\n").unwrap();
        assert_eq!(read_text(&p).unwrap(), "id,grade\n");
        // “大冶” in GBK on line 2.
        fs::write(&p, b"id,grade\nx\xb4\xf3\xd2\xb1,A\n").unwrap();
        let err = read_text(&p).unwrap_err().to_string();
        assert!(err.contains("a.csv:2: not valid UTF-8"), "{err}");
        let err = read_text(&dir.path().join("missing.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.csv: cannot read"), "{err}");
    }

    #[test]
    fn files_read_in_pieces_read_as_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        let whole = |p: &Path| {
            let mut text = String::new();
            read_text_in_pieces(p, |t| text.push_str(t)).map(|()| text)
        };
        // Pieces cut a character at every position around the piece size, behind a BOM.
        for pad in 0..4 {
            let text = format!(
                "\u{feff}{}{}",
                "x".repeat(PIECE - 3 + pad),
                "大冶\n".repeat(3)
            );
            fs::write(&p, &text).unwrap();
            assert_eq!(whole(&p).unwrap(), read_text(&p).unwrap(), "{pad}");
        }
        let mut bad: Vec<u8> = "a\nb\n".repeat(PIECE / 3).into_bytes();
        bad.extend(b"x\xb4\xf3\n");
        for bytes in [bad.clone(), b"id\n\xe5\xa4".to_vec(), b"\xff".to_vec()] {
            fs::write(&p, &bytes).unwrap();
            let a = whole(&p).unwrap_err().to_string();
            assert_eq!(a, read_text(&p).unwrap_err().to_string());
            assert!(a.contains("not valid UTF-8"), "{a}");
        }
        fs::write(&p, "").unwrap();
        assert_eq!(whole(&p).unwrap(), "");
        let err = whole(&dir.path().join("missing.csv"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            read_text(&dir.path().join("missing.csv"))
                .unwrap_err()
                .to_string()
        );
    }

    #[test]
    fn decoded_bytes_are_read_like_files() {
        let p = Path::new("log.jsonl");
        assert_eq!(decode_text(p, "\u{feff}{}\n".as_bytes()).unwrap(), "{}\n");
        let err = decode_text(p, b"{}\n{\"t\":\"\xb4\xf3\"}\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("log.jsonl:2: not valid UTF-8 (byte 9)"),
            "{err}"
        );
    }

    #[test]
    fn json_errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        fs::write(&p, "{\n  \"x\": 1 2\n}").unwrap();
        let err = read_json::<serde_json::Value>(&p, "a test file")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a.json:2:10: not a test file: expected `,` or `}`"),
            "{err}"
        );
        assert!(err.contains(": not a test file: "), "{err}");
        assert!(!err.contains(" at line "), "{err}");
    }

    #[test]
    fn csv_files_start_with_one_bom_and_read_back_without_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        write_csv(&p, "id,name\nD01,市场监管局\n").unwrap();
        assert!(fs::read(&p).unwrap().starts_with(b"\xef\xbb\xbfid,name\n"));
        assert_eq!(read_text(&p).unwrap(), "id,name\nD01,市场监管局\n");
        write_csv(&p, "\u{feff}id\n").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"\xef\xbb\xbfid\n");
    }

    #[test]
    fn write_creates_directories() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x/y/z.txt");
        write_text(&p, "hi").unwrap();
        assert_eq!(read_text(&p).unwrap(), "hi");
        write_text(&p, "again").unwrap();
        assert_eq!(read_text(&p).unwrap(), "again");
        // Only the file itself is left in its directory: no temporary file.
        assert_eq!(fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_says_the_previous_file_is_intact() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out");
        fs::create_dir(&p).unwrap();
        let err = write_text(&p, "x").unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: cannot write: ", p.display())),
            "{err}"
        );
        assert!(err.ends_with("the previous content is intact"), "{err}");
    }
}
