//! Exact rates, displayed as the reports print them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A rate `numerator / denominator`, kept exact.
///
/// A zero denominator means *not applicable* (不适用): a department that inspected nothing has
/// no discovery rate, not a discovery rate of 0%. The display rounds half up to one decimal in
/// percent on the exact fraction (87/151 → `57.6%`), since that is what the reports print;
/// float rounding would turn a true half into the wrong digit.
///
/// ```
/// use shuangsuiji::kpi::Rate;
/// assert_eq!(Rate::new(87, 151).to_string(), "57.6%");
/// assert_eq!(Rate::new(1, 8).to_string(), "12.5%");
/// assert_eq!(Rate::new(1, 16).to_string(), "6.3%"); // 6.25 rounds up
/// assert_eq!(Rate::new(0, 0).to_string(), "n/a");
/// assert_eq!(Rate::new(0, 0).display_zh(), "不适用");
/// assert_eq!(Rate::new(0, 0).value(), None);
/// ```
///
/// JSON carries, next to the exact counts, the `value` (`null` when not applicable) and the
/// `display` string, for readers that do not want to divide; reading ignores both.
///
/// ```
/// use shuangsuiji::kpi::Rate;
/// let json = serde_json::to_string(&Rate::new(225, 1336)).unwrap();
/// assert!(json.starts_with(r#"{"numerator":225,"denominator":1336,"value":0.168"#));
/// assert!(json.ends_with(r#""display":"16.8%"}"#));
/// assert_eq!(serde_json::from_str::<Rate>(&json).unwrap(), Rate::new(225, 1336));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(into = "RateJson", from = "RateJson")]
pub struct Rate {
    /// The count that meets the condition.
    pub numerator: u64,
    /// The count it is a share of; 0 means not applicable.
    pub denominator: u64,
}

impl Rate {
    /// A rate.
    pub const fn new(numerator: u64, denominator: u64) -> Rate {
        Rate {
            numerator,
            denominator,
        }
    }

    /// The value in \[0, 1\] (or above 1 if the numerator exceeds the denominator, which the
    /// KPIs never produce); `None` when not applicable.
    pub fn value(&self) -> Option<f64> {
        (self.denominator != 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    /// Whether the denominator is zero.
    pub fn is_not_applicable(&self) -> bool {
        self.denominator == 0
    }

    /// The rate in tenths of a percent, rounded half up on the exact fraction: 576 for 87/151.
    pub fn per_mille_rounded(&self) -> Option<u64> {
        if self.denominator == 0 {
            return None;
        }
        let (n, d) = (u128::from(self.numerator), u128::from(self.denominator));
        // round(1000 n / d) half up = floor((2000 n + d) / 2d)
        Some(((2000 * n + d) / (2 * d)) as u64)
    }

    /// The sum of two rates' counts.
    pub fn plus(self, other: Rate) -> Rate {
        Rate::new(
            self.numerator.saturating_add(other.numerator),
            self.denominator.saturating_add(other.denominator),
        )
    }

    /// As [`Display`](fmt::Display), with `不适用` for not applicable.
    pub fn display_zh(&self) -> String {
        if self.denominator == 0 {
            "不适用".to_owned()
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.per_mille_rounded() {
            None => f.pad("n/a"),
            Some(p) => f.pad(&format!("{}.{}%", p / 10, p % 10)),
        }
    }
}

/// The JSON form of a [`Rate`].
#[derive(Serialize, Deserialize)]
struct RateJson {
    numerator: u64,
    denominator: u64,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    display: String,
}

impl From<Rate> for RateJson {
    fn from(r: Rate) -> RateJson {
        RateJson {
            numerator: r.numerator,
            denominator: r.denominator,
            value: r.value(),
            display: r.to_string(),
        }
    }
}

impl From<RateJson> for Rate {
    fn from(r: RateJson) -> Rate {
        Rate::new(r.numerator, r.denominator)
    }
}
