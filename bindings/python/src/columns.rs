//! Arrow data in and out: typed access to the columns of any object with the Arrow PyCapsule
//! interface, and tables built from Rust vectors.

use crate::errors::{Detail, input};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch, RecordBatchReader};
use arrow_cast::{CastOptions, cast_with_options};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;
use std::sync::Arc;

/// The batches of an input table, with the name the error messages use for it.
pub(crate) struct Frame {
    pub(crate) what: String,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Frame {
    /// Imports a table (zero-copy: the buffers stay the exporter's).
    pub(crate) fn import(what: &str, data: AnyRecordBatch) -> PyResult<Frame> {
        let reader = data.into_reader()?;
        let schema = reader.schema();
        let batches = reader
            .collect::<Result<Vec<_>, ArrowError>>()
            .map_err(|e| input(format!("{what}: {e}"), vec![]))?;
        Ok(Frame {
            what: what.to_owned(),
            schema,
            batches,
        })
    }

    pub(crate) fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    pub(crate) fn has(&self, column: &str) -> bool {
        self.schema.index_of(column).is_ok()
    }

    pub(crate) fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// A required column.
    pub(crate) fn require(&self, column: &str) -> PyResult<()> {
        if self.has(column) {
            Ok(())
        } else {
            Err(input(
                format!(
                    "{}: no column {column:?} (columns: {})",
                    self.what,
                    self.column_names().join(", ")
                ),
                vec![("field", column.into())],
            ))
        }
    }

    fn bad_type(&self, column: &str, e: ArrowError) -> PyErr {
        input(
            format!("{}: column {column:?} has an unusable type: {e}", self.what),
            vec![("field", column.into())],
        )
    }

    /// Row `row` (0-based) of the table, for messages.
    pub(crate) fn row_error(
        &self,
        class: &str,
        row: usize,
        field: &str,
        id: Option<&str>,
        problem: impl std::fmt::Display,
    ) -> PyErr {
        let mut d: Vec<(&str, Detail)> = vec![("row", (row + 1).into()), ("field", field.into())];
        if let Some(id) = id {
            d.push(("id", id.into()));
        }
        crate::errors::raise(
            class,
            format!("{}, row {}, {field}: {problem}", self.what, row + 1),
            d,
        )
    }
}

/// A text column over its chunks, indexed by row across chunks.
pub(crate) struct StrColumn {
    chunks: Vec<ArrayRef>,
    /// The first row of each chunk, and the total at the end.
    starts: Vec<usize>,
}

impl StrColumn {
    pub(crate) fn new(chunks: Vec<ArrayRef>) -> StrColumn {
        let mut starts = Vec::with_capacity(chunks.len() + 1);
        let mut n = 0;
        for c in &chunks {
            starts.push(n);
            n += c.len();
        }
        starts.push(n);
        StrColumn { chunks, starts }
    }

    pub(crate) fn len(&self) -> usize {
        *self.starts.last().unwrap_or(&0)
    }

    /// Every value in order, without the per-row chunk search.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.chunks
            .iter()
            .flat_map(|c| -> Box<dyn Iterator<Item = Option<&str>> + '_> {
                match c.data_type() {
                    DataType::Utf8 => Box::new(c.as_string::<i32>().iter()),
                    DataType::LargeUtf8 => Box::new(c.as_string::<i64>().iter()),
                    _ => Box::new(c.as_string_view().iter()),
                }
            })
    }
}

/// A table of one batch from named columns.
pub(crate) fn table(columns: Vec<(&str, ArrayRef)>) -> PyResult<PyTable> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(
        schema.clone(),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(|e| input(e.to_string(), vec![]))?;
    PyTable::try_new(vec![batch], schema)
}

/// Row-by-row reading, one record batch at a time: the columns of a batch all have the batch's
/// length, so each is typed once per batch and a row's cells are plain index look-ups (no
/// per-row chunk search, no boxed iterators).
impl Frame {
    /// The batches, each with the table row of its first row (0-based).
    pub(crate) fn batches_at(&self) -> impl Iterator<Item = (usize, &RecordBatch)> {
        self.batches.iter().scan(0, |at, b| {
            let first = *at;
            *at += b.num_rows();
            Some((first, b))
        })
    }

    /// A column of a batch as text: strings as they are, lists of values joined by `;`,
    /// anything else cast to text; `None` when the table has no such column. Nested values
    /// (lists of lists, structs, list views) are refused: Arrow would write them as bracketed
    /// text, which would be read as one odd value instead of an error.
    pub(crate) fn text_in(&self, batch: &RecordBatch, column: &str) -> PyResult<Option<ArrayRef>> {
        let Some(a) = batch.column_by_name(column) else {
            return Ok(None);
        };
        let nested = |t: &DataType| {
            matches!(
                t,
                DataType::List(_)
                    | DataType::LargeList(_)
                    | DataType::ListView(_)
                    | DataType::LargeListView(_)
                    | DataType::FixedSizeList(..)
                    | DataType::Struct(_)
                    | DataType::Map(..)
                    | DataType::Union(..)
            )
        };
        let refuse = |t: &DataType| {
            input(
                format!(
                    "{}: column {column:?} holds {t}; give text, or a list of text values",
                    self.what
                ),
                vec![("field", column.into())],
            )
        };
        Ok(Some(match a.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => a.clone(),
            DataType::List(f) | DataType::LargeList(f) if !nested(f.data_type()) => {
                self.joined(a).map_err(|e| self.bad_type(column, e))?
            }
            t if nested(t) => return Err(refuse(t)),
            _ => cast_with_options(a, &DataType::Utf8, &CastOptions::default())
                .map_err(|e| self.bad_type(column, e))?,
        }))
    }

    /// Each list of a list column as one `;`-separated text (null elements left out).
    fn joined(&self, a: &ArrayRef) -> Result<ArrayRef, ArrowError> {
        let (values, offsets): (ArrayRef, Vec<usize>) = match a.data_type() {
            DataType::List(_) => {
                let l = a.as_list::<i32>();
                let o = l.value_offsets().iter().map(|&o| o as usize).collect();
                (l.values().clone(), o)
            }
            _ => {
                let l = a.as_list::<i64>();
                let o = l.value_offsets().iter().map(|&o| o as usize).collect();
                (l.values().clone(), o)
            }
        };
        let values = match values.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => values,
            _ => cast_with_options(&values, &DataType::Utf8, &CastOptions::default())?,
        };
        let values = Text::of(&values);
        let mut out = arrow_array::builder::StringBuilder::with_capacity(a.len(), 0);
        let mut text = String::new();
        for (i, w) in offsets.windows(2).enumerate() {
            if a.is_null(i) {
                out.append_null();
                continue;
            }
            text.clear();
            for part in (w[0]..w[1]).filter_map(|j| values.get(j)) {
                if !text.is_empty() {
                    text.push(';');
                }
                text.push_str(part);
            }
            out.append_value(&text);
        }
        Ok(Arc::new(out.finish()))
    }

    /// A column of a batch for whole numbers: integers (other integer types cast, refusing
    /// overflow), fractional numbers (checked per row by [`int_at`]: a fraction is an error,
    /// never truncated), or text, dictionaries included (parsed per row).
    pub(crate) fn ints_in(&self, batch: &RecordBatch, column: &str) -> PyResult<Option<ArrayRef>> {
        let Some(a) = batch.column_by_name(column) else {
            return Ok(None);
        };
        let strict = CastOptions {
            safe: false,
            ..CastOptions::default()
        };
        let to = match a.data_type() {
            DataType::Int64
            | DataType::Float64
            | DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View => return Ok(Some(a.clone())),
            DataType::Float16
            | DataType::Float32
            | DataType::Decimal32(..)
            | DataType::Decimal64(..)
            | DataType::Decimal128(..)
            | DataType::Decimal256(..) => DataType::Float64,
            DataType::Dictionary(..) => DataType::Utf8,
            _ => DataType::Int64,
        };
        cast_with_options(a, &to, &strict)
            .map(Some)
            .map_err(|e| self.bad_type(column, e))
    }
}

/// Row `i` of a column from [`Frame::ints_in`]; the error says what the cell holds.
pub(crate) fn int_at(a: &ArrayRef, i: usize) -> Result<Option<i64>, String> {
    if a.is_null(i) {
        return Ok(None);
    }
    if let Some(n) = a.as_primitive_opt::<arrow_array::types::Int64Type>() {
        return Ok(Some(n.value(i)));
    }
    if let Some(x) = a.as_primitive_opt::<arrow_array::types::Float64Type>() {
        let v = x.value(i);
        // 2^63 is exactly representable; every whole f64 below it in magnitude fits an i64.
        return if v.fract() == 0.0 && v.abs() < 9_223_372_036_854_775_808.0 {
            Ok(Some(v as i64))
        } else {
            Err(format!("{v} is not a whole number"))
        };
    }
    match Text::of(a).get(i).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("{v:?} is not a whole number")),
    }
}

/// A text column of one batch, typed once: the cells of a row are index look-ups.
#[derive(Clone, Copy)]
pub(crate) enum Text<'a> {
    Absent,
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Text<'a> {
    /// A string array's cells (anything else reads as absent: callers pass what
    /// [`Frame::text_in`] returns).
    pub(crate) fn of(a: &'a ArrayRef) -> Text<'a> {
        match a.data_type() {
            DataType::Utf8 => Text::Utf8(a.as_string::<i32>()),
            DataType::LargeUtf8 => Text::Large(a.as_string::<i64>()),
            DataType::Utf8View => Text::View(a.as_string_view()),
            _ => Text::Absent,
        }
    }

    /// An optional column's cells.
    pub(crate) fn of_opt(a: &'a Option<ArrayRef>) -> Text<'a> {
        a.as_ref().map_or(Text::Absent, Text::of)
    }

    /// The cell of row `i`; `None` for a null or an absent column.
    #[inline]
    pub(crate) fn get(self, i: usize) -> Option<&'a str> {
        match self {
            Text::Absent => None,
            Text::Utf8(a) => (!a.is_null(i)).then(|| a.value(i)),
            Text::Large(a) => (!a.is_null(i)).then(|| a.value(i)),
            Text::View(a) => (!a.is_null(i)).then(|| a.value(i)),
        }
    }
}
