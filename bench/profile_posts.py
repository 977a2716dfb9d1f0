"""The POSTs ``bench.profile_page --post`` profiles: one survey submission, one comment.

A survey submission is what a browser sends for the load survey
(``bench-befragung-last``): POST start, POST page 1 with the 20 answers, POST submit,
each answered by a redirect. ``survey-short`` is the same survey without the summary
(``Survey.review_before_submit`` off while it runs): POST start, POST page 1 with the
20 answers and "submit". A comment is one anonymous POST to the comment goal. The
requests are the ones ``bench.prepare`` makes for wrk (a session cookie with its CSRF
token and idempotency key per request), sent through Flask's test client; each call
of :class:`Posts` sends the next prepared one. :func:`reset` deletes what they wrote.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from bench.data import manifest as manifests
from bench.prepare import Visitors, comment_posts, set_review_before_submit, survey_submissions
from bench.settings import LANG

FORM = "application/x-www-form-urlencoded"
KINDS = ("survey", "survey-short", "comment")


@dataclass(frozen=True)
class Step:
    path: str
    body: str
    expect: str  # in the Location of the redirect that answers it


@dataclass(frozen=True)
class Prepared:
    cookies: str
    steps: tuple[Step, ...]


def manifest_of(app: Any) -> manifests.Manifest:
    from app.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        found = manifests.read(conn)
    if found is None:
        raise SystemExit("the bench database has no manifest; run bench.generate")
    return found


def _surveys(
    app: Any, manifest: manifests.Manifest, count: int, *, short: bool = False
) -> list[Prepared]:
    from app.extensions import db
    from app.surveys.models import Survey

    base = f"/{LANG}/surveys/{manifest.load_survey_slug}"
    with app.app_context():
        survey = db.session.get(Survey, manifest.load_survey_id)
        assert survey is not None
        lines, _submissions = survey_submissions(Visitors(app), survey, count, seed=16)
    prepared = []
    for line in lines:
        _key, cookies, start, page, submit = line.split("\t")
        steps: tuple[Step, ...] = (
            Step(base + "/start", start, "/page/1"),
            Step(base + "/page/1", page, "/review"),
            Step(base + "/submit", submit, "/thanks"),
        )
        if short:
            last = Step(base + "/page/1", page.replace("action=next", "action=submit"), "/thanks")
            steps = (steps[0], last)
        prepared.append(Prepared(cookies, steps))
    return prepared


def _comments(app: Any, manifest: manifests.Manifest, count: int) -> list[Prepared]:
    path = f"/{LANG}/p/{manifest.process_slug}/goals/{manifest.post_goal_code}"
    lines, _posts = comment_posts(Visitors(app), path, count, random.Random(17))
    prepared = []
    for line in lines:
        _key, _method, url, cookies, body = line.split("\t")
        prepared.append(Prepared(cookies, (Step(url, body, "#comment-"),)))
    return prepared


class Posts:
    """``count`` prepared submissions of ``kind``; each call sends the next one."""

    def __init__(self, app: Any, kind: str, count: int) -> None:
        self.app = app
        self.manifest = manifest_of(app)
        if kind == "comment":
            self.prepared = iter(_comments(app, self.manifest, count))
            return
        short = kind == "survey-short"
        set_review_before_submit(app, self.manifest.load_survey_id, on=not short)
        self.prepared = iter(_surveys(app, self.manifest, count, short=short))

    def __call__(self) -> None:
        item = next(self.prepared)
        client = self.app.test_client()
        for pair in item.cookies.split("; "):
            name, _, value = pair.partition("=")
            client.set_cookie(name, value)
        for step in item.steps:
            response = client.post(step.path, data=step.body, content_type=FORM)
            location = response.headers.get("Location", "")
            if response.status_code != 302 or step.expect not in location:
                raise SystemExit(f"{step.path} answered {response.status_code} {location!r}")


def reset(app: Any, manifest: manifests.Manifest) -> dict[str, int]:
    """The bench database as generated again; queued tasks dropped."""
    from app.extensions import db

    set_review_before_submit(app, manifest.load_survey_id, on=True)
    with app.app_context(), db.engine.begin() as conn:
        removed = manifests.reset(conn, manifest)
    if app.config.get("REDIS_URL"):  # else the tasks ran in the requests
        app.extensions["celery"].control.purge()
    return removed
