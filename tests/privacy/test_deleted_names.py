"""A deleted account in every language: its comments show "deleted user" translated
(the author is stored as NULL, not as German text), and its audit events show
"deleted account" while events no person caused show "system"."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.audit.services import record
from app.comments.models import Comment
from app.extensions import db
from app.goals.models import Goal
from app.privacy.erasure import erase
from app.privacy.subjects import of_user
from tests.conftest import login_as
from tests.factories import make_comment, make_goal, make_participant, make_process, make_user


def _audit_rows(client: FlaskClient, lang: str) -> list[dict[str, str]]:
    text = client.get(f"/{lang}/moderation/audit.csv").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_deleted_staff_account_is_no_system(app: Flask, client: FlaskClient) -> None:
    process = make_process("names")
    staff = make_user("staff@example.org", "Sachbearbeiterin", is_admin=True)
    record("process.update", process, actor=staff, process_id=process.id)
    record("privacy.retention", "retention", actor=None)  # a real system event
    db.session.commit()
    erase(of_user(staff), remove_contributions=False)
    db.session.commit()
    events = {e.action: e for e in db.session.scalars(sa.select(AuditEvent))}
    assert events["process.update"].actor_id is None
    assert events["process.update"].actor_deleted
    assert not events["privacy.retention"].actor_deleted
    assert not events["account.delete"].actor_deleted  # erasure itself: the system

    login_as(client, make_user("admin@example.org", "Admin", is_admin=True))
    for lang, deleted, system in (
        ("en", "deleted account", "system"),
        ("de", "gelöschtes Konto", "System"),
    ):
        actors = {r["action"]: r["actor"] for r in _audit_rows(client, lang)}
        assert actors["process.update"] == deleted
        assert actors["privacy.retention"] == system and actors["account.delete"] == system
        page = client.get(f"/{lang}/moderation/audit").get_data(as_text=True)
        assert f'<td class="kern-table__cell">{deleted}</td>' in page
        assert f'<td class="kern-table__cell">{system}</td>' in page


def test_a_deleted_authors_comment_follows_the_language(app: Flask, client: FlaskClient) -> None:
    process = make_process("words")
    goal = make_goal(process, "1", "Ziel")
    author = make_user("anna@example.org", "Anna")
    comment = make_comment(goal, "Bleibt stehen", author=make_participant("Anna", user=author))
    db.session.commit()
    erase(of_user(author), remove_contributions=False)
    db.session.commit()
    stored = db.session.get(Comment, comment.id)
    assert stored is not None and stored.author_name is None
    for lang, label in (
        ("en", "deleted user"),
        ("de", "gelöschte:r Nutzer:in"),
        ("uk", "видалений користувач"),
    ):
        html = client.get(f"/{lang}/p/words/goals/1").get_data(as_text=True)
        assert f"<bdi>{label}</bdi>" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 1
