"""The query strings the API accepts; anything else is a 400 (see ``QueryParser``)."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, has_app_context
from marshmallow import validate

from app.config import configured_languages
from app.i18n import N_

CURSOR_PATTERN = r"^[0-9]{1,10}$"  # the id a page continues after
DEFAULT_PAGE = 50
MAX_PAGE = 200


def _supported_language(value: str) -> None:
    """The documented languages come from the environment; the app's config decides."""
    if has_app_context() and value not in current_app.config["LANGUAGES"]:
        languages = ", ".join(current_app.config["LANGUAGES"])
        raise ma.ValidationError(f"Not one of this site's languages ({languages}).")


class NoParams(ma.Schema):
    """No query parameters."""


class LangParams(ma.Schema):
    lang = ma.fields.String(
        validate=[validate.OneOf(configured_languages()), _supported_language],
        metadata={
            "description": N_(
                "Language of the texts; default: the process's language. A text missing "
                "in this language comes in the process's language, marked `fallback: true`."
            ),
            "example": "en",
        },
    )


class PageParams(LangParams):
    limit = ma.fields.Integer(
        load_default=DEFAULT_PAGE,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": N_("Items per page (1 to 200).")},
    )
    cursor = ma.fields.String(
        validate=validate.Regexp(CURSOR_PATTERN),
        metadata={"description": N_("`next_cursor` of the previous page; omit for the first.")},
    )


class SinceParams(PageParams):
    since = ma.fields.AwareDateTime(
        format="iso",
        metadata={
            "description": N_(
                "Only items created at or after this moment "
                "(ISO 8601 with offset, e.g. `2026-05-01T00:00:00+02:00`)."
            )
        },
    )


class ContributionParams(SinceParams):
    goal = ma.fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={
            "description": N_("Only the contributions on the goal with this code."),
            "example": "12.1",
        },
    )


FILTER_PATTERN = r"^[0-9]{1,10}:.{1,64}$"  # <question id>:<option value>
QUESTION_PATTERN = r"^[0-9]{1,10}$"


class SurveyResultsParams(ma.Schema):
    lang = ma.fields.String(
        validate=[validate.OneOf(configured_languages()), _supported_language],
        metadata={
            "description": N_(
                "Language of the questions and options; default: the survey's language. A "
                "text missing in this language comes in the survey's, marked `fallback: true`."
            ),
            "example": "en",
        },
    )
    filter = ma.fields.String(
        validate=validate.Regexp(FILTER_PATTERN),
        metadata={
            "description": N_(
                "Only the respondents in one group: `<question id>:<option value>` of a "
                "demographic question (see `crosstab.groups` or the questions' options). "
                "A group too small to publish answers with `filter.hidden: true`."
            ),
            "example": "41:lehre",
        },
    )
    crosstab = ma.fields.String(
        validate=validate.Regexp(QUESTION_PATTERN),
        metadata={
            "description": N_(
                "Every question split by the groups of this demographic question (its id): "
                "counts, column and row percentages per group. Not together with `filter`."
            ),
            "example": "41",
        },
    )
