"""119 hostile strings (tests/security/payloads.py: OWASP XSS filter evasion, SQL and
template injection, CSV injection) posted through the comment form, and the short ones
as display names through registration. They must be inert everywhere they come out:
the pages (no element, attribute or URL they create), the mails (plain text only),
the API (JSON, stored text returned unchanged) and the export (formula cells
neutralised)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.comments.models import Comment
from app.exports.models import ExportJob
from app.extensions import db
from tests.conftest import login_as, submit
from tests.factories import make_goal, make_process, make_user
from tests.security.inert import problems
from tests.security.payloads import PAYLOADS

GOAL = "/en/p/hf12/goals/1"


@pytest.fixture
def posted(app: Flask, client: FlaskClient) -> list[Comment]:
    process = make_process()
    make_goal(process, "1", "Ziel")
    login_as(client, make_user())
    for payload in PAYLOADS:
        response = submit(
            client,
            GOAL,
            {"body": payload, "kind": "suggestion", "stakeholder_group": "citizen"},
        )
        assert response.status_code == 302, (payload, response.status_code)
    comments = list(db.session.scalars(sa.select(Comment).order_by(Comment.id)))
    assert len(comments) == len(PAYLOADS) >= 100
    return comments


def test_the_baseline_page_has_nothing_the_inspector_flags(client: FlaskClient) -> None:
    make_goal(make_process(), "1", "Ziel")
    assert problems(client.get(GOAL).get_data(as_text=True)) == []


def test_payloads_in_comments_are_inert_in_pages_api_and_export(
    app: Flask, client: FlaskClient, posted: list[Comment]
) -> None:
    """One data set (posting 119 comments is the slow part) for the three outputs."""
    _inert_in_pages(client, posted)
    _unchanged_in_the_api(client, posted)
    _neutralised_in_the_export(client, posted)


def _inert_in_pages(client: FlaskClient, posted: list[Comment]) -> None:
    for comment in posted:
        page = client.get(f"{GOAL}/comments/{comment.id}/reply").get_data(as_text=True)
        assert problems(page) == [], comment.body
    goal_page = client.get(GOAL).get_data(as_text=True)
    assert problems(goal_page) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(
        f"{GOAL}/comments/{posted[0].id}/reply"
    ).get_data(as_text=True)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _unchanged_in_the_api(client: FlaskClient, posted: list[Comment]) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        response = client.get("/api/v1/processes/hf12/contributions", query_string=query)
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        data = response.get_json()
        seen += _strings(data["items"])
        cursor = data.get("next_cursor")
        if not cursor:
            break
    assert {comment.body for comment in posted} <= set(seen)


def _neutralised_in_the_export(client: FlaskClient, posted: list[Comment]) -> None:
    """CSV and XLSX: every payload is there, none is a formula."""
    admin = make_user("admin@example.org", is_admin=True)
    login_as(client, admin)
    form = {"kind": "assessment", "format": "csv", "language": "en"}
    assert submit(client, "/en/staff/exports/p/hf12/", form).status_code == 302
    job = db.session.scalars(sa.select(ExportJob)).one()
    download = client.get(f"/en/staff/exports/p/hf12/{job.id}/download")
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    bodies = {comment.body for comment in posted}
    found = [cell for cell in cells if cell in bodies or cell[1:] in bodies]
    assert bodies - {cell if cell in bodies else cell[1:] for cell in found} == set()
    assert sum(1 for cell in found if cell.startswith("'")) >= 5  # the formula payloads
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    form["format"] = "xlsx"
    assert submit(client, "/en/staff/exports/p/hf12/", form).status_code == 302
    xlsx = db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id.desc())).first()
    assert xlsx is not None
    workbook = load_workbook(
        io.BytesIO(client.get(f"/en/staff/exports/p/hf12/{xlsx.id}/download").data)
    )
    values = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in values if c.data_type == "f"]  # no formula cell
    texts = {str(c.value) for c in values if c.value is not None}
    assert bodies <= texts | {t[1:] for t in texts}


def test_payloads_as_display_names_are_plain_text_in_mails_and_escaped_in_pages(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    names = [payload for payload in PAYLOADS if 2 <= len(payload) <= 80][:25]
    for number, name in enumerate(names):
        data = {
            "email": f"xss{number}@example.org",
            "display_name": name,
            "password": "long enough password",
            "password_confirm": "long enough password",
        }
        response = submit(app.test_client(), "/en/account/register", data)
        assert response.status_code == 302, name
    assert len(outbox) == len(names)
    for mail in outbox:
        assert not getattr(mail, "alternatives", [])  # no HTML part
    users = db.session.scalars(sa.text('SELECT id FROM "user" ORDER BY id')).all()
    for user_id in users:
        viewer = app.test_client()
        with viewer.session_transaction() as session:
            session["_user_id"] = str(user_id)
        assert problems(viewer.get("/en/").get_data(as_text=True)) == []
