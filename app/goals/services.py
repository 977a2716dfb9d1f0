"""Reading the goal tree and writing goals as revisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort

from app.extensions import db
from app.goals.models import Goal, GoalRevision


@dataclass
class GoalNode:
    goal: Goal
    revision: GoalRevision
    children: list[GoalNode] = field(default_factory=list)


def current_revisions(goal_ids: Iterable[int]) -> dict[int, GoalRevision]:
    """The newest revision of each goal, in one query."""
    ids = list(goal_ids)
    if not ids:
        return {}
    newest = (
        sa.select(GoalRevision.goal_id, sa.func.max(GoalRevision.number).label("number"))
        .where(GoalRevision.goal_id.in_(ids))
        .group_by(GoalRevision.goal_id)
        .subquery()
    )
    stmt = sa.select(GoalRevision).join(
        newest,
        sa.and_(GoalRevision.goal_id == newest.c.goal_id, GoalRevision.number == newest.c.number),
    )
    return {rev.goal_id: rev for rev in db.session.scalars(stmt)}


def current_revision(goal: Goal) -> GoalRevision:
    revision = current_revisions([goal.id]).get(goal.id)
    if revision is None:
        raise LookupError(f"goal {goal.id} has no revision")
    return revision


def process_goals(process_id: int) -> list[Goal]:
    return list(
        db.session.scalars(
            sa.select(Goal)
            .where(Goal.process_id == process_id)
            .order_by(Goal.level, Goal.position, Goal.code)
        )
    )


def goal_tree(process_id: int) -> list[GoalNode]:
    """The whole tree of a process in two queries, children ordered by position."""
    goals = process_goals(process_id)
    revisions = current_revisions(g.id for g in goals)
    nodes = {g.id: GoalNode(g, revisions[g.id]) for g in goals if g.id in revisions}
    roots: list[GoalNode] = []
    for node in sorted(nodes.values(), key=lambda n: (n.goal.position, n.goal.code)):
        parent = nodes.get(node.goal.parent_id) if node.goal.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def flatten(nodes: list[GoalNode]) -> list[GoalNode]:
    result: list[GoalNode] = []
    for node in nodes:
        result.append(node)
        result.extend(flatten(node.children))
    return result


def get_goal_or_404(process_id: int, code: str) -> Goal:
    goal = db.session.scalar(
        sa.select(Goal).where(Goal.process_id == process_id, Goal.code == code)
    )
    if goal is None:
        abort(404)
    return goal


def ancestors(goal: Goal) -> list[Goal]:
    chain: list[Goal] = []
    current = goal.parent
    while current is not None:
        chain.insert(0, current)
        current = current.parent
    return chain


def children(goal: Goal) -> list[Goal]:
    return list(
        db.session.scalars(
            sa.select(Goal).where(Goal.parent_id == goal.id).order_by(Goal.position, Goal.code)
        )
    )


@dataclass
class Place:
    """A goal with the goals above it (root first) and its sub-goals."""

    goal: Goal
    trail: list[Goal]
    subgoals: list[Goal]


def _place(goal: Goal, goals: list[Goal]) -> Place:
    by_id = {g.id: g for g in goals}
    trail: list[Goal] = []
    parent_id = goal.parent_id
    while parent_id is not None and parent_id in by_id:
        trail.insert(0, by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    subgoals = [g for g in goals if g.parent_id == goal.id]
    return Place(goal, trail, sorted(subgoals, key=lambda g: (g.position, g.code)))


def place(goal: Goal) -> Place:
    """Where ``goal`` stands in its tree, from one query.

    A goal tree has a few dozen goals, so reading all of the process's goals costs
    less than one query per level (the lazy ``parent`` of :func:`ancestors`).
    """
    return _place(goal, process_goals(goal.process_id))


def place_or_404(process_id: int, code: str) -> Place:
    """The goal named ``code`` and where it stands, in the same single query."""
    goals = process_goals(process_id)
    goal = next((g for g in goals if g.code == code), None)
    if goal is None:
        abort(404)
    return _place(goal, goals)
