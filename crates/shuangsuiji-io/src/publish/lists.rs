//! The two per-target lists: the 抽取结果 of a draw and the 检查结果公示 of the results.

use super::{Out, PublishError, Table};
use crate::regno::RegistrationNumber;
use shuangsuiji::audit::{Logged, record_digest};
use shuangsuiji::credit::CreditCode;
use shuangsuiji::kpi::{KpiInput, TaskRow};
use shuangsuiji::record::{DrawRecord, Mismatch, verify};
use shuangsuiji::seed::SeedOrigin;
use shuangsuiji::target::FrozenPool;
use std::collections::HashMap;

/// The columns of the 抽取结果 list.
pub const DRAW_LIST_HEADER: [&str; 12] = [
    "序号",
    "任务编号",
    "任务名称",
    "检查机关",
    "主体名称",
    "统一社会信用代码/注册号",
    "主体标识",
    "抽取日期",
    "随机数来源",
    "随机数值",
    "抽取记录摘要(SM3)",
    "检查对象名录库摘要(SM3)",
];

/// The columns of the 检查结果公示 table: the national system's five (序号, 检查实施机关,
/// 类型, 日期, 结果) with the target and its task between 序号 and 检查实施机关, since one file
/// holds every target's results where the national system shows them on each one's page.
pub const GONGSHI_HEADER: [&str; 9] = [
    "序号",
    "任务编号",
    "主体名称",
    "统一社会信用代码/注册号",
    "主体标识",
    "检查实施机关",
    "类型",
    "日期",
    "结果",
];

/// What a draw record does not hold and a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrawListOptions {
    /// The task's name as published (`2026年食品经营者双随机抽查`); the record holds only its
    /// id. Without it the 任务名称 column is empty.
    pub task_name: Option<String>,
    /// Department names by id (the KPI tables' `departments.csv`): 检查机关 shows the name of
    /// the record's department, or its id when it is not here.
    pub departments: Vec<(String, String)>,
}

impl DrawListOptions {
    fn department(&self, id: &str) -> String {
        self.departments
            .iter()
            .find(|(d, _)| d == id)
            .map_or(id, |(_, name)| name.as_str())
            .to_owned()
    }
}

/// The code a list shows for a target: its unified social credit code, else its id when the id
/// is a valid 15-digit registration number (as the formats layer keys a pool exported with 注册号
/// only) or a valid credit code; else empty.
pub fn public_code(id: &str, credit_code: Option<&str>) -> String {
    if let Some(code) = credit_code {
        return code.to_owned();
    }
    if RegistrationNumber::parse(id).is_ok() || CreditCode::parse(id).is_ok() {
        return id.to_owned();
    }
    String::new()
}

/// The 抽取结果 list of a draw: one row per selected target, in the record's order, names and
/// codes from the pool; the task, department, date, seed source and value, the record's digest
/// (the one its draw-log entry holds, `audit::record_digest`) and the pool's digest on every
/// row, so that a row cut out of the list still says where it comes from. The workbook's title
/// says the task, the counts and the algorithm.
///
/// The pool is checked first exactly as `verify` checks it: a list is only ever made from the
/// pool the record was drawn from.
///
/// # Errors
///
/// [`PublishError::DoesNotReproduce`], with `verify`'s differences.
pub fn draw_list(
    record: &DrawRecord,
    pool: &FrozenPool,
    options: &DrawListOptions,
) -> Result<Table, PublishError> {
    let v = verify(record, pool);
    if !v.is_ok() {
        return Err(PublishError::DoesNotReproduce {
            count: v.mismatches.len(),
            differences: v.mismatches.iter().map(ToString::to_string).collect(),
            pool_digest_differs: v
                .mismatches
                .iter()
                .any(|m| matches!(m, Mismatch::PoolDigest { .. })),
        });
    }
    let req = &record.request;
    let task = req.task_id.as_str().to_owned();
    let task_name = options.task_name.clone().unwrap_or_default();
    let department = req
        .department
        .as_ref()
        .map(|d| options.department(d.as_str()))
        .unwrap_or_default();
    let date = req.date.map(|d| d.to_string()).unwrap_or_default();
    let (source, value) = match &req.seed_origin {
        SeedOrigin::PublicEntropy { source, value } => (source.clone(), value.clone()),
        SeedOrigin::Given => ("直接给定的种子".to_owned(), req.seed.to_string()),
    };
    let digest = record_digest(&Logged::Draw(Box::new(record.clone()))).to_string();
    let pool_digest = record.pool.digest.to_string();
    let mut t = Table::new("抽取结果", &DRAW_LIST_HEADER);
    let name = if task_name.is_empty() {
        task.clone()
    } else {
        task_name.clone()
    };
    t.title.push(format!("{name} 抽取结果"));
    t.title.push(format!(
        "任务编号 {task}；检查机关 {department}；抽取日期 {date}；从 {} 户中抽取 {} 户（范围外 {} 户）；\
         算法 {} 第{}版；随机数来源 {source}，数值 {value}",
        record.pool.size,
        record.selected.len(),
        record.out_of_scope,
        record.algorithm.id,
        record.algorithm.version,
    ));
    t.title.push(format!(
        "抽取记录摘要 {digest}；检查对象名录库摘要 {pool_digest}：任何人可用 shuangsuiji verify 复核"
    ));
    for (i, s) in record.selected.iter().enumerate() {
        // The record reproduces from the pool, so every selected target is in it.
        let (target_name, code) = match pool.position(&s.id) {
            Some(p) => {
                let r = pool.target(p);
                (r.name().to_owned(), public_code(r.id(), r.credit_code()))
            }
            None => (String::new(), public_code(s.id.as_str(), None)),
        };
        t.rows.push(vec![
            Out::Count(i as u64 + 1),
            Out::text(&task),
            Out::text(&task_name),
            Out::text(&department),
            Out::Text(target_name),
            Out::Text(code),
            Out::text(s.id.as_str()),
            Out::text(&date),
            Out::text(&source),
            Out::text(&value),
            Out::text(&digest),
            Out::text(&pool_digest),
        ]);
    }
    Ok(t)
}

/// The 类型 of a task's results in the 检查结果公示 table: `部门联合双随机抽查` for a joint
/// task, `双随机抽查` otherwise.
pub fn check_type(task: &TaskRow) -> &'static str {
    if task.joint {
        "部门联合双随机抽查"
    } else {
        "双随机抽查"
    }
}

/// The 检查结果公示 table: one row per result (each inspected target of each task), in the
/// order of `results.csv`: the task, the target (name and code from `pool` when given, else
/// the id as code when it is a credit code or registration number), 检查实施机关 (the task's
/// lead, then its participants, by name, joined with `、`), 类型 ([`check_type`]), 日期 (the
/// inspection day) and 结果 (the result codes' labels, joined with `；`).
///
/// # Errors
///
/// [`PublishError::Reference`] for a result of a task `tasks.csv` does not hold (the KPI
/// report refuses those too).
pub fn gongshi(input: &KpiInput, pool: Option<&FrozenPool>) -> Result<Table, PublishError> {
    let names: HashMap<&str, &str> = input
        .departments
        .iter()
        .map(|d| (d.id.as_str(), d.name.as_str()))
        .collect();
    let name = |id: &str| names.get(id).copied().unwrap_or(id).to_owned();
    let tasks: HashMap<&str, &TaskRow> = input.tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut t = Table::new("检查结果公示", &GONGSHI_HEADER);
    t.title.push(format!("{}年度抽查检查结果公示", input.year));
    for (i, r) in input.results.iter().enumerate() {
        let Some(task) = tasks.get(r.task.as_str()) else {
            return Err(PublishError::Reference {
                table: "results.csv",
                line: i as u64 + 2,
                message: format!("task {} is not in tasks.csv", r.task),
            });
        };
        let mut agencies = vec![name(task.lead.as_str())];
        agencies.extend(task.participants.iter().map(|p| name(p.as_str())));
        let id = r.target.as_str();
        let (target_name, code) = match pool.and_then(|p| p.position_of(id).map(|i| p.target(i))) {
            Some(target) => (
                target.name().to_owned(),
                public_code(id, target.credit_code()),
            ),
            None => (String::new(), public_code(id, None)),
        };
        let results: Vec<&str> = r.codes.iter().map(|c| c.label()).collect();
        t.rows.push(vec![
            Out::Count(i as u64 + 1),
            Out::text(r.task.as_str()),
            Out::Text(target_name),
            Out::Text(code),
            Out::text(id),
            Out::Text(agencies.join("、")),
            Out::text(check_type(task)),
            Out::Text(r.inspected_on.to_string()),
            Out::Text(results.join("；")),
        ]);
    }
    Ok(t)
}
