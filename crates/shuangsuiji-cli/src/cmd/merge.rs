//! `shuangsuiji merge`: the year's plans grouped into joint tasks (“相同对象、相近时间”), with the
//! reason for every merge and every refusal, and, given a seed, the visits drawn with and
//! without merging.

use crate::cmd::plan::{Year, YearFiles};
use crate::csv_io::load_pool;
use crate::failure::Failure;
use crate::files::write_text;
use crate::output::Out;
use clap::{Args, ValueEnum};
use shuangsuiji::ids::DeptId;
use shuangsuiji::joint::{
    self, JointTask, LeadChoice, LeadRule, MergeConfig, MergeProposal, PairDecision, PairReason,
    TaskKind, TaskVisits, VisitReport,
};
use shuangsuiji::plan::{AnnualPlan, PlanId};
use shuangsuiji::seed::Seed;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `--default-lead`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DefaultLead {
    /// The department of the plan whose scope holds the most targets.
    LargestScope,
    /// The department of the task's first plan in published order.
    FirstPlan,
}

impl From<DefaultLead> for LeadRule {
    fn from(d: DefaultLead) -> LeadRule {
        match d {
            DefaultLead::LargestScope => LeadRule::LargestScope,
            DefaultLead::FirstPlan => LeadRule::FirstPlan,
        }
    }
}

fn rule_name(rule: LeadRule) -> &'static str {
    match rule {
        LeadRule::LargestScope => "largest-scope",
        LeadRule::FirstPlan => "first-plan",
    }
}

fn parse_seed(text: &str) -> Result<Seed, String> {
    text.parse::<Seed>().map_err(|e| e.to_string())
}

/// Flags of `merge`.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    #[command(flatten)]
    year: YearFiles,

    /// The target pool (CSV or a workbook): plans merge only where their scopes share targets.
    #[arg(long, value_name = "POOL.csv")]
    pool: PathBuf,

    /// The pool's inspection history (CSV or a workbook); part of the pool and its digest.
    #[arg(long, value_name = "HISTORY.csv")]
    history: Option<PathBuf>,

    #[command(flatten)]
    format: crate::formats::Format,

    /// How many days apart two plans' windows may be and still merge (0: they must share a day).
    #[arg(long, value_name = "N", default_value_t = 0)]
    gap_days: u32,

    /// Who leads a cross-department task when no joint item names an initiating department.
    #[arg(long, value_enum, value_name = "RULE", default_value = "largest-scope")]
    default_lead: DefaultLead,

    /// Where the public random value was published (e.g. "中国福利彩票双色球 2026001期"); each
    /// task's seed is derived from it, the value and the task id, as for `draw`. With a seed
    /// the tasks are drawn and the visits counted.
    #[arg(
        long,
        value_name = "SOURCE",
        alias = "seed-from",
        requires = "seed_value"
    )]
    seed_source: Option<String>,

    /// The public value exactly as published (e.g. "07 13 18 22 26 31 + 09").
    #[arg(long, value_name = "VALUE", requires = "seed_source")]
    seed_value: Option<String>,

    /// One seed (64 hex characters) used as is for every task, instead of a public value.
    #[arg(long, value_name = "HEX", value_parser = parse_seed, conflicts_with_all = ["seed_source", "seed_value"])]
    seed: Option<Seed>,

    /// Write the proposal (and, with a seed, the draws) as JSON: {"proposal": …, "draws": …},
    /// the shape of the demo's year/joint_tasks.json.
    #[arg(long, value_name = "PROPOSAL.json")]
    out: Option<PathBuf>,
}

/// Runs `merge`: the plan is checked first, and an invalid plan is refused (exit 2), since
/// tasks built from it would be published.
pub(crate) fn run(args: &MergeArgs, out: &mut Out) -> Result<(), Failure> {
    let year = Year::load(&args.year)?;
    let loaded = load_pool(&args.pool, args.history.as_deref(), &args.format)?;
    let pool_file = loaded.file().to_owned();
    let pool = loaded.into_pool();
    let seeded = args.seed.is_some() || args.seed_source.is_some();
    // Drawing needs every active plan to be drawable; proposing only needs the lists right.
    let problems = year.problems(seeded.then_some(&pool));
    if !problems.is_empty() {
        let mut message = format!(
            "{}: the annual plan has {} problems; fix them first (`shuangsuiji plan check` lists \
             them too):",
            year.file,
            problems.len()
        );
        for line in year.problem_lines(&problems) {
            message.push('\n');
            message.push_str(&line);
        }
        return Err(Failure::Input(message));
    }
    let config = MergeConfig {
        gap_days: args.gap_days,
        default_lead: args.default_lead.into(),
    };
    let proposal = joint::propose(&year.annual, &year.joint, &pool, &config);
    let draws = if seeded {
        let seed_for = |t: &JointTask| match (&args.seed, &args.seed_source, &args.seed_value) {
            (Some(seed), _, _) => *seed,
            (None, Some(source), Some(value)) => Seed::from_public_entropy(source, value, &t.id),
            // clap requires the value with the source; this is never reached.
            _ => Seed([0; 32]),
        };
        Some(
            joint::draw_visits(&proposal, &year.annual, &pool, seed_for)
                .map_err(|e| Failure::Input(format!("{}: {e}", year.file)))?,
        )
    } else {
        None
    };

    out.line(format!(
        "pool {pool_file}: {} targets, SM3 digest {}",
        pool.len(),
        pool.digest()
    ));
    describe(out, &year.annual, &proposal, draws.as_ref());
    if let Some(path) = &args.out {
        let json = serde_json::json!({ "proposal": &proposal, "draws": &draws });
        let text = serde_json::to_string_pretty(&json)
            .map_err(|e| Failure::Input(format!("{}: cannot encode: {e}", path.display())))?;
        write_text(path, &(text + "\n"))?;
        out.line(format!("proposal written to {}", path.display()));
    }
    Ok(())
}

fn kind_name(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::Alone => "alone",
        TaskKind::WithinDepartment => "within one department (部门内联查)",
        TaskKind::AcrossDepartments => "across departments (部门间联合)",
    }
}

fn lead_reason(choice: &LeadChoice) -> String {
    match choice {
        LeadChoice::SingleDepartment => "the task's only department".into(),
        LeadChoice::JointItem { item } => {
            format!("initiating department of joint item {item}")
        }
        LeadChoice::Default { rule, plan } => format!(
            "no joint item names an initiator among the departments; by --default-lead {}, \
             the department of plan {plan}",
            rule_name(*rule)
        ),
    }
}

/// One decision in words, from the point of view of the plan being placed.
fn explain(
    d: &PairDecision,
    proposal: &MergeProposal,
    lead_of: &BTreeMap<&PlanId, &DeptId>,
) -> String {
    let task = proposal.tasks.get(d.task).map_or("?", |t| t.id.as_str());
    let dept = |p: &PlanId| lead_of.get(p).map_or("?", |d| d.as_str());
    match &d.reason {
        PairReason::Merged { common_targets } => format!(
            "merged with {} ({common_targets} targets in both scopes)",
            d.other
        ),
        PairReason::NoCommonTargets => format!(
            "not into {task}: no target in the scopes of both it and {}",
            d.other
        ),
        PairReason::NotAllowedByJointList => format!(
            "not into {task}: departments {} and {} (of {}) are not paired by the joint item list",
            dept(&d.plan),
            dept(&d.other),
            d.other
        ),
        PairReason::WindowsTooFarApart { days: Some(days) } => format!(
            "not into {task}: its window and that of {} are {days} days apart, more than the gap \
             of {} days",
            d.other, proposal.config.gap_days
        ),
        PairReason::WindowsTooFarApart { days: None } => format!(
            "not into {task}: its window or that of {} is empty",
            d.other
        ),
    }
}

fn describe(
    out: &mut Out,
    annual: &AnnualPlan,
    proposal: &MergeProposal,
    draws: Option<&VisitReport>,
) {
    let joint_tasks: Vec<&JointTask> = proposal.joint_tasks().collect();
    let across = joint_tasks
        .iter()
        .filter(|t| t.kind == TaskKind::AcrossDepartments)
        .count();
    out.line(format!(
        "merge proposal {}: {} active plans → {} tasks, {} of them joint ({} within a department, \
         {across} across departments); gap {} days, default lead {}",
        proposal.year,
        annual.active_plans().count(),
        proposal.tasks.len(),
        joint_tasks.len(),
        joint_tasks.len() - across,
        proposal.config.gap_days,
        rule_name(proposal.config.default_lead)
    ));
    let lead_of: BTreeMap<&PlanId, &DeptId> = annual
        .plans
        .iter()
        .map(|p| (&p.id, p.kind.lead()))
        .collect();
    let mut decisions: BTreeMap<&PlanId, Vec<&PairDecision>> = BTreeMap::new();
    for d in &proposal.decisions {
        decisions.entry(&d.plan).or_default().push(d);
    }
    let drawn: BTreeMap<&str, &TaskVisits> = draws
        .map(|r| r.tasks.iter().map(|t| (t.task.as_str(), t)).collect())
        .unwrap_or_default();
    for task in &proposal.tasks {
        out.line(format!(
            "task {}: {}, {} plan{}: {}",
            task.id,
            kind_name(task.kind),
            task.plans.len(),
            if task.plans.len() == 1 { "" } else { "s" },
            task.plans
                .iter()
                .map(PlanId::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.line(format!(
            "  lead {} ({}); departments {}",
            task.lead,
            lead_reason(&task.lead_choice),
            task.departments
                .iter()
                .map(DeptId::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let w = task.visit_window;
        let common = if task.common_window.is_some() {
            "inside every member's window"
        } else {
            "the members' windows only come within the gap"
        };
        out.line(format!(
            "  visit window {} to {} ({common})",
            w.first, w.last
        ));
        for plan in &task.plans {
            for d in decisions.get(plan).into_iter().flatten() {
                out.line(format!("  {plan}: {}", explain(d, proposal, &lead_of)));
            }
        }
        if let Some(t) = drawn.get(task.id.as_str()) {
            out.line(format!(
                "  visits {} without merging, {} with ({} saved); seed {}",
                t.without_merging,
                t.with_merging,
                t.saving(),
                t.seed
            ));
        }
    }
    if let Some(r) = draws {
        out.line(format!(
            "total: visits {} without merging, {} with merging: {} saved",
            r.without_merging,
            r.with_merging,
            r.saving()
        ));
    }
}
