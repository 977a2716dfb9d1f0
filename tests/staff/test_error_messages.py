"""ProcessError and GoalError carry a code and a field; the staff views map by code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.goals import editing as goal_editing
from app.goals import importer
from app.goals.editing import GoalError, GoalErrorCode
from app.goals.models import Goal
from app.processes import editing as process_editing
from app.processes.editing import ProcessError, ProcessErrorCode
from app.processes.models import PhaseKind, Process
from app.staff import goal_views, process_views
from tests.conftest import submit
from tests.factories import make_goal, make_process
from tests.staff.conftest import goal_form, process_form

BASE = "/en/staff"


def _raises(call: Any) -> Any:
    with pytest.raises((ProcessError, GoalError)) as caught:
        call()
    return caught.value


def _at(day: int) -> datetime:
    return datetime(2030, 1, day, tzinfo=UTC)


# --- the services raise codes ------------------------------------------------------------


def test_process_errors_carry_code_and_field(app: Flask, process: Process) -> None:
    bad = _raises(lambda: process_editing.create_process(slug="Bad Slug", title={}, actor=None))
    assert (bad.code, bad.field) == (ProcessErrorCode.INVALID_SLUG, "slug")
    assert str(bad) == "invalid slug"  # the plain message for logs stays
    taken = _raises(
        lambda: process_editing.update_process(make_process("other"), slug="hf12", actor=None)
    )
    assert (taken.code, taken.field) == (ProcessErrorCode.SLUG_TAKEN, "slug")
    backwards = _raises(
        lambda: process_editing.save_phase(
            process, kind=PhaseKind.PARTICIPATION, starts_at=_at(5), ends_at=_at(1), actor=None
        )
    )
    assert (backwards.code, backwards.field) == (
        ProcessErrorCode.PHASE_ENDS_BEFORE_START,
        "ends_at",
    )
    process_editing.save_phase(
        process, kind=PhaseKind.PARTICIPATION, starts_at=_at(1), ends_at=_at(10), actor=None
    )
    overlap = _raises(
        lambda: process_editing.save_phase(
            process, kind=PhaseKind.PARTICIPATION, starts_at=_at(5), ends_at=_at(20), actor=None
        )
    )
    assert (overlap.code, overlap.field) == (ProcessErrorCode.PHASE_OVERLAPS, "starts_at")


def test_goal_errors_carry_code_field_and_goal_code(app: Flask, process: Process) -> None:
    parent = make_goal(process, "1")
    child = make_goal(process, "1.1", parent=parent)
    taken = _raises(lambda: goal_editing.change_code(child, "1"))
    assert (taken.code, taken.field, taken.goal_code) == (GoalErrorCode.CODE_TAKEN, "code", "1")
    cycle = _raises(lambda: goal_editing.move_goal(parent, child, actor=None))
    assert (cycle.code, cycle.field) == (GoalErrorCode.MOVED_BELOW_ITSELF, "parent")
    foreign = make_goal(make_process("other"), "9")
    other = _raises(lambda: goal_editing.move_goal(child, foreign, actor=None))
    assert (other.code, other.field) == (GoalErrorCode.PARENT_IN_OTHER_PROCESS, "parent")


def test_every_code_has_a_message_in_the_views() -> None:
    assert set(process_views.PROCESS_ERRORS) == set(ProcessErrorCode)
    assert set(goal_views.GOAL_ERRORS) | {GoalErrorCode.CODE_TAKEN} == set(GoalErrorCode)


# --- the views map by code, not by message -----------------------------------------------


def test_process_view_maps_the_code_whatever_the_message(
    staff_client: FlaskClient, process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise ProcessError(ProcessErrorCode.SLUG_TAKEN, "reworded for the log", field="slug")

    monkeypatch.setattr(process_editing, "update_process", refuse)
    response = submit(staff_client, f"{BASE}/p/hf12/settings", process_form(slug="hf12"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="slug-error-1"' in page
    assert "This web address is already used by another process." in page
    assert "reworded for the log" not in page


def test_goal_taken_meanwhile_is_shown_next_to_the_code(
    staff_client: FlaskClient, process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    def taken(*_args: Any, **kwargs: Any) -> None:  # another tab created it just now
        raise GoalError(GoalErrorCode.CODE_TAKEN, "log text", field="code", goal_code="7")

    monkeypatch.setattr(goal_editing, "create_goal", taken)
    response = submit(staff_client, f"{BASE}/p/hf12/goals/new", goal_form("7", parent="0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="code-error-1"' in page
    assert "The code 7 is already used in this process." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) == 0


def test_edit_goal_taken_meanwhile_keeps_the_form(
    staff_client: FlaskClient, process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_goal(process, "1", "Alt")
    original = goal_editing.change_code

    def race(goal: Goal, code: str) -> None:
        make_goal(process, code)  # created by someone else after the form check
        original(goal, code)

    monkeypatch.setattr(goal_editing, "change_code", race)
    response = submit(staff_client, f"{BASE}/p/hf12/goals/1/edit", goal_form("2", "Neu"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The code 2 is already used in this process." in page
    assert 'value="Neu"' in page


def test_move_below_itself_message_by_code(
    staff_client: FlaskClient, process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_goal(process, "1")
    other = make_goal(process, "2")

    def cycle(
        *_args: Any, **_kwargs: Any
    ) -> None:  # the tree changed since the choices were offered
        raise GoalError(GoalErrorCode.MOVED_BELOW_ITSELF, "log text", field="parent")

    monkeypatch.setattr(goal_editing, "move_goal", cycle)
    url = f"{BASE}/p/hf12/goals/1/move"
    page = submit(staff_client, url, {"parent": str(other.id)}).get_data(as_text=True)
    assert 'id="parent-error-1"' in page
    assert "A goal cannot be moved below itself or one of its sub-goals." in page
    assert "log text" not in page


def test_import_reports_a_code_taken_meanwhile_in_the_users_words(
    app: Flask, process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    def taken(*_args: Any, code: str, **_kwargs: Any) -> None:
        raise GoalError(GoalErrorCode.CODE_TAKEN, "log text", field="code", goal_code=code)

    monkeypatch.setattr(importer, "insert_goal", taken)
    with app.test_request_context("/"):  # German, the default: an existing translation
        result = importer.import_text(process, "code,title_de\nA,Eins\n", "csv", author=None)
    assert result.errors == ["Zeile 2: Code A gibt es in diesem Verfahren bereits"]
