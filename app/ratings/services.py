"""Rating goals: the questions, saving answers (an upsert), counting and showing results.

Functions flush, never commit. Pages show results only from the stored aggregate
(``app.results``); :func:`count_ratings` is the counter that fills it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import Participant
from app.privacy.consent import version_for_contribution
from app.processes.models import Process
from app.ratings.models import NO_ANSWER, SCALE_VALUES, Rating, RatingQuestion, ScaleKind
from app.results.models import Aggregate
from app.results.process_results import (
    DEFAULT_THRESHOLD,
    public_rating_pattern,
    rating_distribution,
)
from app.results.services import process_counts
from app.results.snapshots import PUBLIC_STATS_DIGITS, public_distribution
from app.results.tasks import schedule_process_recount

logger = logging.getLogger(__name__)

# UI labels of the answers, per scale and value.
SCALE_LABELS: dict[ScaleKind, dict[int, Any]] = {
    ScaleKind.AGREEMENT: {
        1: _l("Strongly disagree"),
        2: _l("Disagree"),
        3: _l("Neutral"),
        4: _l("Agree"),
        5: _l("Strongly agree"),
        NO_ANSWER: _l("No answer"),
    },
    ScaleKind.IMPORTANCE: {
        1: _l("Not important"),
        2: _l("Less important"),
        3: _l("Moderately important"),
        4: _l("Important"),
        5: _l("Very important"),
    },
    ScaleKind.YES_NO_UNDECIDED: {1: _l("Yes"), 2: _l("No"), 3: _l("Undecided")},
}
AGREEMENT_MAX = 5


class RatingError(ValueError):
    """Answers that do not fit the process's questions."""


# --- questions and answers -------------------------------------------------------------


def rating_questions(process: Process, goal: Goal | None = None) -> list[RatingQuestion]:
    """The process's questions in order; with ``goal``, those asked about it (a
    question may be limited to one level of the goal tree). Staff edit them
    (:mod:`app.ratings.editing`)."""
    questions = db.session.scalars(
        sa.select(RatingQuestion)
        .where(RatingQuestion.process_id == process.id)
        .order_by(RatingQuestion.position, RatingQuestion.id)
    )
    return [q for q in questions if goal is None or q.applies_to(goal.level)]


def current_answers(goal: Goal, participant: Participant | None) -> dict[int, int]:
    """The participant's stored answers to ``goal``: question id → value."""
    if participant is None or participant.id is None:
        return {}
    rows = db.session.execute(
        sa.select(Rating.question_id, Rating.value).where(
            Rating.goal_id == goal.id, Rating.participant_id == participant.id
        )
    )
    return {question_id: value for question_id, value in rows}


def _check(questions: list[RatingQuestion], answers: dict[int, int]) -> None:
    by_id = {q.id: q for q in questions}
    if not answers:
        raise RatingError("no answer")
    for question_id, value in answers.items():
        question = by_id.get(question_id)
        if question is None:
            raise RatingError("unknown question")
        if value not in SCALE_VALUES[question.scale]:
            raise RatingError("invalid value")


def _upsert(goal_id: int, question_id: int, participant_id: int, values: dict[str, Any]) -> None:
    """Update the one row, else insert it; a concurrent insert makes us update instead."""
    match = (
        Rating.goal_id == goal_id,
        Rating.question_id == question_id,
        Rating.participant_id == participant_id,
    )
    update = sa.update(Rating).where(*match).values(**values)
    result = cast(CursorResult[Any], db.session.execute(update))
    if result.rowcount:
        return
    row = {"goal_id": goal_id, "question_id": question_id, "participant_id": participant_id}
    try:
        with db.session.begin_nested():
            db.session.execute(sa.insert(Rating).values(**row, **values))
    except IntegrityError:
        logger.debug("rating %s inserted concurrently; updating", row)
        db.session.execute(update)


def save_ratings(
    process: Process, goal: Goal, participant: Participant, answers: dict[int, int]
) -> None:
    """Store ``answers`` (question id → value) for ``goal``; one row per question.

    Ratings of an unconfirmed guest are stored unconfirmed and not counted.
    """
    if goal.process_id != process.id:
        raise RatingError("goal of another process")
    _check(rating_questions(process, goal), answers)
    values = {
        "confirmed": participant.is_confirmed,
        "updated_at": utcnow(),
        "consent_version_id": version_for_contribution(),
    }
    for question_id, value in answers.items():
        _upsert(goal.id, question_id, participant.id, values | {"value": value})
    db.session.flush()
    schedule_process_recount(process.id)


def count_confirmed_guest(participant: Participant) -> None:
    """The guest confirmed the e-mail address: their ratings count from now on."""
    process_ids = db.session.scalars(
        sa.select(RatingQuestion.process_id)
        .join(Rating, Rating.question_id == RatingQuestion.id)
        .where(Rating.participant_id == participant.id, Rating.confirmed.is_(False))
        .distinct()
    ).all()
    if not process_ids:
        return
    db.session.execute(
        sa.update(Rating)
        .where(Rating.participant_id == participant.id, Rating.confirmed.is_(False))
        .values(confirmed=True)
    )
    for process_id in process_ids:
        schedule_process_recount(process_id)


# --- counting (for the stored aggregate) -----------------------------------------------


SelectT = TypeVar("SelectT", bound="sa.Select[*tuple[Any, ...]]")


def _confirmed_only(stmt: SelectT, process_id: int) -> SelectT:
    return stmt.join(RatingQuestion, Rating.question_id == RatingQuestion.id).where(
        RatingQuestion.process_id == process_id, Rating.confirmed.is_(True)
    )


def _mean_agreement(distribution: dict[str, int]) -> float | None:
    answered = {int(v): n for v, n in distribution.items() if int(v) != NO_ANSWER}
    total = sum(answered.values())
    if not total:
        return None
    return round(sum(v * n for v, n in answered.items()) / total, 2)


def count_ratings(process_id: int) -> dict[int, dict[str, Any]]:
    """Per goal: raters, mean agreement and the answer distribution (two queries)."""
    raters = db.session.execute(
        _confirmed_only(
            sa.select(Rating.goal_id, sa.func.count(sa.distinct(Rating.participant_id))),
            process_id,
        ).group_by(Rating.goal_id)
    ).all()
    answers = db.session.execute(
        _confirmed_only(
            sa.select(
                Rating.goal_id,
                RatingQuestion.key,
                RatingQuestion.scale,
                Rating.value,
                sa.func.count(),
            ),
            process_id,
        ).group_by(Rating.goal_id, RatingQuestion.key, RatingQuestion.scale, Rating.value)
    ).all()
    result: dict[int, dict[str, Any]] = {
        goal_id: {"ratings": count, "mean_agreement": None, "distribution": {}}
        for goal_id, count in raters
    }
    agreement: dict[int, dict[str, int]] = {}
    for goal_id, key, scale, value, count in answers:
        result[goal_id]["distribution"].setdefault(key, {})[str(value)] = count
        if scale == ScaleKind.AGREEMENT:
            bucket = agreement.setdefault(goal_id, {})
            bucket[str(value)] = bucket.get(str(value), 0) + count
    for goal_id, distribution in agreement.items():
        result[goal_id]["mean_agreement"] = _mean_agreement(distribution)
    return result


# --- showing results -------------------------------------------------------------------


def goal_numbers(process: Process, goal: Goal) -> dict[str, Any]:
    """The stored numbers of one goal (empty until counted or without ratings)."""
    return numbers_in(process_counts(process.id), goal)


def numbers_in(aggregate: Aggregate | None, goal: Goal) -> dict[str, Any]:
    """One goal's numbers in the process counts a caller has read already."""
    if aggregate is None:
        return {}
    return dict((aggregate.data or {}).get("per_goal", {}).get(str(goal.id), {}))


@dataclass(frozen=True)
class AnswerRow:
    value: int
    label: str
    count: int | None  # None: suppressed (a small cell, or one that would reveal it)
    percent: float | None  # 0..100 of all answers; None with the count

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class QuestionResult:
    question: RatingQuestion
    total: int | None  # answers; None when too few to show anything
    rows: list[AnswerRow]

    @property
    def hidden(self) -> bool:
        return self.total is None

    @property
    def suppressed(self) -> bool:
        return any(row.suppressed for row in self.rows)


@dataclass(frozen=True)
class GoalResults:
    ratings: int
    mean_agreement: float | None  # None unless public (:func:`public_mean`)
    questions: list[QuestionResult]
    threshold: int = DEFAULT_THRESHOLD

    @property
    def suppressed(self) -> bool:
        return any(q.suppressed for q in self.questions)


def _int_counts(counts: dict[str, int]) -> dict[int, int]:
    return {int(value): int(n) for value, n in counts.items()}


def question_result(question: RatingQuestion, counts: dict[str, int]) -> QuestionResult:
    """One question's answers as the public sees them, with small-cell suppression
    (primary and secondary, the Trialog's pattern): hidden counts are None."""
    dist = public_distribution(
        rating_distribution(question.id, question.scale, _int_counts(counts))
    )
    labels = SCALE_LABELS[question.scale]
    if dist.get("hidden"):
        rows = [AnswerRow(v, str(labels[v]), None, None) for v in SCALE_VALUES[question.scale]]
        return QuestionResult(question, None, rows)
    rows = [
        AnswerRow(o["id"], str(labels[o["id"]]), o["count"], o["pct"] or 0.0)
        if not o.get("suppressed")
        else AnswerRow(o["id"], str(labels[o["id"]]), None, None)
        for o in dist["options"]
    ]
    return QuestionResult(question, int(dist["n"]), rows)


def public_mean(questions: list[RatingQuestion], numbers: dict[str, Any]) -> float | None:
    """The goal's mean agreement if every distribution it comes from allows a public
    mean (the pattern's ``stats``: enough valid answers, and hidden cells stay hidden
    from a mean to one decimal); to one decimal where a cell is hidden."""
    mean = numbers.get("mean_agreement")
    distribution: dict[str, dict[str, int]] = numbers.get("distribution", {})
    scales = {q.key: q.scale for q in questions}
    if mean is None or any(key not in scales for key in distribution):
        return None
    patterns = [
        public_rating_pattern(scales[key], _int_counts(counts))
        for key, counts in distribution.items()
        if scales[key] == ScaleKind.AGREEMENT
    ]
    if not patterns or not all(p["stats"] for p in patterns):
        return None
    return round(mean, PUBLIC_STATS_DIGITS) if any(p["cells"] for p in patterns) else mean


def public_means(process: Process, per_goal: dict[str, Any]) -> dict[str, float | None]:
    """goal id (str) → the public mean agreement, for the process page."""
    questions = rating_questions(process)
    return {goal_id: public_mean(questions, numbers) for goal_id, numbers in per_goal.items()}


def goal_results(
    process: Process,
    goal: Goal,
    questions: list[RatingQuestion],
    numbers: dict[str, Any] | None = None,
) -> GoalResults:
    """The public results of one goal, read from the stored aggregate only
    (``numbers``: what :func:`numbers_in` found in counts the caller has read)."""
    if numbers is None:
        numbers = goal_numbers(process, goal)
    distribution = numbers.get("distribution", {})
    return GoalResults(
        ratings=int(numbers.get("ratings", 0)),
        mean_agreement=public_mean(questions, numbers),
        questions=[question_result(q, distribution.get(q.key, {})) for q in questions],
    )
