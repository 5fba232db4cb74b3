//! How the command line reads the platforms' files (`docs/FORMATS.md`): the flags that say how
//! (`--profile`, `--sheet`, …) and the test that keeps the library's own CSV on its fast path.

use crate::failure::Failure;
use clap::Args;
use shuangsuiji::record::GradeRule;
use shuangsuiji::risk::Stratum;
use shuangsuiji_io::import::{builtin_profile, is_library_csv};
use shuangsuiji_io::profile::{Profile, TableKind};
use shuangsuiji_io::table::ReadOptions;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes of a file's start looked at to tell the library's own CSV from anything else.
const HEAD: usize = 64 * 1024;

/// How the pool, history and inspector files are read. Each may be the library's CSV, a
/// workbook (xlsx, xlsm, xlsb, xls, ods, Excel 2003 XML) or CSV/TSV in UTF-8, GB18030/GBK or
/// UTF-16, told by content; the platforms' Chinese headers and values are known without flags.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct Format {
    /// A mapping file (TOML; docs/FORMATS.md §6) for a province's own column names and values,
    /// e.g. `[values.grade] "E" = "D"` for a five-class scheme (the rule is then published in
    /// the draw record). Not needed for the library's own CSV or the platforms' usual exports.
    #[arg(long, value_name = "MAPPING.toml")]
    pub(crate) profile: Option<PathBuf>,

    /// The sheet of the pool workbook to read (default: the first non-empty sheet, named in a
    /// note when there are several).
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,

    /// The sheet of the history workbook to read (it may be the pool's workbook).
    #[arg(long, value_name = "NAME")]
    pub(crate) history_sheet: Option<String>,

    /// The sheet of the inspector-pool workbook to read.
    #[arg(long, value_name = "NAME")]
    pub(crate) inspectors_sheet: Option<String>,
}

impl Format {
    /// No flag changes how a pool and its history are read: the library's CSV may take the
    /// fast path.
    pub(crate) fn is_plain(&self) -> bool {
        self.profile.is_none() && self.sheet.is_none() && self.history_sheet.is_none()
    }

    /// The same for an inspector pool.
    pub(crate) fn is_plain_inspectors(&self) -> bool {
        self.profile.is_none() && self.inspectors_sheet.is_none()
    }

    /// Whether a file is the library's own CSV for `kind` ([`is_library_csv`] on its first
    /// bytes). A file that cannot be read is taken as one, so that the reader says why.
    pub(crate) fn is_library_csv(&self, path: &Path, kind: TableKind) -> bool {
        let Ok(mut file) = fs::File::open(path) else {
            return true;
        };
        let mut head = Vec::with_capacity(HEAD);
        if (&mut file)
            .take(HEAD as u64)
            .read_to_end(&mut head)
            .is_err()
        {
            return true;
        }
        is_library_csv(&head, kind)
    }

    /// The profile: the built-in one, extended by `--profile`.
    pub(crate) fn profile(&self) -> Result<Profile, Failure> {
        match &self.profile {
            None => Ok(builtin_profile().clone()),
            Some(path) => {
                let text = crate::files::read_text(path)?;
                Profile::with_mapping(&path.display().to_string(), &text)
                    .map_err(|e| Failure::Input(e.to_string()))
            }
        }
    }

    /// The user's grade rules in the record's terms.
    pub(crate) fn grade_rules(&self, profile: &Profile) -> Vec<GradeRule> {
        profile
            .grade_rules()
            .iter()
            .map(|(label, grade)| GradeRule {
                label: label.clone(),
                stratum: grade.parse().unwrap_or(Stratum::Ungraded),
            })
            .collect()
    }

    pub(crate) fn pool_options(&self) -> ReadOptions {
        ReadOptions {
            sheet: self.sheet.clone(),
        }
    }

    pub(crate) fn history_options(&self) -> ReadOptions {
        ReadOptions {
            sheet: self.history_sheet.clone(),
        }
    }

    pub(crate) fn inspectors_options(&self) -> ReadOptions {
        ReadOptions {
            sheet: self.inspectors_sheet.clone(),
        }
    }
}

/// The bytes of a file, with the error of [`crate::files::read_text`] when it cannot be read.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    fs::read(path).map_err(|e| Failure::Input(format!("{}: cannot read: {e}", path.display())))
}
