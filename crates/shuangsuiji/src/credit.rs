//! The unified social credit code (统一社会信用代码, GB 32100-2015).
//!
//! Every regulated entity carries one, and it is the key that links a target pool to the
//! registration authorities, so a code that is silently wrong attaches an inspection result to
//! the wrong business. Platforms fix wrong codes by hand (重错码纠错), which is why every error
//! here says *where* the code is wrong, not only *that* it is.
//!
//! ```
//! use shuangsuiji::credit::CreditCode;
//!
//! let code = CreditCode::parse("91350100M000100Y43")?;
//! assert_eq!(code.division_code(), "350100");
//! assert_eq!(code.check_char(), '3');
//!
//! let err = CreditCode::parse("91350100M000100Y44").unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "wrong check character at position 18: expected '3', found '4'"
//! );
//! # Ok::<(), shuangsuiji::credit::CreditCodeError>(())
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The 31 characters a code may use, in value order; I, O, S, V and Z are left out because they
/// are easily mistaken for 1, 0, 5, U and 2 when read aloud or hand-written.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The weights of positions 1–17 in the check sum: 3^(i−1) mod 31. Every weight is non-zero
/// modulo the prime 31, so changing any single character always changes the check character.
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The length of a code in characters.
pub const CODE_LEN: usize = 18;

/// Why a string is not a valid credit code.
///
/// Positions are 1-based and count characters, as a clerk counts them on paper.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// The string does not have the expected number of characters.
    #[error("wrong length: {found} characters found, {expected} expected")]
    Length {
        /// The number of characters expected (18 for a code, 17 for the part before the check).
        expected: usize,
        /// The number of characters found.
        found: usize,
    },
    /// A character is outside [`ALPHABET`] (this includes white space and lower case).
    #[error("invalid character {found:?} at position {position}{}", invalid_hint(*.found))]
    InvalidCharacter {
        /// 1-based position of the first offending character.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// Positions 1–17 are valid but position 18 is not their check character.
    #[error("wrong check character at position 18: expected {expected:?}, found {found:?}")]
    CheckMismatch {
        /// The check character positions 1–17 call for.
        expected: char,
        /// The check character found at position 18.
        found: char,
    },
}

/// Why a character is refused, in words a clerk can act on.
fn invalid_hint(c: char) -> &'static str {
    if c.is_whitespace() {
        ": white space is not allowed; codes are never trimmed, remove it at the source"
    } else if matches!(c.to_ascii_uppercase(), 'I' | 'O' | 'S' | 'V' | 'Z') {
        ": the letters I, O, S, V and Z are never used in credit codes"
    } else if c.is_ascii_lowercase() {
        ": credit codes are upper case"
    } else {
        ": not one of 0-9 and A-Y without I, O, S, V, Z"
    }
}

/// The value of each ASCII character in [`ALPHABET`], `u8::MAX` for characters outside it.
static VALUES: [u8; 128] = {
    let mut t = [u8::MAX; 128];
    let a = ALPHABET.as_bytes();
    let mut i = 0;
    while i < a.len() {
        t[a[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The value of a character in [`ALPHABET`], if it is one.
fn value_of(c: char) -> Option<u32> {
    let v = *VALUES.get(c as usize)?;
    (v != u8::MAX).then_some(u32::from(v))
}

/// Checks length and alphabet of `s`, which must have `expected` characters; returns the sum of
/// the weighted values of its first 17 characters (modulo 31).
fn weighted_sum(s: &str, expected: usize) -> Result<u32, CreditCodeError> {
    // The usual case, a code of the alphabet only, in one pass over its bytes (the alphabet
    // holds no white space, so the checks below would all pass).
    let in_alphabet = |b: u8| matches!(VALUES.get(usize::from(b)), Some(&v) if v < 31);
    if s.len() == expected && s.bytes().all(in_alphabet) {
        let sum = s
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(VALUES[usize::from(b)]) * w)
            .sum::<u32>();
        return Ok(sum % 31);
    }
    // Surrounding white space is reported as a character error at its position, before the
    // length, because "position 1 is a space" is what the user needs to hear, not "19 characters".
    if let Some(c) = s.chars().next().filter(|c| c.is_whitespace()) {
        return Err(CreditCodeError::InvalidCharacter {
            position: 1,
            found: c,
        });
    }
    let kept = s.trim_end();
    if let Some(c) = s[kept.len()..].chars().next() {
        let position = kept.chars().count() + 1;
        return Err(CreditCodeError::InvalidCharacter { position, found: c });
    }
    let found = s.chars().count();
    if found != expected {
        return Err(CreditCodeError::Length { expected, found });
    }
    let mut sum = 0;
    for (i, c) in s.chars().enumerate() {
        let v = value_of(c).ok_or(CreditCodeError::InvalidCharacter {
            position: i + 1,
            found: c,
        })?;
        if let Some(w) = WEIGHTS.get(i) {
            sum = (sum + v * w) % 31;
        }
    }
    Ok(sum)
}

/// The check character that balances a weighted sum.
fn check_for(sum: u32) -> char {
    let idx = ((31 - sum % 31) % 31) as usize;
    char::from(ALPHABET.as_bytes()[idx])
}

/// Checks a whole code: length, alphabet, then the check character.
pub(crate) fn validate(s: &str) -> Result<(), CreditCodeError> {
    let expected = check_for(weighted_sum(s, CODE_LEN)?);
    // All 18 characters are ASCII now, so the last byte is the check character.
    let found = char::from(s.as_bytes()[CODE_LEN - 1]);
    if expected != found {
        return Err(CreditCodeError::CheckMismatch { expected, found });
    }
    Ok(())
}

/// A valid unified social credit code.
///
/// The only way to get one is through validation, so holding a `CreditCode` means the 18
/// characters are in the alphabet and the check character at position 18 matches.
///
/// Only the GB 32100 check character is enforced. The organisation-code part (positions 9–17)
/// follows GB 11714, which has its own check digit at position 17; that one is deliberately *not*
/// checked, because many codes issued from old registrations carry a position 17 that does not
/// satisfy GB 11714 yet are legally valid and in daily use. Likewise the registration authority,
/// entity type and division code are not checked against their code tables, which change over
/// time; a pool that needs this can check [`CreditCode::division_code`] itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Validates a code exactly as given: no trimming, no case folding, since a code that needs
    /// either was mistyped or mis-exported and should be fixed at its source.
    ///
    /// ```
    /// use shuangsuiji::credit::{CreditCode, CreditCodeError};
    ///
    /// assert!(CreditCode::parse("91350100M000100Y43").is_ok());
    /// assert_eq!(
    ///     CreditCode::parse("91350100M0001OOY43"),
    ///     Err(CreditCodeError::InvalidCharacter { position: 14, found: 'O' })
    /// );
    /// ```
    pub fn parse(s: &str) -> Result<Self, CreditCodeError> {
        validate(s)?;
        Ok(Self(s.to_owned()))
    }

    /// A code known to be valid (read back from a pool that checked it).
    pub(crate) fn trusted(s: &str) -> Self {
        debug_assert!(validate(s).is_ok());
        Self(s.to_owned())
    }

    /// Computes the check character for the first 17 characters of a code, for generating
    /// demo data and for telling a clerk what position 18 should be.
    ///
    /// ```
    /// use shuangsuiji::credit::CreditCode;
    /// assert_eq!(CreditCode::check_character("91350100M000100Y4"), Ok('3'));
    /// ```
    pub fn check_character(first17: &str) -> Result<char, CreditCodeError> {
        weighted_sum(first17, CODE_LEN - 1).map(check_for)
    }

    /// Completes 17 characters with their check character into a code, for demo data and tests.
    pub fn from_first17(first17: &str) -> Result<Self, CreditCodeError> {
        let check = Self::check_character(first17)?;
        let mut s = String::with_capacity(CODE_LEN);
        s.push_str(first17);
        s.push(check);
        Ok(Self(s))
    }

    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Position 1: the registration authority (e.g. `9` market regulation, `1` institutional
    /// staffing, `5` civil affairs), which decides which register the entity lives in.
    pub fn registration_authority(&self) -> char {
        self.char_at(0)
    }

    /// Position 2: the entity type within that authority (e.g. `1` enterprise, `2` individual
    /// business, `3` farmers' cooperative under authority `9`).
    pub fn entity_type(&self) -> char {
        self.char_at(1)
    }

    /// Positions 3–8: the administrative division code of the registering office (GB/T 2260),
    /// e.g. `420281` for Daye; it places the entity in a region of the target pool.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: the organisation code (GB 11714); its own check digit is not enforced.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }

    /// Position 18: the GB 32100 check character.
    pub fn check_char(&self) -> char {
        self.char_at(17)
    }

    fn char_at(&self, i: usize) -> char {
        // Validated codes are ASCII, so byte and character positions coincide.
        char::from(self.0.as_bytes()[i])
    }
}

/// Validates many codes at once, keeping input order, so that an import can report every bad
/// row instead of stopping at the first one.
pub fn validate_many<'a>(
    codes: impl IntoIterator<Item = &'a str>,
) -> Vec<Result<CreditCode, CreditCodeError>> {
    codes.into_iter().map(CreditCode::parse).collect()
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;
    fn from_str(s: &str) -> Result<Self, CreditCodeError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, CreditCodeError> {
        validate(&s)?;
        Ok(Self(s))
    }
}

impl TryFrom<&str> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: &str) -> Result<Self, CreditCodeError> {
        Self::parse(s)
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> String {
        code.0
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VALID: &[&str] = &[
        "91350100M000100Y43", // the example printed in GB 32100-2015
        "91420281MA4932XG6U",
        "92420281MA4C6Y1B0B",
        "93420281MA49AB3K1W",
        "124202810111111114",
        "11420281000000001N",
        "52420281MJH123456F",
        "91610103MA6TG1XE7P",
        "Y1420281MA00000X0N",
    ];

    #[test]
    fn weights_are_powers_of_three_and_never_zero() {
        let mut w = 1;
        for &weight in &WEIGHTS {
            assert_eq!(weight, w);
            assert_ne!(weight % 31, 0);
            w = w * 3 % 31;
        }
        assert_eq!(ALPHABET.chars().count(), 31);
        assert!(!ALPHABET.contains(['I', 'O', 'S', 'V', 'Z']));
    }

    #[test]
    fn accepts_known_codes_and_splits_parts() {
        for s in VALID {
            let code = CreditCode::parse(s).unwrap();
            assert_eq!(code.as_str(), *s);
            assert_eq!(code.to_string(), *s);
            assert_eq!(s.parse::<CreditCode>().unwrap(), code);
        }
        let code = CreditCode::parse("91420281MA4932XG6U").unwrap();
        assert_eq!(code.registration_authority(), '9');
        assert_eq!(code.entity_type(), '1');
        assert_eq!(code.division_code(), "420281");
        assert_eq!(code.organisation_code(), "MA4932XG6");
        assert_eq!(code.check_char(), 'U');
    }

    #[test]
    fn computes_check_character() {
        assert_eq!(CreditCode::check_character("91350100M000100Y4"), Ok('3'));
        assert_eq!(CreditCode::check_character("12420281011111111"), Ok('4'));
        assert_eq!(
            CreditCode::check_character("91350100M000100Y43"),
            Err(CreditCodeError::Length {
                expected: 17,
                found: 18
            })
        );
        assert_eq!(
            CreditCode::from_first17("91420281MA4932XG6")
                .unwrap()
                .as_str(),
            "91420281MA4932XG6U"
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let err = CreditCode::parse("9135０100M000100Y43").unwrap_err();
        // 18 characters, 20 bytes: the full-width digit is a character error, not a length one.
        assert_eq!(
            err,
            CreditCodeError::InvalidCharacter {
                position: 5,
                found: '０'
            }
        );
        assert_eq!(
            CreditCode::parse("统一社会信用代码"),
            Err(CreditCodeError::Length {
                expected: 18,
                found: 8
            })
        );
        assert_eq!(
            CreditCode::parse(""),
            Err(CreditCodeError::Length {
                expected: 18,
                found: 0
            })
        );
        let err = CreditCode::parse("91350100M000100Y4").unwrap_err();
        assert_eq!(
            err.to_string(),
            "wrong length: 17 characters found, 18 expected"
        );
    }

    #[test]
    fn invalid_characters_name_position_and_reason() {
        let err = CreditCode::parse("91350100M0001O0Y43").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::InvalidCharacter {
                position: 14,
                found: 'O'
            }
        );
        assert!(err.to_string().contains("position 14"), "{err}");
        assert!(err.to_string().contains("I, O, S, V and Z"), "{err}");
        for (i, bad) in ['I', 'S', 'V', 'Z'].into_iter().enumerate() {
            let mut s: Vec<char> = "91350100M000100Y43".chars().collect();
            s[i + 2] = bad;
            let s: String = s.into_iter().collect();
            assert_eq!(
                CreditCode::parse(&s),
                Err(CreditCodeError::InvalidCharacter {
                    position: i + 3,
                    found: bad
                })
            );
        }
        let err = CreditCode::parse("91350100m000100Y43").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::InvalidCharacter {
                position: 9,
                found: 'm'
            }
        );
        assert!(err.to_string().contains("upper case"), "{err}");
        let err = CreditCode::parse("91350100o000100Y43").unwrap_err();
        assert!(err.to_string().contains("I, O, S, V and Z"), "{err}");
        let err = CreditCode::parse("91350100M000100Y4-").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::InvalidCharacter {
                position: 18,
                found: '-'
            }
        );
    }

    #[test]
    fn surrounding_white_space_is_refused_where_it_is() {
        let err = CreditCode::parse(" 91350100M000100Y43").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::InvalidCharacter {
                position: 1,
                found: ' '
            }
        );
        assert!(err.to_string().contains("never trimmed"), "{err}");
        assert_eq!(
            CreditCode::parse("91350100M000100Y43\n"),
            Err(CreditCodeError::InvalidCharacter {
                position: 19,
                found: '\n'
            })
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y43\t "),
            Err(CreditCodeError::InvalidCharacter {
                position: 19,
                found: '\t'
            })
        );
        // Inner white space that keeps the length is an ordinary character error.
        assert_eq!(
            CreditCode::parse("91350100 000100Y43"),
            Err(CreditCodeError::InvalidCharacter {
                position: 9,
                found: ' '
            })
        );
        assert!(CreditCode::check_character(" 1350100M000100Y4").is_err());
    }

    #[test]
    fn wrong_check_character_names_expected_and_found() {
        let err = CreditCode::parse("91350100M000100Y44").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::CheckMismatch {
                expected: '3',
                found: '4'
            }
        );
        assert_eq!(
            err.to_string(),
            "wrong check character at position 18: expected '3', found '4'"
        );
    }

    #[test]
    fn validate_many_keeps_order() {
        let out = validate_many(["91350100M000100Y43", "x", "91350100M000100Y44"]);
        assert_eq!(out.len(), 3);
        assert!(out[0].is_ok());
        assert!(matches!(
            out[1],
            Err(CreditCodeError::Length { found: 1, .. })
        ));
        assert!(matches!(out[2], Err(CreditCodeError::CheckMismatch { .. })));
    }

    #[test]
    fn json_round_trip_validates() {
        let code = CreditCode::parse("91350100M000100Y43").unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, "\"91350100M000100Y43\"");
        assert_eq!(serde_json::from_str::<CreditCode>(&json).unwrap(), code);
        for bad in [
            "\"91350100M000100Y44\"",
            "\"\"",
            "\"91350100m000100Y43\"",
            "18",
            "null",
        ] {
            assert!(serde_json::from_str::<CreditCode>(bad).is_err(), "{bad}");
        }
        let err = serde_json::from_str::<CreditCode>("\"91350100M000100Y44\"").unwrap_err();
        assert!(err.to_string().contains("position 18"), "{err}");
    }

    /// The shared golden vectors, which the C and Python layers check too.
    #[test]
    fn golden_vectors() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/vectors/credit_codes.json")).unwrap();
        let valid = v["valid"].as_array().unwrap();
        let invalid = v["invalid"].as_array().unwrap();
        assert!(valid.len() >= 10 && invalid.len() >= 10);
        for code in valid {
            let s = code.as_str().unwrap();
            CreditCode::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        }
        for case in invalid {
            let s = case["code"].as_str().unwrap();
            let position = case["position"].as_u64().map(|p| p as usize);
            let expected_check = case["expected_check"].as_str().map(|c| c.parse().unwrap());
            let err = CreditCode::parse(s).expect_err(s);
            match (case["error"].as_str().unwrap(), err) {
                (
                    "length",
                    CreditCodeError::Length {
                        expected: 18,
                        found,
                    },
                ) => {
                    assert_eq!(found, s.chars().count(), "{s:?}");
                    assert_eq!(position, None, "{s:?}");
                    assert_eq!(expected_check, None, "{s:?}");
                }
                ("character", CreditCodeError::InvalidCharacter { position: p, found }) => {
                    assert_eq!(position, Some(p), "{s:?}");
                    assert_eq!(s.chars().nth(p - 1), Some(found), "{s:?}");
                    assert_eq!(expected_check, None, "{s:?}");
                }
                ("check", CreditCodeError::CheckMismatch { expected, found }) => {
                    assert_eq!(position, Some(18), "{s:?}");
                    assert_eq!(expected_check, Some(expected), "{s:?}");
                    assert_eq!(s.chars().nth(17), Some(found), "{s:?}");
                }
                (kind, err) => panic!("{s:?}: vector says {kind}, got {err:?}"),
            }
        }
    }

    fn first17() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET.as_bytes().to_vec()), 17)
            .prop_map(|v| String::from_utf8(v).unwrap())
    }

    proptest! {
        #[test]
        fn computed_check_always_parses(body in first17()) {
            let check = CreditCode::check_character(&body).unwrap();
            let code = CreditCode::parse(&format!("{body}{check}")).unwrap();
            prop_assert_eq!(code.check_char(), check);
            prop_assert_eq!(CreditCode::from_first17(&body).unwrap(), code);
        }

        /// Guaranteed by the scheme: 31 is prime and no weight is 0 mod 31, so a single
        /// substitution at positions 1–17 shifts the sum by (new − old)·wᵢ ≢ 0; at position 18
        /// the check character itself changes.
        #[test]
        fn any_single_substitution_is_detected(
            body in first17(),
            pos in 0usize..18,
            shift in 1usize..31,
        ) {
            let code = CreditCode::from_first17(&body).unwrap();
            let mut bytes = code.as_str().as_bytes().to_vec();
            let old = ALPHABET.find(char::from(bytes[pos])).unwrap();
            bytes[pos] = ALPHABET.as_bytes()[(old + shift) % 31];
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted", changed);
        }

        /// Also guaranteed: 3 is a primitive root mod 31, so neighbouring weights always differ
        /// (including position 17 against the check character, whose implicit weight is 1).
        #[test]
        fn any_adjacent_transposition_is_detected(body in first17(), pos in 0usize..17) {
            let code = CreditCode::from_first17(&body).unwrap();
            let mut bytes = code.as_str().as_bytes().to_vec();
            prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = CreditCode::parse(&s);
        }
    }
}
