use super::*;
use crate::calendar::HolidayCalendar;
use std::collections::BTreeSet;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn tid(s: &str) -> TargetId {
    TargetId::new(s).unwrap()
}

fn task_in(state: TaskState) -> Task {
    let mut task = Task::new(TaskId::new("T-1").unwrap(), d(2025, 3, 1));
    // Walk the forward path; every step on the same day is allowed.
    for s in TaskState::ALL
        .into_iter()
        .skip(1)
        .take_while(|s| *s <= state)
    {
        task.transition(s, d(2025, 3, 2)).unwrap();
    }
    assert_eq!(task.state(), state);
    task
}

fn check_in(state: TargetCheckState) -> TargetCheck {
    let mut c = TargetCheck::new(TaskId::new("T-1").unwrap(), tid("E-1"), d(2025, 3, 1));
    for s in TargetCheckState::ALL
        .into_iter()
        .skip(1)
        .take_while(|s| *s <= state)
    {
        c.transition(s, d(2025, 3, 2)).unwrap();
    }
    assert_eq!(c.state(), state);
    c
}

/// The legal task steps, written out independently of `can_go_to`.
const TASK_LEGAL: [(&str, &str); 7] = [
    ("created", "targets_drawn"),
    ("targets_drawn", "inspectors_matched"),
    ("inspectors_matched", "in_progress"),
    ("in_progress", "results_entered"),
    ("results_entered", "reviewed"),
    ("reviewed", "published"),
    ("reviewed", "results_entered"),
];

const TARGET_LEGAL: [(&str, &str); 5] = [
    ("drawn", "inspected"),
    ("inspected", "result_entered"),
    ("result_entered", "reviewed"),
    ("reviewed", "published"),
    ("reviewed", "result_entered"),
];

#[test]
fn every_task_transition() {
    let mut legal_seen = 0;
    for from in TaskState::ALL {
        for to in TaskState::ALL {
            let legal = TASK_LEGAL.contains(&(from.name(), to.name()));
            assert_eq!(from.can_go_to(to), legal, "{from} -> {to}");
            let mut task = task_in(from);
            let before = task.clone();
            let r = task.transition(to, d(2025, 3, 3));
            if legal {
                legal_seen += 1;
                r.unwrap();
                assert_eq!(task.state(), to);
                assert_eq!(
                    task.history().last(),
                    Some(&Transition {
                        from,
                        to,
                        on: d(2025, 3, 3)
                    })
                );
            } else {
                let err = r.unwrap_err();
                assert_eq!(
                    err,
                    LifecycleError::IllegalTaskTransition {
                        task: TaskId::new("T-1").unwrap(),
                        from,
                        to
                    }
                );
                assert_eq!(
                    err.to_string(),
                    format!("task T-1: cannot go from {} to {}", from.name(), to.name())
                );
                assert_eq!(task, before, "a refused step changes nothing");
            }
        }
    }
    assert_eq!(legal_seen, TASK_LEGAL.len());
}

#[test]
fn every_target_transition() {
    let mut legal_seen = 0;
    for from in TargetCheckState::ALL {
        for to in TargetCheckState::ALL {
            let legal = TARGET_LEGAL.contains(&(from.name(), to.name()));
            assert_eq!(from.can_go_to(to), legal, "{from} -> {to}");
            let mut c = check_in(from);
            let before = c.clone();
            let r = c.transition(to, d(2025, 3, 3));
            if legal {
                legal_seen += 1;
                r.unwrap();
                assert_eq!(c.state(), to);
            } else {
                assert_eq!(
                    r.unwrap_err().to_string(),
                    format!(
                        "task T-1, target E-1: cannot go from {} to {}",
                        from.name(),
                        to.name()
                    )
                );
                assert_eq!(c, before);
            }
        }
    }
    assert_eq!(legal_seen, TARGET_LEGAL.len());
}

#[test]
fn sent_back_and_reviewed_again() {
    let mut task = task_in(TaskState::Reviewed);
    task.transition(TaskState::ResultsEntered, d(2025, 3, 4))
        .unwrap();
    task.transition(TaskState::Reviewed, d(2025, 3, 5)).unwrap();
    task.transition(TaskState::Published, d(2025, 3, 6))
        .unwrap();
    let steps: Vec<_> = task.history().iter().map(|t| (t.to.name(), t.on)).collect();
    assert_eq!(steps.len(), 8);
    assert_eq!(
        &steps[5..],
        [
            ("results_entered", d(2025, 3, 4)),
            ("reviewed", d(2025, 3, 5)),
            ("published", d(2025, 3, 6))
        ]
    );
    // The last entry into a state wins.
    assert_eq!(task.entered_on(TaskState::Reviewed), Some(d(2025, 3, 5)));
    assert_eq!(task.entered_on(TaskState::Created), Some(d(2025, 3, 1)));
}

#[test]
fn dates_must_not_go_backwards() {
    let mut task = Task::new(TaskId::new("T-1").unwrap(), d(2025, 3, 10));
    let err = task
        .transition(TaskState::TargetsDrawn, d(2025, 3, 9))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task T-1: step to targets_drawn on 2025-03-09 is before the previous step on 2025-03-10"
    );
    assert_eq!(task.state(), TaskState::Created);
    assert!(task.history().is_empty());

    let mut c = check_in(TargetCheckState::Inspected); // inspected on 2025-03-02
    let err = c
        .transition(TargetCheckState::ResultEntered, d(2025, 3, 1))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task T-1, target E-1: step to result_entered on 2025-03-01 is before the previous step on 2025-03-02"
    );
}

#[test]
fn task_json_round_trip_and_replay() {
    let mut task = task_in(TaskState::Reviewed);
    task.transition(TaskState::ResultsEntered, d(2025, 3, 4))
        .unwrap();
    let json = serde_json::to_string(&task).unwrap();
    assert!(json.contains(r#""state":"results_entered""#), "{json}");
    assert_eq!(serde_json::from_str::<Task>(&json).unwrap(), task);

    // A stored state that its history does not reach is refused.
    let forged = json.replace(r#""state":"results_entered""#, r#""state":"published""#);
    let err = serde_json::from_str::<Task>(&forged).unwrap_err();
    assert!(
        err.to_string().contains(
            "task T-1: stored history records published where replaying it gives results_entered"
        ),
        "{err}"
    );
    // So is a history with an illegal step.
    let skip = r#"{"id":"T-1","created_on":"2025-03-01","state":"published",
        "history":[{"from":"created","to":"published","on":"2025-03-02"}]}"#;
    let err = serde_json::from_str::<Task>(skip).unwrap_err();
    assert!(
        err.to_string()
            .contains("task T-1: cannot go from created to published"),
        "{err}"
    );

    let c = check_in(TargetCheckState::Published);
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<TargetCheck>(&json).unwrap(), c);
}

#[test]
fn result_code_serde() {
    // Known codes: snake_case name out; name or Chinese label in.
    for code in ResultCode::KNOWN {
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
        assert_eq!(serde_json::from_str::<ResultCode>(&json).unwrap(), code);
        let label = format!("\"{}\"", code.label());
        assert_eq!(serde_json::from_str::<ResultCode>(&label).unwrap(), code);
    }
    assert_eq!(
        serde_json::to_string(&ResultCode::ProblemOrderedToCorrect).unwrap(),
        "\"problem_ordered_to_correct\""
    );
    assert_eq!(
        serde_json::from_str::<ResultCode>("\"未发现问题\"").unwrap(),
        ResultCode::NoProblemFound
    );
    assert_eq!(
        serde_json::from_str::<ResultCode>("\"通过登记的住所（经营场所）无法联系\"").unwrap(),
        ResultCode::UnreachableAtRegisteredAddress
    );
    assert_eq!(
        ResultCode::RefusedInspectionSerious.label(),
        "不配合检查情节严重"
    );

    // Anything else is kept verbatim.
    let other = serde_json::from_str::<ResultCode>("\"责令限期整改（地方）\"").unwrap();
    assert_eq!(other, ResultCode::Other("责令限期整改（地方）".into()));
    assert_eq!(other.label(), "其他");
    assert_eq!(
        serde_json::to_string(&other).unwrap(),
        "\"责令限期整改（地方）\""
    );
    // Near misses are not guessed at.
    assert_eq!(
        ResultCode::from("No_Problem_Found"),
        ResultCode::Other("No_Problem_Found".into())
    );

    // Labels and names are all distinct, or reading would be ambiguous.
    let mut words = BTreeSet::new();
    for c in ResultCode::KNOWN {
        assert!(words.insert(c.as_str().to_owned()), "{c}");
        assert!(words.insert(c.label().to_owned()), "{c}");
    }
}

#[test]
fn problem_classification() {
    let problems: Vec<_> = ResultCode::KNOWN
        .into_iter()
        .filter(ResultCode::is_problem)
        .map(|c| c.label())
        .collect();
    assert_eq!(
        problems,
        [
            "发现问题已责令改正",
            "发现问题待后续处理",
            "不配合检查情节严重",
            "未按规定公示应当公示的信息",
            "公示信息隐瞒真实情况弄虚作假"
        ]
    );
    assert!(!ResultCode::Other("x".into()).is_problem());
}

fn result(codes: &[ResultCode]) -> InspectionResult {
    InspectionResult {
        target: tid("E-7"),
        codes: codes.iter().cloned().collect(),
        inspected_on: d(2025, 9, 26),
        entered_on: d(2025, 9, 28),
        mobile: true,
        published_on: None,
    }
}

#[test]
fn result_validation() {
    use ResultCode::*;
    result(&[NoProblemFound]).validate().unwrap();
    result(&[ProblemOrderedToCorrect, InformationNotPublished])
        .validate()
        .unwrap();
    // “No problem” with a status code is not contradicted by this rule.
    result(&[NoProblemFound, ClosedOrLiquidating])
        .validate()
        .unwrap();

    let err = result(&[]).validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "target E-7: a result needs at least one result code"
    );
    let err = result(&[Other(String::new())]).validate().unwrap_err();
    assert_eq!(err.to_string(), "target E-7: a result code is empty");

    let err = result(&[NoProblemFound, ProblemFollowUpPending])
        .validate()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "target E-7: result code 未发现问题 (no_problem_found) cannot be combined with \
         发现问题待后续处理 (problem_follow_up_pending)"
    );

    let mut r = result(&[NoProblemFound]);
    r.entered_on = d(2025, 9, 25);
    assert_eq!(
        r.validate().unwrap_err().to_string(),
        "target E-7: result entered on 2025-09-25, before the inspection on 2025-09-26"
    );

    let mut r = result(&[NoProblemFound]);
    r.published_on = Some(d(2025, 9, 20));
    assert_eq!(
        r.validate().unwrap_err(),
        LifecycleError::PublishedBeforeInspected {
            target: tid("E-7"),
            inspected_on: d(2025, 9, 26),
            published_on: d(2025, 9, 20)
        }
    );
    assert_eq!(
        r.validate().unwrap_err().to_string(),
        "target E-7: result published on 2025-09-20, before the inspection on 2025-09-26"
    );

    r.published_on = Some(d(2025, 9, 27));
    assert_eq!(
        r.validate().unwrap_err().to_string(),
        "target E-7: result published on 2025-09-27, before it was entered on 2025-09-28"
    );

    // The constructor validates too.
    assert!(InspectionResult::new(tid("E-7"), [], d(2025, 9, 26), d(2025, 9, 26), false).is_err());
}

#[test]
fn result_json_round_trip() {
    let mut r = result(&[
        ResultCode::ProblemOrderedToCorrect,
        ResultCode::Other("地方代码".into()),
    ]);
    r.published_on = Some(d(2025, 10, 9));
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(
        json,
        r#"{"target":"E-7","codes":["problem_ordered_to_correct","地方代码"],"inspected_on":"2025-09-26","entered_on":"2025-09-28","mobile":true,"published_on":"2025-10-09"}"#
    );
    assert_eq!(serde_json::from_str::<InspectionResult>(&json).unwrap(), r);
}

#[test]
fn follow_up_rules() {
    use ResultCode::*;
    let problem = result(&[ProblemFollowUpPending]);
    let fine = result(&[NoProblemFound]);
    assert!(needs_follow_up(&problem));
    assert!(!needs_follow_up(&fine));
    assert!(!needs_follow_up(&result(&[UnreachableAtRegisteredAddress])));

    check_follow_up(&fine, None).unwrap();
    assert_eq!(
        check_follow_up(&problem, None).unwrap_err().to_string(),
        "target E-7: result 发现问题待后续处理 (problem_follow_up_pending) needs a follow-up \
         disposal, and there is none"
    );

    let mut f = FollowUp::open(tid("E-7"), FollowUpKind::CaseTransferred, d(2025, 9, 29));
    check_follow_up(&problem, Some(&f)).unwrap();

    let none = FollowUp::open(tid("E-7"), FollowUpKind::NoneNeeded, d(2025, 9, 29));
    assert_eq!(
        check_follow_up(&problem, Some(&none))
            .unwrap_err()
            .to_string(),
        "target E-7: result 发现问题待后续处理 (problem_follow_up_pending) needs a follow-up \
         disposal, not none_needed"
    );
    check_follow_up(&fine, Some(&none)).unwrap();

    let other = FollowUp::open(tid("E-8"), FollowUpKind::Rectified, d(2025, 9, 29));
    assert_eq!(
        check_follow_up(&problem, Some(&other))
            .unwrap_err()
            .to_string(),
        "follow-up of target E-8 given for the result of target E-7"
    );
    let early = FollowUp::open(tid("E-7"), FollowUpKind::Rectified, d(2025, 9, 1));
    assert_eq!(
        check_follow_up(&problem, Some(&early))
            .unwrap_err()
            .to_string(),
        "target E-7: follow-up opened on 2025-09-01, before the inspection on 2025-09-26"
    );

    // Closing.
    let err = f.close(d(2025, 9, 28)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "target E-7: follow-up closed on 2025-09-28, before it was opened on 2025-09-29"
    );
    assert_eq!(f.state, FollowUpState::Open);
    f.close(d(2025, 9, 29)).unwrap(); // the same day is fine
    assert_eq!(
        (f.state, f.closed_on),
        (FollowUpState::Closed, Some(d(2025, 9, 29)))
    );
    assert_eq!(
        f.close(d(2025, 10, 1)).unwrap_err(),
        LifecycleError::FollowUpAlreadyClosed {
            target: tid("E-7"),
            closed_on: Some(d(2025, 9, 29))
        }
    );
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(
        json,
        r#"{"target":"E-7","kind":"case_transferred","state":"closed","opened_on":"2025-09-29","closed_on":"2025-09-29"}"#
    );
    assert_eq!(serde_json::from_str::<FollowUp>(&json).unwrap(), f);

    // State and date must agree.
    let mut bad = f.clone();
    bad.closed_on = None;
    assert_eq!(
        bad.validate().unwrap_err().to_string(),
        "target E-7: follow-up is closed but has no closing date"
    );
    let mut bad = f.clone();
    bad.state = FollowUpState::Open;
    assert_eq!(
        bad.validate().unwrap_err().to_string(),
        "target E-7: follow-up is open but has a closing date 2025-09-29"
    );
    assert!(check_follow_up(&problem, Some(&bad)).is_err());
}

#[test]
fn publication_across_national_day_2025() {
    let cal = HolidayCalendar::china();
    // Inspected Friday 26 September 2025: 1–8 October are off, Sunday 28 September and
    // Saturday 11 October are make-up workdays. Weekends alone would give 24 October.
    let mut r = result(&[ResultCode::NoProblemFound]);
    assert_eq!(publication_deadline(&r, &cal).unwrap(), d(2025, 10, 30));
    assert_eq!(published_on_time(&r, &cal).unwrap(), None);
    assert!(!publication_overdue(&r, d(2025, 10, 30), &cal).unwrap());
    assert!(publication_overdue(&r, d(2025, 10, 31), &cal).unwrap());

    r.published_on = Some(d(2025, 10, 30));
    assert_eq!(published_on_time(&r, &cal).unwrap(), Some(true));
    assert!(!publication_overdue(&r, d(2025, 12, 1), &cal).unwrap());
    r.published_on = Some(d(2025, 10, 31));
    assert_eq!(published_on_time(&r, &cal).unwrap(), Some(false));

    // Publishing before the inspection names the target, not just the dates.
    r.published_on = Some(d(2025, 9, 1));
    assert!(matches!(
        published_on_time(&r, &cal),
        Err(LifecycleError::PublishedBeforeInspected { .. })
    ));
}

#[test]
fn calendar_errors_propagate() {
    let cal = HolidayCalendar::china();
    let mut r = result(&[ResultCode::NoProblemFound]);
    r.inspected_on = d(2019, 12, 20);
    r.entered_on = d(2019, 12, 20);
    let err = publication_deadline(&r, &cal).unwrap_err();
    assert!(
        matches!(
            err,
            LifecycleError::Calendar(crate::calendar::CalendarError::YearNotLoaded {
                year: 2019,
                ..
            })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("year 2019 is not in the holiday calendar")
    );
    // The crate error carries it too.
    let _: crate::calendar::CalendarError = match err {
        LifecycleError::Calendar(e) => e,
        other => panic!("{other}"),
    };
}
