"""Writers for a :class:`~app.exports.tables.Table`: CSV for German Excel and XLSX.

Both stream: rows go to ``out`` chunk by chunk, and XlsxWriter runs in
``constant_memory`` mode (each row is flushed to a temporary file once written).

Text that staff or participants wrote is never interpreted as a formula: CSV goes
through the platform's one guarded writer (:mod:`app.core.csvfile`), and the XLSX
writer stores every string as a string.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import IO, Any, BinaryIO

import xlsxwriter

from app.core import csvfile
from app.exports.source import Progress
from app.exports.tables import Cell, Sheet, Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_SHEET_NAME = 31
XLSX_MAX_ROWS = 1_048_576  # rows per sheet in XLSX, the header row included
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


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


def text_out(out: IO[bytes], *, bom: bool = True) -> io.TextIOWrapper:
    """A UTF-8 text stream over ``out`` (with a BOM for Excel) for the csv module."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig" if bom else "utf-8", newline="")
    return text


def write_csv(table: Table, out: BinaryIO, progress: Progress) -> int:
    """UTF-8 with BOM, ``;`` as delimiter and CRLF: opens directly in German Excel."""
    text = text_out(out)
    writer = csvfile.writer(text, delimiter=";")
    writer.writerow(table.headers)
    written = 0
    for chunk in table.chunks:
        writer.writerows([_csv_cell(cell) for cell in row] for row in chunk)
        written += len(chunk)
        progress(written, table.total)
    table.extra_sheets()  # not written: CSV holds the data only
    text.flush()
    text.detach()  # leave ``out`` open for the caller
    return written


class Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.top = book.add_format({"valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})


def write_row(sheet: Any, row_index: int, row: list[Cell], fmt: Formats, wrap: set[int]) -> None:
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


def start_sheet(
    book: xlsxwriter.Workbook, name: str, headers: list[str], widths: list[int], fmt: Formats
) -> Any:
    sheet = book.add_worksheet(name[:MAX_SHEET_NAME])
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, headers, fmt.header)
    sheet.freeze_panes(1, 0)
    return sheet


class SplitSheets:
    """The data sheet, continued on "<name> (2)", "<name> (3)" … before XLSX's row
    limit, each with the header row, a frozen header and an autofilter."""

    def __init__(
        self,
        book: xlsxwriter.Workbook,
        name: str,
        headers: list[str],
        widths: list[int],
        fmt: Formats,
    ) -> None:
        self.book, self.name, self.headers, self.widths, self.fmt = book, name, headers, widths, fmt
        self.max_rows = XLSX_MAX_ROWS
        self.number = 0
        self.sheet: Any = None
        self.row = 0

    def _next_sheet(self) -> None:
        self._close_sheet()
        self.number += 1
        suffix = "" if self.number == 1 else f" ({self.number})"
        name = self.name[: MAX_SHEET_NAME - len(suffix)] + suffix
        self.sheet = start_sheet(self.book, name, self.headers, self.widths, self.fmt)
        self.row = 1

    def _close_sheet(self) -> None:
        if self.sheet is not None and self.row > 1:
            self.sheet.autofilter(0, 0, self.row - 1, len(self.headers) - 1)

    def next_row(self) -> tuple[Any, int]:
        """The sheet and row index for the next data row."""
        if self.sheet is None or self.row >= self.max_rows:
            self._next_sheet()
        index = self.row
        self.row += 1
        return self.sheet, index

    def close(self) -> None:
        if self.sheet is None:
            self._next_sheet()  # an empty export still has its header
        self._close_sheet()


def write_extra(book: xlsxwriter.Workbook, extra: Sheet, fmt: Formats) -> None:
    sheet = start_sheet(book, extra.name, extra.headers, extra.widths, fmt)
    wrap = set(range(len(extra.headers)))
    for index, row in enumerate(extra.rows, start=1):
        write_row(sheet, index, row, fmt, wrap)


def new_book(out: BinaryIO) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(out, XLSX_OPTIONS)


def write_xlsx(table: Table, out: BinaryIO, progress: Progress) -> int:
    """The data sheet (bold, frozen header, widths, wrapped text) and the extra sheets."""
    book = new_book(out)
    fmt = Formats(book)
    sheets = SplitSheets(book, table.name, table.headers, table.widths, fmt)
    written = 0
    for chunk in table.chunks:
        for row in chunk:
            sheet, index = sheets.next_row()
            write_row(sheet, index, row, fmt, table.wrap)
        written += len(chunk)
        progress(written, table.total)
    sheets.close()
    for extra in table.extra_sheets():
        write_extra(book, extra, fmt)
    book.close()
    return written
