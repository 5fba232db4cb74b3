//! What every test of the binary needs: run it as a user does, check its exit code.
// Each test crate uses a part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_shuangsuiji");

/// What a run of the binary gave back.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Standard output and standard error together.
    pub(crate) fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// The run of a finished process.
pub(crate) fn finish(out: std::process::Output) -> Run {
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the binary with `args`.
pub(crate) fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    finish(
        Command::new(BIN)
            .args(args)
            .output()
            .expect("the binary runs"),
    )
}

/// Asserts an exit code, showing the output when it is not the expected one.
#[track_caller]
pub(crate) fn expect(r: &Run, code: i32) {
    assert_eq!(r.code, code, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

/// A temporary path as a command-line argument.
pub(crate) fn p(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}
