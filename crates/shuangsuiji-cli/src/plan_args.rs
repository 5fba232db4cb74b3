//! The flags that describe a draw, and how they become a [`DrawRequest`].
//!
//! Values that can be checked alone (a ratio, a seed, a date, a kind) are parsed by clap, so a
//! bad one is reported with the flag's name and exit code 2 before any file is read. Flags
//! that only make sense together (an exclusion window and its date) are checked in
//! [`PlanArgs::request`].

use crate::failure::Failure;
use clap::Args;
use shuangsuiji::draw::{DrawError, DrawRequest};
use shuangsuiji::ids::{DeptId, ItemId, PlanId, TaskId};
use shuangsuiji::policy::{
    Bounds, Exclusions, PolicyError, Ratio, RecentBy, RecentRule, SampleSize, SamplingPolicy,
    Weighting,
};
use shuangsuiji::risk::{PerStratum, Stratum};
use shuangsuiji::scope::Scope;
use shuangsuiji::seed::Seed;
use shuangsuiji::target::{TargetKind, TargetStatus};

/// A ratio per stratum, as `--ratios A=5%,B=20%,C=60%,D=100%,ungraded=10%` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratios(pub(crate) PerStratum<Option<Ratio>>);

/// A count per stratum, as `--min A=3,D=10` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Counts(pub(crate) PerStratum<Option<u64>>);

/// Splits `A=5%,B=20%` into strata and values, refusing repeats.
fn per_stratum<T: Copy>(
    text: &str,
    example: &str,
    value: impl Fn(&str) -> Result<T, String>,
) -> Result<PerStratum<Option<T>>, String> {
    let mut out = PerStratum::default();
    for part in text.split(',').map(str::trim) {
        let Some((key, v)) = part.split_once('=') else {
            return Err(format!(
                "{part:?} is not STRATUM=VALUE (e.g. {example}); strata are A, B, C, D and \
                 ungraded (or U)"
            ));
        };
        let stratum: Stratum = key.parse().map_err(|e| format!("{e}"))?;
        let slot: &mut Option<T> = out.get_mut(stratum);
        if slot.is_some() {
            return Err(format!("stratum {stratum} is given twice"));
        }
        *slot = Some(value(v.trim())?);
    }
    Ok(out)
}

/// Parses `--ratios`.
pub(crate) fn parse_ratios(text: &str) -> Result<Ratios, String> {
    per_stratum(text, "A=5%", |v| {
        v.trim().parse::<Ratio>().map_err(|e| e.to_string())
    })
    .map(Ratios)
}

/// Parses `--min` and `--max`.
pub(crate) fn parse_counts(text: &str) -> Result<Counts, String> {
    per_stratum(text, "A=3", |v| {
        v.parse::<u64>()
            .map_err(|_| format!("{v:?} is not a whole number"))
    })
    .map(Counts)
}

/// Parses `--exclude-recent DAYS:same-department|same-item`.
pub(crate) fn parse_recent(text: &str) -> Result<RecentRule, String> {
    let usage =
        || format!("{text:?} is not DAYS:same-department or DAYS:same-item (e.g. 365:same-item)");
    let (days, by) = text.split_once(':').ok_or_else(usage)?;
    let within_days: u32 = days.trim().parse().map_err(|_| usage())?;
    if within_days == 0 {
        return Err("the window must be at least 1 day".into());
    }
    let by = match by.trim().replace('_', "-").as_str() {
        "same-department" => RecentBy::SameDepartment,
        "same-item" => RecentBy::SameItem,
        _ => return Err(usage()),
    };
    Ok(RecentRule { within_days, by })
}

/// Parses a task id.
pub(crate) fn parse_task(text: &str) -> Result<TaskId, String> {
    TaskId::new(text).map_err(|e| e.to_string())
}

pub(crate) fn parse_plan(text: &str) -> Result<PlanId, String> {
    PlanId::new(text).map_err(|e| e.to_string())
}

fn parse_dept(text: &str) -> Result<DeptId, String> {
    DeptId::new(text).map_err(|e| e.to_string())
}

fn parse_item(text: &str) -> Result<ItemId, String> {
    ItemId::new(text.trim()).map_err(|e| e.to_string())
}

fn parse_seed(text: &str) -> Result<Seed, String> {
    text.parse::<Seed>().map_err(|e| e.to_string())
}

fn parse_word(text: &str) -> Result<String, String> {
    let word = text.trim();
    if word.is_empty() {
        return Err("empty value".into());
    }
    Ok(word.to_owned())
}

/// Everything that defines a draw except the pool.
#[derive(Debug, Clone, Args)]
pub(crate) struct PlanArgs {
    /// Ratio per credit grade, e.g. A=5%,B=20%,C=60%,D=100%; add ungraded=10% (or U=10%) when
    /// the scope holds ungraded targets. In --total mode the ratios weight the allocation.
    #[arg(long, value_name = "GRADE=RATIO,...", value_parser = parse_ratios)]
    pub(crate) ratios: Ratios,

    /// The seed: 64 hex characters, e.g. from a witnessed hardware generator.
    #[arg(
        long,
        value_name = "HEX",
        value_parser = parse_seed,
        required_unless_present = "seed_from",
        conflicts_with_all = ["seed_from", "seed_value"]
    )]
    pub(crate) seed: Option<Seed>,

    /// Where a public random value was published (e.g. "中国福利彩票双色球 2026130期"); the
    /// seed is derived from it, the value and the task id, and anyone can recompute it.
    #[arg(long, value_name = "SOURCE", requires = "seed_value")]
    pub(crate) seed_from: Option<String>,

    /// The public value exactly as published (e.g. "03 09 14 21 27 31 + 08").
    #[arg(long, value_name = "VALUE", requires = "seed_from")]
    pub(crate) seed_value: Option<String>,

    /// The task id; it is bound into a derived seed.
    #[arg(long, value_name = "ID", default_value = "task", value_parser = parse_task)]
    pub(crate) task: TaskId,

    /// The member plan of a joint task this draw is for (each member plan is drawn with the
    /// task's one seed and logged as its own entry).
    #[arg(long, value_name = "ID", value_parser = parse_plan)]
    pub(crate) plan: Option<PlanId>,

    /// Draw exactly N targets, allocated over the strata in proportion to eligible × ratio.
    #[arg(long, value_name = "N")]
    pub(crate) total: Option<u64>,

    /// Draw at least this many from a stratum (or all, if fewer are eligible), e.g. A=3,D=10.
    #[arg(long, value_name = "GRADE=N,...", value_parser = parse_counts)]
    pub(crate) min: Option<Counts>,

    /// Draw at most this many from a stratum, e.g. D=50.
    #[arg(long, value_name = "GRADE=N,...", value_parser = parse_counts)]
    pub(crate) max: Option<Counts>,

    /// Keep deregistered, revoked and moved-out targets in the population.
    #[arg(long)]
    pub(crate) keep_inactive: bool,

    /// Keep positive-list (正面清单) targets, for off-site checks only.
    #[arg(long)]
    pub(crate) keep_positive_list: bool,

    /// Leave out targets inspected in the last DAYS days (the draw day included) by the same
    /// department or for one of the same items; repeatable. Needs --date, and --department or
    /// --items.
    #[arg(long, value_name = "DAYS:same-department|same-item", value_parser = parse_recent)]
    pub(crate) exclude_recent: Vec<RecentRule>,

    /// The drawing (lead) department.
    #[arg(long, value_name = "ID", value_parser = parse_dept)]
    pub(crate) department: Option<DeptId>,

    /// The items to be checked, comma-separated.
    #[arg(long, value_name = "ID,...", value_delimiter = ',', value_parser = parse_item)]
    pub(crate) items: Vec<ItemId>,

    /// The draw date (YYYY-MM-DD), from which recent-inspection windows are counted.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) date: Option<chrono::NaiveDate>,

    /// Draw with probability proportional to each target's risk_score within its stratum.
    #[arg(long)]
    pub(crate) weighted: bool,

    /// Scope: targets carrying every one of these tags.
    #[arg(long, value_name = "TAG,...", value_delimiter = ',', value_parser = parse_word)]
    pub(crate) tags_all: Vec<String>,

    /// Scope: targets carrying at least one of these tags.
    #[arg(long, value_name = "TAG,...", value_delimiter = ',', value_parser = parse_word)]
    pub(crate) tags_any: Vec<String>,

    /// Scope: kinds (enterprise, individual_business, farmers_cooperative, non_market, product,
    /// project, behaviour).
    #[arg(long, value_name = "KIND,...", value_delimiter = ',')]
    pub(crate) kinds: Vec<TargetKind>,

    /// Scope: region code prefixes, e.g. 420281 or 420281111.
    #[arg(long, value_name = "CODE,...", value_delimiter = ',', value_parser = parse_word)]
    pub(crate) regions: Vec<String>,

    /// Scope: industry code prefixes, e.g. H62.
    #[arg(long, value_name = "CODE,...", value_delimiter = ',', value_parser = parse_word)]
    pub(crate) industries: Vec<String>,

    /// Scope: statuses (active, deregistered, revoked, moved_out, cancelled); inactive ones are still
    /// left out unless --keep-inactive.
    #[arg(long, value_name = "STATUS,...", value_delimiter = ',')]
    pub(crate) statuses: Vec<TargetStatus>,

    /// Scope: strata (A, B, C, D, ungraded).
    #[arg(long, value_name = "GRADE,...", value_delimiter = ',')]
    pub(crate) grades: Vec<Stratum>,
}

impl PlanArgs {
    /// The request these flags describe, checked as far as it can be without the pool.
    pub(crate) fn request(&self) -> Result<DrawRequest, Failure> {
        let (min, max) = (
            self.min.unwrap_or_default().0,
            self.max.unwrap_or_default().0,
        );
        let policy = SamplingPolicy {
            ratios: self.ratios.0,
            bounds: PerStratum::from_fn(|s| Bounds {
                min: *min.get(s),
                max: *max.get(s),
            }),
            size: self
                .total
                .map_or(SampleSize::ByRatio, |total| SampleSize::FixedTotal {
                    total,
                }),
            exclusions: Exclusions {
                inactive: !self.keep_inactive,
                positive_list: !self.keep_positive_list,
                recent: self.exclude_recent.clone(),
            },
            weighting: if self.weighted {
                Weighting::RiskScore
            } else {
                Weighting::Uniform
            },
        };
        let mut request = match (&self.seed, &self.seed_from, &self.seed_value) {
            (Some(seed), _, _) => DrawRequest::new(self.task.clone(), *seed, policy),
            (None, Some(source), Some(value)) => {
                DrawRequest::with_public_entropy(self.task.clone(), source, value, policy)
            }
            // clap enforces one of the two forms; this is the message if that ever changes.
            _ => {
                return Err(Failure::input(
                    "give either --seed HEX or --seed-from SOURCE --seed-value VALUE",
                ));
            }
        };
        request.plan = self.plan.clone();
        request.department = self.department.clone();
        request.items = self.items.clone();
        request.date = self.date;
        request.scope = Scope {
            tags_all: self.tags_all.iter().cloned().collect(),
            tags_any: self.tags_any.iter().cloned().collect(),
            kinds: self.kinds.iter().copied().collect(),
            regions: self.regions.iter().cloned().collect(),
            industries: self.industries.iter().cloned().collect(),
            statuses: self.statuses.iter().copied().collect(),
            grades: self.grades.iter().copied().collect(),
        };
        for rule in &self.exclude_recent {
            let flag = format!("--exclude-recent {}:{}", rule.within_days, by_name(rule.by));
            if request.date.is_none() {
                return Err(Failure::Input(format!(
                    "{flag} needs --date YYYY-MM-DD, the day the windows are counted from"
                )));
            }
            match rule.by {
                RecentBy::SameDepartment if request.department.is_none() => {
                    return Err(Failure::Input(format!(
                        "{flag} needs --department ID, the drawing department"
                    )));
                }
                RecentBy::SameItem if request.items.is_empty() => {
                    return Err(Failure::Input(format!(
                        "{flag} needs --items ID,..., the items of the task"
                    )));
                }
                _ => {}
            }
        }
        request.validate().map_err(explain)?;
        Ok(request)
    }
}

fn by_name(by: RecentBy) -> &'static str {
    match by {
        RecentBy::SameDepartment => "same-department",
        RecentBy::SameItem => "same-item",
    }
}

/// A draw error in terms of the flags that cause it.
pub(crate) fn explain(e: DrawError) -> Failure {
    Failure::Input(match e {
        DrawError::Policy(PolicyError::MissingRatio { stratum, eligible }) => format!(
            "--ratios: stratum {stratum} has {eligible} eligible targets but no ratio; add \
             {stratum}=…% to --ratios, or narrow the scope with --grades"
        ),
        DrawError::Policy(p @ PolicyError::BoundsInverted { .. }) => format!("--min/--max: {p}"),
        DrawError::Policy(p @ PolicyError::TotalOutOfReach { .. }) => format!("--total: {p}"),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_by_stratum_name() {
        let r = parse_ratios("A=5%, b=20%,C=60%,D=100%,U=10%").unwrap().0;
        assert_eq!(r.a.unwrap().ppm(), 50_000);
        assert_eq!(r.b.unwrap().ppm(), 200_000);
        assert_eq!(r.ungraded.unwrap().ppm(), 100_000);
        let r = parse_ratios("ungraded=0.5%").unwrap().0;
        assert_eq!((r.a, r.ungraded.unwrap().ppm()), (None, 5_000));
        for (bad, says) in [
            ("A=150%", "at most 100%"),
            ("A=0%", "more than 0%"),
            ("A=5", "percentage"),
            ("A5%", "not STRATUM=VALUE"),
            ("E=5%", "not a credit-risk grade"),
            ("A=5%,A=6%", "given twice"),
            ("", "not STRATUM=VALUE"),
        ] {
            let err = parse_ratios(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn counts_and_recent_rules() {
        let c = parse_counts("A=3,D=50").unwrap().0;
        assert_eq!((c.a, c.b, c.d), (Some(3), None, Some(50)));
        assert!(parse_counts("A=-1").unwrap_err().contains("whole number"));
        assert_eq!(
            parse_recent("365:same-item").unwrap(),
            RecentRule {
                within_days: 365,
                by: RecentBy::SameItem
            }
        );
        assert_eq!(
            parse_recent("90:same_department").unwrap().by,
            RecentBy::SameDepartment
        );
        assert!(parse_recent("0:same-item").is_err());
        assert!(parse_recent("365").is_err());
        assert!(parse_recent("x:same-item").is_err());
        assert!(parse_recent("30:same-town").is_err());
    }
}
