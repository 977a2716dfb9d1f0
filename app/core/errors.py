"""Error pages: friendly, in the visitor's language, never a stack trace.

- HTTP errors (404, 413, 429, …) and CSRF failures render ``errors/error.html``.
- A database that does not answer gives **503** with ``errors/unavailable.html``, a
  page that needs no database (no signed-in user, no content). The transaction is
  rolled back, so nothing of the request is half-written; the pool checks each
  connection before use (``pool_pre_ping``), so the app recovers by itself.
- Anything else is logged and answered with a generic 500 page.
- Under ``/api/`` every error is ``application/problem+json`` (``app.api.problems``).
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, render_template, request
from flask_babel import refresh as babel_refresh
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from app.api import problems
from app.config import MAX_CONTENT_LENGTH
from app.extensions import db
from app.i18n import LOCALE_COOKIE

logger = logging.getLogger(__name__)

PROBES = ("/healthz", "/readyz")
RETRY_AFTER_SECONDS = 30


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(sa.exc.OperationalError, database_unavailable)
    app.register_error_handler(sa.exc.InterfaceError, database_unavailable)
    app.register_error_handler(sa.exc.TimeoutError, database_unavailable)  # pool exhausted
    app.register_error_handler(Exception, server_error)


def _language_from_url() -> None:
    """A URL no route matched still names its language: /de/… answers in German."""
    prefix = request.path.split("/")[1]
    if "lang_code" not in g and prefix in current_app.config["LANGUAGES"]:
        g.lang_code = prefix
        babel_refresh()


def http_error(exc: HTTPException) -> tuple[str, int] | HTTPException | Response:
    if request.path.startswith(PROBES):
        return exc
    if problems.is_api_request():
        return problems.problem_response(exc)
    _language_from_url()
    code = exc.code or 500
    limit_mb = MAX_CONTENT_LENGTH // (1024 * 1024)
    return render_template("errors/error.html", code=code, error=exc, limit_mb=limit_mb), code


def csrf_error(exc: CSRFError) -> tuple[str, int]:
    return render_template("errors/error.html", code=400, error=exc, csrf=True), 400


def database_unavailable(exc: Exception) -> tuple[str, int, dict[str, str]] | Response:
    # The class names only: the message can carry SQL parameters (personal data).
    cause = type(getattr(exc, "orig", None) or exc).__name__
    logger.error("database unavailable (%s: %s); answered 503", type(exc).__name__, cause)
    _discard_transaction()
    if problems.is_api_request():
        return problems.problem_response(ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS))
    # Templates ask Flask-Login who is signed in; that would read the database again.
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    _language_without_database()
    page = render_template("errors/unavailable.html", retry_after=RETRY_AFTER_SECONDS)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _discard_transaction() -> None:
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        logger.warning("rollback failed on a lost connection; the pool discards it")
    db.session.remove()


def _language_without_database() -> None:
    """The URL's language, else the cookie or the browser's; never the user's account."""
    _language_from_url()
    if "lang_code" in g:
        return
    languages = current_app.config["LANGUAGES"]
    cookie = request.cookies.get(LOCALE_COOKIE)
    g.lang_code = (
        cookie
        if cookie in languages
        else request.accept_languages.best_match(languages)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    babel_refresh()


def server_error(exc: Exception) -> tuple[str, int] | Response:
    logger.exception("unhandled error")
    db.session.rollback()
    if problems.is_api_request():
        return problems.problem_response(None)
    return render_template("errors/error.html", code=500, error=None), 500
