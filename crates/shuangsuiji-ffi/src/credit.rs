//! Unified social credit codes (GB 32100-2015), one or many.

use crate::boundary::{ffi, out, slice, slice_out, text};
use crate::result::{Failure, ssj_result};
use ssj::credit::{CreditCode, CreditCodeError};
use std::ffi::c_char;

/// What is wrong with one code of a bulk validation.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ssj_code_check {
    /// The code is valid.
    SSJ_CODE_VALID = 0,
    /// Not 18 characters; the position is the number of characters found.
    SSJ_CODE_WRONG_LENGTH = 1,
    /// A character outside the code alphabet; the position is its 1-based place.
    SSJ_CODE_INVALID_CHARACTER = 2,
    /// The 18th character is not the check character of the first 17; position 18.
    SSJ_CODE_WRONG_CHECK = 3,
    /// The bytes are not UTF-8; the position is the 1-based byte where decoding fails.
    SSJ_CODE_NOT_UTF8 = 4,
}

/// Validates one credit code. `SSJ_OK` when valid; `SSJ_BAD_CREDIT_CODE` with the position
/// and the expected character in `ssj_last_error()` when not.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_credit_code_validate(code: *const c_char) -> ssj_result {
    ffi! {
        CreditCode::parse(text(code, "code")?)?;
        Ok(())
    }
}

/// Validates `n` codes at once: `checks[i]` says what is wrong with `codes[i]` and
/// `positions[i]` where (see [`ssj_code_check`]; 0 for a valid code); `*invalid_out` is the
/// number of invalid codes. `positions` may be NULL. The call itself succeeds whatever the
/// codes hold; only NULL pointers fail it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ssj_credit_codes_validate(
    codes: *const *const c_char,
    n: usize,
    checks: *mut ssj_code_check,
    positions: *mut u32,
    invalid_out: *mut usize,
) -> ssj_result {
    ffi! {
        let invalid_out = out(invalid_out, "invalid_out")?;
        let codes = slice(codes, n, "codes")?;
        let checks = slice_out(checks, n, "checks")?;
        let mut pos = if positions.is_null() {
            None
        } else {
            Some(slice_out(positions, n, "positions")?)
        };
        if let Some(i) = codes.iter().position(|c| c.is_null()) {
            return Err(Failure::new(
                ssj_result::SSJ_NULL_POINTER,
                format!("codes[{i}] is NULL"),
            ));
        }
        let mut invalid = 0;
        for (i, &c) in codes.iter().enumerate() {
            let bytes = std::ffi::CStr::from_ptr(c);
            let (check, at) = match bytes.to_str() {
                Err(e) => (ssj_code_check::SSJ_CODE_NOT_UTF8, e.valid_up_to() + 1),
                Ok(s) => match CreditCode::parse(s) {
                    Ok(_) => (ssj_code_check::SSJ_CODE_VALID, 0),
                    Err(CreditCodeError::Length { found, .. }) => {
                        (ssj_code_check::SSJ_CODE_WRONG_LENGTH, found)
                    }
                    Err(CreditCodeError::InvalidCharacter { position, .. }) => {
                        (ssj_code_check::SSJ_CODE_INVALID_CHARACTER, position)
                    }
                    Err(CreditCodeError::CheckMismatch { .. }) => {
                        (ssj_code_check::SSJ_CODE_WRONG_CHECK, 18)
                    }
                },
            };
            invalid += usize::from(check != ssj_code_check::SSJ_CODE_VALID);
            checks[i] = check;
            if let Some(p) = pos.as_deref_mut() {
                p[i] = u32::try_from(at).unwrap_or(u32::MAX);
            }
        }
        invalid_out.write(invalid);
        Ok(())
    }
}
