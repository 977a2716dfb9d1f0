"""Survey responses as coded rows: one row per response from the database, coded here.

The database groups the answers of each response into one row (``GROUP BY``
response): its answers as a few pairs of arrays (the chosen options, matrix rows and
their options, ranks, numbers, texts, dates with their questions: ``array_agg`` on
PostgreSQL, ``json_group_array`` on SQLite; two aggregates with the same filter see
the same rows in the same order), and a "was shown" flag per conditional question
(:mod:`.conditions`). :class:`.layout.Layout` puts every value into its cell.

Rows come in pages of :data:`CHUNK` responses ordered by id (see :meth:`SurveyData._pages`),
so memory stays bounded by one page.

Call inside ``flask_babel.force_locale``: labels are rendered then.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.exports.survey_data.blocks import Block, Labels, block_for
from app.exports.survey_data.conditions import Visibility
from app.exports.survey_data.layout import Layout
from app.exports.survey_data.stream import read_ahead
from app.exports.survey_data.variables import Variable, fixed_variables, question_name
from app.extensions import db
from app.surveys import codes as invitation_codes
from app.surveys.models import (
    AccessMode,
    Answer,
    InvitationCode,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    ResponseState,
    Survey,
)

CHUNK = 2000
CHANNEL_CODES = {ResponseChannel.ONLINE: 1, ResponseChannel.PAPER: 2}


def has_weighting(survey_id: int) -> bool:
    """Whether the export carries ``weight``: when any submitted response has a
    weight other than 1. (Once surveys define weighting themselves, ask that here.)"""
    stmt = sa.select(
        sa.exists().where(
            Response.survey_id == survey_id,
            Response.state == ResponseState.SUBMITTED,
            Response.weight != 1.0,
        )
    )
    return bool(db.session.scalar(stmt))


def _unbounded(question: Question) -> bool:
    """A number question that may take negative values (see ``blocks.number_block``)."""
    floor = question.setting("min")
    return question.kind == QuestionKind.NUMBER and (floor is None or float(floor) < 0)


def _lowest_numbers(survey: Survey) -> dict[int, float | None]:
    """The smallest value given to each number question that may be negative (for its
    missing codes; a question with a lower bound of 0 or more needs no look, and the
    look scans the survey's answers)."""
    ids = [q.id for q in survey.questions if _unbounded(q)]
    if not ids:
        return {}
    stmt = (
        sa.select(Answer.question_id, sa.func.min(Answer.value_number))
        .where(Answer.question_id.in_(ids))
        .group_by(Answer.question_id)
    )
    return {row[0]: row[1] for row in db.session.execute(stmt)}


def _local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin"))
    return moment.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


class SurveyData:
    """The variables of one survey and its submitted responses as coded rows."""

    def __init__(self, survey: Survey, lang: str) -> None:
        self.survey_id = survey.id
        self.title = Labels(lang, survey.default_locale)(survey.title)
        self.anonymised = survey.anonymised
        self.with_code = survey.access_mode == AccessMode.CODE and not survey.anonymised
        self.weighted = has_weighting(survey.id)
        text = Labels(lang, survey.default_locale)
        questions = survey.questions
        lowest = _lowest_numbers(survey)
        self.visibility = Visibility(questions)
        self.blocks: list[Block] = [
            block_for(question_name(n, len(questions)), q, text, lowest.get(q.id))
            for n, q in enumerate(questions, start=1)
        ]
        self.fixed = fixed_variables(
            anonymised=self.anonymised, with_code=self.with_code, weighted=self.weighted
        )
        self.variables: list[Variable] = self.fixed + [
            v for block in self.blocks for v in block.variables
        ]
        self.conditional = [
            (index, shown)
            for index, block in enumerate(self.blocks)
            if (shown := self.visibility.shown(block.question)) is not None
        ]
        # Plain values only from here on: progress commits expire ORM objects.
        self.layout = Layout(self.blocks, len(self.fixed))
        self.groups = self.layout.groups()
        self.json_arrays = db.engine.dialect.name != "postgresql"
        self.total = int(
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Response)
                .where(Response.survey_id == survey.id, Response.state == ResponseState.SUBMITTED)
            )
            or 0
        )

    # --- the query --------------------------------------------------------------------

    def _fixed_columns(self) -> list[Any]:
        columns: list[Any] = [Response.channel, Response.submitted_on]
        if not self.anonymised:
            columns.append(Response.submitted_at)
            if self.with_code:
                columns.append(sa.func.max(InvitationCode.code))
        if self.weighted:
            columns.append(Response.weight)
        return columns

    def _collect(self, column: Any, rows: Any) -> Any:
        """The values of ``column`` in the answer ``rows`` of a response, as one array."""
        collect = sa.func.json_group_array if self.json_arrays else sa.func.array_agg
        # As the driver returns it (lists from psycopg): no per-item type processing.
        return sa.type_coerce(collect(column).filter(rows), sa.types.NullType())

    def query(
        self, after_id: int, limit: int | None = CHUNK, through_id: int | None = None
    ) -> sa.Select[Any]:
        """The pivot of the responses after ``after_id`` (one page of ``limit``; up to
        ``through_id`` if given).

        The bounds are on the answers' side of the join too: PostgreSQL's merge join
        would otherwise read the answer index from the survey's first response on,
        through every answer before ``after_id`` (half the table for the second half
        of :func:`.copy_csv.connections`)."""
        shown = [sa.case((condition, 1), else_=0) for _, condition in self.conditional]
        arrays = [self._collect(column, rows) for _, pair, rows in self.groups for column in pair]
        responses = [Response.id > after_id]
        answers = [Answer.response_id > after_id]
        if through_id is not None:
            responses.append(Response.id <= through_id)
            answers.append(Answer.response_id <= through_id)
        stmt = (
            sa.select(Response.id, *self._fixed_columns(), *shown, *arrays)
            .select_from(Response)
            .outerjoin(Answer, sa.and_(Answer.response_id == Response.id, *answers))
            .where(
                Response.survey_id == self.survey_id,
                Response.state == ResponseState.SUBMITTED,
                *responses,
            )
            .group_by(Response.id)
            .order_by(Response.id)
        )
        if self.with_code:
            stmt = stmt.outerjoin(InvitationCode, InvitationCode.id == Response.code_id)
        return stmt.limit(limit) if limit else stmt

    # --- rows -------------------------------------------------------------------------

    def _fixed_values(self, number: int, raw: Sequence[Any]) -> tuple[list[Any], int]:
        values: list[Any] = [number, CHANNEL_CODES.get(raw[1], 1), raw[2]]
        at = 3
        if not self.anonymised:
            values.append(_local(raw[at]))
            at += 1
            if self.with_code:
                values.append(invitation_codes.display(raw[at]) if raw[at] else "")
                at += 1
        if self.weighted:
            values.append(raw[at])
            at += 1
        return values, at

    def _code(self, raw: Sequence[Any], number: int) -> list[Any]:
        values, at = self._fixed_values(number, raw)
        hidden = [index for k, (index, _) in enumerate(self.conditional) if not raw[at + k]]
        arrays = raw[at + len(self.conditional) :]
        if self.json_arrays:
            arrays = [json.loads(array) if array else None for array in arrays]
        values += self.layout.template
        self.layout.fill(values, arrays, hidden)
        return values

    def _pages(self) -> Iterator[Sequence[Sequence[Any]]]:
        """The raw rows in pages of :data:`CHUNK`.

        PostgreSQL: one query, read ahead through a server-side cursor on a
        connection and thread of its own (:func:`.stream.read_ahead`), so the
        progress commits on the session do not end it, and the database streams the
        grouped rows in one pass while Python codes the page before. SQLite (the
        embedded mode, small data): keyset pages, each a query of its own.
        """
        if not self.json_arrays:
            yield from read_ahead(db.engine, self.query(0, limit=None), CHUNK)
            return
        last_id = 0
        while page := db.session.connection().execute(self.query(last_id)).all():
            last_id = page[-1][0]
            yield page

    def chunks(self) -> Iterator[list[list[Any]]]:
        """Coded rows, one list per page; values in the order of :attr:`variables`."""
        number = 0
        for page in self._pages():
            rows = []
            for raw in page:
                number += 1
                rows.append(self._code(raw, number))
            yield rows
