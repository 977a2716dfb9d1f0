"""What every staff-area view starts with: a signed-in staff member and their process.

Blueprints of the staff area register :func:`staff_only` as ``before_request`` and
call :func:`managed_process` in each view; :func:`acting_user` is the account to
name in audit events and revisions.
"""

from __future__ import annotations

from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.accounts.models import User
from app.core import policy
from app.extensions import login_manager
from app.processes.models import Process
from app.processes.services import get_process_or_404


def staff_only() -> ResponseReturnValue | None:
    """Signed-in staff and admins only; each view then asks about its process."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    policy.require(policy.can_enter_staff_area(current_user))
    return None


def managed_process(slug: str) -> Process:
    """The process named in the URL, if the current user may manage it (else 403/404)."""
    process = get_process_or_404(slug)
    policy.require(policy.can_manage_process(current_user, process))
    return process


def acting_user() -> User | None:
    user = current_user._get_current_object()
    return user if isinstance(user, User) else None
