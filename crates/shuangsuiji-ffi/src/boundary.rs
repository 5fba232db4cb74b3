//! The panic boundary, handles and argument checks every exported function goes through.

use crate::result::{Failure, set_last_error, set_last_failure, ssj_result};
use rustc_hash::FxHashMap;
use std::any::{Any, TypeId};
use std::ffi::{CStr, CString, c_char};
use std::sync::{LazyLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Runs the body of an exported function that returns `ssj_result`: `?` turns errors into
/// codes with the thread's last error, and a panic becomes `SSJ_PANIC` instead of unwinding
/// into C.
macro_rules! ffi {
    ($($body:tt)*) => {
        $crate::boundary::finish(::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::result::Failure> {
                #[allow(unused_unsafe)]
                unsafe { $($body)* }
            },
        )))
    };
}

/// Like `ffi!` for a function that returns a plain value: on error or panic the last error is
/// set and `$default` returned.
macro_rules! ffi_value {
    ($default:expr, $($body:tt)*) => {
        $crate::boundary::value_or(
            $default,
            ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
                || -> ::std::result::Result<_, $crate::result::Failure> {
                    #[allow(unused_unsafe)]
                    unsafe { $($body)* }
                },
            )),
        )
    };
}

pub(crate) use {ffi, ffi_value};

type Caught<T> = Result<Result<T, Failure>, Box<dyn Any + Send>>;

pub(crate) fn finish(r: Caught<()>) -> ssj_result {
    match r {
        Ok(Ok(())) => ssj_result::SSJ_OK,
        Ok(Err(f)) => {
            set_last_failure(&f);
            f.code
        }
        Err(panic) => {
            set_last_error(&panic_message(&*panic));
            ssj_result::SSJ_PANIC
        }
    }
}

pub(crate) fn value_or<T>(default: T, r: Caught<T>) -> T {
    match r {
        Ok(Ok(v)) => v,
        Ok(Err(f)) => {
            set_last_failure(&f);
            default
        }
        Err(panic) => {
            set_last_error(&panic_message(&*panic));
            default
        }
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    format!("internal error (panic) in shuangsuiji: {what}")
}

/// The handles alive now: the address of each, with its type. A pointer is read only once it
/// is found here, so a freed handle, a handle of another type, or a pointer the library never
/// made is refused without touching the memory it points to (freed memory is never read, as
/// AddressSanitizer and valgrind check). Handles are added when made and removed when freed;
/// a lookup takes the read lock, so threads sharing handles do not wait for each other.
static LIVE: LazyLock<RwLock<FxHashMap<usize, Kind>>> = LazyLock::new(Default::default);

/// The type of a live handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kind {
    id: TypeId,
    name: &'static str,
}

impl Kind {
    fn of<H: Handle>() -> Kind {
        Kind {
            id: TypeId::of::<H>(),
            name: H::NAME,
        }
    }
}

/// A handle's key in the registry: its address with every bit flipped, which points nowhere.
/// Were the address itself kept, a handle that C never frees would stay reachable from the
/// registry, and leak checkers (valgrind, LeakSanitizer) would no longer report it.
fn key<H>(p: *const H) -> usize {
    !(p as usize)
}

/// The registry stays usable after a panic elsewhere: its map is never left half-updated (each
/// update is one insert or one remove).
fn live() -> RwLockReadGuard<'static, FxHashMap<usize, Kind>> {
    LIVE.read().unwrap_or_else(PoisonError::into_inner)
}

fn live_mut() -> RwLockWriteGuard<'static, FxHashMap<usize, Kind>> {
    LIVE.write().unwrap_or_else(PoisonError::into_inner)
}

/// A C handle type (opaque in the header) and the Rust value behind it.
pub(crate) trait Handle: 'static {
    /// The Rust value.
    type Value;
    /// The type's name in error messages.
    const NAME: &'static str;
}

/// Ties an opaque C handle type (declared as a plain struct so cbindgen sees it) to its Rust
/// value.
macro_rules! impl_handle {
    ($c:ident => $rust:ty) => {
        impl $crate::boundary::Handle for $c {
            type Value = $rust;
            const NAME: &'static str = stringify!($c);
        }
    };
}
pub(crate) use impl_handle;

/// Moves a value to the heap and returns it as a live handle of type `H`.
pub(crate) fn to_handle<H: Handle>(value: H::Value) -> *mut H {
    // Every live handle has an address of its own (a zero-sized value would not).
    const { assert!(size_of::<H::Value>() > 0) };
    let p = Box::into_raw(Box::new(value));
    // No live handle has this address: it was just allocated, and a handle leaves the
    // registry before its memory is freed.
    live_mut().insert(key(p), Kind::of::<H>());
    p.cast()
}

/// Checks that `p` is a live handle of type `H`, from the registry alone.
fn check<H: Handle>(p: *const H, what: &str) -> Result<*mut H::Value, Failure> {
    if p.is_null() {
        return Err(Failure::new(
            ssj_result::SSJ_NULL_POINTER,
            format!("{what} is NULL"),
        ));
    }
    match live().get(&key(p)) {
        Some(k) if k.id == TypeId::of::<H>() => Ok(p.cast_mut().cast()),
        found => Err(wrong_handle::<H>(what, found.map(|k| k.name))),
    }
}

fn wrong_handle<H: Handle>(what: &str, found: Option<&str>) -> Failure {
    let why = match found {
        Some(other) => format!("it is a live {other} handle"),
        None => "freed, or never made by this library".to_owned(),
    };
    Failure::new(
        ssj_result::SSJ_WRONG_HANDLE,
        format!("{what} is not a live {} handle ({why})", H::NAME),
    )
}

/// Borrows the value behind a handle.
///
/// # Safety
/// `p` is NULL, or a live handle that outlives `'a` and is not mutated meanwhile, or any
/// other pointer (refused unread).
pub(crate) unsafe fn borrow<'a, H: Handle>(
    p: *const H,
    what: &str,
) -> Result<&'a H::Value, Failure> {
    unsafe { Ok(&*check(p, what)?) }
}

/// Borrows the value behind a handle mutably.
///
/// # Safety
/// As [`borrow`]; no other reference to the handle is used meanwhile.
pub(crate) unsafe fn borrow_mut<'a, H: Handle>(
    p: *mut H,
    what: &str,
) -> Result<&'a mut H::Value, Failure> {
    unsafe { Ok(&mut *check(p, what)?) }
}

/// Frees a handle; NULL is a no-op, and so (with the last error set) is a pointer that is not
/// a live handle of type `H`: one already freed, one of another type, or a foreign one.
///
/// # Safety
/// As [`borrow`]; no other thread uses the handle meanwhile or after.
pub(crate) unsafe fn free<H: Handle>(p: *mut H) {
    if p.is_null() {
        return;
    }
    let found = {
        let mut live = live_mut();
        match live.get(&key(p)) {
            Some(k) if k.id == TypeId::of::<H>() => {
                live.remove(&key(p));
                if live.is_empty() {
                    // No memory held while no handle is live: a program that freed all its
                    // handles ends with nothing of the library's allocated.
                    live.shrink_to_fit();
                }
                Ok(())
            }
            other => Err(other.map(|k| k.name)),
        }
    };
    // Dropped outside the lock; the address can be handed out again only after this.
    match found {
        Ok(()) => drop(unsafe { Box::from_raw(p.cast::<H::Value>()) }),
        Err(other) => set_last_error(&wrong_handle::<H>("the handle to free", other).message),
    }
}

/// Reads a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn text<'a>(p: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::new(
            ssj_result::SSJ_NULL_POINTER,
            format!("{what} is NULL"),
        ));
    }
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|e| {
        Failure::new(
            ssj_result::SSJ_INVALID_UTF8,
            format!("{what} is not valid UTF-8 (byte {})", e.valid_up_to() + 1),
        )
    })
}

/// Reads an optional NUL-terminated UTF-8 argument: NULL is `None`.
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn opt_text<'a>(
    p: *const c_char,
    what: &str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        Ok(None)
    } else {
        unsafe { text(p, what).map(Some) }
    }
}

/// Borrows an array of `n` elements; NULL is allowed only when `n` is 0.
///
/// # Safety
/// `p` is NULL or points to `n` initialised elements that outlive `'a`.
pub(crate) unsafe fn slice<'a, T>(p: *const T, n: usize, what: &str) -> Result<&'a [T], Failure> {
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Failure::new(
            ssj_result::SSJ_NULL_POINTER,
            format!("{what} is NULL but its length is {n}"),
        ));
    }
    if n > isize::MAX as usize / size_of::<T>().max(1) {
        return Err(Failure::new(
            ssj_result::SSJ_BAD_LENGTH,
            format!("{what}: length {n} is impossible"),
        ));
    }
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// Like [`slice`] for an output array the library fills.
///
/// # Safety
/// `p` is NULL or points to `n` writable elements.
pub(crate) unsafe fn slice_out<'a, T>(
    p: *mut T,
    n: usize,
    what: &str,
) -> Result<&'a mut [T], Failure> {
    unsafe { slice(p, n, what)? };
    if n == 0 {
        return Ok(&mut []);
    }
    Ok(unsafe { std::slice::from_raw_parts_mut(p, n) })
}

/// Checks an out-parameter before any work is done; it is written only on success.
pub(crate) fn out<T>(p: *mut T, what: &str) -> Result<*mut T, Failure> {
    if p.is_null() {
        Err(Failure::new(
            ssj_result::SSJ_NULL_POINTER,
            format!("{what} (an out-parameter) is NULL"),
        ))
    } else {
        Ok(p)
    }
}

/// A string for C to free with `ssj_string_free`.
pub(crate) fn c_string(s: String) -> Result<*mut c_char, Failure> {
    CString::new(s).map(CString::into_raw).map_err(|e| {
        Failure::new(
            ssj_result::SSJ_INVALID_UTF8,
            format!(
                "the text to return holds a NUL byte at {}",
                e.nul_position()
            ),
        )
    })
}

/// Parses a JSON argument into `T`, naming the argument in the error.
pub(crate) fn from_json<'a, T: serde::Deserialize<'a>>(
    json: &'a str,
    what: &str,
) -> Result<T, Failure> {
    serde_json::from_str(json).map_err(|e| Failure::json(what, &e))
}

/// Reads a NUL-terminated JSON argument into `T`, naming the argument in every error.
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn json_arg<T: serde::de::DeserializeOwned>(
    p: *const c_char,
    what: &str,
) -> Result<T, Failure> {
    from_json(unsafe { text(p, what)? }, what)
}

/// As [`json_arg`] for an optional argument: NULL is `T::default()`.
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn opt_json_arg<T: serde::de::DeserializeOwned + Default>(
    p: *const c_char,
    what: &str,
) -> Result<T, Failure> {
    match unsafe { opt_text(p, what)? } {
        Some(json) => from_json(json, what),
        None => Ok(T::default()),
    }
}

/// Serialises a result to JSON (our types always serialise).
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value)
        .map_err(|e| Failure::new(ssj_result::SSJ_BAD_JSON, format!("cannot write JSON: {e}")))
}

/// A date argument `YYYY-MM-DD`.
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn date(p: *const c_char, what: &str) -> Result<chrono::NaiveDate, Failure> {
    let s = unsafe { text(p, what)? };
    parse_date(s, what)
}

pub(crate) fn parse_date(s: &str, what: &str) -> Result<chrono::NaiveDate, Failure> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            Failure::new(
                ssj_result::SSJ_BAD_DATE,
                format!("{what}: {s:?} is not a date YYYY-MM-DD"),
            )
        })
}

#[cfg(test)]
mod tests {
    use crate::result::{last_error_ptr, ssj_result};
    use std::ffi::CStr;

    fn last_error() -> String {
        unsafe { CStr::from_ptr(last_error_ptr()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_is_a_result_not_an_unwind() {
        let r = ffi! {
            if last_error().len() < usize::MAX {
                panic!("boom");
            }
            Ok(())
        };
        assert_eq!(r, ssj_result::SSJ_PANIC);
        assert!(last_error().contains("boom"), "{}", last_error());
        let v: usize = ffi_value!(7, {
            let v: Vec<usize> = Vec::new();
            Ok(v[3])
        });
        assert_eq!(v, 7);
    }

    #[test]
    fn a_handle_of_another_type_is_refused() {
        let mut cal = std::ptr::null_mut();
        assert_eq!(
            unsafe { crate::ssj_calendar_china(&mut cal) },
            ssj_result::SSJ_OK
        );
        let wrong = cal.cast::<crate::ssj_frozen_pool>();
        assert_eq!(unsafe { crate::ssj_frozen_pool_len(wrong) }, 0);
        assert!(last_error().contains("ssj_frozen_pool"), "{}", last_error());
        unsafe { crate::ssj_frozen_pool_free(wrong) }; // refused, not freed
        assert!(
            last_error()
                .contains("not a live ssj_frozen_pool handle (it is a live ssj_calendar handle)"),
            "{}",
            last_error()
        );
        let mut first = 0;
        assert_eq!(
            unsafe { crate::ssj_calendar_years(cal, &mut first, &mut 0) },
            ssj_result::SSJ_OK
        );
        assert_eq!(first, 2020);
        unsafe { crate::ssj_calendar_free(cal) };
    }

    /// A freed handle, freed again or used, is refused from the registry: the library never
    /// reads the freed memory (which the C tests check under AddressSanitizer and valgrind).
    #[test]
    fn freed_and_foreign_handles_are_refused_unread() {
        let mut cal = std::ptr::null_mut();
        assert_eq!(
            unsafe { crate::ssj_calendar_china(&mut cal) },
            ssj_result::SSJ_OK
        );
        unsafe { crate::ssj_calendar_free(cal) };
        let (mut first, mut last) = (7, 7);
        assert_eq!(
            unsafe { crate::ssj_calendar_years(cal, &mut first, &mut last) },
            ssj_result::SSJ_WRONG_HANDLE
        );
        assert_eq!((first, last), (7, 7));
        assert!(
            last_error().contains(
                "calendar is not a live ssj_calendar handle (freed, or never made by this library)"
            ),
            "{}",
            last_error()
        );
        unsafe { crate::ssj_calendar_free(cal) }; // a second free is refused
        assert!(
            last_error().contains("the handle to free is not a live ssj_calendar handle (freed"),
            "{}",
            last_error()
        );
        // Memory the library never made, however it is aligned or filled, is not a handle:
        // one byte, or a copy of a live handle's bytes.
        let byte = [0u8; 1];
        let foreign = byte.as_ptr().cast::<crate::ssj_calendar>();
        assert_eq!(
            unsafe { crate::ssj_calendar_years(foreign, &mut first, &mut last) },
            ssj_result::SSJ_WRONG_HANDLE
        );
        unsafe { crate::ssj_calendar_free(foreign.cast_mut()) };
        assert!(
            last_error().contains("never made by this library"),
            "{}",
            last_error()
        );
    }

    /// Handles made, used and freed by many threads at once.
    #[test]
    fn the_registry_is_shared_by_threads() {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    for _ in 0..200 {
                        let mut log = std::ptr::null_mut();
                        assert_eq!(
                            unsafe { crate::ssj_draw_log_new(&mut log) },
                            ssj_result::SSJ_OK
                        );
                        assert_eq!(unsafe { crate::ssj_draw_log_len(log) }, 0);
                        unsafe { crate::ssj_draw_log_free(log) };
                        // (Not used after the free: another thread's new handle may already
                        // have its address.)
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
}
