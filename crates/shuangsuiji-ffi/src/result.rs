//! The one result enum of the ABI, its messages and the thread's last error.

use std::cell::RefCell;
use std::ffi::{CString, c_char};

/// What a call did. `SSJ_OK` is zero; every other code is a failure whose details are in
/// `ssj_last_error()` on the calling thread.
///
/// Codes are never reused or renumbered: a new kind of failure gets the next free number.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ssj_result {
    /// Success.
    SSJ_OK = 0,
    /// The library panicked; the call had no effect that can be relied on. A bug: please report
    /// `ssj_last_error()`.
    SSJ_PANIC = 1,
    /// A pointer argument that must not be NULL was NULL.
    SSJ_NULL_POINTER = 2,
    /// A string argument is not valid UTF-8.
    SSJ_INVALID_UTF8 = 3,
    /// A handle of the wrong type (or an already freed one) was passed.
    SSJ_WRONG_HANDLE = 4,
    /// An array length is impossible, or arrays that must have one length do not.
    SSJ_BAD_LENGTH = 5,
    /// An index past the end of a list.
    SSJ_INDEX_OUT_OF_RANGE = 6,
    /// A JSON document that is not valid JSON or not of the expected form.
    SSJ_BAD_JSON = 7,
    /// A date that is not `YYYY-MM-DD` (or not a real day).
    SSJ_BAD_DATE = 8,
    /// A bad id (empty, too long, control characters).
    SSJ_BAD_ID = 9,
    /// An invalid unified social credit code.
    SSJ_BAD_CREDIT_CODE = 10,
    /// An unknown name: grade, kind, status or life-cycle state.
    SSJ_BAD_NAME = 11,
    /// A bad ratio.
    SSJ_BAD_RATIO = 12,
    /// A bad seed or digest in hex.
    SSJ_BAD_HEX = 13,
    /// A pool row or adjustment refused (duplicate id, unknown id, bad field).
    SSJ_POOL = 14,
    /// A sampling policy that cannot be applied.
    SSJ_POLICY = 15,
    /// A draw that cannot be made.
    SSJ_DRAW = 16,
    /// A draw-log operation refused, or a broken log.
    SSJ_LOG = 17,
    /// A calendar question it cannot answer, or bad calendar data.
    SSJ_CALENDAR = 18,
    /// An annual plan with problems.
    SSJ_PLAN = 19,
    /// An illegal life-cycle step.
    SSJ_LIFECYCLE = 20,
    /// A joint task that cannot be drawn.
    SSJ_JOINT = 21,
    /// The core's assignment errors (teams that cannot be formed, a bad matching policy);
    /// `ssj_match_teams` reports them inside `SSJ_TEAMS`.
    SSJ_ASSIGN = 22,
    /// A matching that cannot be made or recorded.
    SSJ_TEAMS = 23,
    /// A bad item list or joint item list.
    SSJ_CATALOG = 24,
    /// KPI input that cannot be read or is inconsistent (a result for a target never drawn, a
    /// task of an unknown department, …), or a bad KPI configuration.
    SSJ_KPI = 25,
    /// Pool CSV text (target pool, inspection history, inspector pool) that cannot be read, or
    /// a pool that cannot be written as CSV; `ssj_last_error()` names the text, the line and
    /// the field (e.g. "pool_csv:3: field `grade`: …").
    SSJ_POOL_CSV = 26,
    /// A file that cannot be read as a table (a format it is not, a damaged workbook, text in
    /// no known encoding), a mapping file that cannot be used, or a value at a cell that
    /// cannot be read; `ssj_last_error()` names the file and cell (e.g. "pool.xlsx:
    /// 待抽检库!F7: …") and `ssj_last_error_place` gives the place.
    SSJ_FORMAT = 27,
    /// A publication that cannot be written: a pool that does not reproduce the draw record
    /// (`ssj_last_error()` lists the differences), an unknown output format, or a workbook
    /// the writer refuses.
    SSJ_PUBLISH = 28,
}

impl ssj_result {
    /// Every code, for the uniqueness test and `ssj_result_message`.
    pub(crate) const ALL: [ssj_result; 29] = {
        use ssj_result::*;
        [
            SSJ_OK,
            SSJ_PANIC,
            SSJ_NULL_POINTER,
            SSJ_INVALID_UTF8,
            SSJ_WRONG_HANDLE,
            SSJ_BAD_LENGTH,
            SSJ_INDEX_OUT_OF_RANGE,
            SSJ_BAD_JSON,
            SSJ_BAD_DATE,
            SSJ_BAD_ID,
            SSJ_BAD_CREDIT_CODE,
            SSJ_BAD_NAME,
            SSJ_BAD_RATIO,
            SSJ_BAD_HEX,
            SSJ_POOL,
            SSJ_POLICY,
            SSJ_DRAW,
            SSJ_LOG,
            SSJ_CALENDAR,
            SSJ_PLAN,
            SSJ_LIFECYCLE,
            SSJ_JOINT,
            SSJ_ASSIGN,
            SSJ_TEAMS,
            SSJ_CATALOG,
            SSJ_KPI,
            SSJ_POOL_CSV,
            SSJ_FORMAT,
            SSJ_PUBLISH,
        ]
    };

    /// A fixed, NUL-terminated description of the code.
    pub(crate) fn message(self) -> &'static std::ffi::CStr {
        use ssj_result::*;
        match self {
            SSJ_OK => c"success",
            SSJ_PANIC => c"internal error (panic) in shuangsuiji",
            SSJ_NULL_POINTER => c"a required pointer argument was NULL",
            SSJ_INVALID_UTF8 => c"a string argument is not valid UTF-8",
            SSJ_WRONG_HANDLE => c"a handle of the wrong type, or a freed one",
            SSJ_BAD_LENGTH => c"an impossible array length",
            SSJ_INDEX_OUT_OF_RANGE => c"an index past the end of a list",
            SSJ_BAD_JSON => c"a JSON document that is not valid or not of the expected form",
            SSJ_BAD_DATE => c"a date that is not YYYY-MM-DD",
            SSJ_BAD_ID => c"a bad id",
            SSJ_BAD_CREDIT_CODE => c"an invalid unified social credit code",
            SSJ_BAD_NAME => c"an unknown grade, kind, status or state name",
            SSJ_BAD_RATIO => c"a bad ratio",
            SSJ_BAD_HEX => c"a bad seed or digest in hex",
            SSJ_POOL => c"a pool row or adjustment was refused",
            SSJ_POLICY => c"a sampling policy that cannot be applied",
            SSJ_DRAW => c"a draw that cannot be made",
            SSJ_LOG => c"a draw-log operation was refused, or the log is broken",
            SSJ_CALENDAR => c"a calendar question that cannot be answered, or bad calendar data",
            SSJ_PLAN => c"an annual plan with problems",
            SSJ_LIFECYCLE => c"an illegal life-cycle step",
            SSJ_JOINT => c"a joint task that cannot be drawn",
            SSJ_ASSIGN => c"inspector teams that cannot be formed",
            SSJ_TEAMS => c"a matching that cannot be made or recorded",
            SSJ_CATALOG => c"a bad item list or joint item list",
            SSJ_KPI => {
                c"KPI input that cannot be read or is inconsistent, or a bad KPI configuration"
            }
            SSJ_POOL_CSV => {
                c"pool CSV text that cannot be read, or a pool that cannot be written as CSV"
            }
            SSJ_FORMAT => {
                c"a file that cannot be read as a table, a bad mapping file, or a bad cell"
            }
            SSJ_PUBLISH => {
                c"a publication that cannot be written (a pool that does not reproduce the record)"
            }
        }
    }
}

/// A failed call: the code returned and the details kept as the thread's last error.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: ssj_result,
    pub(crate) message: String,
    /// The cell or row of a file the failure is at, when it is at one.
    pub(crate) place: Option<shuangsuiji_io::table::Place>,
}

impl Failure {
    pub(crate) fn new(code: ssj_result, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            place: None,
        }
    }

    pub(crate) fn json(what: &str, e: &serde_json::Error) -> Failure {
        Failure::new(ssj_result::SSJ_BAD_JSON, format!("{what}: {e}"))
    }
}

impl From<ssj::Error> for Failure {
    fn from(e: ssj::Error) -> Failure {
        use ssj::Error as E;
        use ssj_result::*;
        let code = match &e {
            E::Id(_) => SSJ_BAD_ID,
            E::CreditCode(_) => SSJ_BAD_CREDIT_CODE,
            E::Catalog(_) => SSJ_CATALOG,
            E::Pool(_) => SSJ_POOL,
            E::Policy(_) => SSJ_POLICY,
            E::Ratio(_) => SSJ_BAD_RATIO,
            E::Grade(_) | E::Name(_) => SSJ_BAD_NAME,
            E::Hex(_) => SSJ_BAD_HEX,
            E::Draw(_) => SSJ_DRAW,
            E::Log(_) => SSJ_LOG,
            E::Calendar(_) => SSJ_CALENDAR,
            E::Plan(_) => SSJ_PLAN,
            E::Lifecycle(_) => SSJ_LIFECYCLE,
            E::Joint(_) => SSJ_JOINT,
            E::Assign(_) => SSJ_ASSIGN,
            E::Teams(_) => SSJ_TEAMS,
            E::Kpi(_) => SSJ_KPI,
        };
        Failure::new(code, e.to_string())
    }
}

/// Pool CSV errors are not in the core's `Error` enum (they are the CSV layer's, with file,
/// line and field): their own code, the message as the core displays it.
impl From<ssj::pool_csv::CsvError> for Failure {
    fn from(e: ssj::pool_csv::CsvError) -> Failure {
        Failure::new(ssj_result::SSJ_POOL_CSV, e.to_string())
    }
}

/// `?` on any of the core's errors gives the matching code and the error's own message.
macro_rules! from_core {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Failure {
                Failure::from(ssj::Error::from(e))
            }
        }
    )*};
}

from_core!(
    ssj::ids::IdError,
    ssj::credit::CreditCodeError,
    ssj::catalog::CatalogError,
    ssj::pool::PoolError,
    ssj::policy::PolicyError,
    ssj::policy::BadRatio,
    ssj::risk::BadGrade,
    ssj::digest::BadHex,
    ssj::draw::DrawError,
    ssj::audit::LogError,
    ssj::calendar::CalendarError,
    ssj::plan::PlanErrors,
    ssj::lifecycle::LifecycleError,
    ssj::joint::JointError,
    ssj::assign::AssignError,
    ssj::teams::TeamError,
    ssj::kpi::KpiError,
    ssj::target::UnknownName,
);

/// The place of the last failure, as C reads it.
struct LastPlace {
    file: CString,
    sheet: Option<CString>,
    row: u64,
    column: u32,
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
    static LAST_PLACE: RefCell<Option<LastPlace>> = const { RefCell::new(None) };
}

fn c_text(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

/// Keeps `message` as this thread's last error (interior NULs, which no message of ours has,
/// are dropped rather than lost with the rest), without a place.
pub(crate) fn set_last_error(message: &str) {
    LAST_ERROR.with(|e| *e.borrow_mut() = c_text(message));
    LAST_PLACE.with(|p| *p.borrow_mut() = None);
}

/// Keeps a failure as this thread's last error, with its place.
pub(crate) fn set_last_failure(f: &Failure) {
    set_last_error(&f.message);
    if let Some(place) = &f.place {
        LAST_PLACE.with(|p| {
            *p.borrow_mut() = Some(LastPlace {
                file: c_text(&place.file),
                sheet: place.sheet.as_deref().map(c_text),
                row: place.row,
                column: u32::try_from(place.column).unwrap_or(u32::MAX),
            });
        });
    }
}

/// Writes the last failure's place into the non-NULL pointers; false when it has none.
///
/// # Safety
/// Each pointer is NULL or valid for one write.
pub(crate) unsafe fn last_place_into(
    file: *mut *const c_char,
    sheet: *mut *const c_char,
    row: *mut u64,
    column: *mut u32,
) -> bool {
    LAST_PLACE.with(|p| {
        let p = p.borrow();
        let Some(place) = p.as_ref() else {
            return false;
        };
        unsafe {
            if !file.is_null() {
                file.write(place.file.as_ptr());
            }
            if !sheet.is_null() {
                sheet.write(
                    place
                        .sheet
                        .as_ref()
                        .map_or(std::ptr::null(), |s| s.as_ptr()),
                );
            }
            if !row.is_null() {
                row.write(place.row);
            }
            if !column.is_null() {
                column.write(place.column);
            }
        }
        true
    })
}

/// The last error of this thread, valid until the next failing call on the thread.
pub(crate) fn last_error_ptr() -> *const c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

#[cfg(test)]
mod tests {
    use super::ssj_result;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_and_all_listed() {
        let values: BTreeSet<u32> = ssj_result::ALL.iter().map(|c| *c as u32).collect();
        assert_eq!(values.len(), ssj_result::ALL.len(), "a code is used twice");
        // Every variant of the enum (as written in this file) is in ALL.
        let src = include_str!("result.rs");
        let declared = src
            .lines()
            .filter(|l| l.trim_start().starts_with("SSJ_") && l.contains(" = "))
            .count();
        assert_eq!(declared, ssj_result::ALL.len(), "ALL misses a variant");
        for c in ssj_result::ALL {
            assert!(!c.message().to_bytes().is_empty());
        }
    }
}
