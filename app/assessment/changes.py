"""What changed between goal versions, and the process report (the Steckbrief facts).

Read-only: nothing here writes to the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

import sqlalchemy as sa

from app.assessment.models import Assessment
from app.assessment.services.queries import LISTED_STATUSES, TAKEN_UP
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import GoalNode, flatten, goal_tree
from app.i18n import localize
from app.processes.models import Process

WORD_RE = re.compile(r"\S+\s*")


# --- word-level diff --------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    kind: str  # "equal" | "insert" | "delete"
    text: str


def _segment(kind: str, tokens: list[str]) -> list[Segment]:
    return [Segment(kind, "".join(tokens))] if tokens else []


def word_diff(old: str, new: str) -> list[Segment]:
    """``new`` as equal, inserted and deleted runs of words (whitespace is kept)."""
    before, after = WORD_RE.findall(old or ""), WORD_RE.findall(new or "")
    matcher = SequenceMatcher(
        a=[w.strip() for w in before], b=[w.strip() for w in after], autojunk=False
    )
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments += _segment("equal", after[j1:j2])
            continue
        segments += _segment("delete", before[i1:i2])
        segments += _segment("insert", after[j1:j2])
    return segments


# --- the changes of one goal -----------------------------------------------------------


@dataclass
class Change:
    revision: GoalRevision
    previous: GoalRevision | None
    title: list[Segment]
    body: list[Segment]
    linked: list[tuple[Comment, Assessment]] = field(default_factory=list)


def _text(value: dict[str, str], lang: str, fallback: str) -> str:
    return localize(value, lang, fallback).text


def linked_contributions(revision_ids: list[int]) -> dict[int, list[tuple[Comment, Assessment]]]:
    """Published, assessed contributions linked to the revisions, in one query."""
    if not revision_ids:
        return {}
    rows = db.session.execute(
        sa.select(Comment, Assessment)
        .join(Assessment, Assessment.comment_id == Comment.id)
        .where(
            Assessment.goal_revision_id.in_(revision_ids),
            Assessment.consideration.is_not(None),
            Comment.status == CommentStatus.PUBLISHED,
        )
        .order_by(Comment.id)
    )
    grouped: dict[int, list[tuple[Comment, Assessment]]] = {}
    for comment, assessment in rows:
        grouped.setdefault(assessment.goal_revision_id or 0, []).append((comment, assessment))
    return grouped


def goal_changes(goal: Goal, lang: str, fallback: str, *, with_linked: bool) -> list[Change]:
    """Every version of ``goal`` with its diff to the one before, newest first."""
    revisions = list(
        db.session.scalars(
            sa.select(GoalRevision)
            .where(GoalRevision.goal_id == goal.id)
            .order_by(GoalRevision.number)
        )
    )
    linked = linked_contributions([r.id for r in revisions]) if with_linked else {}
    changes: list[Change] = []
    previous: GoalRevision | None = None
    for revision in revisions:
        old = previous or GoalRevision(title={}, body={})
        changes.append(
            Change(
                revision=revision,
                previous=previous,
                title=word_diff(
                    _text(old.title, lang, fallback), _text(revision.title, lang, fallback)
                ),
                body=word_diff(
                    _text(old.body, lang, fallback), _text(revision.body, lang, fallback)
                ),
                linked=linked.get(revision.id, []),
            )
        )
        previous = revision
    return list(reversed(changes))


# --- the process report -----------------------------------------------------------------


@dataclass
class FieldReport:
    """The Steckbrief facts of one field of action (a top-level goal)."""

    node: GoalNode
    first: GoalRevision
    added: list[GoalNode]
    moved: list[GoalNode]
    taken_up: list[tuple[Comment, Assessment, Goal]]

    @property
    def title_changed(self) -> bool:
        return self.first.title != self.node.revision.title

    @property
    def structure_changed(self) -> bool:
        return bool(self.added or self.moved)


def _first_revisions(goal_ids: list[int]) -> dict[int, GoalRevision]:
    if not goal_ids:
        return {}
    rows = db.session.scalars(
        sa.select(GoalRevision).where(GoalRevision.goal_id.in_(goal_ids), GoalRevision.number == 1)
    )
    return {rev.goal_id: rev for rev in rows}


def looks_moved(goal: Goal, parent: Goal) -> bool:
    """A dotted code whose prefix is not its parent's code ("12.3.1" below "12.1")."""
    return "." in goal.code and goal.code.rsplit(".", 1)[0] != parent.code


def _structure(
    root: GoalNode, first: dict[int, GoalRevision], since: datetime | None
) -> tuple[list[GoalNode], list[GoalNode]]:
    added: list[GoalNode] = []
    moved: list[GoalNode] = []
    parents = {n.goal.id: n.goal for n in flatten([root])}
    for node in flatten(root.children):
        created = first[node.goal.id].created_at if node.goal.id in first else None
        if since is not None and created is not None and created > since:
            added.append(node)
        parent = parents.get(node.goal.parent_id or 0)
        if parent is not None and looks_moved(node.goal, parent):
            moved.append(node)
    return added, moved


def _taken_up(
    process: Process, statuses: tuple[CommentStatus, ...]
) -> list[tuple[Comment, Assessment, Goal]]:
    rows = db.session.execute(
        sa.select(Comment, Assessment, Goal)
        .join(Assessment, Assessment.comment_id == Comment.id)
        .join(Goal, Goal.id == Comment.goal_id)
        .where(
            Goal.process_id == process.id,
            Assessment.consideration.in_(TAKEN_UP),
            Comment.status.in_(statuses),
        )
        .order_by(Goal.code, Comment.id)
    )
    return [(comment, assessment, goal) for comment, assessment, goal in rows]


def process_report(process: Process, *, with_feedback: bool, staff: bool) -> list[FieldReport]:
    """Per field of action: title changed, structure changed, feedback taken up.

    "Structure changed" means a goal below it was added after the participation
    phase started (its first version is newer), or sits below a parent whose code
    is not the prefix of its own dotted code (it was moved). Removed goals leave no
    trace in the schema and are not reported.
    """
    tree = goal_tree(process.id)
    first = _first_revisions([n.goal.id for n in flatten(tree)])
    phase = process.participation_phase()
    since = phase.starts_at if phase else None
    statuses = LISTED_STATUSES if staff else (CommentStatus.PUBLISHED,)
    feedback = _taken_up(process, statuses) if with_feedback else []
    reports = []
    for root in tree:
        ids = {n.goal.id for n in flatten([root])}
        added, moved = _structure(root, first, since)
        reports.append(
            FieldReport(
                node=root,
                first=first.get(root.goal.id, root.revision),
                added=added,
                moved=moved,
                taken_up=[row for row in feedback if row[2].id in ids],
            )
        )
    return reports
