"""Reading the audit log: filters, one page, the names shown, the CSV download.

Writing is :func:`app.audit.services.record`. Which processes a user may see the
events of is decided by :func:`app.core.policy.audited_process_ids`.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.core import csvfile
from app.db import utcnow
from app.extensions import db
from app.processes.models import Process

PER_PAGE = 50
CSV_COLUMNS = ["time", "action", "object_type", "object_id", "process", "actor", "before", "after"]


@dataclass(frozen=True)
class AuditFilter:
    process_id: int | None = None
    action: str = ""
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min).replace(tzinfo=utcnow().tzinfo)


def query(process_ids: set[int] | None, filters: AuditFilter) -> sa.Select[Any]:
    """Events newest first, limited to ``process_ids`` (None: every event)."""
    stmt = sa.select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if process_ids is not None:
        stmt = stmt.where(AuditEvent.process_id.in_(process_ids or {-1}))
    if filters.process_id is not None:
        stmt = stmt.where(AuditEvent.process_id == filters.process_id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == filters.actor_id)
    if filters.since is not None:
        stmt = stmt.where(AuditEvent.created_at >= _day_start(filters.since))
    if filters.until is not None:
        stmt = stmt.where(AuditEvent.created_at < _day_start(filters.until + timedelta(days=1)))
    return stmt


def page(process_ids: set[int] | None, filters: AuditFilter, page: int) -> Pagination:
    return db.paginate(query(process_ids, filters), page=page, per_page=PER_PAGE, error_out=False)


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by("action")))


def actors(process_ids: set[int] | None) -> list[User]:
    stmt = sa.select(User).where(
        User.id.in_(sa.select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None)))
    )
    if process_ids is not None:
        stmt = stmt.where(
            User.id.in_(
                sa.select(AuditEvent.actor_id).where(AuditEvent.process_id.in_(process_ids or {-1}))
            )
        )
    return list(db.session.scalars(stmt.order_by(User.display_name)))


def names(events: list[AuditEvent]) -> tuple[dict[int, str], dict[int, str]]:
    """({user_id: display name}, {process_id: slug}) for the events, in two queries."""
    user_ids = {e.actor_id for e in events if e.actor_id is not None}
    process_ids = {e.process_id for e in events if e.process_id is not None}
    users = db.session.execute(
        sa.select(User.id, User.display_name).where(User.id.in_(user_ids or {-1}))
    )
    slugs = db.session.execute(
        sa.select(Process.id, Process.slug).where(Process.id.in_(process_ids or {-1}))
    )
    return {i: str(n) for i, n in users}, {i: str(slug) for i, slug in slugs}


def actor_label(event: AuditEvent, actors: dict[int, str]) -> str:
    """Who acted, as the log shows it: the account's name; "deleted account" when the
    account was deleted since (``actor_deleted``); "system" for events no person caused
    (retention, erasure, demo data)."""
    if event.actor_id is not None:
        return actors.get(event.actor_id, "")
    if event.actor_deleted:
        return _("deleted account")
    return _("system")


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""


def csv_text(events: list[AuditEvent]) -> str:
    """The events as CSV (comma-separated, with a BOM for Excel), through the guarded writer."""
    actors, slugs = names(events)
    out = io.StringIO()
    writer = csvfile.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow(
            [
                e.created_at.isoformat(),
                e.action,
                e.object_type,
                e.object_id if e.object_id is not None else "",
                slugs.get(e.process_id or 0, ""),
                actor_label(e, actors),
                _json(e.before),
                _json(e.after),
            ]
        )
    return "\ufeff" + out.getvalue()
