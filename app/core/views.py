"""Site-wide routes: language redirect, health checks, vendored assets, errors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import refresh as babel_refresh
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from app.api import problems
from app.core import policy
from app.extensions import csrf, db, limiter
from app.i18n import best_request_language

logger = logging.getLogger(__name__)
bp = Blueprint("core", __name__)


@bp.app_context_processor
def _policy_helpers() -> dict[str, Any]:
    """Templates ask the policy, never the user's attributes (header links, edit links)."""
    return {
        "can_edit_site_pages": policy.can_edit_site_pages,
        "can_enter_staff_area": policy.can_enter_staff_area,
        "can_moderate_anywhere": policy.can_moderate_anywhere,
        "can_view_audit": policy.can_view_audit,
    }


# Only these folders of node_modules are served, under /vendor/<name>/.
VENDOR_DIRS = {
    "kern": "@kern-ux/native/dist",
    "htmx": "htmx.org/dist",
}


@bp.route("/")
def root() -> BaseResponse:
    return redirect(url_for("processes.home", lang_code=best_request_language()))


@bp.route("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    return jsonify(status="ok"), 200


@bp.route("/readyz")
@limiter.exempt
def readyz() -> tuple[Response, int]:
    problems = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        problems["database"] = type(exc).__name__
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        problems |= _redis_problem(redis_url)
    if problems:
        return jsonify(status="unavailable", reasons=problems), 503
    return jsonify(status="ready"), 200


def _redis_problem(redis_url: str) -> dict[str, str]:
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        return {"redis": type(exc).__name__}
    return {}


@bp.route("/vendor/<name>/<path:filename>")
@limiter.exempt
def vendor(name: str, filename: str) -> Response:
    if name not in VENDOR_DIRS:
        abort(404)
    folder = Path(current_app.config["VENDOR_PATH"]) / VENDOR_DIRS[name]
    return send_from_directory(folder, filename, max_age=7 * 24 * 3600)


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException) -> tuple[str, int] | HTTPException | Response:
    code = exc.code or 500
    if request.path.startswith(("/healthz", "/readyz")):
        return exc
    if problems.is_api_request():
        return problems.problem_response(exc)
    # A URL no route matched still names its language: /de/… answers in German.
    prefix = request.path.split("/")[1]
    if "lang_code" not in g and prefix in current_app.config["LANGUAGES"]:
        g.lang_code = prefix
        babel_refresh()
    template = "errors/error.html"
    return render_template(template, code=code, error=exc), code


@bp.app_errorhandler(CSRFError)
def csrf_error(exc: CSRFError) -> tuple[str, int]:
    return render_template("errors/error.html", code=400, error=exc, csrf=True), 400


@bp.app_errorhandler(Exception)
def server_error(exc: Exception) -> tuple[str, int] | Response:
    logger.exception("unhandled error")
    db.session.rollback()
    if problems.is_api_request():
        return problems.problem_response(None)
    return render_template("errors/error.html", code=500, error=None), 500


csrf.exempt(healthz)
csrf.exempt(readyz)
