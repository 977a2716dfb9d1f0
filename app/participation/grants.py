"""Trusted stakeholder groups: who may speak as Gemeinderat or Verwaltung.

Anyone may write as a citizen or declare an association/organisation (with its
name; shown as self-declared). The groups Gemeinderat and Verwaltung are granted by
an admin to an account, for one process or site-wide; a comment in such a group is
stored as confirmed and shown with a "confirmed" mark. Staff who enter offline input
set its group, which counts as confirmed too. Grants and revocations are audited.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm as so

from app.accounts.models import User
from app.audit.services import record
from app.extensions import db
from app.participation.models import CONFIRMED_GROUPS, StakeholderGrant, StakeholderGroup
from app.processes.models import Process


class GrantError(Exception):
    """The grant cannot be made; ``code`` says why ("group", "duplicate")."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def confirmed_groups(user: Any, process: Process) -> set[StakeholderGroup]:
    """The groups ``user`` has been granted for ``process`` (or site-wide)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    rows = db.session.scalars(
        sa.select(StakeholderGrant.group).where(
            StakeholderGrant.user_id == user.id,
            sa.or_(
                StakeholderGrant.process_id.is_(None), StakeholderGrant.process_id == process.id
            ),
        )
    )
    return set(rows)


def all_grants() -> list[StakeholderGrant]:
    return list(
        db.session.scalars(
            sa.select(StakeholderGrant)
            .options(so.joinedload(StakeholderGrant.user), so.joinedload(StakeholderGrant.process))
            .order_by(StakeholderGrant.created_at.desc(), StakeholderGrant.id.desc())
        )
    )


def grant(
    user: User, group: StakeholderGroup, process: Process | None, *, actor: Any
) -> StakeholderGrant:
    """Confirm ``user`` for ``group`` in ``process`` (None: every process)."""
    if group not in CONFIRMED_GROUPS:
        raise GrantError("group")
    process_id = process.id if process is not None else None
    exists = db.session.scalar(
        sa.select(StakeholderGrant.id).where(
            StakeholderGrant.user_id == user.id,
            StakeholderGrant.group == group,
            StakeholderGrant.process_id.is_(None)
            if process_id is None
            else StakeholderGrant.process_id == process_id,
        )
    )
    if exists is not None:
        raise GrantError("duplicate")
    row = StakeholderGrant(
        user_id=user.id,
        group=group,
        process_id=process_id,
        granted_by_id=getattr(actor, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    record("stakeholder.grant", row, actor=actor, process_id=process_id, after=_facts(row))
    return row


def revoke(row: StakeholderGrant, *, actor: Any) -> None:
    record("stakeholder.revoke", row, actor=actor, process_id=row.process_id, before=_facts(row))
    db.session.delete(row)
    db.session.flush()


def _facts(row: StakeholderGrant) -> dict[str, Any]:
    return {"user_id": row.user_id, "group": row.group.value, "process_id": row.process_id}
