//! Arrow data in and out: typed access to the columns of any object with the Arrow PyCapsule
//! interface, and tables built from Rust vectors.

use crate::errors::{Detail, input};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchReader};
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

    /// The chunks of a column, or `None` if the table has no such column.
    fn chunks(&self, column: &str) -> Option<Vec<ArrayRef>> {
        let i = self.schema.index_of(column).ok()?;
        Some(self.batches.iter().map(|b| b.column(i).clone()).collect())
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

    /// A column as text (strings of any width, dictionaries and anything castable); `None`
    /// when the table has no such column.
    pub(crate) fn strings(&self, column: &str) -> PyResult<Option<StrColumn>> {
        let Some(chunks) = self.chunks(column) else {
            return Ok(None);
        };
        let chunks = chunks
            .into_iter()
            .map(|a| match a.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Ok(a),
                _ => cast_with_options(&a, &DataType::Utf8, &CastOptions::default()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.bad_type(column, e))?;
        Ok(Some(StrColumn::new(chunks)))
    }

    /// A column as booleans, or `None` when absent or not boolean (read it as text then).
    pub(crate) fn bools(&self, column: &str) -> Option<Vec<BooleanArray>> {
        let chunks = self.chunks(column)?;
        if chunks
            .first()
            .is_some_and(|c| c.data_type() == &DataType::Boolean)
        {
            Some(chunks.iter().map(|c| c.as_boolean().clone()).collect())
        } else {
            None
        }
    }

    /// A column as whole numbers (`None` values stay `None`); casting refuses fractions.
    pub(crate) fn ints(&self, column: &str) -> PyResult<Option<Vec<Option<i64>>>> {
        let Some(chunks) = self.chunks(column) else {
            return Ok(None);
        };
        let strict = CastOptions {
            safe: false,
            ..CastOptions::default()
        };
        let mut out = Vec::with_capacity(self.num_rows());
        for c in chunks {
            let c = match c.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                    let s = StrColumn::new(vec![c]);
                    for i in 0..s.len() {
                        let v = s.get(i).map(str::trim).filter(|v| !v.is_empty());
                        out.push(match v {
                            None => None,
                            Some(v) => Some(v.parse::<i64>().map_err(|_| {
                                input(
                                    format!(
                                        "{}, row {}, {column}: {v:?} is not a whole number",
                                        self.what,
                                        out.len() + 1
                                    ),
                                    vec![("row", (out.len() + 1).into()), ("field", column.into())],
                                )
                            })?),
                        });
                    }
                    continue;
                }
                _ => cast_with_options(&c, &DataType::Int64, &strict)
                    .map_err(|e| self.bad_type(column, e))?,
            };
            let a = c.as_primitive::<arrow_array::types::Int64Type>();
            out.extend(a.iter());
        }
        Ok(Some(out))
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

    /// The value of a row (random access; prefer [`StrColumn::iter`] for a full pass).
    pub(crate) fn get(&self, row: usize) -> Option<&str> {
        let k = self.starts.partition_point(|&s| s <= row) - 1;
        let c = &self.chunks[k];
        let i = row - self.starts[k];
        if c.is_null(i) {
            return None;
        }
        Some(match c.data_type() {
            DataType::Utf8 => c.as_string::<i32>().value(i),
            DataType::LargeUtf8 => c.as_string::<i64>().value(i),
            _ => c.as_string_view().value(i),
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

impl Frame {
    /// The chunks of a list-of-strings column, or `None` when the column is not a list.
    pub(crate) fn list_chunks(&self, column: &str) -> Option<Vec<ArrayRef>> {
        let chunks = self.chunks(column)?;
        matches!(chunks.first()?.data_type(), DataType::List(_)).then_some(chunks)
    }
}

impl Frame {
    /// The chunks of a column as the batches hold them (one per batch, in order), or `None`
    /// if the table has no such column.
    pub(crate) fn column_chunks(&self, column: &str) -> Option<Vec<ArrayRef>> {
        self.chunks(column)
    }

    /// The number of rows of each batch, in order.
    pub(crate) fn batch_rows(&self) -> Vec<usize> {
        self.batches.iter().map(RecordBatch::num_rows).collect()
    }
}

impl StrColumn {
    /// The chunks (each a `Utf8`, `LargeUtf8` or `Utf8View` array), in order.
    pub(crate) fn chunks(&self) -> &[ArrayRef] {
        &self.chunks
    }
}
