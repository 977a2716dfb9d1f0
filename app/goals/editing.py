"""Changing the goal tree. Every text change is a new revision; nothing is overwritten.

Functions add and flush; the caller (view, CLI, task) commits once. The changes
staff make (create, edit, move, shift) record their audit event (``goal.*``) in the
same transaction; ``author``/``actor`` is the user, None for the command line.
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import User
from app.audit.services import record, snapshot
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import children, current_revision
from app.processes.models import Process
from app.results.tasks import schedule_process_recount

logger = logging.getLogger(__name__)

CODE_MAX_LENGTH = 16  # "12.1.3" or "HF-12.3.4.5"; the column (VARCHAR(32)) has room to spare
# Codes appear in page addresses: no slashes, spaces or other special characters.
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# What the audit events of goals show before and after a change.
GOAL_FIELDS = ("code", "parent_id", "position", "level")


class GoalErrorCode(enum.StrEnum):
    """Why a change to the tree was refused; views map these to a translated message."""

    PARENT_IN_OTHER_PROCESS = "parent_in_other_process"
    CODE_TAKEN = "code_taken"
    MOVED_BELOW_ITSELF = "moved_below_itself"


class GoalError(ValueError):
    """A change to the tree that would break it.

    ``code`` says why (views map it, never the message), ``field`` names the
    argument at fault and ``goal_code`` the goal code concerned, if any. The message
    is plain English for logs and the command line.
    """

    def __init__(
        self, code: GoalErrorCode, message: str, *, field: str, goal_code: str = ""
    ) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.goal_code = goal_code


def _other_process() -> GoalError:
    return GoalError(
        GoalErrorCode.PARENT_IN_OTHER_PROCESS,
        "parent goal belongs to another process",
        field="parent",
    )


def _code_taken(code: str) -> GoalError:
    return GoalError(
        GoalErrorCode.CODE_TAKEN,
        f"code {code} is already used in this process",
        field="code",
        goal_code=code,
    )


@dataclass(frozen=True)
class GoalTexts:
    title: dict[str, str]
    body: dict[str, str]
    easy_body: dict[str, str]


def _clean(texts: dict[str, str]) -> dict[str, str]:
    return {lang: text.strip() for lang, text in texts.items() if text and text.strip()}


def _parent_filter(parent_id: int | None) -> sa.ColumnElement[bool]:
    return Goal.parent_id.is_(None) if parent_id is None else Goal.parent_id == parent_id


def _next_position(process_id: int, parent_id: int | None) -> int:
    highest = db.session.scalar(
        sa.select(sa.func.max(Goal.position)).where(
            Goal.process_id == process_id, _parent_filter(parent_id)
        )
    )
    return 0 if highest is None else highest + 1


def code_taken(process_id: int, code: str, except_goal_id: int | None = None) -> bool:
    stmt = sa.select(Goal.id).where(Goal.process_id == process_id, Goal.code == code)
    if except_goal_id is not None:
        stmt = stmt.where(Goal.id != except_goal_id)
    return db.session.scalar(stmt) is not None


def _audit(action: str, goal: Goal, actor: User | None, before: dict[str, object]) -> None:
    after = snapshot(goal, *GOAL_FIELDS)
    record(action, goal, actor=actor, process_id=goal.process_id, before=before, after=after)


def create_goal(
    process: Process,
    *,
    code: str,
    texts: GoalTexts,
    parent: Goal | None = None,
    author: User | None,
    change_note: str = "",
) -> Goal:
    """A new goal with revision 1, audited as ``goal.create`` by ``author``."""
    goal = insert_goal(
        process, code=code, texts=texts, parent=parent, author=author, change_note=change_note
    )
    _audit("goal.create", goal, author, {})
    return goal


def insert_goal(
    process: Process,
    *,
    code: str,
    texts: GoalTexts,
    parent: Goal | None = None,
    author: User | None,
    change_note: str = "",
) -> Goal:
    """A new goal with revision 1 and no audit event of its own.

    For writers that record one event for a whole batch (the importer).
    """
    if parent is not None and parent.process_id != process.id:
        raise _other_process()
    if code_taken(process.id, code):
        raise _code_taken(code)
    goal = Goal(
        process_id=process.id,
        parent=parent,
        parent_id=parent.id if parent else None,
        level=parent.level + 1 if parent else 0,
        code=code,
        position=_next_position(process.id, parent.id if parent else None),
    )
    db.session.add(goal)
    db.session.flush()
    _add_revision(goal, 1, texts, author, change_note)
    schedule_process_recount(process.id)
    logger.info("goal %s created in process %s", code, process.slug)
    return goal


def _add_revision(
    goal: Goal, number: int, texts: GoalTexts, author: User | None, change_note: str
) -> GoalRevision:
    revision = GoalRevision(
        goal_id=goal.id,
        number=number,
        title=_clean(texts.title),
        body=_clean(texts.body),
        easy_body=_clean(texts.easy_body),
        change_note=change_note.strip(),
        author_id=author.id if author else None,
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def revise_goal(
    goal: Goal, *, texts: GoalTexts, author: User | None, change_note: str = ""
) -> GoalRevision | None:
    """Add a revision if any text changed; returns None when nothing did."""
    current = current_revision(goal)
    unchanged = (
        current.title == _clean(texts.title)
        and current.body == _clean(texts.body)
        and current.easy_body == _clean(texts.easy_body)
    )
    if unchanged:
        return None
    revision = _add_revision(goal, current.number + 1, texts, author, change_note)
    logger.info("goal %s revised to revision %s", goal.code, revision.number)
    return revision


def edit_goal(
    goal: Goal, *, code: str, texts: GoalTexts, author: User | None, change_note: str = ""
) -> bool:
    """Change code and texts (a new revision if a text changed); True if anything did.

    A change is audited as ``goal.update`` by ``author``.
    """
    before = snapshot(goal, *GOAL_FIELDS)
    code_changed = code != goal.code
    if code_changed:
        change_code(goal, code)
    revision = revise_goal(goal, texts=texts, author=author, change_note=change_note)
    if not code_changed and revision is None:
        return False
    _audit("goal.update", goal, author, before)
    return True


def change_code(goal: Goal, code: str) -> None:
    if code_taken(goal.process_id, code, except_goal_id=goal.id):
        raise _code_taken(code)
    goal.code = code
    db.session.flush()


def _set_level(goal: Goal, level: int) -> None:
    goal.level = level
    for child in children(goal):
        _set_level(child, level + 1)


def move_goal(goal: Goal, new_parent: Goal | None, *, actor: User | None) -> None:
    """Hang ``goal`` (with its subtree) below ``new_parent``, at the end (``goal.move``)."""
    before = snapshot(goal, *GOAL_FIELDS)
    _hang_below(goal, new_parent)
    _audit("goal.move", goal, actor, before)


def _hang_below(goal: Goal, new_parent: Goal | None) -> None:
    if new_parent is not None:
        if new_parent.process_id != goal.process_id:
            raise _other_process()
        cursor: Goal | None = new_parent
        while cursor is not None:
            if cursor.id == goal.id:
                raise GoalError(
                    GoalErrorCode.MOVED_BELOW_ITSELF,
                    "a goal cannot be moved below itself",
                    field="parent",
                    goal_code=goal.code,
                )
            cursor = cursor.parent
    new_parent_id = new_parent.id if new_parent else None
    if goal.parent_id == new_parent_id:
        return
    goal.position = _next_position(goal.process_id, new_parent_id)
    goal.parent = new_parent
    goal.parent_id = new_parent_id
    _set_level(goal, new_parent.level + 1 if new_parent else 0)
    db.session.flush()
    schedule_process_recount(goal.process_id)


def siblings(goal: Goal) -> list[Goal]:
    return list(
        db.session.scalars(
            sa.select(Goal)
            .where(Goal.process_id == goal.process_id, _parent_filter(goal.parent_id))
            .order_by(Goal.position, Goal.code)
        )
    )


def shift_goal(goal: Goal, offset: int, *, actor: User | None) -> bool:
    """Move a goal up (-1) or down (+1) among its siblings; False at either end.

    A move is audited as ``goal.shift``.
    """
    before = snapshot(goal, *GOAL_FIELDS)
    ordered = siblings(goal)
    index = ordered.index(goal)
    target = index + offset
    if not 0 <= target < len(ordered):
        return False
    ordered.insert(target, ordered.pop(index))
    for position, sibling in enumerate(ordered):
        sibling.position = position
    db.session.flush()
    _audit("goal.shift", goal, actor, before)
    return True
