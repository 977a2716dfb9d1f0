"""The Abwägung as an XLSX workbook that prints: XlsxWriter in constant-memory mode.

Sheets: "Übersicht" (counts), then one sheet per field of action, then the
contributions without a goal. Every sheet prints on A4 landscape, fitted to the page
width, with the header row repeated on every page, a header with the title and the
as-of date and a footer with page numbers. Rows are as high as their wrapped text.

Every text is written as a string cell, unaltered: a string cell is never a formula,
so the CSV guard's apostrophe is not needed (nor wanted) here. Rows are written in
order, sheet by sheet, as constant-memory mode requires; only one row is in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import IO, Any

import xlsxwriter
from flask_babel import gettext as _

from app.exports.auswertung import columns, layout, overview
from app.exports.auswertung.entries import Entries, Key, Section
from app.processes.models import Process

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSION = "xlsx"
A4 = 9
MAX_SHEET_ROWS = 1_048_576  # rows of one worksheet, the header row included


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook, date_format: str) -> None:
        base = {"font_size": columns.FONT_SIZE, "valign": "top"}
        border = {"border": 1, "border_color": "#808080"}
        header = base | border | {"bold": True, "text_wrap": True, "bg_color": "#E6E6E6"}
        self.header = book.add_format(header)
        self.wrap = book.add_format(base | {"text_wrap": True})
        self.plain = book.add_format(base)
        self.date = book.add_format(base | {"num_format": date_format})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.total = book.add_format(base | {"bold": True})


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def _print_setup(sheet: Any, printed: layout.PrintTitles, repeat_row: int | None) -> None:
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    sheet.set_header(
        f"&L&B{_escape(printed.title[:120])}&R{_escape(printed.as_of)}", {"margin": 0.3}
    )
    page = _escape(_("Page %(page)s of %(pages)s", page="\0P", pages="\0N")).replace("\0", "&")
    sheet.set_footer(f"&L{_escape(printed.process[:100])}&R{page}", {"margin": 0.3})
    sheet.hide_gridlines(0)  # printed: the table's grid, also around empty cells
    if repeat_row is not None:
        sheet.repeat_rows(repeat_row)


def _write(
    sheet: Any, row: int, values: list[Any], fmt: _Formats, wrap: list[bool], style: Any = None
) -> None:
    """One row; empty cells are left out (the printed grid draws them)."""
    chosen = style
    for col, value in enumerate(values):
        if value is None or value == "":
            continue
        style = chosen or (fmt.wrap if wrap[col] else fmt.plain)
        if isinstance(value, date):
            sheet.write_datetime(row, col, value, fmt.date)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value, style)
        else:
            sheet.write_string(row, col, str(value), style)


def _overview(book: Any, fmt: _Formats, name: str, rows: list[layout.OverviewRow]) -> None:
    sheet = book.add_worksheet(name)
    widths = layout.overview_widths(rows)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    for index, (style, values) in enumerate(rows):
        if style == "title":
            sheet.set_row(index, 21)  # 14 pt
            sheet.write_string(index, 0, str(values[0]), fmt.title)
            continue
        sheet.set_row(index, columns.row_height(list(values), widths))
        if style == "header":
            sheet.write_row(index, 0, values, fmt.header)
        elif values:
            _write(
                sheet,
                index,
                values,
                fmt,
                [True] * len(values),
                fmt.total if style == "total" else None,
            )


class _DataSheet:
    def __init__(self, book: Any, fmt: _Formats, name: str, chosen: list[columns.Column]) -> None:
        self.sheet = book.add_worksheet(name)
        self.fmt, self.row = fmt, 1
        self.widths = columns.widths(chosen)
        self.height = columns.RowHeights(chosen, self.widths)
        self.cells = [self._cell_writer(column, fmt) for column in chosen]
        for col, width in enumerate(self.widths):
            self.sheet.set_column(col, col, width)
        header = columns.headers(chosen)
        self.sheet.write_row(0, 0, header, fmt.header)
        self.sheet.set_row(0, columns.row_height(list(header), self.widths))
        self.sheet.freeze_panes(1, 0)

    def _cell_writer(self, column: columns.Column, fmt: _Formats) -> tuple[Any, Any]:
        """The sheet's method for the column's kind, and its format. XlsxWriter's
        undecorated methods where it has them: the public ones only add a check for
        "A1" notation, a million times for 100,000 rows."""
        name, style = {
            "text": ("write_string", fmt.wrap if column.wrap else fmt.plain),
            "number": ("write_number", fmt.wrap if column.wrap else fmt.plain),
            "date": ("write_datetime", fmt.date),
        }[column.kind]
        method = getattr(self.sheet, f"_{name}", None) or getattr(self.sheet, name)
        return method, style

    def add(self, values: list[Any]) -> None:
        """One contribution; empty cells are left out (the printed grid draws them)."""
        row = self.row
        self.sheet.set_row(row, self.height(values))
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            write, style = self.cells[col]
            write(row, col, value, style)
        self.row += 1

    def finish(self) -> None:
        if self.row > 1:
            self.sheet.autofilter(0, 0, self.row - 1, len(self.widths) - 1)


def write(
    process: Process,
    options: dict[str, Any] | None,
    lang: str,
    out: IO[bytes],
    progress: Callable[[int], None],
) -> int:
    """Write the workbook to ``out``; returns the number of contribution rows."""
    entries = Entries(process, options, lang)
    printed = layout.titles(entries.text(process.title))
    counts = overview.count(
        process, options, lambda key: entries.text(entries.kinds.get(key)) or key
    )
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"title": printed.title, "comments": printed.as_of})
    fmt = _Formats(book, layout.excel_date_format(lang))
    names = layout.SheetNames()
    summary = names(layout.overview_name())
    chosen = columns.columns(entries.options.include_hidden)
    _overview(book, fmt, summary, layout.overview_rows(entries, counts, printed))
    _print_setup(book.get_worksheet_by_name(summary), printed, None)
    written = 0
    numbers: dict[Key, int] = {}
    for section in entries.sections():
        if not section.keys and section.field is None:
            continue
        written = _section(
            book, fmt, names, entries, section, chosen, printed, numbers, written, progress
        )
    book.close()
    return written


def _section(
    book: Any,
    fmt: _Formats,
    names: layout.SheetNames,
    entries: Entries,
    section: Section,
    chosen: list[columns.Column],
    printed: layout.PrintTitles,
    numbers: dict[Key, int],
    written: int,
    progress: Callable[[int], None],
) -> int:
    name = layout.section_name(entries, section)
    data = _DataSheet(book, fmt, names(name), chosen)
    _print_setup(data.sheet, printed, 0)
    cells = columns.row_maker(chosen)
    for chunk in entries.chunks(section, numbers, written):
        for entry in chunk:
            if data.row >= MAX_SHEET_ROWS:  # XLSX's limit: the field goes on in a new sheet
                data.finish()
                data = _DataSheet(book, fmt, names(name), chosen)
                _print_setup(data.sheet, printed, 0)
            data.add(cells(entry))
        written += len(chunk)
        progress(written)
    numbers.clear()  # replies never cross a field of action
    data.finish()
    return written
