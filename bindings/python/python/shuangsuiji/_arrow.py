"""Arrow plumbing: inputs of any kind in, pyarrow tables out (zero-copy through the PyCapsule
interface)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa


def table(native: Any) -> pa.Table:
    """A pyarrow table of a native result (shares its buffers)."""
    return pa.table(native)


def column(values: Any) -> Any:
    """Something with ``__arrow_c_array__``/``__arrow_c_stream__`` for a column-like input: Arrow
    arrays, pandas and polars Series pass through; a plain sequence becomes a pyarrow array."""
    if hasattr(values, "__arrow_c_array__") or hasattr(values, "__arrow_c_stream__"):
        return values
    if type(values).__module__.startswith("pandas") and hasattr(values, "array"):
        return pa.array(values)
    return pa.array(list(values) if not isinstance(values, (list, tuple)) else values, type=pa.string())


def frame(data: Any) -> Any:
    """Something with the Arrow PyCapsule interface for a table-like input (pandas ≥ 2.2,
    polars, pyarrow, duckdb results); a dict of columns becomes a pyarrow table."""
    if type(data).__module__.startswith("duckdb"):
        # A duckdb relation streams from its connection, which holds one open result at a
        # time: read it now, so that several relations of one connection can be passed
        # together (e.g. the tables of KpiInput.from_frames).
        return pa.table(data)
    if hasattr(data, "__arrow_c_stream__") or hasattr(data, "__arrow_c_array__"):
        return data
    if isinstance(data, dict):
        return pa.table(data)
    if type(data).__module__.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    raise TypeError(
        f"expected a data frame or Arrow table (an object with __arrow_c_stream__), got {type(data).__name__}"
    )


def to_polars(t: pa.Table) -> Any:
    """The table as a polars DataFrame (requires polars)."""
    import polars as pl

    return pl.from_arrow(t)
