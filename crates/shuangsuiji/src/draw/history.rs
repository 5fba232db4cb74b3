//! The request's department and items against the names in the history: a recent-inspection
//! exclusion compares them verbatim, so a history entry whose department (or item) only looks
//! like the request's (Cyrillic `Е` for `E`, full-width digits, `docs/SAMPLING.md` §10) would
//! silently leave its target in the draw. Such a draw is refused.
//!
//! Only entries that an exclusion rule would weigh (inside its window) are looked at, and each
//! distinct name once: a name equal to the request's needs no skeleton, and a name found not to
//! look like it is remembered. The answer is the same however the pool is sharded, since every
//! entry is judged on its own.

use super::DrawError;
use super::DrawRequest;
use crate::ids::{self, DeptId, ItemId};
use crate::policy::RecentBy;
use crate::target::{FrozenPool, Inspection};
use chrono::NaiveDate;
use rustc_hash::FxHashSet;

/// What one shard's census checks of the history, for one request.
pub(super) struct HistoryNames<'a> {
    day: NaiveDate,
    /// The request's department and the longest window of a same-department rule.
    department: Option<(&'a DeptId, i64)>,
    department_skeleton: Option<String>,
    /// The request's items and the longest window of a same-item rule.
    items: Option<(&'a [ItemId], i64)>,
    item_skeletons: Option<Vec<String>>,
    /// Names of the history found not to look like the request's.
    plain_departments: FxHashSet<&'a str>,
    plain_items: FxHashSet<&'a str>,
}

impl<'a> HistoryNames<'a> {
    /// The check a request needs, if it has a same-department or same-item rule.
    pub(super) fn of(request: &'a DrawRequest) -> Option<HistoryNames<'a>> {
        let day = request.date?;
        let window = |by: RecentBy| {
            request
                .policy
                .exclusions
                .recent
                .iter()
                .filter(|r| r.by == by)
                .map(|r| i64::from(r.within_days))
                .max()
        };
        let department = request
            .department
            .as_ref()
            .zip(window(RecentBy::SameDepartment));
        let items = (!request.items.is_empty())
            .then_some(request.items.as_slice())
            .zip(window(RecentBy::SameItem));
        (department.is_some() || items.is_some()).then(|| HistoryNames {
            day,
            department,
            department_skeleton: None,
            items,
            item_skeletons: None,
            plain_departments: FxHashSet::default(),
            plain_items: FxHashSet::default(),
        })
    }

    /// Refuses the draw if an entry of `t`'s history that a rule weighs names a department or
    /// item that looks like, but is not, the request's.
    pub(super) fn check(
        &mut self,
        pool: &FrozenPool,
        i: usize,
        history: &'a [Inspection],
    ) -> Result<(), DrawError> {
        for h in history {
            let age = (self.day - h.date).num_days();
            if let Some((wanted, within)) = self.department {
                if (0..within).contains(&age)
                    && h.department != *wanted
                    && !self.plain_departments.contains(h.department.as_str())
                {
                    let skeleton = self
                        .department_skeleton
                        .get_or_insert_with(|| wanted.skeleton());
                    if h.department.skeleton() == *skeleton {
                        return Err(look_alike(
                            "department",
                            wanted.as_str(),
                            pool,
                            i,
                            h,
                            &h.department,
                        ));
                    }
                    self.plain_departments.insert(h.department.as_str());
                }
            }
            if let (Some((wanted, within)), Some(item)) = (self.items, &h.item) {
                if (0..within).contains(&age)
                    && !wanted.contains(item)
                    && !self.plain_items.contains(item.as_str())
                {
                    let skeletons = self
                        .item_skeletons
                        .get_or_insert_with(|| wanted.iter().map(ItemId::skeleton).collect());
                    let mine = item.skeleton();
                    if let Some(k) = skeletons.iter().position(|s| *s == mine) {
                        return Err(look_alike("item", wanted[k].as_str(), pool, i, h, item));
                    }
                    self.plain_items.insert(item.as_str());
                }
            }
        }
        Ok(())
    }
}

fn look_alike(
    what: &'static str,
    requested: &str,
    pool: &FrozenPool,
    i: usize,
    h: &Inspection,
    in_history: &impl AsRef<str>,
) -> DrawError {
    debug_assert!(ids::look_alike(requested, in_history.as_ref()));
    DrawError::LookAlikeInHistory {
        what,
        requested: requested.to_owned(),
        in_history: in_history.as_ref().to_owned(),
        target: pool.target_id(i),
        date: h.date,
    }
}
