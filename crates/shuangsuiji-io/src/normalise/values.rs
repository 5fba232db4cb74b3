//! One cell made canonical, by its field's type.

use super::Changes;
use crate::profile::{Field, FieldType, Profile, Vocab, half_width};
use crate::regno::RegistrationNumber;
use crate::table::{Cell, Place, Value, excel_serial_date, number_text};
use chrono::{NaiveDate, NaiveTime};
use shuangsuiji::credit::CreditCode;

/// The form a date was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateForm {
    /// `2026-03-05`: canonical.
    Iso,
    /// `2026-03-05 00:00:00` (or `T`, or without seconds).
    IsoWithTime,
    /// `2026-3-5`.
    ShortDashes,
    /// `2026/3/5` or `2026/03/05`.
    Slashes,
    /// `2026.3.5`.
    Dots,
    /// `20260305`.
    Compact,
    /// `2026年3月5日`.
    Chinese,
    /// An Excel serial number written as text, `46086` (five digits), read in the 1900
    /// system.
    Serial,
    /// Long-term: `9999-09-09`, `9999-12-31` (in any of the forms above), 长期, 长期有效,
    /// 永久, 永久有效.
    LongTerm,
}

impl DateForm {
    fn describe(self) -> &'static str {
        match self {
            DateForm::Iso => "YYYY-MM-DD",
            DateForm::IsoWithTime => "YYYY-MM-DD hh:mm:ss",
            DateForm::ShortDashes => "YYYY-M-D",
            DateForm::Slashes => "YYYY/M/D",
            DateForm::Dots => "YYYY.M.D",
            DateForm::Compact => "YYYYMMDD",
            DateForm::Chinese => "YYYY年M月D日",
            DateForm::Serial => "an Excel serial number (1900 system)",
            DateForm::LongTerm => "long-term",
        }
    }
}

/// Reads a date in any of the [`DateForm`]s (full-width digits are read as digits); the date
/// with its form and whether a time of day other than midnight was dropped. A long-term date
/// comes back as 9999-12-31 with [`DateForm::LongTerm`].
///
/// ```
/// use shuangsuiji_io::normalise::{parse_date, DateForm};
/// let d = |s| parse_date(s).map(|(d, f, _)| (d.to_string(), f));
/// assert_eq!(d("2029-07-19 00:00:00"), Some(("2029-07-19".into(), DateForm::IsoWithTime)));
/// assert_eq!(d("20170810"), Some(("2017-08-10".into(), DateForm::Compact)));
/// assert_eq!(d("2026/3/5"), Some(("2026-03-05".into(), DateForm::Slashes)));
/// assert_eq!(d("2026年3月5日"), Some(("2026-03-05".into(), DateForm::Chinese)));
/// assert_eq!(d("46086"), Some(("2026-03-05".into(), DateForm::Serial)));
/// assert_eq!(d("9999-09-09").map(|x| x.1), Some(DateForm::LongTerm));
/// assert_eq!(d("2026-02-30"), None);
/// ```
pub fn parse_date(text: &str) -> Option<(NaiveDate, DateForm, bool)> {
    let s: String = text.trim().chars().map(half_width).collect();
    let s = s.trim();
    if matches!(s, "长期" | "长期有效" | "永久" | "永久有效") {
        return Some((long_term(), DateForm::LongTerm, false));
    }
    let found = date_only(s).map(|(d, f)| (d, f, false)).or_else(|| {
        // A time after the date: `2029-07-19 00:00:00`, `2029-07-19T08:30`.
        let (date, time) = s.split_once([' ', 'T'])?;
        let (d, form) = date_only(date.trim())?;
        let t = time.trim();
        let time = ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
            .iter()
            .find_map(|f| NaiveTime::parse_from_str(t, f).ok())?;
        let form = if form == DateForm::Iso {
            DateForm::IsoWithTime
        } else {
            form
        };
        Some((d, form, time != NaiveTime::MIN))
    });
    if let Some((d, _, _)) = found
        && d.format("%Y").to_string() == "9999"
        && matches!(d.format("%m-%d").to_string().as_str(), "09-09" | "12-31")
    {
        return Some((d, DateForm::LongTerm, false));
    }
    found
}

fn long_term() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// A date without time in one of the forms.
fn date_only(s: &str) -> Option<(NaiveDate, DateForm)> {
    let ymd = |y: &str, m: &str, d: &str| -> Option<NaiveDate> {
        let ok = |p: &str, max: usize| {
            !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit())
        };
        if !(y.len() == 4 && ok(y, 4) && ok(m, 2) && ok(d, 2)) {
            return None;
        }
        NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    };
    if let Some(rest) = s.strip_suffix('日')
        && let Some((y, md)) = rest.split_once('年')
        && let Some((m, d)) = md.split_once('月')
    {
        return ymd(y.trim(), m.trim(), d.trim()).map(|x| (x, DateForm::Chinese));
    }
    for (sep, form) in [
        ('-', DateForm::ShortDashes),
        ('/', DateForm::Slashes),
        ('.', DateForm::Dots),
    ] {
        let parts: Vec<&str> = s.split(sep).collect();
        if let [y, m, d] = parts.as_slice() {
            let date = ymd(y, m, d)?;
            let form = if sep == '-' && m.len() == 2 && d.len() == 2 {
                DateForm::Iso
            } else {
                form
            };
            return Some((date, form));
        }
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return ymd(&s[..4], &s[4..6], &s[6..]).map(|d| (d, DateForm::Compact));
    }
    if s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit()) {
        let serial: f64 = s.parse().ok()?;
        return excel_serial_date(serial, false).map(|d| (d.date(), DateForm::Serial));
    }
    None
}

/// A cell's canonical value, and the value another field takes from it as a fallback (the
/// same, except for a code column's 15-digit registration number, which fills an id but is
/// no credit code).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Norm {
    pub(super) value: String,
    pub(super) fallback: String,
}

impl Norm {
    fn same(value: String) -> Norm {
        Norm {
            fallback: value.clone(),
            value,
        }
    }
}

pub(super) struct Normaliser<'a> {
    pub(super) profile: &'a Profile,
    pub(super) date1904: Option<bool>,
    pub(super) changes: &'a mut Changes,
}

impl Normaliser<'_> {
    fn note(&mut self, field: &Field, what: impl Into<String>, place: &dyn Fn() -> Place) {
        self.changes.record(field.name, what.into(), place);
    }

    /// The text of a cell for a text-like field: numbers as a person reads them, refusing
    /// ones too long to be exact.
    fn text_of(&self, cell: &Cell) -> Result<String, String> {
        if let Value::Number(n) = cell.value
            && n.fract() == 0.0
            && n.abs() >= 1e15
        {
            return Err(format!(
                "is stored as a number ({}), so the workbook kept only 15 significant digits and \
                 the rest may be lost: format the column as text and enter the values again",
                number_text(n)
            ));
        }
        Ok(cell.text.clone())
    }

    fn trimmed(&mut self, field: &Field, text: String, place: &dyn Fn() -> Place) -> String {
        let t = text.trim();
        if t.len() != text.len() {
            self.note(field, "surrounding spaces trimmed", place);
            t.to_owned()
        } else {
            text
        }
    }

    /// Normalises one cell of `field`; `Err` is the problem, said after the value.
    pub(super) fn cell(
        &mut self,
        field: &Field,
        cell: &Cell,
        place: &dyn Fn() -> Place,
    ) -> Result<Norm, String> {
        match field.ty {
            FieldType::Id | FieldType::Text => {
                let text = self.text_of(cell)?;
                Ok(Norm::same(self.trimmed(field, text, place)))
            }
            FieldType::Number => {
                let text = self.text_of(cell)?;
                Ok(Norm::same(self.trimmed(field, text, place)))
            }
            FieldType::Integer => {
                let text = self.trimmed(field, cell.text.clone(), place);
                let half: String = text.chars().map(half_width).collect();
                if half != text {
                    self.note(field, "full-width digits made half-width", place);
                }
                match half.strip_suffix(".0").or_else(|| half.strip_suffix(".00")) {
                    Some(whole)
                        if !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        self.note(field, format!("{half} → {whole}"), place);
                        Ok(Norm::same(whole.to_owned()))
                    }
                    _ => Ok(Norm::same(half)),
                }
            }
            FieldType::Code => self.code(field, cell, place),
            FieldType::Date | FieldType::Expiry => self.date(field, cell, place).map(Norm::same),
            FieldType::Value(vocab) => {
                let text = match cell.value {
                    Value::Bool(b) => b.to_string(),
                    _ => cell.text.clone(),
                };
                self.value(field, vocab, &text, place).map(Norm::same)
            }
            FieldType::List => {
                let text = self.text_of(cell)?;
                let items = self.split(field, &text, place);
                Ok(Norm::same(items.join(";")))
            }
            FieldType::Values(vocab) => {
                let items = self.split(field, &cell.text, place);
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.value(field, vocab, &item, place)?);
                }
                Ok(Norm::same(out.join(";")))
            }
        }
    }

    fn split(&mut self, field: &Field, text: &str, place: &dyn Fn() -> Place) -> Vec<String> {
        let seps = &self.profile.separators;
        let used: Vec<char> = seps
            .iter()
            .copied()
            .filter(|&c| c != ';' && text.contains(c))
            .collect();
        for c in &used {
            self.note(field, format!("list split on `{c}`"), place);
        }
        text.split(|c| seps.contains(&c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn value(
        &mut self,
        field: &Field,
        vocab: Vocab,
        text: &str,
        place: &dyn Fn() -> Place,
    ) -> Result<String, String> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(String::new());
        }
        let Some(canonical) = self.profile.value(vocab, t) else {
            return Err(format!(
                "is not a {} the profile knows; accepted: {}; add it under [values.{}] in a mapping file",
                vocab.what(),
                self.profile.accepted(vocab, 4),
                vocab.name()
            ));
        };
        let canonical = canonical.to_owned();
        if let Some(why) = vocab.pending(&canonical) {
            return Err(why);
        }
        if canonical != t {
            let shown = if canonical.is_empty() {
                "ungraded (empty)"
            } else {
                canonical.as_str()
            };
            self.note(field, format!("{t} → {shown}"), place);
        }
        Ok(canonical)
    }

    fn code(
        &mut self,
        field: &Field,
        cell: &Cell,
        place: &dyn Fn() -> Place,
    ) -> Result<Norm, String> {
        let raw = self.text_of(cell)?;
        if raw.trim().is_empty() {
            return Ok(Norm::default());
        }
        let mut s = self.trimmed(field, raw, place);
        if s.chars().any(char::is_whitespace) {
            s.retain(|c| !c.is_whitespace());
            self.note(field, "spaces inside removed", place);
        }
        let half: String = s.chars().map(half_width).collect();
        if half != s {
            self.note(field, "full-width characters made half-width", place);
            s = half;
        }
        let upper = s.to_ascii_uppercase();
        if upper != s {
            self.note(field, "lower case made upper case", place);
            s = upper;
        }
        let n = s.chars().count();
        if n == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            RegistrationNumber::parse(&s).map_err(|e| {
                format!("is not a valid 15-digit registration number (注册号): {e}")
            })?;
            self.note(
                field,
                "15-digit registration number (注册号, checked with ISO 7064 MOD 11,10) kept for the id \
                 where the id is taken from this column, not as a credit code (the library has no \
                 field for it yet)",
                place,
            );
            let value = if field.helper {
                s.clone()
            } else {
                String::new()
            };
            return Ok(Norm { value, fallback: s });
        }
        if n == 18 {
            CreditCode::parse(&s)
                .map_err(|e| format!("is not a valid unified social credit code: {e}"))?;
            return Ok(Norm::same(s));
        }
        Err(format!(
            "is neither an 18-character unified social credit code nor a 15-digit registration \
             number (注册号): it has {n} characters"
        ))
    }

    fn date(
        &mut self,
        field: &Field,
        cell: &Cell,
        place: &dyn Fn() -> Place,
    ) -> Result<String, String> {
        let expiry = field.ty == FieldType::Expiry;
        let date = match &cell.value {
            Value::Empty => return Ok(String::new()),
            Value::Date(at) => {
                if at.time() != NaiveTime::MIN {
                    self.note(field, "time of day dropped", place);
                }
                at.date()
            }
            Value::Number(n) => {
                let is1904 = self.date1904.unwrap_or(false);
                let d = excel_serial_date(*n, is1904).ok_or_else(|| {
                    "is a number that is no Excel date (a date, or a serial number from 1 to \
                     2958465, is expected)"
                        .to_owned()
                })?;
                self.note(
                    field,
                    format!(
                        "number read as an Excel serial date ({} system{})",
                        if is1904 { "1904" } else { "1900" },
                        if self.date1904.is_some() {
                            ", the workbook's"
                        } else {
                            ""
                        }
                    ),
                    place,
                );
                if d.time() != NaiveTime::MIN {
                    self.note(field, "time of day dropped", place);
                }
                d.date()
            }
            _ => {
                let text = cell.text.trim();
                if text.is_empty() {
                    return Ok(String::new());
                }
                let (d, form, time) = parse_date(text).ok_or_else(|| {
                    format!(
                        "is not a date: write YYYY-MM-DD (also read: YYYY-MM-DD hh:mm:ss, YYYY/M/D, \
                         YYYY.M.D, YYYYMMDD, YYYY年M月D日, an Excel date{})",
                        if expiry { "; 9999-09-09 or 长期 for long-term" } else { "" }
                    )
                })?;
                if form == DateForm::LongTerm {
                    if expiry {
                        self.note(
                            field,
                            format!("long-term {text} → no expiry (empty)"),
                            place,
                        );
                        return Ok(String::new());
                    }
                    return Err("means long-term, which is no date for this field".to_owned());
                }
                if form != DateForm::Iso || text.chars().any(|c| c != half_width(c)) {
                    self.note(field, format!("{} → YYYY-MM-DD", form.describe()), place);
                }
                if time {
                    self.note(field, "time of day dropped", place);
                }
                d
            }
        };
        if expiry && date.format("%Y").to_string() == "9999" {
            self.note(
                field,
                format!("long-term {} → no expiry (empty)", date.format("%Y-%m-%d")),
                place,
            );
            return Ok(String::new());
        }
        Ok(date.format("%Y-%m-%d").to_string())
    }
}
