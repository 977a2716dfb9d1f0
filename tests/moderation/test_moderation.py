"""Moderation: queue, approve/hide/restore, blocks, notes, official replies, audit log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus, Report, ReportReason
from app.comments.services import count_comments
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.moderation.models import ModerationNote
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.processes.models import ModerationMode, ParticipationMode, Process
from tests.conftest import login_as, submit
from tests.factories import (
    insert_comment,
    make_goal,
    make_participant,
    make_process,
    make_user,
)

GOAL = "/en/p/hf12/goals/1.1"
QUEUE = "/en/moderation/p/hf12/"
BULK = "/en/moderation/bulk"
LOGIN = "/en/account/login"


@pytest.fixture
def process(app: Flask) -> Process:
    return make_process(moderation_mode=ModerationMode.PRE)


@pytest.fixture
def goal(process: Process) -> Goal:
    return make_goal(process, "1.1", "Mehr Radwege")


@pytest.fixture
def moderator(process: Process) -> User:
    return make_user("mod@example.org", "Moderatorin", process=process, role=Role.MODERATOR)


@pytest.fixture
def mod_client(client: FlaskClient, moderator: User) -> FlaskClient:
    login_as(client, moderator)
    return client


def _author(email: str = "anna@example.org", name: str = "Anna") -> tuple[User, Participant]:
    user = make_user(email, name)
    return user, make_participant(name, user=user)


# Comments here wait for a moderator unless a test says otherwise.
_comment = partial(insert_comment, body="Ein Kommentar zum Ziel", status=CommentStatus.PENDING)


def _fresh(obj: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def _bulk(client: FlaskClient, action: str, *comments: Comment, **extra: str) -> Any:
    data = {"action": action, "comment_ids": [str(c.id) for c in comments]} | extra
    return submit(client, BULK, data, form_url=QUEUE)


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.get_data(as_text=True))


# --- the queue --------------------------------------------------------------------


def test_queue_tabs_show_pending_reported_and_published(
    mod_client: FlaskClient, goal: Goal
) -> None:
    pending = _comment(goal, body="Wartet auf Prüfung")
    reported = _comment(goal, body="Gemeldeter Text", status=CommentStatus.PUBLISHED)
    reporter = Participant(kind=ParticipantKind.ANONYMOUS, pseudonym="")
    db.session.add(reporter)
    db.session.flush()
    db.session.add(
        Report(comment_id=reported.id, participant_id=reporter.id, reason=ReportReason.SPAM)
    )
    reported.report_count = 1
    db.session.commit()
    assert "Wartet auf Prüfung" in _page(mod_client, QUEUE)
    assert "Gemeldeter Text" not in _page(mod_client, QUEUE)
    page = _page(mod_client, QUEUE + "?tab=reported")
    assert "Gemeldeter Text" in page and "Wartet auf Prüfung" not in page
    assert "Gemeldeter Text" in _page(mod_client, QUEUE + "?tab=published")
    assert "Wartet auf Prüfung" in _page(mod_client, "/en/moderation/")
    assert pending.id


def test_queue_filters_and_paginates_by_25(mod_client: FlaskClient, goal: Goal) -> None:
    for n in range(27):
        _comment(goal, body=f"Nummer {n:02d}", stakeholder_group=StakeholderGroup.CITIZEN)
    _comment(goal, body="Vom Gemeinderat", stakeholder_group=StakeholderGroup.COUNCIL)
    page = _page(mod_client, QUEUE)
    assert page.count('name="comment_ids"') == 25
    assert page.count('name="comment_ids"', 0) == 25
    assert _page(mod_client, QUEUE + "?page=2").count('name="comment_ids"') == 3
    council = _page(mod_client, QUEUE + "?group=council")
    assert "Vom Gemeinderat" in council and "Nummer 00" not in council
    assert _page(mod_client, QUEUE + "?channel=letter").count('name="comment_ids"') == 0


# --- transitions ------------------------------------------------------------------


def test_approve_publishes_a_pending_comment_and_counts_it(
    mod_client: FlaskClient, goal: Goal, process: Process, moderator: User
) -> None:
    comment = _comment(goal)
    assert count_comments(process.id).get(goal.id) is None
    response = _bulk(mod_client, "approve", comment)
    assert response.status_code == 302
    comment = _fresh(comment)
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.moderated_by_id == moderator.id
    assert count_comments(process.id)[goal.id]["comments"] == 1
    (event,) = _events("comment.approve")
    assert event.before["status"] == "pending" and event.after["status"] == "published"
    assert event.actor_id == moderator.id and event.process_id == process.id
    assert "Ein Kommentar zum Ziel" in _page(mod_client, GOAL)


def test_hide_with_reason_shows_it_publicly_resolves_reports_and_mails_the_author(
    mod_client: FlaskClient, goal: Goal, outbox: list[Any]
) -> None:
    _, author = _author()
    comment = _comment(goal, author, status=CommentStatus.PUBLISHED, body="Beleidigung")
    db.session.add(Report(comment_id=comment.id, participant_id=author.id, reason="insult"))
    db.session.commit()
    response = _bulk(
        mod_client, "hide", comment, reason="off_topic", reason_text="Bitte beim Thema bleiben"
    )
    assert response.status_code == 302
    comment = _fresh(comment)
    assert comment.status == CommentStatus.HIDDEN
    assert comment.hidden_reason == "Off-topic: Bitte beim Thema bleiben"
    assert db.session.scalars(sa.select(Report)).one().resolved_at is not None
    page = _page(mod_client, GOAL)
    assert "Hidden by the moderation: Off-topic: Bitte beim Thema bleiben" in page
    assert "Beleidigung" not in page
    (mail,) = outbox
    assert mail.to == ["anna@example.org"]
    assert "Bitte beim Thema bleiben" in mail.body
    (event,) = _events("comment.hide")
    assert event.after["hidden_reason"] == "Off-topic: Bitte beim Thema bleiben"


def test_hide_without_reason_is_refused(mod_client: FlaskClient, goal: Goal) -> None:
    comment = _comment(goal, status=CommentStatus.PUBLISHED)
    response = _bulk(mod_client, "hide", comment)
    assert response.status_code == 302
    page = _page(mod_client, response.headers["Location"])
    assert "Please choose a reason for hiding." in page
    assert _fresh(comment).status == CommentStatus.PUBLISHED
    assert _events("comment.hide") == []


def test_restore_publishes_a_hidden_comment_again(mod_client: FlaskClient, goal: Goal) -> None:
    comment = _comment(goal, status=CommentStatus.HIDDEN, hidden_reason="Spam or advertising")
    _bulk(mod_client, "restore", comment)
    comment = _fresh(comment)
    assert comment.status == CommentStatus.PUBLISHED and comment.hidden_reason is None
    assert len(_events("comment.restore")) == 1


def test_bulk_actions_change_several_comments(mod_client: FlaskClient, goal: Goal) -> None:
    first, second, third = (_comment(goal, body=f"Text {n}") for n in range(3))
    _bulk(mod_client, "approve", first, second)
    assert [_fresh(c).status for c in (first, second, third)] == [
        CommentStatus.PUBLISHED,
        CommentStatus.PUBLISHED,
        CommentStatus.PENDING,
    ]
    _bulk(mod_client, "hide", first, second, third, reason="spam")
    assert {_fresh(c).status for c in (first, second, third)} == {CommentStatus.HIDDEN}
    assert len(_events("comment.hide")) == 3


# --- blocks -----------------------------------------------------------------------


def _citizen_posts(app: Flask, user: User) -> str:
    citizen = app.test_client()
    login_as(citizen, user)
    data = {"body": "Noch ein Kommentar", "kind": "suggestion", "stakeholder_group": "citizen"}
    response = submit(citizen, GOAL, data, form_url=LOGIN, follow_redirects=True)
    return str(response.get_data(as_text=True))


def test_block_refuses_the_next_post_and_unblock_allows_it(
    app: Flask, mod_client: FlaskClient, goal: Goal
) -> None:
    user, author = _author()
    comment = _comment(goal, author, status=CommentStatus.PUBLISHED)
    url = f"/en/moderation/comments/{comment.id}"
    data = {"duration": "7", "reason": "Beleidigungen"}
    response = submit(mod_client, f"{url}/block", data, form_url=url)
    assert response.status_code == 302
    author = _fresh(author)
    assert author.is_blocked() and author.block_reason == "Beleidigungen"
    assert author.blocked_until is not None and _fresh(user).blocked_at is None
    assert "You have been blocked from contributing." in _citizen_posts(app, user)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Comment)) == 1
    assert len(_events("participant.block")) == 1

    submit(mod_client, f"{url}/unblock", {}, form_url=url)
    assert not _fresh(author).is_blocked()
    assert "Your comment will be published after review." in _citizen_posts(app, user)
    assert len(_events("participant.unblock")) == 1


def test_indefinite_block_also_blocks_the_account(
    app: Flask, mod_client: FlaskClient, goal: Goal
) -> None:
    user, author = _author()
    comment = _comment(goal, author, status=CommentStatus.PUBLISHED)
    url = f"/en/moderation/comments/{comment.id}"
    submit(mod_client, f"{url}/block", {"duration": "indefinite"}, form_url=url)
    assert _fresh(author).blocked_until is None and _fresh(author).is_blocked()
    assert _fresh(user).blocked_at is not None
    assert "Your account has been blocked from contributing." in _citizen_posts(app, user)


def test_a_block_with_a_duration_expires(mod_client: FlaskClient, goal: Goal) -> None:
    _, author = _author()
    comment = _comment(goal, author, status=CommentStatus.PUBLISHED)
    url = f"/en/moderation/comments/{comment.id}"
    submit(mod_client, f"{url}/block", {"duration": "1"}, form_url=url)
    author = _fresh(author)
    assert author.is_blocked()
    assert not author.is_blocked(utcnow() + timedelta(days=1, minutes=1))
    author.blocked_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert not _fresh(author).is_blocked()


# --- notes and official replies ---------------------------------------------------


def test_internal_notes_are_listed_on_the_detail_page_only(
    mod_client: FlaskClient, goal: Goal
) -> None:
    comment = _comment(goal, status=CommentStatus.PUBLISHED)
    url = f"/en/moderation/comments/{comment.id}"
    submit(mod_client, f"{url}/notes", {"text": "Schon zweimal gemeldet"}, form_url=url)
    assert db.session.scalars(sa.select(ModerationNote)).one().text == "Schon zweimal gemeldet"
    assert "Schon zweimal gemeldet" in _page(mod_client, url)
    assert "Schon zweimal gemeldet" not in _page(mod_client, GOAL)
    assert len(_events("moderation_note.create")) == 1


def test_official_reply_is_shown_marked_and_notified_once(
    mod_client: FlaskClient, goal: Goal, outbox: list[Any]
) -> None:
    _, author = _author()
    comment = _comment(goal, author, status=CommentStatus.PUBLISHED)
    url = f"/en/moderation/comments/{comment.id}"
    assert 'value="Verwaltung"' in _page(mod_client, url)
    data = {"author_label": "Verwaltung", "body": "Danke!"}
    submit(mod_client, f"{url}/official-reply", data, form_url=url)
    page = _page(mod_client, GOAL)
    assert 'aria-label="Official reply from the administration"' in page
    assert "Danke!" in page and "Verwaltung" in page
    (mail,) = outbox
    assert mail.to == ["anna@example.org"] and "Danke!" in mail.body
    submit(
        mod_client,
        f"{url}/official-reply",
        {"author_label": "Referat Strategie", "body": "Korrigiert"},
        form_url=url,
    )
    page = _page(mod_client, GOAL)
    assert "Referat Strategie" in page and "Korrigiert" in page
    assert len(outbox) == 1  # only the first publication is mailed
    assert len(_events("official_reply.create")) == 1
    (update,) = _events("official_reply.update")
    assert update.before["body"] == "Danke!" and update.after["body"] == "Korrigiert"


def test_official_reply_on_offline_input(mod_client: FlaskClient, goal: Goal) -> None:
    comment = _comment(goal, status=CommentStatus.PUBLISHED, channel="letter")
    url = f"/en/moderation/comments/{comment.id}"
    data = {"author_label": "Stadt", "body": "Antwort auf Brief"}
    submit(mod_client, f"{url}/official-reply", data, form_url=url)
    assert "Antwort auf Brief" in _page(mod_client, GOAL)


# --- permissions ------------------------------------------------------------------


def test_acting_without_the_role_is_forbidden(client: FlaskClient, goal: Goal) -> None:
    comment = _comment(goal)
    login_as(client, make_user())
    data = {"action": "approve", "comment_ids": [str(comment.id)]}
    assert submit(client, BULK, data, form_url=LOGIN).status_code == 403
    other = make_process("other")
    client2 = client.application.test_client()
    login_as(client2, make_user("o@example.org", "O", process=other, role=Role.MODERATOR))
    assert submit(client2, BULK, data, form_url=LOGIN).status_code == 403
    url = f"/en/moderation/comments/{comment.id}/notes"
    assert submit(client2, url, {"text": "x"}, form_url=LOGIN).status_code == 403
    assert _fresh(comment).status == CommentStatus.PENDING


# --- the audit log ----------------------------------------------------------------


def test_audit_viewer_filters_and_exports_csv(
    client: FlaskClient, goal: Goal, process: Process, moderator: User
) -> None:
    login_as(client, moderator)
    _bulk(client, "approve", _comment(goal, body="Erster"))
    other = make_process("other", participation_mode=ParticipationMode.ANONYMOUS)
    other_goal = make_goal(other, "9", "Anderes")
    admin = make_user("admin@example.org", "Admin", is_admin=True)
    login_as(client, admin)
    _bulk(client, "approve", _comment(other_goal, body="Zweiter"))

    staff = make_user("staff@example.org", "Staff", process=process, role=Role.STAFF)
    login_as(client, staff)
    page = _page(client, "/en/moderation/audit")
    assert "comment.approve" in page and "Moderatorin" in page and "Admin" not in page
    response = client.get("/en/moderation/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["action"], r["process"], r["actor"]) for r in rows] == [
        ("comment.approve", "hf12", "Moderatorin")
    ]

    login_as(client, admin)
    rows = list(csv.DictReader(io.StringIO(client.get("/en/moderation/audit.csv").text[1:])))
    assert {r["process"] for r in rows} == {"hf12", "other"}
    filtered = client.get(f"/en/moderation/audit.csv?actor={admin.id}").text[1:]
    assert [r["process"] for r in csv.DictReader(io.StringIO(filtered))] == ["other"]
    assert client.get("/en/moderation/audit?since=2000-01-01&until=2000-01-02").status_code == 200
    assert "No events match the filter." in _page(
        client, "/en/moderation/audit?since=2000-01-01&until=2000-01-02"
    )

    login_as(client, moderator)
    assert client.get("/en/moderation/audit").status_code == 403


def test_audit_csv_cells_are_never_formulas(
    client: FlaskClient, goal: Goal, process: Process
) -> None:
    sly = make_user("sly@example.org", '=HYPERLINK("http://evil")', is_admin=True)
    login_as(client, sly)
    _bulk(client, "approve", _comment(goal, body="+49 zum Ziel"))
    text = client.get("/en/moderation/audit.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["actor"] for r in rows] == ['\'=HYPERLINK("http://evil")']


def test_header_links_to_moderation_for_moderators_only(
    client: FlaskClient, moderator: User
) -> None:
    login_as(client, make_user())
    assert "/en/moderation/" not in _page(client, "/en/")
    login_as(client, moderator)
    assert "/en/moderation/" in _page(client, "/en/")
