//! The old 15-digit registration number (注册号) of market entities, still in the code columns
//! of platform exports for entities registered before the unified social credit code.
//!
//! Fifteen digits: the division code of the first registration authority (6), a sequence (8),
//! and a check digit computed with ISO 7064 MOD 11,10 (the hybrid system the registration
//! rules GS15-2006 prescribe). It is a different thing from the 18-character unified social
//! credit code (`shuangsuiji::credit::CreditCode`, GB 32100): the two are never converted into
//! each other here, and a column may hold either (see `docs/FORMATS.md`).
//!
//! The core has no place for a registration number yet (`docs/FORMATS.md` proposes one), so
//! this check lives here, where the formats layer needs it.
//!
//! ```
//! use shuangsuiji_io::regno::{RegistrationNumber, RegNoError};
//!
//! let n = RegistrationNumber::parse("110108000000016")?;
//! assert_eq!(n.division_code(), "110108");
//! assert_eq!(RegistrationNumber::check_digit("33010600001234"), Ok('0'));
//! assert_eq!(
//!     RegistrationNumber::parse("110108000000017").unwrap_err().to_string(),
//!     "wrong check digit at position 15: expected '6', found '7' (ISO 7064 MOD 11,10)"
//! );
//! # Ok::<(), RegNoError>(())
//! ```

use std::fmt;

/// The number of digits of a registration number.
pub const REGNO_LEN: usize = 15;

/// Why a text is not a valid 15-digit registration number. Positions are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegNoError {
    /// Not 15 characters.
    #[error("wrong length: {found} characters found, {expected} expected")]
    Length {
        /// 15 for a number, 14 for the part before the check digit.
        expected: usize,
        /// The characters found.
        found: usize,
    },
    /// A character that is not an ASCII digit.
    #[error(
        "invalid character {found:?} at position {position}: a registration number has digits only"
    )]
    NotADigit {
        /// Where.
        position: usize,
        /// What.
        found: char,
    },
    /// The 15th digit is not the check digit of the first 14.
    #[error(
        "wrong check digit at position 15: expected {expected:?}, found {found:?} (ISO 7064 MOD 11,10)"
    )]
    CheckMismatch {
        /// The check digit the first 14 call for.
        expected: char,
        /// The digit found.
        found: char,
    },
}

/// A valid 15-digit registration number (注册号).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegistrationNumber(String);

/// The digits of `s`, which must have `expected` characters.
fn digits(s: &str, expected: usize) -> Result<Vec<u32>, RegNoError> {
    let found = s.chars().count();
    if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        // A stray character says more than a length when the length is right or close.
        if found == expected || c.is_whitespace() {
            return Err(RegNoError::NotADigit {
                position: i + 1,
                found: c,
            });
        }
    }
    if found != expected {
        return Err(RegNoError::Length { expected, found });
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            c.to_digit(10).ok_or(RegNoError::NotADigit {
                position: i + 1,
                found: c,
            })
        })
        .collect()
}

/// ISO 7064 MOD 11,10 over some digits: the running product `p` after them (start 10).
fn mod_11_10(digits: &[u32]) -> u32 {
    digits.iter().fold(10, |p, d| {
        let s = (p + d) % 10;
        let s = if s == 0 { 10 } else { s };
        (2 * s) % 11
    })
}

impl RegistrationNumber {
    /// Validates 15 digits exactly as given (no trimming: the formats layer trims and says so).
    ///
    /// # Errors
    ///
    /// [`RegNoError`]: length, a non-digit (with its position), or a wrong check digit.
    pub fn parse(s: &str) -> Result<RegistrationNumber, RegNoError> {
        let d = digits(s, REGNO_LEN)?;
        let expected = Self::check_for(&d[..REGNO_LEN - 1]);
        let found = char::from_digit(d[REGNO_LEN - 1], 10).unwrap_or('?');
        if expected != found {
            return Err(RegNoError::CheckMismatch { expected, found });
        }
        Ok(RegistrationNumber(s.to_owned()))
    }

    /// The check digit of the first 14 digits.
    ///
    /// # Errors
    ///
    /// [`RegNoError`] when `first14` is not 14 digits.
    pub fn check_digit(first14: &str) -> Result<char, RegNoError> {
        digits(first14, REGNO_LEN - 1).map(|d| Self::check_for(&d))
    }

    fn check_for(first14: &[u32]) -> char {
        let p = mod_11_10(first14);
        char::from_digit((11 - p) % 10, 10).unwrap_or('?')
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Positions 1–6: the division code (GB/T 2260) of the first registration authority.
    pub fn division_code(&self) -> &str {
        &self.0[..6]
    }
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard's other statement of the check: run over all 15 digits, the last `s`
    /// (before doubling) is 1 exactly when the number is valid.
    fn valid_by_the_running_sum(number: &str) -> bool {
        let d: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
        let p = mod_11_10(&d[..14]);
        (p + d[14]) % 10 == 1
    }

    fn first14(seed: u64) -> String {
        // A small LCG: enough spread to reach every check digit.
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (0..14)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                char::from_digit(((x >> 33) % 10) as u32, 10).unwrap()
            })
            .collect()
    }

    #[test]
    fn computed_check_digits_validate_both_ways_and_catch_every_single_error() {
        let mut seen = [false; 10];
        for seed in 0..2000 {
            let head = first14(seed);
            let check = RegistrationNumber::check_digit(&head).unwrap();
            seen[check.to_digit(10).unwrap() as usize] = true;
            let number = format!("{head}{check}");
            assert!(RegistrationNumber::parse(&number).is_ok(), "{number}");
            assert!(valid_by_the_running_sum(&number), "{number}");
            // Every single-digit substitution is caught (MOD 11,10 guarantees it).
            for pos in 0..15 {
                for d in 0..10u8 {
                    let mut bytes = number.clone().into_bytes();
                    if bytes[pos] == b'0' + d {
                        continue;
                    }
                    bytes[pos] = b'0' + d;
                    let wrong = String::from_utf8(bytes).unwrap();
                    assert!(RegistrationNumber::parse(&wrong).is_err(), "{wrong}");
                    assert!(!valid_by_the_running_sum(&wrong), "{wrong}");
                }
            }
        }
        assert!(
            seen.iter().all(|s| *s),
            "every check digit occurs: {seen:?}"
        );
    }

    #[test]
    fn the_published_examples_of_iso_7064_mod_11_10() {
        // The examples in python-stdnum's documentation of the algorithm (an independent
        // implementation): 79462 → 3, 00200667308 → 5.
        let check = |s: &str| {
            let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
            (11 - mod_11_10(&d)) % 10
        };
        assert_eq!((check("79462"), check("00200667308")), (3, 5));
        assert!(RegistrationNumber::parse("110108000000016").is_ok());
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(
            RegistrationNumber::parse("33010600001234").unwrap_err(),
            RegNoError::Length {
                expected: 15,
                found: 14
            }
        );
        assert_eq!(
            RegistrationNumber::parse("3301060000I2341").unwrap_err(),
            RegNoError::NotADigit {
                position: 11,
                found: 'I'
            }
        );
        assert_eq!(
            RegistrationNumber::parse(" 33010600001234").unwrap_err(),
            RegNoError::NotADigit {
                position: 1,
                found: ' '
            }
        );
        assert!(RegistrationNumber::parse("").is_err());
        assert!(RegistrationNumber::parse("９３０１０６０００００１２３４１").is_err());
        let n = RegistrationNumber::parse("330106000012340").unwrap();
        assert_eq!(
            (n.as_str(), n.to_string().as_str()),
            ("330106000012340", "330106000012340")
        );
    }
}
