"""The query strings the API accepts; anything else is a 400 (see ``QueryParser``)."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, has_app_context
from marshmallow import validate

DEFAULT_PAGE = 50
MAX_PAGE = 200


def _supported_language(value: str) -> None:
    if has_app_context() and value not in current_app.config["LANGUAGES"]:
        languages = ", ".join(current_app.config["LANGUAGES"])
        raise ma.ValidationError(f"Not one of this site's languages ({languages}).")


class NoParams(ma.Schema):
    """No query parameters."""


class LangParams(ma.Schema):
    lang = ma.fields.String(
        validate=[validate.Regexp(r"^[a-z]{2,3}$"), _supported_language],
        metadata={
            "description": "Language of the texts (de, en, tr, ar, uk, ru on a default site). "
            "Default: the process's language. A text missing in this language comes in "
            "the process's language, marked `fallback: true`.",
            "example": "en",
        },
    )


class PageParams(LangParams):
    limit = ma.fields.Integer(
        load_default=DEFAULT_PAGE,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": f"Items per page (1-{MAX_PAGE})."},
    )
    cursor = ma.fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "`next_cursor` of the previous page; omit for the first."},
    )


class SinceParams(PageParams):
    since = ma.fields.AwareDateTime(
        format="iso",
        metadata={
            "description": "Only items created at or after this moment "
            "(ISO 8601 with offset, e.g. `2026-05-01T00:00:00+02:00`)."
        },
    )


class ContributionParams(SinceParams):
    goal = ma.fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={
            "description": "Only the contributions on the goal with this code.",
            "example": "12.1",
        },
    )
