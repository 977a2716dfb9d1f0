"""Participants of the bench process and their goal ratings, written with COPY.

Each participant belongs to one of the three groups of the HF12 "Trialog"
(Stadtgesellschaft, Gemeinderat, Verwaltung). Ratings have no group column yet, so
the group shows on a participant's comments only; when ratings or participants get
one (results issue), fill it in ``rating_rows``/``participant_rows`` from ``groups``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.demo.discussion_content import PSEUDONYMS
from app.goals.models import Goal
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.ratings.models import Rating, RatingQuestion
from bench.data.copy import copy_rows, reserve_ids
from bench.settings import BUSY_GOAL, Scale

GROUPS = (StakeholderGroup.CITIZEN, StakeholderGroup.COUNCIL, StakeholderGroup.ADMINISTRATION)
GROUP_WEIGHTS = (85, 3, 12)


@dataclass(frozen=True)
class People:
    ids: list[int]
    groups: dict[int, StakeholderGroup]
    pseudonyms: dict[int, str]

    def pick(self, rng: random.Random) -> int:
        return self.ids[int(len(self.ids) * rng.random())]


def add_participants(scale: Scale, rng: random.Random, now: datetime) -> People:
    ids = reserve_ids(Participant.__table__, scale.participants)
    groups = {pid: rng.choices(GROUPS, GROUP_WEIGHTS)[0] for pid in ids}
    names = {pid: f"{rng.choice(PSEUDONYMS)} {n}" for n, pid in enumerate(ids, start=1)}
    rows = (
        {
            "id": pid,
            "kind": ParticipantKind.ANONYMOUS,
            "pseudonym": names[pid],
            "created_at": now - timedelta(minutes=rng.randint(60, 40_000)),
        }
        for pid in ids
    )
    copy_rows(Participant.__table__, ["id", "kind", "pseudonym", "created_at"], rows)
    return People(ids, groups, names)


def add_ratings(
    scale: Scale,
    people: People,
    goals: dict[str, Goal],
    questions: list[RatingQuestion],
    rng: random.Random,
    now: datetime,
) -> int:
    """Every participant rates the busy goal and ``goals_rated - 1`` other operative goals."""
    busy = goals[BUSY_GOAL].id
    others = [g.id for code, g in goals.items() if code.count(".") == 2 and code != BUSY_GOAL]
    columns = ["goal_id", "question_id", "participant_id", "value", "confirmed"]
    columns += ["created_at", "updated_at"]
    return copy_rows(
        Rating.__table__,
        columns,
        _rating_rows(scale, people, busy, others, questions, rng, now),
    )


def _rating_rows(
    scale: Scale,
    people: People,
    busy: int,
    others: list[int],
    questions: list[RatingQuestion],
    rng: random.Random,
    now: datetime,
) -> Iterator[dict[str, Any]]:
    for pid in people.ids:
        leaning = rng.gauss(0.3, 1.0)  # one attitude per person: answers correlate
        for goal_id in [busy, *rng.sample(others, scale.goals_rated - 1)]:
            moment = now - timedelta(minutes=rng.randint(1, 40_000))
            for question in questions:
                yield {
                    "goal_id": goal_id,
                    "question_id": question.id,
                    "participant_id": pid,
                    "value": _value(question.values, leaning, rng),
                    "confirmed": True,
                    "created_at": moment,
                    "updated_at": moment,
                }


def _value(values: tuple[int, ...], leaning: float, rng: random.Random) -> int:
    scored = [v for v in values if v != 0]
    if 0 in values and rng.random() < 0.04:
        return 0  # "keine Angabe"
    position = (len(scored) - 1) * (0.5 + 0.2 * leaning) + rng.gauss(0, 0.8)
    return scored[min(len(scored) - 1, max(0, round(position)))]


def rating_questions(process_id: int) -> list[RatingQuestion]:
    from app.extensions import db

    return list(
        db.session.scalars(
            sa.select(RatingQuestion)
            .where(RatingQuestion.process_id == process_id)
            .order_by(RatingQuestion.position)
        )
    )
