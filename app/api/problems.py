"""Errors under ``/api/`` as ``application/problem+json`` (RFC 9457).

The site's error handlers (``app.core.views``) ask :func:`is_api_request` and hand
API requests to :func:`problem_response`, so a 404 for an unknown URL, a 405, a 429
from the rate limiter and a 500 all answer in the same shape. Problem texts are
protocol text for programmers, in English like the HTTP reason phrases.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Response, current_app, request
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/"
PROBLEM_TYPE = "application/problem+json"
SERVER_ERROR_DETAIL = "The server could not answer this request. Please try again later."


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem; ``errors`` names each parameter at fault."""

    type = ma.fields.String(
        required=True, metadata={"description": "Always `about:blank`: see `title`."}
    )
    title = ma.fields.String(required=True, metadata={"description": "The HTTP reason phrase."})
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    detail = ma.fields.String(
        required=True, metadata={"description": "What went wrong, for a person to read."}
    )
    instance = ma.fields.String(required=True, metadata={"description": "The path of the request."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Per query parameter: what is wrong with it (400 only)."},
    )


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _messages(exc: HTTPException) -> dict[str, list[str]]:
    """webargs' ``{"query": {"limit": [...]}}`` as ``{"limit": [...]}``."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or {}
    flat: dict[str, list[str]] = {}
    for location in messages.values():
        for name, texts in dict(location).items():
            flat[str(name)] = [str(t) for t in texts] if isinstance(texts, list) else [str(texts)]
    return flat


def _detail(exc: HTTPException | None, status: int) -> str:
    if status >= 500 or exc is None:
        return SERVER_ERROR_DETAIL
    if status == 400 and _messages(exc):
        return "A query parameter is unknown or has an invalid value; see `errors`."
    return str(exc.description or HTTPStatus(status).description)


def problem_body(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> Any:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(exc: HTTPException | None) -> Response:
    """The problem document for ``exc`` (None: an unexpected error, 500)."""
    status = (exc.code or 500) if exc is not None else 500
    body = problem_body(status, _detail(exc, status), _messages(exc) if exc else None)
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE
    )
    if exc is not None and status != 500:
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value  # Allow (405), Retry-After (503)
    response.headers["Cache-Control"] = "no-store"
    return response
