//! The target pool (检查对象名录库): regulated entities with tags, grade, status and history.

use crate::credit::CreditCode;
use crate::ids::{DeptId, InspectorId, ItemId, TargetId};
mod build;
mod builder;
pub(crate) mod columns;
mod frozen;

pub(crate) use build::{Fields, Refusal, Rows, Sorted, sort_parallel};
pub use builder::{PoolBuilder, PoolDraft, TagSet, TargetRow};
pub(crate) use frozen::TARGET_DIGEST_LABEL;
pub use frozen::{FrozenPool, TargetRef};

use crate::pool::{EncoderHandle, EntryError, Pool, PoolEntry};
use crate::risk::{RiskGrade, Stratum};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The largest integer risk score accepted for weighted draws. Bounded so that every sum and
/// product in the inclusion-probability computation is an exact integer below 2⁵³, which makes
/// the probabilities bit-identical in any language (see `docs/SAMPLING.md`).
pub const MAX_RISK_SCORE: u32 = 1_000_000;

/// What kind of entity a target is (检查对象类型).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// 企业.
    #[default]
    Enterprise,
    /// 个体工商户.
    IndividualBusiness,
    /// 农民专业合作社.
    FarmersCooperative,
    /// 非市场主体 (schools, hospitals, public bodies, …).
    NonMarket,
    /// 产品.
    Product,
    /// 工程项目.
    Project,
    /// 行为.
    Behaviour,
}

impl TargetKind {
    /// All kinds.
    pub const ALL: [TargetKind; 7] = [
        TargetKind::Enterprise,
        TargetKind::IndividualBusiness,
        TargetKind::FarmersCooperative,
        TargetKind::NonMarket,
        TargetKind::Product,
        TargetKind::Project,
        TargetKind::Behaviour,
    ];

    /// The snake_case name used in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Enterprise => "enterprise",
            TargetKind::IndividualBusiness => "individual_business",
            TargetKind::FarmersCooperative => "farmers_cooperative",
            TargetKind::NonMarket => "non_market",
            TargetKind::Product => "product",
            TargetKind::Project => "project",
            TargetKind::Behaviour => "behaviour",
        }
    }
}

impl fmt::Display for TargetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A word that names no [`TargetKind`] or [`TargetStatus`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a {what}; expected one of: {expected}")]
pub struct UnknownName {
    /// What was parsed.
    pub what: &'static str,
    /// The text.
    pub value: String,
    /// The accepted names.
    pub expected: String,
}

impl FromStr for TargetKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        TargetKind::ALL
            .into_iter()
            .find(|k| k.name() == s.trim())
            .ok_or_else(|| UnknownName {
                what: "target kind",
                value: s.to_owned(),
                expected: TargetKind::ALL.map(TargetKind::name).join(", "),
            })
    }
}

/// Registration status; only active entities are drawn by default.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// 存续/在营.
    #[default]
    Active,
    /// 注销.
    Deregistered,
    /// 吊销.
    Revoked,
    /// 迁出.
    MovedOut,
    /// 撤销: the registration itself revoked as void (e.g. obtained by fraud); excluded from
    /// draws like deregistered and revoked entities. Last, so that no other status's index,
    /// name or digest encoding changed when it was added.
    Cancelled,
}

impl TargetStatus {
    /// All statuses.
    pub const ALL: [TargetStatus; 5] = [
        TargetStatus::Active,
        TargetStatus::Deregistered,
        TargetStatus::Revoked,
        TargetStatus::MovedOut,
        TargetStatus::Cancelled,
    ];

    /// The snake_case name used in JSON and CSV.
    pub fn name(self) -> &'static str {
        match self {
            TargetStatus::Active => "active",
            TargetStatus::Deregistered => "deregistered",
            TargetStatus::Revoked => "revoked",
            TargetStatus::MovedOut => "moved_out",
            TargetStatus::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for TargetStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TargetStatus {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, UnknownName> {
        TargetStatus::ALL
            .into_iter()
            .find(|k| k.name() == s.trim())
            .ok_or_else(|| UnknownName {
                what: "target status",
                value: s.to_owned(),
                expected: TargetStatus::ALL.map(TargetStatus::name).join(", "),
            })
    }
}

/// One past inspection of a target, as the exclusion window and recusal rules need it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    /// The day of the check.
    pub date: NaiveDate,
    /// The department that checked.
    pub department: DeptId,
    /// The item checked, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<ItemId>,
    /// The inspectors who checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inspectors: Vec<InspectorId>,
}

/// A regulated entity in the target pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Unique id within the pool (often the credit code itself).
    pub id: TargetId,
    /// Registered name.
    #[serde(default)]
    pub name: String,
    /// 统一社会信用代码, when the entity has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<CreditCode>,
    /// Kind of entity.
    #[serde(default)]
    pub kind: TargetKind,
    /// Administrative division (GB/T 2260 code, e.g. `420281`); scopes match it by prefix.
    #[serde(default)]
    pub region: String,
    /// Industry (e.g. a GB/T 4754 code); scopes match it by prefix.
    #[serde(default)]
    pub industry: String,
    /// Responsibility grid (网格), free text.
    #[serde(default)]
    pub grid: String,
    /// Tags (标签) such as “食品经营”.
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// Credit-risk grade; `None` for entities not yet graded.
    #[serde(default)]
    pub grade: Option<RiskGrade>,
    /// Integer risk score for weighted draws (1 to [`MAX_RISK_SCORE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_score: Option<u32>,
    /// Registration status.
    #[serde(default)]
    pub status: TargetStatus,
    /// On the positive list (正面清单): off-site checks only.
    #[serde(default)]
    pub positive_list: bool,
    /// Past inspections, in canonical (date, department, item) order once in a pool.
    #[serde(default)]
    pub history: Vec<Inspection>,
}

impl Target {
    /// An active, ungraded enterprise with only an id; set the other fields as needed.
    pub fn new(id: TargetId) -> Target {
        Target {
            id,
            name: String::new(),
            credit_code: None,
            kind: TargetKind::Enterprise,
            region: String::new(),
            industry: String::new(),
            grid: String::new(),
            tags: BTreeSet::new(),
            grade: None,
            risk_score: None,
            status: TargetStatus::Active,
            positive_list: false,
            history: Vec::new(),
        }
    }

    /// The stratum the target falls in.
    pub fn stratum(&self) -> Stratum {
        Stratum::from(self.grade)
    }
}

/// Tags are written `;`-separated in CSV, so a tag may not hold `;`.
pub(crate) fn check_tag(field: &'static str, tag: &str) -> Result<(), EntryError> {
    if tag.is_empty() || tag.trim() != tag || tag.contains(';') || tag.chars().any(char::is_control)
    {
        return Err(EntryError {
            field,
            problem: format!(
                "tag {tag:?} must be non-empty, without `;`, control characters or surrounding spaces"
            ),
        });
    }
    Ok(())
}

/// Dates are written `YYYY-MM-DD` in files and digests: years outside 0–9999 are refused
/// rather than given a second spelling.
pub(crate) fn check_year(field: &'static str, d: NaiveDate) -> Result<(), EntryError> {
    use chrono::Datelike;
    if (0..=9999).contains(&d.year()) {
        Ok(())
    } else {
        Err(EntryError {
            field,
            problem: format!("date {d} is outside the years 0–9999"),
        })
    }
}

// Bits of the class byte: the stratum index in the low three bits, then flags.
pub(crate) const CLASS_STRATUM_MASK: u8 = 0b0000_0111;
pub(crate) const CLASS_INACTIVE: u8 = 0b0000_1000;
pub(crate) const CLASS_POSITIVE: u8 = 0b0001_0000;
pub(crate) const CLASS_HISTORY: u8 = 0b0010_0000;

impl PoolEntry for Target {
    type Id = TargetId;
    type Frozen = FrozenPool;
    const DIGEST_LABEL: &'static str = TARGET_DIGEST_LABEL;
    const KIND: &'static str = "target";

    fn id(&self) -> &TargetId {
        &self.id
    }

    fn validate(&self) -> Result<(), EntryError> {
        for tag in &self.tags {
            check_tag("tags", tag)?;
        }
        for h in &self.history {
            check_year("history.date", h.date)?;
        }
        if let Some(score) = self.risk_score {
            if score == 0 || score > MAX_RISK_SCORE {
                return Err(EntryError {
                    field: "risk_score",
                    problem: format!("{score} is outside 1..={MAX_RISK_SCORE}"),
                });
            }
        }
        Ok(())
    }

    fn normalize(&mut self) {
        for h in &mut self.history {
            h.inspectors.sort();
        }
        self.history.sort();
    }

    fn encode(&self, h: &mut EncoderHandle<'_>) {
        let e = &mut *h.0;
        e.str(self.id.as_str());
        e.str(&self.name);
        e.opt_str(self.credit_code.as_ref().map(CreditCode::as_str));
        e.str(self.kind.name());
        e.str(&self.region);
        e.str(&self.industry);
        e.str(&self.grid);
        e.count(self.tags.len());
        for t in &self.tags {
            e.str(t);
        }
        e.str(if self.grade.is_some() {
            self.stratum().name()
        } else {
            ""
        });
        match self.risk_score {
            Some(score) => e.decimal(u64::from(score)),
            None => e.str(""),
        }
        e.str(self.status.name());
        e.str(if self.positive_list { "1" } else { "0" });
        e.count(self.history.len());
        for i in &self.history {
            e.date(i.date);
            e.str(i.department.as_str());
            e.opt_str(i.item.as_ref().map(ItemId::as_str));
            e.count(i.inspectors.len());
            for p in &i.inspectors {
                e.str(p.as_str());
            }
        }
    }

    fn freeze_unique(entries: Vec<Target>) -> FrozenPool {
        build::from_unique_targets(entries)
    }

    fn relocate_id(&mut self) {
        self.id = self.id.relocated();
    }

    fn id_address(&self) -> *const u8 {
        self.id.address()
    }
}

/// The target pool while it is adjusted.
pub type TargetPool = Pool<Target>;
