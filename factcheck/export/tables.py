"""Typed tables for export: a fixed column schema, plain records, spreadsheet-safe CSV/TSV.

A schema is a sequence of ``(name, type, ...)`` with type ``int`` (pandas Int64), ``float``
(Float64) or ``str`` (str, ``""`` for missing). :func:`typed` puts any frame into its schema, so
a table and the same table read back from a file compare equal.

CSV/TSV neutralisation: a text cell that begins with ``=``, ``+``, ``-``, ``@``, tab or carriage
return -- or with single quotes followed by one of those -- is written with one more leading
single quote (a spreadsheet shows it as text and runs nothing). :func:`restore` removes exactly
that quote, so :func:`read_delimited` gives back the table that was written.
"""

from __future__ import annotations

import io
import re

import pandas as pd

_RISKY = re.compile(r"^'*[=+\-@\t\r]")


def typed(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """``frame`` with exactly the schema's columns, in order, with the schema's dtypes."""
    out = pd.DataFrame(index=frame.index)
    for name, kind, *_ in columns:
        values = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
        values = values.astype(object)
        if kind == "str":
            out[name] = values.where(values.notna(), "").astype(str).astype("str")
        else:
            numbers = pd.to_numeric(values.where(values != "", None))
            out[name] = numbers.astype("Int64" if kind == "int" else "Float64")
    return out.reset_index(drop=True)


def plain(value):
    """A cell as a plain Python value (numpy scalars unwrapped, missing -> None)."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts, columns in order."""
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def neutralise(value):
    """A text cell a spreadsheet could run, with one more leading single quote."""
    return "'" + value if isinstance(value, str) and _RISKY.match(value) else value


def restore(value):
    """The inverse of :func:`neutralise`."""
    if isinstance(value, str) and value.startswith("'") and _RISKY.match(value):
        return value[1:]
    return value


def to_delimited(frame: pd.DataFrame, sep: str = ",") -> bytes:
    """UTF-8 CSV (TSV with ``sep='\\t'``), risky text cells neutralised.

    Rows end with CRLF (RFC 4180), so a cell holding a CR or LF is always quoted."""
    safe = frame.copy()
    for name in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[name]):
            safe[name] = safe[name].map(neutralise)
    return safe.to_csv(index=False, sep=sep, lineterminator="\r\n").encode("utf-8")


def read_delimited(data, columns, sep: str = ",") -> pd.DataFrame:
    """A file written by :func:`to_delimited` (path, bytes or file) back as the typed table."""
    if isinstance(data, (bytes, bytearray)):
        data = io.BytesIO(data)
    frame = pd.read_csv(data, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8")
    return typed(frame.map(restore), columns)
