"""Unified social credit codes (统一社会信用代码, GB 32100-2015), one at a time or a column at once."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from . import _arrow, _native

__all__ = ["CreditCodeCheck", "validate_credit_codes", "parse_credit_code", "credit_check_character"]


class CreditCodeCheck:
    """The outcome of :func:`validate_credit_codes`.

    ``valid`` is a boolean Arrow array aligned with the input (null where the input is null);
    ``errors`` is an Arrow table of the bad rows: ``row`` (0-based), ``code``, ``reason``
    (``length``, ``invalid_character``, ``check_mismatch``), ``position`` (1-based, null for a
    length error) and ``message``.
    """

    __slots__ = ("valid", "errors")

    def __init__(self, valid: pa.Array, errors: pa.Table) -> None:
        self.valid = valid
        self.errors = errors

    @property
    def all_valid(self) -> bool:
        """Whether no row is bad (null rows are not bad)."""
        return bool(self.errors.num_rows == 0)

    def __len__(self) -> int:
        return len(self.valid)

    def __repr__(self) -> str:
        return f"<CreditCodeCheck {len(self)} rows, {self.errors.num_rows} bad>"


def validate_credit_codes(codes: Any) -> CreditCodeCheck:
    """Validates a column of codes in one native pass (the GIL is released).

    ``codes`` is any Arrow array or chunked array, a pandas or polars Series, or a list of
    strings.

    >>> import shuangsuiji as ssj
    >>> check = ssj.validate_credit_codes(["91350100M000100Y43", "91350100M000100Y44", None, "9135"])
    >>> check.valid.to_pylist()
    [True, False, None, False]
    >>> check.errors.column("reason").to_pylist()
    ['check_mismatch', 'length']
    >>> check.errors.column("row").to_pylist()
    [1, 3]
    """
    valid, errors = _native.validate_credit_codes(_arrow.column(codes))
    return CreditCodeCheck(pa.array(valid), _arrow.table(errors))


def parse_credit_code(code: str) -> str:
    """Returns ``code`` if it is valid, else raises :class:`~shuangsuiji.InvalidCreditCode`.

    >>> parse_credit_code("91350100M000100Y43")
    '91350100M000100Y43'
    """
    return _native.parse_credit_code(code)


def credit_check_character(first17: str) -> str:
    """The check character (position 18) of the first 17 characters of a code.

    >>> credit_check_character("91350100M000100Y4")
    '3'
    """
    return _native.credit_check_character(first17)
