"""Survey responses as coded rows: one SQL pivot per chunk, coded in Python.

The database turns the answers of each response into one row of aggregates (the
chosen option per question, a flag per ticked option, "was shown" per conditional
question; see :mod:`.blocks` and :mod:`.conditions`) with ``GROUP BY`` response, in
keyset pages of :data:`CHUNK` responses ordered by id. Each page is a short query of
its own, so the export holds no transaction open while it commits its progress, and
memory stays bounded by one page. Python only maps option ids to codes.

Call inside ``flask_babel.force_locale``: labels are rendered then.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.exports.survey_data.blocks import Block, Labels, block_for
from app.exports.survey_data.conditions import Visibility
from app.exports.survey_data.variables import Variable, fixed_variables, question_name
from app.extensions import db
from app.surveys import codes as invitation_codes
from app.surveys.models import (
    AccessMode,
    Answer,
    InvitationCode,
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


def _lowest_numbers(survey: Survey) -> dict[int, float | None]:
    """The smallest value given to each number question (for its missing codes)."""
    ids = [q.id for q in survey.questions if q.kind == QuestionKind.NUMBER]
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
        self.block_columns, self.layout = self._block_columns()
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

    def _block_columns(self) -> tuple[list[Any], list[tuple[int, int, bool]]]:
        """Every block's columns, and per block (start, length, has a shown flag)."""
        columns: list[Any] = []
        layout = []
        for block in self.blocks:
            shown = self.visibility.shown(block.question)
            start = len(columns)
            if shown is not None:
                columns.append(sa.case((shown, 1), else_=0))
            columns.extend(block.columns)
            layout.append((start, len(columns) - start, shown is not None))
        return columns, layout

    def query(self, after_id: int, limit: int | None = CHUNK) -> sa.Select[Any]:
        """The pivot of the responses after ``after_id`` (one page of ``limit``)."""
        stmt = (
            sa.select(Response.id, *self._fixed_columns(), *self.block_columns)
            .select_from(Response)
            .outerjoin(Answer, Answer.response_id == Response.id)
            .where(
                Response.survey_id == self.survey_id,
                Response.state == ResponseState.SUBMITTED,
                Response.id > after_id,
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

    def chunks(self) -> Iterator[list[list[Any]]]:
        """Coded rows, one list per page; values in the order of :attr:`variables`."""
        coders = [
            (block.code, start, length, flagged)
            for block, (start, length, flagged) in zip(self.blocks, self.layout, strict=True)
        ]
        number = 0
        last_id = 0
        while True:
            page = db.session.execute(self.query(last_id)).all()
            if not page:
                return
            last_id = page[-1][0]
            rows = []
            for raw in page:
                number += 1
                values, offset = self._fixed_values(number, raw)
                for code, start, length, flagged in coders:
                    part = raw[offset + start : offset + start + length]
                    if flagged:
                        values.extend(code(part[1:], bool(part[0])))
                    else:
                        values.extend(code(part, True))
                rows.append(values)
            yield rows
