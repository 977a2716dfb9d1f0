"""Does participation mirror the community? Participants vs population per margin.

Reads the ``weighting.margins`` block of the stored survey snapshot (computed by the
rebuild, ``survey_snapshot._representativeness``): per category the population share,
the participants' share (of those who answered the question) and, after raking, the
weighted share. Builds what the page shows: the table rows, the geometry of a
horizontal bar chart (drawn as SVG by the template, classes only) and a one-sentence
summary per margin. The public view reads the suppressed snapshot: a category whose
count is hidden shows no participant share and no bar. Reading only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from app.i18n import tr_text
from app.results import snapshots
from app.surveys.models import Question, Survey

CLOSE_PP = 2.0  # a gap below this many percentage points counts as "mirrors"

# Chart geometry (SVG user units; the SVG scales to the width of its container).
LABEL_WIDTH = 190
CHART_WIDTH = 420
BAR_HEIGHT = 12
GROUP_GAP = 14
TOP = 24
VALUE_WIDTH = 60
LABEL_CHARS = 26  # longer labels are shortened in the chart (the table has them whole)


@dataclass
class Category:
    label: str
    population: float
    sample: float | None  # None: hidden (small cell) or nobody answered
    count: int | None
    weighted: float | None
    diff_pp: float | None
    suppressed: bool = False


@dataclass
class Bar:
    y: float
    width: float
    value_x: float
    text: str


@dataclass
class ChartRow:
    label: str
    label_y: float
    population: Bar
    sample: Bar | None


@dataclass
class Chart:
    width: int
    height: int
    plot_x: int
    plot_width: int
    ticks: list[tuple[float, str]]  # x position, label
    rows: list[ChartRow]


@dataclass
class MarginView:
    question_id: int
    title: str
    categories: list[Category]
    summary: str
    chart: Chart
    missing: int | None = None  # respondents without an answer to the question (staff)


@dataclass
class RepresentativenessView:
    as_of: datetime | None
    weighted: bool  # weights are active (the table has a weighted column)
    margins: list[MarginView] = field(default_factory=list)
    n: int | None = None


def _pct(value: float) -> str:
    return str(format_decimal(value, format="0.0"))


def _summary(title: str, categories: list[Category]) -> str:
    shown = [c for c in categories if c.diff_pp is not None]
    if not shown:
        return _(
            "“%(question)s”: too few participants to compare with the population.",
            question=title,
        )
    widest = max(shown, key=lambda c: abs(c.diff_pp or 0.0))
    if abs(widest.diff_pp or 0.0) < CLOSE_PP:
        return _(
            "“%(question)s”: participation mirrors the population; no category differs "
            "by %(pp)s percentage points or more.",
            question=title,
            pp=_pct(CLOSE_PP),
        )
    params = {
        "question": title,
        "category": widest.label,
        "sample": _pct(widest.sample or 0.0),
        "population": _pct(widest.population),
    }
    if (widest.diff_pp or 0.0) > 0:
        return _(
            "“%(question)s”: “%(category)s” is over-represented most: %(sample)s %% of "
            "participants against %(population)s %% of the population.",
            **params,
        )
    return _(
        "“%(question)s”: “%(category)s” is under-represented most: %(sample)s %% of "
        "participants against %(population)s %% of the population.",
        **params,
    )


def _scale_max(categories: list[Category]) -> float:
    shares = [c.population for c in categories] + [c.sample or 0.0 for c in categories]
    return max(10.0, math.ceil(max(shares, default=0.0) / 10) * 10)


def _chart(categories: list[Category]) -> Chart:
    top = _scale_max(categories)
    plot_x = LABEL_WIDTH

    def bar(y: float, value: float) -> Bar:
        width = CHART_WIDTH * value / top
        return Bar(y, round(width, 2), round(plot_x + width + 4, 2), f"{_pct(value)} %")

    rows = []
    y = float(TOP)
    for category in categories:
        population = bar(y, category.population)
        sample = None if category.sample is None else bar(y + BAR_HEIGHT, category.sample)
        label = (
            category.label
            if len(category.label) <= LABEL_CHARS
            else category.label[: LABEL_CHARS - 1] + "…"
        )
        rows.append(ChartRow(label, y + BAR_HEIGHT + 4, population, sample))
        y += 2 * BAR_HEIGHT + GROUP_GAP
    step = 20.0 if top > 60 and top % 20 == 0 else 10.0  # the last tick ends the axis
    ticks = [
        (round(plot_x + CHART_WIDTH * value / top, 2), f"{value:g} %")
        for value in _frange(0.0, top, step)
    ]
    height = int(y - GROUP_GAP + 8)
    width = LABEL_WIDTH + CHART_WIDTH + VALUE_WIDTH
    return Chart(width, height, plot_x, CHART_WIDTH, ticks, rows)


def _frange(start: float, stop: float, step: float) -> list[float]:
    count = round((stop - start) / step)
    return [start + i * step for i in range(count + 1)]


def _categories(margin: dict[str, Any], question: Question, locale: str) -> list[Category]:
    labels = {o.id: tr_text(o.label, locale) or o.value for o in question.options}
    if "categories" not in margin:  # nobody to weigh yet: the population shares only
        return [
            Category(labels.get(int(o), o), float(share), None, None, None, None)
            for o, share in margin.get("shares", {}).items()
        ]
    return [
        Category(
            label=labels.get(int(c["option_id"]), str(c["option_id"])),
            population=float(c["population"]),
            sample=c.get("sample"),
            count=c.get("count"),
            weighted=c.get("weighted"),
            diff_pp=c.get("diff_pp"),
            suppressed=bool(c.get("suppressed")),
        )
        for c in margin.get("categories", [])
    ]


def _view(survey: Survey, data: dict[str, Any] | None, staff: bool) -> RepresentativenessView:
    if data is None:
        return RepresentativenessView(None, False)
    weighting = data.get("weighting") or {}
    as_of = datetime.fromisoformat(data["as_of"]) if data.get("as_of") else None
    questions = {q.id: q for q in survey.questions}
    view = RepresentativenessView(as_of, bool(weighting.get("active")))
    view.n = (data.get("respondents") or {}).get("n")
    for margin in weighting.get("margins", []):
        question = questions.get(margin["question_id"])
        if question is None:
            continue
        title = tr_text(question.prompt, survey.default_locale)
        categories = _categories(margin, question, survey.default_locale)
        view.margins.append(
            MarginView(
                question.id,
                title,
                categories,
                _summary(title, categories),
                _chart(categories),
                margin.get("missing") if staff else None,
            )
        )
    return view


def staff_view(survey: Survey) -> RepresentativenessView:
    """Unsuppressed: every category with its count."""
    return _view(survey, snapshots.staff_survey(survey), staff=True)


def public_view(survey: Survey) -> RepresentativenessView:
    """Suppressed: hidden categories show only the population share."""
    return _view(survey, snapshots.public_survey(survey.id), staff=False)
