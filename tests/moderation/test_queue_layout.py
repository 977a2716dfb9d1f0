"""The moderation queue as a moderator meets it: the current tab is marked, the filters
sit in one row on wide screens, the list says why comments were reported, and the page
of one comment speaks of that comment and offers only what fits its status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role
from app.comments import reactions
from app.comments.models import Comment, CommentStatus, ReportReason
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from tests.conftest import login_as
from tests.factories import make_comment, make_goal, make_participant, make_process, make_user

CSS = (Path(__file__).parents[2] / "app" / "static" / "css" / "app.css").read_text()
QUEUE = "/de/moderation/p/hf12/"


@pytest.fixture
def goal(app: Flask) -> Goal:
    return make_goal(make_process(report_threshold=10), "1.1", "Radwege")


@pytest.fixture
def moderator(client: FlaskClient, goal: Goal) -> FlaskClient:
    process = db.session.get(Process, goal.process_id)
    login_as(client, make_user("m@example.org", "M", process=process, role=Role.MODERATOR))
    return client


def _report(comment: Comment, *reasons: ReportReason) -> None:
    process = db.session.get(Process, db.session.get(Goal, comment.goal_id).process_id)  # type: ignore[union-attr]
    for reason in reasons:
        reactions.report_comment(comment, make_participant(), reason, "", process)
    db.session.commit()


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def test_the_current_tab_is_marked_for_screen_readers_and_eyes(moderator: FlaskClient) -> None:
    page = _page(moderator, QUEUE + "?tab=reported")
    tabs = re.search(r'(?s)<nav class="queue-tabs"[^>]*>.*?</nav>', page)
    assert tabs, "the tabs are a nav of their own"
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', tabs.group(0))
    assert current == ["Gemeldet"]
    rule = re.search(r'\.queue-tabs \[aria-current="page"\]\s*\{([^}]*)\}', CSS)
    assert rule and "border-block-end" in rule.group(1) and "font-weight" in rule.group(1)


def test_the_filters_sit_in_one_row_on_wide_screens(moderator: FlaskClient) -> None:
    page = _page(moderator, QUEUE)
    assert re.search(r'<div class="filter-row">(?:\s*<div class="kern-form-input">){1}', page)
    rule = re.search(r"\.filter-row\s*\{([^}]*)\}", CSS)
    assert rule and "display: grid" in rule.group(1) and "auto-fit" in rule.group(1)


def test_the_list_shows_report_reasons_and_counts(moderator: FlaskClient, goal: Goal) -> None:
    comment = make_comment(goal, "Kauft billige Uhren!")
    _report(comment, ReportReason.SPAM, ReportReason.SPAM, ReportReason.INSULT)
    page = _page(moderator, QUEUE + "?tab=reported")
    row = page[page.index("Kauft billige Uhren!") :]
    cell = row[: row.index("</tr>")]
    assert "Spam oder Werbung: 2" in cell and "Beleidigung oder Diskriminierung: 1" in cell


def test_the_page_of_a_published_comment_offers_no_restore(
    moderator: FlaskClient, goal: Goal
) -> None:
    comment = make_comment(goal)
    page = _page(moderator, f"/de/moderation/comments/{comment.id}")
    assert "ausgewählten Beiträge" not in page
    assert "Wiederherstellen" not in page
    assert "Mit diesem Grund ausblenden" in page


def test_the_page_of_a_hidden_comment_offers_restore_and_of_a_pending_one_approval(
    moderator: FlaskClient, goal: Goal
) -> None:
    hidden = make_comment(goal, status=CommentStatus.HIDDEN)
    pending = make_comment(goal, status=CommentStatus.PENDING)
    hidden_page = _page(moderator, f"/de/moderation/comments/{hidden.id}")
    assert "Wiederherstellen" in hidden_page and "Freigeben" not in hidden_page
    pending_page = _page(moderator, f"/de/moderation/comments/{pending.id}")
    assert "Freigeben" in pending_page and "Wiederherstellen" not in pending_page
