//! `shuangsuiji plan check`: an annual plan checked against the item lists in force and,
//! given a pool, against the targets it would draw from.
//!
//! The files a year is made of ([`YearFiles`]) are read here for `merge` too, so that both
//! commands refuse the same plan with the same messages.

use crate::csv_io::{LoadedInspectors, load_inspectors, load_pool};
use crate::failure::Failure;
use crate::files::{json_error, read_json, read_text};
use crate::output::Out;
use clap::{Args, Subcommand};
use shuangsuiji::assign::LEGAL_MIN_TEAM;
use shuangsuiji::catalog::{ItemList, JointItemList};
use shuangsuiji::ids::DeptId;
use shuangsuiji::plan::{AnnualPlan, Plan, PlanError, PlanKind};
use shuangsuiji::target::FrozenPool;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Subcommands of `plan`.
#[derive(Debug, Subcommand)]
pub(crate) enum PlanCommand {
    /// Check an annual plan against the item lists (every problem at once) and, with --pool,
    /// that every active plan has eligible targets and a size the pool can meet. Exit 1 when
    /// problems are found.
    Check(CheckArgs),
}

/// The files that define a year's plans.
#[derive(Debug, Args)]
pub(crate) struct YearFiles {
    /// The annual plan (JSON: year, plans, deletions, unplanned), as `demo` writes it to
    /// year/plans.json.
    #[arg(long, value_name = "PLANS.json")]
    pub(crate) plans: PathBuf,

    /// The item list in force (JSON), as `demo` writes it to items.json.
    #[arg(long, value_name = "ITEMS.json")]
    pub(crate) items: PathBuf,

    /// The joint item list in force (JSON), as `demo` writes it to joint_items.json.
    #[arg(long, value_name = "JOINT.json")]
    pub(crate) joint: PathBuf,
}

/// Flags of `plan check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    year: YearFiles,

    /// The target pool (CSV or a workbook); with it, every active plan is checked against the pool too.
    #[arg(long, value_name = "POOL.csv")]
    pool: Option<PathBuf>,

    /// The pool's inspection history (CSV or a workbook); recent-inspection exclusions count from it.
    #[arg(long, value_name = "HISTORY.csv", requires = "pool")]
    history: Option<PathBuf>,

    #[command(flatten)]
    format: crate::formats::Format,

    /// The inspector pool (CSV or a workbook, as `demo` writes inspectors.csv); with it, every department of
    /// an active plan must have active officers certified on the first day of the plan's window:
    /// two for a single-department plan (a team's legal minimum), one for each department of a
    /// joint plan.
    #[arg(long, value_name = "INSPECTORS.csv")]
    inspectors: Option<PathBuf>,
}

/// A year read from its files.
#[derive(Debug)]
pub(crate) struct Year {
    /// The annual plan.
    pub(crate) annual: AnnualPlan,
    /// The plan file as given, for messages.
    pub(crate) file: String,
    /// The item list.
    pub(crate) items: ItemList,
    /// The joint item list, checked against the item list.
    pub(crate) joint: JointItemList,
}

impl Year {
    /// Reads the three files; a file that cannot be read as what it should hold is bad input.
    pub(crate) fn load(files: &YearFiles) -> Result<Year, Failure> {
        let items: ItemList = read_json(&files.items, "an item list")?;
        let joint: JointItemList = read_json(&files.joint, "a joint item list")?;
        joint.validate(&items).map_err(|e| {
            Failure::Input(format!(
                "{}: does not fit the item list {}: {e}",
                files.joint.display(),
                files.items.display()
            ))
        })?;
        Ok(Year {
            annual: read_annual(&files.plans)?,
            file: files.plans.display().to_string(),
            items,
            joint,
        })
    }

    /// Every problem against the item lists, then (with a pool) against the pool.
    pub(crate) fn problems(&self, pool: Option<&FrozenPool>) -> Vec<PlanError> {
        let mut out = self.annual.problems(&self.items, &self.joint);
        if let Some(Err(e)) = pool.map(|p| self.annual.check_pool(p)) {
            out.extend(e.into_errors());
        }
        out
    }

    /// The problems as lines naming the plan file.
    pub(crate) fn problem_lines(&self, problems: &[PlanError]) -> Vec<String> {
        problems
            .iter()
            .map(|p| format!("- {}: {p}", self.file))
            .collect()
    }
}

/// Reads an annual plan. When the file does not parse, the message also names the plan (its
/// position and id) that fails, since a year holds hundreds of them.
fn read_annual(path: &Path) -> Result<AnnualPlan, Failure> {
    let file = path.display().to_string();
    let text = read_text(path)?;
    serde_json::from_str::<AnnualPlan>(&text).map_err(|e| {
        let failure = json_error(&file, "an annual plan", &e);
        match failing_plan(&text) {
            Some(which) => Failure::Input(format!("{failure} (in {which})")),
            None => failure,
        }
    })
}

/// The first plan of `plans` that is not a plan on its own, as “plan N (id "…")”.
fn failing_plan(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let plans = value.get("plans")?.as_array()?;
    plans.iter().enumerate().find_map(|(i, v)| {
        serde_json::from_value::<Plan>(v.clone()).err().map(|_| {
            match v.get("id").and_then(serde_json::Value::as_str) {
                Some(id) => format!("plan {} of `plans`, id {id:?}", i + 1),
                None => format!("plan {} of `plans`", i + 1),
            }
        })
    })
}

/// Departments of active plans without enough officers to send, one line per plan and
/// department.
fn staffing_problems(year: &Year, inspectors: &LoadedInspectors) -> Vec<String> {
    let mut out = Vec::new();
    for plan in year.annual.active_plans() {
        let day = plan.window.first;
        let needed = if plan.kind.is_joint() {
            1
        } else {
            LEGAL_MIN_TEAM as usize
        };
        for d in plan.kind.departments() {
            let officers = inspectors
                .pool
                .entries()
                .iter()
                .filter(|p| &p.department == d && p.active && !p.expert && p.certified_on(day))
                .count();
            if officers < needed {
                out.push(format!(
                    "- {}: plan {}: department {d} has {officers} active officer{} certified on \
                     {day}, the first day of the plan's window; it needs {needed}",
                    inspectors.file,
                    plan.id,
                    if officers == 1 { "" } else { "s" }
                ));
            }
        }
    }
    out
}

/// Counts of one department's plans.
#[derive(Debug, Default)]
struct DeptCounts {
    single: usize,
    lead: usize,
    participant: usize,
    deleted: usize,
    unplanned: usize,
}

/// Prints the year in figures: plans by kind, deletions, unplanned checks, and per department.
pub(crate) fn summarize(out: &mut Out, year: &Year) {
    let a = &year.annual;
    out.line(format!(
        "annual plan {} ({}): {} plans of {} departments ({} single, {} joint), {} deleted with \
         approval, {} unplanned checks",
        a.year,
        year.file,
        a.plans.len(),
        a.departments().len(),
        a.count_single(),
        a.count_joint(),
        a.count_deleted(),
        a.unplanned.len()
    ));
    let mut rows: BTreeMap<&DeptId, DeptCounts> = BTreeMap::new();
    for p in &a.plans {
        let deleted = a.is_deleted(&p.id);
        for d in p.kind.departments() {
            let row = rows.entry(d).or_default();
            match &p.kind {
                PlanKind::Single { .. } => row.single += 1,
                PlanKind::Joint { lead, .. } if lead == d => row.lead += 1,
                PlanKind::Joint { .. } => row.participant += 1,
            }
            row.deleted += usize::from(deleted);
        }
    }
    for c in &a.unplanned {
        rows.entry(&c.department).or_default().unplanned += 1;
    }
    out.line("  department    single  joint lead  takes part  deleted  unplanned");
    for (d, c) in rows {
        out.line(format!(
            "  {:<12} {:>7} {:>11} {:>11} {:>8} {:>10}",
            d.as_str(),
            c.single,
            c.lead,
            c.participant,
            c.deleted,
            c.unplanned
        ));
    }
}

/// Runs `plan`.
pub(crate) fn run(command: &PlanCommand, out: &mut Out) -> Result<(), Failure> {
    match command {
        PlanCommand::Check(args) => check(args, out),
    }
}

fn check(args: &CheckArgs, out: &mut Out) -> Result<(), Failure> {
    let year = Year::load(&args.year)?;
    let pool = match &args.pool {
        Some(path) => Some(load_pool(path, args.history.as_deref(), &args.format)?),
        None => None,
    };
    let inspectors = match &args.inspectors {
        Some(path) => Some(load_inspectors(path, &args.format)?),
        None => None,
    };
    summarize(out, &year);
    out.line(format!(
        "  checked against the item list “{} {}” ({} items) and the joint item list “{} {}” \
         ({} joint items)",
        year.items.name(),
        year.items.version(),
        year.items.len(),
        year.joint.name,
        year.joint.version,
        year.joint.rows().count()
    ));
    let frozen = pool.map(|p| (p.file().to_owned(), p.into_pool()));
    if let Some((file, pool)) = &frozen {
        out.line(format!(
            "  and against the pool {file} ({} targets, SM3 digest {}): {} active plans",
            pool.len(),
            pool.digest(),
            year.annual.active_plans().count()
        ));
    }
    let mut problems = year.problem_lines(&year.problems(frozen.as_ref().map(|(_, p)| p)));
    if let Some(inspectors) = &inspectors {
        out.line(format!(
            "  and against the inspector pool {} ({} inspectors)",
            inspectors.file,
            inspectors.pool.len()
        ));
        problems.extend(staffing_problems(&year, inspectors));
    }
    if problems.is_empty() {
        out.line(format!("OK: {} is valid", year.file));
        return Ok(());
    }
    out.line(format!("{} problems:", problems.len()));
    for line in &problems {
        out.line(line);
    }
    Err(Failure::Check(format!(
        "{}: {} problems in the annual plan",
        year.file,
        problems.len()
    )))
}
