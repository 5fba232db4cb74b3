//! The hash-chained draw log.

use crate::boundary::{
    borrow, borrow_mut, c_string, ffi, ffi_value, free, impl_handle, json_arg, out, slice, text,
    to_handle,
};
use crate::draw::ssj_draw_record;
use crate::result::{Failure, ssj_result};
use crate::targets::ssj_frozen_pool;
use ssj::audit::{DrawAnnouncement, DrawLog, LogEntry, LogHead, SeedCommitment};
use ssj::ids::{PlanId, TaskId};
use ssj::record::PoolSummary;
use ssj::teams::TeamRecord;
use std::ffi::c_char;

/// An append-only, SM3-chained draw log. Not thread-safe: one thread at a time.
#[allow(non_camel_case_types)]
pub struct ssj_draw_log {
    _private: [u8; 0],
}
impl_handle!(ssj_draw_log => DrawLog, 0x5353_4a5f_4c4f_4721);

/// Makes an empty draw log.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_new(log_out: *mut *mut ssj_draw_log) -> ssj_result {
    ffi! {
        out(log_out, "log_out")?.write(to_handle(DrawLog::new()));
        Ok(())
    }
}

/// Frees a draw log; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_free(log: *mut ssj_draw_log) {
    unsafe { free(log) }
}

fn seq_of(entry: &LogEntry) -> u64 {
    entry.seq
}

unsafe fn write_seq(seq_out: *mut u64, seq: u64) {
    if !seq_out.is_null() {
        unsafe { seq_out.write(seq) };
    }
}

/// Appends a draw (the record is copied; the handle stays the caller's). `*seq_out` (may be
/// NULL) is the new entry's sequence number. `SSJ_LOG` when the log refuses it (e.g. a second
/// plain draw of a task: use [`ssj_draw_log_append_redraw`]).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_append(
    log: *mut ssj_draw_log,
    record: *const ssj_draw_record,
    seq_out: *mut u64,
) -> ssj_result {
    ffi! {
        let log = borrow_mut(log, "log")?;
        let r = borrow(record, "record")?.record.clone();
        let seq = seq_of(log.append(r)?);
        write_seq(seq_out, seq);
        Ok(())
    }
}

/// Appends a re-draw superseding entry `supersedes`, with a reason (required, non-empty as
/// the log demands).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_append_redraw(
    log: *mut ssj_draw_log,
    record: *const ssj_draw_record,
    supersedes: u64,
    reason: *const c_char,
    seq_out: *mut u64,
) -> ssj_result {
    ffi! {
        let log = borrow_mut(log, "log")?;
        let reason = text(reason, "reason")?;
        let r = borrow(record, "record")?.record.clone();
        let seq = seq_of(log.append_redraw(r, supersedes, reason)?);
        write_seq(seq_out, seq);
        Ok(())
    }
}

/// Appends a task's teams (a team record as JSON, from [`crate::ssj_match_teams`]); they must
/// staff exactly the targets of the task's current draws.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_append_teams(
    log: *mut ssj_draw_log,
    team_record_json: *const c_char,
    seq_out: *mut u64,
) -> ssj_result {
    ffi! {
        let log = borrow_mut(log, "log")?;
        let r: TeamRecord = json_arg(team_record_json, "team_record_json")?;
        let seq = seq_of(log.append_teams(r)?);
        write_seq(seq_out, seq);
        Ok(())
    }
}

/// Appends new teams superseding teams entry `supersedes`, with a reason.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_append_rematch(
    log: *mut ssj_draw_log,
    team_record_json: *const c_char,
    supersedes: u64,
    reason: *const c_char,
    seq_out: *mut u64,
) -> ssj_result {
    ffi! {
        let log = borrow_mut(log, "log")?;
        let reason = text(reason, "reason")?;
        let r: TeamRecord = json_arg(team_record_json, "team_record_json")?;
        let seq = seq_of(log.append_rematch(r, supersedes, reason)?);
        write_seq(seq_out, seq);
        Ok(())
    }
}

/// Number of entries (0 for NULL or a wrong handle, with the last error set).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_len(log: *const ssj_draw_log) -> usize {
    ffi_value!(0, Ok(borrow(log, "log")?.entries().len()))
}

/// The log as JSON Lines, one entry per line (free with `ssj_string_free`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_to_jsonl(
    log: *const ssj_draw_log,
    jsonl_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let jsonl_out = out(jsonl_out, "jsonl_out")?;
        let s = borrow(log, "log")?.to_jsonl();
        jsonl_out.write(c_string(s)?);
        Ok(())
    }
}

/// Reads a log from JSON Lines. `SSJ_LOG` names the line of a bad entry.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_from_jsonl(
    jsonl: *const c_char,
    log_out: *mut *mut ssj_draw_log,
) -> ssj_result {
    ffi! {
        let log_out = out(log_out, "log_out")?;
        let log = DrawLog::from_jsonl(text(jsonl, "jsonl")?)?;
        log_out.write(to_handle(log));
        Ok(())
    }
}

/// Checks the chain: `SSJ_OK`, or `SSJ_LOG` naming the first broken link or rule.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_verify_chain(log: *const ssj_draw_log) -> ssj_result {
    ffi! {
        borrow(log, "log")?.verify_chain()?;
        Ok(())
    }
}

/// The digest of the last entry (the head), 64 hex digits; all zeros for an empty log. Free
/// with `ssj_string_free`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_head(
    log: *const ssj_draw_log,
    hex_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let hex_out = out(hex_out, "hex_out")?;
        let h = borrow(log, "log")?.head().to_hex();
        hex_out.write(c_string(h)?);
        Ok(())
    }
}

/// Appends a task's announcement (JSON of the core's `DrawAnnouncement`:
/// `{"format":"shuangsuiji/draw-announcement","task_id":…,"plans":[…],"pool":{"digest":…,
/// "size":…},"seed":{"method":"public_entropy","source":…}}`, or `"seed":{"method":"given",
/// "commitment":…}`), before the value that seeds the task's draws is published. Every draw of
/// the task must keep it. `SSJ_LOG` when the log refuses it (a look-alike task id, a source
/// announced before for the task, a second announcement before anything was drawn).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_announce(
    log: *mut ssj_draw_log,
    announcement_json: *const c_char,
    seq_out: *mut u64,
) -> ssj_result {
    ffi! {
        let log = borrow_mut(log, "log")?;
        let a: DrawAnnouncement = json_arg(announcement_json, "announcement_json")?;
        let seq = seq_of(log.announce(a)?);
        write_seq(seq_out, seq);
        Ok(())
    }
}

/// Appends the announcement of a task drawn from `frozen` with public entropy from
/// `seed_source` (where the value will be published, verbatim as the draws will name it);
/// `plans` are its member plans (`plans_len` strings; NULL with 0 for a task drawn without
/// plans). The common case of [`ssj_draw_log_announce`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_announce_public_entropy(
    log: *mut ssj_draw_log,
    frozen: *const ssj_frozen_pool,
    task_id: *const c_char,
    plans: *const *const c_char,
    plans_len: usize,
    seed_source: *const c_char,
    seq_out: *mut u64,
) -> ssj_result {
    ffi! {
        let log = borrow_mut(log, "log")?;
        let pool = borrow(frozen, "frozen")?;
        let task = TaskId::new(text(task_id, "task_id")?)?;
        let plans = slice(plans, plans_len, "plans")?
            .iter()
            .enumerate()
            .map(|(i, &p)| Ok(PlanId::new(text(p, &format!("plans[{i}]"))?)?))
            .collect::<Result<Vec<_>, Failure>>()?;
        let source = text(seed_source, "seed_source")?.to_owned();
        let a = DrawAnnouncement::new(
            task,
            plans,
            PoolSummary { digest: pool.digest(), size: pool.len() as u64 },
            SeedCommitment::PublicEntropy { source },
        );
        let seq = seq_of(log.announce(a)?);
        write_seq(seq_out, seq);
        Ok(())
    }
}

/// Checks the chain and that the log holds a head published earlier (`head`: `SEQ:DIGEST`, or
/// a bare 64-hex `DIGEST`). `SSJ_OK`; `SSJ_LOG` when the chain is broken or the head is not in
/// the log (entries were cut off its end; an empty log holds no head); `SSJ_BAD_HEX` for head
/// text of another form.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_verify_head(
    log: *const ssj_draw_log,
    head: *const c_char,
) -> ssj_result {
    ffi! {
        let log = borrow(log, "log")?;
        let head: LogHead = text(head, "head")?
            .parse()
            .map_err(|e: ssj::audit::BadHead| Failure::new(ssj_result::SSJ_BAD_HEX, format!("head: {e}")))?;
        log.verify_head(&head)?;
        Ok(())
    }
}

/// The head to publish, `SEQ:DIGEST` of the last entry (free with `ssj_string_free`).
/// `SSJ_LOG` for an empty log, which has no head.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_draw_log_published_head(
    log: *const ssj_draw_log,
    head_out: *mut *mut c_char,
) -> ssj_result {
    ffi! {
        let head_out = out(head_out, "head_out")?;
        let Some(head) = borrow(log, "log")?.published_head() else {
            return Err(Failure::new(ssj_result::SSJ_LOG, "the log is empty: it has no head to publish"));
        };
        head_out.write(c_string(head.to_string())?);
        Ok(())
    }
}
