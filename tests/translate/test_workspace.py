"""The translation workspace: the report of missing translations and the editor."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import current_revision
from app.processes.models import Process
from app.surveys.builder import structure as survey_editing
from app.surveys.models import Option, QuestionKind, Survey
from tests.conftest import counting_queries, login_as, submit
from tests.factories import make_goal, make_process, make_user

REPORT = "/en/staff/translate/p/hf12/"
EDITOR = "/en/staff/translate/p/hf12/en"


def _page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.get_data(as_text=True))


def _missing_count(page: str, lang: str) -> int:
    match = re.search(
        rf'data-lang="{lang}">.*?kern-table__cell--numeric">(\d+)</td>', page, re.DOTALL
    )
    assert match, f"no row for {lang}"
    return int(match.group(1))


def _survey(process: Process) -> Survey:
    survey = survey_editing.create_survey(
        slug="umfrage", title={"de": "Umfrage Mobilität"}, process_id=process.id
    )
    section = survey_editing.create_section(survey, title={"de": "Seite eins"})
    survey_editing.create_question(
        section,
        kind=QuestionKind.SINGLE_CHOICE,
        prompt={"de": "Wie kommen Sie zur Arbeit?", "en": "How do you get to work?"},
        options=[{"label": {"de": "Fahrrad"}}, {"label": {"de": "Bus", "en": "Bus"}}],
    )
    db.session.commit()
    return survey


# --- the report --------------------------------------------------------------------


def test_report_counts_missing_texts_per_language_and_links_to_the_editor(
    staff_client: FlaskClient, process: Process
) -> None:
    make_goal(process, "1", "Digitale Verwaltung", body="Alle Anträge online.")
    _survey(process)
    page = _page(staff_client.get(REPORT))
    # en: process summary, goal title + body, survey title, page title, option "Fahrrad"
    assert _missing_count(page, "en") == 6
    assert 'data-lang="de"' not in page  # the process's own language is not listed
    # tr lacks everything but nothing in German-only: 1 + 2 + 3 (title, prompt, Fahrrad...)
    assert _missing_count(page, "tr") > _missing_count(page, "en")
    assert "Goal 1" in page and "Survey “Umfrage Mobilität”" in page
    goal = db.session.scalars(sa.select(Goal)).one()
    link = f"{EDITOR}?page=1#t_goal_{goal.id}_body"
    assert link.replace("&", "&amp;") in page


def test_report_queries_do_not_grow_with_the_number_of_goals(
    staff_client: FlaskClient, process: Process
) -> None:
    _survey(process)
    for code in ("1", "2"):
        make_goal(process, code, f"Ziel {code}", body="Text")
    small = _count_queries(staff_client, REPORT)
    for number in range(3, 30):
        make_goal(process, str(number), f"Ziel {number}", body="Text", easy="Leicht")
    large = _count_queries(staff_client, REPORT)
    assert small == large


def _count_queries(client: FlaskClient, url: str) -> int:
    db.session.expire_all()
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", [REPORT, EDITOR])
def test_only_staff_of_the_process_may_translate(
    app: Flask, client: FlaskClient, process: Process, url: str
) -> None:
    other = make_process("other")
    login_as(client, make_user("o@example.org", "Other", process=other, role=Role.STAFF))
    assert client.get(url).status_code == 403
    moderator = make_user("m@example.org", "Mod", process=process, role=Role.MODERATOR)
    login_as(client, moderator)
    assert client.get(url).status_code == 403
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_unknown_language_is_not_found(staff_client: FlaskClient, process: Process) -> None:
    assert staff_client.get("/en/staff/translate/p/hf12/xx").status_code == 404


# --- the editor --------------------------------------------------------------------


def test_editor_shows_the_original_beside_an_input_in_the_target_language(
    staff_client: FlaskClient, process: Process
) -> None:
    goal = make_goal(process, "1", "Digitale Verwaltung", body="Alle Anträge online.")
    page = _page(staff_client.get("/en/staff/translate/p/hf12/ar"))
    assert re.search(
        rf'id="source-goal_{goal.id}_body" lang="de" dir="ltr">Alle Anträge online.</div>', page
    )
    field = re.search(rf'<textarea[^>]*name="t_goal_{goal.id}_body"[^>]*>', page)
    assert field and 'lang="ar"' in field.group(0) and 'dir="rtl"' in field.group(0)
    assert f'aria-describedby="source-goal_{goal.id}_body"' in field.group(0)
    title = re.search(rf'<input[^>]*name="t_goal_{goal.id}_title"[^>]*>', page)
    assert title and 'lang="ar"' in title.group(0)


def test_saving_writes_only_changed_texts_with_one_revision_per_goal_and_one_audit_event(
    staff_client: FlaskClient, process: Process
) -> None:
    one = make_goal(process, "1", "Digitale Verwaltung", body="Alle Anträge online.")
    two = make_goal(process, "2", "Gute Arbeit")
    data = {
        f"t_goal_{one.id}_title": "Digital administration",
        f"t_goal_{one.id}_body": "All applications online.\r\nEverywhere.",
        f"t_process_{process.id}_summary": "Draft of the goals.",
        f"t_goal_{two.id}_title": "",  # left empty: no change, no revision
    }
    response = submit(staff_client, EDITOR, data)
    assert response.status_code == 302
    assert "show=missing" in response.headers["Location"]
    page = _page(staff_client.get(response.headers["Location"]))
    assert "3 translations have been saved." in page

    db.session.expire_all()
    revision = current_revision(db.session.get(Goal, one.id))
    assert revision.number == 2
    assert revision.title == {"de": "Digitale Verwaltung", "en": "Digital administration"}
    assert revision.body["en"] == "All applications online.\nEverywhere."
    assert revision.change_note in ("Übersetzung (en)", "Translation (en)")  # de catalog later
    assert current_revision(db.session.get(Goal, two.id)).number == 1
    assert db.session.get(Process, process.id).summary == {
        "de": "Entwurf der Ziele.",
        "en": "Draft of the goals.",
    }
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "content.translate")
    ).all()
    assert len(events) == 1
    assert events[0].after["texts"] == {
        f"goal_{one.id}_title": "Digital administration",
        f"goal_{one.id}_body": "All applications online.\nEverywhere.",
        f"process_{process.id}_summary": "Draft of the goals.",
    }
    assert events[0].before["texts"][f"goal_{one.id}_title"] == ""


def test_too_long_text_is_refused_next_to_the_field_and_the_typed_text_stays(
    staff_client: FlaskClient, process: Process
) -> None:
    goal = make_goal(process, "1", "Digitale Verwaltung", body="Text")
    too_long = "x" * 501
    data = {f"t_goal_{goal.id}_title": too_long, f"t_goal_{goal.id}_body": "Kept text"}
    page = _page(submit(staff_client, EDITOR, data))
    assert "error-summary" in page
    assert f'id="t_goal_{goal.id}_title-error-1"' in page
    assert too_long in page and "Kept text" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalRevision)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_a_translation_saved_meanwhile_is_not_overwritten(
    app: Flask, staff_client: FlaskClient, process: Process
) -> None:
    make_goal(process, "1", "Ziel")
    key = f"t_process_{process.id}_summary"
    shown = _page(staff_client.get(EDITOR))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', shown)
    stamp = re.search(rf'name="shown_process_{process.id}_summary" value="([^"]+)"', shown)
    assert token and stamp
    process.summary = {"de": "Entwurf der Ziele.", "en": "Saved by a colleague."}
    db.session.commit()
    data = {
        "csrf_token": token.group(1),
        key: "My version",
        f"shown_process_{process.id}_summary": stamp.group(1),
    }
    page = _page(staff_client.post(EDITOR, data=data))
    assert "Someone else changed this translation meanwhile" in page
    assert "Saved by a colleague." in page and "My version" in page
    db.session.expire_all()
    assert db.session.get(Process, process.id).summary["en"] == "Saved by a colleague."
    # Left as shown (empty): the colleague's text stays, silently.
    data[key] = ""
    assert staff_client.post(EDITOR, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Process, process.id).summary["en"] == "Saved by a colleague."


def test_pagination_keeps_the_filter(staff_client: FlaskClient, process: Process) -> None:
    for number in range(1, 21):
        make_goal(process, str(number), f"Ziel {number}", body="Text")
    page = _page(staff_client.get(EDITOR))
    assert "41 texts without a translation" in page
    assert "Page 1 of 2" in page
    assert f"{EDITOR}?show=missing&amp;page=2" in page
    second = _page(staff_client.get(f"{EDITOR}?show=missing&page=2"))
    assert "Page 2 of 2" in second and f"{EDITOR}?show=missing&amp;page=1" in second
    everything = _page(staff_client.get(f"{EDITOR}?show=all"))
    assert "show=all&amp;page=2" in everything
    title = re.search(rf'<input[^>]*name="t_process_{process.id}_title"[^>]*>', everything)
    assert title and 'value="Efficient administration"' in title.group(0)


def test_empty_state_when_everything_is_translated(
    staff_client: FlaskClient, process: Process
) -> None:
    process.summary = {"de": "Entwurf", "en": "Draft"}
    db.session.commit()
    page = _page(staff_client.get(EDITOR))
    assert 'id="empty-state"' in page
    assert "Every text has been translated into English." in page
    assert "<textarea" not in page


def test_survey_texts_are_translated_in_place(staff_client: FlaskClient, process: Process) -> None:
    survey = _survey(process)
    bike = db.session.scalars(sa.select(Option).where(Option.value == "1")).one()
    data = {
        f"t_survey_{survey.id}_title": "Mobility survey",
        f"t_option_{bike.id}_label": "Bicycle",
    }
    assert submit(staff_client, EDITOR, data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Option, bike.id).label == {"de": "Fahrrad", "en": "Bicycle"}
    assert db.session.get(Survey, survey.id).title["en"] == "Mobility survey"
    page = _page(staff_client.get(REPORT))
    assert _missing_count(page, "en") == 2  # process summary, page title


def test_process_page_links_to_the_translations(
    staff_client: FlaskClient, process: Process
) -> None:
    page = _page(staff_client.get("/en/staff/p/hf12/"))
    assert f'href="{REPORT}"' in page
