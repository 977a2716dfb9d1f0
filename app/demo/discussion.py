"""Demo discussion on HF12: comments, replies, supports, ratings and offline input.

The texts are in :mod:`app.demo.discussion_content`. Loading is idempotent: a
process that already has demo comments (idempotency keys starting with ``demo-``)
is left alone.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.accounts.models import User
from app.comments.models import Comment, CommentStatus, CommentVote
from app.db import utcnow
from app.demo.discussion_content import (
    COMMENTS,
    DIRECTION_TENDENCY,
    OFFLINE,
    PSEUDONYMS,
)
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import (
    CONFIRMED_GROUPS,
    Participant,
    ParticipantKind,
    StakeholderGroup,
)
from app.processes.models import Process
from app.ratings.models import Rating, RatingQuestion, ScaleKind
from app.results.tasks import schedule_process_recount

SEED = 12


def _participants(users: list[User]) -> dict[str, Participant]:
    people = {
        name: Participant(kind=ParticipantKind.ANONYMOUS, pseudonym=name) for name in PSEUDONYMS
    }
    citizen = next((u for u in users if u.email.startswith("buergerin@")), None)
    if citizen is not None:
        existing = db.session.scalar(
            sa.select(Participant).where(Participant.user_id == citizen.id)
        )
        people["@buergerin"] = existing or Participant(
            kind=ParticipantKind.ACCOUNT,
            user_id=citizen.id,
            pseudonym=citizen.display_name,
            confirmed_at=citizen.verified_at,
        )
    db.session.add_all(people.values())
    db.session.flush()
    return people


def _comment(goal: Goal, author: Participant, body: str, key: str, **fields: object) -> Comment:
    comment = Comment(
        goal_id=goal.id,
        participant_id=author.id,
        author_name=author.pseudonym,
        body=body,
        status=CommentStatus.PUBLISHED,
        idempotency_key=f"demo-{key}",
        **fields,
    )
    db.session.add(comment)
    return comment


def _add_comments(goals: dict[str, Goal], people: dict[str, Participant]) -> list[Comment]:
    now = utcnow()
    created: list[Comment] = []
    for index, item in enumerate(COMMENTS):
        when = now - timedelta(days=12 - index % 10, hours=index * 3)
        top = _comment(
            goals[item.goal],
            people[item.author],
            item.body,
            f"{index}",
            kind=item.kind,
            stakeholder_group=item.group,
            # The demo's councillors and officials stand for accounts an admin confirmed.
            stakeholder_confirmed=item.group in CONFIRMED_GROUPS,
            created_at=when,
        )
        db.session.flush()
        created.append(top)
        for offset, (author, body) in enumerate(item.replies, start=1):
            created.append(
                _comment(
                    goals[item.goal],
                    people[author],
                    body,
                    f"{index}-{offset}",
                    parent_id=top.id,
                    kind="suggestion",
                    stakeholder_group=StakeholderGroup.CITIZEN,
                    created_at=when + timedelta(hours=offset * 5),
                )
            )
    return created


def _add_offline(goals: dict[str, Goal], staff: User | None) -> None:
    today = date.today()
    for item in OFFLINE:
        db.session.add(
            Comment(
                goal_id=goals[item.goal].id,
                author_name=item.label,
                body=item.body,
                kind=item.kind,
                stakeholder_group=item.group,
                stakeholder_confirmed=True,  # staff set the group of offline input
                channel=item.channel,
                status=CommentStatus.PUBLISHED,
                received_on=today - timedelta(days=item.days_ago),
                entered_by_id=staff.id if staff else None,
                idempotency_key=f"demo-offline-{item.goal}-{item.days_ago}",
            )
        )


def _add_supports(
    comments: list[Comment], people: dict[str, Participant], rng: random.Random
) -> None:
    voters = [p for key, p in people.items() if not key.startswith("@")]
    for comment in comments:
        for voter in rng.sample(voters, rng.randint(0, 7)):
            if voter.id != comment.participant_id:
                value = 1 if rng.random() < 0.8 else -1
                db.session.add(
                    CommentVote(comment_id=comment.id, participant_id=voter.id, value=value)
                )
    db.session.flush()


def _refresh_counters(process: Process) -> None:
    """Bring the counters on the demo comments in line with their votes and replies."""
    goal_ids = sa.select(Goal.id).where(Goal.process_id == process.id)
    up = sa.select(sa.func.count()).where(
        CommentVote.comment_id == Comment.id, CommentVote.value == 1
    )
    down = sa.select(sa.func.count()).where(
        CommentVote.comment_id == Comment.id, CommentVote.value == -1
    )
    child = sa.orm.aliased(Comment)
    replies = sa.select(sa.func.count()).select_from(child).where(child.parent_id == Comment.id)
    db.session.execute(
        sa.update(Comment)
        .where(Comment.goal_id.in_(goal_ids))
        .values(
            support_up=up.scalar_subquery(),
            support_down=down.scalar_subquery(),
            score=up.scalar_subquery() - down.scalar_subquery(),
            reply_count=replies.scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )


def _value(question: RatingQuestion, tendency: float, rng: random.Random) -> int:
    if question.scale == ScaleKind.YES_NO_UNDECIDED:
        return rng.choices((1, 2, 3), weights=(3, 2, 2))[0]
    if question.scale == ScaleKind.AGREEMENT and rng.random() < 0.05:
        return 0
    return max(1, min(5, round(rng.gauss(tendency, 0.9))))


def _add_ratings(
    process: Process, goals: dict[str, Goal], people: dict[str, Participant], rng: random.Random
) -> None:
    questions = list(
        db.session.scalars(sa.select(RatingQuestion).where(RatingQuestion.process_id == process.id))
    )
    raters = list(people.values())
    rows = []
    for code, goal in goals.items():
        if code.count(".") != 2:
            continue  # operative goals only
        tendency = DIRECTION_TENDENCY.get(code, 3.6)
        for person in rng.sample(raters, rng.randint(5, len(raters))):
            rows += [
                {
                    "goal_id": goal.id,
                    "question_id": q.id,
                    "participant_id": person.id,
                    "value": _value(q, tendency, rng),
                }
                for q in questions
            ]
    if rows:
        db.session.execute(sa.insert(Rating), rows)


def load_discussion(process: Process, users: list[User]) -> bool:
    """Add the demo discussion to ``process`` once; returns whether anything was added."""
    goals = {
        g.code: g for g in db.session.scalars(sa.select(Goal).where(Goal.process_id == process.id))
    }
    already = db.session.scalar(
        sa.select(Comment.id)
        .where(
            Comment.goal_id.in_([g.id for g in goals.values()]),
            Comment.idempotency_key.like("demo-%"),
        )
        .limit(1)
    )
    if already is not None or not all(item.goal in goals for item in COMMENTS):
        return False
    rng = random.Random(SEED)
    people = _participants(users)
    comments = _add_comments(goals, people)
    staff = next((u for u in users if u.email.startswith("staff@")), None)
    _add_offline(goals, staff)
    db.session.flush()
    _add_supports(comments, people, rng)
    _refresh_counters(process)
    _add_ratings(process, goals, people, rng)
    schedule_process_recount(process.id)
    return True
