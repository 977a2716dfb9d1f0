"""Who may do what. Views ask here; nothing else decides permissions."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from app.accounts.models import Role, User
from app.processes.models import Process


def _user(user: Any) -> User | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user if isinstance(user, User) else None


def is_admin(user: Any) -> bool:
    account = _user(user)
    return bool(account and account.is_admin and account.blocked_at is None)


def can_manage_process(user: Any, process: Process) -> bool:
    """Staff of the process (or a site admin) edit it and its goals."""
    account = _user(user)
    if account is None or account.blocked_at is not None:
        return False
    return account.is_admin or account.has_role(process.id, Role.STAFF)


def can_create_process(user: Any) -> bool:
    return is_admin(user)


def can_view_process(user: Any, process: Process) -> bool:
    return process.is_published or can_manage_process(user, process)


def can_enter_staff_area(user: Any) -> bool:
    account = _user(user)
    return bool(account and account.blocked_at is None and (account.is_admin or account.roles))


def require(allowed: bool) -> None:
    """Abort with 403 (or 401 for anonymous users) unless ``allowed``."""
    if allowed:
        return
    abort(403 if current_user.is_authenticated else 401)
