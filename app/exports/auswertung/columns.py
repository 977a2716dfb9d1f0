"""The columns of the Abwägung spreadsheets (XLSX, ODS, CSV): headers, widths, cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from math import ceil
from operator import attrgetter

from flask_babel import gettext as _

from app.exports.auswertung.entries import Entry

Value = str | int | date | None


@dataclass(frozen=True)
class Column:
    header: Callable[[], str]
    width: int  # in characters
    field: str  # the attribute of :class:`Entry` shown
    wrap: bool = False
    hidden_only: bool = False  # only when hidden contributions are exported
    kind: str = "text"  # "text" | "number" | "date": how a spreadsheet stores it
    shown: Callable[[Entry], Value] | None = None  # the cell, when not the field as it is

    def value(self, entry: Entry) -> Value:
        if self.shown is not None:
            return self.shown(entry)
        value: Value = getattr(entry, self.field)
        return value


def _hidden(entry: Entry) -> str:
    return _("yes") if entry.hidden else ""


def official_reply(entry: Entry) -> str:
    if not entry.official_reply:
        return ""
    return f"{entry.official_reply_by}: {entry.official_reply}"


COLUMNS: tuple[Column, ...] = (
    Column(lambda: _("No."), 5, "number", kind="number"),
    Column(lambda: _("Goal"), 8, "goal_code"),
    Column(lambda: _("Goal title"), 18, "goal_title", wrap=True),
    Column(lambda: _("Kind"), 10, "kind", wrap=True),
    Column(lambda: _("Reply to no."), 6, "reply_to", kind="number"),
    Column(lambda: _("Channel"), 9, "channel", wrap=True),
    Column(lambda: _("Stakeholder group"), 11, "group", wrap=True),
    Column(lambda: _("Date"), 10, "day", kind="date"),
    Column(lambda: _("Author"), 11, "author", wrap=True),
    Column(lambda: _("Text"), 48, "text", wrap=True),
    Column(lambda: _("Official reply"), 28, "official_reply", wrap=True, shown=official_reply),
    Column(lambda: _("Hidden"), 6, "hidden", hidden_only=True, shown=_hidden),
    Column(lambda: _("Topics"), 12, "topics", wrap=True),
    Column(lambda: _("Consideration"), 12, "consideration", wrap=True),
    Column(lambda: _("Rationale"), 36, "rationale", wrap=True),
    Column(lambda: _("Taken up in version"), 7, "revision", kind="number"),
)

FONT_SIZE = 10
LINE_HEIGHT = 13.0  # points per line of 10 pt text
MAX_ROW_HEIGHT = 409.0  # the largest row height Excel and LibreOffice accept


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


def row_maker(chosen: list[Column]) -> Callable[[Entry], list[Value]]:
    """``cells(chosen, entry)`` as one function for a whole sheet: the fields are read
    by one ``attrgetter`` (in C), then the few shown otherwise are put in."""
    fields = attrgetter(*(column.field for column in chosen))
    shown = [(index, c.shown) for index, c in enumerate(chosen) if c.shown is not None]
    if len(chosen) == 1:
        return lambda entry: cells(chosen, entry)

    def row(entry: Entry) -> list[Value]:
        values: list[Value] = list(fields(entry))
        for index, show in shown:
            values[index] = show(entry)
        return values

    return row


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
    """Row heights for the chosen columns; only wrapped columns can need more lines.

    Lines are counted as :func:`lines` counts them, for every row of a sheet: with
    whole-number division instead of ``ceil`` and no split for a text without line
    breaks (most of them)."""

    def __init__(self, chosen: list[Column], column_widths: list[int]) -> None:
        self.wrapped = [
            (index, width, max(1, int(width * 1.05)))
            for index, (column, width) in enumerate(zip(chosen, column_widths, strict=True))
            if column.wrap
        ]

    def __call__(self, values: list[Value]) -> float:
        most = 1
        for index, width, per_line in self.wrapped:
            value = values[index]
            if not isinstance(value, str):
                continue
            length = len(value)
            if "\n" in value:
                count = sum(-(-len(part) // per_line) or 1 for part in value.split("\n"))
            elif length > width:
                count = -(-length // per_line)
            else:
                continue
            if count > most:
                most = count
        return min(MAX_ROW_HEIGHT, most * LINE_HEIGHT + 2)
