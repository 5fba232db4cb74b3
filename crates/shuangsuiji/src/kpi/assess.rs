//! The assessment (考核): a configurable scoring rule that ranks departments and assigns tiers.
//!
//! Why configurable: every county writes its own 考核办法 and few publish the 评分细则 (seed
//! 002 publishes the outcome, 6 excellent and 21 qualified, but not the rule). The rule here is
//! the common shape of those documents: points per KPI, deductions per finding, tiers by
//! score, plus per-department adjustments for the qualitative items (liaison system, training,
//! publication channels) that no export holds.
//!
//! Score = 100 × Σ(points × value) / Σ(points) over the weights that apply to the department
//! (a KPI that is not applicable to it is left out of both sums, so a department is neither
//! rewarded nor punished for what it had no occasion to do), minus the penalties, plus the
//! adjustments.

use super::KpiError;
use super::rate::Rate;
use super::report::{KpiReport, Kpis, Note};
use crate::ids::DeptId;
use serde::{Deserialize, Serialize};

/// A KPI that can carry points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiKind {
    /// [`Kpis::joint_task_share`].
    JointTaskShare,
    /// [`Kpis::joint_plan_share`].
    JointPlanShare,
    /// [`Kpis::participation`].
    Participation,
    /// [`Kpis::publication`].
    Publication,
    /// [`Kpis::problem_discovery`].
    ProblemDiscovery,
    /// [`Kpis::plan_fulfilment`].
    PlanFulfilment,
    /// [`Kpis::item_coverage`].
    ItemCoverage,
    /// [`Kpis::risk_grade_application`].
    RiskGradeApplication,
    /// [`Kpis::follow_up_disposal`].
    FollowUpDisposal,
    /// [`Kpis::mobile_enforcement`].
    MobileEnforcement,
    /// [`Kpis::on_time_publication`].
    OnTimePublication,
    /// [`Kpis::on_time_completion`].
    OnTimeCompletion,
    /// [`Kpis::joint_target_share`].
    JointTargetShare,
}

impl KpiKind {
    /// The KPI's rate in `kpis`.
    pub fn of(self, k: &Kpis) -> Rate {
        match self {
            KpiKind::JointTaskShare => k.joint_task_share,
            KpiKind::JointPlanShare => k.joint_plan_share,
            KpiKind::Participation => k.participation,
            KpiKind::Publication => k.publication,
            KpiKind::ProblemDiscovery => k.problem_discovery,
            KpiKind::PlanFulfilment => k.plan_fulfilment,
            KpiKind::ItemCoverage => k.item_coverage,
            KpiKind::RiskGradeApplication => k.risk_grade_application,
            KpiKind::FollowUpDisposal => k.follow_up_disposal,
            KpiKind::MobileEnforcement => k.mobile_enforcement,
            KpiKind::OnTimePublication => k.on_time_publication,
            KpiKind::OnTimeCompletion => k.on_time_completion,
            KpiKind::JointTargetShare => k.joint_target_share,
        }
    }
}

/// How a KPI earns its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    /// In proportion to the rate.
    #[default]
    Rate,
    /// All points as soon as the numerator is positive (e.g. “applied risk grades at all”).
    Any,
}

/// Points for one KPI (of the department's year).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiWeight {
    /// The KPI.
    pub kpi: KpiKind,
    /// Its points; non-negative.
    pub points: f64,
    /// How it earns them.
    #[serde(default)]
    pub scoring: Scoring,
    /// Below this denominator the KPI is treated as not applicable (a rate over 2 targets
    /// says little); 0 by default.
    #[serde(default)]
    pub min_denominator: u64,
}

/// Deductions for findings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Penalties {
    /// Per check outside the plan.
    pub per_check_outside_plan: f64,
    /// For year-end concentration (flagged by the [`super::YearEndRule`]).
    pub year_end: f64,
    /// For leading no joint task.
    pub no_joint_led: f64,
    /// For inspecting targets and finding no problem.
    pub zero_problems: f64,
}

impl Default for Penalties {
    fn default() -> Self {
        Penalties {
            per_check_outside_plan: 5.0,
            year_end: 5.0,
            no_joint_led: 20.0,
            zero_problems: 0.0,
        }
    }
}

/// A tier and the lowest score that reaches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRule {
    /// Its name, e.g. `excellent`.
    pub name: String,
    /// Its label as printed, e.g. `优秀`.
    pub label: String,
    /// The lowest score of the tier.
    pub min_score: f64,
}

/// Points added to (or taken from) one department for what the data does not show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    /// The department.
    pub department: DeptId,
    /// The points.
    pub points: f64,
    /// Why: published with the assessment, so it must not be blank.
    pub reason: String,
}

/// The scoring rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AssessConfig {
    /// Points per KPI.
    pub weights: Vec<KpiWeight>,
    /// Deductions.
    pub penalties: Penalties,
    /// Tiers, highest first; a department below the last gets `fallback`.
    pub tiers: Vec<TierRule>,
    /// The tier below the others (its `min_score` is ignored).
    pub fallback: TierRule,
    /// Per-department adjustments.
    pub adjustments: Vec<Adjustment>,
}

impl Default for AssessConfig {
    /// The default rule (documented in `docs/KPI.md`): fulfilment 20, publication 20, on-time
    /// publication 10, participation 10, joint-task share 15, problem discovery 10,
    /// risk-grade application 15 (earned by applying grades in any task); 5 points off per
    /// check outside the plan and for year-end concentration, 20 for leading no joint task
    /// (the main criticism of seed 002); excellent from 85, qualified from 60, else
    /// unqualified.
    fn default() -> Self {
        let w = |kpi, points, scoring| KpiWeight {
            kpi,
            points,
            scoring,
            min_denominator: 0,
        };
        AssessConfig {
            weights: vec![
                w(KpiKind::PlanFulfilment, 20.0, Scoring::Rate),
                w(KpiKind::Publication, 20.0, Scoring::Rate),
                w(KpiKind::OnTimePublication, 10.0, Scoring::Rate),
                w(KpiKind::Participation, 10.0, Scoring::Rate),
                w(KpiKind::JointTaskShare, 15.0, Scoring::Rate),
                w(KpiKind::ProblemDiscovery, 10.0, Scoring::Rate),
                w(KpiKind::RiskGradeApplication, 15.0, Scoring::Any),
            ],
            penalties: Penalties::default(),
            tiers: vec![
                TierRule {
                    name: "excellent".into(),
                    label: "优秀".into(),
                    min_score: 85.0,
                },
                TierRule {
                    name: "qualified".into(),
                    label: "合格".into(),
                    min_score: 60.0,
                },
            ],
            fallback: TierRule {
                name: "unqualified".into(),
                label: "不合格".into(),
                min_score: 0.0,
            },
            adjustments: Vec::new(),
        }
    }
}

/// One department's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeptScore {
    /// The department.
    pub department: DeptId,
    /// Its name.
    pub name: String,
    /// Its rank, from 1; equal scores keep the input order.
    pub rank: u32,
    /// The score.
    pub score: f64,
    /// The KPI part (0–100) before penalties and adjustments.
    pub kpi_points: f64,
    /// The penalties taken.
    pub penalties: f64,
    /// The adjustments added.
    pub adjustments: f64,
    /// The tier's name.
    pub tier: String,
    /// The tier's label.
    pub label: String,
}

/// The ranking, best first, and the number of departments per tier.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Assessment {
    /// Every department, best first.
    pub ranking: Vec<DeptScore>,
    /// `(tier name, count)` in tier order, the fallback last.
    pub tiers: Vec<(String, u64)>,
}

impl Assessment {
    /// The number of departments in a tier.
    pub fn count(&self, tier: &str) -> u64 {
        self.tiers
            .iter()
            .find(|(n, _)| n == tier)
            .map_or(0, |(_, c)| *c)
    }
}

impl AssessConfig {
    /// Checks the rule: finite, non-negative points; tiers from highest to lowest, with
    /// distinct names; adjustments with reasons.
    ///
    /// # Errors
    ///
    /// [`KpiError::Config`] naming the problem.
    pub fn check(&self) -> Result<(), KpiError> {
        for w in &self.weights {
            if !(w.points.is_finite() && w.points >= 0.0) {
                return Err(KpiError::Config(format!(
                    "weight of {:?} is {}; points are finite and non-negative",
                    w.kpi, w.points
                )));
            }
        }
        for pair in self.tiers.windows(2) {
            if pair[0].min_score <= pair[1].min_score {
                return Err(KpiError::Config(format!(
                    "tier {} (from {}) must be above tier {} (from {})",
                    pair[0].name, pair[0].min_score, pair[1].name, pair[1].min_score
                )));
            }
        }
        let mut names: Vec<&str> = self.tiers.iter().map(|t| t.name.as_str()).collect();
        names.push(&self.fallback.name);
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(KpiError::Config(format!("tier {} is given twice", w[0])));
        }
        if let Some(a) = self.adjustments.iter().find(|a| a.reason.trim().is_empty()) {
            return Err(KpiError::Config(format!(
                "the adjustment of {} has no reason",
                a.department
            )));
        }
        if let Some(a) = self.adjustments.iter().find(|a| !a.points.is_finite()) {
            return Err(KpiError::Config(format!(
                "the adjustment of {} is not finite",
                a.department
            )));
        }
        Ok(())
    }

    /// Scores and ranks the departments of a report.
    pub fn assess(&self, report: &KpiReport) -> Assessment {
        let mut scores: Vec<DeptScore> = report
            .departments
            .iter()
            .map(|d| {
                let k = d.year();
                let (mut earned, mut possible) = (0.0, 0.0);
                for w in &self.weights {
                    let r = w.kpi.of(k);
                    let Some(v) = r.value() else { continue };
                    if r.denominator < w.min_denominator {
                        continue;
                    }
                    let v = match w.scoring {
                        Scoring::Rate => v.min(1.0),
                        Scoring::Any => f64::from(u8::from(r.numerator > 0)),
                    };
                    earned += w.points * v;
                    possible += w.points;
                }
                let kpi_points = if possible > 0.0 {
                    100.0 * earned / possible
                } else {
                    0.0
                };
                let p = &self.penalties;
                let f = &report.findings;
                let mut penalties = 0.0;
                for n in &d.annex.notes {
                    if let Note::ChecksOutsidePlan { count } = n {
                        penalties += p.per_check_outside_plan * *count as f64;
                    }
                }
                if f.year_end.iter().any(|y| y.flagged && y.department == d.id) {
                    penalties += p.year_end;
                }
                if f.no_joint_led.contains(&d.id) {
                    penalties += p.no_joint_led;
                }
                if f.zero_problems.contains(&d.id) {
                    penalties += p.zero_problems;
                }
                let adjustments: f64 = self
                    .adjustments
                    .iter()
                    .filter(|a| a.department == d.id)
                    .map(|a| a.points)
                    .sum();
                let score = kpi_points - penalties + adjustments;
                let tier = self
                    .tiers
                    .iter()
                    .find(|t| score >= t.min_score)
                    .unwrap_or(&self.fallback);
                DeptScore {
                    department: d.id.clone(),
                    name: d.name.clone(),
                    rank: 0,
                    score,
                    kpi_points,
                    penalties,
                    adjustments,
                    tier: tier.name.clone(),
                    label: tier.label.clone(),
                }
            })
            .collect();
        // Stable: equal scores keep the input order.
        scores.sort_by(|a, b| b.score.total_cmp(&a.score));
        for (i, s) in scores.iter_mut().enumerate() {
            s.rank = i as u32 + 1;
        }
        let tiers = self
            .tiers
            .iter()
            .chain(std::iter::once(&self.fallback))
            .map(|t| {
                let n = scores.iter().filter(|s| s.tier == t.name).count() as u64;
                (t.name.clone(), n)
            })
            .collect();
        Assessment {
            ranking: scores,
            tiers,
        }
    }
}
