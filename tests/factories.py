"""Small builders for test data, going through the same services as the app.

The services audit every change; seeding is not what a test is about, so the
builders drop the audit events they cause (:func:`unaudited`), and a test sees only
the events of what it does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from app.accounts.models import Role, User
from app.accounts.services import create_user, grant_role
from app.audit.models import AuditEvent
from app.db import utcnow
from app.extensions import db
from app.goals.editing import GoalTexts, create_goal
from app.goals.models import Goal
from app.processes.editing import create_process, save_phase
from app.processes.models import PhaseKind, Process

PASSWORD = "correct horse battery"


@contextmanager
def unaudited() -> Iterator[None]:
    """Drop the audit events written inside the block (test data, not an action)."""
    last = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
    yield
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > last))


def make_user(
    email: str = "citizen@example.org",
    name: str = "Bürgerin A",
    *,
    verified: bool = True,
    is_admin: bool = False,
    process: Process | None = None,
    role: Role | None = None,
) -> User:
    user = create_user(email, name, PASSWORD, verified=verified, is_admin=is_admin)
    if process is not None and role is not None:
        grant_role(user, process, role)
    db.session.commit()
    return user


def make_process(
    slug: str = "hf12",
    *,
    published: bool = True,
    phase: PhaseKind | None = PhaseKind.PARTICIPATION,
    **settings: Any,
) -> Process:
    with unaudited():
        process = create_process(
            slug=slug,
            title={"de": "Leistungsfähige Verwaltung", "en": "Efficient administration"},
            summary={"de": "Entwurf der Ziele."},
            is_published=published,
            actor=None,
            **settings,
        )
        if phase is not None:
            now = utcnow()
            save_phase(
                process,
                kind=phase,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=30),
                actor=None,
            )
    db.session.commit()
    return process


def make_goal(
    process: Process,
    code: str,
    title: str = "Ziel",
    *,
    parent: Goal | None = None,
    body: str = "",
    easy: str = "",
) -> Goal:
    with unaudited():
        goal = create_goal(
            process,
            code=code,
            texts=GoalTexts(
                title={"de": title},
                body={"de": body} if body else {},
                easy_body={"de": easy} if easy else {},
            ),
            parent=parent,
            author=None,
        )
    db.session.commit()
    return goal
