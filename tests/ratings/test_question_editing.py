"""Staff edit a process's rating questions: add, reword, reorder and remove them
until the first rating arrives; after it only their texts change."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.audit.models import AuditEvent
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from app.ratings import editing, services
from app.ratings.models import RatingQuestion, ScaleKind
from tests.conftest import csrf_token
from tests.factories import make_goal, make_participant, make_ratings

BASE = "/en/staff/p/hf12/rating-questions"


def _questions(process: Process) -> list[RatingQuestion]:
    db.session.expire_all()
    return services.rating_questions(process)


def _keys(process: Process) -> list[str]:
    return [q.key for q in _questions(process)]


def _post(client: FlaskClient, url: str, data: dict[str, Any], form_url: str = BASE + "/") -> Any:
    return client.post(url, data={"csrf_token": csrf_token(client, form_url), **data})


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def _error(page: str, field: str) -> str:
    match = re.search(
        rf'id="{re.escape(field)}-error-1"[^>]*>.*?<span class="kern-body">(.*?)</span>', page, re.S
    )
    return match.group(1) if match else ""


@pytest.fixture
def goals(process: Process) -> tuple[Goal, Goal]:
    top = make_goal(process, "1", "Oberziel")
    child = make_goal(process, "1.1", "Unterziel", parent=top)
    assert (top.level, child.level) == (0, 1)
    return top, child


def test_list_shows_the_default_questions_with_actions(
    staff_client: FlaskClient, process: Process
) -> None:
    page = staff_client.get(BASE + "/").get_data(as_text=True)
    assert page.count('class="kern-table__row"') == 1 + 3  # header and three questions
    assert "Add rating question" in page and "Move down" in page and "Delete" in page
    assert 'id="questions-locked"' not in page


def test_add_a_question_in_every_language_limited_to_a_level(
    staff_client: FlaskClient, process: Process, goals: tuple[Goal, Goal]
) -> None:
    data = {
        "prompt_de": "Ist das Ziel verständlich?",
        "prompt_en": "Is the goal clear?",
        "prompt_ar": "هل الهدف واضح؟",
        "scale": "yes_no_undecided",
        "goal_level": "1",
    }
    response = _post(staff_client, BASE + "/new", data, BASE + "/new")
    assert response.status_code == 302 and response.headers["Location"].endswith(BASE + "/")
    added = _questions(process)[-1]
    assert added.scale == ScaleKind.YES_NO_UNDECIDED and added.goal_level == 1
    assert added.prompt == {
        "de": "Ist das Ziel verständlich?",
        "en": "Is the goal clear?",
        "ar": "هل الهدف واضح؟",
    }
    assert added.key not in {"direction", "importance", "ambition"}
    assert "rating_question.create" in _actions()
    top, child = goals
    assert added not in services.rating_questions(process, top)  # a level-0 goal
    assert added in services.rating_questions(process, child)
    goal_page = staff_client.get("/en/p/hf12/goals/1.1").get_data(as_text=True)
    assert "Is the goal clear?" in goal_page
    assert "Is the goal clear?" not in staff_client.get("/en/p/hf12/goals/1").get_data(as_text=True)


def test_a_question_without_the_default_language_is_refused_input_kept(
    staff_client: FlaskClient, process: Process
) -> None:
    data = {"prompt_en": "Only English", "scale": "importance", "goal_level": ""}
    response = _post(staff_client, BASE + "/new", data, BASE + "/new")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "default language of the process" in _error(page, "prompt_de")
    assert 'value="Only English"' in page
    assert len(_questions(process)) == 3


def test_reword_reorder_and_remove(staff_client: FlaskClient, process: Process) -> None:
    first, second, third = _questions(process)
    url = f"{BASE}/{first.id}/edit"
    data = {"prompt_de": "Stimmen Sie der Richtung zu?", "prompt_en": "Agree?"}
    response = _post(staff_client, url, data | {"scale": "agreement", "goal_level": ""}, url)
    assert response.status_code == 302
    assert _questions(process)[0].prompt == {"de": "Stimmen Sie der Richtung zu?", "en": "Agree?"}

    response = _post(staff_client, f"{BASE}/{first.id}/move", {"direction": "down"})
    assert response.status_code == 302
    assert _keys(process) == [second.key, first.key, third.key]
    _post(staff_client, f"{BASE}/{third.id}/move", {"direction": "up"})
    assert _keys(process) == [second.key, third.key, first.key]
    _post(staff_client, f"{BASE}/{second.id}/move", {"direction": "up"})  # at the top: no change
    assert _keys(process) == [second.key, third.key, first.key]

    assert _post(staff_client, f"{BASE}/{third.id}/delete", {}).status_code == 302
    assert _keys(process) == [second.key, first.key]
    assert {"rating_question.update", "rating_question.move", "rating_question.delete"} <= set(
        _actions()
    )


def test_the_last_question_stays(staff_client: FlaskClient, process: Process) -> None:
    first, second, third = _questions(process)
    for question in (first, second):
        _post(staff_client, f"{BASE}/{question.id}/delete", {})
    response = _post(staff_client, f"{BASE}/{third.id}/delete", {})
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "at least one rating question" in page
    assert _keys(process) == [third.key]


def test_after_the_first_rating_only_texts_change(
    staff_client: FlaskClient, process: Process, goals: tuple[Goal, Goal]
) -> None:
    make_ratings(goals[0])
    first, second, third = _questions(process)
    page = staff_client.get(BASE + "/").get_data(as_text=True)
    assert 'id="questions-locked"' in page
    assert "Add rating question" not in page and "Move down" not in page
    assert "Delete" not in page

    for url, data in (
        (BASE + "/new", {"prompt_de": "Neu", "scale": "importance", "goal_level": ""}),
        (f"{BASE}/{first.id}/move", {"direction": "down"}),
        (f"{BASE}/{third.id}/delete", {}),
    ):
        response = _post(staff_client, url, data)
        assert response.status_code == 302
        message = staff_client.get(response.headers["Location"]).get_data(as_text=True)
        assert "can no longer be added, removed, moved" in message
    assert _keys(process) == [first.key, second.key, third.key]

    url = f"{BASE}/{first.id}/edit"
    edit_page = staff_client.get(url).get_data(as_text=True)
    assert 'id="question-locked"' in edit_page and 'name="scale"' not in edit_page
    crafted = {"prompt_de": "Neuer Text", "scale": "importance", "goal_level": "1"}
    assert _post(staff_client, url, crafted, url).status_code == 302
    changed = _questions(process)[0]
    assert changed.prompt["de"] == "Neuer Text"
    assert changed.scale == first.scale and changed.goal_level is None  # kept


def test_the_service_refuses_structure_changes_after_ratings(
    app: Flask, process: Process, goals: tuple[Goal, Goal]
) -> None:
    make_ratings(goals[0])
    question = _questions(process)[0]
    with pytest.raises(editing.RatingQuestionError) as refused:
        editing.update_question(
            question, prompt={"de": "x"}, scale=ScaleKind.IMPORTANCE, actor=None
        )
    assert refused.value.code == editing.RatingQuestionErrorCode.LOCKED
    with pytest.raises(editing.RatingQuestionError):
        editing.add_question(process, scale=ScaleKind.AGREEMENT, prompt={"de": "x"}, actor=None)
    with pytest.raises(editing.RatingQuestionError):
        editing.delete_question(question, actor=None)


def test_a_rating_of_a_question_not_asked_about_the_goal_is_refused(
    app: Flask, process: Process, goals: tuple[Goal, Goal]
) -> None:
    only_children = editing.add_question(
        process,
        scale=ScaleKind.IMPORTANCE,
        prompt={"de": "Nur Unterziele"},
        goal_level=1,
        actor=None,
    )
    db.session.commit()
    top, child = goals
    with pytest.raises(services.RatingError):
        services.save_ratings(process, top, make_participant(), {only_children.id: 3})
    db.session.rollback()
    services.save_ratings(process, child, make_participant("Zweite"), {only_children.id: 3})
    db.session.commit()


def test_a_goal_with_no_question_for_its_level_shows_no_rating_section(
    client: FlaskClient, process: Process, goals: tuple[Goal, Goal]
) -> None:
    for question in _questions(process):
        editing.update_question(question, prompt=dict(question.prompt), goal_level=1, actor=None)
    db.session.commit()
    assert 'id="rating-heading"' not in client.get("/en/p/hf12/goals/1").get_data(as_text=True)
    assert 'id="rating-heading"' in client.get("/en/p/hf12/goals/1.1").get_data(as_text=True)
