"""The staff area: permissions, process settings, phases, goals and the upload import."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.extensions import db
from app.goals.editing import siblings
from app.goals.models import Goal, GoalRevision
from app.goals.services import current_revision
from app.processes.models import ModerationMode, ParticipationMode, Phase, PhaseKind, Process
from tests.conftest import FIXTURES, csrf_token, login_as, submit
from tests.factories import make_goal, make_process, make_user
from tests.staff.conftest import goal_form, page_of, phase_form, process_form

BASE = "/en/staff"


@pytest.fixture
def admin(app: Flask) -> User:
    return make_user("admin@example.org", "Admin", is_admin=True)


def reload(obj: Any) -> Any:
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def goal(code: str) -> Goal:
    db.session.expire_all()
    return db.session.scalars(sa.select(Goal).where(Goal.code == code)).one()


def goal_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Goal)) or 0


# --- permissions -------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client: FlaskClient, process: Process) -> None:
    for url in (f"{BASE}/", f"{BASE}/p/hf12/", f"{BASE}/new"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/en/account/login" in response.headers["Location"]


def test_citizens_get_403(client: FlaskClient, process: Process) -> None:
    login_as(client, make_user())
    assert client.get(f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/p/hf12/").status_code == 403


def test_staff_of_another_process_gets_403(client: FlaskClient, process: Process) -> None:
    make_goal(process, "1")
    other = make_process("other", phase=None)
    login_as(client, make_user("o@example.org", "Other", process=other, role=Role.STAFF))
    assert client.get(f"{BASE}/p/hf12/").status_code == 403
    assert client.get(f"{BASE}/p/hf12/settings").status_code == 403
    token = csrf_token(client, f"{BASE}/p/other/")  # a valid form of their own process
    shift = {"csrf_token": token, "direction": "up"}
    assert client.post(f"{BASE}/p/hf12/goals/1/shift", data=shift).status_code == 403
    assert client.post(f"{BASE}/p/other/goals/1/shift", data=shift).status_code == 404
    page = page_of(client.get(f"{BASE}/"))
    assert f"{BASE}/p/other/" in page
    assert f"{BASE}/p/hf12/" not in page


def test_staff_see_their_process_but_cannot_create_one(staff_client: FlaskClient) -> None:
    page = page_of(staff_client.get(f"{BASE}/"))
    assert f"{BASE}/p/hf12/" in page
    assert "Create process" not in page
    assert staff_client.get(f"{BASE}/p/hf12/").status_code == 200
    assert staff_client.get(f"{BASE}/new").status_code == 403


def test_admin_sees_all_processes_and_the_create_button(
    client: FlaskClient, admin: User, process: Process
) -> None:
    make_process("other", phase=None, published=False)
    login_as(client, admin)
    page = page_of(client.get(f"{BASE}/"))
    assert f"{BASE}/p/hf12/" in page and f"{BASE}/p/other/" in page
    assert "Create process" in page


def test_admin_without_processes_sees_empty_state(client: FlaskClient, admin: User) -> None:
    login_as(client, admin)
    assert "There are no processes you can manage yet." in page_of(client.get(f"{BASE}/"))


def test_unknown_process_and_goal_give_404(staff_client: FlaskClient) -> None:
    assert staff_client.get(f"{BASE}/p/nope/").status_code == 404
    assert staff_client.get(f"{BASE}/p/hf12/goals/9.9/edit").status_code == 404
    assert staff_client.get(f"{BASE}/p/hf12/phases/999/edit").status_code == 404


# --- process settings ----------------------------------------------------------------


def test_admin_creates_a_process(client: FlaskClient, admin: User) -> None:
    login_as(client, admin)
    response = submit(client, f"{BASE}/new", process_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/p/mobility/")
    process = db.session.scalars(sa.select(Process).where(Process.slug == "mobility")).one()
    assert process.title == {"de": "Mobilität 2030", "en": "Mobility 2030"}
    assert process.summary == {"de": "Wie kommen wir voran?"}
    assert process.is_published is True
    assert process.participation_mode == ParticipationMode.GUEST
    assert process.moderation_mode == ModerationMode.PRE
    assert (process.report_threshold, process.comment_max_length) == (5, 2000)
    # the empty middle row is dropped
    assert process.level_names == [{"de": "Feld", "en": "Field"}, {"de": "Maßnahme"}]
    assert "The process has been created." in page_of(client.get(response.headers["Location"]))


def test_taken_slug_is_shown_next_to_the_field_and_input_kept(
    client: FlaskClient, admin: User, process: Process
) -> None:
    login_as(client, admin)
    response = submit(client, f"{BASE}/new", process_form(slug="hf12", title_en="My typed title"))
    page = page_of(response)
    assert response.status_code == 200
    assert 'id="slug-error-1"' in page
    assert "This web address is already used by another process." in page
    assert 'value="My typed title"' in page
    assert 'value="hf12"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Process)) == 1


def test_invalid_settings_show_errors_next_to_fields(client: FlaskClient, admin: User) -> None:
    login_as(client, admin)
    data = process_form(
        slug="Bad Slug",
        title_de="",
        comment_max_length="50",
        report_threshold="0",
        level_0_de="",
        level_0_en="",
        level_2_de="",
    )
    page = page_of(submit(client, f"{BASE}/new", data))
    for field in ("slug", "title_de", "comment_max_length", "report_threshold", "level_0_de"):
        assert f'id="{field}-error-1"' in page, field
    assert "Please name at least one level of the goal tree." in page
    assert 'value="Mobility 2030"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Process)) == 0


def test_staff_edit_settings_and_slug(staff_client: FlaskClient, process: Process) -> None:
    page = page_of(staff_client.get(f"{BASE}/p/hf12/settings"))
    assert 'value="Efficient administration"' in page
    assert 'value="Strategic goal"' in page
    data = process_form(slug="hf-12", is_published="", participation_mode="account")
    response = submit(staff_client, f"{BASE}/p/hf12/settings", data)
    assert response.headers["Location"].endswith(f"{BASE}/p/hf-12/")
    process = reload(process)
    assert process.slug == "hf-12"
    assert process.is_published is False
    assert process.participation_mode == ParticipationMode.ACCOUNT


def test_edit_with_taken_slug_keeps_input(staff_client: FlaskClient, process: Process) -> None:
    make_process("taken", phase=None)
    data = process_form(slug="taken", title_de="Neuer Titel")
    page = page_of(submit(staff_client, f"{BASE}/p/hf12/settings", data))
    assert 'id="slug-error-1"' in page
    assert 'value="Neuer Titel"' in page
    assert reload(process).slug == "hf12"


# --- phases ---------------------------------------------------------------------------


def phases(process: Process) -> list[Phase]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Phase).where(Phase.process_id == process.id).order_by(Phase.starts_at)
        )
    )


def test_add_phase_stores_berlin_days_as_utc(staff_client: FlaskClient, process: Process) -> None:
    url = f"{BASE}/p/hf12/phases/new"
    response = submit(staff_client, url, phase_form("2030-01-10", "2030-07-01"))
    assert response.status_code == 302
    (phase,) = phases(process)
    assert phase.kind == PhaseKind.PARTICIPATION
    assert phase.starts_at == datetime(2030, 1, 9, 23, 0, tzinfo=UTC)  # 00:00 CET = UTC+1
    assert phase.ends_at == datetime(2030, 7, 1, 21, 59, 59, tzinfo=UTC)  # 23:59:59 CEST
    edit_page = page_of(staff_client.get(f"{BASE}/p/hf12/phases/{phase.id}/edit"))
    assert 'value="2030-01-10"' in edit_page and 'value="2030-07-01"' in edit_page


def test_overlapping_phase_is_refused(staff_client: FlaskClient, process: Process) -> None:
    url = f"{BASE}/p/hf12/phases/new"
    submit(staff_client, url, phase_form("2030-01-01", "2030-02-01"))
    response = submit(staff_client, url, phase_form("2030-01-15", "2030-03-01"))
    page = page_of(response)
    assert response.status_code == 200
    assert 'id="starts_at-error-1"' in page
    assert "The phase overlaps another phase of this process." in page
    assert 'value="2030-01-15"' in page
    assert len(phases(process)) == 1


def test_phase_ending_before_start_is_refused(staff_client: FlaskClient, process: Process) -> None:
    url = f"{BASE}/p/hf12/phases/new"
    page = page_of(submit(staff_client, url, phase_form("2030-02-01", "2030-01-01")))
    assert 'id="ends_at-error-1"' in page
    assert phases(process) == []


def test_edit_and_delete_phase(staff_client: FlaskClient, process: Process) -> None:
    submit(
        staff_client,
        f"{BASE}/p/hf12/phases/new",
        phase_form("2030-01-01", "2030-02-01"),
    )
    (phase,) = phases(process)
    url = f"{BASE}/p/hf12/phases/{phase.id}/edit"
    data = phase_form("2030-01-01", "2030-03-01", kind="information")
    submit(staff_client, url, data | {"title_de": "Auftakt"})
    (phase,) = phases(process)
    assert phase.kind == PhaseKind.INFORMATION
    assert phase.title == {"de": "Auftakt"}
    delete_url = f"{BASE}/p/hf12/phases/{phase.id}/delete"
    assert staff_client.post(delete_url).status_code == 400  # no CSRF token
    response = submit(staff_client, delete_url, {}, form_url=f"{BASE}/p/hf12/")
    assert response.status_code == 302
    assert phases(process) == []


# --- goals ----------------------------------------------------------------------------


def test_create_goal_below_parent(staff_client: FlaskClient, process: Process) -> None:
    parent = make_goal(process, "12.1", "Verwaltung entwickeln")
    url = f"{BASE}/p/hf12/goals/new?parent=12.1"
    assert f'<option selected value="{parent.id}">' in page_of(staff_client.get(url))
    data = goal_form("12.1.1", "Kultur stärken", body_de="Text", parent=str(parent.id))
    response = submit(staff_client, url, data)
    assert response.status_code == 302
    created = goal("12.1.1")
    assert created.parent_id == parent.id and created.level == 1
    revision = current_revision(created)
    assert revision.number == 1
    assert revision.title == {"de": "Kultur stärken"} and revision.body == {"de": "Text"}


def test_create_goal_needs_title_and_free_code(staff_client: FlaskClient, process: Process) -> None:
    make_goal(process, "1")
    url = f"{BASE}/p/hf12/goals/new"
    page = page_of(submit(staff_client, url, goal_form("1", parent="0")))
    assert "The code 1 is already used in this process." in page
    page = page_of(submit(staff_client, url, goal_form("2", "", title_en="Only English")))
    assert 'id="title_de-error-1"' in page
    assert 'value="Only English"' in page
    page = page_of(submit(staff_client, url, goal_form("a/b", parent="0")))
    assert 'id="code-error-1"' in page
    assert goal_count() == 1


def test_edit_goal_creates_revision_2(staff_client: FlaskClient, process: Process) -> None:
    make_goal(process, "1", "Alt")
    url = f"{BASE}/p/hf12/goals/1/edit"
    assert 'value="Alt"' in page_of(staff_client.get(url))
    data = goal_form("1", "Neu", title_en="New", change_note="Titel geschärft")
    response = submit(staff_client, url, data)
    assert response.status_code == 302
    revision = current_revision(goal("1"))
    assert revision.number == 2
    assert revision.title == {"de": "Neu", "en": "New"}
    assert revision.change_note == "Titel geschärft"
    assert current_revision(goal("1")).number == 2


def test_edit_without_changes_creates_no_revision(
    staff_client: FlaskClient, process: Process
) -> None:
    make_goal(process, "1", "Gleich")
    url = f"{BASE}/p/hf12/goals/1/edit"
    response = submit(staff_client, url, goal_form("1", "Gleich"), follow_redirects=True)
    assert "No changes" in page_of(response)
    assert current_revision(goal("1")).number == 1


def test_edit_code_only(staff_client: FlaskClient, process: Process) -> None:
    make_goal(process, "1", "Titel")
    make_goal(process, "2", "Anderes")
    url = f"{BASE}/p/hf12/goals/1/edit"
    page = page_of(submit(staff_client, url, goal_form("2", "Titel")))
    assert 'id="code-error-1"' in page
    submit(staff_client, url, goal_form("1a", "Titel"))
    renamed = goal("1a")
    assert current_revision(renamed).number == 1
    assert staff_client.get(url).status_code == 404


def test_move_goal_and_cycle_is_refused(staff_client: FlaskClient, process: Process) -> None:
    top = make_goal(process, "1")
    child = make_goal(process, "1.1", parent=top)
    grandchild = make_goal(process, "1.1.1", parent=child)
    other = make_goal(process, "2")
    url = f"{BASE}/p/hf12/goals/1/move"
    page = page_of(staff_client.get(url))
    assert f'value="{other.id}"' in page
    assert f'value="{grandchild.id}"' not in page  # its own subtree is not offered
    response = submit(staff_client, url, {"parent": str(grandchild.id)})
    assert response.status_code == 200
    assert 'id="parent-error-1"' in page_of(response)
    assert goal("1").parent_id is None
    response = submit(staff_client, url, {"parent": str(other.id)})
    assert response.status_code == 302
    assert goal("1").parent_id == other.id
    assert goal("1.1.1").level == 3


def test_reorder_goals_up_and_down(staff_client: FlaskClient, process: Process) -> None:
    for code in ("1", "2", "3"):
        make_goal(process, code)
    overview = f"{BASE}/p/hf12/"

    def shift(code: str, direction: str) -> Any:
        url = f"{BASE}/p/hf12/goals/{code}/shift"
        return submit(staff_client, url, {"direction": direction}, form_url=overview)

    def order() -> list[str]:
        return [g.code for g in siblings(goal("1"))]

    assert shift("3", "up").status_code == 302
    assert order() == ["1", "3", "2"]
    shift("1", "down")
    assert order() == ["3", "1", "2"]
    response = shift("3", "up")
    assert response.status_code == 302
    assert order() == ["3", "1", "2"]
    assert shift("1", "sideways").status_code == 400


def test_overview_shows_tree_phases_and_actions(
    staff_client: FlaskClient, process: Process
) -> None:
    top = make_goal(process, "12.1", "Verwaltung entwickeln")
    make_goal(process, "12.1.1", "Kultur", parent=top)
    page = page_of(staff_client.get(f"{BASE}/p/hf12/"))
    assert "Verwaltung entwickeln" in page
    assert f"{BASE}/p/hf12/goals/12.1.1/edit" in page
    assert f"{BASE}/p/hf12/goals/12.1/move" in page
    assert f"{BASE}/p/hf12/settings" in page
    assert f"{BASE}/p/hf12/phases/new" in page
    assert f"{BASE}/p/hf12/import" in page
    assert "No phases have been scheduled yet." in page
    assert "style=" not in page and "<script" not in page


# --- import upload ----------------------------------------------------------------------


def upload(client: FlaskClient, name: str, data: bytes | None = None) -> Any:
    content = (FIXTURES / name).read_bytes() if data is None else data
    return submit(
        client,
        f"{BASE}/p/hf12/import",
        {"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_upload_import_succeeds(staff_client: FlaskClient, process: Process, staff: User) -> None:
    response = upload(staff_client, "goals.csv")
    assert response.status_code == 302
    assert goal_count() == 4
    revision = current_revision(goal("12.1.1"))
    assert revision.author_id == staff.id
    assert "4 goals imported." in page_of(staff_client.get(response.headers["Location"]))


def test_upload_import_lists_all_errors_and_writes_nothing(
    staff_client: FlaskClient, process: Process
) -> None:
    make_goal(process, "keep")
    response = upload(staff_client, "goals_bad.yaml")
    page = page_of(response)
    assert response.status_code == 200
    assert "The file has 4 problems. Nothing was imported." in page
    assert "line 4: missing code" in page
    assert "line 8: duplicate code 1 (first on line 1)" in page
    assert goal_count() == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GoalRevision)) == 1


def test_upload_refuses_other_file_types(staff_client: FlaskClient, process: Process) -> None:
    page = page_of(upload(staff_client, "goals.txt", b"code\n1\n"))
    assert "Please upload a YAML or CSV file." in page
    assert goal_count() == 0
