"""The cases of a SAV file written by numpy, after the dictionary written by pyreadstat.

pyreadstat (ReadStat) hands every value to C through Python: 1.5 s for 250,000
responses x 43 variables, more than the rest of the export's own work. The cases of
an uncompressed SAV file are a plain table, though: per case and variable a
little-endian double (system-missing: -DBL_MAX; dates and times as seconds since
14 October 1582), or a string's UTF-8 bytes padded with spaces to its storage width,
a multiple of 8 bytes. So pyreadstat writes the file of a frame with one case, which
holds each string variable's longest value (a string's width comes from the data):
header, labels, value labels, missing codes, formats. :func:`write` keeps all of it
but that case, sets the header's case count, and appends every case from the frame's
columns, a page at a time, as numpy records. A test compares the result with
pyreadstat's own file byte for byte.

SPSS stores strings longer than 255 bytes in segments ("very long strings"); a frame
with one, or a header this module does not expect, is left to pyreadstat whole
(:func:`write` returns False).
"""

from __future__ import annotations

import io
import struct
import sys
import tempfile
from datetime import date
from typing import Any, BinaryIO

import numpy as np

CASES_AT = 80  # the header's case count: an int32 after the layout code and sizes
# The record "extended number of cases" (type 7, subtype 16: two int64, the second
# the count); it follows the dictionary.
LARGE_CASES = struct.pack("<4i", 7, 16, 8, 2)
LAYOUT_AT = 64  # the layout code: 2 for little-endian numbers
LITTLE_ENDIAN = 2
SYSTEM_MISSING = -sys.float_info.max
SPSS_EPOCH_DAYS = (date(1970, 1, 1) - date(1582, 10, 14)).days
DAY = 86_400
LONGEST = 255  # bytes of a string SPSS stores in one piece
PAGE = 20_000  # cases converted at a time


def _string_widths(frame: Any) -> dict[str, int]:
    """Each string variable's width: its longest value in UTF-8 bytes."""
    import polars as pl

    return {
        name: int(frame[name].str.len_bytes().max() or 0)
        for name, kind in frame.schema.items()
        if kind == pl.String
    }


def _storage(width: int) -> int:
    """The bytes a string of ``width`` takes in a case: whole 8-byte segments."""
    return max(8, -(-width // 8) * 8)


def _widest(frame: Any, widths: dict[str, int]) -> Any:
    """The frame's first case, with each string variable's longest value."""
    import polars as pl

    longest = [
        pl.lit(frame[name][int(frame[name].str.len_bytes().arg_max() or 0)]).alias(name)
        for name in widths
    ]
    return frame.head(1).with_columns(longest) if longest else frame.head(1)


def _dictionary(frame: Any, widths: dict[str, int], labels: dict[str, Any]) -> bytes | None:
    """pyreadstat's file of the one-case frame without its case: the header and the
    dictionary. None when its layout is not the one :func:`_cases` writes: its last
    bytes must be that case as :func:`_cases` writes it."""
    import pyreadstat

    one = _widest(frame, widths)
    with tempfile.NamedTemporaryFile(suffix=".sav") as temporary:
        pyreadstat.write_sav(one, temporary.name, **labels)
        written = temporary.read()
    case = io.BytesIO()
    _cases(one, widths, case)
    head, tail = written[: -len(case.getvalue())], written[-len(case.getvalue()) :]
    (layout,) = struct.unpack_from("<i", head, LAYOUT_AT)
    if layout != LITTLE_ENDIAN or tail != case.getvalue() or head.count(LARGE_CASES) != 1:
        return None
    return head


def _padded(values: list[str | None], size: int) -> list[bytes]:
    """Texts as UTF-8 padded with spaces to ``size`` bytes. (A list comprehension:
    numpy's string functions take three times as long here.)"""
    return [(value or "").encode().ljust(size) for value in values]


def _numbers(column: Any) -> Any:
    """A numeric, date or time column as SPSS's doubles (nulls system-missing)."""
    import polars as pl

    if column.dtype == pl.Date:
        values = (column.cast(pl.Int32).to_numpy().astype(np.float64) + SPSS_EPOCH_DAYS) * DAY
    elif column.dtype == pl.Datetime:
        micros = column.dt.cast_time_unit("us").cast(pl.Int64).to_numpy().astype(np.float64)
        values = micros / 1e6 + SPSS_EPOCH_DAYS * DAY
    else:
        values = column.to_numpy().astype(np.float64)
    return np.where(np.isnan(values), SYSTEM_MISSING, values)


def _cases(frame: Any, widths: dict[str, int], out: BinaryIO) -> None:
    record = np.dtype(
        [(n, f"S{_storage(widths[n])}") if n in widths else (n, "<f8") for n in frame.columns]
    )
    for start in range(0, len(frame), PAGE):
        page = frame.slice(start, PAGE)
        cases = np.empty(len(page), dtype=record)
        for name in frame.columns:
            if name in widths:
                cases[name] = _padded(page[name].to_list(), _storage(widths[name]))
            else:
                cases[name] = _numbers(page[name])
        out.write(cases.view(np.uint8).data)


def write(frame: Any, out: BinaryIO, labels: dict[str, Any]) -> bool:
    """The SAV file of ``frame`` into ``out``: pyreadstat's keyword arguments in
    ``labels``. False (nothing written) for a frame to leave to pyreadstat."""
    widths = _string_widths(frame)
    if not len(frame) or any(width > LONGEST for width in widths.values()):
        return False
    head = _dictionary(frame, widths, labels)
    if head is None:
        return False
    large = head.index(LARGE_CASES) + len(LARGE_CASES) + 8
    count = struct.pack("<i", len(frame))
    out.write(head[:CASES_AT] + count + head[CASES_AT + 4 : large])
    out.write(struct.pack("<q", len(frame)) + head[large + 8 :])
    _cases(frame, widths, out)
    out.flush()
    return True
