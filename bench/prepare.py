"""Requests prepared before the load starts, so wrk only replays them.

A CSRF token is bound to the session cookie it was issued with. ``Visitors`` makes one
(session cookie, token) pair per request with the app's own code (Flask-WTF's
``generate_csrf`` and Flask's session serializer, signed with the server's key), as
if each visitor had loaded the form first. Each request also gets its own idempotency
key. Lines are split over one file per wrk thread (``<prefix>.<thread>.tsv``).
"""

from __future__ import annotations

import hashlib
import random
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask, session
from flask_wtf.csrf import generate_csrf

from app.demo.survey_responses import Synthesiser
from app.extensions import db
from app.i18n import LOCALE_COOKIE
from app.participation.models import CONFIRMED_GROUPS
from app.surveys.answering.answers import as_formdata
from app.surveys.answering.browser import BROWSER_COOKIE
from app.surveys.answering.validation import AnswerRow
from app.surveys.models import Survey
from bench.data.contributions import KINDS, TEXTS
from bench.data.people import GROUPS


class Visitors:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]

    def new(self) -> tuple[str, str]:
        """A fresh visitor's session cookie value and the CSRF token of its forms."""
        # A fresh app context too: generate_csrf caches its token in ``g``, and a request
        # context would otherwise reuse an app context the caller has open.
        with self.app.app_context(), self.app.test_request_context():
            token = generate_csrf()
            cookie = self.serializer.dumps(dict(session))
        return cookie, token


def write_split(prefix: Path, lines: list[str], threads: int) -> None:
    """Line i goes to thread i % threads; every thread gets a file (maybe empty)."""
    for thread in range(threads):
        chunk = lines[thread::threads]
        path = prefix.parent / f"{prefix.name}.{thread}.tsv"
        path.write_text("".join(line + "\n" for line in chunk))


def _tsv(*fields: str) -> str:
    for value in fields:
        if "\t" in value or "\n" in value:
            raise ValueError("a prepared field contains a tab or newline")
    return "\t".join(fields)


# What an anonymous visitor may declare: Gemeinderat and Verwaltung need an admin's grant.
OPEN_GROUPS = tuple(group for group in GROUPS if group not in CONFIRMED_GROUPS)


@dataclass(frozen=True)
class CommentPost:
    key: str
    pseudonym: str
    body: str
    kind: str
    group: str


def comment_posts(
    visitors: Visitors, path: str, count: int, rng: random.Random
) -> tuple[list[str], list[CommentPost]]:
    """Lines for replay.lua (anonymous comments on one goal) and what they contain."""
    lines, posts = [], []
    for n in range(count):
        cookie, token = visitors.new()
        post = CommentPost(
            key=uuid.uuid4().hex,
            pseudonym=f"Lasttest {n}",
            body=rng.choice(TEXTS),
            kind=rng.choice(KINDS),
            group=rng.choice(OPEN_GROUPS).value,
        )
        form = {
            "csrf_token": token,
            "pseudonym": post.pseudonym,
            "body": post.body,
            "kind": post.kind,
            "stakeholder_group": post.group,
            "idempotency_key": post.key,
        }
        cookies = f"session={cookie}; {LOCALE_COOKIE}=de"
        lines.append(_tsv(post.key, "POST", path, cookies, urlencode(form)))
        posts.append(post)
    return lines, posts


@dataclass(frozen=True)
class Submission:
    key: str
    browser_hash: str
    rows: list[AnswerRow]


def survey_submissions(
    visitors: Visitors, survey: Survey, count: int, seed: int, *, action: str = "next"
) -> tuple[list[str], list[Submission]]:
    """Lines for survey.lua: start, the page with all answers, submit; and the rows.
    ``action="submit"``: the page submits (a survey without the summary)."""
    synthesiser = Synthesiser(survey, seed, None)
    section = survey.sections[0]
    lines, submissions = [], []
    for _ in range(count):
        cookie, token = visitors.new()
        browser = secrets.token_urlsafe(32)
        key = secrets.token_urlsafe(24)
        answers = synthesiser.answers()
        page: list[tuple[str, Any]] = [("csrf_token", token), ("action", action)]
        page += list(as_formdata(section, answers).items(multi=True))
        cookies = f"session={cookie}; {BROWSER_COOKIE}={browser}; {LOCALE_COOKIE}=de"
        start = urlencode({"csrf_token": token, "key": key})
        submit = urlencode({"csrf_token": token})
        lines.append(_tsv(key, cookies, start, urlencode(page), submit))
        rows = [row for parts in answers.values() for row in parts]
        browser_hash = hashlib.sha256(browser.encode()).hexdigest()
        submissions.append(Submission(key, browser_hash, rows))
    return lines, submissions


def set_review_before_submit(app: Flask, survey_id: int, *, on: bool) -> None:
    """The load survey with or without the summary page (``survey_submit_short`` and
    ``profile_page --post survey-short`` turn it off, and on again afterwards)."""
    with app.app_context():
        db.session.execute(
            sa.update(Survey).where(Survey.id == survey_id).values(review_before_submit=on)
        )
        db.session.commit()
