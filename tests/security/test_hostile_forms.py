"""The payload corpus (tests/security/payloads.py) through the forms staff and
moderators write into: the offline-input form (also shown again, refused, with what was
typed), the moderation's hide reason and official reply, and the goal editor (title,
text, change note); assessment rationales are added by the service. Each text is stored
as typed and is inert on every page that shows it: the public goal page (as a visitor
and as staff), the "what has changed?" page, the moderation queue and a comment's
moderation page, the assessment workspace, the offline list, the process page and the
goal editor (see tests/security/inert.py for "inert"). Survey answers:
tests/security/test_hostile_surveys.py.

Before the payloads, the same forms get harmless text (with a link, so the linkified
markup is in the baseline too); the pages rendered then are the baseline a page with
payloads is compared to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.assessment.models import Consideration
from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.goals.models import Goal
from app.goals.services import current_revision
from app.moderation.models import OfficialReply
from app.processes.models import Process
from app.staff.offline_forms import local_today
from app.staff.offline_services import AUTHOR_MAX_LENGTH
from tests.conftest import login_as, submit
from tests.factories import make_assessment, make_comment, make_goal, make_process, make_user
from tests.security.inert import assert_inert, shapes
from tests.security.payloads import PAYLOADS

HARMLESS = "Harmless text, see https://example.org/info and\na second line"
GOAL_ONE = "/en/p/hf12/goals/1"
GOAL_TWO = "/en/p/hf12/goals/2"
BASELINE_ENTRIES = 26  # one more than the longest page (the workspace's 25)
NEXT_RE = re.compile(r'href="([^"#]*[?&;](?:after|page)=[^"#]*)(?:#[^"]*)?"')


def pages(client: FlaskClient, url: str, limit: int = 30) -> Iterator[str]:
    """``url`` and every further page its pagination links to (same path)."""
    path = url.split("?")[0]
    todo, seen = [url], {url}
    while todo and len(seen) <= limit:
        response = client.get(todo.pop(0))
        assert response.status_code == 200, response.request.url
        html = response.get_data(as_text=True)
        yield html
        for link in NEXT_RE.findall(html):
            link = link.replace("&amp;", "&")
            if link.split("?")[0] in ("", path) and link not in seen:
                full = link if link.startswith("/") else path + link
                if full not in seen:
                    seen.add(full)
                    todo.append(full)


def all_shapes(client: FlaskClient, url: str) -> set[tuple[str, frozenset[str]]]:
    return set().union(*(shapes(html) for html in pages(client, url)))


def check_all(client: FlaskClient, url: str, baseline: set[Any]) -> str:
    """Every page of ``url`` inert; returns their text, joined."""
    found = []
    for html in pages(client, url):
        assert_inert(html, baseline, url)
        found.append(html)
    return "\n".join(found)


@pytest.fixture
def process(app: Flask) -> Process:
    process = make_process("hf12")
    make_goal(process, "1", "Erstes Ziel")
    make_goal(process, "2", "Zweites Ziel")
    return process


@pytest.fixture
def admin(app: Flask, process: Process) -> FlaskClient:
    client = app.test_client()
    login_as(client, make_user("admin@example.org", "Admin", is_admin=True))
    return client


# --- offline input, hide reasons, official replies ----------------------------------------


def _offline(client: FlaskClient, body: str, author: str) -> str:
    """Enters a letter; first without a goal: returns that refused form (what was typed
    is shown again)."""
    data = {
        "goal": "1",
        "channel": "letter",
        "received_on": local_today().isoformat(),
        "author_name": author,
        "stakeholder_group": "citizen",
        "kind": "suggestion",
        "body": body,
    }
    url = "/en/staff/p/hf12/offline/new"
    page = client.get(url).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]*)"', page)
    data["idempotency_key"] = key.group(1) if key else ""
    refused = submit(client, url, data | {"goal": ""})
    assert refused.status_code == 200, body
    response = submit(client, url, data)
    assert response.status_code == 302, (body, response.get_data(as_text=True)[-2000:])
    return str(refused.get_data(as_text=True))


def _reply(client: FlaskClient, comment: Comment, label: str, body: str) -> None:
    url = f"/en/moderation/comments/{comment.id}"
    data = {"author_label": label, "body": body}
    assert submit(client, f"{url}/official-reply", data, form_url=url).status_code == 302


def _hide(client: FlaskClient, comment: Comment, reason: str) -> None:
    data = {"action": "hide", "comment_ids": [str(comment.id)]}
    data |= {"reason": "other", "reason_text": reason}
    response = submit(client, "/en/moderation/bulk", data, form_url="/en/moderation/p/hf12/")
    assert response.status_code == 302, reason


def _enter(client: FlaskClient, goal_two: Goal, text: str, number: int) -> str:
    """``text`` as an offline letter with an official reply on goal 1, and as the
    moderation's reason for hiding a comment on goal 2; returns the refused offline
    form with ``text`` in it."""
    refused = _offline(client, text, text[:AUTHOR_MAX_LENGTH])
    letter = db.session.scalars(sa.select(Comment).order_by(Comment.id.desc())).first()
    assert letter is not None and letter.body == text.strip()
    _reply(client, letter, text[:120], text)
    goal = db.session.get(Goal, letter.goal_id)
    assert goal is not None
    revision = current_revision(goal)
    make_assessment(letter, Consideration.CONSIDERED, text, revision_id=revision.id)
    hidden = make_comment(goal_two, f"Kommentar {number}")
    _hide(client, hidden, text[:480])
    return refused


WATCHED = (
    GOAL_ONE,
    GOAL_TWO,
    f"{GOAL_ONE}/changes",
    "/en/moderation/p/hf12/?tab=published",
    "/en/moderation/p/hf12/?tab=hidden",
    "/en/staff/assessment/p/hf12/",
    "/en/staff/p/hf12/offline/",
)


def test_offline_input_hide_reasons_and_official_replies_are_inert(
    app: Flask, process: Process, admin: FlaskClient
) -> None:
    goal_two = db.session.scalars(sa.select(Goal).where(Goal.code == "2")).one()
    refused_form: set[tuple[str, frozenset[str]]] = set()
    for number in range(BASELINE_ENTRIES):  # more than a page, so pagination is there too
        refused_form |= shapes(_enter(admin, goal_two, f"{HARMLESS} {number}", -number))
    public = app.test_client()
    baseline = {url: all_shapes(admin, url) for url in WATCHED}
    baseline_public = {url: all_shapes(public, url) for url in WATCHED[:3]}
    first = db.session.scalars(sa.select(Comment).order_by(Comment.id)).first()
    assert first is not None
    comment_page = admin.get(f"/en/moderation/comments/{first.id}")
    baseline_comment = shapes(comment_page.get_data(as_text=True))

    for number, payload in enumerate(PAYLOADS, start=1):
        assert_inert(_enter(admin, goal_two, payload, number), refused_form, payload)

    letters = db.session.scalars(
        sa.select(Comment).where(Comment.goal_id != goal_two.id).order_by(Comment.id)
    ).all()
    stored = [p.strip() for p in PAYLOADS]  # as typed (the form strips outer spaces)
    assert [c.body for c in letters[BASELINE_ENTRIES:]] == stored
    replies = db.session.scalars(sa.select(OfficialReply).order_by(OfficialReply.id)).all()
    assert [r.body for r in replies[BASELINE_ENTRIES:]] == stored
    hidden = db.session.scalars(
        sa.select(Comment).where(Comment.status == CommentStatus.HIDDEN).order_by(Comment.id)
    ).all()
    assert len(hidden) == len(PAYLOADS) + BASELINE_ENTRIES
    for url in WATCHED:
        check_all(admin, url, baseline[url])
    for url in WATCHED[:3]:
        text = check_all(public, url, baseline_public[url])
        if url == GOAL_ONE:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    for letter in letters[BASELINE_ENTRIES:]:
        page = admin.get(f"/en/moderation/comments/{letter.id}").get_data(as_text=True)
        assert_inert(page, baseline_comment, letter.body)


# --- the goal editor -------------------------------------------------------------------


def _edit(client: FlaskClient, text: str) -> None:
    url = "/en/staff/p/hf12/goals/1/edit"
    data = {
        "code": "1",
        "title_de": text,
        "title_en": text,
        "body_de": text,
        "body_en": text,
        "easy_de": "",
        "easy_en": "",
        "change_note": text,
    }
    response = submit(client, url, data)
    assert response.status_code == 302, (text, response.status_code)


def test_goal_titles_texts_and_change_notes_are_inert(
    app: Flask, process: Process, admin: FlaskClient
) -> None:
    edit = "/en/staff/p/hf12/goals/1/edit"
    _edit(admin, HARMLESS)
    public = app.test_client()
    watched = (GOAL_ONE, f"{GOAL_ONE}/changes", "/en/p/hf12/", edit)
    baseline = {url: shapes(admin.get(url).get_data(as_text=True)) for url in watched}
    public_goal = shapes(public.get(GOAL_ONE).get_data(as_text=True))
    goal = db.session.scalars(sa.select(Goal).where(Goal.code == "1")).one()
    for payload in PAYLOADS:
        _edit(admin, payload)
        db.session.expire_all()
        revision = current_revision(goal)
        assert revision.title["de"] == payload.strip() and revision.body["en"] == payload.strip()
        for url in (GOAL_ONE, edit):
            assert_inert(admin.get(url).get_data(as_text=True), baseline[url], f"{url}: {payload}")
        assert_inert(public.get(GOAL_ONE).get_data(as_text=True), public_goal, payload)
    for url in watched[1:3]:
        assert_inert(admin.get(url).get_data(as_text=True), baseline[url], url)
    changes = public.get(f"{GOAL_ONE}/changes").get_data(as_text=True)
    assert_inert(changes, baseline[f"{GOAL_ONE}/changes"], "changes")
    assert changes.count("<h2 ") >= len(PAYLOADS)  # every version is on the page


def test_the_checks_catch_what_a_payload_could_add() -> None:
    """The two checks would fail on an escaping bug (the tests above rely on them)."""
    page = '<html><head><meta charset="utf-8"></head><body><p class="x">{}</p></body></html>'
    baseline = shapes(page.format("text"))
    for raw in ("<b>bold</b>", '<p class="x" title="y">', "<svg>", "<img src=x>"):
        with pytest.raises(AssertionError):
            assert_inert(page.format(raw), baseline, raw)
    for raw in ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<iframe>"):
        with pytest.raises(AssertionError):
            assert_inert(page.format(raw), shapes(page.format(raw)), raw)
    assert_inert(page.format("&lt;script&gt;alert(1)&lt;/script&gt;"), baseline, "escaped")
