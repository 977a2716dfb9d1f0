"""The one CSV writer: every CSV file the platform writes goes through :func:`writer`.

Text that staff or participants wrote is never run as a formula by a spreadsheet:
a cell that starts with ``= + - @``, a tab or a carriage return gets a leading
apostrophe (the OWASP advice against CSV injection). Numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _TextOut(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: Any) -> Any:
    """``value``, with an apostrophe in front if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose rows pass through :func:`safe_cell`."""

    def __init__(self, out: _TextOut, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

    def writerows_with_text_in(self, rows: list[list[Any]], text_columns: list[int]) -> None:
        """Rows whose only strings are in ``text_columns`` (the others hold numbers,
        which need no guard): only those cells are checked. For large exports."""
        for row in rows:
            for column in text_columns:
                row[column] = safe_cell(row[column])
        self._writer.writerows(rows)


def writer(out: _TextOut, *, delimiter: str = ",") -> SafeWriter:
    """A guarded writer with CRLF line ends; ``;`` as ``delimiter`` suits German Excel."""
    return SafeWriter(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
