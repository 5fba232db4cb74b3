//! The panic boundary, handles and argument checks every exported function goes through.

use crate::result::{Failure, set_last_error, ssj_result};
use std::any::Any;
use std::ffi::{CStr, CString, c_char};

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
            set_last_error(&f.message);
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
            set_last_error(&f.message);
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

/// A heap object handed to C: a tag that says which type it is, then the Rust value. Every
/// handle type has its own tag, so a handle passed where another type is expected (or a
/// freed one, whose tag is cleared) is refused instead of misread.
#[repr(C)]
struct Tagged<T> {
    magic: u64,
    value: T,
}

const FREED: u64 = 0xdead_dead_dead_dead;

/// A C handle type (opaque in the header) and the Rust value behind it.
pub(crate) trait Handle {
    /// The Rust value.
    type Value;
    /// The tag: unique per handle type.
    const MAGIC: u64;
    /// The type's name in error messages.
    const NAME: &'static str;
}

/// Ties an opaque C handle type (declared as a plain struct so cbindgen sees it) to its Rust
/// value and tag.
macro_rules! impl_handle {
    ($c:ident => $rust:ty, $magic:expr) => {
        impl $crate::boundary::Handle for $c {
            type Value = $rust;
            const MAGIC: u64 = $magic;
            const NAME: &'static str = stringify!($c);
        }
    };
}
pub(crate) use impl_handle;

/// Moves a value to the heap and returns it as a handle of type `H`.
pub(crate) fn to_handle<H: Handle>(value: H::Value) -> *mut H {
    Box::into_raw(Box::new(Tagged {
        magic: H::MAGIC,
        value,
    }))
    .cast()
}

/// Checks that `p` is a live handle of type `H`.
///
/// # Safety
/// `p` is NULL or points to a handle made by this library (of any type), not yet freed.
unsafe fn check<H: Handle>(p: *const H, what: &str) -> Result<*mut Tagged<H::Value>, Failure> {
    if p.is_null() {
        return Err(Failure::new(
            ssj_result::SSJ_NULL_POINTER,
            format!("{what} is NULL"),
        ));
    }
    if (p as usize) % align_of::<u64>() != 0 {
        return Err(wrong_handle::<H>(what));
    }
    // Every handle starts with its tag, whatever its type.
    let magic = unsafe { *p.cast::<u64>() };
    if magic != H::MAGIC {
        return Err(wrong_handle::<H>(what));
    }
    Ok(p.cast_mut().cast())
}

fn wrong_handle<H: Handle>(what: &str) -> Failure {
    Failure::new(
        ssj_result::SSJ_WRONG_HANDLE,
        format!("{what} is not a live {} handle", H::NAME),
    )
}

/// Borrows the value behind a handle.
///
/// # Safety
/// As [`check`]; the handle outlives `'a` and is not mutated meanwhile.
pub(crate) unsafe fn borrow<'a, H: Handle>(
    p: *const H,
    what: &str,
) -> Result<&'a H::Value, Failure> {
    unsafe { Ok(&(*check(p, what)?).value) }
}

/// Borrows the value behind a handle mutably.
///
/// # Safety
/// As [`check`]; no other reference to the handle is used meanwhile.
pub(crate) unsafe fn borrow_mut<'a, H: Handle>(
    p: *mut H,
    what: &str,
) -> Result<&'a mut H::Value, Failure> {
    unsafe { Ok(&mut (*check(p, what)?).value) }
}

/// Frees a handle; NULL is a no-op, and so (with the last error set) is a handle of another
/// type.
///
/// # Safety
/// As [`check`]; the handle is not used again.
pub(crate) unsafe fn free<H: Handle>(p: *mut H) {
    if p.is_null() {
        return;
    }
    match unsafe { check(p, "the handle to free") } {
        Ok(t) => unsafe {
            (*t).magic = FREED;
            drop(Box::from_raw(t));
        },
        Err(f) => set_last_error(&f.message),
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
        unsafe { crate::ssj_calendar_free(cal) };
    }
}
