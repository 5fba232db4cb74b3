//! The CSV files of the pools: the target pool, its inspection history and the inspector pool.
//!
//! The text-level reading and writing (columns, leniency, every error at its file, line and
//! field) is the core's [`shuangsuiji::pool_csv`], shared with the C ABI; this module reads the
//! files, prints the core's notes on standard error and maps its errors to [`Failure::Input`].
//! It also writes the demo's `departments.csv`, which only the demo has.

use crate::failure::Failure;
use crate::files::{lines_after_first, read_text, read_text_in_pieces};
use crate::formats::{Format, read_bytes};
use crate::output::note;
use shuangsuiji::demo::Department;
use shuangsuiji::ids::TargetId;
use shuangsuiji::inspector::InspectorPool;
use shuangsuiji::pool_csv::{PoolCsvReader, PoolFile, parse_inspectors};
use shuangsuiji::record::GradeRule;
use shuangsuiji::target::FrozenPool;
use shuangsuiji_io::import::{self, Places};
use shuangsuiji_io::profile::TableKind;
use std::path::Path;

pub(crate) use shuangsuiji::pool_csv::{CsvError, write_history, write_inspectors, write_pool};

/// A target pool read from its files, frozen, remembering the line of every target for
/// messages about it after the pool was built.
#[derive(Debug)]
pub(crate) struct LoadedPool {
    read: PoolFile,
    /// The cells of the rows, for a file read through the formats layer (a workbook, another
    /// encoding, the platforms' headers); `None` for the library's own CSV.
    places: Option<Places>,
    /// The user's grade rules the pool was read with (a mapping file's `[values.grade]`).
    grade_rules: Vec<GradeRule>,
}

impl LoadedPool {
    /// The frozen pool, history included.
    pub(crate) fn pool(&self) -> &FrozenPool {
        self.read.pool()
    }

    /// The frozen pool, without the lines.
    pub(crate) fn into_pool(self) -> FrozenPool {
        self.read.into_pool()
    }

    /// The pool file as given.
    pub(crate) fn file(&self) -> &str {
        self.read.file()
    }

    /// The line of a target in the pool file (0 if it is not in the pool).
    pub(crate) fn line_of(&self, id: &TargetId) -> u64 {
        self.read.line_of(id).unwrap_or(0)
    }

    /// Where a field of a target is, for messages: `pool.csv:7: field `risk_score`` for the
    /// library's CSV, `pool.xlsx: Sheet1!F7: column F 风险分值 (`risk_score`)` for a workbook.
    pub(crate) fn place_of(&self, id: &TargetId, field: &str) -> String {
        let line = self.line_of(id);
        match &self.places {
            Some(places) => places.at(line, field),
            None => format!("{}:{line}: field `{field}`", self.file()),
        }
    }

    /// The user's grade rules the pool was read with, for the draw record.
    pub(crate) fn grade_rules(&self) -> &[GradeRule] {
        &self.grade_rules
    }
}

/// Reads a pool file and, if given, its history file, into the frozen pool; remarks go to
/// standard error.
///
/// The library's own CSV (UTF-8, its column names: [`import::is_library_csv`]) is read piece
/// by piece straight into the frozen pool by the core's streaming reader ([`load_pool_csv`]),
/// with its errors. Any other file (a workbook, GBK or UTF-16 text, the platforms' headers, a
/// title row, a `--profile`, a `--sheet`) is read through the formats layer
/// (`shuangsuiji_io::import`), its errors at the file's cells. A library CSV the core refuses
/// for a value (a platform's label such as 存续 under `status`) is read again through the
/// formats layer; if that fails too, the core's own error is the one given.
pub(crate) fn load_pool(
    pool: &Path,
    history: Option<&Path>,
    format: &Format,
) -> Result<LoadedPool, Failure> {
    let fast = format.is_plain()
        && format.is_library_csv(pool, TableKind::Pool)
        && history.is_none_or(|h| format.is_library_csv(h, TableKind::History));
    if !fast {
        return load_pool_formats(pool, history, format);
    }
    match load_pool_csv(pool, history) {
        Ok(loaded) => Ok(loaded),
        Err(Failure::Input(message)) if is_value_error(&message, pool, history) => {
            load_pool_formats(pool, history, format).map_err(|_| Failure::Input(message))
        }
        Err(e) => Err(e),
    }
}

/// A core error about a value on a data line (`file:LINE: field `x`: …`, LINE > 1), as
/// opposed to a header, I/O or whole-pool problem.
fn is_value_error(message: &str, pool: &Path, history: Option<&Path>) -> bool {
    let of = |p: &Path| {
        let rest = message.strip_prefix(&format!("{}:", p.display()))?;
        let (line, rest) = rest.split_once(':')?;
        let line: u64 = line.parse().ok()?;
        (line > 1 && rest.starts_with(" field `")).then_some(())
    };
    of(pool).is_some() || history.and_then(of).is_some()
}

/// A pool read through the formats layer.
fn load_pool_formats(
    pool: &Path,
    history: Option<&Path>,
    format: &Format,
) -> Result<LoadedPool, Failure> {
    let profile = format.profile()?;
    let pool_bytes = read_bytes(pool)?;
    let history_bytes = history.map(read_bytes).transpose()?;
    let (pool_file, history_file) = (
        pool.display().to_string(),
        history.map(|h| h.display().to_string()),
    );
    let history_options = format.history_options();
    let read = import::read_frozen_pool(
        (&pool_file, &pool_bytes),
        history_file
            .as_deref()
            .zip(history_bytes.as_deref())
            .map(|(f, b)| (f, b, &history_options)),
        &profile,
        &format.pool_options(),
    )
    .map_err(|e| Failure::Input(e.to_string()))?;
    read.notes.iter().for_each(|n| note(n));
    Ok(LoadedPool {
        read: read.value.value,
        places: Some(read.value.places),
        grade_rules: format.grade_rules(&profile),
    })
}

/// The library's own CSV files, piece by piece straight into the frozen pool (no adjustable
/// pool, the text never held whole). The errors are those of reading the files whole
/// (`shuangsuiji::pool_csv::read_target_pool`).
fn load_pool_csv(pool: &Path, history: Option<&Path>) -> Result<LoadedPool, Failure> {
    let file = pool.display().to_string();
    let mut reader = PoolCsvReader::new(&file);
    if history.is_none() {
        // Rows in canonical order are then digested as they are read.
        if let Some(rows) = lines_after_first(pool) {
            reader.expect_rows(rows);
        }
    }
    read_text_in_pieces(pool, |text| reader.feed(text))?;
    let parsed = reader.finish().map_err(Failure::input)?;
    parsed.notes.iter().for_each(|n| note(n));
    let mut rows = parsed.value;
    if let Some(h) = history {
        let mut reader = rows.history(&h.display().to_string());
        read_text_in_pieces(h, |text| reader.feed(text))?;
        let parsed = reader.finish().map_err(Failure::input)?;
        parsed.notes.iter().for_each(|n| note(n));
    }
    Ok(LoadedPool {
        read: rows.freeze().map_err(Failure::input)?,
        places: None,
        grade_rules: Vec::new(),
    })
}

/// An inspector pool read from its file.
#[derive(Debug)]
pub(crate) struct LoadedInspectors {
    /// The pool.
    pub(crate) pool: InspectorPool,
    /// The file as given, for messages.
    pub(crate) file: String,
}

/// Reads an inspector-pool file; remarks go to standard error. The library's own CSV is read
/// by the core's reader, any other file through the formats layer, as for [`load_pool`].
pub(crate) fn load_inspectors(path: &Path, format: &Format) -> Result<LoadedInspectors, Failure> {
    let file = path.display().to_string();
    let fast = format.is_plain_inspectors() && format.is_library_csv(path, TableKind::Inspectors);
    let read = if fast {
        match parse_inspectors(&file, &read_text(path)?) {
            Ok(parsed) => Ok(parsed),
            Err(e) => {
                let message = Failure::input(e).to_string();
                if is_value_error(&message, path, None) {
                    load_inspectors_formats(path, &file, format)
                        .map_err(|_| Failure::Input(message))
                } else {
                    Err(Failure::Input(message))
                }
            }
        }
    } else {
        load_inspectors_formats(path, &file, format)
    }?;
    read.notes.iter().for_each(|n| note(n));
    Ok(LoadedInspectors {
        pool: read.value,
        file,
    })
}

/// An inspector pool read through the formats layer.
fn load_inspectors_formats(
    path: &Path,
    file: &str,
    format: &Format,
) -> Result<shuangsuiji::pool_csv::Parsed<InspectorPool>, Failure> {
    let profile = format.profile()?;
    let bytes = read_bytes(path)?;
    import::read_inspectors((file, &bytes), &profile, &format.inspectors_options())
        .map_err(|e| Failure::Input(e.to_string()))
}

/// Writes the member departments (`id,name`), so that the ids in the other files can be read.
pub(crate) fn write_departments(file: &str, departments: &[Department]) -> Result<String, Failure> {
    let fail = |e: &dyn std::fmt::Display| Failure::Input(format!("{file}: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["id", "name"]).map_err(|e| fail(&e))?;
    for d in departments {
        w.write_record([d.id.as_str(), d.name.as_str()])
            .map_err(|e| fail(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| fail(&e))?;
    String::from_utf8(bytes).map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shuangsuiji::demo::DemoCounty;
    use std::fs;

    #[test]
    fn files_load_with_their_paths_in_messages() {
        let dir = tempfile::tempdir().unwrap();
        let pool = dir.path().join("pool.csv");
        let history = dir.path().join("history.csv");
        // An Excel-style byte-order mark, as spreadsheets save it.
        fs::write(
            &pool,
            "\u{feff}id,grade,name\nT1,A,\"two\nlines\"\nT2,B,x\n",
        )
        .unwrap();
        fs::write(&history, "target_id,date,department\nT2,2026-01-05,D01\n").unwrap();
        let loaded = load_pool(&pool, Some(&history), &Format::default()).unwrap();
        assert_eq!(loaded.pool().len(), 2);
        assert_eq!(loaded.line_of(&TargetId::new("T2").unwrap()), 4);
        assert_eq!(loaded.file(), pool.display().to_string());

        fs::write(&history, "target_id,date,department\nT3,2026-01-05,D01\n").unwrap();
        let err = load_pool(&pool, Some(&history), &Format::default()).unwrap_err();
        assert_eq!(err.exit_code(), Failure::Input(String::new()).exit_code());
        assert!(
            err.to_string()
                .starts_with(&format!("{}:2: field `target_id`", history.display())),
            "{err}"
        );
        let err = load_pool(&dir.path().join("missing.csv"), None, &Format::default()).unwrap_err();
        assert!(
            err.to_string().contains("missing.csv: cannot read"),
            "{err}"
        );

        let inspectors = dir.path().join("inspectors.csv");
        let county = DemoCounty::build();
        fs::write(
            &inspectors,
            write_inspectors("inspectors.csv", county.inspectors.entries()).unwrap(),
        )
        .unwrap();
        let loaded = load_inspectors(&inspectors, &Format::default()).unwrap();
        assert_eq!(
            loaded.pool.freeze().digest(),
            county.inspectors.freeze().digest()
        );
        fs::write(&inspectors, "id,department\nP1,\n").unwrap();
        let err = load_inspectors(&inspectors, &Format::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!("{}:2: field `department`", inspectors.display())),
            "{err}"
        );
    }

    #[test]
    fn departments_are_written_with_quoting() {
        let county = DemoCounty::build();
        let text = write_departments("departments.csv", &county.departments).unwrap();
        assert!(text.starts_with("id,name\n"), "{text}");
        assert_eq!(text.lines().count(), county.departments.len() + 1);
    }
}
