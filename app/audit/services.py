"""Writing audit events. Call :func:`record` in the same transaction as the change."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask import g

from app.audit.models import AuditEvent
from app.extensions import db


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, *fields: str) -> dict[str, Any]:
    """The named attributes of ``obj`` as JSON-ready values (for before/after)."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    action: str,
    obj: Any,
    *,
    actor: Any = None,
    process_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event for ``action`` on ``obj`` (a model instance with an id)."""
    actor_id = getattr(actor, "id", None) if getattr(actor, "is_authenticated", True) else None
    event = AuditEvent(
        actor_id=actor_id,
        action=action,
        object_type=type(obj).__tablename__ if hasattr(obj, "__tablename__") else str(obj),
        object_id=getattr(obj, "id", None),
        process_id=process_id,
        before=_plain(before or {}),
        after=_plain(after or {}),
    )
    db.session.add(event)
    g.audit_recorded = True  # lets tests check that every staff POST wrote an event
    return event
