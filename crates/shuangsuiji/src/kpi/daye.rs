//! Test fixture: Daye's 2022 year (seed 002), rebuilt as flat rows whose counts equal
//! Annex 1, so that the library's computation, not the fixture, gives the annex back.
//!
//! Transcribed from Annex 1; the rows are generated from the counts with the minimum of
//! invention the annex leaves open (which plans were deleted, which tasks took which
//! participants, dates), each choice commented.

use super::codes::ResultCodes;
use super::input::{
    DepartmentRow, DrawnRow, FollowUpRow, KpiInput, PlanKindFlag, PlanRow, ResultRow, TaskRow,
};
use crate::ids::{DeptId, PlanId, TargetId, TaskId};
use crate::lifecycle::{FollowUpKind, ResultCode};
use chrono::{Days, NaiveDate};

/// Which kind of plan a department had deleted (本地区无检查对象).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deleted {
    No,
    Single,
    Joint,
}

/// One row of Annex 1, plus what the text says about it.
pub(crate) struct Row {
    pub name: &'static str,
    pub plans_single: u64,
    pub plans_joint: u64,
    pub tasks_single: u64,
    pub tasks_joint: u64,
    pub joined: u64,
    pub drawn: u64,
    pub problems: u64,
    /// The annex's note, verbatim (notes joined with `；`).
    pub note: &'static str,
    pub deleted: Deleted,
    /// Tasks launched outside the plan (计划外).
    pub unplanned: u64,
    /// Tasks of special plans (专项计划).
    pub special: u64,
    /// Tasks drawn with credit-risk grades (section 二(五)二: 6 units, 7 tasks, 交运局 2).
    pub graded: u64,
    /// Checks concentrated at year end (section 三(一): 教育局 and 文旅局).
    pub year_end: bool,
}

#[allow(clippy::too_many_arguments)]
const fn row(
    name: &'static str,
    [
        plans_single,
        plans_joint,
        tasks_single,
        tasks_joint,
        joined,
        drawn,
        problems,
    ]: [u64; 7],
    note: &'static str,
    deleted: Deleted,
    unplanned: u64,
    special: u64,
    graded: u64,
    year_end: bool,
) -> Row {
    Row {
        name,
        plans_single,
        plans_joint,
        tasks_single,
        tasks_joint,
        joined,
        drawn,
        problems,
        note,
        deleted,
        unplanned,
        special,
        graded,
        year_end,
    }
}

use Deleted::{Joint as DJ, No as DN, Single as DS};

/// Annex 1, in its order. Columns: plans single, plans joint, tasks single, tasks joint,
/// joint tasks joined, targets drawn (= inspected and published), problems found.
pub(crate) const ANNEX: [Row; 27] = [
    row("市发改局", [3, 4, 3, 4, 5, 13, 4], "", DN, 0, 0, 0, false),
    row("市教育局", [1, 3, 1, 3, 4, 207, 22], "", DN, 0, 0, 0, true),
    row(
        "市公安局",
        [6, 6, 6, 5, 10, 86, 34],
        "1个计划无检查对象",
        DJ,
        0,
        0,
        0,
        false,
    ),
    row(
        "市人社局",
        [2, 2, 3, 2, 7, 17, 0],
        "计划外开展1次检查",
        DN,
        1,
        0,
        0,
        false,
    ),
    row(
        "黄石市生态环境局大冶分局",
        [1, 3, 1, 3, 7, 226, 17],
        "",
        DN,
        0,
        0,
        0,
        false,
    ),
    row("市城管局", [2, 1, 2, 1, 1, 9, 3], "", DN, 0, 0, 0, false),
    row("市住建局", [5, 7, 5, 7, 8, 34, 10], "", DN, 0, 0, 1, false),
    row("市交运局", [6, 7, 6, 7, 3, 24, 12], "", DN, 0, 0, 2, false),
    row(
        "市农业农村局",
        [8, 6, 7, 6, 1, 89, 7],
        "1个计划无检查对象",
        DS,
        0,
        0,
        0,
        false,
    ),
    row(
        "市商务局",
        [1, 6, 1, 5, 7, 17, 3],
        "1个计划无检查对象",
        DJ,
        0,
        0,
        0,
        false,
    ),
    row(
        "市文旅局",
        [3, 7, 5, 6, 3, 26, 0],
        "1个计划无检查对象；计划外开展2次检查",
        DJ,
        2,
        0,
        0,
        true,
    ),
    row("市卫健局", [2, 5, 2, 5, 7, 141, 11], "", DN, 0, 0, 0, false),
    row(
        "市应急管理局",
        [2, 4, 2, 4, 2, 58, 0],
        "",
        DN,
        0,
        0,
        1,
        false,
    ),
    row("市税务局", [0, 1, 0, 1, 4, 1, 1], "", DN, 0, 0, 1, false),
    row("市统计局", [0, 1, 0, 1, 0, 6, 0], "", DN, 0, 0, 0, false),
    row(
        "市消防救援大队",
        [0, 1, 0, 1, 11, 10, 10],
        "",
        DN,
        0,
        0,
        0,
        false,
    ),
    row(
        "市经信局",
        [0, 0, 0, 0, 2, 0, 0],
        "未牵头发起任务，但参与其他单位联合抽查2次",
        DN,
        0,
        0,
        0,
        false,
    ),
    row(
        "市自然资源和规划局",
        [1, 3, 1, 3, 4, 12, 4],
        "",
        DN,
        0,
        0,
        0,
        false,
    ),
    row("市民政局", [1, 2, 1, 2, 1, 20, 1], "", DN, 0, 0, 0, false),
    row("市医保局", [0, 2, 0, 2, 0, 7, 1], "", DN, 0, 0, 0, false),
    row("市政数局", [0, 1, 0, 1, 0, 33, 1], "", DN, 0, 0, 0, false),
    row(
        "市水利和湖泊局",
        [3, 3, 3, 3, 1, 63, 47],
        "",
        DN,
        0,
        0,
        1,
        false,
    ),
    row("市气象局", [0, 1, 0, 1, 2, 6, 0], "", DN, 0, 0, 0, false),
    // Not in the annex's notes: the library adds “leads no joint task” (see docs/KPI.md).
    row(
        "市司法局",
        [4, 0, 4, 0, 0, 17, 1],
        "未牵头发起部门联合抽查",
        DN,
        0,
        0,
        0,
        false,
    ),
    row(
        "市烟草专卖局",
        [0, 1, 0, 1, 0, 20, 0],
        "",
        DN,
        0,
        0,
        0,
        false,
    ),
    row("市金融办", [0, 2, 0, 2, 0, 2, 0], "", DN, 0, 0, 0, false),
    row(
        "市市场监管局",
        [11, 11, 12, 11, 44, 192, 36],
        "1个计划为专项计划",
        DN,
        0,
        1,
        1,
        false,
    ),
];

/// The published outcome of the assessment (Annex 2), excellent units.
pub(crate) const EXCELLENT: [&str; 6] = [
    "市市场监管局",
    "市水利和湖泊局",
    "市住建局",
    "市交运局",
    "市政数局",
    "市应急管理局",
];

fn dept(i: usize) -> DeptId {
    DeptId::new(format!("D{:02}", i + 1)).expect("valid id")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn plus(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).expect("in range")
}

/// Daye's 2022 year as a KPI input.
pub(crate) fn daye_2022() -> KpiInput {
    let mut input = KpiInput::new(2022);
    let reason = "本地区无检查对象".to_owned();
    // Joint tasks to give participants to: (task index in `input.tasks`, lead).
    let mut joint_tasks: Vec<(usize, usize)> = Vec::new();
    for (d, r) in ANNEX.iter().enumerate() {
        input.departments.push(DepartmentRow {
            id: dept(d),
            name: r.name.to_owned(),
        });
        // The counts the annex implies must agree with its columns.
        let del_single = u64::from(r.deleted == DS);
        let del_joint = u64::from(r.deleted == DJ);
        assert_eq!(
            r.tasks_single,
            r.plans_single - del_single + r.unplanned + r.special,
            "{}",
            r.name
        );
        assert_eq!(r.tasks_joint, r.plans_joint - del_joint, "{}", r.name);

        let mut n_task = 0;
        let mut task = |input: &mut KpiInput, plans: Vec<PlanId>, joint: bool| {
            n_task += 1;
            // Tasks spread over March to September, day 1 to 10; the year-end departments'
            // in December (seed 002 criticises their 年底突击检查).
            let k = (d * 7 + n_task) as u32;
            let created = if r.year_end {
                date(2022, 12, 1 + k % 5)
            } else {
                date(2022, 3 + k % 7, 1 + k % 10)
            };
            let due = if r.year_end {
                date(2022, 12, 31)
            } else {
                date(2022, 11, 30)
            };
            input.tasks.push(TaskRow {
                id: TaskId::new(format!("T-D{:02}-{n_task:02}", d + 1)).expect("valid"),
                plans,
                lead: dept(d),
                participants: Vec::new(),
                joint,
                graded: false,
                created_on: created,
                due_on: Some(due),
                completed_on: Some(plus(created, 25)),
            });
            input.tasks.len() - 1
        };
        let plan = |input: &mut KpiInput, n: u64, kind, special, deleted: bool| {
            let id = PlanId::new(format!(
                "P-D{:02}-{}{n}",
                d + 1,
                match (kind, special) {
                    (_, true) => "ZX",
                    (PlanKindFlag::Single, _) => "S",
                    (PlanKindFlag::Joint, _) => "J",
                }
            ))
            .expect("valid");
            input.plans.push(PlanRow {
                id: id.clone(),
                year: 2022,
                department: dept(d),
                kind,
                // Filled below for joint plans, from their task's participants.
                participants: Vec::new(),
                items: Vec::new(),
                special,
                deleted,
                deletion_reason: if deleted {
                    reason.clone()
                } else {
                    String::new()
                },
            });
            id
        };
        let first_tasks = input.tasks.len();
        for n in 0..r.plans_single {
            // The deleted plan is the department's last of its kind.
            let deleted = r.deleted == DS && n + 1 == r.plans_single;
            let id = plan(&mut input, n + 1, PlanKindFlag::Single, false, deleted);
            if !deleted {
                task(&mut input, vec![id], false);
            }
        }
        for n in 0..r.special {
            let id = plan(&mut input, n + 1, PlanKindFlag::Single, true, false);
            task(&mut input, vec![id], false);
        }
        for _ in 0..r.unplanned {
            task(&mut input, Vec::new(), false);
        }
        for n in 0..r.plans_joint {
            let deleted = r.deleted == DJ && n + 1 == r.plans_joint;
            let id = plan(&mut input, n + 1, PlanKindFlag::Joint, false, deleted);
            if !deleted {
                let t = task(&mut input, vec![id], true);
                joint_tasks.push((t, d));
            }
        }
        // Graded draws: the department's first tasks.
        for t in input.tasks[first_tasks..]
            .iter_mut()
            .take(r.graded as usize)
        {
            t.graded = true;
        }
        // Targets round-robin over the department's tasks; the first `problems` targets have
        // a problem (ordered to correct, closed follow-up).
        let tasks: Vec<usize> = (first_tasks..input.tasks.len()).collect();
        for j in 0..r.drawn as usize {
            let t = &input.tasks[tasks[j % tasks.len()]];
            let target = TargetId::new(format!("E-D{:02}-{j:04}", d + 1)).expect("valid");
            input.drawn.push(DrawnRow {
                task: t.id.clone(),
                target: target.clone(),
                stratum: None,
                inclusion_probability: None,
            });
            let inspected = plus(t.created_on, 7 + (j % 7) as u64);
            let problem = (j as u64) < r.problems;
            input.results.push(ResultRow {
                task: t.id.clone(),
                target: target.clone(),
                codes: ResultCodes::try_from([if problem {
                    ResultCode::ProblemOrderedToCorrect
                } else {
                    ResultCode::NoProblemFound
                }])
                .expect("known codes"),
                inspected_on: inspected,
                entered_on: inspected,
                mobile: true,
                published_on: Some(plus(inspected, 3)),
            });
            if problem {
                input.follow_ups.push(FollowUpRow {
                    task: t.id.clone(),
                    target,
                    kind: FollowUpKind::Rectified,
                    opened_on: inspected,
                    closed_on: Some(plus(inspected, 10)),
                });
            }
        }
    }
    // Participants: each department's “joined” count spread over other departments' joint
    // tasks, always to an eligible task with the fewest participants, so that every joint task
    // has at least one.
    let mut order: Vec<usize> = (0..ANNEX.len()).collect();
    order.sort_by_key(|&d| std::cmp::Reverse(ANNEX[d].joined));
    for d in order {
        for _ in 0..ANNEX[d].joined {
            let best = joint_tasks
                .iter()
                .filter(|(t, lead)| *lead != d && !input.tasks[*t].participants.contains(&dept(d)))
                .min_by_key(|(t, _)| input.tasks[*t].participants.len())
                .map(|(t, _)| *t)
                .expect("an eligible joint task");
            input.tasks[best].participants.push(dept(d));
        }
    }
    for (t, _) in &joint_tasks {
        let task = &input.tasks[*t];
        assert!(!task.participants.is_empty(), "{}", task.id);
        let plan = task.plans[0].clone();
        let participants = task.participants.clone();
        if let Some(p) = input.plans.iter_mut().find(|p| p.id == plan) {
            p.participants = participants;
        }
    }
    // Deleted joint plans had participants too: the county's market regulator (or, for its
    // own, the first department).
    for p in input.plans.iter_mut() {
        if p.kind == PlanKindFlag::Joint && p.participants.is_empty() {
            let other = if p.department == dept(26) {
                dept(0)
            } else {
                dept(26)
            };
            p.participants.push(other);
        }
    }
    input
}
