"""Public results pages kept in memory, per snapshot version.

Two levels, both in the memory of each web process:

- :func:`page`: the **whole** page of a public viewer (no account, no participant
  cookie, nothing in the session but a CSRF token: ``first_visit.first_time_visitor``).
  Keyed by the survey, the stored snapshot's stamp (:func:`app.results.snapshots.stamp`,
  read from the database on every request, so every worker sees a rebuild at once), a
  digest of the questionnaire's texts (:func:`texts_digest`: a reworded question shows
  at once), the language and the filter. A hit costs two small queries and no
  rendering. Signed-in users, staff above all, never get a kept page: their pages carry
  their name and their own forms, and the staff dashboards show unsuppressed numbers.
  A page that holds a CSRF token, or that says the results are being computed, is not
  kept.
- :func:`rendered`: the rendered numbers of a page (the expensive part: thousands of
  formatted cells), for viewers who get a fresh page; keyed like the page but by the
  snapshot's ``version`` and ``as_of``. (The process page's numbers are keyed without
  a texts digest: a reworded rating question shows there after the next rebuild.)

A rebuild stores a new version, so old entries are never served again and fall out of
the bounded LRU.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from markupsafe import Markup

from app.core import first_visit
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.ratings.models import RatingQuestion
from app.surveys.models import MatrixRow, Option, Question, Section, Survey

MAX_ENTRIES = 128  # about 100 KB each for a large survey
MAX_PAGES = 128  # whole pages per process (a town's page of a 20-question survey: ~150 KB)
# A kept page is dropped after this long even if nothing changed (bounds what a
# forgotten entry can cost; every change that matters changes the key anyway).
PAGE_SECONDS = 3600.0
PUBLIC_ARGS = frozenset({"group"})

_entries: OrderedDict[Hashable, Markup] = OrderedDict()
_lock = threading.Lock()


def rendered(key: Hashable, render: Callable[[], str]) -> Markup:
    """The kept fragment for ``key``, or ``render()``'s output, kept from now on."""
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    fragment = Markup(render())  # noqa: S704 (a rendered, autoescaped template)
    with _lock:
        _entries[key] = fragment
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return fragment


def clear() -> None:
    with _lock:
        _entries.clear()
    pages().clear()


# --- whole pages -----------------------------------------------------------------------


def pages() -> first_visit.Store:
    """This app's kept public pages (one store per process and app)."""
    found = current_app.extensions.get("results_pages")
    if found is None:
        found = current_app.extensions["results_pages"] = first_visit.Store(MAX_PAGES)
    assert isinstance(found, first_visit.Store)
    return found


def public_viewer() -> bool:
    """Whether this request may get (and fill) a kept public page."""
    return first_visit.first_time_visitor(PUBLIC_ARGS)


def _text(column: Any) -> Any:
    """A JSON column as the database stores it: hashed as text, never decoded."""
    return sa.cast(column, sa.Text)


def texts_digest(survey: Survey) -> str:
    """A digest of every text of the questionnaire a results page shows (one query)."""
    questions = (
        sa.select(sa.literal("q"), Question.id, _text(Question.prompt), _text(Question.settings))
        .join(Section, Section.id == Question.section_id)
        .where(Section.survey_id == survey.id)
    )
    options = (
        sa.select(sa.literal("o"), Option.id, _text(Option.label), sa.null())
        .join(Question, Question.id == Option.question_id)
        .join(Section, Section.id == Question.section_id)
        .where(Section.survey_id == survey.id)
    )
    rows = (
        sa.select(sa.literal("r"), MatrixRow.id, _text(MatrixRow.label), sa.null())
        .join(Question, Question.id == MatrixRow.question_id)
        .join(Section, Section.id == Question.section_id)
        .where(Section.survey_id == survey.id)
    )
    found = db.session.execute(sa.union_all(questions, options, rows)).all()
    head = (survey.title, survey.default_locale, survey.suppression_threshold)
    text = repr((head, sorted(tuple(str(value) for value in row) for row in found)))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def process_texts_digest(process_id: int) -> str:
    """A digest of every text of a process the results page shows (one query): the
    goals' codes, places and current titles, the rating questions' prompts.

    Part of the key of the process page's rendered goals, so a reworded goal (a new
    revision) or rating question shows at once, not after the next rebuild: the
    numbers come from the snapshot, the texts from the current rows."""
    newest = (
        sa.select(GoalRevision.goal_id, sa.func.max(GoalRevision.number).label("number"))
        .join(Goal, Goal.id == GoalRevision.goal_id)
        .where(Goal.process_id == process_id)
        .group_by(GoalRevision.goal_id)
        .subquery()
    )
    goals = (
        sa.select(
            sa.literal("g"),
            Goal.id,
            _text(GoalRevision.title),
            Goal.code,
            sa.cast(Goal.position, sa.Text),
            sa.cast(Goal.parent_id, sa.Text),
        )
        .join(newest, newest.c.goal_id == Goal.id)
        .join(
            GoalRevision,
            sa.and_(
                GoalRevision.goal_id == newest.c.goal_id, GoalRevision.number == newest.c.number
            ),
        )
    )
    questions = sa.select(
        sa.literal("q"),
        RatingQuestion.id,
        _text(RatingQuestion.prompt),
        RatingQuestion.key,
        sa.cast(RatingQuestion.position, sa.Text),
        sa.null(),
    ).where(RatingQuestion.process_id == process_id)
    found = db.session.execute(sa.union_all(goals, questions)).all()
    text = repr(sorted(tuple(str(value) for value in row) for row in found))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def page(key: str, render: Callable[[], tuple[str, bool]]) -> str:
    """The kept page for ``key``, or ``render()``'s page, kept if it says so (and holds
    no CSRF token: a token belongs to one visitor)."""
    store = pages()
    found = store.get(key)
    if found is not None:
        return found
    html, keep = render()
    token = g.get("csrf_token")
    if keep and not (token and token in html):
        store.put(key, html, PAGE_SECONDS)
    return html
