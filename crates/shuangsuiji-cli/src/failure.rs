//! How a command fails, and the exit code each failure maps to.

use std::fmt;
use std::process::ExitCode;

/// Why a command did not succeed. Every variant carries a message meant for a person: it names
/// the file, line and field (or the command-line flag) where that applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Bad input or usage: unreadable file, malformed CSV/JSON, bad flag value (exit 2).
    Input(String),
    /// A check ran and found problems, e.g. a record that does not reproduce (exit 1).
    Check(String),
}

impl Failure {
    /// The process exit code: 1 for a failed check, 2 for bad input.
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Check(_) => ExitCode::from(1),
            Failure::Input(_) => ExitCode::from(2),
        }
    }

    /// An input failure from anything printable.
    pub(crate) fn input(message: impl fmt::Display) -> Failure {
        Failure::Input(message.to_string())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input(m) | Failure::Check(m) => f.write_str(m),
        }
    }
}
