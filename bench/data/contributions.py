"""Comments, replies, supports, reports, offline input and their assessments, with COPY.

The busy goal gets ``busy_comments`` comments (30 % replies) with supports and
reports; the other goals share the rest of ``contributions``. Counters on the comment
rows (supports, score, replies, reports) match the rows written, as the app keeps them.
A third of all contributions is assessed (Abwägung) with one or two topic tags.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.assessment.models import Assessment, Consideration, ProcessTag, assessment_tag
from app.comments.models import Channel, Comment, CommentStatus, CommentVote, Report, ReportReason
from app.demo.discussion_content import COMMENTS, OFFLINE
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import DEFAULT_COMMENT_KINDS, Process
from bench.data.copy import copy_rows, reserve_ids
from bench.data.people import People
from bench.settings import BUSY_GOAL, Scale

KINDS = [kind["key"] for kind in DEFAULT_COMMENT_KINDS]
OFFLINE_CHANNELS = [Channel.EVENT, Channel.WORKSHOP, Channel.LETTER, Channel.EMAIL, Channel.PHONE]
TEXTS = [c.body for c in COMMENTS] + [body for c in COMMENTS for _a, body in c.replies]
TEXTS += [o.body for o in OFFLINE]
TAGS = ["Digitalisierung", "Personal", "Finanzen", "Service", "Beteiligung", "Klima"]
TAGS += ["Bürgerbüro", "Barrierefreiheit"]
COMMENT_COLUMNS = [
    "id",
    "goal_id",
    "parent_id",
    "participant_id",
    "author_name",
    "kind",
    "stakeholder_group",
    "channel",
    "body",
    "status",
    "created_at",
    "hidden_reason",
    "moderated_at",
    "removed_at",
    "received_on",
    "support_up",
    "support_down",
    "score",
    "reply_count",
    "report_count",
]


@dataclass
class GoalThread:
    """The rows of one goal, built before they are written (counters need all of them)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    votes: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)


def add_contributions(
    scale: Scale,
    process: Process,
    goals: dict[str, Goal],
    people: People,
    rng: random.Random,
    now: datetime,
) -> int:
    """All contributions of the process; returns how many comments were written."""
    others = [g for code, g in goals.items() if code != BUSY_GOAL]
    rest = scale.contributions - scale.busy_comments
    shares = Counter(rng.choice(others).id for _ in range(rest))
    written = 0
    written_ids: list[tuple[int, Any]] = []
    for goal_id, count in [(goals[BUSY_GOAL].id, scale.busy_comments), *shares.items()]:
        busy = goal_id == goals[BUSY_GOAL].id
        thread = _thread(goal_id, count, busy, scale, people, rng, now)
        written += copy_rows(Comment.__table__, COMMENT_COLUMNS, thread.rows)
        copy_rows(CommentVote.__table__, ["comment_id", "participant_id", "value"], thread.votes)
        copy_rows(Report.__table__, ["comment_id", "participant_id", "reason"], thread.reports)
        written_ids += [(row["id"], row["stakeholder_group"]) for row in thread.rows]
    _assess(process, written_ids, rng)
    return written


def _thread(
    goal_id: int,
    count: int,
    busy: bool,
    scale: Scale,
    people: People,
    rng: random.Random,
    now: datetime,
) -> GoalThread:
    ids = reserve_ids(Comment.__table__, count)
    thread = GoalThread()
    tops: list[dict[str, Any]] = []
    for n, comment_id in enumerate(ids):
        moment = now - timedelta(minutes=(count - n) * 7 + rng.randint(0, 6))
        offline = not busy and rng.random() < 0.1
        row = _offline(goal_id, comment_id, moment, rng) if offline else None
        row = row or _online(goal_id, comment_id, moment, people, rng)
        if not offline and tops and rng.random() < 0.3:
            parent = tops[min(len(tops) - 1, int(rng.paretovariate(1.2)) - 1)]
            row["parent_id"] = parent["id"]
            if row["status"] == CommentStatus.PUBLISHED:
                parent["reply_count"] += 1
        elif not offline:
            tops.insert(0, row)  # newest first: replies go to recent comments mostly
        thread.rows.append(row)
    if busy:
        _supports(thread, scale, people, rng)
    return thread


def _online(
    goal_id: int, comment_id: int, moment: datetime, people: People, rng: random.Random
) -> dict[str, Any]:
    author = people.pick(rng)
    status = CommentStatus.PUBLISHED
    roll = rng.random()
    if roll < 0.02:
        status = CommentStatus.HIDDEN
    elif roll < 0.03:
        status = CommentStatus.REMOVED
    return _row(goal_id, comment_id, moment, rng) | {
        "participant_id": author,
        "author_name": people.pseudonyms[author],
        "stakeholder_group": people.groups[author],
        "channel": Channel.ONLINE,
        "status": status,
        "hidden_reason": "Beleidigung" if status == CommentStatus.HIDDEN else None,
        "moderated_at": moment + timedelta(hours=2) if status == CommentStatus.HIDDEN else None,
        "removed_at": moment + timedelta(hours=1) if status == CommentStatus.REMOVED else None,
    }


def _offline(goal_id: int, comment_id: int, moment: datetime, rng: random.Random) -> dict[str, Any]:
    source = rng.choice(OFFLINE)
    return _row(goal_id, comment_id, moment, rng) | {
        "participant_id": None,
        "author_name": source.label,
        "stakeholder_group": source.group,
        "channel": rng.choice(OFFLINE_CHANNELS),
        "status": CommentStatus.PUBLISHED,
        "received_on": (moment - timedelta(days=rng.randint(1, 20))).date(),
    }


def _row(goal_id: int, comment_id: int, moment: datetime, rng: random.Random) -> dict[str, Any]:
    body = rng.choice(TEXTS)
    if rng.random() < 0.4:
        body += "\n\n" + rng.choice(TEXTS)
    return {
        "id": comment_id,
        "goal_id": goal_id,
        "parent_id": None,
        "kind": rng.choice(KINDS),
        "body": body,
        "created_at": moment,
        "hidden_reason": None,
        "moderated_at": None,
        "removed_at": None,
        "received_on": None,
        "support_up": 0,
        "support_down": 0,
        "score": 0,
        "reply_count": 0,
        "report_count": 0,
    }


def _supports(thread: GoalThread, scale: Scale, people: People, rng: random.Random) -> None:
    """Supports/objections (skewed: a few comments get most) and a few reports."""
    published = [r for r in thread.rows if r["status"] == CommentStatus.PUBLISHED]
    seen: set[tuple[int, int]] = set()
    for _ in range(int(len(thread.rows) * scale.votes_per_comment)):
        row = published[min(len(published) - 1, int(rng.paretovariate(0.9)) - 1)]
        if rng.random() < 0.5:
            row = rng.choice(published)
        voter = people.pick(rng)
        if (row["id"], voter) in seen:
            continue
        seen.add((row["id"], voter))
        value = 1 if rng.random() < 0.8 else -1
        thread.votes.append({"comment_id": row["id"], "participant_id": voter, "value": value})
        row["support_up" if value > 0 else "support_down"] += 1
        row["score"] += value
    for row in rng.sample(published, max(1, len(published) // 40)):
        for voter in {people.pick(rng) for _ in range(rng.randint(1, 2))}:
            reason = rng.choice(list(ReportReason))
            thread.reports.append(
                {"comment_id": row["id"], "participant_id": voter, "reason": reason}
            )
            row["report_count"] += 1


def _assess(process: Process, comments: list[tuple[int, Any]], rng: random.Random) -> None:
    tags = [ProcessTag(process_id=process.id, name=name) for name in TAGS]
    db.session.add_all(tags)
    db.session.flush()
    assessed = comments[::3]
    ids = reserve_ids(Assessment.__table__, len(assessed))
    considerations = list(Consideration)
    rows = (
        {
            "id": assessment_id,
            "comment_id": comment_id,
            "process_id": process.id,
            "stakeholder_group": group,
            "consideration": rng.choice(considerations),
            "rationale": "Die Verwaltung prüft den Hinweis und nimmt ihn in die Überarbeitung "
            "des Ziels auf. " * rng.randint(1, 3),
            "version": 1,
        }
        for assessment_id, (comment_id, group) in zip(ids, assessed, strict=True)
    )
    columns = ["id", "comment_id", "process_id", "stakeholder_group", "consideration"]
    copy_rows(Assessment.__table__, [*columns, "rationale", "version"], rows)
    links = (
        {"assessment_id": a, "tag_id": tag.id}
        for a in ids
        for tag in rng.sample(tags, rng.randint(1, 2))
    )
    copy_rows(assessment_tag, ["assessment_id", "tag_id"], links)
