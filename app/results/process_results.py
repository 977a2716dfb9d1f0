"""The results of a process: goal ratings (the Trialog), comments and consensus.

Stored as scope ``process_results`` next to the lean ``process`` counts the goal
pages read. Counting is GROUP BY in SQL.

**Stakeholder group of a rating or a vote.** A rating and a support carry no group
of their own; a comment does (the author declares it: "Ich schreibe als …"). The
group of a participant in a process is the one declared on their latest comment
in that process; without a comment it is ``citizen`` (Stadtgesellschaft). One SQL
expression (:func:`declared_groups`) defines it for ratings and votes alike.
Gemeinderat and Verwaltung count only when confirmed (an admin's grant, or offline
input whose group staff set); an unconfirmed claim of them counts as ``citizen``.
The comment counts keep the declared group and add ``by_group_confirmed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from app.comments.models import Comment, CommentStatus, CommentVote
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import CONFIRMED_GROUPS, StakeholderGroup
from app.ratings.models import NO_ANSWER, SCALE_VALUES, Rating, RatingQuestion, ScaleKind
from app.results.consensus import consensus
from app.results.distributions import OptionInfo, QuestionInfo, choice_distribution
from app.results.suppression import hidden_groups
from app.results.survey_public import annotate_columns, annotate_question
from app.results.survey_queries import Sums
from app.surveys.models import QuestionKind

FORMAT = 1
DEFAULT_THRESHOLD = 5  # processes have no setting of their own
GROUPS = [g.value for g in StakeholderGroup]
DEFAULT_GROUP = StakeholderGroup.CITIZEN.value


def declared_groups(process_id: int) -> sa.Subquery:
    """participant_id → the group declared on their latest comment in the process."""
    position = (
        sa.func.row_number()
        .over(
            partition_by=Comment.participant_id,
            order_by=(Comment.created_at.desc(), Comment.id.desc()),
        )
        .label("pos")
    )
    trusted = sa.case(
        (
            sa.and_(
                Comment.stakeholder_group.in_(CONFIRMED_GROUPS),
                Comment.stakeholder_confirmed.is_(False),
            ),
            DEFAULT_GROUP,
        ),
        else_=Comment.stakeholder_group,
    )
    latest = (
        sa.select(Comment.participant_id, trusted.label("grp"), position)
        .join(Goal, Goal.id == Comment.goal_id)
        .where(Goal.process_id == process_id, Comment.participant_id.is_not(None))
        .subquery()
    )
    return sa.select(latest.c.participant_id, latest.c.grp).where(latest.c.pos == 1).subquery("dg")


def _group_of(declared: sa.Subquery) -> Any:
    return sa.func.coalesce(declared.c.grp, DEFAULT_GROUP)


def _scale_info(question_id: int, scale: ScaleKind) -> QuestionInfo:
    scored = scale != ScaleKind.YES_NO_UNDECIDED
    options = tuple(
        OptionInfo(v, v == NO_ANSWER and scored, False, float(v) if scored and v else None)
        for v in SCALE_VALUES[scale]
    )
    kind = QuestionKind.SCALE if scored else QuestionKind.SINGLE_CHOICE
    return QuestionInfo(question_id, kind, False, options, (), 0)


def rating_distribution(
    question_id: int, scale: ScaleKind, counts: Mapping[int, int]
) -> dict[str, Any]:
    """One rating distribution (value → count) with its public pattern under ``"public"``:
    the overall distribution of a goal's question exactly as the Trialog stores it."""
    info = _scale_info(question_id, scale)
    dist = choice_distribution(info, _sums(dict(counts)), None, False)
    annotate_question({"id": question_id, "n": dist["n"], "items": [dist]}, info, DEFAULT_THRESHOLD)
    return dist


def public_rating_pattern(scale: ScaleKind, counts: Mapping[int, int]) -> dict[str, Any]:
    """What the public may see of a rating distribution: ``{"hidden", "cells", "valid",
    "stats"}`` (see :mod:`app.results.survey_public`), primary and secondary suppression."""
    return dict(rating_distribution(0, scale, counts)["public"])


def _rating_counts(process_id: int) -> tuple[list[Any], list[Any]]:
    declared = declared_groups(process_id)
    group = _group_of(declared).label("grp")
    base = (
        sa.select(Rating.goal_id)
        .join(RatingQuestion, RatingQuestion.id == Rating.question_id)
        .outerjoin(declared, declared.c.participant_id == Rating.participant_id)
        .where(RatingQuestion.process_id == process_id, Rating.confirmed.is_(True))
    )
    answers = db.session.execute(
        base.add_columns(Rating.question_id, Rating.value, group, sa.func.count()).group_by(
            Rating.goal_id, Rating.question_id, Rating.value, group
        )
    ).all()
    raters = db.session.execute(
        base.add_columns(group, sa.func.count(sa.distinct(Rating.participant_id))).group_by(
            Rating.goal_id, group
        )
    ).all()
    return list(answers), list(raters)


def _goal_ratings(
    questions: list[RatingQuestion],
    counts: dict[tuple[int, str], dict[int, int]],
    raters: dict[str, int],
) -> dict[str, Any]:
    hidden = hidden_groups(raters, DEFAULT_THRESHOLD)
    hidden_at = {j for j, g in enumerate(GROUPS) if g in hidden}
    out: dict[str, Any] = {}
    for question in questions:
        info = _scale_info(question.id, question.scale)
        columns = {
            g: choice_distribution(info, _sums(counts.get((question.id, g), {})), None, False)
            for g in GROUPS
        }
        overall_counts: dict[int, int] = {}
        for g in GROUPS:
            for value, n in counts.get((question.id, g), {}).items():
                overall_counts[value] = overall_counts.get(value, 0) + n
        overall = rating_distribution(question.id, question.scale, overall_counts)
        annotate_columns(info, overall, [columns[g] for g in GROUPS], hidden_at, DEFAULT_THRESHOLD)
        out[question.key] = {"overall": overall, "groups": columns}
    return out


def _sums(counts: dict[int, int]) -> dict[int, Sums]:
    return {value: Sums(n, float(n), float(n)) for value, n in counts.items()}


def _ratings(process_id: int, questions: list[RatingQuestion]) -> dict[str, Any]:
    answers, rater_rows = _rating_counts(process_id)
    counts: dict[int, dict[tuple[int, str], dict[int, int]]] = {}
    for goal_id, question_id, value, group, n in answers:
        counts.setdefault(goal_id, {}).setdefault((question_id, group), {})[value] = n
    raters: dict[int, dict[str, int]] = {}
    for goal_id, group, n in rater_rows:
        raters.setdefault(goal_id, {})[group] = n
    return {
        str(goal_id): {
            "raters": sum(raters.get(goal_id, {}).values()),
            "raters_by_group": {g: raters.get(goal_id, {}).get(g, 0) for g in GROUPS},
            "hidden_groups": sorted(hidden_groups(raters.get(goal_id, {}), DEFAULT_THRESHOLD)),
            "questions": _goal_ratings(questions, by_question, raters.get(goal_id, {})),
        }
        for goal_id, by_question in counts.items()
    }


def _comments(process_id: int) -> dict[str, Any]:
    """Per goal: comments by kind, group, status and channel; supports and replies."""
    rows = db.session.execute(
        sa.select(
            Comment.goal_id,
            Comment.parent_id.is_(None).label("top"),
            Comment.kind,
            Comment.stakeholder_group,
            Comment.stakeholder_confirmed,
            Comment.status,
            Comment.channel,
            sa.func.count(),
            sa.func.sum(Comment.support_up),
            sa.func.sum(Comment.support_down),
        )
        .join(Goal, Goal.id == Comment.goal_id)
        .where(Goal.process_id == process_id)
        .group_by(
            Comment.goal_id,
            Comment.parent_id.is_(None),
            Comment.kind,
            Comment.stakeholder_group,
            Comment.stakeholder_confirmed,
            Comment.status,
            Comment.channel,
        )
    ).all()
    out: dict[str, Any] = {}
    for goal_id, top, kind, group, confirmed, status, channel, n, up, down in rows:
        goal = out.setdefault(str(goal_id), _empty_comment_counts())
        published = status == CommentStatus.PUBLISHED
        goal["by_status"][status.value] = goal["by_status"].get(status.value, 0) + n
        if not published:
            continue
        goal["published"] += n
        goal["comments" if top else "replies"] += n
        keys = [("by_kind", kind), ("by_group", group.value), ("by_channel", channel.value)]
        if confirmed:
            keys.append(("by_group_confirmed", group.value))
        for name, key in keys:
            goal[name][key] = goal[name].get(key, 0) + n
        goal["supports"]["up"] += int(up or 0)
        goal["supports"]["down"] += int(down or 0)
    return out


def _empty_comment_counts() -> dict[str, Any]:
    return {
        "published": 0,
        "comments": 0,
        "replies": 0,
        "by_kind": {},
        "by_group": {},
        "by_group_confirmed": {},
        "by_channel": {},
        "by_status": {},
        "supports": {"up": 0, "down": 0},
    }


def _consensus(process_id: int) -> dict[str, Any]:
    declared = declared_groups(process_id)
    group = _group_of(declared).label("grp")
    rows = db.session.execute(
        sa.select(
            CommentVote.comment_id,
            Comment.goal_id,
            group,
            sa.func.sum(sa.case((CommentVote.value == 1, 1), else_=0)),
            sa.func.sum(sa.case((CommentVote.value == -1, 1), else_=0)),
        )
        .join(Comment, Comment.id == CommentVote.comment_id)
        .join(Goal, Goal.id == Comment.goal_id)
        .outerjoin(declared, declared.c.participant_id == CommentVote.participant_id)
        .where(Goal.process_id == process_id, Comment.status == CommentStatus.PUBLISHED)
        .group_by(CommentVote.comment_id, Comment.goal_id, group)
    ).all()
    votes: dict[int, dict[str, tuple[int, int]]] = {}
    goal_of: dict[int, int] = {}
    for comment_id, goal_id, grp, up, down in rows:
        votes.setdefault(comment_id, {})[grp] = (int(up or 0), int(down or 0))
        goal_of[comment_id] = goal_id
    return consensus(votes, goal_of)


def process_results(process_id: int) -> dict[str, Any]:
    questions = list(
        db.session.scalars(
            sa.select(RatingQuestion)
            .where(RatingQuestion.process_id == process_id)
            .order_by(RatingQuestion.position, RatingQuestion.id)
        )
    )
    return {
        "format": FORMAT,
        "scope": "process_results",
        "process_id": process_id,
        "threshold": DEFAULT_THRESHOLD,
        "groups": GROUPS,
        "questions": [
            {"id": q.id, "key": q.key, "scale": q.scale.value, "values": list(q.values)}
            for q in questions
        ],
        "ratings": _ratings(process_id, questions),
        "comments": _comments(process_id),
        "consensus": _consensus(process_id),
    }
