"""The API blueprint: strict query strings, content negotiation and CORS.

The URLs are listed in ``app.api.routes``; the view functions in ``app.api.views``
carry the decorators that document them (they need ``bp``, hence this module).
"""

from __future__ import annotations

import marshmallow as ma
from flask import Response, abort, current_app, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

from app.api.conditional import from_recent
from app.api.problems import API_PREFIX, PROBLEM_TYPE
from app.extensions import limiter

JSON_TYPES = ("application/json", PROBLEM_TYPE)
ZIP_TYPE = "application/zip"
ZIP_ENDPOINTS = {"api.datapackage"}
EXPOSED_HEADERS = "ETag, Link, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining"


class QueryParser(FlaskParser):
    """An unknown or invalid query parameter is a 400 (not webargs' 422 or silence)."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": ma.RAISE}


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = QueryParser()


bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Open data: processes, goals, revisions, contributions, results, surveys.",
)
# One budget per client for the whole API (not per route), keyed like every limit.
limiter.shared_limit(lambda: str(current_app.config["API_RATE_LIMIT"]), scope="api")(bp)


@bp.before_request
def _negotiate() -> None:
    """406 for a client that accepts none of the types the route answers in."""
    accept = request.accept_mimetypes
    if not accept.provided:
        return
    offers = (ZIP_TYPE, PROBLEM_TYPE) if request.endpoint in ZIP_ENDPOINTS else JSON_TYPES
    if accept.best_match(offers) is None:
        abort(406, f"This address answers in {offers[0]} (errors: {PROBLEM_TYPE}).")


@bp.before_request
def _recent_answer() -> Response | None:
    """A version computed moments ago answers without the database (see conditional)."""
    return from_recent()


@bp.after_app_request
def _cors(response: Response) -> Response:
    """Every answer under /api/ may be read by any web page; no credentials."""
    if request.path.startswith(API_PREFIX):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match, Accept"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
