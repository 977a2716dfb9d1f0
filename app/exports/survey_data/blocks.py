"""One block per question: its variables, the SQL it needs, and how to code a row.

A block asks the pivot query for a few aggregates over the answers of one response
(``columns``: the chosen option, a 0/1 flag per option, a rank, a value) and turns
them into the coded values of its variables (``code``). ``shown`` is False when the
question's condition hid it; then every variable gets the "not shown" code.
See :mod:`app.exports.survey_data.variables` for names and codes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.exports.survey_data.variables import (
    NO_ANSWER,
    NOT_ANSWERED,
    NOT_SHOWN,
    Code,
    Variable,
    VarType,
    missing_base,
    missing_codes,
)
from app.i18n import localize
from app.surveys.models import Answer, Option, Question, QuestionKind

DASH = " \N{EN DASH} "  # between a prompt and its row or option
Coder = Callable[[Sequence[Any], bool], list[Any]]


@dataclass
class Block:
    question: Question
    variables: list[Variable]
    columns: list[Any]  # SQL expressions (aggregates over one response's answers)
    code: Coder  # (raw aggregates, shown) → one value per variable


class Labels:
    """Texts in the export's language, falling back to the survey's default."""

    def __init__(self, lang: str, fallback: str) -> None:
        self.lang, self.fallback = lang, fallback

    def __call__(self, value: dict[str, str] | None) -> str:
        return localize(value, self.lang, self.fallback).text


def option_codes(options: list[Option]) -> dict[int, int]:
    """Option id → code: whole-number values as they are, else 1 … k by position."""
    real = [o for o in options if not o.is_no_answer]
    numbers: list[int] = []
    for option in real:
        try:
            number = float(option.value)
        except ValueError:
            break
        if not number.is_integer():
            break
        numbers.append(int(number))
    if len(numbers) == len(real) and len(set(numbers)) == len(numbers):
        return {o.id: n for o, n in zip(real, numbers, strict=True)}
    return {o.id: index for index, o in enumerate(real, start=1)}


def _q(question: Question) -> sa.ColumnElement[bool]:
    return Answer.question_id == question.id


def _other_variable(name: str, prompt: str, question: Question) -> list[Variable]:
    if not any(option.is_other for option in question.options):
        return []
    label = f"{prompt}{DASH}{_('Other')}"
    return [Variable(f"{name}_other", label, VarType.STRING, question_id=question.id)]


def _text_or_empty(value: Any) -> str:
    return str(value) if value else ""


def choice_block(name: str, question: Question, text: Labels) -> Block:
    """Single choice and scale: the chosen option's code; the "other" text."""
    codes = option_codes(question.options)
    base = missing_base(min(codes.values(), default=0))
    has_no_answer = any(o.is_no_answer for o in question.options)
    missing = missing_codes(base, no_answer=has_no_answer)
    labels: dict[Code, str] = {
        codes[o.id]: text(o.label) for o in question.options if o.id in codes
    }
    measure = "ordinal" if question.kind == QuestionKind.SCALE else "nominal"
    prompt = text(question.prompt)
    main = Variable(name, prompt, values=labels, missing=missing, measure=measure)
    others = _other_variable(name, prompt, question)
    columns: list[Any] = [sa.func.max(Answer.option_id).filter(_q(question))]
    if others:
        columns.append(sa.func.max(Answer.value_text).filter(_q(question)))

    def code(raw: Sequence[Any], shown: bool) -> list[Any]:
        if not shown:
            return [base - NOT_SHOWN] + [""] * len(others)
        chosen = raw[0]
        value = base - NOT_ANSWERED if chosen is None else codes.get(chosen, base - NO_ANSWER)
        return [value] + ([_text_or_empty(raw[1])] if others else [])

    return Block(question, [main, *others], columns, code)


def multiple_block(name: str, question: Question, text: Labels) -> Block:
    """Multiple choice: 1 (chosen) or 0 per option; "keine Angabe" alone gives -1."""
    real = [o for o in question.options if not o.is_no_answer]
    no_answer = [o for o in question.options if o.is_no_answer]
    prompt = text(question.prompt)
    missing = missing_codes(0, no_answer=bool(no_answer))
    flags: dict[Code, str] = {0: _("not chosen"), 1: _("chosen")}
    variables = [
        Variable(f"{name}_{k}", f"{prompt}{DASH}{text(o.label)}", values=flags, missing=missing)
        for k, o in enumerate(real, start=1)
    ]
    others = _other_variable(name, prompt, question)
    q = _q(question)

    def flag(option_ids: list[int]) -> sa.ColumnElement[Any]:
        ticked = sa.case((Answer.option_id.in_(option_ids), 1), else_=0)
        return sa.func.max(ticked).filter(q)

    columns: list[Any] = [sa.func.count(Answer.id).filter(q), *(flag([o.id]) for o in real)]
    if no_answer:
        columns.append(flag([o.id for o in no_answer]))
    if others:
        columns.append(sa.func.max(Answer.value_text).filter(q))
    count = len(real)

    def code(raw: Sequence[Any], shown: bool) -> list[Any]:
        other = [_text_or_empty(raw[-1])] if others and shown else [""] * len(others)
        if not shown:
            return [-NOT_SHOWN] * count + other
        if not raw[0]:  # no answer row for the question at all
            return [-NOT_ANSWERED] * count + other
        ticks = raw[1 : count + 1]
        if no_answer and raw[count + 1] and not any(ticks):
            return [-NO_ANSWER] * count + other
        return [int(tick) for tick in ticks] + other

    return Block(question, [*variables, *others], columns, code)


def matrix_block(name: str, question: Question, text: Labels) -> Block:
    """Matrix: per row, the code of the option chosen in that row."""
    codes = option_codes(question.options)
    base = missing_base(min(codes.values(), default=0))
    has_no_answer = any(o.is_no_answer for o in question.options)
    missing = missing_codes(base, no_answer=has_no_answer)
    labels: dict[Code, str] = {
        codes[o.id]: text(o.label) for o in question.options if o.id in codes
    }
    prompt = text(question.prompt)
    rows = list(question.rows)
    variables = [
        Variable(
            f"{name}_{k}",
            f"{prompt}{DASH}{text(row.label)}",
            values=labels,
            missing=missing,
            measure="ordinal",
        )
        for k, row in enumerate(rows, start=1)
    ]
    q = _q(question)
    columns = [sa.func.max(Answer.option_id).filter(q, Answer.row_id == row.id) for row in rows]

    def code(raw: Sequence[Any], shown: bool) -> list[Any]:
        if not shown:
            return [base - NOT_SHOWN] * len(rows)
        return [
            base - NOT_ANSWERED if chosen is None else codes.get(chosen, base - NO_ANSWER)
            for chosen in raw
        ]

    return Block(question, variables, columns, code)


def ranking_block(name: str, question: Question, text: Labels) -> Block:
    """Ranking: the rank of each option; 0 when the respondent ranked others only."""
    options = list(question.options)
    prompt = text(question.prompt)
    ranks: dict[Code, str] = {0: _("not ranked")}
    missing = missing_codes(0)
    variables = [
        Variable(
            f"{name}_{k}",
            f"{prompt}{DASH}{text(o.label)}",
            values=ranks,
            missing=missing,
            measure="ordinal",
        )
        for k, o in enumerate(options, start=1)
    ]
    q = _q(question)
    columns = [
        sa.func.max(sa.case((Answer.option_id == o.id, Answer.rank), else_=0)).filter(q)
        for o in options
    ]

    def code(raw: Sequence[Any], shown: bool) -> list[Any]:
        if not shown:
            return [-NOT_SHOWN] * len(options)
        if raw and raw[0] is None:
            return [-NOT_ANSWERED] * len(options)
        return [int(rank or 0) for rank in raw]

    return Block(question, variables, columns, code)


def number_block(name: str, question: Question, text: Labels, lowest: float | None) -> Block:
    """A number question: the value. ``lowest``: the smallest value given so far."""
    floor = question.setting("min")
    bounds = [float(v) for v in (floor, lowest) if v is not None]
    # Without a lower bound a number may be anything: the observed minimum decides.
    base = missing_base(min(bounds, default=0.0)) if floor is None or float(floor) < 0 else 0
    decimals = 2 if question.setting("decimal") else 0
    variable = Variable(
        name,
        text(question.prompt),
        measure="scale",
        decimals=decimals,
        missing=missing_codes(base),
        question_id=question.id,
    )
    columns = [sa.func.max(Answer.value_number).filter(_q(question))]

    def code(raw: Sequence[Any], shown: bool) -> list[Any]:
        if not shown:
            return [base - NOT_SHOWN]
        if raw[0] is None:
            return [base - NOT_ANSWERED]
        number = float(raw[0])
        return [int(number) if number.is_integer() else number]

    return Block(question, [variable], columns, code)


def value_block(name: str, question: Question, text: Labels) -> Block:
    """Text and date questions: the value, empty when not answered or not shown."""
    is_date = question.kind == QuestionKind.DATE
    variable = Variable(
        name,
        text(question.prompt),
        VarType.DATE if is_date else VarType.STRING,
        measure="scale" if is_date else "nominal",
        question_id=question.id,
    )
    column = Answer.value_date if is_date else Answer.value_text
    columns = [sa.func.max(column).filter(_q(question))]

    def code(raw: Sequence[Any], shown: bool) -> list[Any]:
        if is_date:
            return [raw[0] if shown else None]
        return [_text_or_empty(raw[0]) if shown else ""]

    return Block(question, [variable], columns, code)


def block_for(name: str, question: Question, text: Labels, lowest: float | None) -> Block:
    kind = question.kind
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
        block = choice_block(name, question, text)
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        block = multiple_block(name, question, text)
    elif kind == QuestionKind.MATRIX:
        block = matrix_block(name, question, text)
    elif kind == QuestionKind.RANKING:
        block = ranking_block(name, question, text)
    elif kind == QuestionKind.NUMBER:
        block = number_block(name, question, text, lowest)
    else:
        block = value_block(name, question, text)
    for variable in block.variables:
        variable.question_id = question.id
    return block
