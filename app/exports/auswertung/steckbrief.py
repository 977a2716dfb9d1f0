"""The Steckbrief of each field of action, derived from goal revisions and assessments.

- Title changed: the field's first revision has another title than the current one
  (the old title is given).
- Structure changed: goals below it that were added after the participation phase
  started (their first revision is newer), and goals moved or renumbered since then
  (the audit events ``goal.move`` and ``goal.update`` with another parent or code,
  and codes whose prefix is not their parent's code). Goals cannot be deleted on the
  platform, so nothing is ever reported as removed.
- Feedback taken up: the contributions linked to a revision of one of its goals
  (staff tick them in the goal editor), grouped by goal.
- The Leitsatz (the field's own text) and every goal below it with its current
  texts and, where they changed, the first wording (the one people commented on).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.assessment.changes import looks_moved
from app.assessment.models import Assessment
from app.audit.models import AuditEvent
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import GoalNode, flatten
from app.i18n import localize
from app.processes.models import Process

Text = Any  # a translated mapping {"de": …}


@dataclass(frozen=True)
class GoalText:
    goal_id: int
    code: str
    level: int
    level_name: str
    title: str
    body: str
    earlier_title: str  # "" when the title did not change
    earlier_body: str  # "" when the text did not change


@dataclass(frozen=True)
class Moved:
    code: str
    title: str
    before: str = ""  # the earlier code, if it changed
    below: str = ""  # the code of the earlier parent, if the goal was moved


@dataclass
class Steckbrief:
    field: GoalText
    old_title: str  # "" when the title did not change
    added: list[GoalText] = dataclasses.field(default_factory=list)
    moved: list[Moved] = dataclasses.field(default_factory=list)
    feedback: dict[int, list[tuple[str, int]]] = dataclasses.field(
        default_factory=dict
    )  # goal -> keys
    goals: list[GoalText] = dataclasses.field(default_factory=list)

    @property
    def title_changed(self) -> bool:
        return bool(self.old_title)

    @property
    def structure_changed(self) -> bool:
        return bool(self.added or self.moved)


class _Texts:
    def __init__(self, process: Process, lang: str) -> None:
        self.process, self.lang, self.fallback = process, lang, process.default_locale

    def __call__(self, value: Text) -> str:
        return localize(value, self.lang, self.fallback).text

    def goal(self, node: GoalNode, first: GoalRevision | None) -> GoalText:
        title, body = self(node.revision.title), self(node.revision.body)
        old_title = self(first.title) if first else title
        old_body = self(first.body) if first else body
        return GoalText(
            goal_id=node.goal.id,
            code=node.goal.code,
            level=node.goal.level,
            level_name=self(self.process.level_name(node.goal.level)),
            title=title,
            body=body,
            earlier_title=old_title if old_title != title else "",
            earlier_body=old_body if old_body != body else "",
        )


def _first_revisions(goal_ids: list[int]) -> dict[int, GoalRevision]:
    rows = db.session.scalars(
        sa.select(GoalRevision).where(GoalRevision.goal_id.in_(goal_ids), GoalRevision.number == 1)
    )
    return {revision.goal_id: revision for revision in rows}


def _moves(process: Process, since: datetime | None) -> dict[int, tuple[str, int | None]]:
    """Goal id -> (code, parent id) before its first move or renumbering since ``since``."""
    stmt = (
        sa.select(AuditEvent)
        .where(
            AuditEvent.process_id == process.id,
            AuditEvent.object_type == Goal.__tablename__,
            AuditEvent.action.in_(("goal.move", "goal.update")),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    if since is not None:
        stmt = stmt.where(AuditEvent.created_at > since)
    moved: dict[int, tuple[str, int | None]] = {}
    for event in db.session.scalars(stmt):
        before, after = event.before or {}, event.after or {}
        changed = any(before.get(k) != after.get(k) for k in ("code", "parent_id"))
        if changed and event.object_id is not None and event.object_id not in moved:
            moved[event.object_id] = (str(before.get("code", "")), before.get("parent_id"))
    return moved


def _feedback(goal_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """Goal id -> the contributions linked to one of its revisions, as (kind, id)."""
    stmt = (
        sa.select(GoalRevision.goal_id, Assessment.comment_id, Assessment.answer_id)
        .join(Assessment, Assessment.goal_revision_id == GoalRevision.id)
        .where(GoalRevision.goal_id.in_(goal_ids))
        .order_by(GoalRevision.goal_id, Assessment.comment_id, Assessment.answer_id)
    )
    grouped: dict[int, list[tuple[str, int]]] = {}
    for goal_id, comment_id, answer_id in db.session.execute(stmt):
        key = ("comment", comment_id) if comment_id else ("answer", answer_id or 0)
        grouped.setdefault(goal_id, []).append(key)
    return grouped


def _moved(
    node: GoalNode, text: GoalText, before: tuple[str, int | None], codes: dict[int, str]
) -> Moved:
    code, parent_id = before
    below = codes.get(parent_id or 0, "") if parent_id != node.goal.parent_id else ""
    return Moved(node.goal.code, text.title, code if code != node.goal.code else "", below)


def steckbriefe(process: Process, tree: list[GoalNode], lang: str) -> list[Steckbrief]:
    texts = _Texts(process, lang)
    nodes = flatten(tree)
    ids = [node.goal.id for node in nodes]
    first = _first_revisions(ids) if ids else {}
    phase = process.participation_phase()
    since = phase.starts_at if phase else None
    moves = _moves(process, since)
    codes = {node.goal.id: node.goal.code for node in nodes}
    feedback = _feedback(ids) if ids else {}
    result = []
    for root in tree:
        below = flatten(root.children)
        parents = {n.goal.id: n.goal for n in flatten([root])}
        field_text = texts.goal(root, first.get(root.goal.id))
        brief = Steckbrief(field=field_text, old_title=field_text.earlier_title)
        for node in below:
            goal_text = texts.goal(node, first.get(node.goal.id))
            brief.goals.append(goal_text)
            created = first[node.goal.id].created_at if node.goal.id in first else None
            if since is not None and created is not None and created > since:
                brief.added.append(goal_text)
            parent = parents.get(node.goal.parent_id or 0)
            if node.goal.id in moves:
                brief.moved.append(_moved(node, goal_text, moves[node.goal.id], codes))
            elif parent is not None and looks_moved(node.goal, parent):
                brief.moved.append(Moved(node.goal.code, goal_text.title))
        for node in flatten([root]):
            if node.goal.id in feedback:
                brief.feedback[node.goal.id] = feedback[node.goal.id]
        result.append(brief)
    return result
