"""Population margins of a survey: parsing, validation and saving. Flushes only.

Staff give, per demographic single-choice question, the population share of each
of its options (census figures), by CSV upload or (later) a form. Both go through
:func:`validate_margins`; every problem has a code, the line (CSV) and a translated
message. Saving replaces the survey's margins and marks its results for rebuilding.

CSV: a header ``question;category;share`` (``,`` works too), then one line per
category. *question* is the question's id, its demographic preset
(``age_band``, ``gender``, ``municipality``, ``stakeholder``) or its text;
*category* the option's value or label (any language); *share* a percentage
(``12,5``, ``12.5`` or ``12,5 %``).
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _

from app.audit.services import record
from app.extensions import db
from app.results.models import PopulationMargin, WeightingSettings
from app.results.weighting import Margin
from app.surveys.models import Option, Question, QuestionKind, Survey

SUM_TOLERANCE = 0.5  # percentage points
CAP_RANGE = (1.0, 50.0)
HEADER = ("question", "category", "share")


class MarginProblemCode(enum.StrEnum):
    EMPTY = "empty"
    HEADER = "header"
    COLUMNS = "columns"
    UNKNOWN_QUESTION = "unknown_question"
    NOT_DEMOGRAPHIC = "not_demographic"
    UNKNOWN_CATEGORY = "unknown_category"
    NO_ANSWER_CATEGORY = "no_answer_category"
    DUPLICATE = "duplicate"
    MISSING_CATEGORY = "missing_category"
    SHARE_NOT_NUMBER = "share_not_number"
    SHARE_RANGE = "share_range"
    SUM = "sum"
    CAP_RANGE = "cap_range"


@dataclass(frozen=True)
class MarginProblem:
    code: MarginProblemCode
    field: str  # "file", "question", "category", "share" or "trim_cap"
    line: int | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def message(self) -> str:
        """The translated message, prefixed with the line number if there is one."""
        text = _MESSAGES[self.code](self.params)
        return _("Line %(line)d: %(text)s", line=self.line, text=text) if self.line else text


_MESSAGES: dict[MarginProblemCode, Callable[[dict[str, Any]], str]] = {
    MarginProblemCode.EMPTY: lambda p: _("The file contains no shares."),
    MarginProblemCode.HEADER: lambda p: _(
        "The first line must name the columns question, category and share."
    ),
    MarginProblemCode.COLUMNS: lambda p: _(
        "Expected three columns (question, category, share), found %(found)d.", **p
    ),
    MarginProblemCode.UNKNOWN_QUESTION: lambda p: _(
        "The survey has no demographic question “%(question)s”.", **p
    ),
    MarginProblemCode.NOT_DEMOGRAPHIC: lambda p: _(
        "“%(question)s” is not a demographic single-choice question; only those can be weighted.",
        **p,
    ),
    MarginProblemCode.UNKNOWN_CATEGORY: lambda p: _(
        "“%(category)s” is not an option of this question.", **p
    ),
    MarginProblemCode.NO_ANSWER_CATEGORY: lambda p: _(
        "“%(category)s” is the “no answer” option; it has no population share.", **p
    ),
    MarginProblemCode.DUPLICATE: lambda p: _("“%(category)s” is listed twice.", **p),
    MarginProblemCode.MISSING_CATEGORY: lambda p: _(
        "“%(question)s”: the option “%(category)s” has no share. Every option needs one.", **p
    ),
    MarginProblemCode.SHARE_NOT_NUMBER: lambda p: _(
        "“%(share)s” is not a number. Write a percentage such as 12,5.", **p
    ),
    MarginProblemCode.SHARE_RANGE: lambda p: _("A share must be above 0 and at most 100 percent."),
    MarginProblemCode.SUM: lambda p: _(
        "“%(question)s”: the shares add up to %(sum)s percent; they must add up to 100 (± 0.5).",
        question=p["question"],
        sum=format_decimal(p["sum"], format="#,##0.0"),  # 183,5 in German
    ),
    MarginProblemCode.CAP_RANGE: lambda p: _("The weight cap must be a number from 1 to 50."),
}


class MarginsInvalidError(ValueError):
    def __init__(self, problems: list[MarginProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the population margins")
        self.problems = problems


@dataclass(frozen=True)
class MarginEntry:
    question_id: int
    option_id: int
    share: float  # percent
    line: int | None = None


@dataclass(frozen=True)
class MarginSettings:
    trim_cap: float = 5.0
    source: str = ""


def weightable(question: Question) -> bool:
    return question.is_demographic and question.kind == QuestionKind.SINGLE_CHOICE


def _name(question: Question) -> str:
    prompt = question.prompt or {}
    return str(prompt.get("de") or next(iter(prompt.values()), "") or question.id)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _find_question(survey: Survey, raw: str) -> Question | None:
    wanted = _fold(raw)
    for question in survey.questions:
        names = {str(question.id), _fold(str(question.setting("preset") or ""))}
        names |= {_fold(text) for text in (question.prompt or {}).values()}
        if wanted in names - {""}:
            return question
    return None


def _find_option(question: Question, raw: str) -> Option | None:
    wanted = _fold(raw)
    for option in question.options:
        names = {_fold(option.value)} | {_fold(text) for text in (option.label or {}).values()}
        if wanted in names:
            return option
    return None


def parse_share(raw: str) -> float | None:
    text = raw.strip().rstrip("%").strip().replace("\u202f", "").replace(" ", "")
    text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_line(
    survey: Survey, line: int, cells: list[str], problems: list[MarginProblem]
) -> MarginEntry | None:
    if len(cells) != 3:
        params: dict[str, Any] = {"found": len(cells)}
        problems.append(MarginProblem(MarginProblemCode.COLUMNS, "file", line, params))
        return None
    raw_question, raw_category, raw_share = (c.strip() for c in cells)
    question = _find_question(survey, raw_question)
    if question is None:
        problems.append(
            MarginProblem(
                MarginProblemCode.UNKNOWN_QUESTION, "question", line, {"question": raw_question}
            )
        )
        return None
    option = _find_option(question, raw_category)
    if option is None:
        params = {"category": raw_category}
        problems.append(MarginProblem(MarginProblemCode.UNKNOWN_CATEGORY, "category", line, params))
        return None
    share = parse_share(raw_share)
    if share is None:
        params = {"share": raw_share}
        problems.append(MarginProblem(MarginProblemCode.SHARE_NOT_NUMBER, "share", line, params))
        return None
    return MarginEntry(question.id, option.id, share, line)


def parse_margins_csv(survey: Survey, text: str) -> tuple[list[MarginEntry], list[MarginProblem]]:
    """Entries and line-numbered problems of an uploaded CSV (validated as a whole)."""
    lines = [line for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    if not lines:
        return [], [MarginProblem(MarginProblemCode.EMPTY, "file")]
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    if tuple(_fold(c) for c in rows[0]) != HEADER:
        return [], [MarginProblem(MarginProblemCode.HEADER, "file", 1)]
    problems: list[MarginProblem] = []
    entries = [
        entry
        for number, cells in enumerate(rows[1:], start=2)
        if (entry := _parse_line(survey, number, cells, problems)) is not None
    ]
    if not entries and not problems:
        problems.append(MarginProblem(MarginProblemCode.EMPTY, "file"))
    if problems:
        return entries, problems
    return entries, validate_margins(survey, entries)


def _check_entry(
    entry: MarginEntry, question: Question | None, seen: set[int], problems: list[MarginProblem]
) -> bool:
    line = entry.line
    if question is None:
        params = {"question": str(entry.question_id)}
        problems.append(MarginProblem(MarginProblemCode.UNKNOWN_QUESTION, "question", line, params))
        return False
    if not weightable(question):
        params = {"question": _name(question)}
        problems.append(MarginProblem(MarginProblemCode.NOT_DEMOGRAPHIC, "question", line, params))
        return False
    option = next((o for o in question.options if o.id == entry.option_id), None)
    label = str(entry.option_id) if option is None else option.value
    problem: MarginProblemCode | None = None
    if option is None:
        problem = MarginProblemCode.UNKNOWN_CATEGORY
    elif option.is_no_answer:
        problem = MarginProblemCode.NO_ANSWER_CATEGORY
    elif entry.option_id in seen:
        problem = MarginProblemCode.DUPLICATE
    if problem is not None:
        problems.append(MarginProblem(problem, "category", line, {"category": label}))
        return False
    seen.add(entry.option_id)
    if not 0 < entry.share <= 100:
        problems.append(MarginProblem(MarginProblemCode.SHARE_RANGE, "share", line))
        return False
    return True


def validate_margins(survey: Survey, entries: list[MarginEntry]) -> list[MarginProblem]:
    """Every problem of ``entries``: categories, duplicates, ranges, coverage and sums."""
    if not entries:
        return [MarginProblem(MarginProblemCode.EMPTY, "file")]
    questions = {q.id: q for q in survey.questions}
    problems: list[MarginProblem] = []
    seen: set[int] = set()
    sums: dict[int, float] = {}
    for entry in entries:
        if _check_entry(entry, questions.get(entry.question_id), seen, problems):
            sums[entry.question_id] = sums.get(entry.question_id, 0.0) + entry.share
    for question_id, share_sum in sums.items():
        question = questions[question_id]
        for option in question.options:
            if not option.is_no_answer and option.id not in seen:
                params = {"question": _name(question), "category": option.value}
                params |= {"question_id": str(question.id), "option_id": str(option.id)}
                code = MarginProblemCode.MISSING_CATEGORY
                problems.append(MarginProblem(code, "category", None, params))
        if abs(share_sum - 100.0) > SUM_TOLERANCE:
            total = {"question": _name(question), "sum": round(share_sum, 1)}
            total["question_id"] = str(question.id)
            problems.append(MarginProblem(MarginProblemCode.SUM, "share", None, total))
    return problems


def save_margins(
    survey: Survey,
    entries: list[MarginEntry],
    *,
    trim_cap: float = 5.0,
    source: str = "",
    actor: Any = None,
) -> None:
    """Replace the survey's margins; raises :class:`MarginsInvalidError`."""
    from app.results.triggers import survey_changed

    problems = validate_margins(survey, entries)
    if not CAP_RANGE[0] <= trim_cap <= CAP_RANGE[1]:
        problems.append(MarginProblem(MarginProblemCode.CAP_RANGE, "trim_cap"))
    if problems:
        raise MarginsInvalidError(problems)
    db.session.execute(sa.delete(PopulationMargin).where(PopulationMargin.survey_id == survey.id))
    db.session.add_all(
        PopulationMargin(
            survey_id=survey.id, question_id=e.question_id, option_id=e.option_id, share=e.share
        )
        for e in entries
    )
    settings = db.session.get(WeightingSettings, survey.id)
    settings = settings or WeightingSettings(survey_id=survey.id)
    settings.trim_cap = trim_cap
    settings.source = source.strip()[:200]
    db.session.add(settings)
    after = {"margins": [[e.question_id, e.option_id, e.share] for e in entries], "cap": trim_cap}
    record("results.margins_saved", survey, actor=actor, process_id=survey.process_id, after=after)
    db.session.flush()
    survey_changed(survey.id)


def clear_margins(survey: Survey, *, actor: Any = None) -> None:
    """Stop weighting the survey (weights return to 1 with the next rebuild)."""
    from app.results.triggers import survey_changed

    db.session.execute(sa.delete(PopulationMargin).where(PopulationMargin.survey_id == survey.id))
    db.session.execute(sa.delete(WeightingSettings).where(WeightingSettings.survey_id == survey.id))
    record("results.margins_cleared", survey, actor=actor, process_id=survey.process_id)
    db.session.flush()
    survey_changed(survey.id)


def load_margins(survey_id: int) -> tuple[list[Margin], MarginSettings]:
    """The margins to rake to (shares as fractions), by question, and the settings."""
    rows = db.session.execute(
        sa.select(PopulationMargin.question_id, PopulationMargin.option_id, PopulationMargin.share)
        .where(PopulationMargin.survey_id == survey_id)
        .order_by(PopulationMargin.question_id, PopulationMargin.option_id)
    ).all()
    shares: dict[int, dict[int, float]] = {}
    for question_id, option_id, share in rows:
        shares.setdefault(question_id, {})[option_id] = share / 100
    stored = db.session.get(WeightingSettings, survey_id)
    settings = MarginSettings(stored.trim_cap, stored.source) if stored else MarginSettings()
    return [Margin(q, s) for q, s in shares.items()], settings
