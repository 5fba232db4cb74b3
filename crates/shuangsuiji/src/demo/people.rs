//! The demo inspector pool: 1,018 enforcement officers over the 27 departments and 20 experts
//! in 4 expert pools, as in Daye.

use super::catalog::Subject;
use super::dice::{Dice, INSPECTOR_STREAM};
use super::tables::{DEPARTMENTS, EXPERT_POOLS, GENERIC_UNITS, GIVEN, SURNAMES};
use super::{COUNTY_DIVISION, dept_id, valid};
use crate::ids::{InspectorId, ItemId};
use crate::inspector::{Inspector, InspectorPool};
use chrono::{Days, NaiveDate};
use std::collections::BTreeSet;

/// Certificates expire between this day and about four years later, so that a few have
/// already lapsed when the 2026 plans are drawn.
const FIRST_EXPIRY: NaiveDate = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
const EXPIRY_SPAN_DAYS: usize = 1550;

/// A person's name: a surname and one or two given-name characters.
pub(crate) fn person_name(dice: &mut Dice) -> String {
    let mut name = dice.word(&SURNAMES).to_string();
    name.push_str(dice.word(&GIVEN));
    if dice.chance(600) {
        name.push_str(dice.word(&GIVEN));
    }
    name
}

/// Builds the inspector pool; officers come first, department by department, then experts.
pub(crate) fn inspectors(subjects: &[Subject]) -> InspectorPool {
    let mut dice = Dice::new(INSPECTOR_STREAM);
    let mut out = Vec::new();
    let mut seq = 0;
    for (d, &(_, _, officers, units)) in DEPARTMENTS.iter().enumerate() {
        let units: &[&str] = if units.is_empty() {
            &GENERIC_UNITS
        } else {
            units
        };
        let items: Vec<&ItemId> = subjects
            .iter()
            .filter(|s| s.dept == d)
            .flat_map(|s| &s.items)
            .collect();
        let tags: Vec<&str> = subjects
            .iter()
            .filter(|s| s.dept == d)
            .filter_map(|s| s.tag)
            .collect();
        for k in 0..officers {
            seq += 1;
            let mut p = Inspector::new(
                valid(InspectorId::new(format!("ZF{seq:04}"))),
                dept_id(d),
                format!("鄂{COUNTY_DIVISION}{:02}{:04}", d + 1, k + 1),
            );
            p.name = person_name(&mut dice);
            p.unit = dice.pick(units).to_string();
            p.region = COUNTY_DIVISION.into();
            p.certificate_expiry =
                FIRST_EXPIRY.checked_add_days(Days::new(dice.below(EXPIRY_SPAN_DAYS) as u64));
            // Most officers may check every item of their department; some are restricted
            // to a few (the platforms' 可检查事项).
            if dice.chance(300) && !items.is_empty() {
                let n = dice.between(2, 5);
                for _ in 0..n {
                    p.items.insert((*dice.pick(&items)).clone());
                }
            }
            if !tags.is_empty() {
                p.tags.insert(dice.pick(&tags).to_string());
                if dice.chance(400) {
                    p.tags.insert(dice.pick(&tags).to_string());
                }
            }
            p.active = !dice.chance(30);
            out.push(p);
        }
    }
    let mut n = 0;
    for &(pool, code, count) in &EXPERT_POOLS {
        let d = DEPARTMENTS.iter().position(|x| x.0 == code).unwrap_or(0);
        for _ in 0..count {
            n += 1;
            let mut p =
                Inspector::new(valid(InspectorId::new(format!("ZJ{n:02}"))), dept_id(d), "");
            p.name = person_name(&mut dice);
            p.unit = pool.into();
            p.region = COUNTY_DIVISION.into();
            p.tags = BTreeSet::from([pool.to_owned()]);
            p.expert = true;
            out.push(p);
        }
    }
    valid(InspectorPool::from_entries(out))
}
