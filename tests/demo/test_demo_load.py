"""`flask demo load`: two demo processes, four demo logins, idempotent."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import ProcessRole, Role, User
from app.accounts.services import check_password, find_user_by_email
from app.core.policy import can_manage_process, is_admin
from app.demo.content import DEMO_PASSWORD, USERS
from app.extensions import db
from app.goals.models import Goal, GoalRevision
from app.goals.services import current_revisions, process_goals
from app.processes.models import ModerationMode, ParticipationMode, Phase, PhaseKind, Process

HF12 = "hf12-verwaltung"
COUNTY = "landkreis-strategie-2035"
OPERATIVE_CODES = [
    f"12.{strategic}.{number}"
    for strategic, count in enumerate((3, 3, 6, 5, 3), start=1)
    for number in range(1, count + 1)
]
ADDED_AFTER_PARTICIPATION = "12.5.4"  # the demo Abwägung adds it (app/demo/evaluation.py)


def _load(runner: Any, *args: str) -> Any:
    result = runner.invoke(args=["demo", "load", *args])
    assert result.exit_code == 0, result.output
    return result


def _process(slug: str) -> Process:
    return db.session.scalars(sa.select(Process).where(Process.slug == slug)).one()


def _titles(process: Process) -> dict[str, dict[str, str]]:
    goals = process_goals(process.id)
    revisions = current_revisions(g.id for g in goals)
    return {g.code: revisions[g.id].title for g in goals}


def _count(model: type) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_load_creates_both_processes_with_their_goal_trees(app: Flask, runner: Any) -> None:
    _load(runner)
    assert {p.slug for p in db.session.scalars(sa.select(Process))} == {HF12, COUNTY}

    hf12 = _process(HF12)
    assert hf12.is_published
    assert hf12.participation_mode == ParticipationMode.ACCOUNT
    assert hf12.moderation_mode == ModerationMode.POST
    assert [name["de"] for name in hf12.level_names] == [
        "Handlungsfeld",
        "Strategisches Ziel",
        "Operatives Ziel",
    ]
    titles = _titles(hf12)
    assert len(OPERATIVE_CODES) == 20
    expected = [
        "12",
        *(f"12.{n}" for n in range(1, 6)),
        *OPERATIVE_CODES,
        ADDED_AFTER_PARTICIPATION,
    ]
    assert sorted(titles) == sorted(expected)
    assert titles["12"]["de"] == "Leistungsfähige und lernende Verwaltung"
    assert titles["12.1"]["de"] == "Zukunftsorientierte Verwaltungsentwicklung vorantreiben"
    assert f"12.1.1 {titles['12.1.1']['de']}" == "12.1.1 Motivierende Organisationskultur stärken"
    assert f"12.5.3 {titles['12.5.3']['de']}" == "12.5.3 Vielfalt in der Partizipation ermöglichen"

    goals = {g.code: g for g in process_goals(hf12.id)}
    assert [g.level for g in goals.values()].count(0) == 1
    for code in [*OPERATIVE_CODES, ADDED_AFTER_PARTICIPATION]:
        goal = goals[code]
        parent = goals[code.rsplit(".", 1)[0]]
        assert goal.level == 2 and goal.parent_id == parent.id
        assert parent.parent_id == goals["12"].id

    county_titles = _titles(_process(COUNTY))
    assert len(county_titles) == 12
    assert county_titles["2"]["de"] == "Die Anzahl der Einwohner/innen bei über 90.000 halten!"
    assert county_titles["3.3"]["de"] == "Optimaler Partner für die kreisangehörigen Kommunen"


def test_every_goal_version_is_in_german_and_english(app: Flask, runner: Any) -> None:
    _load(runner)
    revisions = list(db.session.scalars(sa.select(GoalRevision)))
    assert _count(Goal) == 39
    # The demo Abwägung revised the field's title and three goals after the participation.
    assert len(revisions) == 39 + 4
    assert len([r for r in revisions if r.number == 2]) == 4
    for revision in revisions:
        assert revision.title.keys() == {"de", "en"}
        assert revision.body.keys() == {"de", "en"}
    easy = [r for r in revisions if r.easy_body.get("de")]
    assert len(easy) >= 5
    for revision in easy:  # Leichte Sprache: short sentences
        sentences = [s for s in revision.easy_body["de"].split(". ") if s]
        assert all(len(s.split()) <= 15 for s in sentences), revision.easy_body


def test_phases_are_relative_to_the_time_of_loading(app: Flask, runner: Any) -> None:
    _load(runner)
    hf12, county = _process(HF12), _process(COUNTY)
    assert [p.kind for p in hf12.phases] == list(PhaseKind)
    assert hf12.is_participation_open()
    current = hf12.current_phase()
    assert current is not None
    assert [p.status() for p in hf12.phases] == ["past", "current", "upcoming", "upcoming"]
    county_phase = county.current_phase()
    assert county_phase is not None and county_phase.kind == PhaseKind.INFORMATION
    assert [p.status() for p in county.phases][1:] == ["upcoming"] * 3


def test_loading_twice_changes_nothing(app: Flask, runner: Any) -> None:
    _load(runner)
    models = (Process, Phase, Goal, GoalRevision, User, ProcessRole)
    before = {model.__name__: _count(model) for model in models}
    assert before == {
        "Process": 2,
        "Phase": 8,
        "Goal": 39,
        "GoalRevision": 43,
        "User": 4,
        "ProcessRole": 4,
    }
    result = _load(runner)
    assert {model.__name__: _count(model) for model in models} == before
    assert "nothing changed" in result.output


def test_output_lists_the_demo_logins(app: Flask, runner: Any) -> None:
    output = _load(runner).output
    for user in USERS:
        assert user.email in output
    assert f"password: {DEMO_PASSWORD}" in output
    assert "administrator" in output and "moderator" in output and "staff" in output


def test_demo_users_have_their_roles(app: Flask, runner: Any) -> None:
    _load(runner)
    processes = [_process(HF12), _process(COUNTY)]
    users = {u.email: find_user_by_email(u.email) for u in USERS}
    admin, staff, moderator, citizen = (users[u.email] for u in USERS)
    assert all(u is not None and u.is_verified for u in users.values())
    assert all(check_password(u, DEMO_PASSWORD) for u in users.values() if u)
    assert is_admin(admin)
    for process in processes:
        assert can_manage_process(staff, process)
        assert can_manage_process(admin, process)
        assert moderator is not None and moderator.has_role(process.id, Role.MODERATOR)
        assert not can_manage_process(moderator, process)
        assert not can_manage_process(citizen, process)


def test_process_page_shows_the_demo_tree(app: Flask, runner: Any, client: FlaskClient) -> None:
    _load(runner)
    response = client.get(f"/en/p/{HF12}/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "12.2.2" in page and "Expanding digital services" in page
    assert "27 goals" in page  # 1 field of action + 5 strategic + 21 operative goals


def test_county_page_in_german(app: Flask, runner: Any, client: FlaskClient) -> None:
    # One page per test: the locale is cached on ``g`` for the test's app context.
    _load(runner)
    german = client.get(f"/de/p/{COUNTY}/").get_data(as_text=True)
    assert "Strategisches Ziel" in german and "Schwerpunkt" in german
    assert "Der Landkreis versteht sich als moderner Dienstleister!" in german


def test_refuses_to_run_in_production_without_force(app: Flask, runner: Any) -> None:
    app.config["MITWIRKEN_ENV"] = "production"
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "--force" in result.output
    assert _count(Process) == 0 and _count(User) == 0
    _load(runner, "--force")
    assert _count(Process) == 2


@pytest.mark.parametrize("slug", [HF12, COUNTY])
def test_goal_pages_render(app: Flask, runner: Any, client: FlaskClient, slug: str) -> None:
    _load(runner)
    for goal in process_goals(_process(slug).id):
        assert client.get(f"/de/p/{slug}/goals/{goal.code}").status_code == 200


def test_the_demo_abwaegung_assesses_links_and_answers(app: Flask, runner: Any) -> None:
    from app.assessment.models import Assessment
    from app.exports.auswertung.steckbrief import steckbriefe
    from app.goals.services import goal_tree
    from app.moderation.models import OfficialReply

    _load(runner)
    hf12 = _process(HF12)
    assessments = list(db.session.scalars(sa.select(Assessment)))
    assert len(assessments) == 16 and all(a.process_id == hf12.id for a in assessments)
    assert len([a for a in assessments if a.goal_revision_id]) == 4
    assert _count(OfficialReply) == 2
    (brief,) = steckbriefe(hf12, goal_tree(hf12.id), "de")
    assert brief.old_title == "Innovative Verwaltung"
    assert [goal.code for goal in brief.added] == [ADDED_AFTER_PARTICIPATION]
    assert not brief.moved
