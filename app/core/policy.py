"""Who may do what. Views ask here; nothing else decides permissions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort
from flask_login import current_user

from app.accounts.models import Role, User
from app.db import utcnow
from app.processes.models import Process, ResultsVisibility
from app.surveys.models import ResultsVisibility as SurveyResultsVisibility
from app.surveys.models import Survey, SurveyState


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


def can_moderate(user: Any, process: Process) -> bool:
    """Site admins, staff and moderators of the process moderate its contributions."""
    account = _user(user)
    if account is None or account.blocked_at is not None:
        return False
    return account.is_admin or account.has_role(process.id, Role.STAFF, Role.MODERATOR)


def can_moderate_anywhere(user: Any) -> bool:
    """May open the moderation area: an admin or staff/moderator of some process."""
    account = _user(user)
    if account is None or account.blocked_at is not None:
        return False
    return account.is_admin or any(r.role in (Role.STAFF, Role.MODERATOR) for r in account.roles)


def moderated_process_ids(user: Any) -> set[int] | None:
    """The processes ``user`` moderates; None means all of them (a site admin)."""
    account = _user(user)
    if account is None or account.blocked_at is not None:
        return set()
    if account.is_admin:
        return None
    return {r.process_id for r in account.roles if r.role in (Role.STAFF, Role.MODERATOR)}


def can_view_audit(user: Any) -> bool:
    """Admins see the whole audit log, staff the events of their processes."""
    account = _user(user)
    if account is None or account.blocked_at is not None:
        return False
    return account.is_admin or any(r.role == Role.STAFF for r in account.roles)


def audited_process_ids(user: Any) -> set[int] | None:
    """The processes whose audit events ``user`` sees; None means all (a site admin)."""
    account = _user(user)
    if account is None or account.blocked_at is not None:
        return set()
    if account.is_admin:
        return None
    return {r.process_id for r in account.roles if r.role == Role.STAFF}


def can_enter_staff_area(user: Any) -> bool:
    """Admins and staff of some process; moderators work in the moderation area."""
    account = _user(user)
    if account is None or account.blocked_at is not None:
        return False
    return account.is_admin or any(r.role == Role.STAFF for r in account.roles)


def can_edit_site_pages(user: Any) -> bool:
    """The accessibility pages (Leichte Sprache, DGS, the statement): site admins only."""
    return is_admin(user)


def can_publish_consent(user: Any) -> bool:
    """A new wording of the consent to contributing (app.privacy.consent): admins only."""
    return is_admin(user)


def can_export_identities(user: Any) -> bool:
    """Exports that tie answers to a person (survey responses with their invitation
    code): admins only, with a reason that is audited (app.exports.services)."""
    return is_admin(user)


def can_delete_own_account(user: Any) -> bool:
    """Self-service deletion ("Konto löschen"); an admin account is removed by another
    admin, so that the site never loses its last one by a click."""
    return bool(getattr(user, "is_authenticated", False)) and not user.is_admin


def can_grant_stakeholder_groups(user: Any) -> bool:
    """Who confirms accounts as Gemeinderat or Verwaltung (the Trialog): site admins."""
    return is_admin(user)


# --- results and surveys ---------------------------------------------------------


def can_see_rating_results(user: Any, process: Process) -> bool:
    """Whether ``user`` may see the rating results of ``process`` now."""
    if can_manage_process(user, process):
        return True
    if process.results_visibility == ResultsVisibility.LIVE:
        return True
    if process.results_visibility == ResultsVisibility.AFTER_PHASE:
        return process.participation_ended()
    return False


def can_manage_survey(user: Any, survey: Survey) -> bool:
    """Staff of the survey's process, or site admins for surveys without one."""
    if survey.process is not None:
        return can_manage_process(user, survey.process)
    return is_admin(user)


def can_view_survey(user: Any, survey: Survey) -> bool:
    if survey.state == SurveyState.DRAFT:
        return can_manage_survey(user, survey)
    return survey.process is None or can_view_process(user, survey.process)


def can_see_survey_results(user: Any, survey: Survey, now: datetime | None = None) -> bool:
    """Whether ``user`` may see the results of ``survey`` (the results pages ask here)."""
    if can_manage_survey(user, survey):
        return True
    if survey.state == SurveyState.DRAFT:
        return False
    if survey.results_visibility == SurveyResultsVisibility.LIVE:
        return True
    if survey.results_visibility == SurveyResultsVisibility.AFTER_CLOSE:
        now = now or utcnow()
        ended = survey.closes_at is not None and survey.closes_at <= now
        return survey.state == SurveyState.CLOSED or ended
    return False


# --- open data (app/api): the same answer for whoever asks ----------------------------


def is_open_data(process: Process) -> bool:
    """The API and the data package serve a process exactly when anonymous visitors see
    its pages; signing in changes nothing there (answers are shared by caches)."""
    return can_view_process(None, process)


def require(allowed: bool) -> None:
    """Abort with 403 (or 401 for anonymous users) unless ``allowed``."""
    if allowed:
        return
    abort(403 if current_user.is_authenticated else 401)
