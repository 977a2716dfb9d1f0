"""Survey responses for statisticians: one row per submitted response.

Columns: a pseudonymous response number (1..n in the order of the rows, not the
database id), the channel, the day of submission, the weight, then one or more
columns per question, named ``Q<number>`` after the question's place in the
survey. The codebook (XLSX sheet) explains every column and its values. No user
id, code, browser hash or time of day is exported.

Call inside ``flask_babel.force_locale``: labels are rendered then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import pgettext

from app.exports.tables import Cell, Sheet, Table
from app.extensions import db
from app.i18n import localize
from app.surveys.answering.validation import AnswerRow
from app.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Survey,
)

CHUNK = 500
DASH = " \N{EN DASH} "  # between a prompt and its row or option
FIXED_WIDTHS = [10, 10, 12, 8]
SINGLE_VALUE = (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE)
TEXT = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)

Extract = Callable[[list[AnswerRow]], Cell]


@dataclass
class Column:
    name: str
    question: str  # the prompt, with the row or option it is about
    values: str  # value labels or the kind of value
    extract: Extract
    wide: bool = False
    question_id: int = 0


def _by_option(rows: list[AnswerRow], option_id: int) -> AnswerRow | None:
    return next((row for row in rows if row.option_id == option_id), None)


def _by_row(rows: list[AnswerRow], row_id: int) -> AnswerRow | None:
    return next((row for row in rows if row.row_id == row_id), None)


class SurveyTable:
    def __init__(self, survey: Survey) -> None:
        self.survey_id = survey.id
        self.default_locale = survey.default_locale
        self.lang = ""
        self.questions = survey.questions
        self.total = int(
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Response)
                .where(Response.survey_id == survey.id, Response.state == ResponseState.SUBMITTED)
            )
            or 0
        )
        self.columns: list[Column] = []

    def _text(self, value: dict[str, str] | None) -> str:
        return localize(value, self.lang, self.default_locale).text

    # --- columns per question kind ---------------------------------------------------

    def _value_labels(self, question: Question) -> str:
        return "; ".join(f"{o.value} = {self._text(o.label)}" for o in question.options)

    def _columns(self, number: int, question: Question) -> list[Column]:
        name, prompt = f"Q{number}", self._text(question.prompt)
        kind = question.kind
        if kind in SINGLE_VALUE:
            return self._single(name, prompt, question)
        if kind == QuestionKind.MULTIPLE_CHOICE:
            return self._multiple(name, prompt, question)
        if kind == QuestionKind.MATRIX:
            return self._matrix(name, prompt, question)
        if kind == QuestionKind.RANKING:
            return self._ranking(name, prompt, question)
        return [self._plain(name, prompt, question)]

    def _other(self, name: str, prompt: str, question: Question) -> list[Column]:
        if not any(option.is_other for option in question.options):
            return []

        def other_text(rows: list[AnswerRow]) -> Cell:
            return next((row.value_text for row in rows if row.value_text), None)

        return [Column(f"{name}_other", f"{prompt}{DASH}{_('Other')}", _("Text"), other_text, True)]

    def _single(self, name: str, prompt: str, question: Question) -> list[Column]:
        values = {o.id: o.value for o in question.options}

        def chosen(rows: list[AnswerRow]) -> Cell:
            return next((values.get(r.option_id) for r in rows if r.option_id), None)

        column = Column(name, prompt, self._value_labels(question), chosen)
        return [column, *self._other(name, prompt, question)]

    def _multiple(self, name: str, prompt: str, question: Question) -> list[Column]:
        columns = []
        for index, option in enumerate(question.options, start=1):

            def ticked(rows: list[AnswerRow], option_id: int = option.id) -> Cell:
                if not rows:
                    return None  # not answered (or not shown)
                return 1 if _by_option(rows, option_id) else 0

            label = f"{prompt}{DASH}{self._text(option.label)}"
            columns.append(
                Column(f"{name}_{index}", label, _("0 = not chosen; 1 = chosen"), ticked)
            )
        return [*columns, *self._other(name, prompt, question)]

    def _matrix(self, name: str, prompt: str, question: Question) -> list[Column]:
        values = {o.id: o.value for o in question.options}
        columns = []
        for index, matrix_row in enumerate(question.rows, start=1):

            def chosen(rows: list[AnswerRow], row_id: int = matrix_row.id) -> Cell:
                found = _by_row(rows, row_id)
                return values.get(found.option_id) if found and found.option_id else None

            label = f"{prompt}{DASH}{self._text(matrix_row.label)}"
            columns.append(Column(f"{name}_{index}", label, self._value_labels(question), chosen))
        return columns

    def _ranking(self, name: str, prompt: str, question: Question) -> list[Column]:
        columns = []
        for index, option in enumerate(question.options, start=1):

            def rank(rows: list[AnswerRow], option_id: int = option.id) -> Cell:
                found = _by_option(rows, option_id)
                return found.rank if found else None

            label = f"{prompt}{DASH}{self._text(option.label)}"
            columns.append(Column(f"{name}_{index}", label, _("Rank (1 = first place)"), rank))
        return columns

    def _plain(self, name: str, prompt: str, question: Question) -> Column:
        kind = question.kind

        def value(rows: list[AnswerRow]) -> Cell:
            if not rows:
                return None
            row = rows[0]
            if kind == QuestionKind.NUMBER:
                return row.value_number
            if kind == QuestionKind.DATE:
                return row.value_date
            return row.value_text

        described = {
            QuestionKind.NUMBER: _("Number"),
            QuestionKind.DATE: _("Date"),
        }.get(kind, _("Text"))
        return Column(name, prompt, str(described), value, kind in TEXT)

    # --- rows -------------------------------------------------------------------------

    def fixed_columns(self) -> list[list[str]]:
        return [
            [_("Response"), _("Pseudonymous number of the response (1 … n)"), ""],
            [_("Channel"), _("How the response came in"), _("online; paper")],
            [_("Submitted on"), _("Day of submission"), _("Date (YYYY-MM-DD)")],
            [_("Weight"), _("Weighting factor of the response"), _("Number")],
        ]

    def chunks(self) -> Iterator[list[list[Cell]]]:
        number = 0
        last_id = 0
        while True:
            responses = list(
                db.session.execute(
                    sa.select(Response.id, Response.channel, Response.submitted_on, Response.weight)
                    .where(
                        Response.survey_id == self.survey_id,
                        Response.state == ResponseState.SUBMITTED,
                        Response.id > last_id,
                    )
                    .order_by(Response.id)
                    .limit(CHUNK)
                )
            )
            if not responses:
                return
            last_id = responses[-1].id
            answers = self._answers([r.id for r in responses])
            rows = []
            for response in responses:
                number += 1
                by_question = answers.get(response.id, {})
                fixed: list[Cell] = [
                    number,
                    str(response.channel),
                    response.submitted_on,
                    response.weight,
                ]
                rows.append(fixed + [self._cell(c, by_question) for c in self.columns])
            yield rows

    def _cell(self, column: Column, by_question: dict[int, list[AnswerRow]]) -> Cell:
        return column.extract(by_question.get(column.question_id, []))

    def _answers(self, response_ids: list[int]) -> dict[int, dict[int, list[AnswerRow]]]:
        stmt = (
            sa.select(
                Answer.response_id,
                Answer.question_id,
                Answer.item,
                Answer.option_id,
                Answer.row_id,
                Answer.value_text,
                Answer.value_number,
                Answer.value_date,
                Answer.rank,
            )
            .where(Answer.response_id.in_(response_ids))
            .order_by(Answer.response_id, Answer.question_id, Answer.item)
        )
        result: dict[int, dict[int, list[AnswerRow]]] = {}
        for row in db.session.execute(stmt):
            per_question = result.setdefault(row.response_id, {})
            per_question.setdefault(row.question_id, []).append(AnswerRow(*row[1:]))
        return result

    def codebook(self) -> list[Sheet]:
        rows: list[list[Cell]] = [list(r) for r in self.fixed_columns()]
        rows += [[c.name, c.question, c.values] for c in self.columns]
        headers = [_("Column"), _("Question"), _("Value labels")]
        return [
            Sheet(pgettext("spreadsheet sheet", "Codebook"), headers, rows, widths=[14, 60, 60])
        ]

    def table(self, lang: str) -> Table:
        self.lang = lang
        self.columns = []
        for number, question in enumerate(self.questions, start=1):
            for column in self._columns(number, question):
                column.question_id = question.id
                self.columns.append(column)
        headers = [row[0] for row in self.fixed_columns()] + [c.name for c in self.columns]
        widths = FIXED_WIDTHS + [30 if c.wide else 10 for c in self.columns]
        wrap = {index + 4 for index, c in enumerate(self.columns) if c.wide}
        return Table(
            name=pgettext("spreadsheet sheet", "Responses"),
            headers=headers,
            total=self.total,
            chunks=self.chunks(),
            widths=widths,
            wrap=wrap,
            extra_sheets=self.codebook,
        )
