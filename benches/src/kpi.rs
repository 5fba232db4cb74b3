//! A synthetic KPI input of any size: 27 departments, plans, tasks, drawn targets, results and
//! follow-ups over one year, deterministic in its seed.
//!
//! What it looks like (the shape of a county's export, scaled up):
//!
//! - 27 departments `D01`…`D27`, 12 items each; `D26` takes part in no joint task (so
//!   participation is 26/27) and `D27` leads none (it only joins); `D25` finds no problem.
//! - `max(162, tasks / 60)` plans spread unevenly over the departments, 55% joint (one to three
//!   participants), 0.5% special, 1% deleted with a reason; every 50th active plan carries no
//!   task, so fulfilment is below 100%.
//! - `tasks` tasks: 1% outside the plan (empty `plans`), the rest carrying one plan with its
//!   kind and participants; 6% graded; launched over the year with more in Q4; 90% with a due
//!   date, 92% completed (some late).
//! - `results + results / 32` drawn targets, about a hundred per task, ids unique per task
//!   (out of 2·10⁶ targets), with strata and inclusion probabilities (3% ungraded, without);
//!   exactly `results` of them inspected, listed in the order of the draw.
//! - Results: 80% no problem, 15% ordered to correct, some with two problem codes or a status
//!   code; inspected up to 75 days after the launch (late-year tasks spill into the next
//!   year); 65% mobile; 96% published, about 5% of those after the 20-working-day deadline.
//! - A follow-up for 90% of the problems, 85% of them closed; 10 `unplanned.csv` rows.
//!
//! The year is 2025 so that every publication deadline is inside the loaded holiday calendar.

use chrono::{Days, NaiveDate};
use shuangsuiji::ids::{DeptId, ItemId, PlanId, TargetId, TaskId};
use shuangsuiji::kpi::{
    DepartmentRow, DrawnRow, FollowUpRow, ItemRow, KpiInput, PlanKindFlag, PlanRow, ResultCodes,
    ResultRow, TaskRow, UnplannedRow,
};
use shuangsuiji::lifecycle::{FollowUpKind, ResultCode};
use shuangsuiji::risk::Stratum;

/// The year of the synthetic input.
pub const KPI_YEAR: i32 = 2025;
/// The number of departments.
pub const KPI_DEPARTMENTS: usize = 27;
/// The seed of the benches' synthetic KPI inputs.
pub const KPI_SEED: u64 = 20_250_101;

const ITEMS_PER_DEPT: usize = 12;
const TARGET_SPACE: u64 = 2_000_000;
const NAMES: [&str; KPI_DEPARTMENTS] = [
    "市市场监管局",
    "市发改局",
    "市教育局",
    "市经信局",
    "市公安局",
    "市民政局",
    "市财政局",
    "市人社局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住建局",
    "市交通运输局",
    "市水利和湖泊局",
    "市农业农村局",
    "市商务局",
    "市文旅局",
    "市卫健局",
    "市应急管理局",
    "市税务局",
    "市消防救援大队",
    "市医保局",
    "市政数局",
    "市烟草专卖局",
    "市金融办",
    "市统计局",
    "市气象局",
    "市司法局",
];

/// SplitMix64: small, fast and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

fn dept_id(d: usize) -> DeptId {
    DeptId::new(format!("D{:02}", d + 1)).expect("a valid id")
}

fn plus(date: NaiveDate, days: u64) -> NaiveDate {
    date + Days::new(days)
}

/// A deterministic synthetic input with `tasks` tasks and exactly `results` results.
///
/// ```
/// let input = shuangsuiji_benches::kpi::kpi_input(1_000, 20_000, 7);
/// assert_eq!((input.tasks.len(), input.results.len()), (1_000, 20_000));
/// input.validate().unwrap();
/// ```
pub fn kpi_input(tasks: usize, results: usize, seed: u64) -> KpiInput {
    assert!(tasks >= 2, "at least two tasks");
    let mut rng = Rng(seed);
    let mut input = KpiInput::new(KPI_YEAR);
    let depts: Vec<DeptId> = (0..KPI_DEPARTMENTS).map(dept_id).collect();
    for (d, id) in depts.iter().enumerate() {
        input.departments.push(DepartmentRow {
            id: id.clone(),
            name: NAMES[d].into(),
        });
    }
    let items: Vec<Vec<ItemId>> = (0..KPI_DEPARTMENTS)
        .map(|d| {
            (0..ITEMS_PER_DEPT)
                .map(|j| ItemId::new(format!("I{:02}-{j:02}", d + 1)).expect("a valid id"))
                .collect()
        })
        .collect();
    for (d, its) in items.iter().enumerate() {
        for it in its {
            input.items.push(ItemRow {
                id: it.clone(),
                department: depts[d].clone(),
            });
        }
    }

    // Plans: uneven over the departments (weights 1..5).
    let weights: Vec<u64> = (0..KPI_DEPARTMENTS as u64).map(|d| d % 5 + 1).collect();
    let weight_sum: u64 = weights.iter().sum();
    let pick_dept = |rng: &mut Rng| {
        let mut x = rng.below(weight_sum);
        weights
            .iter()
            .position(|&w| {
                if x < w {
                    true
                } else {
                    x -= w;
                    false
                }
            })
            .expect("x < weight_sum")
    };
    let participants_for = |rng: &mut Rng, lead: usize| {
        let n = 1 + rng.below(3) as usize;
        let mut out: Vec<usize> = Vec::with_capacity(n);
        while out.len() < n {
            let p = rng.below(KPI_DEPARTMENTS as u64) as usize;
            // D26 (index 25) never takes part in a joint task.
            if p != lead && p != 25 && !out.contains(&p) {
                out.push(p);
            }
        }
        out.sort_unstable();
        out
    };
    let n_plans = (tasks / 60).max(162);
    let mut plan_info = Vec::with_capacity(n_plans); // (dept, participants) of usable plans
    for k in 0..n_plans {
        // Every department owns at least one plan.
        let d = if k < KPI_DEPARTMENTS {
            k
        } else {
            pick_dept(&mut rng)
        };
        let joint = d < 25 && rng.chance(550);
        let participants = if joint {
            participants_for(&mut rng, d)
        } else {
            Vec::new()
        };
        let special = k >= KPI_DEPARTMENTS && rng.chance(5);
        let deleted = !special && k >= KPI_DEPARTMENTS && rng.chance(10);
        let plan_items = (0..1 + rng.below(3))
            .map(|_| items[d][rng.below(ITEMS_PER_DEPT as u64 - 2) as usize].clone())
            .fold(Vec::<ItemId>::new(), |mut v, it| {
                if !v.contains(&it) {
                    v.push(it);
                }
                v
            });
        let id = PlanId::new(format!("P{k:06}")).expect("a valid id");
        input.plans.push(PlanRow {
            id: id.clone(),
            year: KPI_YEAR,
            department: depts[d].clone(),
            kind: if joint {
                PlanKindFlag::Joint
            } else {
                PlanKindFlag::Single
            },
            participants: participants.iter().map(|&p| depts[p].clone()).collect(),
            items: plan_items,
            special,
            deleted,
            deletion_reason: if !deleted {
                String::new()
            } else if rng.chance(700) {
                "本地区无检查对象".into()
            } else {
                "职能调整".into()
            },
        });
        if !deleted && (k < KPI_DEPARTMENTS || k % 50 != 0) {
            plan_info.push((id, d, participants));
        }
    }

    // Tasks.
    let jan1 = NaiveDate::from_ymd_opt(KPI_YEAR, 1, 1).expect("a date");
    const MONTH_WEIGHTS: [u64; 12] = [5, 6, 7, 8, 8, 9, 8, 8, 9, 10, 11, 11];
    let month_starts: Vec<u64> = (1..=12)
        .map(|m| {
            let first = NaiveDate::from_ymd_opt(KPI_YEAR, m, 1).expect("a date");
            (first - jan1).num_days() as u64
        })
        .chain([365])
        .collect();
    let mut task_ids = Vec::with_capacity(tasks);
    let mut task_created = Vec::with_capacity(tasks);
    let mut task_lead = Vec::with_capacity(tasks);
    for k in 0..tasks {
        let id = TaskId::new(format!("T{k:07}")).expect("a valid id");
        let mut x = rng.below(MONTH_WEIGHTS.iter().sum());
        let month = MONTH_WEIGHTS
            .iter()
            .position(|&w| {
                if x < w {
                    true
                } else {
                    x -= w;
                    false
                }
            })
            .expect("in range");
        let day = month_starts[month] + rng.below(month_starts[month + 1] - month_starts[month]);
        let created_on = plus(jan1, day);
        let (plans, lead, participants) = if k % 100 == 37 {
            // Outside the plan.
            let lead = pick_dept(&mut rng);
            let parts = if lead < 25 && rng.chance(300) {
                participants_for(&mut rng, lead)
            } else {
                Vec::new()
            };
            (Vec::new(), lead, parts)
        } else {
            let (id, d, parts) = &plan_info[rng.below(plan_info.len() as u64) as usize];
            (vec![id.clone()], *d, parts.clone())
        };
        let due_on = rng.chance(900).then(|| plus(created_on, 90));
        let completed_on = rng
            .chance(920)
            .then(|| plus(created_on, 10 + rng.below(110)));
        input.tasks.push(TaskRow {
            id: id.clone(),
            plans,
            lead: depts[lead].clone(),
            joint: !participants.is_empty(),
            participants: participants.iter().map(|&p| depts[p].clone()).collect(),
            graded: rng.chance(60),
            created_on,
            due_on,
            completed_on,
        });
        task_ids.push(id);
        task_created.push(created_on);
        task_lead.push(lead);
    }

    // Drawn targets: sizes around the mean, in pairs that add up.
    let total_drawn = results + results / 32;
    let mean = total_drawn / tasks;
    let mut sizes = vec![mean; tasks];
    for pair in sizes.chunks_exact_mut(2) {
        let delta = rng.below(mean as u64 / 2 + 1) as usize;
        pair[0] += delta;
        pair[1] -= delta;
    }
    sizes[tasks - 1] += total_drawn - mean * tasks;
    input.drawn.reserve(total_drawn);
    input.results.reserve(results);
    let codes_of = |s: &[ResultCode]| {
        let mut c = ResultCodes::new();
        for code in s {
            c.insert(code).expect("a known code");
        }
        c
    };
    let no_problem = codes_of(&[ResultCode::NoProblemFound]);
    let ordered = codes_of(&[ResultCode::ProblemOrderedToCorrect]);
    let two = codes_of(&[
        ResultCode::ProblemOrderedToCorrect,
        ResultCode::InformationNotPublished,
    ]);
    let pending = codes_of(&[ResultCode::ProblemFollowUpPending]);
    let unreachable = codes_of(&[ResultCode::UnreachableAtRegisteredAddress]);
    let refused = codes_of(&[ResultCode::RefusedInspectionSerious]);
    let closed = codes_of(&[ResultCode::ClosedOrLiquidating]);
    const STRATA: [(Stratum, f64); 4] = [
        (Stratum::A, 0.05),
        (Stratum::B, 0.2),
        (Stratum::C, 0.6),
        (Stratum::D, 1.0),
    ];
    let mut g = 0usize; // global drawn row
    for (k, &size) in sizes.iter().enumerate() {
        let task = &task_ids[k];
        let base = (k as u64).wrapping_mul(7919) % TARGET_SPACE;
        for j in 0..size as u64 {
            let t = (base + j * 104_729) % TARGET_SPACE;
            let target = TargetId::new(format!("E{t:07}")).expect("a valid id");
            let r = rng.below(1000);
            let (stratum, p) = match r {
                0..300 => STRATA[0],
                300..800 => STRATA[1],
                800..920 => STRATA[2],
                920..970 => STRATA[3],
                _ => (Stratum::Ungraded, 0.0),
            };
            input.drawn.push(DrawnRow {
                task: task.clone(),
                target: target.clone(),
                stratum: Some(stratum),
                inclusion_probability: (p > 0.0).then_some(p),
            });
            // Exactly `results` of the drawn rows are inspected, spread evenly.
            let inspected = (g + 1) * results / total_drawn > g * results / total_drawn;
            g += 1;
            if !inspected {
                continue;
            }
            let inspected_on = plus(task_created[k], rng.below(76));
            let entered_on = if rng.chance(300) {
                plus(inspected_on, 1 + rng.below(3))
            } else {
                inspected_on
            };
            let c = rng.below(1000);
            let codes = if task_lead[k] == 24 {
                no_problem
            } else {
                match c {
                    0..800 => no_problem,
                    800..950 => ordered,
                    950..960 => two,
                    960..975 => pending,
                    975..985 => unreachable,
                    985..990 => refused,
                    _ => closed,
                }
            };
            let published_on = if rng.chance(960) {
                let delay = if rng.chance(920) {
                    rng.below(11)
                } else {
                    5 + rng.below(40)
                };
                Some(plus(entered_on, delay))
            } else {
                None
            };
            input.results.push(ResultRow {
                task: task.clone(),
                target: target.clone(),
                codes,
                inspected_on,
                entered_on,
                mobile: rng.chance(650),
                published_on,
            });
            if codes.has_problem() && rng.chance(900) {
                let opened_on = plus(inspected_on, rng.below(3));
                input.follow_ups.push(FollowUpRow {
                    task: task.clone(),
                    target,
                    kind: if rng.chance(850) {
                        FollowUpKind::Rectified
                    } else {
                        FollowUpKind::CaseTransferred
                    },
                    opened_on,
                    closed_on: rng.chance(850).then(|| plus(opened_on, 5 + rng.below(36))),
                });
            }
        }
    }
    for u in 0..10u64 {
        let d = rng.below(KPI_DEPARTMENTS as u64) as usize;
        input.unplanned.push(UnplannedRow {
            id: format!("U{u:03}"),
            department: depts[d].clone(),
            date: plus(jan1, rng.below(365)),
            reason: if u % 2 == 0 {
                "投诉举报"
            } else {
                "上级交办"
            }
            .into(),
            targets: 1 + rng.below(5),
        });
    }
    input
}

/// The publication deadline of every inspection day from December 1 of the year before to
/// the end of March after the year, as `(inspected_on, deadline)`: the table the side-by-side
/// script joins on, since pandas and polars have no Chinese working-day calendar. It is
/// computed by the library's own [`HolidayCalendar::publication_deadline`].
///
/// [`HolidayCalendar::publication_deadline`]: shuangsuiji::calendar::HolidayCalendar::publication_deadline
pub fn deadline_table(year: i32) -> Vec<(NaiveDate, NaiveDate)> {
    let cal = shuangsuiji::calendar::HolidayCalendar::china();
    let first = NaiveDate::from_ymd_opt(year - 1, 12, 1).expect("a date");
    let last = NaiveDate::from_ymd_opt(year + 1, 3, 31).expect("a date");
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter_map(|d| cal.publication_deadline(d).ok().map(|x| (d, x)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shuangsuiji::kpi::{KpiConfig, KpiReport};

    #[test]
    fn synthetic_input_is_valid_deterministic_and_varied() {
        let a = kpi_input(400, 9_000, 1);
        assert_eq!(a, kpi_input(400, 9_000, 1));
        assert_eq!(a.results.len(), 9_000);
        assert_eq!(a.drawn.len(), 9_000 + 9_000 / 32);
        let r = KpiReport::compute(&a, &KpiConfig::default()).unwrap();
        let y = r.total.year();
        assert_eq!(y.participation.to_string(), "96.3%");
        let share = y.joint_task_share.value().unwrap();
        assert!((0.3..0.7).contains(&share), "{share}");
        assert!(r.findings.late_publications > 0);
        assert!(r.findings.unpublished > 0);
        assert!(r.findings.zero_problems.iter().any(|d| d.as_str() == "D25"));
        assert!(r.findings.no_joint_led.iter().any(|d| d.as_str() == "D27"));
        let f = y.plan_fulfilment.value().unwrap();
        assert!(f < 1.0 && f > 0.8, "{f}");
        // The CSV round trip gives the same input.
        assert_eq!(KpiInput::from_csv(&a.to_csv()).unwrap(), a);
    }

    #[test]
    fn deadlines_cover_the_year() {
        let t = deadline_table(KPI_YEAR);
        assert!(t.len() > 480);
        let oct1 = NaiveDate::from_ymd_opt(KPI_YEAR, 9, 30).unwrap();
        let (_, d) = t.iter().find(|(d, _)| *d == oct1).unwrap();
        assert!(*d > NaiveDate::from_ymd_opt(KPI_YEAR, 10, 28).unwrap());
    }
}
