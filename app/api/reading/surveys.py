"""Public surveys: open and closed ones, of a published process or of none."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import orm as so

from app.api.reading.common import localized, page
from app.core import policy
from app.extensions import db
from app.surveys.lookups import public_by_id
from app.surveys.models import Survey


def public_page(limit: int, after: int | None) -> tuple[list[Survey], str | None]:
    """Newest first; each with its process (one more query, selectin)."""
    stmt = public_by_id().options(so.selectinload(Survey.process)).order_by(Survey.id.desc())
    if after is not None:
        stmt = stmt.where(Survey.id < after)
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    return page(rows, limit, lambda s: s.id)


def version(surveys: list[Survey], now: datetime) -> tuple[Any, ...]:
    return tuple((s.id, s.updated_at, policy.can_see_survey_results(None, s, now)) for s in surveys)


def summary(survey: Survey, lang: str | None, now: datetime) -> dict[str, Any]:
    process = survey.process
    shown = lang or survey.default_locale
    return {
        "slug": survey.slug,
        "title": localized(survey.title, shown, survey.default_locale),
        "intro": localized(survey.intro, shown, survey.default_locale),
        "state": survey.state,
        "access_mode": survey.access_mode,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "process": process.slug if process else None,
        "results_public": policy.can_see_survey_results(None, survey, now),
        "links": {
            "page": url_for("surveys.intro", lang_code=shown, slug=survey.slug),
            "process": url_for("api.process", slug=process.slug) if process else None,
        },
    }
