//! Result codes, a target's inspection result, and its publication deadline.

use super::LifecycleError;
use crate::calendar::HolidayCalendar;
use crate::ids::TargetId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// One result code of a check (检查结果), as the national platforms list them.
///
/// JSON holds the snake_case name of a known code. Reading accepts the name *or* the Chinese
/// label (platform exports use the label), and any other text becomes [`Other`](Self::Other),
/// because provinces add their own codes and a result must never be lost for an unknown word.
/// The round trip is lossless for every value [`ResultCode::from`] produces; an `Other` built by
/// hand around a known name or label comes back as the known code.
///
/// Which codes count as a problem found is [`ResultCode::is_problem`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ResultCode {
    /// 未发现问题.
    NoProblemFound,
    /// 发现问题已责令改正.
    ProblemOrderedToCorrect,
    /// 发现问题待后续处理.
    ProblemFollowUpPending,
    /// 未发现开展本次抽查涉及的经营活动.
    ActivityNotCarriedOut,
    /// 通过登记的住所（经营场所）无法联系.
    UnreachableAtRegisteredAddress,
    /// 不配合检查情节严重.
    RefusedInspectionSerious,
    /// 已关闭停业或正在清算.
    ClosedOrLiquidating,
    /// 已注销.
    Deregistered,
    /// 已吊销.
    Revoked,
    /// 已撤销.
    Cancelled,
    /// 已迁出.
    MovedOut,
    /// 未按规定公示应当公示的信息.
    InformationNotPublished,
    /// 公示信息隐瞒真实情况弄虚作假.
    PublishedInformationFalse,
    /// A code this library does not know, kept verbatim.
    Other(String),
}

impl ResultCode {
    /// Every known code (all but [`Other`](Self::Other)).
    pub const KNOWN: [ResultCode; 13] = [
        ResultCode::NoProblemFound,
        ResultCode::ProblemOrderedToCorrect,
        ResultCode::ProblemFollowUpPending,
        ResultCode::ActivityNotCarriedOut,
        ResultCode::UnreachableAtRegisteredAddress,
        ResultCode::RefusedInspectionSerious,
        ResultCode::ClosedOrLiquidating,
        ResultCode::Deregistered,
        ResultCode::Revoked,
        ResultCode::Cancelled,
        ResultCode::MovedOut,
        ResultCode::InformationNotPublished,
        ResultCode::PublishedInformationFalse,
    ];

    /// The snake_case name, or an `Other` code's own text.
    pub fn as_str(&self) -> &str {
        match self {
            ResultCode::NoProblemFound => "no_problem_found",
            ResultCode::ProblemOrderedToCorrect => "problem_ordered_to_correct",
            ResultCode::ProblemFollowUpPending => "problem_follow_up_pending",
            ResultCode::ActivityNotCarriedOut => "activity_not_carried_out",
            ResultCode::UnreachableAtRegisteredAddress => "unreachable_at_registered_address",
            ResultCode::RefusedInspectionSerious => "refused_inspection_serious",
            ResultCode::ClosedOrLiquidating => "closed_or_liquidating",
            ResultCode::Deregistered => "deregistered",
            ResultCode::Revoked => "revoked",
            ResultCode::Cancelled => "cancelled",
            ResultCode::MovedOut => "moved_out",
            ResultCode::InformationNotPublished => "information_not_published",
            ResultCode::PublishedInformationFalse => "published_information_false",
            ResultCode::Other(s) => s,
        }
    }

    /// The Chinese label platforms display; `其他` for an [`Other`](Self::Other) code, whose
    /// own text is [`as_str`](Self::as_str).
    pub fn label(&self) -> &'static str {
        match self {
            ResultCode::NoProblemFound => "未发现问题",
            ResultCode::ProblemOrderedToCorrect => "发现问题已责令改正",
            ResultCode::ProblemFollowUpPending => "发现问题待后续处理",
            ResultCode::ActivityNotCarriedOut => "未发现开展本次抽查涉及的经营活动",
            ResultCode::UnreachableAtRegisteredAddress => "通过登记的住所（经营场所）无法联系",
            ResultCode::RefusedInspectionSerious => "不配合检查情节严重",
            ResultCode::ClosedOrLiquidating => "已关闭停业或正在清算",
            ResultCode::Deregistered => "已注销",
            ResultCode::Revoked => "已吊销",
            ResultCode::Cancelled => "已撤销",
            ResultCode::MovedOut => "已迁出",
            ResultCode::InformationNotPublished => "未按规定公示应当公示的信息",
            ResultCode::PublishedInformationFalse => "公示信息隐瞒真实情况弄虚作假",
            ResultCode::Other(_) => "其他",
        }
    }

    /// Whether the code records a problem found (问题发现), the numerator of the problem
    /// discovery rate, and so a result that needs follow-up disposal.
    ///
    /// Problems: a violation found (ordered to correct, or follow-up pending), a serious refusal
    /// to cooperate, and the two publication violations of 企业信息公示暂行条例. Not problems:
    /// no problem found, and the codes that say the check could not be made on a trading
    /// business (no such activity, unreachable, closed, deregistered, revoked, cancelled, moved
    /// out): they describe the entity's status, not a violation found by the check. An
    /// [`Other`](Self::Other) code is not counted, since nothing is known about it.
    pub fn is_problem(&self) -> bool {
        matches!(
            self,
            ResultCode::ProblemOrderedToCorrect
                | ResultCode::ProblemFollowUpPending
                | ResultCode::RefusedInspectionSerious
                | ResultCode::InformationNotPublished
                | ResultCode::PublishedInformationFalse
        )
    }
}

impl From<String> for ResultCode {
    fn from(s: String) -> Self {
        ResultCode::KNOWN
            .into_iter()
            .find(|c| c.as_str() == s || c.label() == s)
            .unwrap_or(ResultCode::Other(s))
    }
}

impl From<&str> for ResultCode {
    fn from(s: &str) -> Self {
        ResultCode::from(s.to_owned())
    }
}

impl From<ResultCode> for String {
    fn from(c: ResultCode) -> String {
        match c {
            ResultCode::Other(s) => s,
            known => known.as_str().to_owned(),
        }
    }
}

impl fmt::Display for ResultCode {
    /// `label (name)` for a known code, so messages read for both audiences; the text itself for
    /// an `Other` code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultCode::Other(s) => write!(f, "{s:?}"),
            known => write!(f, "{} ({})", known.label(), known.as_str()),
        }
    }
}

/// The result of checking one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionResult {
    /// The target checked.
    pub target: TargetId,
    /// The result codes: a set, since one visit may find several things.
    pub codes: BTreeSet<ResultCode>,
    /// The day of the inspection; the publication deadline counts from it.
    pub inspected_on: NaiveDate,
    /// The day the result was entered on the platform.
    pub entered_on: NaiveDate,
    /// Entered on the mobile app (掌上执法), for the mobile enforcement rate.
    pub mobile: bool,
    /// The day the result was published (公示), once it is.
    #[serde(default)]
    pub published_on: Option<NaiveDate>,
}

impl InspectionResult {
    /// A validated, not yet published result.
    ///
    /// # Errors
    ///
    /// As [`InspectionResult::validate`].
    pub fn new(
        target: TargetId,
        codes: impl IntoIterator<Item = ResultCode>,
        inspected_on: NaiveDate,
        entered_on: NaiveDate,
        mobile: bool,
    ) -> Result<InspectionResult, LifecycleError> {
        let r = InspectionResult {
            target,
            codes: codes.into_iter().collect(),
            inspected_on,
            entered_on,
            mobile,
            published_on: None,
        };
        r.validate()?;
        Ok(r)
    }

    /// Whether any code is a problem found ([`ResultCode::is_problem`]).
    pub fn has_problem(&self) -> bool {
        self.codes.iter().any(ResultCode::is_problem)
    }

    /// Checks the codes and the dates.
    ///
    /// # Errors
    ///
    /// [`LifecycleError::NoResultCodes`] for an empty set, [`LifecycleError::EmptyResultCode`]
    /// for an `Other` code without text, [`LifecycleError::ConflictingCodes`] for 未发现问题
    /// next to a problem code, [`LifecycleError::EnteredBeforeInspected`],
    /// [`LifecycleError::PublishedBeforeInspected`] and
    /// [`LifecycleError::PublishedBeforeEntered`] for impossible dates.
    pub fn validate(&self) -> Result<(), LifecycleError> {
        let target = || self.target.clone();
        if self.codes.is_empty() {
            return Err(LifecycleError::NoResultCodes { target: target() });
        }
        if self.codes.contains(&ResultCode::Other(String::new())) {
            return Err(LifecycleError::EmptyResultCode { target: target() });
        }
        if self.codes.contains(&ResultCode::NoProblemFound) {
            if let Some(problem) = self.codes.iter().find(|c| c.is_problem()) {
                return Err(LifecycleError::ConflictingCodes {
                    target: target(),
                    first: ResultCode::NoProblemFound,
                    second: problem.clone(),
                });
            }
        }
        if self.entered_on < self.inspected_on {
            return Err(LifecycleError::EnteredBeforeInspected {
                target: target(),
                inspected_on: self.inspected_on,
                entered_on: self.entered_on,
            });
        }
        if let Some(published_on) = self.published_on {
            if published_on < self.inspected_on {
                return Err(LifecycleError::PublishedBeforeInspected {
                    target: target(),
                    inspected_on: self.inspected_on,
                    published_on,
                });
            }
            // A result cannot be made public before it exists on the platform.
            if published_on < self.entered_on {
                return Err(LifecycleError::PublishedBeforeEntered {
                    target: target(),
                    entered_on: self.entered_on,
                    published_on,
                });
            }
        }
        Ok(())
    }
}

/// The last day on which `result` may be published: 20 working days after the inspection.
///
/// The period counts from `inspected_on`, the day the check was completed and the information
/// came into being (企业信息公示暂行条例: “自产生之日起20个工作日内”), not from the day of
/// entry: entering late does not buy time.
///
/// # Errors
///
/// [`LifecycleError::Calendar`] when the calendar does not hold the years needed.
pub fn publication_deadline(
    result: &InspectionResult,
    calendar: &HolidayCalendar,
) -> Result<NaiveDate, LifecycleError> {
    Ok(calendar.publication_deadline(result.inspected_on)?)
}

/// Whether `result` was published on time: `None` while it is unpublished.
///
/// # Errors
///
/// [`InspectionResult::validate`]'s errors (so that a publication before the inspection names
/// the target), then [`LifecycleError::Calendar`].
pub fn published_on_time(
    result: &InspectionResult,
    calendar: &HolidayCalendar,
) -> Result<Option<bool>, LifecycleError> {
    result.validate()?;
    match result.published_on {
        None => Ok(None),
        Some(published) => Ok(Some(
            calendar.published_on_time(result.inspected_on, published)?,
        )),
    }
}

/// Whether `result` is still unpublished after its deadline, as seen on `today`: the result a
/// platform must chase, since “未公示即未检查”.
///
/// # Errors
///
/// As [`published_on_time`].
pub fn publication_overdue(
    result: &InspectionResult,
    today: NaiveDate,
    calendar: &HolidayCalendar,
) -> Result<bool, LifecycleError> {
    result.validate()?;
    if result.published_on.is_some() {
        return Ok(false);
    }
    Ok(today > publication_deadline(result, calendar)?)
}
