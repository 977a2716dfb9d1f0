"""Server-side validation of one page of answers, for online answering and paper entry.

``validate_page(survey, section, formdata, previous_answers)`` reads the fields of the
section's questions from ``formdata`` and returns ``(answers, errors)``: the answer
rows to store, keyed by question id, and translated messages keyed by field name.

Field names: ``q<id>`` for the question (and every message about it), ``q<id>_other``
for the "other" text, ``q<id>_r<row id>`` for a matrix row, ``q<id>_o<option id>`` for
the rank of an option. Questions whose ``show_if`` condition is not met are skipped:
their fields are ignored, whatever a crafted POST sends, and they are not required.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from app.core.text import clean_text
from app.i18n import format_number
from app.surveys.models import Option, Question, QuestionKind, Section, Survey

DEFAULT_MAX_LENGTH = {QuestionKind.SHORT_TEXT: 200, QuestionKind.LONG_TEXT: 4000}
OTHER_MAX_LENGTH = 200
NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")


@dataclass(frozen=True)
class AnswerRow:
    """One stored part of an answer (see ``app.surveys.models.Answer``)."""

    question_id: int
    item: int = 0
    option_id: int | None = None
    row_id: int | None = None
    value_text: str | None = None
    value_number: float | None = None
    value_date: date | None = None
    rank: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


Answers = dict[int, list[AnswerRow]]
Errors = dict[str, str]
FormData = Any  # a werkzeug MultiDict (request.form) or anything with get/getlist


class InvalidAnswerError(ValueError):
    """An answer the question does not allow; the message is for the respondent.

    ``suffix`` is added to the question's field name when the message belongs to a
    sub-field (``_other``).
    """

    def __init__(self, message: str, suffix: str = "") -> None:
        super().__init__(message)
        self.suffix = suffix


# --- conditions ----------------------------------------------------------------------


def condition_met(show_if: Mapping[str, Any] | None, known: Answers) -> bool:
    """Whether a question with this condition is shown, given the answers so far: one
    of the ``option_ids`` chosen, a number within ``min``/``max``, or one of ``values``."""
    if not show_if:
        return True
    rows = known.get(int(show_if.get("question_id") or 0), [])
    if "option_ids" in show_if:
        wanted = {int(i) for i in show_if["option_ids"]}
        return any(row.option_id in wanted for row in rows)
    if "min" in show_if or "max" in show_if:
        return any(
            _in_range(row.value_number, show_if.get("min"), show_if.get("max")) for row in rows
        )
    values = {str(v) for v in show_if.get("values", [])}
    return any(_row_value(row) in values for row in rows)


def _in_range(number: float | None, low: float | None, high: float | None) -> bool:
    """Whether a number answer meets ``min``/``max`` (either may be missing)."""
    if number is None:
        return False
    return (low is None or number >= low) and (high is None or number <= high)


def _row_value(row: AnswerRow) -> str:
    if row.value_number is not None:
        number = row.value_number
        return str(int(number)) if number.is_integer() else str(number)
    if row.value_date is not None:
        return row.value_date.isoformat()
    return row.value_text or ""


def is_visible(question: Question, known: Answers) -> bool:
    return condition_met(question.show_if, known)


# --- parsing one question ------------------------------------------------------------


def _text(formdata: FormData, name: str) -> str:
    return clean_text(str(formdata.get(name) or "")).strip()


def _option(question: Question, raw: str) -> Option:
    option = next((o for o in question.options if str(o.id) == raw), None)
    if option is None:
        raise InvalidAnswerError(_("Please choose one of the options offered."))
    return option


def _other_text(question: Question, formdata: FormData) -> str:
    text = _text(formdata, f"{question.field_name}_other")
    if not text:
        raise InvalidAnswerError(_("Please say what you mean by “other”."), "_other")
    if len(text) > OTHER_MAX_LENGTH:
        raise InvalidAnswerError(
            _("Please use at most %(num)d characters.", num=OTHER_MAX_LENGTH), "_other"
        )
    return text


def _choice_row(question: Question, option: Option, formdata: FormData, item: int) -> AnswerRow:
    text = _other_text(question, formdata) if option.is_other else None
    score = option.score if question.kind in (QuestionKind.SCALE, QuestionKind.MATRIX) else None
    return AnswerRow(question.id, item, option_id=option.id, value_text=text, value_number=score)


def _single(question: Question, formdata: FormData) -> list[AnswerRow]:
    raw = _text(formdata, question.field_name)
    if not raw:
        return []
    return [_choice_row(question, _option(question, raw), formdata, 0)]


def _multiple(question: Question, formdata: FormData) -> list[AnswerRow]:
    raws = list(dict.fromkeys(str(v).strip() for v in formdata.getlist(question.field_name)))
    options = [_option(question, raw) for raw in raws if raw]
    if not options:
        return []
    most = question.setting("max_choices")
    least = question.setting("min_choices")
    if most and len(options) > int(most):
        raise InvalidAnswerError(_("Please choose at most %(num)d options.", num=int(most)))
    if least and len(options) < int(least):
        raise InvalidAnswerError(_("Please choose at least %(num)d options.", num=int(least)))
    return [_choice_row(question, option, formdata, option.id) for option in options]


def _matrix(question: Question, formdata: FormData) -> list[AnswerRow]:
    rows: list[AnswerRow] = []
    for matrix_row in question.rows:
        raw = _text(formdata, f"{question.field_name}_r{matrix_row.id}")
        if raw:
            option = _option(question, raw)
            row = _choice_row(question, option, formdata, matrix_row.id)
            rows.append(AnswerRow(**(row.as_dict() | {"row_id": matrix_row.id})))
    return rows


def top_n(question: Question) -> int:
    return min(int(question.setting("top_n") or len(question.options)), len(question.options))


def _ranking(question: Question, formdata: FormData) -> list[AnswerRow]:
    limit = top_n(question)
    ranked: dict[int, Option] = {}
    for option in question.options:
        raw = _text(formdata, f"{question.field_name}_o{option.id}")
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= limit:
            raise InvalidAnswerError(_("Please use the ranks 1 to %(num)d.", num=limit))
        if int(raw) in ranked:
            raise InvalidAnswerError(_("Please give each rank only once."))
        ranked[int(raw)] = option
    if sorted(ranked) != list(range(1, len(ranked) + 1)):
        raise InvalidAnswerError(_("Please rank without gaps, starting with 1."))
    return [
        AnswerRow(question.id, option.id, option_id=option.id, rank=rank)
        for rank, option in sorted(ranked.items())
    ]


def _number(question: Question, formdata: FormData) -> list[AnswerRow]:
    raw = _text(formdata, question.field_name).replace(" ", "")
    if not raw:
        return []
    if not NUMBER_RE.match(raw):
        raise InvalidAnswerError(_("Please enter a number."))
    value = float(raw.replace(",", "."))
    if not question.setting("decimal") and not value.is_integer():
        raise InvalidAnswerError(_("Please enter a whole number."))
    low, high = question.setting("min"), question.setting("max")
    if (low is not None and value < float(low)) or (high is not None and value > float(high)):
        raise InvalidAnswerError(_number_range_message(question, low, high))
    return [AnswerRow(question.id, value_number=value)]


def _number_range_message(question: Question, low: Any, high: Any) -> str:
    low, high = (
        None if bound is None else format_number(bound, grouped=question.groups_digits)
        for bound in (low, high)
    )
    if low is not None and high is not None:
        return _("Please enter a number from %(min)s to %(max)s.", min=low, max=high)
    if low is not None:
        return _("Please enter a number of at least %(min)s.", min=low)
    return _("Please enter a number of at most %(max)s.", max=high)


def max_length(question: Question) -> int:
    return int(question.setting("max_length") or DEFAULT_MAX_LENGTH.get(question.kind, 200))


def _free_text(question: Question, formdata: FormData) -> list[AnswerRow]:
    text = _text(formdata, question.field_name).replace("\r\n", "\n")
    if not text:
        return []
    limit = max_length(question)
    if len(text) > limit:
        raise InvalidAnswerError(
            _(
                "Please shorten your answer to at most %(num)d characters (it has %(len)d).",
                num=limit,
                len=len(text),
            )
        )
    return [AnswerRow(question.id, value_text=text)]


def parse_date(raw: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def _date(question: Question, formdata: FormData) -> list[AnswerRow]:
    raw = _text(formdata, question.field_name)
    if not raw:
        return []
    value = parse_date(raw)
    if value is None:
        raise InvalidAnswerError(_("Please enter a date such as 31.12.2024."))
    low, high = question.setting("min_date"), question.setting("max_date")
    if (low and value < date.fromisoformat(low)) or (high and value > date.fromisoformat(high)):
        raise InvalidAnswerError(_("Please enter a date in the range given."))
    return [AnswerRow(question.id, value_date=value)]


PARSERS: dict[QuestionKind, Callable[[Question, FormData], list[AnswerRow]]] = {
    QuestionKind.SINGLE_CHOICE: _single,
    QuestionKind.SCALE: _single,
    QuestionKind.MULTIPLE_CHOICE: _multiple,
    QuestionKind.MATRIX: _matrix,
    QuestionKind.RANKING: _ranking,
    QuestionKind.NUMBER: _number,
    QuestionKind.SHORT_TEXT: _free_text,
    QuestionKind.LONG_TEXT: _free_text,
    QuestionKind.DATE: _date,
}


# --- a page --------------------------------------------------------------------------


def validate_page(
    survey: Survey,
    section: Section,
    formdata: FormData,
    previous_answers: Answers,
    *,
    enforce_required: bool = True,
) -> tuple[Answers, Errors]:
    """Parse and check the answers to ``section``; see the module docstring.

    ``previous_answers`` are the answers to earlier sections (for conditions).
    ``enforce_required=False`` (going back, saving for later) lets required
    questions stay empty but still refuses invalid values.
    """
    if section.survey_id != survey.id:
        raise ValueError("section of another survey")
    on_page = {question.id for question in section.questions}
    known = {qid: rows for qid, rows in previous_answers.items() if qid not in on_page}
    answers: Answers = {}
    errors: Errors = {}
    for question in section.questions:
        if not is_visible(question, known):
            continue
        try:
            rows = PARSERS[question.kind](question, formdata)
        except InvalidAnswerError as error:
            errors[question.field_name + error.suffix] = str(error)
            continue
        if enforce_required and question.required and not is_complete(question, rows):
            errors[question.field_name] = missing_message(question, rows)
        if rows:
            answers[question.id] = known[question.id] = rows
    return answers, errors


def is_complete(question: Question, rows: list[AnswerRow]) -> bool:
    """Whether a question is answered fully: every matrix row, the top N of a ranking."""
    if question.kind == QuestionKind.MATRIX:
        return len({row.row_id for row in rows}) >= len(question.rows)
    if question.kind == QuestionKind.RANKING:
        return len(rows) >= top_n(question)
    return bool(rows)


def missing_message(question: Question, rows: list[AnswerRow]) -> str:
    if rows and question.kind == QuestionKind.MATRIX:
        return _("Please answer every row.")
    if rows and question.kind == QuestionKind.RANKING:
        return _("Please rank your top %(num)d.", num=top_n(question))
    return _("Please answer this question.")
