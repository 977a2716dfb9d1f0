"""A moderator clears a queue of 50 pending and reported comments in Chromium.

The process has pre-moderation: 30 comments wait for review, 20 published ones
are reported (10 once, below the threshold of 3; 10 three times, so they were
hidden automatically). Bulk actions clear both tabs; then one reported comment
is hidden with a reason using the keyboard only.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus, Report, ReportReason
from app.comments.reactions import report_comment
from app.comments.services import change_status
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.processes.models import ModerationMode, Process
from tests.browser.conftest import LiveServer, in_app
from tests.browser.test_keyboard_journeys import assert_focus_visible, press, tab_until
from tests.factories import PASSWORD, make_goal, make_process, make_user

SLUG = "moderation-journey"
MODERATOR = "moderatorin@journey.example"
QUEUE = f"/en/moderation/p/{SLUG}/"


def _participant(email: str, name: str) -> Participant:
    user = make_user(email, name)
    participant = Participant(
        kind=ParticipantKind.ACCOUNT, user_id=user.id, pseudonym=name, confirmed_at=user.verified_at
    )
    db.session.add(participant)
    db.session.commit()
    return participant


def _comment(goal: Goal, author: Participant, body: str) -> Comment:
    comment = Comment(
        goal_id=goal.id,
        participant_id=author.id,
        author_name=author.pseudonym,
        kind="suggestion",
        stakeholder_group=StakeholderGroup.CITIZEN,
        body=body,
        status=CommentStatus.PENDING,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def _reported(process: Process, goal: Goal, author: Participant, body: str, times: int) -> int:
    """A published comment with ``times`` reports (hidden at the threshold)."""
    comment = _comment(goal, author, body)
    change_status(comment, CommentStatus.PUBLISHED, process.id)
    for n in range(times):
        reporter = db.session.scalar(
            sa.select(Participant).where(Participant.pseudonym == f"Melder {n}")
        )
        assert reporter is not None
        report_comment(comment, reporter, ReportReason.INSULT, "", process)
    db.session.commit()
    return comment.id


@pytest.fixture(scope="module")
def seeded(live_server: LiveServer) -> dict[str, Any]:
    with in_app(live_server):
        process = make_process(SLUG, moderation_mode=ModerationMode.PRE)
        goal = make_goal(process, "1.1", "Mehr Radwege")
        make_user(MODERATOR, "Moderatorin", process=process, role=Role.MODERATOR)
        author = _participant("autorin@journey.example", "Autorin")
        for n in range(3):
            _participant(f"melder{n}@journey.example", f"Melder {n}")
        pending = [_comment(goal, author, f"Wartender Beitrag {n}").id for n in range(30)]
        db.session.commit()
        once = [_reported(process, goal, author, f"Einmal gemeldet {n}", 1) for n in range(10)]
        hidden = [_reported(process, goal, author, f"Oft gemeldet {n}", 3) for n in range(10)]
        assert process.report_threshold == 3
        return {
            "process_id": process.id,
            "goal": goal.id,
            "author_id": author.id,
            "pending": pending,
            "once": once,
            "hidden": hidden,
        }


def _sign_in(page: Any, base: str) -> None:
    page.goto(base + "/en/account/login")
    page.fill("#email", MODERATOR)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/account/login" not in page.url


def _rows(page: Any) -> Any:
    return page.locator("main table tbody input[name=comment_ids]")


def _bulk(page: Any, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"main button[name=action][value={action}]").first.click()
    assert page.locator(".kern-alert--success[role=status]").is_visible()


def _empty(page: Any) -> bool:
    return _rows(page).count() == 0 and page.get_by_text("Nothing to do here.").is_visible()


def test_moderator_clears_50_pending_and_reported_comments_with_bulk_actions(
    page: Any, live_server: LiveServer, seeded: dict[str, Any]
) -> None:
    _sign_in(page, live_server)
    page.goto(live_server + QUEUE)
    queue = page.get_by_role("navigation", name="Queue")

    # Waiting for review: 30 comments on two pages of 25; approve page by page.
    queue.get_by_role("link", name="Waiting for review").click()
    assert "30 contributions" in page.locator("main").inner_text()
    rounds = 0
    while not _empty(page) and rounds < 5:
        for box in _rows(page).all():
            box.check()
        _bulk(page, "approve")
        rounds += 1
    assert rounds == 2 and _empty(page)

    # Reported: confirm the ten below the threshold, hide the ten hidden ones.
    queue.get_by_role("link", name="Reported").click()
    page.wait_for_url("**tab=reported*")
    assert _rows(page).count() == 20
    for comment_id in seeded["once"]:
        page.check(f"#select-{comment_id}")
    _bulk(page, "approve")
    assert _rows(page).count() == 10
    for box in _rows(page).all():
        box.check()
    # Hiding without a reason template is refused, nothing changes.
    with page.expect_navigation():
        page.locator("main button[name=action][value=hide]").click()
    assert page.locator(".kern-alert--danger").is_visible()
    assert _rows(page).count() == 10
    for box in _rows(page).all():
        box.check()
    page.select_option("#reason", "insult")
    page.fill("#reason_text", "Bitte sachlich bleiben.")
    _bulk(page, "hide")
    assert _empty(page)
    queue.get_by_role("link", name="Waiting for review").click()
    assert _empty(page)

    with in_app(live_server):
        status = dict(
            db.session.execute(
                sa.select(Comment.id, Comment.status).where(Comment.goal_id == seeded["goal"])
            ).all()
        )
        reasons = set(
            db.session.scalars(
                sa.select(Comment.hidden_reason).where(Comment.id.in_(seeded["hidden"]))
            )
        )
        open_reports = db.session.scalar(
            sa.select(sa.func.count(Report.id))
            .join(Comment, Comment.id == Report.comment_id)
            .where(Comment.goal_id == seeded["goal"], Report.resolved_at.is_(None))
        )
        actions = db.session.execute(
            sa.select(AuditEvent.action, sa.func.count())
            .where(AuditEvent.process_id == seeded["process_id"])
            .group_by(AuditEvent.action)
        ).all()
    assert {status[i] for i in seeded["pending"] + seeded["once"]} == {CommentStatus.PUBLISHED}
    assert {status[i] for i in seeded["hidden"]} == {CommentStatus.HIDDEN}
    assert reasons == {"Insult or discrimination: Bitte sachlich bleiben."}
    assert open_reports == 0
    assert dict(actions) == {"comment.approve": 40, "comment.hide": 10}


def test_moderator_hides_a_reported_comment_with_the_keyboard_only(
    page: Any, live_server: LiveServer, seeded: dict[str, Any]
) -> None:
    with in_app(live_server):
        process = db.session.get(Process, seeded["process_id"])
        goal = db.session.get(Goal, seeded["goal"])
        assert process is not None and goal is not None
        author = db.session.get(Participant, seeded["author_id"])
        assert author is not None
        comment_id = _reported(process, goal, author, "Tastatur: ein gemeldeter Beitrag", 1)

    page.goto(live_server + "/en/account/login")
    tab_until(page, "#email")
    page.keyboard.type(MODERATOR)
    press(page, "Tab")
    page.keyboard.type(PASSWORD)
    tab_until(page, "main form button[type=submit]")
    with page.expect_navigation():
        press(page, "Enter")

    page.goto(live_server + QUEUE)
    tab_until(page, "a[href*='tab=reported']")
    with page.expect_navigation():
        press(page, "Enter")
    tab_until(page, f"a[href$='/moderation/comments/{comment_id}']", limit=120)
    with page.expect_navigation():
        press(page, "Enter")
    assert page.url.endswith(f"/moderation/comments/{comment_id}")

    tab_until(page, "#reason")
    press(page, "ArrowDown")  # the first reason template: insult
    assert page.locator("#reason").input_value() == "insult"
    assert_focus_visible(page)
    press(page, "Tab")
    assert page.evaluate("document.activeElement.id") == "reason_text"
    page.keyboard.type("Beleidigend.")
    tab_until(page, "button[name=action][value=hide]")
    with page.expect_navigation():
        press(page, "Enter")
    assert page.locator(".kern-alert--success[role=status]").is_visible()
    assert page.url.endswith(f"/moderation/comments/{comment_id}")

    with in_app(live_server):
        comment = db.session.get(Comment, comment_id)
        assert comment is not None
        assert comment.status == CommentStatus.HIDDEN
        assert comment.hidden_reason == "Insult or discrimination: Beleidigend."
        assert db.session.scalar(
            sa.select(AuditEvent.action).where(
                AuditEvent.object_id == comment_id, AuditEvent.action == "comment.hide"
            )
        )
