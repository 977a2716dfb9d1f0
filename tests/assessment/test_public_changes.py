"""Goal revisions for the public: word diff, "What has changed?" page, and the report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role
from app.assessment.changes import Segment, word_diff
from app.assessment.models import Consideration
from app.comments.models import Comment
from app.db import utcnow
from app.extensions import db
from app.goals.editing import GoalTexts, move_goal, revise_goal
from app.goals.models import Goal, GoalRevision
from app.goals.services import current_revision
from app.processes.editing import save_phase
from app.processes.models import PhaseKind, Process
from tests.conftest import login_as, submit
from tests.factories import make_assessment, make_comment, make_goal, make_process, make_user

CHANGES = "/en/p/hf12/goals/12.1/changes"
REPORT = "/en/p/hf12/report"


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def revise(goal: Goal, title: str, body: str, note: str) -> GoalRevision:
    revision = revise_goal(
        goal,
        texts=GoalTexts(title={"de": title}, body={"de": body}, easy_body={}),
        author=None,
        change_note=note,
    )
    assert revision is not None
    db.session.commit()
    return revision


def contribution(goal: Goal, body: str, consideration: Consideration, **link: Any) -> Comment:
    item = make_comment(goal, body)
    rationale = f"Begründung zu {body}"
    make_assessment(item, consideration, rationale, revision_id=link.get("revision_id"))
    return item


# --- the word diff --------------------------------------------------------------------


def test_word_diff_marks_inserted_and_deleted_words() -> None:
    segments = word_diff("Wir stärken die Kultur", "Wir stärken die offene Fehlerkultur")
    assert segments == [
        Segment("equal", "Wir stärken die "),
        Segment("delete", "Kultur"),
        Segment("insert", "offene Fehlerkultur"),
    ]


def test_word_diff_of_equal_and_empty_texts() -> None:
    assert word_diff("gleich bleibt", "gleich bleibt") == [Segment("equal", "gleich bleibt")]
    assert word_diff("", "neu") == [Segment("insert", "neu")]
    assert word_diff("alt", "") == [Segment("delete", "alt")]
    # Changed whitespace alone is no change of words.
    assert [s.kind for s in word_diff("a  b", "a\nb")] == ["equal"]


# --- the "What has changed?" page -------------------------------------------------------


@pytest.fixture
def results_process(app: Flask) -> Process:
    return make_process("hf12", phase=PhaseKind.RESULTS)


def test_changes_page_shows_diff_notes_and_linked_contributions(
    client: FlaskClient, results_process: Process
) -> None:
    goal = make_goal(results_process, "12.1", "Kultur stärken", body="Wir schaffen eine Kultur.")
    revision = revise(
        goal, "Motivierende Kultur stärken", "Wir schaffen eine offene Kultur.", "Nach Beteiligung"
    )
    contribution(goal, "Offenheit fehlt", Consideration.CONSIDERED, revision_id=revision.id)
    page = text(client.get(CHANGES))
    assert '<ins><span class="visually-hidden">inserted: </span>Motivierende </ins>' in page
    assert '<ins><span class="visually-hidden">inserted: </span>offene </ins>' in page
    assert "Nach Beteiligung" in page
    assert "Version 2 of" in page and "Version 1 of" in page
    assert "Offenheit fehlt" in page
    assert "Consideration: Considered" in page
    assert "Begründung zu Offenheit fehlt" in page


def test_changes_page_shows_deletions_with_hidden_text(
    client: FlaskClient, results_process: Process
) -> None:
    goal = make_goal(results_process, "12.1", "Alte Überschrift lang")
    revise(goal, "Überschrift", "", "")
    page = text(client.get(CHANGES))
    assert '<del><span class="visually-hidden">deleted: </span>Alte </del>' in page


def test_linked_contributions_stay_private_outside_the_results_phase(client: FlaskClient) -> None:
    process = make_process("hf12", phase=PhaseKind.EVALUATION)
    goal = make_goal(process, "12.1", "Titel")
    revision = revise(goal, "Neuer Titel", "", "")
    contribution(goal, "Geheim bis Ergebnis", Consideration.CONSIDERED, revision_id=revision.id)
    page = text(client.get(CHANGES))
    assert "Neuer" in page
    assert "Geheim bis Ergebnis" not in page
    staff = make_user("staff@example.org", "Staff", process=process, role=Role.STAFF)
    login_as(client, staff)
    assert "Geheim bis Ergebnis" in text(client.get(CHANGES))


def test_goal_page_links_the_changes_only_with_more_than_one_revision(
    client: FlaskClient, results_process: Process
) -> None:
    goal = make_goal(results_process, "12.1", "Titel")
    assert CHANGES not in text(client.get("/en/p/hf12/goals/12.1"))
    revise(goal, "Neuer Titel", "", "")
    assert CHANGES in text(client.get("/en/p/hf12/goals/12.1"))


def test_changes_page_of_unpublished_process_is_not_found(client: FlaskClient) -> None:
    process = make_process("hf12", published=False)
    make_goal(process, "12.1", "Titel")
    assert client.get(CHANGES).status_code == 404


# --- the report -------------------------------------------------------------------------


def _steckbrief_process() -> tuple[Process, dict[str, Goal]]:
    """Participation ended ten days ago; the results phase is now."""
    process = make_process("hf12", phase=None)
    now = utcnow()
    save_phase(
        process,
        kind=PhaseKind.PARTICIPATION,
        starts_at=now - timedelta(days=40),
        ends_at=now - timedelta(days=10),
        actor=None,
    )
    save_phase(
        process,
        kind=PhaseKind.RESULTS,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=30),
        actor=None,
    )
    db.session.commit()
    field_a = make_goal(process, "12", "Innovative Verwaltung")
    field_b = make_goal(process, "13", "Finanzen")
    goals = {
        "12": field_a,
        "13": field_b,
        "12.1": make_goal(process, "12.1", "Kultur", parent=field_a),
        "13.1": make_goal(process, "13.1", "Haushalt", parent=field_b),
        "13.2": make_goal(process, "13.2", "Gebühren", parent=field_b),
    }
    # Everything so far existed before the participation phase started.
    db.session.execute(sa.update(GoalRevision).values(created_at=now - timedelta(days=60)))
    db.session.commit()
    return process, goals


def test_report_records_the_steckbrief_facts(client: FlaskClient, app: Flask) -> None:
    process, goals = _steckbrief_process()
    revise(goals["12"], "Leistungsfähige und lernende Verwaltung", "", "Neuer Titel")
    make_goal(process, "12.2", "Arbeitsstrukturen", parent=goals["12"])  # added afterwards
    taken = contribution(goals["12.1"], "Verständlich formulieren", Consideration.PARTLY)
    contribution(goals["12.1"], "Nur zur Kenntnis", Consideration.NOTED)
    contribution(goals["13.1"], "Ganzheitlich betrachten", Consideration.CONSIDERED)
    page = text(client.get(REPORT))
    first, second = page.split('id="field-', 2)[1:]
    assert "Leistungsfähige und lernende Verwaltung" in first
    assert "Yes, formerly:" in first and "Innovative Verwaltung" in first
    assert "Added: 12.2" in first and "Arbeitsstrukturen" in first
    assert taken.body in first and "Begründung zu Verständlich formulieren" in first
    assert "Consideration: Partly considered" in first
    assert "Nur zur Kenntnis" not in page
    assert "Yes, formerly:" not in second and "Added:" not in second
    assert "Ganzheitlich betrachten" in second


def test_report_notices_moved_goals(client: FlaskClient, app: Flask) -> None:
    _process, goals = _steckbrief_process()
    move_goal(goals["13.2"], goals["12"], actor=None)  # "13.2" now sits below "12"
    db.session.commit()
    page = text(client.get(REPORT))
    first, second = page.split('id="field-', 2)[1:]
    assert "Moved: 13.2" in first and "Gebühren" in first
    assert "Moved:" not in second


def test_report_is_public_only_in_the_results_phase(client: FlaskClient) -> None:
    process = make_process("hf12", phase=PhaseKind.EVALUATION)
    make_goal(process, "12", "Feld")
    assert client.get(REPORT).status_code == 404
    staff = make_user("staff@example.org", "Staff", process=process, role=Role.STAFF)
    login_as(client, staff)
    page = text(client.get(REPORT))
    assert "Preview for staff" in page


def test_report_hides_feedback_when_assessments_are_not_public(client: FlaskClient) -> None:
    process = make_process("hf12", phase=PhaseKind.RESULTS, assessments_public=False)
    goal = make_goal(process, "12", "Feld")
    contribution(goal, "Nicht öffentlich", Consideration.CONSIDERED)
    page = text(client.get(REPORT))
    assert client.get(REPORT).status_code == 200
    assert "Nicht öffentlich" not in page


def test_assessment_links_a_revision_end_to_end(client: FlaskClient) -> None:
    """Staff pick the revision on the assessment form; the changes page lists it."""
    process = make_process("hf12", phase=PhaseKind.RESULTS)
    goal = make_goal(process, "12.1", "Titel")
    revision = revise(goal, "Neuer Titel", "", "Aufgenommen")
    item = make_comment(goal, "Bitte neuer Titel")
    login_as(client, make_user("staff@example.org", "Staff", process=process, role=Role.STAFF))
    url = f"/en/staff/assessment/p/hf12/contributions/{item.id}"
    form_page = text(client.get(url))
    assert f'value="{revision.id}"' in form_page
    response = submit(
        client,
        url,
        {
            "consideration": "considered",
            "rationale": "Titel geändert",
            "stakeholder_group": "citizen",
            "goal_revision": str(revision.id),
            "version": "0",
        },
    )
    assert response.status_code == 302
    assert current_revision(goal).id == revision.id
    page = text(client.get(CHANGES))
    assert "Bitte neuer Titel" in page and "Titel geändert" in page
