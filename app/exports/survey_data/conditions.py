"""Whether a question was shown to a respondent, as SQL over that response's answers.

The same rule as :func:`app.surveys.answering.answers.visible_answers`: a question
with a ``show_if`` condition is shown when the earlier question it names was shown
and answered so (an option chosen, a number in range, one of the values). The
expressions are aggregates over the answers of one response (the export groups by
response), so the database decides it for every row at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from app.surveys.models import Answer, Question

Clause = sa.ColumnElement[bool]


def _canonical_number(raw: str) -> float | None:
    """The number ``raw`` stands for, if the answering code would write it so."""
    try:
        number = float(raw)
    except ValueError:
        return None
    written = str(int(number)) if number.is_integer() else str(number)
    return number if written == raw else None


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _value_match(values: list[Any]) -> Clause:
    """Answer rows whose value, written as in ``condition_met``, is one of ``values``."""
    no_number = Answer.value_number.is_(None)
    clauses: list[Clause] = []
    for raw in (str(v) for v in values):
        number = _canonical_number(raw)
        if number is not None:
            clauses.append(Answer.value_number == number)
        day = _date(raw)
        if day is not None:
            clauses.append(sa.and_(no_number, Answer.value_date == day))
        text = sa.func.coalesce(Answer.value_text, "")
        clauses.append(sa.and_(no_number, Answer.value_date.is_(None), text == raw))
    return sa.or_(*clauses) if clauses else sa.false()


def _row_match(show_if: dict[str, Any]) -> Clause:
    if "option_ids" in show_if:
        return Answer.option_id.in_([int(i) for i in show_if["option_ids"]])
    if "min" in show_if or "max" in show_if:
        clauses: list[Clause] = [Answer.value_number.is_not(None)]
        if show_if.get("min") is not None:
            clauses.append(Answer.value_number >= float(show_if["min"]))
        if show_if.get("max") is not None:
            clauses.append(Answer.value_number <= float(show_if["max"]))
        return sa.and_(*clauses)
    return _value_match(list(show_if.get("values", [])))


class Visibility:
    """Builds (and remembers) the "was shown" expression of each question."""

    def __init__(self, questions: list[Question]) -> None:
        self.by_id = {question.id: question for question in questions}
        self.place = {question.id: index for index, question in enumerate(questions)}
        self.known: dict[int, Clause] = {}

    def shown(self, question: Question) -> Clause | None:
        """None for questions without a condition (always shown)."""
        if not question.show_if:
            return None
        if question.id not in self.known:
            self.known[question.id] = self._build(question, question.show_if)
        return self.known[question.id]

    def _build(self, question: Question, show_if: dict[str, Any]) -> Clause:
        target_id = int(show_if.get("question_id") or 0)
        target = self.by_id.get(target_id)
        if target is None or self.place[target_id] >= self.place[question.id]:
            # A condition on a question that is gone or not earlier is never met,
            # as when answering (only earlier answers are known there).
            return sa.false()
        rows = sa.and_(Answer.question_id == target_id, _row_match(show_if))
        met: Clause = sa.func.count(Answer.id).filter(rows) > 0
        earlier = self.shown(target)
        return met if earlier is None else sa.and_(earlier, met)
