//! The year's cycle: plans, merging, the draw of joint tasks, inspector matching, the life
//! cycle. Rich objects are JSON documents in the core's serde form.

use crate::boundary::{
    borrow, c_string, date, ffi, json_arg, opt_json_arg, opt_text, out, text, to_json,
};
use crate::draw::report;
use crate::inspectors::ssj_frozen_inspector_pool;
use crate::result::{Failure, ssj_result};
use crate::targets::ssj_frozen_pool;
use ssj::catalog::{ItemList, JointItemList};
use ssj::ids::{TargetId, TaskId};
use ssj::joint::{MergeConfig, MergeProposal};
use ssj::lifecycle::{TargetCheck, Task};
use ssj::plan::AnnualPlan;
use ssj::seed::{Seed, SeedOrigin};
use ssj::teams::{MatchRequest, TeamRecord};
use std::ffi::c_char;

/// Checks an annual plan against the item list and the joint item list (JSON documents of
/// the core's `AnnualPlan`, `ItemList`, `JointItemList`). `SSJ_PLAN` lists every problem.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_plan_validate(
    annual_plan_json: *const c_char,
    items_json: *const c_char,
    joint_items_json: *const c_char,
) -> ssj_result {
    ffi! {
        let plan: AnnualPlan = json_arg(annual_plan_json, "annual_plan_json")?;
        let items: ItemList = json_arg(items_json, "items_json")?;
        let joint: JointItemList = json_arg(joint_items_json, "joint_items_json")?;
        plan.validate(&items, &joint)?;
        Ok(())
    }
}

/// Checks an annual plan against a frozen target pool: `SSJ_PLAN` lists every active plan
/// with no eligible target or a count the pool cannot meet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_plan_check_pool(
    annual_plan_json: *const c_char,
    frozen: *const ssj_frozen_pool,
) -> ssj_result {
    ffi! {
        let pool = borrow(frozen, "frozen")?;
        let plan: AnnualPlan = json_arg(annual_plan_json, "annual_plan_json")?;
        plan.check_pool(pool)?;
        Ok(())
    }
}

/// Merges plans into tasks (`joint::propose`): the proposal as JSON (free with
/// `ssj_string_free`), every merge and refusal explained. `config_json` is the core's
/// `MergeConfig` (`{"gap_days": 15, "default_lead": "largest_scope"}`); NULL for the default.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_propose(
    annual_plan_json: *const c_char,
    joint_items_json: *const c_char,
    frozen: *const ssj_frozen_pool,
    config_json: *const c_char,
    proposal_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(proposal_json_out, "proposal_json_out")?;
        let pool = borrow(frozen, "frozen")?;
        let plan: AnnualPlan = json_arg(annual_plan_json, "annual_plan_json")?;
        let joint: JointItemList = json_arg(joint_items_json, "joint_items_json")?;
        let config: MergeConfig = opt_json_arg(config_json, "config_json")?;
        let proposal = ssj::joint::propose(&plan, &joint, pool, &config);
        json_out.write(c_string(to_json(&proposal)?)?);
        Ok(())
    }
}

/// Draws every member plan of task `task_index` of a proposal (the JSON `ssj_propose` wrote)
/// with the task's one seed (`joint::draw_task_recorded`). The seed derives from
/// `seed_origin_json` (`{"method": "public_entropy", "source": ..., "value": ...}`) and the
/// task id, or is `seed_hex` (64 hex digits; required when the origin is `{"method":
/// "given"}`, else NULL or equal to the derived one). Out: `{"task_id": ..., "visits": ...,
/// "records": [<draw record>, ...]}`; each record goes into the draw log
/// (`ssj_draw_record_from_json`, then `ssj_draw_log_append`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_task(
    frozen: *const ssj_frozen_pool,
    annual_plan_json: *const c_char,
    proposal_json: *const c_char,
    task_index: usize,
    seed_origin_json: *const c_char,
    seed_hex: *const c_char,
    result_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(result_json_out, "result_json_out")?;
        let pool = borrow(frozen, "frozen")?;
        let plan: AnnualPlan = json_arg(annual_plan_json, "annual_plan_json")?;
        let proposal: MergeProposal = json_arg(proposal_json, "proposal_json")?;
        let origin: SeedOrigin = json_arg(seed_origin_json, "seed_origin_json")?;
        let task = proposal.tasks.get(task_index).ok_or_else(|| {
            Failure::new(
                ssj_result::SSJ_INDEX_OUT_OF_RANGE,
                format!("task_index {task_index}: the proposal has {} tasks", proposal.tasks.len()),
            )
        })?;
        let given = match opt_text(seed_hex, "seed_hex")? {
            Some(h) => Some(h.parse::<Seed>()?),
            None => None,
        };
        let seed = match (given, origin.derive(&task.id)) {
            (Some(s), _) | (None, Some(s)) => s,
            (None, None) => {
                return Err(Failure::new(
                    ssj_result::SSJ_NULL_POINTER,
                    "seed_hex is NULL but the seed origin is `given`: the seed is needed",
                ));
            }
        };
        let (visits, records) = ssj::joint::draw_task_recorded(task, &plan, pool, &seed, &origin)?;
        let v = serde_json::json!({ "task_id": task.id, "visits": visits, "records": records });
        json_out.write(c_string(to_json(&v)?)?);
        Ok(())
    }
}

/// Forms inspector teams (`teams::matching`) from a frozen inspector pool and the core's
/// `MatchRequest` as JSON (`task_id`, `seed`, `seed_origin`, `policy`, `visits`, `targets`).
/// Out: the team record as JSON (free with `ssj_string_free`), for the draw log. `SSJ_ASSIGN`
/// or `SSJ_TEAMS` name the visit, the department and the reasons when a team cannot be formed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_match_teams(
    frozen_inspectors: *const ssj_frozen_inspector_pool,
    match_request_json: *const c_char,
    team_record_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(team_record_json_out, "team_record_json_out")?;
        let pool = borrow(frozen_inspectors, "frozen_inspectors")?;
        let r: MatchRequest = json_arg(match_request_json, "match_request_json")?;
        let record = ssj::teams::matching(pool, &r)?;
        json_out.write(c_string(record.to_json())?);
        Ok(())
    }
}

/// Re-runs a team record on a frozen inspector pool; as [`crate::ssj_draw_record_verify`]:
/// `SSJ_OK` when the check was made, `*mismatches_out` differences, listed in
/// `*mismatches_json_out` (may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_verify_teams(
    frozen_inspectors: *const ssj_frozen_inspector_pool,
    team_record_json: *const c_char,
    mismatches_out: *mut usize,
    mismatches_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let count_out = out(mismatches_out, "mismatches_out")?;
        let pool = borrow(frozen_inspectors, "frozen_inspectors")?;
        let r: TeamRecord = json_arg(team_record_json, "team_record_json")?;
        let v = ssj::teams::verify(&r, pool);
        let json = || {
            let list: Vec<serde_json::Value> = v
                .mismatches
                .iter()
                .map(|m| serde_json::json!({ "message": m.to_string(), "mismatch": m }))
                .collect();
            to_json(&list)
        };
        report(v.mismatches.len(), json, count_out, mismatches_json_out)
    }
}

/// A state name as the core spells it in JSON (`targets_drawn`, `in_progress`, …).
fn state<T: serde::de::DeserializeOwned>(name: &str, what: &str) -> Result<T, Failure> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|e| Failure::new(ssj_result::SSJ_BAD_NAME, format!("{what}: {e}")))
}

/// A new task in state `created` as JSON (the core's `Task`: id, created_on, state, history).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_task_new(
    task_id: *const c_char,
    created_on: *const c_char,
    task_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(task_json_out, "task_json_out")?;
        let task = Task::new(TaskId::new(text(task_id, "task_id")?)?, date(created_on, "created_on")?);
        json_out.write(c_string(to_json(&task)?)?);
        Ok(())
    }
}

/// Moves a task (JSON) to state `next` (`targets_drawn`, `inspectors_matched`, `in_progress`,
/// `results_entered`, `reviewed`, `published`, or back as a reviewer's send-back) on date `on`;
/// the new task JSON is written to `*task_json_out`. `SSJ_LIFECYCLE` for an illegal step.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_task_transition(
    task_json: *const c_char,
    next: *const c_char,
    on: *const c_char,
    task_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(task_json_out, "task_json_out")?;
        let mut task: Task = json_arg(task_json, "task_json")?;
        task.transition(state(text(next, "next")?, "next")?, date(on, "on")?)?;
        json_out.write(c_string(to_json(&task)?)?);
        Ok(())
    }
}

/// A new per-target check in state `drawn` as JSON (the core's `TargetCheck`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_check_new(
    task_id: *const c_char,
    target_id: *const c_char,
    drawn_on: *const c_char,
    check_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(check_json_out, "check_json_out")?;
        let check = TargetCheck::new(
            TaskId::new(text(task_id, "task_id")?)?,
            TargetId::new(text(target_id, "target_id")?)?,
            date(drawn_on, "drawn_on")?,
        );
        json_out.write(c_string(to_json(&check)?)?);
        Ok(())
    }
}

/// Moves a per-target check (JSON) to state `next` on date `on`; as [`ssj_task_transition`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_target_check_transition(
    check_json: *const c_char,
    next: *const c_char,
    on: *const c_char,
    check_json_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let json_out = out(check_json_out, "check_json_out")?;
        let mut check: TargetCheck = json_arg(check_json, "check_json")?;
        check.transition(state(text(next, "next")?, "next")?, date(on, "on")?)?;
        json_out.write(c_string(to_json(&check)?)?);
        Ok(())
    }
}
