//! A frozen pool built row by row from borrowed cells: the way in for a reader of any format
//! (Arrow columns, a database cursor, a file format of its own) that should not make a
//! [`Target`] per row. Each row's cells go straight into the pool's columns (ids in one arena,
//! regions, industries, grids and tag sets dictionary-encoded), through the same columns,
//! checks, sort and digest as [`FrozenPool::from_entries`]: the same rows give the same pool,
//! the same digest and the same errors.
//!
//! See [`PoolBuilder`] for an example.

use super::build::{Fields, Refusal, Rows, Sorted};
use super::{FrozenPool, Inspection, MAX_RISK_SCORE, Target, TargetKind, TargetStatus, check_tag};
use crate::ids::check_id;
use crate::pool::{EntryError, PoolEntry, PoolError};
use crate::pool_csv::split_list;
use crate::risk::RiskGrade;

/// A set of tags interned by a [`PoolBuilder`] ([`PoolBuilder::tag_set`]), for
/// [`TargetRow::tags`]: a code meaningful only to the builder that gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TagSet(u32);

impl TagSet {
    /// No tags (the same code in every builder).
    pub const EMPTY: TagSet = TagSet(0);
}

/// One target's cells, borrowed from the reader's buffers: what [`Target`] holds, without the
/// history, as plain values. [`TargetRow::new`] gives the defaults of [`Target::new`].
#[derive(Debug, Clone, Copy)]
pub struct TargetRow<'a> {
    /// The id (checked as [`crate::ids::TargetId::new`] checks it).
    pub id: &'a str,
    /// 名称.
    pub name: &'a str,
    /// 统一社会信用代码, checked as [`crate::credit::CreditCode::parse`] checks it.
    pub credit_code: Option<&'a str>,
    /// 检查对象类型.
    pub kind: TargetKind,
    /// Administrative division code.
    pub region: &'a str,
    /// Industry code.
    pub industry: &'a str,
    /// Grid (网格) for grid-based supervision.
    pub grid: &'a str,
    /// The tags, interned by the builder the row is pushed to.
    pub tags: TagSet,
    /// 信用风险分类 grade; `None` is ungraded.
    pub grade: Option<RiskGrade>,
    /// Score for weighted draws, 1 to [`MAX_RISK_SCORE`].
    pub risk_score: Option<u32>,
    /// Registration status.
    pub status: TargetStatus,
    /// On the 正面清单 (positive list).
    pub positive_list: bool,
}

impl<'a> TargetRow<'a> {
    /// An active, ungraded enterprise with only an id, as [`Target::new`].
    pub fn new(id: &'a str) -> TargetRow<'a> {
        TargetRow {
            id,
            name: "",
            credit_code: None,
            kind: TargetKind::Enterprise,
            region: "",
            industry: "",
            grid: "",
            tags: TagSet::EMPTY,
            grade: None,
            risk_score: None,
            status: TargetStatus::Active,
            positive_list: false,
        }
    }
}

/// Rows pushed one after another into the columns of a frozen pool.
///
/// ```
/// use shuangsuiji::risk::RiskGrade;
/// use shuangsuiji::target::{FrozenPool, Inspection, PoolBuilder, Target, TargetRow};
///
/// let mut b = PoolBuilder::with_capacity(2);
/// let tags = b.tag_set(["餐饮服务", "食品经营"])?;
/// b.push(TargetRow { name: "甲", grade: Some(RiskGrade::A), tags, ..TargetRow::new("E2") })?;
/// b.push(TargetRow { region: "420102", ..TargetRow::new("E1") })?;
/// let mut draft = b.check()?; // duplicate and look-alike ids; canonical order
/// let inspection = Inspection {
///     date: "2026-03-01".parse().unwrap(),
///     department: "D01".try_into().unwrap(),
///     item: None,
///     inspectors: vec![],
/// };
/// draft.add_inspection("E2", inspection.clone())?;
/// let pool = draft.freeze()?;
///
/// // The same rows as targets: the same pool, the same digest.
/// let mut e2 = Target::new("E2".try_into().unwrap());
/// e2.name = "甲".into();
/// e2.grade = Some(RiskGrade::A);
/// e2.tags = ["食品经营".to_owned(), "餐饮服务".to_owned()].into();
/// e2.history.push(inspection);
/// let mut e1 = Target::new("E1".try_into().unwrap());
/// e1.region = "420102".into();
/// assert_eq!(FrozenPool::from_entries(vec![e2, e1])?.digest(), pool.digest());
/// assert_eq!(pool.id(0), "E1");
///
/// // Errors name the row (1-based, in push order), as `from_entries` names them.
/// let mut b = PoolBuilder::new();
/// b.push(TargetRow::new("E1"))?;
/// b.push(TargetRow::new("E2"))?;
/// b.push(TargetRow::new("E1"))?;
/// assert_eq!(b.check().unwrap_err().to_string(), "duplicate target id \"E1\": rows 1 and 3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
///
/// [`PoolBuilder::push`] checks each row's values (the id, the credit code, the risk score)
/// and refuses a bad one with the error `from_entries` gives for it
/// ([`PoolError::BadEntry`], naming the row, 1-based in push order); no row is taken after a
/// refused one. [`PoolBuilder::check`] then checks the rows as a whole (a duplicate or
/// look-alike id) and puts them into canonical order; the first problem in row order is the
/// error. A reader that finds a bad cell of its own (one it cannot turn into a value) stops
/// there and asks [`PoolBuilder::earlier_problem`] whether the rows before it hold a problem,
/// which then comes first.
pub struct PoolBuilder {
    rows: Rows,
    /// The refused row (0-based) and why.
    stop: Option<(usize, PoolError)>,
}

impl std::fmt::Debug for PoolBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("rows", &self.len())
            .field("refused", &self.stop.as_ref().map(|(_, e)| e))
            .finish()
    }
}

impl Default for PoolBuilder {
    fn default() -> Self {
        PoolBuilder::new()
    }
}

impl PoolBuilder {
    /// An empty builder.
    pub fn new() -> PoolBuilder {
        PoolBuilder::with_capacity(0)
    }

    /// An empty builder with room for `rows` rows.
    pub fn with_capacity(rows: usize) -> PoolBuilder {
        PoolBuilder {
            rows: Rows::new(rows, true),
            stop: None,
        }
    }

    /// The rows taken so far.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row was taken.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The set of these tags (in any order, repeats allowed), for [`TargetRow::tags`].
    ///
    /// # Errors
    ///
    /// A tag that is empty, holds `;` or a control character, or has surrounding spaces
    /// (field `tags`, as `from_entries` refuses it).
    pub fn tag_set<'t>(
        &mut self,
        tags: impl IntoIterator<Item = &'t str>,
    ) -> Result<TagSet, EntryError> {
        let tags: Vec<&str> = tags.into_iter().collect();
        for t in &tags {
            check_tag("tags", t)?;
        }
        Ok(TagSet(self.rows.tag_sets().code(tags)))
    }

    /// The set of the tags of a `;`-separated cell (each part trimmed, empty parts dropped),
    /// remembered by the cell's text so that a cell met again costs one look-up.
    ///
    /// # Errors
    ///
    /// As [`PoolBuilder::tag_set`].
    pub fn tag_cell(&mut self, cell: &str) -> Result<TagSet, EntryError> {
        if cell.is_empty() {
            return Ok(TagSet::EMPTY);
        }
        if let Some(code) = self.rows.tag_sets_ref().cached(cell) {
            return Ok(TagSet(code));
        }
        let set = self.tag_set(split_list(cell))?;
        self.rows.tag_sets().cache(cell, set.0);
        Ok(set)
    }

    /// Takes the next row.
    ///
    /// # Errors
    ///
    /// [`PoolError::BadEntry`] at this row: an id that is not a valid target id (field `id`),
    /// a credit code that is not valid (`credit_code`), a risk score outside 1 to
    /// [`MAX_RISK_SCORE`] (`risk_score`), a [`TagSet`] of another builder (`tags`), a pool
    /// beyond 2³² − 1 rows (`id`). The row is not taken, and neither is any row after it: the
    /// error comes again.
    pub fn push(&mut self, row: TargetRow<'_>) -> Result<(), PoolError> {
        if let Some((_, e)) = &self.stop {
            return Err(e.clone());
        }
        match self.take(&row) {
            Ok(()) => Ok(()),
            Err(error) => {
                let e = PoolError::BadEntry {
                    kind: Target::KIND,
                    id: row.id.to_owned(),
                    row: self.len() + 1,
                    error,
                };
                self.stop = Some((self.len(), e.clone()));
                Err(e)
            }
        }
    }

    fn take(&mut self, row: &TargetRow<'_>) -> Result<(), EntryError> {
        let bad = |field: &'static str, problem: String| EntryError { field, problem };
        check_id(Target::KIND, row.id).map_err(|e| bad("id", e.to_string()))?;
        if let Some(code) = row.credit_code {
            crate::credit::validate(code)
                .map_err(|e| bad("credit_code", format!("{code:?} is not a valid code: {e}")))?;
        }
        if let Some(score) = row.risk_score {
            if score == 0 || score > MAX_RISK_SCORE {
                return Err(bad(
                    "risk_score",
                    format!("{score} is outside 1..={MAX_RISK_SCORE}"),
                ));
            }
        }
        if row.tags.0 as usize >= self.rows.tag_sets_ref().len() {
            return Err(bad("tags", "a tag set of another builder".to_owned()));
        }
        self.rows.push_id(row.id)?;
        self.rows.push_fields(Fields {
            name: row.name,
            credit: row.credit_code,
            kind: row.kind,
            region: row.region,
            industry: row.industry,
            grid: row.grid,
            tags: row.tags.0,
            grade: row.grade,
            risk: row.risk_score,
            status: row.status,
            positive: row.positive_list,
        });
        Ok(())
    }

    /// A target given whole (its history too), checked as `from_entries` checks it.
    pub(crate) fn push_target(&mut self, t: Target) -> Result<(), PoolError> {
        if let Some((_, e)) = &self.stop {
            return Err(e.clone());
        }
        let row = self.len();
        self.rows.push_target(t).map_err(|bad| {
            let (error, t) = *bad;
            let e = PoolError::BadEntry {
                kind: Target::KIND,
                id: t.id.to_string(),
                row: row + 1,
                error,
            };
            self.stop = Some((row, e.clone()));
            e
        })
    }

    /// The rows checked as a whole and put into canonical order, for their history.
    ///
    /// # Errors
    ///
    /// The first problem in row order: a refused row ([`PoolBuilder::push`]), a row with the
    /// id of an earlier row ([`PoolError::DuplicateId`]) or one that looks like it
    /// ([`PoolError::LookAlikeIds`], `docs/SAMPLING.md` §10).
    pub fn check(self) -> Result<PoolDraft, PoolError> {
        let sorted = self.rows.check(self.stop, false).map_err(pool_error)?;
        Ok(PoolDraft { sorted })
    }

    /// The first problem of the rows taken so far, for a reader that refuses the next row
    /// itself: a problem of an earlier row comes before its own. `None` when the rows so far
    /// make a pool.
    pub fn earlier_problem(self) -> Option<PoolError> {
        self.check().err()
    }

    /// [`PoolBuilder::check`] and [`PoolDraft::freeze`]: the frozen pool of rows without a
    /// history.
    ///
    /// # Errors
    ///
    /// As [`PoolBuilder::check`].
    pub fn freeze(self) -> Result<FrozenPool, PoolError> {
        self.check()?.freeze()
    }
}

/// The problem of a refusal, with 1-based rows.
fn pool_error(r: Refusal<PoolError>) -> PoolError {
    match r {
        Refusal::Row(e) => e,
        Refusal::Duplicate { id, first, second } => PoolError::DuplicateId {
            kind: Target::KIND,
            id,
            first: first + 1,
            second: second + 1,
        },
        Refusal::LookAlike {
            first_id,
            first,
            second_id,
            second,
        } => PoolError::LookAlikeIds {
            kind: Target::KIND,
            first_id,
            first_row: first + 1,
            second_id,
            second_row: second + 1,
        },
    }
}

/// The rows of a [`PoolBuilder`], checked and in canonical order: inspections are added by
/// target id, then the pool is frozen (history in canonical order, SM3 digest).
pub struct PoolDraft {
    sorted: Sorted,
}

impl std::fmt::Debug for PoolDraft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolDraft")
            .field("targets", &self.len())
            .finish()
    }
}

impl PoolDraft {
    /// The number of targets.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether there are no targets.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a target has this id.
    pub fn contains(&self, id: &str) -> bool {
        self.sorted.position(id).is_some()
    }

    /// Adds a past inspection to the target with this id.
    ///
    /// # Errors
    ///
    /// [`PoolError::NotFound`]: no target has this id.
    pub fn add_inspection(
        &mut self,
        target_id: &str,
        inspection: Inspection,
    ) -> Result<(), PoolError> {
        let at = self
            .sorted
            .position(target_id)
            .ok_or_else(|| PoolError::NotFound {
                kind: Target::KIND,
                id: target_id.to_owned(),
            })?;
        self.sorted.add_inspection(at, inspection);
        Ok(())
    }

    /// The frozen pool.
    ///
    /// # Errors
    ///
    /// [`PoolError::BadEntry`] (field `history.date`) at the first row, in push order, with an
    /// inspection dated outside the years 0–9999.
    pub fn freeze(self) -> Result<FrozenPool, PoolError> {
        if let Some((row, error)) = self.sorted.first_bad_history_year() {
            return Err(PoolError::BadEntry {
                kind: Target::KIND,
                id: self.sorted.id_of_row(row).to_owned(),
                row: row + 1,
                error,
            });
        }
        Ok(self.sorted.freeze())
    }
}

/// [`FrozenPool::from_entries`].
pub(crate) fn from_targets(rows: Vec<Target>) -> Result<FrozenPool, PoolError> {
    let mut b = PoolBuilder::with_capacity(rows.len());
    for t in rows {
        if b.push_target(t).is_err() {
            break;
        }
    }
    b.check().map(|d| d.sorted.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TargetId;

    fn target(id: &str) -> Target {
        Target::new(TargetId::new(id).unwrap())
    }

    #[test]
    fn a_bad_value_is_refused_at_its_row_and_ends_the_rows() {
        let mut b = PoolBuilder::new();
        b.push(TargetRow::new("E1")).unwrap();
        let e = b
            .push(TargetRow {
                risk_score: Some(0),
                ..TargetRow::new("E2")
            })
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "target \"E2\" (row 2): field risk_score: 0 is outside 1..=1000000"
        );
        assert_eq!(b.push(TargetRow::new("E3")).unwrap_err(), e);
        assert_eq!(b.len(), 1);
        assert_eq!(b.check().err(), Some(e));
    }

    #[test]
    fn the_errors_are_those_of_from_entries() {
        let bad_id = PoolBuilder::new().push(TargetRow::new(" E1")).unwrap_err();
        assert_eq!(
            (bad_id.to_string().contains("row 1"), &bad_id),
            (
                true,
                &PoolError::BadEntry {
                    kind: "target",
                    id: " E1".into(),
                    row: 1,
                    error: EntryError {
                        field: "id",
                        problem: TargetId::new(" E1").unwrap_err().to_string()
                    }
                }
            )
        );
        let code = PoolBuilder::new()
            .push(TargetRow {
                credit_code: Some("91350100M000100Y44"),
                ..TargetRow::new("E1")
            })
            .unwrap_err();
        assert!(
            matches!(code, PoolError::BadEntry { ref error, .. } if error.field == "credit_code")
        );
        let mut b = PoolBuilder::new();
        assert_eq!(
            b.tag_cell(" 甲 ; ;乙").unwrap(),
            b.tag_set(["乙", "甲"]).unwrap()
        );
        assert_eq!(b.tag_set(["a\u{7}"]).unwrap_err().field, "tags");
        let foreign = {
            // Set 2 of a builder that has three; `b` has two.
            let mut other = PoolBuilder::new();
            other.tag_set(["x"]).unwrap();
            other.tag_set(["y"]).unwrap()
        };
        let e = b
            .push(TargetRow {
                tags: foreign,
                ..TargetRow::new("E1")
            })
            .unwrap_err();
        assert!(matches!(e, PoolError::BadEntry { ref error, .. } if error.field == "tags"));

        // Duplicates and look-alikes: the first in row order, as `from_entries` says.
        for ids in [
            &["E1", "E2", "E1"][..],
            &["B", "E1", "El", "B"],
            &["E3", "E2", "E1"],
        ] {
            let mut b = PoolBuilder::new();
            for id in ids {
                b.push(TargetRow::new(id)).unwrap();
            }
            let targets = ids.iter().map(|id| target(id)).collect();
            assert_eq!(
                b.freeze().map(|p| p.digest()),
                FrozenPool::from_entries(targets).map(|p| p.digest()),
                "{ids:?}"
            );
        }
    }

    #[test]
    fn a_readers_own_refusal_comes_after_an_earlier_problem() {
        let mut b = PoolBuilder::new();
        for id in ["E1", "E2"] {
            b.push(TargetRow::new(id)).unwrap();
        }
        let mut twin = PoolBuilder::new();
        for id in ["E1", "E2", "E1"] {
            twin.push(TargetRow::new(id)).unwrap();
        }
        assert!(b.earlier_problem().is_none());
        assert!(matches!(
            twin.earlier_problem(),
            Some(PoolError::DuplicateId { second: 3, .. })
        ));
    }

    #[test]
    fn history_by_id_and_its_dates() {
        let mut b = PoolBuilder::new();
        b.push(TargetRow::new("E2")).unwrap();
        b.push(TargetRow::new("E1")).unwrap();
        let mut d = b.check().unwrap();
        let at = |y: i32| Inspection {
            date: chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
            department: "D1".try_into().unwrap(),
            item: None,
            inspectors: vec!["P2".try_into().unwrap(), "P1".try_into().unwrap()],
        };
        assert_eq!(
            d.add_inspection("E9", at(2026)).unwrap_err(),
            PoolError::NotFound {
                kind: "target",
                id: "E9".into()
            }
        );
        assert!(d.contains("E1") && !d.contains("E9"));
        d.add_inspection("E1", at(10_000)).unwrap();
        let e = d.freeze().unwrap_err();
        assert_eq!(
            e.to_string(),
            "target \"E1\" (row 2): field history.date: date +10000-01-01 is outside the years 0–9999"
        );
    }
}
