//! Scope selectors: which part of the target pool a plan covers.

use crate::risk::Stratum;
use crate::target::{Target, TargetKind, TargetStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A plan's population: every condition given must hold; an empty condition holds for all.
///
/// Regions and industries match by prefix, because both are hierarchical codes: `"4202"`
/// selects every county of Huangshi, `"420281"` only Daye.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// The target must carry every one of these tags.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags_all: BTreeSet<String>,
    /// The target must carry at least one of these tags (if any are given).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tags_any: BTreeSet<String>,
    /// Allowed kinds.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub kinds: BTreeSet<TargetKind>,
    /// Allowed region prefixes.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub regions: BTreeSet<String>,
    /// Allowed industry prefixes.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub industries: BTreeSet<String>,
    /// Allowed statuses (inactive ones are then still excluded unless the policy keeps them).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub statuses: BTreeSet<TargetStatus>,
    /// Allowed strata (grades, or `ungraded`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub grades: BTreeSet<Stratum>,
}

impl Scope {
    /// The whole pool.
    pub fn all() -> Scope {
        Scope::default()
    }

    /// Whether the scope selects every target (lets a draw skip reading the targets).
    pub fn is_all(&self) -> bool {
        *self == Scope::default()
    }

    /// Whether a target is in scope.
    pub fn matches(&self, t: &Target) -> bool {
        self.tags_all.iter().all(|tag| t.tags.contains(tag))
            && (self.tags_any.is_empty() || self.tags_any.iter().any(|tag| t.tags.contains(tag)))
            && (self.kinds.is_empty() || self.kinds.contains(&t.kind))
            && (self.regions.is_empty()
                || self
                    .regions
                    .iter()
                    .any(|r| t.region.starts_with(r.as_str())))
            && (self.industries.is_empty()
                || self
                    .industries
                    .iter()
                    .any(|i| t.industry.starts_with(i.as_str())))
            && (self.statuses.is_empty() || self.statuses.contains(&t.status))
            && (self.grades.is_empty() || self.grades.contains(&t.stratum()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TargetId;
    use crate::risk::RiskGrade;

    fn shop() -> Target {
        let mut t = Target::new(TargetId::new("S1").unwrap());
        t.region = "420281101".into();
        t.industry = "F5211".into();
        t.tags = ["食品经营".to_string(), "餐饮服务".to_string()].into();
        t.grade = Some(RiskGrade::C);
        t
    }

    #[test]
    fn every_condition_must_hold() {
        let t = shop();
        assert!(Scope::all().matches(&t));
        assert!(Scope::all().is_all());
        let mut s = Scope::all();
        s.regions.insert("4202".into());
        s.industries.insert("F52".into());
        s.tags_all.insert("食品经营".into());
        s.tags_any = ["药品零售".to_string(), "餐饮服务".to_string()].into();
        s.grades.insert(Stratum::C);
        s.kinds.insert(TargetKind::Enterprise);
        s.statuses.insert(TargetStatus::Active);
        assert!(s.matches(&t) && !s.is_all());
        let fails = |f: &dyn Fn(&mut Scope)| {
            let mut s2 = s.clone();
            f(&mut s2);
            !s2.matches(&t)
        };
        assert!(fails(&|s| s.regions = ["420282".to_string()].into()));
        assert!(fails(&|s| s.industries = ["F53".to_string()].into()));
        assert!(fails(&|s| {
            s.tags_all.insert("特种设备".into());
        }));
        assert!(fails(&|s| s.tags_any = ["药品零售".to_string()].into()));
        assert!(fails(&|s| s.grades = [Stratum::Ungraded].into()));
        assert!(fails(&|s| s.kinds = [TargetKind::NonMarket].into()));
        assert!(fails(&|s| s.statuses = [TargetStatus::Revoked].into()));
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(serde_json::from_str::<Scope>(r#"{"region": ["42"]}"#).is_err());
        let s: Scope =
            serde_json::from_str(r#"{"regions": ["42"], "grades": ["ungraded", "D"]}"#).unwrap();
        assert_eq!(s.grades.len(), 2);
    }
}
