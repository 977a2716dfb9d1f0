"""Plausible synthetic responses in bulk, for demos and load tests.

Every respondent gets a latent attitude that tilts their scale answers, so answers
correlate as in a real survey; choices follow optional weights; conditions and the
limits of each question are respected. Rows go in with bulk INSERTs in chunks, so
thousands of responses take seconds. Flushes only.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.results.triggers import survey_changed
from app.surveys.answering.validation import AnswerRow, Answers, condition_met, max_length, top_n
from app.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    ResponseState,
    Survey,
)

Weights = Mapping[int, Mapping[int, float]]  # question id → option id → weight
CHUNK = 2000
TEXTS = [
    "Bessere Busverbindungen am Abend und am Wochenende.",
    "Mehr Hausärzte auf dem Land.",
    "Schnelles Internet in allen Dörfern.",
    "Radwege zwischen den Orten ausbauen.",
    "Mehr Angebote für Jugendliche.",
    "Bezahlbarer Wohnraum für junge Familien.",
    "Die Innenstädte beleben.",
]
SCORED = (QuestionKind.SCALE, QuestionKind.MATRIX)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


@dataclass(frozen=True, slots=True)
class _Option:
    id: int
    score: float | None
    is_other: bool
    is_no_answer: bool
    weight: float


@dataclass(frozen=True, slots=True)
class _Question:
    """What the generator needs of a question, as plain data (fast to read)."""

    id: int
    kind: QuestionKind
    required: bool
    show_if: dict[str, Any] | None
    options: tuple[_Option, ...]
    points: tuple[_Option, ...]  # scale points with a score, in order
    no_answer: _Option | None
    row_ids: tuple[int, ...]
    settings: dict[str, Any]
    limit: int
    weighted: bool

    @classmethod
    def of(cls, question: Question, weights: Mapping[int, float]) -> _Question:
        options = tuple(
            _Option(o.id, o.score, o.is_other, o.is_no_answer, float(weights.get(o.id, 1.0)))
            for o in question.options
        )
        return cls(
            id=question.id,
            kind=question.kind,
            required=question.required,
            show_if=question.show_if,
            options=options,
            points=tuple(o for o in options if o.score is not None),
            no_answer=next((o for o in options if o.is_no_answer), None),
            row_ids=tuple(row.id for row in question.rows),
            settings=dict(question.settings or {}),
            limit=top_n(question) if question.kind == QuestionKind.RANKING else 0,
            weighted=bool(weights),
        )


class Synthesiser:
    def __init__(self, survey: Survey, seed: int | None, weights: Weights | None) -> None:
        self.survey = survey
        self.rng = random.Random(seed)
        given = weights or {}
        self.questions = [_Question.of(q, given.get(q.id, {})) for q in survey.questions]
        self.text_limits = {q.id: max_length(q) for q in survey.questions if q.kind in TEXT_KINDS}

    def answers(self) -> Answers:
        """One respondent's answers."""
        attitude = self.rng.gauss(0.0, 1.0)
        known: Answers = {}
        for question in self.questions:
            if question.show_if and not condition_met(question.show_if, known):
                continue
            rate = 0.25 if question.kind in TEXT_KINDS else 0.93
            if not question.required and self.rng.random() > rate:
                continue
            rows = self._answer(question, attitude)
            if rows:
                known[question.id] = rows
        return known

    def _answer(self, question: _Question, attitude: float) -> list[AnswerRow]:
        kind = question.kind
        if kind == QuestionKind.SCALE and not question.weighted:
            return [self._choice(question, self._scale_point(question, attitude), 0, None)]
        if kind in (QuestionKind.SCALE, QuestionKind.SINGLE_CHOICE):
            return [self._choice(question, self._sample(question, 1)[0], 0, None)]
        if kind == QuestionKind.MATRIX:
            return [
                self._choice(question, self._scale_point(question, attitude + i * 0.2), r, r)
                for i, r in enumerate(question.row_ids)
            ]
        if kind == QuestionKind.MULTIPLE_CHOICE:
            most = int(question.settings.get("max_choices") or len(question.options))
            chosen = self._sample(question, self.rng.randint(1, max(1, min(most, 3))))
            return [self._choice(question, option, option.id, None) for option in chosen]
        if kind == QuestionKind.RANKING:
            ranked = self._sample(question, question.limit)
            return [
                AnswerRow(question.id, o.id, option_id=o.id, rank=rank)
                for rank, o in enumerate(ranked, start=1)
            ]
        return [self._value(question)]

    def _value(self, question: _Question) -> AnswerRow:
        if question.kind == QuestionKind.NUMBER:
            low = float(question.settings.get("min", 0))
            high = float(question.settings.get("max", low + 100))
            value = round(low + (high - low) * self.rng.betavariate(2, 5))
            return AnswerRow(question.id, value_number=float(value))
        if question.kind == QuestionKind.DATE:
            day = utcnow().date() - timedelta(days=self.rng.randint(0, 3650))
            return AnswerRow(question.id, value_date=day)
        text = self.rng.choice(TEXTS)[: self.text_limits[question.id]]
        return AnswerRow(question.id, value_text=text)

    def _choice(
        self, question: _Question, option: _Option, item: int, row_id: int | None
    ) -> AnswerRow:
        return AnswerRow(
            question.id,
            item,
            option_id=option.id,
            row_id=row_id,
            value_text=self.rng.choice(TEXTS) if option.is_other else None,
            value_number=option.score if question.kind in SCORED else None,
        )

    def _scale_point(self, question: _Question, attitude: float) -> _Option:
        if question.no_answer and self.rng.random() < 0.04:
            return question.no_answer
        points = question.points
        low, high = points[0].score or 0.0, points[-1].score or 0.0
        target = low + (high - low) * (0.62 + 0.18 * attitude) + self.rng.gauss(0, 0.9)
        return min(points, key=lambda o: abs((o.score or 0.0) - target))

    def _sample(self, question: _Question, count: int) -> list[_Option]:
        """``count`` different options drawn by weight ("no answer" only alone)."""
        pool = [o for o in question.options if count == 1 or not o.is_no_answer]
        if count == 1:
            return self.rng.choices(pool, [o.weight for o in pool])
        chosen: list[_Option] = []
        while pool and len(chosen) < count:
            option = self.rng.choices(pool, [o.weight for o in pool])[0]
            chosen.append(option)
            pool.remove(option)
        return chosen

    def response_row(self, now: datetime, days: int) -> dict[str, Any]:
        day = (now - timedelta(days=self.rng.randint(0, max(days - 1, 0)))).date()
        moment = datetime.combine(day, time(self.rng.randint(7, 22), self.rng.randint(0, 59)))
        paper = self.rng.random() < 0.3
        return {
            "survey_id": self.survey.id,
            "channel": ResponseChannel.PAPER if paper else ResponseChannel.ONLINE,
            "state": ResponseState.SUBMITTED,
            "submitted_on": day,
            "submitted_at": None if self.survey.anonymised else moment.replace(tzinfo=UTC),
            "batch_label": "synthetic",
            "weight": 1.0,
        }


def generate_responses(
    survey: Survey,
    count: int,
    *,
    seed: int | None = None,
    weights: Weights | None = None,
    days: int = 28,
    now: datetime | None = None,
) -> int:
    """Add ``count`` submitted synthetic responses to ``survey``; returns ``count``."""
    synthesiser = Synthesiser(survey, seed, weights)
    now = now or utcnow()
    responses, answers = Response.__table__, Answer.__table__
    for start in range(0, count, CHUNK):
        rows = [synthesiser.response_row(now, days) for _ in range(min(CHUNK, count - start))]
        ids = db.session.scalars(
            sa.insert(responses).returning(responses.c.id, sort_by_parameter_order=True), rows
        ).all()
        answer_rows = [
            row.as_dict() | {"response_id": response_id}
            for response_id in ids
            for rows_of_question in synthesiser.answers().values()
            for row in rows_of_question
        ]
        for offset in range(0, len(answer_rows), CHUNK * 5):
            db.session.execute(sa.insert(answers), answer_rows[offset : offset + CHUNK * 5])
    survey_changed(survey.id)
    return count
