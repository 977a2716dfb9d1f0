"""Processes: the published list and one process with its goal tree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy import orm as so

from app.api.reading.common import languages_of, localized, localized_or_none, page, phase
from app.extensions import db
from app.goals.services import GoalNode, goal_tree
from app.processes.models import Process
from app.results.models import Aggregate
from app.results.services import PROCESS_SCOPE


def by_slug(slug: str) -> Process | None:
    """A process with its phases, in one query (the views' first question)."""
    stmt = sa.select(Process).options(so.joinedload(Process.phases)).where(Process.slug == slug)
    return db.session.execute(stmt).unique().scalar_one_or_none()


def published_page(limit: int, after: int | None) -> tuple[list[Process], str | None]:
    """Published processes, newest first (phases come with them, selectin)."""
    stmt = sa.select(Process).where(Process.is_published).order_by(Process.id.desc())
    if after is not None:
        stmt = stmt.where(Process.id < after)
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    return page(rows, limit, lambda p: p.id)


def aggregates(process_ids: list[int]) -> dict[int, Aggregate]:
    """The computed counts of each process, in one query."""
    if not process_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Aggregate).where(
            Aggregate.scope == PROCESS_SCOPE,
            Aggregate.scope_id.in_(process_ids),
            Aggregate.computed_at.is_not(None),
        )
    )
    return {row.scope_id: row for row in rows}


def _per_goal(stored: Aggregate | None) -> dict[str, dict[str, Any]]:
    return dict((stored.data if stored else {}).get("per_goal", {}))


def counts(stored: Aggregate | None) -> dict[str, Any]:
    per_goal = _per_goal(stored).values()
    return {
        "goals": int((stored.data if stored else {}).get("goals", 0)),
        "comments": sum(int(n.get("comments", 0)) for n in per_goal),
        "ratings": sum(int(n.get("ratings", 0)) for n in per_goal),
        "as_of": stored.computed_at if stored else None,
    }


def links(proc: Process, lang: str) -> dict[str, str]:
    return {
        "self": url_for("api.process", slug=proc.slug),
        "revisions": url_for("api.process_revisions", slug=proc.slug),
        "contributions": url_for("api.contributions", slug=proc.slug),
        "results": url_for("api.process_results", slug=proc.slug),
        "datapackage": url_for("api.datapackage", slug=proc.slug),
        "page": url_for("processes.detail", lang_code=lang, slug=proc.slug),
    }


def summary(proc: Process, stored: Aggregate | None, lang: str, now: datetime) -> dict[str, Any]:
    fallback = proc.default_locale
    current = proc.current_phase(now)
    return {
        "slug": proc.slug,
        "title": localized(proc.title, lang, fallback),
        "summary": localized(proc.summary, lang, fallback),
        "language": fallback,
        "updated_at": proc.updated_at,
        "current_phase": current.kind.value if current else None,
        "phases": [phase(p, lang, fallback, now) for p in proc.phases],
        "counts": counts(stored),
        "links": links(proc, lang),
    }


def _node(proc: Process, node: GoalNode, per_goal: dict[str, Any], lang: str) -> dict[str, Any]:
    goal, revision, fallback = node.goal, node.revision, proc.default_locale
    numbers = per_goal.get(str(goal.id), {})
    return {
        "code": goal.code,
        "level": goal.level,
        "level_name": localized(proc.level_name(goal.level), lang, fallback),
        "revision": revision.number,
        "revised_at": revision.created_at,
        "title": localized(revision.title, lang, fallback),
        "body": localized(revision.body, lang, fallback),
        "easy_language": localized_or_none(revision.easy_body, lang, fallback),
        "translations": languages_of(revision.title),
        "counts": {
            "comments": int(numbers.get("comments", 0)),
            "ratings": int(numbers.get("ratings", 0)),
        },
        "links": {
            "revisions": url_for("api.goal_revisions", slug=proc.slug, code=goal.code),
            "contributions": url_for("api.contributions", slug=proc.slug, goal=goal.code),
            "page": url_for("goals.detail", lang_code=lang, slug=proc.slug, code=goal.code),
        },
        "children": [_node(proc, child, per_goal, lang) for child in node.children],
    }


def detail(proc: Process, stored: Aggregate | None, lang: str, now: datetime) -> dict[str, Any]:
    """The process with its whole goal tree (two queries for the tree)."""
    per_goal = _per_goal(stored)
    return summary(proc, stored, lang, now) | {
        "level_names": [localized(name, lang, proc.default_locale) for name in proc.level_names],
        "goals": [_node(proc, root, per_goal, lang) for root in goal_tree(proc.id)],
    }
