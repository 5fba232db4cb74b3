//! The demo item list and joint item list, derived from the subject table.
//!
//! No randomness here: the lists are a pure function of [`SUBJECTS`], so plans can name items
//! without building the whole county.

use super::tables::{DEPARTMENTS, SUBJECTS};
use super::{dept_id, valid};
use crate::catalog::{
    InspectionMethod, Item, ItemCategory, ItemList, JointDomain, JointItem, JointItemList,
};
use crate::ids::ItemId;
use crate::target::TargetKind;

/// The item list's name and edition.
pub(crate) const ITEM_LIST_NAME: &str = "大冶市市场监管领域部门随机抽查事项清单（示例）";
/// The joint item list's name.
pub(crate) const JOINT_LIST_NAME: &str = "大冶市市场监管领域部门联合抽查事项清单（示例）";
/// The edition of both lists.
pub(crate) const EDITION: &str = "2026版";
/// Daye 2022: 84 joint domains and 136 joint items.
const JOINT_DOMAINS: usize = 84;
const JOINT_ITEMS: usize = 136;

/// One parsed line of [`SUBJECTS`], with the ids of the items it yields.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    /// Index into [`DEPARTMENTS`].
    pub(crate) dept: usize,
    /// Joint domain name, unique in the table.
    pub(crate) domain: &'static str,
    /// Who is checked.
    pub(crate) who: &'static str,
    /// The tag of the entities this subject concerns, if any.
    pub(crate) tag: Option<&'static str>,
    pub(crate) kinds: Vec<TargetKind>,
    pub(crate) key: bool,
    pub(crate) method: InspectionMethod,
    pub(crate) basis: &'static str,
    pub(crate) aspects: Vec<&'static str>,
    /// Indices into [`DEPARTMENTS`] of the participating departments.
    pub(crate) partners: Vec<usize>,
    /// One item per aspect.
    pub(crate) items: Vec<ItemId>,
}

fn dept_index(code: &str) -> usize {
    DEPARTMENTS
        .iter()
        .position(|d| d.0 == code)
        .unwrap_or_else(|| panic!("demo table: unknown department code {code:?}"))
}

/// Parses the subject table and numbers the items per department (`SC-001`, `SC-002`, …).
///
/// The table is a constant checked by the tests, so a malformed line is a bug in this file and
/// panics with the line.
pub(crate) fn subjects() -> Vec<Subject> {
    let mut next = [0usize; DEPARTMENTS.len()];
    SUBJECTS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&'static str> = line.split('|').collect();
            assert_eq!(f.len(), 10, "demo table: malformed subject line {line:?}");
            let dept = dept_index(f[0]);
            let kinds = f[4]
                .chars()
                .map(|c| match c {
                    'e' => TargetKind::Enterprise,
                    'i' => TargetKind::IndividualBusiness,
                    'c' => TargetKind::FarmersCooperative,
                    'n' => TargetKind::NonMarket,
                    other => panic!("demo table: kind letter {other:?} in {line:?}"),
                })
                .collect();
            let method = match f[6] {
                "onsite" => InspectionMethod::OnSite,
                "document" => InspectionMethod::Document,
                "online" => InspectionMethod::Online,
                "offsite" => InspectionMethod::OffSite,
                other => panic!("demo table: method {other:?} in {line:?}"),
            };
            let aspects: Vec<&'static str> = f[8].split(';').collect();
            let items = aspects
                .iter()
                .map(|_| {
                    next[dept] += 1;
                    valid(ItemId::new(format!("{}-{:03}", f[0], next[dept])))
                })
                .collect();
            Subject {
                dept,
                domain: f[1],
                who: f[2],
                tag: (f[3] != "-").then_some(f[3]),
                kinds,
                key: f[5] == "K",
                method,
                basis: f[7],
                aspects,
                partners: f[9]
                    .split(';')
                    .filter(|p| !p.is_empty())
                    .map(dept_index)
                    .collect(),
                items,
            }
        })
        .collect()
}

/// The item list: one item per aspect of each subject, in table order.
pub(crate) fn item_list(subjects: &[Subject]) -> ItemList {
    let mut items = Vec::new();
    for s in subjects {
        for (id, aspect) in s.items.iter().zip(&s.aspects) {
            let (ratio, frequency, requirements) = match (s.key, s.method) {
                // Key items touch safety; the list sets a floor, plans may go higher.
                (true, _) => (
                    100_000,
                    2,
                    format!("持有行政执法证件，熟悉{}领域法律法规和技术规范", s.domain),
                ),
                // Desk and online checks cost little, so their default ratio is lower.
                (false, InspectionMethod::Document | InspectionMethod::Online) => {
                    (30_000, 1, "持有行政执法证件".to_owned())
                }
                (false, _) => (50_000, 1, "持有行政执法证件".to_owned()),
            };
            items.push(Item {
                id: id.clone(),
                name: format!("对{}{}的检查", s.who, aspect),
                department: dept_id(s.dept),
                legal_basis: s.basis.to_owned(),
                content: format!("检查{}{}", s.who, aspect),
                target_kinds: s.kinds.iter().map(|k| k.name().to_owned()).collect(),
                category: if s.key {
                    ItemCategory::Key
                } else {
                    ItemCategory::General
                },
                method: s.method,
                default_ratio_ppm: Some(ratio),
                frequency_per_year: Some(frequency),
                inspector_requirements: requirements,
            });
        }
    }
    valid(ItemList::new(ITEM_LIST_NAME, EDITION, items))
}

/// The joint item list: 84 domains with 136 joint items.
///
/// Domains are taken round-robin over the departments (each department's first subject with
/// partners, then each one's second, …) so that every department that joins checks initiates
/// at least one domain, as in Daye where 26 of 27 units are on the joint list. The first 52
/// domains with more than one item get two joint items, the rest one.
pub(crate) fn joint_list(subjects: &[Subject]) -> JointItemList {
    let mut by_dept: Vec<Vec<usize>> = vec![Vec::new(); DEPARTMENTS.len()];
    for (i, s) in subjects.iter().enumerate() {
        if !s.partners.is_empty() {
            by_dept[s.dept].push(i);
        }
    }
    let mut chosen = Vec::new();
    let mut round = 0;
    while chosen.len() < JOINT_DOMAINS && by_dept.iter().any(|d| d.len() > round) {
        for d in &by_dept {
            if let Some(&i) = d.get(round)
                && chosen.len() < JOINT_DOMAINS
            {
                chosen.push(i);
            }
        }
        round += 1;
    }
    // Published in department order, like the real list.
    chosen.sort_unstable();
    let mut extra = JOINT_ITEMS - JOINT_DOMAINS;
    let domains = chosen
        .into_iter()
        .map(|i| {
            let s = &subjects[i];
            let partners = |n: usize| s.partners.iter().take(n).map(|&p| dept_id(p)).collect();
            let mut items = vec![JointItem {
                item: s.items[0].clone(),
                initiating: dept_id(s.dept),
                participating: partners(usize::MAX),
                level: "县级".into(),
            }];
            if extra > 0 && s.items.len() > 1 {
                extra -= 1;
                // The second item is a narrower check with the first partner only (“1+1”).
                items.push(JointItem {
                    item: s.items[1].clone(),
                    initiating: dept_id(s.dept),
                    participating: partners(1),
                    level: "县级".into(),
                });
            }
            JointDomain {
                name: s.domain.to_owned(),
                items,
            }
        })
        .collect();
    JointItemList {
        name: JOINT_LIST_NAME.into(),
        version: EDITION.into(),
        domains,
    }
}
