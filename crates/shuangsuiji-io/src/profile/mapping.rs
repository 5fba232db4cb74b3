//! The user's mapping file (TOML): columns, defaults and values that extend or override the
//! built-in profile. The format is documented with an example in `docs/FORMATS.md`.

use super::{ColumnTarget, HeaderRule, Profile, TableKind, Vocab};
use serde::Deserialize;
use shuangsuiji::kpi::Table;
use std::collections::BTreeMap;

/// A mapping file that cannot be used, with the file and, for syntax, the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct MappingError {
    /// The file.
    pub file: String,
    /// What is wrong and where in the file.
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Start from the built-in profile (the default) or from the library's names only.
    builtin: Option<bool>,
    header: Option<Header>,
    lists: Option<Lists>,
    pool: Option<Section>,
    history: Option<Section>,
    inspectors: Option<Section>,
    departments: Option<Section>,
    items: Option<Section>,
    plans: Option<Section>,
    tasks: Option<Section>,
    drawn: Option<Section>,
    results: Option<Section>,
    follow_ups: Option<Section>,
    unplanned: Option<Section>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    scan_rows: Option<usize>,
    min_matches: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lists {
    separators: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    defaults: BTreeMap<String, String>,
}

pub(super) fn apply(file: &str, text: &str) -> Result<Profile, MappingError> {
    let bad = |message: String| MappingError {
        file: file.to_owned(),
        message,
    };
    let parsed: File = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        bad(match line {
            Some(l) => format!("line {l}: {}", e.message()),
            None => e.message().to_owned(),
        })
    })?;
    let mut profile = if parsed.builtin.unwrap_or(true) {
        Profile::builtin()
    } else {
        Profile::empty()
    };
    if let Some(h) = parsed.header {
        let d = HeaderRule::default();
        profile.header = HeaderRule {
            scan_rows: h.scan_rows.unwrap_or(d.scan_rows).max(1),
            min_matches: h.min_matches.unwrap_or(d.min_matches).max(1),
        };
    }
    if let Some(lists) = parsed.lists {
        let mut seps = Vec::new();
        for s in &lists.separators {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_whitespace() => seps.push(c),
                _ => {
                    return Err(bad(format!(
                        "[lists] separators: {s:?} is not one character (white space is not a separator)"
                    )));
                }
            }
        }
        if !seps.contains(&';') {
            // The core splits on `;`: a list joined with it must also be read back with it.
            seps.push(';');
        }
        profile.separators = seps;
    }
    let sections = [
        (TableKind::Pool, parsed.pool),
        (TableKind::History, parsed.history),
        (TableKind::Inspectors, parsed.inspectors),
        (TableKind::Kpi(Table::Departments), parsed.departments),
        (TableKind::Kpi(Table::Items), parsed.items),
        (TableKind::Kpi(Table::Plans), parsed.plans),
        (TableKind::Kpi(Table::Tasks), parsed.tasks),
        (TableKind::Kpi(Table::Drawn), parsed.drawn),
        (TableKind::Kpi(Table::Results), parsed.results),
        (TableKind::Kpi(Table::FollowUps), parsed.follow_ups),
        (TableKind::Kpi(Table::Unplanned), parsed.unplanned),
    ];
    for (kind, section) in sections {
        let Some(section) = section else { continue };
        let fields = || {
            kind.fields()
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (header, target) in &section.columns {
            let target = if target == "ignore" {
                ColumnTarget::Ignore
            } else {
                let f = kind.field(target).ok_or_else(|| {
                    bad(format!(
                        "[{kind}.columns] {header:?} = {target:?}: {kind} has no field {target:?} (fields: {}, or \"ignore\")",
                        fields()
                    ))
                })?;
                ColumnTarget::Field(f.name)
            };
            profile.add_column(kind, header, target);
        }
        for (field, value) in &section.defaults {
            let f = kind.field(field).ok_or_else(|| {
                bad(format!(
                    "[{kind}.defaults] {field:?}: {kind} has no field {field:?} (fields: {})",
                    fields()
                ))
            })?;
            profile.set_default(kind, f.name, value);
        }
    }
    for (name, labels) in &parsed.values {
        let vocab = Vocab::from_name(name).ok_or_else(|| {
            bad(format!(
                "[values.{name}]: no such vocabulary (vocabularies: {})",
                Vocab::ALL.map(Vocab::name).join(", ")
            ))
        })?;
        let canonical = vocab.canonical();
        for (label, value) in labels {
            // A value may also be written as another known label (\"E\" = \"高风险\").
            let resolved = if canonical.iter().any(|c| c == value) {
                value.clone()
            } else if let Some(c) = profile.value(vocab, value) {
                c.to_owned()
            } else {
                return Err(bad(format!(
                    "[values.{name}] {label:?} = {value:?}: {value:?} is not a {} (use one of: {})",
                    vocab.what(),
                    canonical
                        .iter()
                        .filter(|c| vocab.core_accepts(c))
                        .map(|c| format!("{c:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            if vocab == Vocab::Grade {
                profile.add_grade_rule(label, &resolved);
            } else {
                profile.add_value(vocab, label, &resolved);
            }
        }
    }
    Ok(profile)
}
