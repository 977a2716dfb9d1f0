"""The visitor's choice to read goal texts in Easy Language (Leichte Sprache).

The choice lives in the session, so it holds across goal pages. A link with
``?leichte-sprache=1`` (or ``=0``) sets it too, so a page in Easy Language can be
bookmarked or shared.
"""

from __future__ import annotations

from flask import request, session

SESSION_KEY = "easy_language"
QUERY_PARAM = "leichte-sprache"


def easy_language_enabled() -> bool:
    return bool(session.get(SESSION_KEY, False))


def set_easy_language(enabled: bool) -> None:
    if enabled:
        session[SESSION_KEY] = True
    else:
        session.pop(SESSION_KEY, None)


def apply_query_choice() -> None:
    """Take ``?leichte-sprache=1|0`` from the address of a GET request."""
    value = request.args.get(QUERY_PARAM)
    if request.method == "GET" and value in ("0", "1"):
        set_easy_language(value == "1")
