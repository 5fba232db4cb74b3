//! `shuangsuiji`: the command line of the 双随机、一公开 library.
//!
//! It draws targets from CSV pools exactly as the library specifies, writes the record a
//! department publishes, keeps the append-only draw log, and lets anyone verify a record or a
//! log from the published files alone. `shuangsuiji demo` shows all of it on an invented
//! county shaped like Daye.
//!
//! Every file it writes goes through `shuangsuiji_io::durable`: logs are appended by one writer
//! at a time, with a sync before an entry is reported as logged, and every other file is
//! replaced atomically.
//!
//! Exit codes: 0 success; 1 a check found problems (a record that does not reproduce, a broken
//! or torn log, a log that does not hold the head given, an invalid credit code, an annual plan
//! with problems, a late publication); 2 bad input or usage (and files that cannot be read or
//! written, a busy log). Errors go to standard error and name the file, line and field, or the
//! flag, they concern.

mod cmd;
mod csv_io;
mod failure;
mod files;
mod formats;
mod logfile;
mod output;
mod plan_args;
mod summary;

use clap::{Parser, Subcommand};
use failure::Failure;
use output::Out;
use std::io::Write;
use std::process::ExitCode;

/// Verifiable risk-stratified random spot checks (双随机、一公开).
#[derive(Debug, Parser)]
#[command(
    name = "shuangsuiji",
    version,
    after_help = "Exit codes: 0 success; 1 a check found problems (a record that does not \
                  reproduce, a broken or torn log, a log that does not hold the head given, \
                  an invalid credit code, an annual plan with problems, a late publication); \
                  2 bad input or usage (and files that cannot be read or written, a busy log)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Build the demo county, run its 2026 plans, write pool, history, lists, records and log
    /// into a directory, and verify them from the files.
    Demo(cmd::demo::DemoArgs),
    /// Announce a task in the draw log (pool, member plans, entropy source) before the value
    /// that seeds its draw is published.
    Announce(Box<cmd::announce::AnnounceArgs>),
    /// Draw targets from a CSV pool by credit-grade ratios and write the record.
    Draw(Box<cmd::draw::DrawArgs>),
    /// Check that a draw record reproduces exactly from a pool.
    Verify(cmd::verify::VerifyArgs),
    /// Write what “一公开” publishes: the 抽取结果 list of a draw record (checked against its
    /// pool first) or the 检查结果公示 table of the results, as .xlsx or .csv.
    Publish(Box<cmd::publish::PublishArgs>),
    /// The KPI report over a folder of CSV exports: Annex 1 per department, every rate with
    /// its numerator and denominator, the findings and the design-weighted estimate.
    Kpi(cmd::kpi::KpiArgs),
    /// Check unified social credit codes (GB 32100-2015).
    CheckCode(cmd::check_code::CheckCodeArgs),
    /// Work with draw logs.
    Log {
        #[command(subcommand)]
        command: cmd::log::LogCommand,
    },
    /// Work with annual plans.
    Plan {
        #[command(subcommand)]
        command: cmd::plan::PlanCommand,
    },
    /// Group the year's plans into joint tasks, explain every merge and refusal, and with a
    /// seed draw the visits with and without merging.
    Merge(Box<cmd::merge::MergeArgs>),
    /// Working days in China and the 20-working-day publication deadline.
    Calendar {
        #[command(subcommand)]
        command: cmd::calendar::CalendarCommand,
    },
}

fn run(command: &Command, out: &mut Out) -> Result<(), Failure> {
    match command {
        Command::Demo(args) => cmd::demo::run(args, out),
        Command::Announce(args) => cmd::announce::run(args, out),
        Command::Draw(args) => cmd::draw::run(args, out),
        Command::Verify(args) => cmd::verify::run(args, out),
        Command::CheckCode(args) => cmd::check_code::run(args, out),
        Command::Kpi(args) => cmd::kpi::run(args, out),
        Command::Publish(args) => cmd::publish::run(args, out),
        Command::Log { command } => cmd::log::run(command, out),
        Command::Plan { command } => cmd::plan::run(command, out),
        Command::Merge(args) => cmd::merge::run(args, out),
        Command::Calendar { command } => cmd::calendar::run(command, out),
    }
}

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with 2, the code for bad usage.
    let cli = Cli::parse();
    let mut out = Out::default();
    let result = run(&cli.command, &mut out);
    // A closed pipe or full disk on standard output must not turn into a panic.
    let _ = std::io::stdout().write_all(out.text().as_bytes());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let prefix = match failure {
                Failure::Input(_) => "error: ",
                Failure::Check(_) => "",
            };
            let _ = writeln!(std::io::stderr(), "{prefix}{failure}");
            failure.exit_code()
        }
    }
}
