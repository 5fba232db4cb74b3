//! Column and value profiles: which header names mean which library field, and which cell
//! values mean which canonical value, for every table the library reads.
//!
//! [`Profile::builtin`] knows the headers and values of the provincial platforms' templates
//! and exports (Chinese) and the library's own names (English); a user's mapping file
//! ([`Profile::with_mapping`], TOML, `docs/FORMATS.md`) adds to it or overrides it for other
//! provinces. A profile is data: [`crate::normalise`] applies it.
//!
//! Matching is on *folded* text ([`fold`]): surrounding and inner white space removed,
//! full-width ASCII made half-width (`Ａ` → `A`, `（` → `(`), ASCII letters lower-cased. So
//! `信用风险分类` matches `信用风险分类 `, `Ａ类` matches `A类`, and `通过登记的住所(经营场所)无法联系`
//! matches the library's `通过登记的住所（经营场所）无法联系`.

mod builtin;
mod mapping;

pub use mapping::MappingError;

use shuangsuiji::kpi::Table;
use shuangsuiji::lifecycle::ResultCode;
use shuangsuiji::risk::{RiskGrade, Stratum};
use shuangsuiji::target::{TargetKind, TargetStatus};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// A table the library reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TableKind {
    /// A target pool (检查对象名录库), read by `shuangsuiji::pool_csv::parse_pool`.
    Pool,
    /// An inspection history, read by `pool_csv::parse_history`.
    History,
    /// An inspector pool (执法检查人员名录库), read by `pool_csv::parse_inspectors`.
    Inspectors,
    /// One of the KPI tables of `docs/KPI.md`, read by `shuangsuiji::kpi::KpiInput::from_csv`.
    Kpi(Table),
}

impl TableKind {
    /// Every table kind.
    pub const ALL: [TableKind; 11] = [
        TableKind::Pool,
        TableKind::History,
        TableKind::Inspectors,
        TableKind::Kpi(Table::Departments),
        TableKind::Kpi(Table::Items),
        TableKind::Kpi(Table::Plans),
        TableKind::Kpi(Table::Tasks),
        TableKind::Kpi(Table::Drawn),
        TableKind::Kpi(Table::Results),
        TableKind::Kpi(Table::FollowUps),
        TableKind::Kpi(Table::Unplanned),
    ];

    /// The name of the table's section in a mapping file (`pool`, `history`, `inspectors`,
    /// and the KPI tables' file names without `.csv`: `results`, `follow_ups`, …).
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Pool => "pool",
            TableKind::History => "history",
            TableKind::Inspectors => "inspectors",
            TableKind::Kpi(Table::Departments) => "departments",
            TableKind::Kpi(Table::Items) => "items",
            TableKind::Kpi(Table::Plans) => "plans",
            TableKind::Kpi(Table::Tasks) => "tasks",
            TableKind::Kpi(Table::Drawn) => "drawn",
            TableKind::Kpi(Table::Results) => "results",
            TableKind::Kpi(Table::FollowUps) => "follow_ups",
            TableKind::Kpi(Table::Unplanned) => "unplanned",
        }
    }

    /// The table kind of a mapping-file section name.
    pub fn from_name(name: &str) -> Option<TableKind> {
        TableKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The fields of the table: the library's own columns (in the order the core writes
    /// them), then the formats layer's helper fields (not written out).
    pub fn fields(self) -> &'static [Field] {
        builtin::fields(self)
    }

    /// A field by name.
    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }
}

impl fmt::Display for TableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a field holds, and so how its cells are normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// An id: trimmed, otherwise as it is.
    Id,
    /// Free text: trimmed, otherwise as it is (line breaks kept).
    Text,
    /// A unified social credit code (18 characters) or an old 15-digit registration number:
    /// spaces removed, full-width made half-width, upper-cased, then checked.
    Code,
    /// A date, written `YYYY-MM-DD`.
    Date,
    /// A date that may be “long-term” (`9999-09-09`, `9999-12-31`, 长期, 长期有效, 永久):
    /// long-term is written as empty (no expiry).
    Expiry,
    /// A whole number (`7.0` of a workbook is `7`).
    Integer,
    /// A decimal number, trimmed.
    Number,
    /// One value of a vocabulary.
    Value(Vocab),
    /// A list of ids or text, split on the profile's separators and joined with `;`.
    List,
    /// A list of values of a vocabulary (result codes), joined with `;`.
    Values(Vocab),
}

/// One field of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The library's name (the core's CSV header).
    pub name: &'static str,
    /// How its cells are read.
    pub ty: FieldType,
    /// Whether the core needs the column (it may still be filled by a fallback or default).
    pub required: bool,
    /// A helper field of the formats layer, not a library column: read and checked, used
    /// to fill another field (see [`Field::fallback`]), never written out.
    pub helper: bool,
    /// Fields whose (normalised) value fills this one when its own column is absent or its
    /// cell is empty, in order: e.g. a pool's `id` from `credit_code`, then from
    /// `registration_number`.
    pub fallback: &'static [&'static str],
}

/// A vocabulary of canonical values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vocab {
    /// Target kinds (`shuangsuiji::target::TargetKind`).
    Kind,
    /// Registration statuses (`TargetStatus`).
    Status,
    /// Credit-risk grades (`RiskGrade`); empty is ungraded.
    Grade,
    /// Strata of a draw (`Stratum`): the grades and `ungraded`.
    Stratum,
    /// Result codes (`lifecycle::ResultCode`), by name.
    ResultCode,
    /// Follow-up disposals (`lifecycle::FollowUpKind`).
    FollowUp,
    /// Plan kinds of `plans.csv`: `single`, `joint`.
    PlanKind,
    /// Yes/no: `true`, `false`.
    Flag,
    /// An inspector's state (执法人员状态) read as the `active` flag: `true`, `false`.
    Active,
}

impl Vocab {
    /// Every vocabulary.
    pub const ALL: [Vocab; 9] = [
        Vocab::Kind,
        Vocab::Status,
        Vocab::Grade,
        Vocab::Stratum,
        Vocab::ResultCode,
        Vocab::FollowUp,
        Vocab::PlanKind,
        Vocab::Flag,
        Vocab::Active,
    ];

    /// The name of its section in a mapping file (`[values.grade]`).
    pub fn name(self) -> &'static str {
        match self {
            Vocab::Kind => "kind",
            Vocab::Status => "status",
            Vocab::Grade => "grade",
            Vocab::Stratum => "stratum",
            Vocab::ResultCode => "result_code",
            Vocab::FollowUp => "follow_up",
            Vocab::PlanKind => "plan_kind",
            Vocab::Flag => "flag",
            Vocab::Active => "active",
        }
    }

    /// What it is, for messages.
    pub fn what(self) -> &'static str {
        match self {
            Vocab::Kind => "target kind",
            Vocab::Status => "registration status",
            Vocab::Grade => "credit-risk grade",
            Vocab::Stratum => "stratum",
            Vocab::ResultCode => "result code",
            Vocab::FollowUp => "follow-up disposal",
            Vocab::PlanKind => "plan kind",
            Vocab::Flag => "yes/no value",
            Vocab::Active => "inspector state",
        }
    }

    /// The canonical values a profile may map to, including the ones this version of the
    /// library does not accept yet (see [`Vocab::pending`]).
    pub fn canonical(self) -> Vec<String> {
        let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        match self {
            Vocab::Kind => TargetKind::ALL
                .iter()
                .map(|k| k.name().to_owned())
                .collect(),
            Vocab::Status => TargetStatus::ALL
                .iter()
                .map(|s| s.name().to_owned())
                .collect(),
            Vocab::Grade => owned(&["A", "B", "C", "D", "", "E"]),
            Vocab::Stratum => owned(&["A", "B", "C", "D", "ungraded"]),
            Vocab::ResultCode => {
                let mut v: Vec<String> = ResultCode::KNOWN
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect();
                v.push("other".to_owned());
                v
            }
            Vocab::FollowUp => owned(&["none_needed", "rectified", "case_transferred", "referred"]),
            Vocab::PlanKind => owned(&["single", "joint"]),
            Vocab::Flag | Vocab::Active => owned(&["true", "false"]),
        }
    }

    /// Whether the core of this version accepts a canonical value; asked of the core's own
    /// parsers, so a value the core gains later is accepted from then on without a change
    /// here (as the status `cancelled` was).
    pub fn core_accepts(self, canonical: &str) -> bool {
        match self {
            Vocab::Kind => TargetKind::from_str(canonical).is_ok(),
            Vocab::Status => TargetStatus::from_str(canonical).is_ok(),
            Vocab::Grade => canonical.is_empty() || RiskGrade::from_str(canonical).is_ok(),
            Vocab::Stratum => Stratum::from_str(canonical).is_ok(),
            Vocab::ResultCode => !matches!(ResultCode::from(canonical), ResultCode::Other(_)),
            _ => self.canonical().iter().any(|c| c == canonical),
        }
    }

    /// Why a canonical value the profile knows is not accepted by this version of the
    /// library, and what to do: `None` when it is accepted.
    pub fn pending(self, canonical: &str) -> Option<String> {
        if self.core_accepts(canonical) {
            return None;
        }
        Some(match (self, canonical) {
            (Vocab::Grade, "E") => "is the fifth class of a five-class (A–E) scheme, which has no \
                 stratum in the library (strata A–D and ungraded, docs/FORMATS.md); state how it \
                 maps in a mapping file, e.g. [values.grade] \"E\" = \"D\""
                .to_owned(),
            (Vocab::ResultCode, "other") => "is 其他, a code the library does not know, so it \
                 cannot tell whether a problem was found; map it to a known code in a mapping \
                 file, e.g. [values.result_code] \"其他\" = \"no_problem_found\""
                .to_owned(),
            _ => format!(
                "means {canonical:?}, which this version of the library does not accept as a {}",
                self.what()
            ),
        })
    }

    /// The vocabulary of a mapping-file section name.
    pub fn from_name(name: &str) -> Option<Vocab> {
        Vocab::ALL.into_iter().find(|v| v.name() == name)
    }
}

/// The rule that finds the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderRule {
    /// How many rows from the top are searched.
    pub scan_rows: usize,
    /// The header is the first row in which at least this many cells are known column names
    /// of the table (or all of them, for a table with fewer columns).
    pub min_matches: usize,
}

impl Default for HeaderRule {
    fn default() -> HeaderRule {
        HeaderRule {
            scan_rows: 30,
            min_matches: 2,
        }
    }
}

/// What a header name means in a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnTarget {
    /// A field of the table.
    Field(&'static str),
    /// A column the profile knows and leaves out (序号, 性别, …): noted, not an error.
    Ignore,
}

/// Headers and values of every table, and how lists are separated.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Per table: folded header name → target. A user's mapping adds and replaces entries.
    columns: HashMap<TableKind, HashMap<String, ColumnTarget>>,
    /// Per vocabulary: folded label → (canonical value, the label as written).
    values: HashMap<Vocab, HashMap<String, (String, String)>>,
    /// Per table: field → a value used when the file has no column for it.
    defaults: HashMap<TableKind, Vec<(&'static str, String)>>,
    /// The characters that separate the items of a list cell.
    pub separators: Vec<char>,
    /// How the header row is found.
    pub header: HeaderRule,
    /// The rules of the user's mapping file for grades (`[values.grade]`), label as written →
    /// canonical grade (`""` for ungraded), sorted by label: what a draw record publishes
    /// as its `grade_rules`.
    grade_rules: Vec<(String, String)>,
}

/// The list separators the built-in profile splits on: `;` `；` `,` `，` `、`.
pub const SEPARATORS: [char; 5] = [';', '；', ',', '，', '、'];

impl Profile {
    /// The built-in profile: the platforms' Chinese headers and values and the library's own
    /// names (the full lists are in `docs/FORMATS.md`).
    pub fn builtin() -> Profile {
        let mut p = Profile::empty();
        for kind in TableKind::ALL {
            for field in kind.fields() {
                p.add_column(kind, field.name, ColumnTarget::Field(field.name));
            }
            for (field, aliases) in builtin::aliases(kind) {
                for alias in *aliases {
                    let target = if *field == "ignore" {
                        ColumnTarget::Ignore
                    } else {
                        ColumnTarget::Field(field)
                    };
                    p.add_column(kind, alias, target);
                }
            }
        }
        for vocab in Vocab::ALL {
            for c in vocab.canonical() {
                p.add_value(vocab, &c, &c);
            }
            for (canonical, labels) in builtin::labels(vocab) {
                for label in *labels {
                    p.add_value(vocab, label, canonical);
                }
            }
        }
        p.separators = SEPARATORS.to_vec();
        p
    }

    /// A profile that knows only the library's own names (no Chinese headers or labels), with
    /// `;` as the only separator: what the core's readers accept, nothing more.
    pub fn empty() -> Profile {
        let mut p = Profile {
            columns: HashMap::new(),
            values: HashMap::new(),
            defaults: HashMap::new(),
            separators: vec![';'],
            header: HeaderRule::default(),
            grade_rules: Vec::new(),
        };
        for kind in TableKind::ALL {
            for field in kind.fields().iter().filter(|f| !f.helper) {
                p.add_column(kind, field.name, ColumnTarget::Field(field.name));
            }
        }
        for vocab in Vocab::ALL {
            for c in vocab.canonical() {
                p.add_value(vocab, &c, &c);
            }
        }
        p
    }

    /// The built-in profile extended (or, with `builtin = false`, replaced) by a mapping file
    /// in TOML (`docs/FORMATS.md`). `file` names it in messages.
    ///
    /// # Errors
    ///
    /// [`MappingError`]: TOML syntax (with its line), an unknown section, table, field or
    /// vocabulary, or a value that is not a canonical value of its vocabulary.
    pub fn with_mapping(file: &str, toml: &str) -> Result<Profile, MappingError> {
        mapping::apply(file, toml)
    }

    /// Adds (or replaces) a header name of a table.
    pub fn add_column(&mut self, kind: TableKind, header: &str, target: ColumnTarget) {
        self.columns
            .entry(kind)
            .or_default()
            .insert(fold(header), target);
    }

    /// Adds (or replaces) a label of a vocabulary.
    pub fn add_value(&mut self, vocab: Vocab, label: &str, canonical: &str) {
        self.values
            .entry(vocab)
            .or_default()
            .insert(fold(label), (canonical.to_owned(), label.to_owned()));
    }

    /// Records a user's rule for a grade label (see [`Profile::grade_rules`]); the label is
    /// also added as a value.
    pub fn add_grade_rule(&mut self, label: &str, canonical: &str) {
        self.add_value(Vocab::Grade, label, canonical);
        self.grade_rules.retain(|(l, _)| fold(l) != fold(label));
        self.grade_rules
            .push((label.to_owned(), canonical.to_owned()));
    }

    /// The user's rules for grades (a mapping file's `[values.grade]`): each label as written
    /// and the canonical grade it is read as (`""`: ungraded). Empty for the built-in profile.
    pub fn grade_rules(&self) -> &[(String, String)] {
        &self.grade_rules
    }

    /// Sets the value a table's field takes when the file has no column for it.
    pub fn set_default(&mut self, kind: TableKind, field: &'static str, value: &str) {
        let d = self.defaults.entry(kind).or_default();
        d.retain(|(f, _)| *f != field);
        d.push((field, value.to_owned()));
    }

    /// The default of a table's field, if one is set.
    pub fn default_of(&self, kind: TableKind, field: &str) -> Option<&str> {
        self.defaults
            .get(&kind)?
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }

    /// What a header cell means in a table: its folded text, then the same without what
    /// templates add to a name (`*`, `【必填】`, a trailing parenthesis such as `（必填）` or
    /// `（yyyy-mm-dd）`).
    pub fn column(&self, kind: TableKind, header: &str) -> Option<&ColumnTarget> {
        let table = self.columns.get(&kind)?;
        let folded = fold(header);
        if let Some(t) = table.get(&folded) {
            return Some(t);
        }
        let bare = strip_annotations(&folded);
        table.get(&bare).or_else(|| {
            let unparenthesised = strip_trailing_parenthesis(&bare)?;
            table.get(&unparenthesised)
        })
    }

    /// The canonical value of a label: by its folded text, then without a trailing
    /// parenthesis (`有限责任公司(自然人投资或控股)` → `有限责任公司`), then (target kinds only) by
    /// the endings `公司` and `企业` (enterprise). `None` when unknown.
    pub fn value(&self, vocab: Vocab, label: &str) -> Option<&str> {
        let table = self.values.get(&vocab)?;
        let folded = fold(label);
        if let Some((v, _)) = table.get(&folded) {
            return Some(v);
        }
        if let Some(bare) = strip_trailing_parenthesis(&folded)
            && let Some((v, _)) = table.get(&bare)
        {
            return Some(v);
        }
        if vocab == Vocab::Kind {
            let bare = strip_trailing_parenthesis(&folded).unwrap_or(folded);
            if (bare.ends_with("公司") || bare.ends_with("企业"))
                && !bare.contains("个体")
                && !bare.contains("合作社")
                && !bare.contains("非")
            {
                return table.get("enterprise").map(|(v, _)| v.as_str());
            }
        }
        None
    }

    /// The labels of each canonical value of a vocabulary, for messages: `canonical (label,
    /// label, …)`, at most `per_value` labels each.
    pub fn accepted(&self, vocab: Vocab, per_value: usize) -> String {
        let mut out = Vec::new();
        let table = self.values.get(&vocab);
        for c in vocab.canonical() {
            // Values the core does not take yet are explained when met, not offered.
            if !vocab.core_accepts(&c) {
                continue;
            }
            // The built-in labels in their order (the most common first), then a mapping
            // file's, as written.
            let means = |l: &str| {
                table
                    .and_then(|t| t.get(&fold(l)))
                    .is_some_and(|(v, _)| *v == c)
            };
            let mut labels: Vec<&str> = builtin::labels(vocab)
                .iter()
                .filter(|(k, _)| *k == c)
                .flat_map(|(_, ls)| ls.iter().copied())
                .filter(|l| means(l))
                .collect();
            let known: Vec<String> = labels.iter().map(|l| fold(l)).collect();
            let mut rest: Vec<&str> = table
                .into_iter()
                .flatten()
                .filter(|(f, (v, _))| *v == c && **f != fold(&c) && !known.contains(f))
                .map(|(_, (_, l))| l.as_str())
                .collect();
            rest.sort_unstable();
            labels.extend(rest);
            let shown = if c.is_empty() {
                "empty (ungraded)".to_owned()
            } else {
                c.clone()
            };
            if labels.is_empty() {
                out.push(shown);
            } else {
                let more = labels.len().saturating_sub(per_value);
                labels.truncate(per_value);
                let tail = if more > 0 {
                    format!(", … {more} more")
                } else {
                    String::new()
                };
                out.push(format!("{shown} ({}{tail})", labels.join(", ")));
            }
        }
        out.join("; ")
    }

    /// The header names a table's field is known by, for messages: the built-in ones in
    /// their order (the most common first), then a mapping file's (folded, sorted), then the
    /// library's own name.
    pub fn aliases(&self, kind: TableKind, field: &str) -> Vec<String> {
        let name = static_name(kind, field);
        let Some(table) = self.columns.get(&kind) else {
            return Vec::new();
        };
        let means = |h: &str| table.get(&fold(h)) == Some(&ColumnTarget::Field(name));
        let mut out: Vec<String> = builtin::aliases(kind)
            .iter()
            .filter(|(f, _)| *f == name)
            .flat_map(|(_, a)| a.iter())
            .filter(|a| means(a))
            .map(|a| (*a).to_owned())
            .collect();
        let known: Vec<String> = out.iter().map(|a| fold(a)).collect();
        let mut rest: Vec<String> = table
            .iter()
            .filter(|(h, t)| **t == ColumnTarget::Field(name) && !known.contains(h) && *h != name)
            .map(|(h, _)| h.clone())
            .collect();
        rest.sort_unstable();
        out.extend(rest);
        if means(name) {
            out.push(name.to_owned());
        }
        out
    }
}

/// The `'static` name of a field (for comparisons with [`ColumnTarget::Field`]).
fn static_name(kind: TableKind, field: &str) -> &'static str {
    kind.field(field).map_or("", |f| f.name)
}

/// Folds text for matching: white space removed (inside too), full-width ASCII and the
/// ideographic space made half-width, ASCII letters lower-cased.
///
/// ```
/// use shuangsuiji_io::profile::fold;
/// assert_eq!(fold(" Ａ类 "), "a类");
/// assert_eq!(fold("通过登记的住所（经营场所）无法联系"), "通过登记的住所(经营场所)无法联系");
/// assert_eq!(fold("Credit_Code"), "credit_code");
/// ```
pub fn fold(s: &str) -> String {
    s.chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A full-width ASCII character (U+FF01–U+FF5E) or the ideographic space as its half-width
/// form; any other character as it is.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Removes what templates add to a column name: `*` marks, `【…】` notes, and parentheses
/// that say a column is required or optional (`(必填)`, `(选填)`, `(非必填)`).
fn strip_annotations(folded: &str) -> String {
    let mut s: String = folded.chars().filter(|c| !matches!(c, '*' | '※')).collect();
    while let (Some(a), Some(b)) = (s.find('【'), s.find('】')) {
        if b < a {
            break;
        }
        s.replace_range(a..b + '】'.len_utf8(), "");
    }
    for note in [
        "(必填)",
        "(选填)",
        "(非必填)",
        "(必填项)",
        "(选填项)",
        "(可选)",
        "(必录)",
    ] {
        s = s.replace(note, "");
    }
    s
}

/// The text without a trailing `(…)`, if it has one and something before it.
fn strip_trailing_parenthesis(folded: &str) -> Option<String> {
    let body = folded.strip_suffix(')')?;
    let open = body.rfind('(')?;
    (open > 0).then(|| body[..open].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_with_template_annotations() {
        let p = Profile::builtin();
        let field = |kind, h: &str| match p.column(kind, h) {
            Some(ColumnTarget::Field(f)) => Some(*f),
            _ => None,
        };
        assert_eq!(
            field(TableKind::Pool, "统一社会信用代码*"),
            Some("credit_code")
        );
        assert_eq!(field(TableKind::Pool, "企业名称【必填】"), Some("name"));
        assert_eq!(
            field(TableKind::Pool, "信用风险分类（必填）"),
            Some("grade")
        );
        assert_eq!(field(TableKind::Pool, " Grade "), Some("grade"));
        assert_eq!(
            field(TableKind::Inspectors, "所在业务部门（机构）"),
            Some("unit")
        );
        assert_eq!(
            field(TableKind::Inspectors, "执法证有效期（yyyy-mm-dd）"),
            Some("certificate_expiry")
        );
        assert_eq!(
            p.column(TableKind::Pool, "序号"),
            Some(&ColumnTarget::Ignore)
        );
        assert_eq!(field(TableKind::Pool, "备注"), None);
        // The empty profile knows only the library's names.
        let e = Profile::empty();
        assert!(e.column(TableKind::Pool, "企业名称").is_none());
        assert!(e.column(TableKind::Pool, "NAME").is_some());
    }

    #[test]
    fn values_match_folded_and_by_rule() {
        let p = Profile::builtin();
        assert_eq!(p.value(Vocab::Grade, "Ａ"), Some("A"));
        assert_eq!(p.value(Vocab::Grade, "c类"), Some("C"));
        assert_eq!(p.value(Vocab::Grade, "较高风险"), Some("C"));
        assert_eq!(p.value(Vocab::Grade, "中高"), Some("C"));
        assert_eq!(
            p.value(Vocab::Status, "存续（在营、开业、在册）"),
            Some("active")
        );
        assert_eq!(p.value(Vocab::Status, "吊销，未注销"), Some("revoked"));
        assert_eq!(
            p.value(Vocab::Kind, "有限责任公司(自然人投资或控股)"),
            Some("enterprise")
        );
        assert_eq!(p.value(Vocab::Kind, "其他股份有限公司"), Some("enterprise"));
        assert_eq!(
            p.value(Vocab::Kind, "个体工商户"),
            Some("individual_business")
        );
        assert_eq!(
            p.value(Vocab::ResultCode, "通过登记的住所(经营场所)无法联系"),
            Some("unreachable_at_registered_address")
        );
        assert_eq!(p.value(Vocab::Grade, "F"), None);
    }

    #[test]
    fn pending_values_say_what_the_core_lacks() {
        assert!(Vocab::Status.pending("active").is_none());
        assert!(Vocab::Grade.pending("").is_none());
        // The core has had `cancelled` (撤销) since issue 13.
        assert!(Vocab::Status.pending("cancelled").is_none());
        assert!(Vocab::Grade.pending("E").unwrap().contains("five-class"));
        assert!(Vocab::ResultCode.pending("other").is_some());
        // The accepted list offers only what the core takes.
        let accepted = Profile::builtin().accepted(Vocab::Grade, 3);
        assert!(accepted.starts_with("A ("), "{accepted}");
        assert!(!accepted.contains("E ("), "{accepted}");
    }

    #[test]
    fn every_builtin_label_maps_to_a_canonical_value_and_every_alias_to_a_field() {
        for vocab in Vocab::ALL {
            let canonical = vocab.canonical();
            for (c, labels) in builtin::labels(vocab) {
                assert!(canonical.iter().any(|k| k == c), "{vocab:?}: {c}");
                assert!(!labels.is_empty());
            }
        }
        for kind in TableKind::ALL {
            for (field, _) in builtin::aliases(kind) {
                assert!(
                    *field == "ignore" || kind.field(field).is_some(),
                    "{kind}: {field}"
                );
            }
            for f in kind.fields() {
                for fb in f.fallback {
                    assert!(kind.field(fb).is_some(), "{kind}: {fb}");
                }
            }
        }
    }

    #[test]
    fn docs_formats_lists_every_builtin_header_and_label() {
        let doc = include_str!("../../../docs/FORMATS.md");
        for kind in TableKind::ALL {
            assert!(doc.contains(&format!("**`{}`**", kind.name())), "{kind}");
            for (field, aliases) in builtin::aliases(kind) {
                let line = if *field == "ignore" {
                    format!("| *(left out)* | {} |", aliases.join(", "))
                } else {
                    format!("| `{field}` | {} |", aliases.join(", "))
                };
                assert!(doc.contains(&line), "{kind}: {line}");
            }
        }
        for vocab in Vocab::ALL {
            for (canonical, labels) in builtin::labels(vocab) {
                let c = if canonical.is_empty() {
                    "*(empty: ungraded)*".to_owned()
                } else {
                    format!("`{canonical}`")
                };
                let line = format!("| {c} | {} |", labels.join(", "));
                assert!(doc.contains(&line), "{vocab:?}: {line}");
            }
        }
    }

    #[test]
    fn no_alias_means_two_fields() {
        // Within one table, a folded header name must have one meaning.
        for kind in TableKind::ALL {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for (field, aliases) in builtin::aliases(kind) {
                for a in *aliases {
                    if let Some(other) = seen.insert(fold(a), field) {
                        assert_eq!(other, *field, "{kind}: {a} means {other} and {field}");
                    }
                }
            }
        }
    }
}
