"""The questionnaire of a survey, loaded once per process while the survey is unchanged.

Every answering request needs the survey's sections, questions, options and matrix
rows (four queries and some hundred ORM objects), but they change only when staff
edit the survey, and every such edit moves the survey's ``updated_at`` (the
``before_flush`` listener in :mod:`app.surveys.models`). So :func:`survey_by_slug`
reads the survey row with its process (and this browser's response) in one query
and takes the sections from a cache of this process keyed by ``(survey id,
updated_at)``.

The cached objects are loaded by a session of their own on the request's connection
(so they see what the request sees, and never join the request's identity map) and
kept detached: read-only, shared by the requests (and threads) of a process. At the
end of the request the survey's ``sections`` are expired again (:func:`release`), so
nothing but the request that took them can reach the shared objects. An edit by a Core
statement or plain SQL bypasses the listener: it must move ``updated_at`` itself.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy import orm as so
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.processes.models import Process
from app.surveys.models import Response, Section, Survey

CACHE = "surveys.structure"
MAX_SURVEYS = 32  # surveys open at the same time: a handful
_lock = threading.Lock()


def survey_by_slug(slug: str, responses: Collection[int] = ()) -> Survey | None:
    """The survey with its process (one query) and its cached questionnaire.

    ``responses``: ids of responses the request will look at (this browser's, from its
    session); the one of this survey comes with the same query and is kept for the
    request in ``g.loaded_responses`` (:func:`loaded_response`).
    """
    # Always (survey, response or NULL): with no ids the join finds nothing.
    stmt = (
        sa.select(Survey, Response)
        .outerjoin(
            Response,
            sa.and_(
                Response.survey_id == Survey.id,
                Response.id.in_(list(responses)) if responses else sa.false(),
            ),
        )
        .where(Survey.slug == slug)
        .options(
            so.lazyload(Survey.sections),
            so.joinedload(Survey.process).lazyload(Process.phases),
        )
    )
    row = db.session.execute(stmt).first()
    if row is None:
        return None
    survey, response = row
    if response is not None:
        g.setdefault("loaded_responses", {})[response.id] = response
    # sections loaded already (a test's session) are replaced too
    set_committed_value(survey, "sections", sections(survey.id, survey.updated_at))
    g.setdefault("structured_surveys", []).append(survey)
    return survey


def loaded_response(response_id: object) -> Response | None:
    """The response :func:`survey_by_slug` read in this request, if it did."""
    found: Response | None = g.get("loaded_responses", {}).get(response_id)
    return found


def sections(survey_id: int, updated_at: datetime) -> list[Section]:
    """The survey's sections with their questions, options and rows (detached)."""
    cache: dict[int, tuple[datetime, list[Section]]] = current_app.extensions.setdefault(CACHE, {})
    with _lock:
        entry = cache.get(survey_id)
    if entry is not None and entry[0] == updated_at:
        return entry[1]
    entry = (updated_at, _load(survey_id))  # outside the lock: two threads may both load
    with _lock:  # (gthread workers): the dict is changed by one thread at a time
        cache.pop(survey_id, None)
        cache[survey_id] = entry  # the newest last; the oldest goes first
        while len(cache) > MAX_SURVEYS:
            cache.pop(next(iter(cache)))
    return entry[1]


def _load(survey_id: int) -> list[Section]:
    with so.Session(bind=db.session.connection()) as loader:
        found = list(
            loader.scalars(
                sa.select(Section)
                .where(Section.survey_id == survey_id)
                .order_by(Section.position, Section.id)
            )
        )
        loader.expunge_all()
    return found


def release(_error: BaseException | None = None) -> None:
    """After the request: the surveys it loaded forget the shared sections."""
    g.pop("loaded_responses", None)
    for survey in g.pop("structured_surveys", []):
        if sa.inspect(survey).session is not None:
            db.session.expire(survey, ["sections"])
