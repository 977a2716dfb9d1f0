"""Trusted stakeholder groups, the Trialog (issue 13, item 9).

Gemeinderat and Verwaltung are granted by an admin (per process or site-wide) and
shown as confirmed; a Verein/Organisation is declared with its name and shown as
self-declared; offline input's group is set by staff; results and the exports tell
confirmed from self-declared.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from app.accounts.models import Role, User
from app.audit.models import AuditEvent
from app.comments.models import Comment
from app.exports.auswertung.entries import Entries
from app.extensions import db
from app.participation.models import StakeholderGrant, StakeholderGroup
from app.processes.models import ParticipationMode, Process
from app.results.process_results import declared_groups, process_results
from tests.conftest import csrf_token, login_as, submit
from tests.factories import (
    make_comment,
    make_goal,
    make_offline_comment,
    make_process,
    make_user,
)

GOAL = "/en/p/hf12/goals/1"
GRANTS = "/en/staff/site/stakeholder-groups"


@pytest.fixture
def process(app: Flask) -> Process:
    process = make_process(participation_mode=ParticipationMode.ACCOUNT)
    make_goal(process, "1", "Digitale Verwaltung")
    return process


@pytest.fixture
def councillor(process: Process) -> User:
    return make_user("rat@example.org", "Ratsmitglied")


def _write(client: FlaskClient, group: str, **extra: str) -> Any:
    data = {"body": "Aus Sicht des Rates.", "kind": "suggestion", "stakeholder_group": group}
    return submit(client, GOAL, data | extra)


def _grant_via_admin_ui(app: Flask, user: User, group: str, process: str = "") -> Any:
    admin = make_user("admin@example.org", "Admin", is_admin=True)
    client = app.test_client()
    login_as(client, admin)
    data = {"email": user.email, "group": group, "scope": process}
    return submit(client, GRANTS, data)


def test_a_citizen_cannot_write_as_council_or_administration(
    client: FlaskClient, process: Process, councillor: User
) -> None:
    login_as(client, councillor)
    page = client.get(GOAL).get_data(as_text=True)
    assert 'value="council"' not in page and 'value="administration"' not in page
    assert 'value="organisation"' in page
    response = _write(client, "council")
    assert response.status_code == 200
    assert "You have not been confirmed for this group." in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Comment)).all() == []


def test_an_admin_grants_the_council_and_the_comment_is_confirmed(
    app: Flask, client: FlaskClient, process: Process, councillor: User
) -> None:
    assert _grant_via_admin_ui(app, councillor, "council", str(process.id)).status_code == 302
    assert db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "stakeholder.grant"
    )
    login_as(client, councillor)
    assert 'value="council"' in client.get(GOAL).get_data(as_text=True)
    assert _write(client, "council").status_code == 302
    comment = db.session.scalars(sa.select(Comment)).one()
    assert comment.stakeholder_group == StakeholderGroup.COUNCIL
    assert comment.stakeholder_confirmed
    page = client.get(GOAL).get_data(as_text=True)
    assert "Municipal council" in page and "confirmed" in page


def test_a_grant_for_another_process_does_not_count(
    app: Flask, client: FlaskClient, process: Process, councillor: User
) -> None:
    other = make_process("anderes")
    _grant_via_admin_ui(app, councillor, "administration", str(other.id))
    login_as(client, councillor)
    assert 'value="administration"' not in client.get(GOAL).get_data(as_text=True)


def test_a_site_wide_grant_counts_everywhere_and_can_be_revoked(
    app: Flask, client: FlaskClient, process: Process, councillor: User
) -> None:
    _grant_via_admin_ui(app, councillor, "administration")
    grant = db.session.scalars(sa.select(StakeholderGrant)).one()
    assert grant.process_id is None
    login_as(client, councillor)
    assert 'value="administration"' in client.get(GOAL).get_data(as_text=True)

    admin_client = app.test_client()
    login_as(admin_client, db.session.scalars(sa.select(User).where(User.is_admin)).one())
    token = csrf_token(admin_client, GRANTS)
    response = admin_client.post(f"{GRANTS}/{grant.id}/revoke", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalars(sa.select(StakeholderGrant)).all() == []
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "stakeholder.revoke" in actions
    assert 'value="administration"' not in client.get(GOAL).get_data(as_text=True)


def test_an_organisation_is_declared_with_its_name(
    client: FlaskClient, process: Process, councillor: User
) -> None:
    login_as(client, councillor)
    response = _write(client, "organisation")
    assert "Please name your association or organisation." in response.get_data(as_text=True)
    assert _write(client, "organisation", organisation_name="ADFC Kreisverband").status_code == 302
    comment = db.session.scalars(sa.select(Comment)).one()
    assert comment.organisation_name == "ADFC Kreisverband"
    assert not comment.stakeholder_confirmed
    page = client.get(GOAL).get_data(as_text=True)
    assert "ADFC Kreisverband" in page and "self-declared" in page


def test_an_unconfirmed_council_claim_counts_as_citizen_in_the_trialog(
    app: Flask, process: Process
) -> None:
    goal = make_goal(process, "2", "Zwei")
    claimed = make_comment(goal, "Alt", group=StakeholderGroup.COUNCIL)
    confirmed = make_comment(
        goal, "Bestätigt", group=StakeholderGroup.COUNCIL, stakeholder_confirmed=True
    )
    rows = db.session.execute(sa.select(declared_groups(process.id))).all()
    groups = {participant_id: group for participant_id, group in rows}
    assert groups[claimed.participant_id] == "citizen"
    assert groups[confirmed.participant_id] == "council"
    results = process_results(process.id)
    per_goal = results["comments"][str(goal.id)]
    assert per_goal["by_group"]["council"] == 2
    assert per_goal["by_group_confirmed"]["council"] == 1


def _annex_rows(process: Process) -> dict[str, Any]:
    with force_locale("de"):
        entries = Entries(process, {}, "de")
        rows: list[Any] = []
        for section in entries.sections():
            for chunk in entries.chunks(section, {}, len(rows)):
                rows += chunk
    return {row.text: row for row in rows}


def test_the_annex_tells_confirmed_from_self_declared(app: Flask, process: Process) -> None:
    goal = make_goal(process, "3", "Drei")
    make_comment(goal, "Behauptet", group=StakeholderGroup.COUNCIL)
    make_comment(goal, "Bestätigt", group=StakeholderGroup.COUNCIL, stakeholder_confirmed=True)
    make_comment(goal, "Vom Verein", group=StakeholderGroup.ORGANISATION, organisation_name="ADFC")
    rows = _annex_rows(process)
    assert rows["Bestätigt"].group == "Gemeinderat (bestätigt)"
    assert rows["Bestätigt"].author == "Gemeinderat"
    # A claim nobody confirmed does not speak for the council.
    assert rows["Behauptet"].group == "Gemeinderat (selbst angegeben)"
    assert rows["Behauptet"].author.startswith("Bürger:in ")
    assert rows["Vom Verein"].group == "Verein/Organisation (selbst angegeben)"
    assert rows["Vom Verein"].author == "ADFC"


def test_the_group_staff_set_on_offline_input_counts_as_confirmed(
    app: Flask, process: Process
) -> None:
    goal = make_goal(process, "4", "Vier")
    staff = make_user("staff@example.org", "Staff", process=process, role=Role.STAFF)
    letter = make_offline_comment(goal, "Brief", entered_by=staff, group=StakeholderGroup.COUNCIL)
    assert letter.stakeholder_confirmed
    assert process_results(process.id)["comments"][str(goal.id)]["by_group_confirmed"] == {
        "council": 1
    }
