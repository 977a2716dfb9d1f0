"""The columns of the Abwägung spreadsheets (XLSX, ODS, CSV): headers, widths, cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from math import ceil

from flask_babel import gettext as _

from app.exports.auswertung.entries import Entry

Value = str | int | date | None


@dataclass(frozen=True)
class Column:
    header: Callable[[], str]
    width: int  # in characters
    value: Callable[[Entry], Value]
    wrap: bool = False
    hidden_only: bool = False  # only when hidden contributions are exported
    kind: str = "text"  # "text" | "number" | "date": how a spreadsheet stores it


COLUMNS: tuple[Column, ...] = (
    Column(lambda: _("No."), 5, lambda e: e.number, kind="number"),
    Column(lambda: _("Goal"), 8, lambda e: e.goal_code),
    Column(lambda: _("Goal title"), 18, lambda e: e.goal_title, wrap=True),
    Column(lambda: _("Kind"), 10, lambda e: e.kind, wrap=True),
    Column(lambda: _("Reply to no."), 6, lambda e: e.reply_to, kind="number"),
    Column(lambda: _("Channel"), 9, lambda e: e.channel, wrap=True),
    Column(lambda: _("Stakeholder group"), 11, lambda e: e.group, wrap=True),
    Column(lambda: _("Date"), 10, lambda e: e.day, kind="date"),
    Column(lambda: _("Author"), 11, lambda e: e.author, wrap=True),
    Column(lambda: _("Text"), 48, lambda e: e.text, wrap=True),
    Column(lambda: _("Official reply"), 28, lambda e: official_reply(e), wrap=True),
    Column(lambda: _("Hidden"), 6, lambda e: _("yes") if e.hidden else "", hidden_only=True),
    Column(lambda: _("Topics"), 12, lambda e: e.topics, wrap=True),
    Column(lambda: _("Consideration"), 12, lambda e: e.consideration, wrap=True),
    Column(lambda: _("Rationale"), 36, lambda e: e.rationale, wrap=True),
    Column(lambda: _("Taken up in version"), 7, lambda e: e.revision, kind="number"),
)

FONT_SIZE = 10
LINE_HEIGHT = 13.0  # points per line of 10 pt text
MAX_ROW_HEIGHT = 409.0  # the largest row height Excel and LibreOffice accept


def official_reply(entry: Entry) -> str:
    if not entry.official_reply:
        return ""
    return f"{entry.official_reply_by}: {entry.official_reply}"


def columns(include_hidden: bool) -> list[Column]:
    return [c for c in COLUMNS if include_hidden or not c.hidden_only]


def headers(chosen: list[Column]) -> list[str]:
    return [column.header() for column in chosen]


def widths(chosen: list[Column]) -> list[int]:
    """Each column's width, at least the longest word of its header (no break inside it)."""
    result = []
    for column in chosen:
        longest = max(len(word) for word in column.header().split())
        result.append(max(column.width, ceil(longest * 1.2) + 1))
    return result


def cells(chosen: list[Column], entry: Entry) -> list[Value]:
    return [column.value(entry) for column in chosen]


def lines(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide.

    Counted generously (a line holds fewer characters than the width), so that
    wrapped text is never cut off in print.
    """
    per_line = max(1, int(width * 1.05))
    return sum(max(1, ceil(len(part) / per_line)) for part in text.split("\n"))


def row_height(values: list[Value], column_widths: list[int]) -> float:
    """The height in points that fits the wrapped text of a row."""
    most = 1
    for value, width in zip(values, column_widths, strict=False):
        if isinstance(value, str) and (len(value) > width or "\n" in value):
            most = max(most, lines(value, width))
    return min(MAX_ROW_HEIGHT, most * LINE_HEIGHT + 2)


class RowHeights:
    """Row heights for the chosen columns; only wrapped columns can need more lines."""

    def __init__(self, chosen: list[Column], column_widths: list[int]) -> None:
        self.wrapped = [
            (index, width)
            for index, (column, width) in enumerate(zip(chosen, column_widths, strict=True))
            if column.wrap
        ]

    def __call__(self, values: list[Value]) -> float:
        most = 1
        for index, width in self.wrapped:
            value = values[index]
            if isinstance(value, str) and (len(value) > width or "\n" in value):
                most = max(most, lines(value, width))
        return min(MAX_ROW_HEIGHT, most * LINE_HEIGHT + 2)
