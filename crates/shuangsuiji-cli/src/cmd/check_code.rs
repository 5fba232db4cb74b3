//! `shuangsuiji check-code`: validates unified social credit codes and says where they are
//! wrong.

use crate::failure::Failure;
use crate::files::read_text;
use crate::output::Out;
use clap::Args;
use shuangsuiji::credit::CreditCode;
use std::path::PathBuf;

/// Flags of `check-code`.
#[derive(Debug, Args)]
pub(crate) struct CheckCodeArgs {
    /// Codes to check (18 characters each).
    #[arg(value_name = "CODE")]
    codes: Vec<String>,

    /// Also check the codes in this file, one per line (blank lines are skipped).
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
}

/// Runs `check-code`: every code is checked, then the command fails if any was invalid.
pub(crate) fn run(args: &CheckCodeArgs, out: &mut Out) -> Result<(), Failure> {
    let mut codes: Vec<(String, &str)> = args
        .codes
        .iter()
        .map(|c| (String::new(), c.as_str()))
        .collect();
    let text;
    if let Some(path) = &args.file {
        text = read_text(path)?;
        for (i, line) in text.lines().enumerate() {
            // Codes are never trimmed, but a Windows line end is not part of the code.
            let code = line.strip_suffix('\r').unwrap_or(line);
            if !code.trim().is_empty() {
                codes.push((format!("{}:{}: ", path.display(), i + 1), code));
            }
        }
    }
    if codes.is_empty() {
        return Err(Failure::input(
            "no codes to check: give codes as arguments or --file FILE",
        ));
    }
    let mut invalid = 0;
    for (place, code) in &codes {
        match CreditCode::parse(code) {
            Ok(_) => out.line(format!("{place}{code}  OK")),
            Err(e) => {
                invalid += 1;
                out.line(format!("{place}{code}  INVALID: {e}"));
            }
        }
    }
    if invalid > 0 {
        return Err(Failure::Check(format!(
            "{invalid} of {} codes are invalid",
            codes.len()
        )));
    }
    Ok(())
}
