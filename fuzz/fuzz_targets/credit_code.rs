//! Unified social credit codes (GB 32100-2015, `shuangsuiji::credit`) on arbitrary text.
//!
//! Input: the text of a code (invalid UTF-8 replaced).
//!
//! Invariants:
//! - parsing never panics, nor do the accessors of an accepted code;
//! - the validator agrees with an independent implementation of `docs/SAMPLING.md`'s
//!   appendix, written here from the standard (weights 3^(i−1) mod 31 recomputed, not taken
//!   from the crate), on acceptance and on the exact error: leading white space, trailing
//!   white space, length, the first character outside the alphabet, the check character;
//! - an accepted code is shown, serialised and split exactly as given;
//! - the check-character helpers (`check_character`, `from_first17`) give codes that
//!   validate, and a code refused only for its check character validates once that
//!   character is replaced by the expected one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shuangsuiji::credit::{CreditCode, CreditCodeError, validate_many};

/// The alphabet of GB 32100-2015: digits and upper-case letters without I, O, S, V, Z.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn value(c: char) -> Option<u32> {
    ALPHABET.chars().position(|a| a == c).map(|i| i as u32)
}

/// The check character of 17 characters of the alphabet, by the standard.
fn check_of(first17: &[char]) -> char {
    let mut weight = 1u32;
    let mut sum = 0u32;
    for &c in first17 {
        sum += value(c).expect("in the alphabet") * weight;
        weight = weight * 3 % 31;
    }
    let index = (31 - sum % 31) % 31;
    ALPHABET
        .chars()
        .nth(index as usize)
        .expect("index below 31")
}

/// The outcome the appendix prescribes for `s` as a whole code (`expected` = 18) or as the
/// part before the check character (`expected` = 17, which has no check to compare).
fn spec(s: &str, expected: usize) -> Result<Option<char>, CreditCodeError> {
    let chars: Vec<char> = s.chars().collect();
    if let Some(&c) = chars.first().filter(|c| c.is_whitespace()) {
        return Err(CreditCodeError::InvalidCharacter {
            position: 1,
            found: c,
        });
    }
    let kept = chars
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(0, |i| i + 1);
    if kept < chars.len() {
        return Err(CreditCodeError::InvalidCharacter {
            position: kept + 1,
            found: chars[kept],
        });
    }
    if chars.len() != expected {
        return Err(CreditCodeError::Length {
            expected,
            found: chars.len(),
        });
    }
    if let Some(i) = chars.iter().position(|&c| value(c).is_none()) {
        return Err(CreditCodeError::InvalidCharacter {
            position: i + 1,
            found: chars[i],
        });
    }
    let check = check_of(&chars[..17]);
    if expected == 18 && chars[17] != check {
        return Err(CreditCodeError::CheckMismatch {
            expected: check,
            found: chars[17],
        });
    }
    Ok(Some(check))
}

fn accepted(s: &str, code: &CreditCode) {
    assert_eq!(code.as_str(), s);
    assert_eq!(code.to_string(), s);
    let chars: Vec<char> = s.chars().collect();
    assert_eq!(code.registration_authority(), chars[0]);
    assert_eq!(code.entity_type(), chars[1]);
    assert_eq!(code.division_code(), chars[2..8].iter().collect::<String>());
    assert_eq!(
        code.organisation_code(),
        chars[8..17].iter().collect::<String>()
    );
    assert_eq!(code.check_char(), chars[17]);
    assert_eq!(code.check_char(), check_of(&chars[..17]));
    let json = serde_json::to_string(code).expect("a code serialises");
    let back: CreditCode = serde_json::from_str(&json).expect("a code deserialises");
    assert_eq!(&back, code);
}

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let s: &str = &s;

    let parsed = CreditCode::parse(s);
    let expected = spec(s, 18);
    match (&parsed, &expected) {
        (Ok(code), Ok(_)) => accepted(s, code),
        (Err(e), Err(x)) => assert_eq!(e, x, "the validator and the standard disagree on {s:?}"),
        (Ok(_), Err(x)) => panic!("{s:?} accepted, but the standard says: {x}"),
        (Err(e), Ok(_)) => panic!("{s:?} refused ({e}), but the standard accepts it"),
    }
    // Every way in gives the same answer.
    assert_eq!(s.parse::<CreditCode>(), parsed);
    assert_eq!(CreditCode::try_from(s), parsed);
    assert_eq!(CreditCode::try_from(s.to_owned()), parsed);
    assert_eq!(validate_many([s]), vec![parsed.clone()]);
    let from_json = serde_json::from_str::<CreditCode>(&serde_json::to_string(s).expect("JSON"));
    assert_eq!(from_json.ok(), parsed.clone().ok());
    if let Err(e) = &parsed {
        let _ = e.to_string();
    }

    // Fixing the check character.
    if let Err(CreditCodeError::CheckMismatch { expected, .. }) = parsed {
        let fixed: String = s.chars().take(17).chain([expected]).collect();
        let code = CreditCode::parse(&fixed)
            .unwrap_or_else(|e| panic!("{fixed:?}, fixed as the error says, is refused: {e}"));
        accepted(&fixed, &code);
    }

    // The helpers for the part before the check character.
    let check = CreditCode::check_character(s);
    match (&check, spec(s, 17)) {
        (Ok(c), Ok(Some(x))) => assert_eq!(*c, x, "check character of {s:?}"),
        (Err(e), Err(x)) => assert_eq!(*e, x, "first 17 of {s:?}"),
        (got, want) => panic!("check_character({s:?}) is {got:?}, the standard says {want:?}"),
    }
    match CreditCode::from_first17(s) {
        Ok(code) => {
            let whole = code.to_string();
            assert_eq!(Ok(&code), CreditCode::parse(&whole).as_ref());
            assert!(whole.starts_with(s));
            accepted(&whole, &code);
        }
        Err(e) => assert_eq!(Err(e), check),
    }
});
