//! Draw records: what a draw publishes, and the check that a record reproduces.

mod json;

use crate::digest::Digest;
use crate::draw::{
    Census, DrawError, DrawRequest, ExclusionCounts, Pick, RatioCache, Sample, sample,
};
use crate::ids::TargetId;
use crate::risk::{PerStratum, Stratum};
use crate::seed::Seed;
use crate::target::FrozenPool;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// The `format` field of every record.
pub const RECORD_FORMAT: &str = "shuangsuiji/draw-record";
/// The id of the draw algorithm of `docs/SAMPLING.md`.
pub const ALGORITHM_ID: &str = "ssj-stratified-lowest-keys";
/// The version of that algorithm; a record of another version is refused, never re-interpreted.
pub const ALGORITHM_VERSION: u32 = 1;

/// Which algorithm made a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Algorithm {
    /// [`ALGORITHM_ID`].
    pub id: String,
    /// [`ALGORITHM_VERSION`].
    pub version: u32,
    /// The key function, for readers: `chacha8-keystream`.
    pub prf: String,
    /// The digest of pools and seeds: `sm3`.
    pub digest: String,
}

impl Algorithm {
    /// Why a record made by this algorithm cannot be checked by `here`, the one this library
    /// implements (the message of a draw or team record's algorithm mismatch).
    pub(crate) fn not_implemented(&self, here: &Algorithm) -> String {
        format!(
            "algorithm {} v{} (keys {}, digest {}) is not implemented here (this is {} v{}, keys {}, digest {})",
            self.id,
            self.version,
            self.prf,
            self.digest,
            here.id,
            here.version,
            here.prf,
            here.digest
        )
    }

    /// The algorithm of this library.
    pub fn current() -> Algorithm {
        Algorithm {
            id: ALGORITHM_ID.into(),
            version: ALGORITHM_VERSION,
            prf: "chacha8-keystream".into(),
            digest: "sm3".into(),
        }
    }
}

/// The frozen pool a record was drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSummary {
    /// SM3 digest of the canonical encoding.
    pub digest: Digest,
    /// Number of targets.
    pub size: u64,
}

/// One stratum of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StratumSummary {
    /// Eligible targets.
    pub eligible: u64,
    /// Targets drawn.
    pub sample_size: u64,
}

/// One drawn target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectedTarget {
    /// The target.
    pub id: TargetId,
    /// Its stratum.
    pub stratum: Stratum,
    /// The probability it had of being drawn.
    pub inclusion_probability: f64,
    /// `1 / inclusion_probability`, computed as an exact ratio and then rounded.
    pub design_weight: f64,
}

/// A rule by which a grade the pool's file writes outside A–D (a five-class scheme's `E`, a
/// named level) was read as a stratum: stated by the user (a mapping file's `[values.grade]`)
/// and published with the draw, so that anyone reading the record knows how the file's labels
/// became strata. Informative: the grades themselves are in the pool's digest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeRule {
    /// The label as the user's rule writes it (`E`, `E类`, `五级`).
    pub label: String,
    /// The stratum it is read as.
    pub stratum: Stratum,
}

/// The published record of a draw, enough to reproduce it from the frozen pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawRecord {
    /// [`RECORD_FORMAT`].
    pub format: String,
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The library version that made the record (informative).
    pub library_version: String,
    /// The request: task, seed and its origin, department, items, date, scope, policy.
    pub request: DrawRequest,
    /// The frozen pool.
    pub pool: PoolSummary,
    /// Targets outside the scope.
    pub out_of_scope: u64,
    /// Targets in scope but excluded, by reason.
    pub exclusions: ExclusionCounts,
    /// Per-stratum eligible counts and sample sizes.
    pub strata: PerStratum<StratumSummary>,
    /// The user's rules for grades outside A–D, when the pool was read with any (set by the
    /// front that read the pool; [`draw`] leaves it empty). Absent from the JSON when empty,
    /// so records without rules are written exactly as before, and not compared by
    /// [`verify`] (the grades it maps are in the pool's digest).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grade_rules: Vec<GradeRule>,
    /// The drawn targets in canonical (id) order.
    pub selected: Vec<SelectedTarget>,
}

/// Draws from a frozen pool and returns the record to publish.
pub fn draw(pool: &FrozenPool, request: &DrawRequest) -> Result<DrawRecord, DrawError> {
    let (census, sample) = sample(pool, request)?;
    DrawRecord::from_sample(pool, request, &census, &sample)
}

/// A draw whose record is complete but for the pool's digest, which a large pool takes behind
/// on a thread of its own ([`FrozenPool::digest`]): the record's text can be written (and put on
/// disk) meanwhile, and the digest's 64 hex digits put in afterwards.
///
/// ```
/// # use shuangsuiji::draw::DrawRequest;
/// # use shuangsuiji::policy::SamplingPolicy;
/// # use shuangsuiji::ids::{TargetId, TaskId};
/// # use shuangsuiji::risk::RiskGrade;
/// # use shuangsuiji::target::{Target, TargetPool};
/// use shuangsuiji::record::{draw, draw_pending};
/// # let pool = TargetPool::from_entries((0..1000).map(|i| {
/// #     let mut t = Target::new(TargetId::new(format!("E{i:04}")).unwrap());
/// #     t.grade = Some(RiskGrade::B);
/// #     t
/// # })).unwrap().freeze();
/// # let r = |s: &str| s.parse().unwrap();
/// # let policy = SamplingPolicy::by_grade(r("5%"), r("20%"), r("60%"), r("100%"), None);
/// # let request = DrawRequest::with_public_entropy(TaskId::new("T-1").unwrap(), "双色球", "03 07", policy);
/// let pending = draw_pending(&pool, &request).unwrap();
/// let (mut text, digits) = pending.json_line();
/// // … write `text` somewhere, then:
/// let record = pending.seal();
/// text.replace_range(digits, &record.pool.digest.to_string());
/// assert_eq!(text, draw(&pool, &request).unwrap().to_json_line());
/// ```
#[derive(Debug, Clone)]
pub struct PendingRecord {
    /// The record, its pool digest [`Digest::ZERO`] until sealed.
    record: DrawRecord,
    pool: FrozenPool,
}

/// [`draw`], without waiting for the pool's digest.
///
/// # Errors
///
/// Those of [`draw`].
pub fn draw_pending(pool: &FrozenPool, request: &DrawRequest) -> Result<PendingRecord, DrawError> {
    let (census, sample) = sample(pool, request)?;
    let record = DrawRecord::build(pool, request, &census, &sample, Digest::ZERO)?;
    Ok(PendingRecord {
        record,
        pool: pool.clone(),
    })
}

/// Where the pool digest's digits start in a record's JSON (the record's layout puts `pool`
/// at the top level, indented by two spaces, with `digest` first).
const POOL_DIGEST_AT: &str = "\n  \"pool\": {\n    \"digest\": \"";

impl PendingRecord {
    /// The record, to set what the caller adds before it is written (e.g.
    /// [`DrawRecord::grade_rules`]); its pool digest is replaced when sealed.
    pub fn record_mut(&mut self) -> &mut DrawRecord {
        &mut self.record
    }

    /// [`DrawRecord::to_json_line`] of the record to be, its pool digest as 64 zeros, and the
    /// byte range of those zeros.
    pub fn json_line(&self) -> (String, std::ops::Range<usize>) {
        let text = self.record.to_json_line();
        let start = text
            .find(POOL_DIGEST_AT)
            .map_or(0, |at| at + POOL_DIGEST_AT.len());
        (text, start..start + 64)
    }

    /// Waits for the pool's digest: the record.
    pub fn seal(self) -> DrawRecord {
        let mut record = self.record;
        record.pool.digest = self.pool.digest();
        record
    }
}

impl DrawRecord {
    /// Builds the record of a sample (e.g. one merged from shards); the sample must have been
    /// drawn from this pool.
    pub fn from_sample(
        pool: &FrozenPool,
        request: &DrawRequest,
        census: &Census,
        sample: &Sample,
    ) -> Result<DrawRecord, DrawError> {
        let mut record = DrawRecord::build(pool, request, census, sample, Digest::ZERO)?;
        record.pool.digest = pool.digest();
        Ok(record)
    }

    /// [`DrawRecord::from_sample`] with the pool digest given.
    fn build(
        pool: &FrozenPool,
        request: &DrawRequest,
        census: &Census,
        sample: &Sample,
        digest: Digest,
    ) -> Result<DrawRecord, DrawError> {
        if sample.span() != (0, pool.len() as u64) {
            return Err(DrawError::Shards(format!(
                "the sample covers canonical indices {:?}, the pool has {} targets",
                sample.span(),
                pool.len()
            )));
        }
        let mut ratios = RatioCache::default();
        let selected = sample
            .iter(pool)
            .map(|(stratum, p)| {
                let (inclusion_probability, design_weight) = ratios.of(&p);
                SelectedTarget {
                    id: pool.target_id(p.index as usize),
                    stratum,
                    inclusion_probability,
                    design_weight,
                }
            })
            .collect();
        Ok(DrawRecord {
            format: RECORD_FORMAT.into(),
            algorithm: Algorithm::current(),
            library_version: env!("CARGO_PKG_VERSION").into(),
            request: request.clone(),
            pool: PoolSummary {
                digest,
                size: pool.len() as u64,
            },
            out_of_scope: census.out_of_scope,
            exclusions: census.excluded,
            strata: PerStratum::from_fn(|s| StratumSummary {
                eligible: *sample.allocation.eligible.get(s),
                sample_size: *sample.allocation.size.get(s),
            }),
            grade_rules: Vec::new(),
            selected,
        })
    }

    /// The record as pretty JSON.
    pub fn to_json(&self) -> String {
        json::to_pretty(self, "")
    }

    /// [`DrawRecord::to_json`] and a line break, as a record file holds it (without copying
    /// the text of a large record to add the line break).
    pub fn to_json_line(&self) -> String {
        json::to_pretty(self, "\n")
    }

    /// Reads a record from JSON (a record as [`DrawRecord::to_json`] writes it is read on
    /// every core; any other layout as serde reads it, with the same result).
    pub fn from_json(text: &str) -> Result<DrawRecord, serde_json::Error> {
        json::from_pretty(text).unwrap_or_else(|| serde_json::from_str(text))
    }
}

/// One way in which a record does not reproduce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Mismatch {
    /// Not a draw record.
    Format {
        /// The `format` found.
        found: String,
    },
    /// An algorithm this library does not implement (id, version, key function or digest).
    Algorithm {
        /// The algorithm the record names.
        found: Algorithm,
    },
    /// The seed is not what its public-entropy origin derives.
    Seed {
        /// The seed in the record.
        recorded: Seed,
        /// The seed the origin derives.
        derived: Seed,
    },
    /// The pool digest differs: the pool is not the one drawn from.
    PoolDigest {
        /// In the record.
        recorded: Digest,
        /// Of the pool given.
        actual: Digest,
    },
    /// The pool size differs.
    PoolSize {
        /// In the record.
        recorded: u64,
        /// Of the pool given.
        actual: u64,
    },
    /// A count (out of scope, an exclusion reason, a stratum's eligible or sample size) differs.
    Count {
        /// Which count, e.g. `exclusions.not_active` or `strata.B.sample_size`.
        field: String,
        /// In the record.
        recorded: u64,
        /// Recomputed.
        actual: u64,
    },
    /// The draw re-run from the record failed.
    DrawFailed {
        /// Why.
        error: String,
    },
    /// Drawn by the algorithm but not listed in the record.
    Missing {
        /// The target.
        id: TargetId,
    },
    /// Listed in the record but not drawn by the algorithm.
    Unexpected {
        /// The target.
        id: TargetId,
    },
    /// Listed twice.
    Duplicate {
        /// The target.
        id: TargetId,
    },
    /// Listed out of canonical (id) order.
    Order {
        /// 0-based position in `selected`.
        position: usize,
        /// The target listed there.
        id: TargetId,
    },
    /// Listed with another stratum, probability or weight than the algorithm gives.
    Entry {
        /// The target.
        id: TargetId,
        /// Which field: `stratum`, `inclusion_probability` or `design_weight`.
        field: String,
        /// In the record.
        recorded: String,
        /// Recomputed.
        actual: String,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Format { found } => {
                write!(f, "format is {found:?}, expected {RECORD_FORMAT:?}")
            }
            Mismatch::Algorithm { found } => {
                f.write_str(&found.not_implemented(&Algorithm::current()))
            }
            Mismatch::Seed { recorded, derived } => write!(
                f,
                "seed {recorded} does not match its public-entropy origin, which derives {derived}"
            ),
            Mismatch::PoolDigest { recorded, actual } => write!(
                f,
                "pool digest differs: record has {recorded}, the pool given has {actual} (not the pool drawn from)"
            ),
            Mismatch::PoolSize { recorded, actual } => {
                write!(
                    f,
                    "pool size differs: record has {recorded}, the pool given has {actual}"
                )
            }
            Mismatch::Count {
                field,
                recorded,
                actual,
            } => {
                write!(
                    f,
                    "{field} differs: record has {recorded}, recomputed {actual}"
                )
            }
            Mismatch::DrawFailed { error } => write!(f, "the draw could not be re-run: {error}"),
            Mismatch::Duplicate { id } => write!(f, "target {id} is listed twice in the record"),
            Mismatch::Order { position, id } => write!(
                f,
                "selected entry {position} ({id}) is out of canonical (id) order"
            ),
            Mismatch::Missing { id } => {
                write!(f, "target {id} was drawn but is missing from the record")
            }
            Mismatch::Unexpected { id } => {
                write!(f, "target {id} is in the record but was not drawn")
            }
            Mismatch::Entry {
                id,
                field,
                recorded,
                actual,
            } => {
                write!(
                    f,
                    "target {id}: {field} is {recorded} in the record, recomputed {actual}"
                )
            }
        }
    }
}

/// The outcome of [`verify`]: empty when the record reproduces exactly.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// Every difference found, most fundamental first.
    pub mismatches: Vec<Mismatch>,
}

impl Verification {
    /// Whether the record reproduces.
    pub fn is_ok(&self) -> bool {
        self.mismatches.is_empty()
    }
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_ok() {
            return f.write_str("the record reproduces exactly");
        }
        writeln!(
            f,
            "the record does not reproduce ({} differences):",
            self.mismatches.len()
        )?;
        for m in &self.mismatches {
            writeln!(f, "  - {m}")?;
        }
        Ok(())
    }
}

/// Re-runs a record's draw on a frozen pool and says exactly what does not match.
pub fn verify(record: &DrawRecord, pool: &FrozenPool) -> Verification {
    let mut out = Vec::new();
    if record.format != RECORD_FORMAT {
        out.push(Mismatch::Format {
            found: record.format.clone(),
        });
    }
    if record.algorithm != Algorithm::current() {
        out.push(Mismatch::Algorithm {
            found: record.algorithm.clone(),
        });
        return Verification { mismatches: out };
    }
    let req = &record.request;
    if let Some(derived) = req.seed_origin.derive(&req.task_id) {
        if derived != req.seed {
            out.push(Mismatch::Seed {
                recorded: req.seed,
                derived,
            });
        }
    }
    // The draw is re-run with the recorded seed even when its derivation failed, so that the
    // report also says whether the listed sample follows from the seed actually used. It runs
    // before the pool's digest is compared: a large pool's digest is still being taken behind.
    let mut rerun = req.clone();
    rerun.seed_origin = crate::seed::SeedOrigin::Given;
    let sampled = sample(pool, &rerun);
    if record.pool.digest != pool.digest() {
        out.push(Mismatch::PoolDigest {
            recorded: record.pool.digest,
            actual: pool.digest(),
        });
    }
    if record.pool.size != pool.len() as u64 {
        out.push(Mismatch::PoolSize {
            recorded: record.pool.size,
            actual: pool.len() as u64,
        });
    }
    let (census, sample) = match sampled {
        Ok(x) => x,
        Err(e) => {
            out.push(Mismatch::DrawFailed {
                error: e.to_string(),
            });
            return Verification { mismatches: out };
        }
    };
    let mut count = |field: String, recorded: u64, actual: u64| {
        if recorded != actual {
            out.push(Mismatch::Count {
                field,
                recorded,
                actual,
            });
        }
    };
    count(
        "out_of_scope".into(),
        record.out_of_scope,
        census.out_of_scope,
    );
    let (re, ce) = (&record.exclusions, &census.excluded);
    count("exclusions.not_active".into(), re.not_active, ce.not_active);
    count(
        "exclusions.positive_list".into(),
        re.positive_list,
        ce.positive_list,
    );
    count(
        "exclusions.recently_inspected".into(),
        re.recently_inspected,
        ce.recently_inspected,
    );
    for (s, st) in record.strata.iter() {
        count(
            format!("strata.{s}.eligible"),
            st.eligible,
            *sample.allocation.eligible.get(s),
        );
        count(
            format!("strata.{s}.sample_size"),
            st.sample_size,
            *sample.allocation.size.get(s),
        );
    }
    if !selected_match_fast(record, pool, &sample) {
        diff_selected(record, pool, &sample, &mut out);
    }
    Verification { mismatches: out }
}

/// The usual case: the record lists exactly the recomputed picks, in canonical order. One pass
/// over both, no allocation, no sorting. (Matching ids at increasing canonical indices also
/// proves the record's order, since the pool is sorted by id.)
fn selected_match_fast(record: &DrawRecord, pool: &FrozenPool, sample: &Sample) -> bool {
    if record.selected.len() != sample.len() {
        return false;
    }
    let mut ratios = RatioCache::default();
    record
        .selected
        .iter()
        .zip(sample.iter(pool))
        .all(|(sel, (stratum, p))| {
            let (pi, w) = ratios.of(&p);
            sel.stratum == stratum
                && pool.id(p.index as usize) == sel.id.as_str()
                && pi.to_bits() == sel.inclusion_probability.to_bits()
                && w.to_bits() == sel.design_weight.to_bits()
        })
}

/// The slow path, only on failure: which targets are missing, unexpected or differ.
fn diff_selected(record: &DrawRecord, pool: &FrozenPool, sample: &Sample, out: &mut Vec<Mismatch>) {
    let actual: HashMap<&str, (Stratum, Pick)> = sample
        .iter(pool)
        .map(|(s, p)| (pool.id(p.index as usize), (s, p)))
        .collect();
    let mut listed: HashMap<&str, &SelectedTarget> = HashMap::new();
    for (position, sel) in record.selected.iter().enumerate() {
        if listed.insert(sel.id.as_str(), sel).is_some() {
            out.push(Mismatch::Duplicate { id: sel.id.clone() });
            continue;
        }
        if position > 0 && record.selected[position - 1].id >= sel.id {
            out.push(Mismatch::Order {
                position,
                id: sel.id.clone(),
            });
        }
        match actual.get(sel.id.as_str()) {
            None => out.push(Mismatch::Unexpected { id: sel.id.clone() }),
            Some(&(s, p)) => {
                let mut entry = |field: &str, recorded: String, actual: String| {
                    if recorded != actual {
                        out.push(Mismatch::Entry {
                            id: sel.id.clone(),
                            field: field.into(),
                            recorded,
                            actual,
                        });
                    }
                };
                entry("stratum", sel.stratum.to_string(), s.to_string());
                entry(
                    "inclusion_probability",
                    format!("{:?}", sel.inclusion_probability),
                    format!("{:?}", p.inclusion_probability()),
                );
                entry(
                    "design_weight",
                    format!("{:?}", sel.design_weight),
                    format!("{:?}", p.design_weight()),
                );
            }
        }
    }
    let mut missing: Vec<&str> = actual
        .keys()
        .filter(|id| !listed.contains_key(**id))
        .copied()
        .collect();
    missing.sort();
    out.extend(missing.into_iter().map(|id| Mismatch::Missing {
        id: TargetId::trusted(id),
    }));
}
