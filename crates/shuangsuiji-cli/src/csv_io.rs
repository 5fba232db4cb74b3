//! The CSV files of the pools: the target pool, its inspection history and the inspector pool.
//!
//! The text-level reading and writing (columns, leniency, every error at its file, line and
//! field) is the core's [`shuangsuiji::pool_csv`], shared with the C ABI; this module reads the
//! files, prints the core's notes on standard error and maps its errors to [`Failure::Input`].
//! It also writes the demo's `departments.csv`, which only the demo has.

use crate::failure::Failure;
use crate::files::{lines_after_first, read_text, read_text_in_pieces};
use crate::output::note;
use shuangsuiji::demo::Department;
use shuangsuiji::ids::TargetId;
use shuangsuiji::inspector::InspectorPool;
use shuangsuiji::pool_csv::{PoolCsvReader, PoolFile, parse_inspectors};
use shuangsuiji::target::FrozenPool;
use std::path::Path;

pub(crate) use shuangsuiji::pool_csv::{CsvError, write_history, write_inspectors, write_pool};

/// A target pool read from its files, frozen, remembering the line of every target for
/// messages about it after the pool was built.
#[derive(Debug)]
pub(crate) struct LoadedPool {
    read: PoolFile,
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
}

/// Reads a pool file and, if given, its history file, piece by piece straight into the frozen
/// pool (no adjustable pool, the text never held whole); remarks go to standard error. The
/// errors are those of reading the files whole (`shuangsuiji::pool_csv::read_target_pool`).
pub(crate) fn load_pool(pool: &Path, history: Option<&Path>) -> Result<LoadedPool, Failure> {
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

/// Reads an inspector-pool file; remarks go to standard error.
pub(crate) fn load_inspectors(path: &Path) -> Result<LoadedInspectors, Failure> {
    let file = path.display().to_string();
    let parsed = parse_inspectors(&file, &read_text(path)?).map_err(Failure::input)?;
    parsed.notes.iter().for_each(|n| note(n));
    Ok(LoadedInspectors {
        pool: parsed.value,
        file,
    })
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
        let loaded = load_pool(&pool, Some(&history)).unwrap();
        assert_eq!(loaded.pool().len(), 2);
        assert_eq!(loaded.line_of(&TargetId::new("T2").unwrap()), 4);
        assert_eq!(loaded.file(), pool.display().to_string());

        fs::write(&history, "target_id,date,department\nT3,2026-01-05,D01\n").unwrap();
        let err = load_pool(&pool, Some(&history)).unwrap_err();
        assert_eq!(err.exit_code(), Failure::Input(String::new()).exit_code());
        assert!(
            err.to_string()
                .starts_with(&format!("{}:2: field `target_id`", history.display())),
            "{err}"
        );
        let err = load_pool(&dir.path().join("missing.csv"), None).unwrap_err();
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
        let loaded = load_inspectors(&inspectors).unwrap();
        assert_eq!(
            loaded.pool.freeze().digest(),
            county.inspectors.freeze().digest()
        );
        fs::write(&inspectors, "id,department\nP1,\n").unwrap();
        let err = load_inspectors(&inspectors).unwrap_err().to_string();
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
