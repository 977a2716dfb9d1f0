"""The blocks of a survey joined into one row: where every answer of a response goes.

The database hands over the answers of one response as a few arrays (see
:data:`GROUPS`): the chosen options, the matrix rows with their options, the ranks,
the numbers, texts and dates with their questions. :meth:`Layout.fill` puts each
value into its cell through a dictionary lookup, starting from the "not answered"
template, then applies the multiple choice and ranking rules and the "not shown"
codes of hidden questions. No per-question Python runs for a response.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from app.exports.survey_data.blocks import NO_ANSWER_MARK, Block
from app.surveys.models import Answer

# name → (the answer columns aggregated side by side, which answer rows)
GROUPS: dict[str, tuple[tuple[Any, ...], Any]] = {
    "options": (
        (Answer.option_id,),
        sa.and_(Answer.option_id.is_not(None), Answer.row_id.is_(None), Answer.rank.is_(None)),
    ),
    "rows": ((Answer.row_id, Answer.option_id), Answer.row_id.is_not(None)),
    "ranks": ((Answer.option_id, Answer.rank), Answer.rank.is_not(None)),
    "numbers": ((Answer.question_id, Answer.value_number), None),  # filtered per survey
    "texts": ((Answer.question_id, Answer.value_text), Answer.value_text.is_not(None)),
    "dates": ((Answer.question_id, Answer.value_date), Answer.value_date.is_not(None)),
}


@dataclass
class Layout:
    """Every block's cells in one row, after ``start`` fixed variables."""

    blocks: list[Block]
    start: int
    template: list[Any] = field(default_factory=list)
    options: dict[int, tuple[int, Any, int]] = field(default_factory=dict)
    rows: dict[int, tuple[int, dict[int, Any], Any]] = field(default_factory=dict)
    ranks: dict[int, tuple[int, int]] = field(default_factory=dict)
    numbers: dict[int, int] = field(default_factory=dict)
    texts: dict[int, int] = field(default_factory=dict)
    dates: dict[int, int] = field(default_factory=dict)
    fills: list[tuple[int, int, list[Any], Any]] = field(default_factory=list)
    spans: list[tuple[int, int, list[Any]]] = field(default_factory=list)  # per block

    def __post_init__(self) -> None:
        at = self.start
        for block in self.blocks:
            self._place(block, at)
            at += len(block.template)

    def _place(self, block: Block, at: int) -> None:
        question_id = block.question.id
        self.template.extend(block.template)
        self.spans.append((at, at + len(block.template), list(block.hidden)))
        fill = -1
        if block.fill is not None:
            count = len(block.template) - (1 if block.text is not None else 0)
            fill = len(self.fills)
            self.fills.append((at, at + count, [block.fill] * count, block.only_no_answer))
        for option_id, (offset, value) in block.options.items():
            index = -1 if offset == NO_ANSWER_MARK else at + offset
            self.options[option_id] = (index, value, fill)
        for row_id, offset in block.rows.items():
            self.rows[row_id] = (at + offset, block.row_codes, block.row_default)
        for option_id, offset in block.ranks.items():
            self.ranks[option_id] = (at + offset, fill)
        for slots, place in (
            (self.numbers, block.number),
            (self.texts, block.text),
            (self.dates, block.date),
        ):
            if place is not None:
                slots[question_id] = at + place

    def groups(self) -> list[tuple[str, tuple[Any, ...], Any]]:
        """The array pairs of :data:`GROUPS`, with the answer rows each one takes;
        a group this survey has no use for takes no rows (its arrays stay empty)."""
        needed = {
            "options": bool(self.options),
            "rows": bool(self.rows),
            "ranks": bool(self.ranks),
            "numbers": bool(self.numbers),
            "texts": bool(self.texts),
            "dates": bool(self.dates),
        }
        result = []
        for name, (columns, rows) in GROUPS.items():
            if name == "numbers":
                rows = Answer.question_id.in_(sorted(self.numbers))
            result.append((name, columns, rows if needed[name] else sa.false()))
        return result

    def fill(self, values: list[Any], arrays: Sequence[Any], hidden: list[int]) -> None:
        """Put one response's answers into ``values`` (a copy of the template).

        ``arrays``: the arrays of the groups of :data:`GROUPS`, in order (None for no
        rows); ``hidden``: the indexes of the blocks whose condition hid them.
        A multiple choice or ranking with any answer first gets "not chosen" (0) in
        all its cells; with only "keine Angabe" chosen, every cell says so.
        """
        options, rows, row_options, ranked, ranks, *rest = arrays
        answered: set[int] = set()
        only_no_answer: list[int] = []
        fills = self.fills
        for option_id in options or ():
            index, value, fill = self.options.get(option_id, (-1, None, -1))
            if fill >= 0 and fill not in answered:
                answered.add(fill)
                begin, end, zeros, _only = fills[fill]
                values[begin:end] = zeros
            if index >= 0:
                values[index] = value
            elif fill >= 0:
                only_no_answer.append(fill)
        for row_id, option_id in zip(rows or (), row_options or ()):  # noqa: B905 (same rows)
            index, codes, default = self.rows[row_id]
            values[index] = codes.get(option_id, default)
        for option_id, rank in zip(ranked or (), ranks or ()):  # noqa: B905 (same rows)
            index, fill = self.ranks[option_id]
            if fill not in answered:
                answered.add(fill)
                begin, end, zeros, _only = fills[fill]
                values[begin:end] = zeros
            values[index] = rank
        self._values(values, rest)
        for fill in only_no_answer:
            begin, end, zeros, only = fills[fill]
            if values[begin:end] == zeros:
                values[begin:end] = [only] * (end - begin)
        for index in hidden:
            begin, end, blank = self.spans[index]
            values[begin:end] = blank

    def _values(self, values: list[Any], arrays: Sequence[Any]) -> None:
        questions, numbers, texted, texts, dated, dates = arrays
        for question_id, number in zip(questions or (), numbers or ()):  # noqa: B905
            values[self.numbers[question_id]] = int(number) if number == int(number) else number
        for question_id, text in zip(texted or (), texts or ()):  # noqa: B905
            if question_id in self.texts:
                values[self.texts[question_id]] = text
        for question_id, day in zip(dated or (), dates or ()):  # noqa: B905
            day = date.fromisoformat(day) if isinstance(day, str) else day  # SQLite: text
            values[self.dates[question_id]] = day
