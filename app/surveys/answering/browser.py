"""What this browser knows: its survey cookie and its responses in progress.

The cookie identifies the browser for the soft "one response per browser" rule; only
its SHA-256 is stored. The (signed) session maps a survey to the response this
browser is filling in and, if known, its resume code.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import current_app, g, request, session

from app.extensions import db
from app.surveys.answering.structure import loaded_response
from app.surveys.models import Response, Survey

BROWSER_COOKIE = "mitwirken_survey"
COOKIE_MAX_AGE = 365 * 24 * 3600
SESSION_KEY = "surveys"


def browser_hash(*, create: bool = False) -> str | None:
    token = request.cookies.get(BROWSER_COOKIE) or g.get("survey_browser_token")
    if not token and create:
        token = secrets.token_urlsafe(32)
        g.survey_browser_token = token
    return hashlib.sha256(token.encode()).hexdigest() if token else None


def set_browser_cookie(response: Any) -> Any:
    token = g.get("survey_browser_token")
    if token and hasattr(response, "set_cookie"):
        response.set_cookie(
            BROWSER_COOKIE,
            token,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def _entries() -> dict[str, dict[str, Any]]:
    return dict(session.get(SESSION_KEY) or {})


def remember(survey_id: int, response_id: int, resume_code: str | None) -> None:
    """Ids, not objects: callers pass them from before a commit (which expires both)."""
    entries = _entries()
    known = entries.get(str(survey_id), {})
    if known.get("r") != response_id:
        known = {}
    entries[str(survey_id)] = {"r": response_id, "c": resume_code or known.get("c", "")}
    session[SESSION_KEY] = entries


def remembered_ids() -> list[int]:
    """The ids of the responses this browser fills in (any survey)."""
    return [int(entry["r"]) for entry in _entries().values() if isinstance(entry.get("r"), int)]


def remembered_response(survey: Survey) -> Response | None:
    entry = _entries().get(str(survey.id))
    if not entry:
        return None
    response_id = entry.get("r")
    response = loaded_response(response_id) or db.session.get(Response, response_id)
    return response if response is not None and response.survey_id == survey.id else None


def known_resume_code(survey: Survey) -> str | None:
    entry = _entries().get(str(survey.id)) or {}
    return entry.get("c") or None
