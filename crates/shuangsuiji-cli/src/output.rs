//! What commands print: standard output collected for `main`, remarks sent at once to
//! standard error.

/// What a command prints on standard output, collected so that `main` writes it once and a
/// closed pipe (`| head`) cannot make a command panic half-way.
#[derive(Debug, Default)]
pub(crate) struct Out {
    text: String,
}

impl Out {
    /// Adds one line.
    pub(crate) fn line(&mut self, line: impl AsRef<str>) {
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    /// Everything printed so far.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

/// Prints a remark on standard error at once (e.g. ignored columns), so it shows even when
/// the command later fails. A closed standard error is not worth failing for.
pub(crate) fn note(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "note: {message}");
}
