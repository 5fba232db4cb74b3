//! The demo target pool: 10,464 entities (5,347 market, 5,117 non-market) with credit codes,
//! grades, statuses, tags and some inspection history.

use super::catalog::Subject;
use super::dice::{Dice, TARGET_STREAM};
use super::tables::{DEPARTMENTS, ENTITY_KINDS, SURNAMES, TOWNS, TRADE_NAMES};
use super::{COUNTY_DIVISION, dept_id, valid};
use crate::credit::{ALPHABET, CreditCode};
use crate::ids::{InspectorId, TargetId};
use crate::inspector::InspectorPool;
use crate::risk::RiskGrade;
use crate::target::{Inspection, Target, TargetKind, TargetPool, TargetStatus};
use chrono::{Days, NaiveDate};

/// Past inspections fall between this day and [`HISTORY_DAYS`] later (2026-04-30), just
/// before the demo plans are drawn.
const HISTORY_START: NaiveDate = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
const HISTORY_DAYS: usize = 485;

/// Grade mix per mille, `[A, B, C, D, ungraded]`: market entities follow the spread of real
/// credit-risk classifications; non-market entities are mostly not graded at all.
const MARKET_GRADES: [u32; 5] = [300, 500, 150, 30, 20];
const NON_MARKET_GRADES: [u32; 5] = [60, 40, 0, 0, 900];
/// Status per mille: `[active, deregistered, revoked, moved out]`.
const STATUSES: [u32; 4] = [980, 10, 6, 4];

fn base31(mut n: usize, width: usize) -> String {
    let alphabet = ALPHABET.as_bytes();
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = alphabet[n % 31];
        n /= 31;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A valid code: prefix, the county's division code and an organisation code that embeds the
/// entity's sequence number, so that no two entities share a code.
fn credit_code(dice: &mut Dice, prefix: &str, market: bool, seq: usize) -> CreditCode {
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    let head = if market {
        "MA4".to_owned()
    } else {
        format!("00{}", dice.below(10))
    };
    let first17 = format!(
        "{prefix}{COUNTY_DIVISION}{head}{}{}{}",
        dice.pick(&alphabet),
        dice.pick(&alphabet),
        base31(seq, 4)
    );
    valid(CreditCode::from_first17(&first17))
}

fn grade(dice: &mut Dice, market: bool) -> Option<RiskGrade> {
    let weights = if market {
        &MARKET_GRADES
    } else {
        &NON_MARKET_GRADES
    };
    RiskGrade::ALL.get(dice.weighted(weights)).copied()
}

/// A risk score in line with the grade, for the risk-weighted draws.
fn risk_score(dice: &mut Dice, grade: Option<RiskGrade>) -> u32 {
    let (lo, hi) = match grade {
        Some(RiskGrade::A) => (1, 30),
        Some(RiskGrade::B) => (15, 60),
        Some(RiskGrade::C) => (45, 85),
        Some(RiskGrade::D) => (75, 100),
        None => (30, 70),
    };
    dice.between(lo, hi)
}

/// Fills a name pattern (see [`ENTITY_KINDS`]) for an entity in a town.
fn fill_name(dice: &mut Dice, pattern: &str, town: &str) -> String {
    let short = town
        .trim_end_matches("街道")
        .trim_end_matches('镇')
        .trim_end_matches('乡');
    pattern
        .replace("{z}", dice.word(&TRADE_NAMES))
        .replace("{t}", short)
        .replace("{s}", dice.word(&SURNAMES))
}

/// Builds the target pool. About 15% of the entities have been inspected in 2025 or early
/// 2026, by a department whose items concern one of their tags, by two of its officers.
pub(crate) fn targets(subjects: &[Subject], inspectors: &InspectorPool) -> TargetPool {
    let mut dice = Dice::new(TARGET_STREAM);
    let weights: Vec<u32> = TOWNS.iter().map(|t| t.2).collect();
    // Officers (not experts) of each department, who made the past inspections.
    let officers: Vec<Vec<&InspectorId>> = (0..DEPARTMENTS.len())
        .map(|d| {
            let dept = dept_id(d);
            inspectors
                .entries()
                .iter()
                .filter(|p| !p.expert && p.department == dept)
                .map(|p| &p.id)
                .collect()
        })
        .collect();
    let fallback_market = subjects.iter().position(|s| s.domain == "登记事项");
    let fallback_other = subjects.iter().position(|s| s.domain == "劳动用工");
    let mut out = Vec::new();
    let mut seq = 0;
    for &(letter, industry, tags, count, pattern, prefix) in ENTITY_KINDS {
        let kind = match letter {
            'e' => TargetKind::Enterprise,
            'i' => TargetKind::IndividualBusiness,
            'c' => TargetKind::FarmersCooperative,
            _ => TargetKind::NonMarket,
        };
        let market = kind != TargetKind::NonMarket;
        for _ in 0..count {
            seq += 1;
            let (region, town, _) = TOWNS[dice.weighted(&weights)];
            let mut t = Target::new(valid(TargetId::new(format!("DY{seq:05}"))));
            t.name = fill_name(&mut dice, pattern, town);
            if !prefix.is_empty() {
                t.credit_code = Some(credit_code(&mut dice, prefix, market, seq));
            }
            t.kind = kind;
            t.region = region.into();
            t.industry = industry.into();
            t.grid = format!("{town}第{}网格", dice.between(1, 12));
            t.tags = tags
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            t.grade = grade(&mut dice, market);
            if matches!(
                kind,
                TargetKind::Enterprise | TargetKind::FarmersCooperative
            ) {
                t.risk_score = Some(risk_score(&mut dice, t.grade));
            }
            t.status = TargetStatus::ALL[dice.weighted(&STATUSES)];
            // The positive list (正面清单) holds low-risk businesses only.
            t.positive_list = market && t.grade == Some(RiskGrade::A) && dice.chance(65);
            if dice.chance(150) {
                let related: Vec<usize> = subjects
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.tag.is_some_and(|tag| t.tags.contains(tag)))
                    .map(|(i, _)| i)
                    .collect();
                let visits = if dice.chance(200) { 2 } else { 1 };
                for _ in 0..visits {
                    let subject = if related.is_empty() {
                        if market {
                            fallback_market
                        } else {
                            fallback_other
                        }
                    } else {
                        Some(*dice.pick(&related))
                    };
                    let Some(s) = subject.map(|i| &subjects[i]) else {
                        continue;
                    };
                    let staff = &officers[s.dept];
                    let mut inspectors = Vec::new();
                    if staff.len() >= 2 {
                        let a = dice.below(staff.len());
                        let b = (a + 1 + dice.below(staff.len() - 1)) % staff.len();
                        inspectors = vec![staff[a].clone(), staff[b].clone()];
                    }
                    t.history.push(Inspection {
                        date: HISTORY_START
                            .checked_add_days(Days::new(dice.below(HISTORY_DAYS) as u64))
                            .unwrap_or(HISTORY_START),
                        department: dept_id(s.dept),
                        item: Some(dice.pick(&s.items).clone()),
                        inspectors,
                    });
                }
            }
            out.push(t);
        }
    }
    valid(TargetPool::from_entries(out))
}
