//! The inspector pool (执法检查人员名录库) and the expert pool (专家库).

use crate::ids::{DeptId, InspectorId, ItemId};
use crate::pool::{EncoderHandle, EntryError, Frozen, Pool, PoolEntry};
use crate::target::{check_tag, check_year};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A certified law-enforcement officer, or an expert (`expert: true`) who may join a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspector {
    /// Unique id within the pool.
    pub id: InspectorId,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// The department the inspector belongs to.
    pub department: DeptId,
    /// The unit (科室/所) within the department, for same-unit recusal.
    #[serde(default)]
    pub unit: String,
    /// Enforcement certificate number (执法证号); experts may have none.
    #[serde(default)]
    pub certificate: String,
    /// Last day the certificate is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_expiry: Option<NaiveDate>,
    /// Administrative division the inspector works in.
    #[serde(default)]
    pub region: String,
    /// Items the inspector may check; empty means every item of the department.
    #[serde(default)]
    pub items: BTreeSet<ItemId>,
    /// Specialties (标签).
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// A member of an expert pool rather than an enforcement officer.
    #[serde(default)]
    pub expert: bool,
    /// Currently available for assignment.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl Inspector {
    /// An active, certified inspector of a department, with no expiry and no restrictions.
    pub fn new(id: InspectorId, department: DeptId, certificate: impl Into<String>) -> Inspector {
        Inspector {
            id,
            name: String::new(),
            department,
            unit: String::new(),
            certificate: certificate.into(),
            certificate_expiry: None,
            region: String::new(),
            items: BTreeSet::new(),
            tags: BTreeSet::new(),
            expert: false,
            active: true,
        }
    }

    /// Whether the certificate is valid on a day (an expert needs none).
    pub fn certified_on(&self, day: NaiveDate) -> bool {
        if self.expert {
            return true;
        }
        !self.certificate.is_empty() && self.certificate_expiry.is_none_or(|exp| day <= exp)
    }

    /// Whether the inspector may check an item of their department.
    pub fn may_check(&self, item: &ItemId) -> bool {
        self.items.is_empty() || self.items.contains(item)
    }
}

impl PoolEntry for Inspector {
    type Id = InspectorId;
    type Frozen = Frozen<Inspector>;
    const DIGEST_LABEL: &'static str = "shuangsuiji/inspector-pool/v1";
    const KIND: &'static str = "inspector";

    fn id(&self) -> &InspectorId {
        &self.id
    }

    fn validate(&self) -> Result<(), EntryError> {
        for tag in &self.tags {
            check_tag("tags", tag)?;
        }
        if let Some(d) = self.certificate_expiry {
            check_year("certificate_expiry", d)?;
        }
        if !self.expert && self.certificate.trim().is_empty() {
            return Err(EntryError {
                field: "certificate",
                problem: "an enforcement officer needs a certificate number (执法证号)".into(),
            });
        }
        Ok(())
    }

    fn normalize(&mut self) {}

    fn relocate_id(&mut self) {
        self.id = self.id.relocated();
    }

    fn id_address(&self) -> *const u8 {
        self.id.address()
    }

    fn freeze_unique(entries: Vec<Inspector>) -> Frozen<Inspector> {
        Frozen::from_sorted_unique(entries)
    }

    fn encode(&self, h: &mut EncoderHandle<'_>) {
        let e = &mut *h.0;
        e.str(self.id.as_str());
        e.str(&self.name);
        e.str(self.department.as_str());
        e.str(&self.unit);
        e.str(&self.certificate);
        match self.certificate_expiry {
            Some(d) => e.date(d),
            None => e.str(""),
        }
        e.str(&self.region);
        e.count(self.items.len());
        for i in &self.items {
            e.str(i.as_str());
        }
        e.count(self.tags.len());
        for t in &self.tags {
            e.str(t);
        }
        e.str(if self.expert { "1" } else { "0" });
        e.str(if self.active { "1" } else { "0" });
    }
}

/// The inspector pool while it is adjusted.
pub type InspectorPool = Pool<Inspector>;
/// A frozen inspector pool.
pub type FrozenInspectorPool = Frozen<Inspector>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pool::PoolError;

    fn officer(id: &str) -> Inspector {
        Inspector::new(
            InspectorId::new(id).unwrap(),
            DeptId::new("市场监管局").unwrap(),
            "42028100123",
        )
    }

    #[test]
    fn certificates_expire_and_experts_need_none() {
        let mut p = officer("P1");
        p.certificate_expiry = Some("2026-06-30".parse().unwrap());
        assert!(p.certified_on("2026-06-30".parse().unwrap()));
        assert!(!p.certified_on("2026-07-01".parse().unwrap()));
        p.certificate.clear();
        assert!(!p.certified_on("2026-01-01".parse().unwrap()));
        p.expert = true;
        assert!(p.certified_on("2030-01-01".parse().unwrap()));
    }

    #[test]
    fn item_scope_defaults_to_every_item() {
        let mut p = officer("P1");
        let food = ItemId::new("I-FOOD").unwrap();
        assert!(p.may_check(&food));
        p.items.insert(ItemId::new("I-DRUG").unwrap());
        assert!(!p.may_check(&food));
    }

    #[test]
    fn the_pool_refuses_officers_without_certificate_and_duplicates() {
        let mut bad = officer("P2");
        bad.certificate = " ".into();
        let err = InspectorPool::from_entries([officer("P1"), bad]).unwrap_err();
        assert!(matches!(err, PoolError::BadEntry { row: 2, .. }), "{err}");
        assert!(err.to_string().contains("certificate"), "{err}");
        let err =
            InspectorPool::from_entries([officer("P1"), officer("P3"), officer("P1")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "duplicate inspector id \"P1\": rows 1 and 3"
        );
    }

    #[test]
    fn frozen_inspector_pools_are_canonical_and_round_trip() {
        let a = InspectorPool::from_entries([officer("P2"), officer("P1")])
            .unwrap()
            .freeze();
        let b = InspectorPool::from_entries([officer("P1"), officer("P2")])
            .unwrap()
            .freeze();
        assert_eq!(a.digest(), b.digest());
        assert_eq!(a.entries()[0].id.as_str(), "P1");
        let json = serde_json::to_string(&a).unwrap();
        let back: FrozenInspectorPool = serde_json::from_str(&json).unwrap();
        assert_eq!(back.digest(), a.digest());
        let mut changed = officer("P1");
        changed.active = false;
        let c = InspectorPool::from_entries([officer("P2"), changed])
            .unwrap()
            .freeze();
        assert_ne!(c.digest(), a.digest());
    }
}
