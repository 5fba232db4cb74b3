//! The item list (一单, 抽查事项清单) and the joint item list (部门联合抽查事项清单).
//!
//! Nothing may be checked that is not on the item list (“清单之外无检查”), so the list is the
//! root every plan, draw and KPI refers to. Lists are published in editions (Daye 2022: 317
//! items, 18 more than the first edition), which is why an [`ItemList`] carries a version and can
//! be diffed against its successor. The joint item list says which departments may check
//! together and who leads; it only makes sense against an item list, so it is validated
//! against one.
//!
//! ```
//! use shuangsuiji::catalog::{InspectionMethod, Item, ItemCategory, ItemList};
//! use shuangsuiji::ids::{DeptId, ItemId};
//!
//! let item = Item {
//!     id: ItemId::new("SJ-001")?,
//!     name: "营业执照（登记证）规范使用情况的检查".into(),
//!     department: DeptId::new("市场监管局")?,
//!     legal_basis: "《市场主体登记管理条例》".into(),
//!     content: "营业执照是否规范悬挂".into(),
//!     target_kinds: vec!["企业".into(), "个体工商户".into()],
//!     category: ItemCategory::General,
//!     method: InspectionMethod::OnSite,
//!     default_ratio_ppm: Some(50_000), // 5%
//!     frequency_per_year: Some(1),
//!     inspector_requirements: "持有行政执法证".into(),
//! };
//! let list = ItemList::new("大冶市抽查事项清单", "2022版", vec![item.clone()]).unwrap();
//! assert_eq!(list.get(&item.id), Some(&item));
//!
//! let err = ItemList::new("大冶市抽查事项清单", "2022版", vec![item.clone(), item])
//!     .unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "item SJ-001 appears twice in the item list: rows 1 and 2"
//! );
//! # Ok::<(), shuangsuiji::ids::IdError>(())
//! ```

use crate::ids::{DeptId, ItemId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The largest ratio: every target in scope (100%).
pub const FULL_RATIO_PPM: u32 = 1_000_000;

/// Why an item list or a joint item list is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// Two rows of an item list carry the same id, so a plan could not say which one it means.
    #[error("item {id} appears twice in the item list: rows {first_row} and {second_row}")]
    DuplicateItem {
        /// The repeated id.
        id: ItemId,
        /// 1-based row of its first occurrence.
        first_row: usize,
        /// 1-based row of its second occurrence.
        second_row: usize,
    },
    /// An item has an empty (or all white space) name.
    #[error("item {id} (row {row}) has an empty name")]
    EmptyName {
        /// The item.
        id: ItemId,
        /// Its 1-based row.
        row: usize,
    },
    /// A default ratio is 0 or above 100%.
    #[error(
        "item {id} (row {row}): default ratio {ppm} ppm is out of range; \
         it must be 1..=1000000 ppm (0.0001%–100%)"
    )]
    RatioOutOfRange {
        /// The item.
        id: ItemId,
        /// Its 1-based row.
        row: usize,
        /// The ratio found, in parts per million.
        ppm: u32,
    },
    /// A frequency of 0 times a year; leave it out instead when there is none.
    #[error("item {id} (row {row}): frequency per year is 0; it must be at least 1 or absent")]
    ZeroFrequency {
        /// The item.
        id: ItemId,
        /// Its 1-based row.
        row: usize,
    },
    /// A joint item refers to an item that the item list does not have.
    #[error("joint domain {domain:?}: item {item} is not in the item list {list:?}")]
    UnknownItem {
        /// The joint domain (抽查领域).
        domain: String,
        /// The unknown item.
        item: ItemId,
        /// Name and version of the item list checked against.
        list: String,
    },
    /// A joint item has no participating department, so it is not joint at all.
    #[error("joint domain {domain:?}, item {item}: no participating department")]
    NoParticipants {
        /// The joint domain.
        domain: String,
        /// The joint item.
        item: ItemId,
    },
    /// The initiating department is also listed as participating.
    #[error(
        "joint domain {domain:?}, item {item}: initiating department {department} \
         is also listed as participating"
    )]
    InitiatorParticipates {
        /// The joint domain.
        domain: String,
        /// The joint item.
        item: ItemId,
        /// The department.
        department: DeptId,
    },
    /// A participating department is listed twice.
    #[error(
        "joint domain {domain:?}, item {item}: participating department {department} \
         is listed twice"
    )]
    DuplicateDepartment {
        /// The joint domain.
        domain: String,
        /// The joint item.
        item: ItemId,
        /// The repeated department.
        department: DeptId,
    },
}

/// How far an item's sampling ratio may go, which decides how a plan may set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemCategory {
    /// 一般检查事项: routine items whose ratio and frequency are strictly limited, so that
    /// businesses are not disturbed without cause.
    General,
    /// 重点检查事项: items touching safety, health or the public interest, with no upper limit
    /// on ratio or frequency.
    Key,
}

/// How the inspectors check, which decides whether positive-list targets may be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionMethod {
    /// 现场检查: inspectors visit the premises.
    OnSite,
    /// 书面检查: the entity submits documents.
    Document,
    /// 网络检查: the check is done on the entity's online presence.
    Online,
    /// 非现场检查: remote monitoring, data analysis, video; the only kind allowed on
    /// positive-list (正面清单) entities.
    OffSite,
}

/// One row of the item list: something a department is allowed to check.
///
/// Fields are public because an item on its own has few invariants; the ones it has (name,
/// ratio, frequency, unique id) are enforced when it enters an [`ItemList`]. Unknown JSON fields
/// are refused, so that a misspelt `default_ratio` cannot silently become "no ratio".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The item's id, unique within its list.
    pub id: ItemId,
    /// The item's name as published (抽查事项名称).
    pub name: String,
    /// The department that owns the item (实施部门).
    pub department: DeptId,
    /// The laws and rules that allow the check (抽查依据); a check without one is unlawful.
    pub legal_basis: String,
    /// What is checked (检查内容).
    pub content: String,
    /// Which kinds of target the item applies to (enterprise, individual business, product, …),
    /// as the names of the target-kind module; kept as text here so lists load unchanged.
    pub target_kinds: Vec<String>,
    /// General or key item.
    pub category: ItemCategory,
    /// How the check is carried out.
    pub method: InspectionMethod,
    /// Default sampling ratio in parts per million (5% = 50 000), when the list sets one.
    pub default_ratio_ppm: Option<u32>,
    /// Default number of checks per year, when the list sets one.
    pub frequency_per_year: Option<u32>,
    /// Who may inspect (检查人员要求), e.g. a certificate or a specialty.
    pub inspector_requirements: String,
}

/// Checks what an item must satisfy to enter a list; `row` is 1-based.
fn check_item(item: &Item, row: usize) -> Result<(), CatalogError> {
    let id = || item.id.clone();
    if item.name.trim().is_empty() {
        return Err(CatalogError::EmptyName { id: id(), row });
    }
    if let Some(ppm) = item.default_ratio_ppm
        && !(1..=FULL_RATIO_PPM).contains(&ppm)
    {
        return Err(CatalogError::RatioOutOfRange { id: id(), row, ppm });
    }
    if item.frequency_per_year == Some(0) {
        return Err(CatalogError::ZeroFrequency { id: id(), row });
    }
    Ok(())
}

/// A versioned edition of the item list (e.g. "大冶市市场监管领域部门随机抽查事项清单", "2022版").
///
/// Items keep their published row order; ids are unique, which is what lets plans refer to
/// items by id and editions be diffed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawItemList")]
pub struct ItemList {
    name: String,
    version: String,
    items: Vec<Item>,
    #[serde(skip)]
    index: BTreeMap<ItemId, usize>,
}

/// The unvalidated shape of an [`ItemList`], so that deserializing goes through [`ItemList::new`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItemList {
    name: String,
    version: String,
    items: Vec<Item>,
}

impl TryFrom<RawItemList> for ItemList {
    type Error = CatalogError;
    fn try_from(raw: RawItemList) -> Result<Self, CatalogError> {
        Self::new(raw.name, raw.version, raw.items)
    }
}

impl ItemList {
    /// Validates an edition: every item has a name, ratios are within 1..=1 000 000 ppm,
    /// frequencies are at least 1, and no id appears twice. The first offending row is reported.
    pub fn new(
        name: impl Into<String>,
        version: impl Into<String>,
        items: Vec<Item>,
    ) -> Result<Self, CatalogError> {
        let mut index = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            check_item(item, i + 1)?;
            if let Some(&first) = index.get(&item.id) {
                return Err(CatalogError::DuplicateItem {
                    id: item.id.clone(),
                    first_row: first + 1,
                    second_row: i + 1,
                });
            }
            index.insert(item.id.clone(), i);
        }
        Ok(Self {
            name: name.into(),
            version: version.into(),
            items,
            index,
        })
    }

    /// The list's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The edition, e.g. "2022版".
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The items in published row order.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The item with this id, if the list has it.
    pub fn get(&self, id: &ItemId) -> Option<&Item> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    /// The items a department owns, in row order: what it must cover in its annual plan.
    pub fn items_of(&self, department: &DeptId) -> impl Iterator<Item = &Item> {
        self.items
            .iter()
            .filter(move |item| &item.department == department)
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the list has no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Gives the items back, e.g. to edit them into the next edition.
    pub fn into_items(self) -> Vec<Item> {
        self.items
    }

    /// What changed from this edition to `newer`, by item id: published editions are compared
    /// item by item, so row moves and the lists' own names are not changes. Target kinds are
    /// compared as a multiset, since their order carries no meaning.
    pub fn diff(&self, newer: &ItemList) -> ItemListDiff {
        let mut diff = ItemListDiff::default();
        for (id, &i) in &self.index {
            match newer.get(id) {
                None => diff.removed.push(id.clone()),
                Some(new) => {
                    let fields = changed_fields(&self.items[i], new);
                    if !fields.is_empty() {
                        diff.changed.push(ItemChange {
                            id: id.clone(),
                            fields,
                        });
                    }
                }
            }
        }
        diff.added = newer
            .index
            .keys()
            .filter(|id| !self.index.contains_key(*id))
            .cloned()
            .collect();
        // The index is a BTreeMap, so all three vectors are already sorted by id.
        diff
    }
}

/// The names of the fields that differ between two versions of one item.
fn changed_fields(old: &Item, new: &Item) -> Vec<String> {
    let mut fields = Vec::new();
    macro_rules! compare {
        ($($field:ident),*) => {
            $(if old.$field != new.$field {
                fields.push(stringify!($field).to_owned());
            })*
        };
    }
    compare!(name, department, legal_basis, content);
    fn sorted(kinds: &[String]) -> Vec<&String> {
        let mut v: Vec<&String> = kinds.iter().collect();
        v.sort();
        v
    }
    if sorted(&old.target_kinds) != sorted(&new.target_kinds) {
        fields.push("target_kinds".to_owned());
    }
    compare!(
        category,
        method,
        default_ratio_ppm,
        frequency_per_year,
        inspector_requirements
    );
    fields
}

/// The difference between two editions of an item list, as a report or a changelog needs it.
///
/// `Display` gives the one-line summary used in reports: `+18 -0 ~3`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemListDiff {
    /// Ids only in the newer edition, sorted.
    pub added: Vec<ItemId>,
    /// Ids only in the older edition, sorted.
    pub removed: Vec<ItemId>,
    /// Items in both editions whose content changed, sorted by id.
    pub changed: Vec<ItemChange>,
}

impl ItemListDiff {
    /// Whether the two editions hold the same items.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

impl fmt::Display for ItemListDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "+{} -{} ~{}",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        )
    }
}

/// One item that is in both editions but differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChange {
    /// The item.
    pub id: ItemId,
    /// The names of the changed fields as they appear in JSON (e.g. `"default_ratio_ppm"`),
    /// in field order.
    pub fields: Vec<String>,
}

/// The joint item list (部门联合抽查事项清单): which departments may check the same targets
/// together, grouped by domain (抽查领域), e.g. Daye 2022: 84 domains, 136 joint items.
///
/// It refers to an [`ItemList`] by item id, so it is checked with [`JointItemList::validate`]
/// against the list in force rather than on construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointItemList {
    /// The list's name.
    pub name: String,
    /// The edition.
    pub version: String,
    /// The domains, in published order.
    pub domains: Vec<JointDomain>,
}

/// A domain of joint checks (抽查领域), typically one industry (“一业一查”).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointDomain {
    /// The domain's name, e.g. "餐饮服务".
    pub name: String,
    /// Its joint items.
    pub items: Vec<JointItem>,
}

/// One joint item: an item checked by one initiating department with the help of others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JointItem {
    /// The item of the item list.
    pub item: ItemId,
    /// The initiating department (发起部门), which leads the joint task.
    pub initiating: DeptId,
    /// The participating departments (配合部门), each drawing its own inspectors.
    pub participating: Vec<DeptId>,
    /// The level that runs the check (抽查层级), e.g. "县级".
    pub level: String,
}

impl JointItem {
    /// Whether a department takes part, initiating or participating.
    pub fn involves(&self, department: &DeptId) -> bool {
        &self.initiating == department || self.participating.contains(department)
    }
}

impl JointItemList {
    /// Checks the list against the item list in force: every joint item names a known item,
    /// has at least one participating department, does not list its initiator as participating,
    /// and lists no participating department twice. The first problem, in published order, is
    /// reported.
    pub fn validate(&self, items: &ItemList) -> Result<(), CatalogError> {
        for (domain, joint) in self.rows() {
            let domain_name = || domain.name.clone();
            if items.get(&joint.item).is_none() {
                return Err(CatalogError::UnknownItem {
                    domain: domain_name(),
                    item: joint.item.clone(),
                    list: format!("{} {}", items.name(), items.version()),
                });
            }
            if joint.participating.is_empty() {
                return Err(CatalogError::NoParticipants {
                    domain: domain_name(),
                    item: joint.item.clone(),
                });
            }
            let mut seen = BTreeSet::new();
            for dept in &joint.participating {
                if dept == &joint.initiating {
                    return Err(CatalogError::InitiatorParticipates {
                        domain: domain_name(),
                        item: joint.item.clone(),
                        department: dept.clone(),
                    });
                }
                if !seen.insert(dept) {
                    return Err(CatalogError::DuplicateDepartment {
                        domain: domain_name(),
                        item: joint.item.clone(),
                        department: dept.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Every joint item with its domain, in published order.
    pub fn rows(&self) -> impl Iterator<Item = (&JointDomain, &JointItem)> {
        self.domains
            .iter()
            .flat_map(|d| d.items.iter().map(move |j| (d, j)))
    }

    /// The joint items under which departments `a` and `b` may check together: one initiates
    /// and the other participates, or both participate. Empty when `a == b`, since a department
    /// needs no joint item to check with itself.
    pub fn joint_items_between(&self, a: &DeptId, b: &DeptId) -> Vec<&JointItem> {
        if a == b {
            return Vec::new();
        }
        self.rows()
            .map(|(_, j)| j)
            .filter(|j| j.involves(a) && j.involves(b))
            .collect()
    }

    /// The department that leads joint checks of an item: the initiator of its first joint
    /// row. `None` when the item is not on the joint list, i.e. it is checked by its owner alone.
    pub fn lead_for(&self, item: &ItemId) -> Option<&DeptId> {
        self.rows()
            .find(|(_, j)| &j.item == item)
            .map(|(_, j)| &j.initiating)
    }

    /// Every department named in the list, initiating or participating: the units the list
    /// covers (Daye 2022: 26).
    pub fn departments(&self) -> BTreeSet<&DeptId> {
        self.rows()
            .flat_map(|(_, j)| std::iter::once(&j.initiating).chain(&j.participating))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dept(s: &str) -> DeptId {
        DeptId::new(s).unwrap()
    }

    fn id(s: &str) -> ItemId {
        ItemId::new(s).unwrap()
    }

    fn item(i: &str, department: &str) -> Item {
        Item {
            id: id(i),
            name: format!("事项 {i}"),
            department: dept(department),
            legal_basis: "《市场主体登记管理条例》".into(),
            content: "检查内容".into(),
            target_kinds: vec!["企业".into(), "个体工商户".into()],
            category: ItemCategory::General,
            method: InspectionMethod::OnSite,
            default_ratio_ppm: Some(50_000),
            frequency_per_year: Some(1),
            inspector_requirements: "持有行政执法证".into(),
        }
    }

    fn sample() -> ItemList {
        ItemList::new(
            "大冶市市场监管领域部门随机抽查事项清单",
            "2022版",
            vec![
                item("SJ-001", "市场监管局"),
                item("SJ-002", "市场监管局"),
                item("SW-001", "商务局"),
                item("XF-001", "消防救援大队"),
            ],
        )
        .unwrap()
    }

    #[test]
    fn lookups() {
        let list = sample();
        assert_eq!(list.len(), 4);
        assert!(!list.is_empty());
        assert_eq!(list.name(), "大冶市市场监管领域部门随机抽查事项清单");
        assert_eq!(list.version(), "2022版");
        assert_eq!(list.get(&id("SW-001")).unwrap().department, dept("商务局"));
        assert!(list.get(&id("nope")).is_none());
        let ids: Vec<_> = list
            .items_of(&dept("市场监管局"))
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(ids, ["SJ-001", "SJ-002"]);
        assert_eq!(list.items_of(&dept("税务局")).count(), 0);
        assert_eq!(list.items()[2].id, id("SW-001"));
        assert_eq!(list.clone().into_items().len(), 4);
        assert!(ItemList::new("x", "1", vec![]).unwrap().is_empty());
    }

    #[test]
    fn duplicate_ids_name_both_rows() {
        let mut items = sample().into_items();
        items.push(item("SW-001", "商务局"));
        let err = ItemList::new("x", "1", items).unwrap_err();
        assert_eq!(
            err,
            CatalogError::DuplicateItem {
                id: id("SW-001"),
                first_row: 3,
                second_row: 5
            }
        );
        assert_eq!(
            err.to_string(),
            "item SW-001 appears twice in the item list: rows 3 and 5"
        );
    }

    #[test]
    fn bad_items_are_named() {
        let mut items = sample().into_items();
        items[1].name = "  ".into();
        let err = ItemList::new("x", "1", items).unwrap_err();
        assert_eq!(
            err,
            CatalogError::EmptyName {
                id: id("SJ-002"),
                row: 2
            }
        );
        assert_eq!(err.to_string(), "item SJ-002 (row 2) has an empty name");

        for ppm in [0, FULL_RATIO_PPM + 1, u32::MAX] {
            let mut items = sample().into_items();
            items[3].default_ratio_ppm = Some(ppm);
            let err = ItemList::new("x", "1", items).unwrap_err();
            assert_eq!(
                err,
                CatalogError::RatioOutOfRange {
                    id: id("XF-001"),
                    row: 4,
                    ppm
                }
            );
            assert!(err.to_string().contains("XF-001"), "{err}");
        }
        for ppm in [Some(1), Some(FULL_RATIO_PPM), None] {
            let mut items = sample().into_items();
            items[3].default_ratio_ppm = ppm;
            assert!(ItemList::new("x", "1", items).is_ok());
        }

        let mut items = sample().into_items();
        items[0].frequency_per_year = Some(0);
        let err = ItemList::new("x", "1", items).unwrap_err();
        assert_eq!(
            err,
            CatalogError::ZeroFrequency {
                id: id("SJ-001"),
                row: 1
            }
        );
        let mut items = sample().into_items();
        items[0].frequency_per_year = None;
        assert!(ItemList::new("x", "1", items).is_ok());
    }

    #[test]
    fn diff_reports_added_removed_changed_sorted() {
        let old = sample();
        let mut items = old.clone().into_items();
        items.retain(|i| i.id.as_str() != "SJ-002");
        items[0].name = "营业执照规范使用".into();
        items[0].default_ratio_ppm = Some(30_000);
        items[1].category = ItemCategory::Key;
        items[2].target_kinds.reverse(); // order alone is no change
        items.push(item("ZZ-9", "税务局"));
        items.push(item("AA-1", "税务局"));
        items.reverse(); // row order alone is no change
        let new = ItemList::new("x", "2023版", items).unwrap();
        let diff = old.diff(&new);
        assert_eq!(diff.added, [id("AA-1"), id("ZZ-9")]);
        assert_eq!(diff.removed, [id("SJ-002")]);
        assert_eq!(
            diff.changed,
            [
                ItemChange {
                    id: id("SJ-001"),
                    fields: vec!["name".into(), "default_ratio_ppm".into()],
                },
                ItemChange {
                    id: id("SW-001"),
                    fields: vec!["category".into()],
                },
            ]
        );
        assert_eq!(diff.to_string(), "+2 -1 ~2");
        assert!(!diff.is_empty());
        assert!(old.diff(&old).is_empty());
        assert_eq!(old.diff(&old).to_string(), "+0 -0 ~0");

        let json = serde_json::to_string(&diff).unwrap();
        assert_eq!(serde_json::from_str::<ItemListDiff>(&json).unwrap(), diff);
    }

    #[test]
    fn diff_names_every_field() {
        let a = item("X", "甲");
        let b = Item {
            id: id("X"),
            name: "n".into(),
            department: dept("乙"),
            legal_basis: "l".into(),
            content: "c".into(),
            target_kinds: vec![],
            category: ItemCategory::Key,
            method: InspectionMethod::OffSite,
            default_ratio_ppm: None,
            frequency_per_year: Some(2),
            inspector_requirements: "r".into(),
        };
        let fields = changed_fields(&a, &b);
        // serde_json's map sorts keys, so take the field order from the serialized text.
        let text = serde_json::to_string(&a).unwrap();
        let value = serde_json::to_value(&a).unwrap();
        let mut names: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "id")
            .collect();
        names.sort_by_key(|k| text.find(&format!("\"{k}\":")).unwrap());
        // Every field but the id is compared, under its JSON name, in declaration order.
        assert_eq!(fields, names);
    }

    #[test]
    fn enums_serialize_snake_case() {
        fn json<T: Serialize>(v: &T) -> String {
            serde_json::to_string(v).unwrap()
        }
        assert_eq!(json(&ItemCategory::General), "\"general\"");
        assert_eq!(json(&ItemCategory::Key), "\"key\"");
        assert_eq!(json(&InspectionMethod::OnSite), "\"on_site\"");
        assert_eq!(json(&InspectionMethod::Document), "\"document\"");
        assert_eq!(json(&InspectionMethod::Online), "\"online\"");
        assert_eq!(json(&InspectionMethod::OffSite), "\"off_site\"");
        let key: ItemCategory = serde_json::from_str("\"key\"").unwrap();
        assert_eq!(key, ItemCategory::Key);
        assert!(serde_json::from_str::<InspectionMethod>("\"OnSite\"").is_err());
    }

    #[test]
    fn item_list_json_round_trip_is_lossless_and_validated() {
        let list = sample();
        let json = serde_json::to_string(&list).unwrap();
        assert!(!json.contains("index"), "{json}");
        let back: ItemList = serde_json::from_str(&json).unwrap();
        assert_eq!(back, list);
        assert_eq!(back.get(&id("XF-001")), list.get(&id("XF-001")));

        let mut value = serde_json::to_value(&list).unwrap();
        let first = value["items"][0].clone();
        value["items"].as_array_mut().unwrap().push(first);
        let err = serde_json::from_value::<ItemList>(value).unwrap_err();
        assert!(err.to_string().contains("rows 1 and 5"), "{err}");

        let mut value = serde_json::to_value(&list).unwrap();
        value["items"][1]["default_ratio_ppm"] = 0.into();
        assert!(serde_json::from_value::<ItemList>(value).is_err());

        let mut value = serde_json::to_value(&list).unwrap();
        value["items"][1]["default_ratio"] = "5%".into();
        let err = serde_json::from_value::<ItemList>(value).unwrap_err();
        assert!(err.to_string().contains("default_ratio"), "{err}");

        let mut value = serde_json::to_value(&list).unwrap();
        value["items"][1]["method"] = "on-site".into();
        assert!(serde_json::from_value::<ItemList>(value).is_err());
    }

    fn joint() -> JointItemList {
        JointItemList {
            name: "大冶市市场监管领域部门联合抽查事项清单".into(),
            version: "2022版".into(),
            domains: vec![
                JointDomain {
                    name: "餐饮服务".into(),
                    items: vec![JointItem {
                        item: id("SJ-001"),
                        initiating: dept("市场监管局"),
                        participating: vec![dept("消防救援大队"), dept("商务局")],
                        level: "县级".into(),
                    }],
                },
                JointDomain {
                    name: "商贸流通".into(),
                    items: vec![
                        JointItem {
                            item: id("SW-001"),
                            initiating: dept("商务局"),
                            participating: vec![dept("市场监管局")],
                            level: "县级".into(),
                        },
                        JointItem {
                            item: id("SJ-001"),
                            initiating: dept("商务局"),
                            participating: vec![dept("消防救援大队")],
                            level: "县级".into(),
                        },
                    ],
                },
            ],
        }
    }

    #[test]
    fn joint_list_validates_against_item_list() {
        let items = sample();
        assert_eq!(joint().validate(&items), Ok(()));

        let mut j = joint();
        j.domains[1].items[0].item = id("GONE");
        let err = j.validate(&items).unwrap_err();
        assert_eq!(
            err.to_string(),
            "joint domain \"商贸流通\": item GONE is not in the item list \
             \"大冶市市场监管领域部门随机抽查事项清单 2022版\""
        );

        let mut j = joint();
        j.domains[0].items[0].participating.clear();
        let err = j.validate(&items).unwrap_err();
        assert_eq!(
            err,
            CatalogError::NoParticipants {
                domain: "餐饮服务".into(),
                item: id("SJ-001")
            }
        );

        let mut j = joint();
        j.domains[0].items[0].participating.push(dept("市场监管局"));
        let err = j.validate(&items).unwrap_err();
        assert_eq!(
            err,
            CatalogError::InitiatorParticipates {
                domain: "餐饮服务".into(),
                item: id("SJ-001"),
                department: dept("市场监管局"),
            }
        );
        assert!(err.to_string().contains("initiating department 市场监管局"));

        let mut j = joint();
        j.domains[1].items[1]
            .participating
            .push(dept("消防救援大队"));
        let err = j.validate(&items).unwrap_err();
        assert_eq!(
            err,
            CatalogError::DuplicateDepartment {
                domain: "商贸流通".into(),
                item: id("SJ-001"),
                department: dept("消防救援大队"),
            }
        );
        assert!(err.to_string().contains("listed twice"), "{err}");
    }

    #[test]
    fn joint_queries() {
        let j = joint();
        let (sj, sw, xf) = (dept("市场监管局"), dept("商务局"), dept("消防救援大队"));
        let items = |v: Vec<&JointItem>| -> Vec<(String, String)> {
            v.into_iter()
                .map(|j| (j.item.to_string(), j.initiating.to_string()))
                .collect()
        };
        // initiating + participating, in both argument orders
        assert_eq!(
            items(j.joint_items_between(&sj, &sw)),
            [
                ("SJ-001".into(), "市场监管局".into()),
                ("SW-001".into(), "商务局".into())
            ]
        );
        assert_eq!(
            j.joint_items_between(&sj, &sw),
            j.joint_items_between(&sw, &sj)
        );
        // both participating in the first row, initiator + participant in the third
        assert_eq!(
            items(j.joint_items_between(&xf, &sw)),
            [
                ("SJ-001".into(), "市场监管局".into()),
                ("SJ-001".into(), "商务局".into())
            ]
        );
        assert!(j.joint_items_between(&sj, &sj).is_empty());
        assert!(j.joint_items_between(&sj, &dept("税务局")).is_empty());

        assert_eq!(j.lead_for(&id("SJ-001")), Some(&sj));
        assert_eq!(j.lead_for(&id("SW-001")), Some(&sw));
        assert_eq!(j.lead_for(&id("SJ-002")), None);
        assert_eq!(j.rows().count(), 3);
        assert_eq!(
            j.departments().into_iter().collect::<Vec<_>>(),
            [&sw, &sj, &xf]
        );
    }

    #[test]
    fn joint_list_json_round_trip_is_lossless() {
        let j = joint();
        let json = serde_json::to_string_pretty(&j).unwrap();
        assert_eq!(serde_json::from_str::<JointItemList>(&json).unwrap(), j);
        let mut value = serde_json::to_value(&j).unwrap();
        value["domains"][0]["items"][0]["lead"] = "x".into();
        assert!(serde_json::from_value::<JointItemList>(value).is_err());
        let mut value = serde_json::to_value(&j).unwrap();
        value["domains"][0]["items"][0]["initiating"] = "".into();
        assert!(serde_json::from_value::<JointItemList>(value).is_err());
    }

    fn arb_item() -> impl Strategy<Value = Item> {
        (
            0u8..12,
            0u8..3,
            0u8..3,
            proptest::option::of(1u32..=FULL_RATIO_PPM),
            proptest::option::of(1u32..5),
            any::<bool>(),
        )
            .prop_map(|(n, name, d, ratio, freq, key)| {
                let mut it = item(&format!("I-{n:02}"), ["甲", "乙", "丙"][usize::from(d)]);
                it.name = format!("事项{name}");
                it.default_ratio_ppm = ratio;
                it.frequency_per_year = freq;
                if key {
                    it.category = ItemCategory::Key;
                }
                it
            })
    }

    fn arb_list() -> impl Strategy<Value = ItemList> {
        proptest::collection::vec(arb_item(), 0..12).prop_map(|mut items| {
            let mut seen = BTreeSet::new();
            items.retain(|i| seen.insert(i.id.clone()));
            ItemList::new("清单", "v", items).unwrap()
        })
    }

    proptest! {
        #[test]
        fn diff_is_antisymmetric(a in arb_list(), b in arb_list()) {
            prop_assert!(a.diff(&a).is_empty());
            let ab = a.diff(&b);
            let ba = b.diff(&a);
            prop_assert_eq!(&ab.added, &ba.removed);
            prop_assert_eq!(&ab.removed, &ba.added);
            let ids = |d: &ItemListDiff| d.changed.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
            prop_assert_eq!(ids(&ab), ids(&ba));
            prop_assert_eq!(a.len() - ab.removed.len() + ab.added.len(), b.len());
            for list in [&ab.added, &ab.removed] {
                prop_assert!(list.windows(2).all(|w| w[0] < w[1]));
            }
        }

        #[test]
        fn item_list_round_trips(a in arb_list()) {
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<ItemList>(&json).unwrap(), a);
        }
    }
}
