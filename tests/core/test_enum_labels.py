"""No page shows a stored enum value (``published``, ``letter``, ``citizen``) to a person.

Every GET page of the url_map, filled with the demo data and seen by the demo admin in
German, plus the moderation pages of a comment in every status and each queue tab: the
text a person reads or hears (element text, ``aria-label``, ``title``, ``alt``,
``placeholder``; not the content of form fields, ``pre`` or ``code``) contains no
value of the app's domain enums as a word of its own.
The values are English; the labels are translated (``labels.py`` of each feature).

Left out on purpose: the audit log, which shows each event as it was recorded (its
action and the stored before/after values, as its CSV does), and the API reference,
which documents the machine values clients send and receive.
"""

from __future__ import annotations

import enum
import re
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.assessment.models import Consideration
from app.comments import reactions
from app.comments.models import Channel, CommentStatus, ReportReason
from app.exports.models import ExportKind, ExportStatus
from app.extensions import db
from app.goals.models import Goal
from app.moderation.services import Tab
from app.participation.models import ParticipantKind, StakeholderGroup
from app.processes.models import ModerationMode, ParticipationMode, PhaseKind, Process
from app.processes.models import ResultsVisibility as RatingResultsVisibility
from app.ratings.models import ScaleKind
from app.surveys.models import (
    AccessMode,
    QuestionKind,
    ResponseState,
    ResultsVisibility,
    SurveyState,
)
from tests.conftest import login_as
from tests.core.demo_urls import SURVEY, url_values
from tests.factories import make_comment, make_participant

DOMAIN_ENUMS: list[type[enum.StrEnum]] = [
    Role,
    Consideration,
    CommentStatus,
    Channel,
    ReportReason,
    ExportKind,
    ExportStatus,
    ParticipantKind,
    StakeholderGroup,
    PhaseKind,
    ParticipationMode,
    ModerationMode,
    RatingResultsVisibility,
    ScaleKind,
    SurveyState,
    AccessMode,
    ResultsVisibility,
    QuestionKind,
    ResponseState,
]
# "online" is German too: the label of Channel.ONLINE is "Online", and texts use the word.
RAW_VALUES = sorted({m.value for cls in DOMAIN_ENUMS for m in cls} - {Channel.ONLINE.value})
# A value as a word of its own: not part of a longer word, a path or a file name.
RAW = re.compile(r"(?<![\w/.@-])(" + "|".join(map(re.escape, RAW_VALUES)) + r")(?![\w/.@-])")
SPOKEN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
# Not labels: what a form field holds (content in every language), example files, codes.
NOT_LABELS = {"script", "style", "textarea", "pre", "code"}
SKIP = {"comments.more", "moderation.audit", "api_reference.reference"}


class _Text(HTMLParser):
    """The text of a page a person reads or hears."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_LABELS:
            self._hidden += 1
        self.parts += [v for k, v in attrs if k in SPOKEN_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in NOT_LABELS:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def raw_values(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return sorted({m.group(1) for part in parser.parts for m in RAW.finditer(part)})


def _pages(app: Flask) -> list[str]:
    values = url_values() | {"key": "accessibility"}
    urls = []
    for rule in app.url_map.iter_rules():
        if (
            "GET" not in (rule.methods or set())
            or "lang_code" not in rule.arguments
            or "token" in rule.arguments
            or rule.endpoint in SKIP
        ):
            continue
        args = {a: values.get(a) for a in rule.arguments if a != "lang_code"}
        if rule.endpoint.startswith("surveys."):
            args["slug"] = SURVEY
        if any(v is None for v in args.values()):
            continue
        with app.test_request_context():
            urls.append(url_for(rule.endpoint, lang_code="de", **args))
    return sorted(urls)


def _moderation_pages() -> list[str]:
    """The queue's tabs and a comment in every status, reported for every reason."""
    goal = db.session.scalar(sa.select(Goal).where(Goal.code == "12.2.2"))
    assert goal is not None
    comments = [make_comment(goal, "Ein Beitrag", status=s) for s in CommentStatus]
    process = db.session.get(Process, goal.process_id)
    for reason in ReportReason:
        reactions.report_comment(comments[2], make_participant(), reason, "", process)
    db.session.commit()
    tabs = [f"/de/moderation/?tab={tab.value}" for tab in Tab]
    return tabs + [f"/de/moderation/comments/{c.id}" for c in comments]


def test_no_german_page_shows_a_raw_enum_value(
    app: Flask, runner: Any, client: FlaskClient
) -> None:
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@mitwirken.example"))
    login_as(client, admin)
    problems: dict[str, list[str]] = {}
    checked = 0
    for url in _pages(app) + _moderation_pages():
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        found = raw_values(response.get_data(as_text=True))
        if found:
            problems[url] = found
    assert problems == {}
    assert checked >= 60


def test_the_check_finds_a_raw_value() -> None:
    page = '<p title="citizen">Status: published</p><a href="/p/letter">Brief</a><p>Online</p>'
    assert raw_values(page) == ["citizen", "published"]
