"""What the printed spreadsheets share: titles, the as-of date, dates, sheet names
and the "Übersicht" sheet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from math import ceil

from babel.dates import get_date_format
from flask_babel import format_date, format_time, pgettext
from flask_babel import gettext as _

from app.db import utcnow
from app.exports.auswertung.entries import Entries, Section
from app.exports.auswertung.overview import Overview, group_label, statuses

MAX_SHEET_NAME = 31
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")
DATE_TOKEN = re.compile(r"(y+|M+|d+|[./\- ])")


@dataclass(frozen=True)
class PrintTitles:
    process: str
    title: str  # "Abwägungstabelle: <process>"
    as_of: str  # "Datenstand: <moment>", in the export language
    moment: str  # the moment the data was read, e.g. "02.12.2026 17:35"


def titles(process_title: str, moment: datetime | None = None) -> PrintTitles:
    moment = moment or utcnow()
    shown = f"{format_date(moment, 'medium')} {format_time(moment, 'short')}"
    return PrintTitles(
        process=process_title,
        title=_("Abwägung table: %(process)s", process=process_title),
        as_of=_("Data as of %(moment)s", moment=shown),
        moment=shown,
    )


def today() -> str:
    return format_date(utcnow(), "medium")


def date_tokens(lang: str) -> list[tuple[str, int | str]]:
    """The export language's numeric date as (part, width) or ("text", separator).

    From the CLDR short date pattern, with a four-digit year: "dd.MM.yy" gives
    day 2, ".", month 2, ".", year 4.
    """
    pattern = get_date_format("short", locale=lang.replace("-", "_")).pattern
    tokens: list[tuple[str, int | str]] = []
    for token in DATE_TOKEN.findall(pattern):
        if token[0] == "y":
            tokens.append(("year", 4))
        elif token[0] == "M":
            tokens.append(("month", min(len(token), 2)))
        elif token[0] == "d":
            tokens.append(("day", min(len(token), 2)))
        else:
            tokens.append(("text", token))
    return tokens


def excel_date_format(lang: str) -> str:
    """The same date as an Excel number format, e.g. ``dd.mm.yyyy``."""
    letters = {"year": "y", "month": "m", "day": "d"}
    parts = []
    for part, width in date_tokens(lang):
        if part == "text":
            parts.append("\\" + str(width) if width != " " else " ")
        else:
            parts.append(letters[part] * int(width))
    return "".join(parts)


class SheetNames:
    """Sheet names that Excel and LibreOffice accept: short, unique, no reserved characters."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, wanted: str) -> str:
        base = FORBIDDEN_IN_SHEET_NAME.sub(" ", wanted).strip()[:MAX_SHEET_NAME].strip() or "-"
        name, number = base, 2
        while name.lower() in self.used:
            suffix = f" ({number})"
            name = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
            number += 1
        self.used.add(name.lower())
        return name


def section_name(entries: Entries, section: Section) -> str:
    if section.field is None:
        return _("Without goal")
    code, title, _level = entries.goals[section.field.goal.id]
    return f"{code} {title}"


def overview_name() -> str:
    return pgettext("spreadsheet sheet", "Summary")


OverviewRow = tuple[str, list[str | int | None]]  # style ("title"|"header"|"row"|"total"), cells


def overview_rows(entries: Entries, overview: Overview, printed: PrintTitles) -> list[OverviewRow]:
    """The "Übersicht" sheet: per goal and group by consideration status, then channels,
    kinds and groups."""
    states = statuses()
    rows: list[OverviewRow] = [
        ("title", [printed.title]),
        ("row", [printed.as_of]),
        ("row", []),
        (
            "header",
            [_("Goal"), _("Goal title"), _("Stakeholder group")]
            + [label for _status, label in states]
            + [_("Total")],
        ),
    ]
    goal_ids: list[int | None] = [node.goal.id for node in entries.nodes]
    overview.fold({goal_id for goal_id in goal_ids if goal_id is not None})
    sums = [0] * (len(states) + 1)
    for goal_id in [*goal_ids, None]:
        code, title = entries.goal_texts(goal_id) if goal_id else ("", _("Without goal"))
        for group, counts in overview.goal_rows(goal_id):
            numbers = [counts.get(status, 0) for status, _label in states]
            numbers.append(sum(numbers))
            sums = [a + b for a, b in zip(sums, numbers, strict=True)]
            rows.append(("row", [code, title, group_label(group), *numbers]))
    rows.append(("total", [_("Total"), "", "", *sums]))
    for heading, counter in (
        (_("Channel"), overview.channels),
        (_("Kind"), overview.kinds),
        (_("Stakeholder group"), {group_label(g): n for g, n in overview.groups.items()}),
    ):
        rows += [("row", []), ("header", [heading, _("Contributions")])]
        rows += [("row", [label, n]) for label, n in sorted(counter.items())]
    return rows


OVERVIEW_WIDTHS = [22, 30, 16, 12, 12, 12, 12, 12, 12, 10]


def overview_widths(rows: list[OverviewRow]) -> list[int]:
    """The column widths, each at least the longest word of its headers (no break inside)."""
    widths = list(OVERVIEW_WIDTHS)
    for style, values in rows:
        if style != "header":
            continue
        for index, value in enumerate(values):
            longest = max((len(word) for word in str(value).split()), default=0)
            widths[index] = max(widths[index], ceil(longest * 1.2) + 1)
    return widths
