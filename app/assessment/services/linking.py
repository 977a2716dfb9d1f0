"""Linking assessed contributions to the goal version that takes them up.

The goal editor lists the assessed contributions of a goal and its sub-goals
(:func:`link_candidates`); the ticked ones point at the new revision, audited as
``assessment.link``. Functions flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import orm as so

from app.accounts.models import User
from app.assessment.models import Assessment
from app.assessment.services.assessing import audit_change, audit_snapshot, flush_guarded
from app.assessment.services.queries import listed_comments, open_answers
from app.comments.models import Comment
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import process_goals
from app.processes.models import Process
from app.surveys.models import Answer, Question


@dataclass
class Candidate:
    """An assessed contribution the goal editor can link to the new version."""

    assessment: Assessment
    goal: Goal
    text: str
    is_answer: bool


def _subtree_ids(goal: Goal) -> dict[int, Goal]:
    children: dict[int | None, list[Goal]] = {}
    for other in process_goals(goal.process_id):
        children.setdefault(other.parent_id, []).append(other)
    found: dict[int, Goal] = {}
    todo = [goal]
    while todo:
        current = todo.pop()
        found[current.id] = current
        todo.extend(children.get(current.id, []))
    return found


def link_candidates(process: Process, goal: Goal) -> list[Candidate]:
    """Assessed contributions of ``goal`` and its sub-goals (comments, then answers)."""
    goals = _subtree_ids(goal)
    assessed = Assessment.consideration.is_not(None)
    comments = db.session.execute(
        listed_comments(process)
        .where(Comment.goal_id.in_(goals), assessed)
        .with_only_columns(Comment, Assessment)
        .order_by(Comment.id)
    )
    result = [Candidate(a, goals[c.goal_id], c.body, False) for c, a in comments]
    answers = db.session.execute(
        open_answers(process)
        .where(Question.goal_id.in_(goals), assessed)
        .with_only_columns(Answer, Question, Assessment)
        .options(so.lazyload(Question.options), so.lazyload(Question.rows))
        .order_by(Answer.id)
    )
    for answer, question, assessment in answers:
        owner = goals[question.goal_id or goal.id]
        result.append(Candidate(assessment, owner, answer.value_text or "", True))
    return result


def ticked(candidates: list[Candidate], posted: Iterable[str]) -> set[int]:
    """The assessment ids ticked in the goal editor's "takes up" list (known ones only)."""
    known = {c.assessment.id for c in candidates}
    return {int(v) for v in posted if v.isdigit() and int(v) in known}


def link_to_revision(
    candidates: list[Candidate],
    assessment_ids: Iterable[int],
    revision: GoalRevision,
    *,
    actor: User | None,
) -> list[Assessment]:
    """Point the chosen assessments at ``revision``; returns those changed (audited).

    Only assessments among ``candidates`` can be linked, and only to a revision of
    the goal their contribution belongs to or of one of its ancestors.
    """
    wanted = set(assessment_ids)
    changed = []
    for candidate in candidates:
        assessment = candidate.assessment
        if assessment.id not in wanted or assessment.goal_revision_id == revision.id:
            continue
        before = audit_snapshot(assessment)
        assessment.goal_revision_id = revision.id
        changed.append((assessment, before))
    flush_guarded()
    for assessment, before in changed:
        audit_change("assessment.link", assessment, actor, before)
    return [assessment for assessment, _before in changed]
