"""One block per question: its variables, and where each kind of answer goes.

A block says, as plain data, how the answers of one response fill its variables:

- ``template``: the values when the question was shown but not answered;
- ``hidden``: the values when a condition hid it ("not shown");
- ``options``: option id → (offset of the variable, value) for a chosen option
  (the code of a single choice or scale point, 1 for a ticked multiple choice);
- ``rows``: matrix row id → offset, and ``row_codes``: option id → code;
- ``ranks``: ranked option id → offset (the rank is the value);
- ``number``/``text``/``date``: the offset of the variable that takes the value
  (``text`` is also the ``qNN_other`` text of a choice question);
- ``fill``: for multiple choice and ranking, once the question has any answer, the
  value of the cells left untouched (0: not chosen / not ranked), and
  ``only_no_answer``: the value of all cells when only "keine Angabe" was chosen.

:class:`app.exports.survey_data.pivot.Layout` joins the blocks into one row. See
:mod:`app.exports.survey_data.variables` for names and codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
from app.surveys.models import Option, Question, QuestionKind

DASH = " \N{EN DASH} "  # between a prompt and its row or option
NO_ANSWER_MARK = -1  # offset of a multiple choice's "keine Angabe": marks, fills nothing


@dataclass
class Block:
    question: Question
    variables: list[Variable]
    template: list[Any]
    hidden: list[Any]
    options: dict[int, tuple[int, Any]] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    row_codes: dict[int, Any] = field(default_factory=dict)
    row_default: Any = None  # code of a matrix option not in row_codes ("keine Angabe")
    ranks: dict[int, int] = field(default_factory=dict)
    number: int | None = None
    text: int | None = None
    date: int | None = None
    fill: Any = None
    only_no_answer: Any = None


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


def _other_variable(name: str, prompt: str, question: Question) -> list[Variable]:
    if not any(option.is_other for option in question.options):
        return []
    label = f"{prompt}{DASH}{_('Other')}"
    return [Variable(f"{name}_other", label, VarType.STRING)]


def _coded(question: Question, text: Labels) -> tuple[dict[int, int], int, dict[Code, str]]:
    """Option codes, the missing-code base, and every value label (missing ones too)."""
    codes = option_codes(question.options)
    base = missing_base(min(codes.values(), default=0))
    labels: dict[Code, str] = {
        codes[o.id]: text(o.label) for o in question.options if o.id in codes
    }
    return codes, base, labels


def choice_block(name: str, question: Question, text: Labels) -> Block:
    """Single choice and scale: the chosen option's code; the "other" text."""
    codes, base, labels = _coded(question, text)
    has_no_answer = any(o.is_no_answer for o in question.options)
    missing = missing_codes(base, no_answer=has_no_answer)
    measure = "ordinal" if question.kind == QuestionKind.SCALE else "nominal"
    prompt = text(question.prompt)
    main = Variable(name, prompt, values=dict(labels), missing=missing, measure=measure)
    others = _other_variable(name, prompt, question)
    chosen = {o.id: (0, codes.get(o.id, base - NO_ANSWER)) for o in question.options}
    return Block(
        question,
        [main, *others],
        template=[base - NOT_ANSWERED] + [""] * len(others),
        hidden=[base - NOT_SHOWN] + [""] * len(others),
        options=chosen,
        text=1 if others else None,
    )


def multiple_block(name: str, question: Question, text: Labels) -> Block:
    """Multiple choice: 1 (chosen) or 0 per option; "keine Angabe" alone gives -1."""
    real = [o for o in question.options if not o.is_no_answer]
    prompt = text(question.prompt)
    has_no_answer = len(real) < len(question.options)
    missing = missing_codes(0, no_answer=has_no_answer)
    flags: dict[Code, str] = {0: _("not chosen"), 1: _("chosen")}
    variables = [
        Variable(f"{name}_{k}", f"{prompt}{DASH}{text(o.label)}", values=flags, missing=missing)
        for k, o in enumerate(real, start=1)
    ]
    others = _other_variable(name, prompt, question)
    ticked: dict[int, tuple[int, Any]] = {o.id: (k, 1) for k, o in enumerate(real)}
    ticked |= {o.id: (NO_ANSWER_MARK, None) for o in question.options if o.is_no_answer}
    return Block(
        question,
        [*variables, *others],
        template=[-NOT_ANSWERED] * len(real) + [""] * len(others),
        hidden=[-NOT_SHOWN] * len(real) + [""] * len(others),
        options=ticked,
        text=len(real) if others else None,
        fill=0,
        only_no_answer=-NO_ANSWER,
    )


def matrix_block(name: str, question: Question, text: Labels) -> Block:
    """Matrix: per row, the code of the option chosen in that row."""
    codes, base, labels = _coded(question, text)
    has_no_answer = any(o.is_no_answer for o in question.options)
    missing = missing_codes(base, no_answer=has_no_answer)
    prompt = text(question.prompt)
    variables = [
        Variable(
            f"{name}_{k}",
            f"{prompt}{DASH}{text(row.label)}",
            values=dict(labels),
            missing=missing,
            measure="ordinal",
        )
        for k, row in enumerate(question.rows, start=1)
    ]
    count = len(variables)
    return Block(
        question,
        variables,
        template=[base - NOT_ANSWERED] * count,
        hidden=[base - NOT_SHOWN] * count,
        rows={row.id: k for k, row in enumerate(question.rows)},
        row_codes=dict(codes),
        row_default=base - NO_ANSWER,
    )


def ranking_block(name: str, question: Question, text: Labels) -> Block:
    """Ranking: the rank of each option; 0 when the respondent ranked others only."""
    prompt = text(question.prompt)
    ranks: dict[Code, str] = {0: _("not ranked")}
    missing = missing_codes(0)
    variables = [
        Variable(
            f"{name}_{k}",
            f"{prompt}{DASH}{text(o.label)}",
            values=dict(ranks),
            missing=missing,
            measure="ordinal",
        )
        for k, o in enumerate(question.options, start=1)
    ]
    count = len(variables)
    return Block(
        question,
        variables,
        template=[-NOT_ANSWERED] * count,
        hidden=[-NOT_SHOWN] * count,
        ranks={o.id: k for k, o in enumerate(question.options)},
        fill=0,
    )


def number_block(name: str, question: Question, text: Labels, lowest: float | None) -> Block:
    """A number question: the value. ``lowest``: the smallest value given so far."""
    floor = question.setting("min")
    bounds = [float(v) for v in (floor, lowest) if v is not None]
    # Without a lower bound a number may be anything: the observed minimum decides.
    base = missing_base(min(bounds, default=0.0)) if floor is None or float(floor) < 0 else 0
    decimals = 2 if question.setting("decimal") else 0
    variable = Variable(
        name, text(question.prompt), measure="scale", decimals=decimals, missing=missing_codes(base)
    )
    return Block(
        question,
        [variable],
        template=[base - NOT_ANSWERED],
        hidden=[base - NOT_SHOWN],
        number=0,
    )


def value_block(name: str, question: Question, text: Labels) -> Block:
    """Text and date questions: the value, empty when not answered or not shown."""
    if question.kind == QuestionKind.DATE:
        variable = Variable(name, text(question.prompt), VarType.DATE, measure="scale")
        return Block(question, [variable], template=[None], hidden=[None], date=0)
    variable = Variable(name, text(question.prompt), VarType.STRING)
    return Block(question, [variable], template=[""], hidden=[""], text=0)


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
