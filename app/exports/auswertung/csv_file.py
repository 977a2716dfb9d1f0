"""The Abwägung as CSV for German spreadsheet programs.

UTF-8 with BOM, ``;`` as delimiter, CRLF, through the platform's one guarded CSV
writer (:mod:`app.core.csvfile`: a cell starting with ``= + - @`` gets an apostrophe).
One table; the "Übersicht" is in the XLSX and ODS files.

Goal codes are written with a leading WORD JOINER (U+2060), which is invisible:
German LibreOffice and Excel otherwise read ``12.1.1`` as the date 12.01.2001. A
program reading the file gets the code with ``value.lstrip("\u2060")``
(:func:`goal_code`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import IO, Any

from app.core import csvfile
from app.exports.auswertung import columns
from app.exports.auswertung.entries import Entries, Key
from app.processes.models import Process

CONTENT_TYPE = "text/csv; charset=utf-8"
EXTENSION = "csv"
WORD_JOINER = "\u2060"
GOAL_COLUMN = 1


def as_text(code: str) -> str:
    """A goal code that spreadsheet programs keep as text."""
    return WORD_JOINER + code if code else ""


def goal_code(value: str) -> str:
    """The goal code of a cell read back from the CSV."""
    return value.lstrip(WORD_JOINER)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value


def write(
    process: Process,
    options: dict[str, Any] | None,
    lang: str,
    out: IO[bytes],
    progress: Callable[[int], None],
) -> int:
    """Write the table to ``out``; returns the number of rows."""
    entries = Entries(process, options, lang)
    chosen = columns.columns(entries.options.include_hidden)
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csvfile.writer(text, delimiter=";")
    writer.writerow(columns.headers(chosen))
    written = 0
    cells = columns.row_maker(chosen)
    for section in entries.sections():
        numbers: dict[Key, int] = {}
        for chunk in entries.chunks(section, numbers, written):
            for entry in chunk:
                row = [_cell(value) for value in cells(entry)]
                row[GOAL_COLUMN] = as_text(entry.goal_code)
                writer.writerow(row)
            written += len(chunk)
            progress(written)
    text.flush()
    text.detach()  # the caller owns ``out``
    return written
