"""Site-wide routes: language redirect, health checks, vendored assets (errors: errors.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    send_from_directory,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from app.core import policy
from app.extensions import csrf, limiter
from app.i18n import best_request_language
from app.ops import readiness

logger = logging.getLogger(__name__)
bp = Blueprint("core", __name__)


@bp.app_context_processor
def _policy_helpers() -> dict[str, Any]:
    """Templates ask the policy, never the user's attributes (header links, edit links)."""
    return {
        "can_edit_site_pages": policy.can_edit_site_pages,
        "can_publish_consent": policy.can_publish_consent,
        "can_enter_staff_area": policy.can_enter_staff_area,
        "can_grant_stakeholder_groups": policy.can_grant_stakeholder_groups,
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
    """Database, and with a broker Redis and the worker heartbeat (app/ops/readiness.py)."""
    checks = readiness.checks()
    problems = {part: state for part, state in checks.items() if state != readiness.OK}
    if problems:
        return jsonify(status="unavailable", reasons=problems, checks=checks), 503
    return jsonify(status="ready", checks=checks), 200


@bp.route("/vendor/<name>/<path:filename>")
@limiter.exempt
def vendor(name: str, filename: str) -> Response:
    if name not in VENDOR_DIRS:
        abort(404)
    folder = Path(current_app.config["VENDOR_PATH"]) / VENDOR_DIRS[name]
    return send_from_directory(folder, filename, max_age=7 * 24 * 3600)


csrf.exempt(healthz)
csrf.exempt(readyz)
