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

/// The text of bytes already read from `path`, as [`read_text`] takes it (without copying).
pub(crate) fn decode_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, Failure> {
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(path, bytes, e.valid_up_to()))?;
    Ok(text.strip_prefix(BOM).unwrap_or(text))
}

/// Text that is not UTF-8, with the line of the first bad byte.
fn not_utf8(path: &Path, bytes: &[u8], good: usize) -> Failure {
    let line = 1 + bytes[..good].iter().filter(|&&b| b == b'\n').count();
    Failure::Input(format!(
        "{}:{line}: not valid UTF-8 (byte {good}); if the file was saved as GBK, \
         save it again as “CSV UTF-8”",
        path.display()
    ))
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
    write_atomic(path, text.as_bytes()).map_err(Failure::input)
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
