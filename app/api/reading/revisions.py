"""Revisions of goals with their word diffs and the contributions each took up,
as the public "Was hat sich geändert?" page shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.api.reading.authors import Authors
from app.api.reading.common import localized, localized_or_none, page
from app.assessment.changes import Segment, linked_contributions, word_diff
from app.assessment.models import Assessment
from app.comments.models import Comment
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.i18n import localize
from app.processes.models import Process

Linked = dict[int, list[tuple[Comment, Assessment]]]


def goal_codes(process_id: int) -> dict[int, str]:
    rows = db.session.execute(sa.select(Goal.id, Goal.code).where(Goal.process_id == process_id))
    return {goal_id: code for goal_id, code in rows}


def _segments(segments: list[Segment]) -> list[dict[str, str]]:
    return [{"kind": s.kind, "text": s.text} for s in segments]


def _diff(old: GoalRevision | None, new: GoalRevision, lang: str, fallback: str) -> Any:
    def text(revision: GoalRevision | None, field: str) -> str:
        value = getattr(revision, field) if revision is not None else {}
        return localize(value, lang, fallback).text

    return {
        "title": _segments(word_diff(text(old, "title"), text(new, "title"))),
        "body": _segments(word_diff(text(old, "body"), text(new, "body"))),
    }


def _taken_up(
    comment: Comment, assessment: Assessment, codes: dict[int, str], authors: Authors
) -> dict[str, Any]:
    return {
        "id": comment.id,
        "goal": codes.get(comment.goal_id, ""),
        "author": authors.of(comment),
        "declared_group": comment.stakeholder_group,
        "group": assessment.stakeholder_group,
        "created_at": comment.created_at,
        "body": comment.body,
        "consideration": assessment.consideration,
        "rationale": assessment.rationale,
    }


class RevisionWriter:
    """Turns revisions into answers; shares the goal codes and pseudonyms of a page."""

    def __init__(self, proc: Process, lang: str, linked: Linked | None) -> None:
        self.proc, self.lang, self.linked = proc, lang, linked
        self.codes = goal_codes(proc.id)
        comments = [c for pairs in (linked or {}).values() for c, _a in pairs]
        self.authors = Authors(proc.id, comments)

    def write(self, revision: GoalRevision, previous: GoalRevision | None) -> dict[str, Any]:
        fallback = self.proc.default_locale
        taken = None
        if self.linked is not None:
            taken = [
                _taken_up(c, a, self.codes, self.authors)
                for c, a in self.linked.get(revision.id, [])
            ]
        return {
            "goal": self.codes.get(revision.goal_id, ""),
            "number": revision.number,
            "created_at": revision.created_at,
            "change_note": revision.change_note,
            "title": localized(revision.title, self.lang, fallback),
            "body": localized(revision.body, self.lang, fallback),
            "easy_language": localized_or_none(revision.easy_body, self.lang, fallback),
            "diff": _diff(previous, revision, self.lang, fallback),
            "contributions": taken,
        }


def goal_revisions(proc: Process, goal: Goal, lang: str, public: bool) -> list[dict[str, Any]]:
    """Every revision of ``goal``, newest first (four queries)."""
    revisions = list(
        db.session.scalars(
            sa.select(GoalRevision)
            .where(GoalRevision.goal_id == goal.id)
            .order_by(GoalRevision.number)
        )
    )
    linked = linked_contributions([r.id for r in revisions]) if public else None
    writer = RevisionWriter(proc, lang, linked)
    previous = [None, *revisions[:-1]]
    return [writer.write(r, p) for r, p in reversed(list(zip(revisions, previous, strict=True)))]


def _predecessors(revisions: list[GoalRevision]) -> dict[tuple[int, int], GoalRevision]:
    wanted = [(r.goal_id, r.number - 1) for r in revisions if r.number > 1]
    if not wanted:
        return {}
    rows = db.session.scalars(
        sa.select(GoalRevision).where(
            sa.tuple_(GoalRevision.goal_id, GoalRevision.number).in_(wanted)
        )
    )
    return {(r.goal_id, r.number): r for r in rows}


def process_revisions(
    proc: Process, lang: str, public: bool, *, limit: int, after: int | None, since: datetime | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the revisions of every goal, oldest first (a fixed number of queries)."""
    stmt = (
        sa.select(GoalRevision)
        .join(Goal, Goal.id == GoalRevision.goal_id)
        .where(Goal.process_id == proc.id)
        .order_by(GoalRevision.id)
    )
    if after is not None:
        stmt = stmt.where(GoalRevision.id > after)
    if since is not None:
        stmt = stmt.where(GoalRevision.created_at >= since)
    rows, cursor = page(list(db.session.scalars(stmt.limit(limit + 1))), limit, lambda r: r.id)
    before = _predecessors(rows)
    linked = linked_contributions([r.id for r in rows]) if public else None
    writer = RevisionWriter(proc, lang, linked)
    return [writer.write(r, before.get((r.goal_id, r.number - 1))) for r in rows], cursor
