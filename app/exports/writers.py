"""File writers: CSV for German Excel and XLSX (XlsxWriter).

Text that staff or participants wrote is never interpreted as a formula: CSV goes
through the platform's one guarded writer (:mod:`app.core.csvfile`), and the XLSX
writer stores every string as a string.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import xlsxwriter

from app.core import csvfile
from app.exports.tables import Cell, Sheet, Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_NAME = 31

Progress = Callable[[int], None]  # called with the number of rows written so far


def _csv_cell(value: Cell) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_csv(table: Table, progress: Progress) -> bytes:
    """UTF-8 with BOM, ``;`` as delimiter and CRLF: opens directly in German Excel."""
    buffer = io.StringIO()
    writer = csvfile.writer(buffer, delimiter=";")
    writer.writerow(table.headers)
    written = 0
    for chunk in table.chunks:
        writer.writerows([_csv_cell(cell) for cell in row] for row in chunk)
        written += len(chunk)
        progress(written)
    table.extra_sheets()  # not written: CSV holds the data only
    return buffer.getvalue().encode("utf-8-sig")


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.top = book.add_format({"valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})


def _write_row(sheet: Any, row_index: int, row: list[Cell], fmt: _Formats, wrap: set[int]) -> None:
    for col, value in enumerate(row):
        style = fmt.wrap if col in wrap else fmt.top
        if value is None or value == "":
            sheet.write_blank(row_index, col, None, style)
        elif isinstance(value, datetime | date):
            sheet.write_datetime(row_index, col, value, fmt.date)
        elif isinstance(value, bool):
            sheet.write_number(row_index, col, int(value), style)
        elif isinstance(value, int | float):
            sheet.write_number(row_index, col, value, style)
        else:
            sheet.write_string(row_index, col, str(value), style)


def _start_sheet(
    book: xlsxwriter.Workbook, name: str, headers: list[str], widths: list[int], fmt: _Formats
) -> Any:
    sheet = book.add_worksheet(name[:MAX_SHEET_NAME])
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, headers, fmt.header)
    sheet.freeze_panes(1, 0)
    return sheet


def _write_extra(book: xlsxwriter.Workbook, extra: Sheet, fmt: _Formats) -> None:
    sheet = _start_sheet(book, extra.name, extra.headers, extra.widths, fmt)
    wrap = set(range(len(extra.headers)))
    for index, row in enumerate(extra.rows, start=1):
        _write_row(sheet, index, row, fmt, wrap)


def write_xlsx(table: Table, progress: Progress) -> bytes:
    """The data sheet (bold, frozen header, widths, wrapped text) and the extra sheets."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
    fmt = _Formats(book)
    sheet = _start_sheet(book, table.name, table.headers, table.widths, fmt)
    row_index = 1
    for chunk in table.chunks:
        for row in chunk:
            _write_row(sheet, row_index, row, fmt, table.wrap)
            row_index += 1
        progress(row_index - 1)
    if row_index > 1:
        sheet.autofilter(0, 0, row_index - 1, len(table.headers) - 1)
    for extra in table.extra_sheets():
        _write_extra(book, extra, fmt)
    book.close()
    return buffer.getvalue()
