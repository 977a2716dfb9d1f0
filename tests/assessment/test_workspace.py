"""The assessment workspace (Abwägung): list, filters, saving, conflicts, tags, public display."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.assessment.models import Assessment, Consideration, ProcessTag
from app.assessment.services import assessing, queries, workspace
from app.audit.models import AuditEvent
from app.comments.models import Channel, Comment, CommentStatus
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import StakeholderGroup
from app.processes.models import PhaseKind, Process
from tests.assessment.conftest import tag, text
from tests.conftest import csrf_token, login_as, submit
from tests.factories import (
    make_assessment,
    make_comment,
    make_goal,
    make_process,
    make_user,
    unaudited,
)

BASE = "/en/staff/assessment/p/hf12"
GOAL_PAGE = "/en/p/hf12/goals/12.1"


def assessment_of(item: Comment) -> Assessment | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Assessment).where(Assessment.comment_id == item.id))


def save(client: FlaskClient, item: Comment, query: str = "", **data: Any) -> Any:
    url = f"{BASE}/contributions/{item.id}{query}"
    page = text(client.get(url))
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    values = {
        "consideration": "partly",
        "rationale": "Aufgenommen in 12.1.",
        "stakeholder_group": "citizen",
        "goal_revision": "0",
        "version": version,
        "after": "stay",
    } | data
    return submit(client, url, values)


# --- access --------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client: FlaskClient, goal: Goal) -> None:
    response = client.get(f"{BASE}/")
    assert response.status_code == 302
    assert "/en/account/login" in response.headers["Location"]


def test_non_staff_get_403(client: FlaskClient, goal: Goal) -> None:
    item = make_comment(goal)
    other = make_process("other")
    login_as(client, make_user("other@example.org", "Other", process=other, role=Role.STAFF))
    for url in (f"{BASE}/", f"{BASE}/contributions/{item.id}", f"{BASE}/tags"):
        assert client.get(url).status_code == 403
    login_as(client, make_user())
    assert client.get(f"{BASE}/").status_code == 403


def test_admin_may_assess(client: FlaskClient, goal: Goal) -> None:
    login_as(client, make_user("admin@example.org", "Admin", is_admin=True))
    assert client.get(f"{BASE}/").status_code == 200


# --- the workspace -------------------------------------------------------------------


def test_workspace_lists_published_and_hidden_contributions_only(
    staff_client: FlaskClient, goal: Goal
) -> None:
    make_comment(goal, "sichtbar")
    make_comment(goal, "versteckt", status=CommentStatus.HIDDEN)
    make_comment(goal, "wartet", status=CommentStatus.PENDING)
    make_comment(goal, "unbestätigt", status=CommentStatus.UNCONFIRMED)
    make_comment(goal, "entfernt", status=CommentStatus.REMOVED)
    page = text(staff_client.get(f"{BASE}/"))
    assert "sichtbar" in page and "versteckt" in page
    assert "wartet" not in page and "unbestätigt" not in page and "entfernt" not in page
    assert "0 of 2 assessed" in page
    assert '<progress max="2" value="0"' in page


def test_progress_counts_assessed_contributions(
    staff_client: FlaskClient, process: Process, goal: Goal
) -> None:
    first = make_comment(goal)
    make_comment(goal)
    make_comment(goal)
    assert save(staff_client, first).status_code == 302
    assert workspace.progress(process) == (1, 3)
    page = text(staff_client.get(f"{BASE}/"))
    assert "1 of 3 assessed" in page
    assert '<progress max="3" value="1"' in page


def test_filters(staff_client: FlaskClient, process: Process, goal: Goal) -> None:
    other_goal = make_goal(process, "12.2", "Arbeitsstrukturen")
    a = make_comment(goal, "Radwege bitte", kind="criticism")
    b = make_comment(other_goal, "Brief aus Eglosheim", channel=Channel.LETTER)
    c = make_comment(goal, "Verein sagt", group=StakeholderGroup.ORGANISATION)
    reply = make_comment(goal, "Antwort dazu", parent=a)
    save(staff_client, a, consideration="considered")
    topic = tag(process, "Personal")
    assessing.add_tag(process, [c.id], topic, actor=None)
    db.session.commit()

    def listed(query: str) -> set[int]:
        filters = queries.parse_filters(dict(p.split("=") for p in query.split("&") if p))
        ids = {i.id for i in db.session.scalars(queries.filtered(process, filters))}
        page = text(staff_client.get(f"{BASE}/?{query}"))
        for item in (a, b, c, reply):
            assert (
                f"/contributions/{item.id}?" in page or f'/contributions/{item.id}"' in page
            ) == (item.id in ids)
        return ids

    assert listed("") == {a.id, b.id, c.id, reply.id}
    assert listed(f"goal={other_goal.id}") == {b.id}
    assert listed("kind=criticism") == {a.id}
    assert listed("channel=letter") == {b.id}
    assert listed("group=organisation") == {c.id}
    assert listed("state=assessed") == {a.id}
    assert listed("state=unassessed") == {b.id, c.id, reply.id}
    assert listed("consideration=considered") == {a.id}
    assert listed(f"tag={topic.id}") == {c.id}
    # The confirmed group of the assessment replaces the author's choice.
    save(staff_client, b, stakeholder_group="council")
    assert listed("group=council") == {b.id}
    assert listed("group=garbage") == {a.id, b.id, c.id, reply.id}


def test_workspace_is_paginated(staff_client: FlaskClient, goal: Goal) -> None:
    for number in range(30):
        make_comment(goal, f"Beitrag Nummer {number:02d}")
    first = text(staff_client.get(f"{BASE}/"))
    assert "Beitrag Nummer 00" in first and "Beitrag Nummer 25" not in first
    assert "Page 1 of 2" in first
    second = text(staff_client.get(f"{BASE}/?page=2"))
    assert "Beitrag Nummer 25" in second and "Beitrag Nummer 00" not in second


# --- one assessment ------------------------------------------------------------------


def test_save_stores_the_assessment_and_audits_it(
    staff_client: FlaskClient, process: Process, goal: Goal, staff: User
) -> None:
    item = make_comment(goal)
    topic = tag(process, "Digitalisierung")
    page = text(staff_client.get(f"{BASE}/contributions/{item.id}"))
    assert 'selected value="citizen"' in page  # defaults to the author's group
    response = save(staff_client, item, stakeholder_group="organisation", tags=[str(topic.id)])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contributions/{item.id}")
    saved = assessment_of(item)
    assert saved is not None
    assert saved.consideration == Consideration.PARTLY
    assert saved.stakeholder_group == StakeholderGroup.ORGANISATION
    assert saved.rationale == "Aufgenommen in 12.1."
    assert [t.name for t in saved.tags] == ["Digitalisierung"]
    assert saved.assessor_id == staff.id
    assert saved.version == 1
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "assessment.save")
    ).one()
    assert event.before == {}
    assert event.after["consideration"] == "partly"
    assert event.after["tags"] == ["Digitalisierung"]
    assert event.process_id == process.id

    save(staff_client, item, consideration="considered")
    saved = assessment_of(item)
    assert saved is not None and saved.version == 2
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "assessment.save").order_by(AuditEvent.id)
    ).all()
    assert events[-1].before["consideration"] == "partly"
    assert events[-1].after["consideration"] == "considered"


def test_save_and_next_goes_to_the_next_unassessed_in_filter_order(
    staff_client: FlaskClient, process: Process, goal: Goal
) -> None:
    other_goal = make_goal(process, "12.2", "Andere")
    first = make_comment(goal)
    done = make_comment(goal)
    make_comment(other_goal)  # outside the filter
    last = make_comment(goal)
    save(staff_client, done)
    query = f"?goal={goal.id}"
    response = save(staff_client, first, query, after="next")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contributions/{last.id}?goal={goal.id}")
    response = save(staff_client, last, query, after="next")
    assert response.headers["Location"].endswith(f"/p/hf12/?goal={goal.id}")


def test_save_links_a_goal_revision_of_the_same_goal_only(
    staff_client: FlaskClient, process: Process, goal: Goal
) -> None:
    from app.goals.services import current_revision

    item = make_comment(goal)
    revision = current_revision(goal)
    other = current_revision(make_goal(process, "12.2", "Andere"))
    assert save(staff_client, item, goal_revision=str(revision.id)).status_code == 302
    saved = assessment_of(item)
    assert saved is not None and saved.goal_revision_id == revision.id
    response = save(staff_client, item, goal_revision=str(other.id))
    assert response.status_code == 200  # not a choice: shown again with an error
    saved = assessment_of(item)
    assert saved is not None and saved.goal_revision_id == revision.id


def test_stale_version_shows_a_conflict_with_the_newer_values(
    staff_client: FlaskClient, goal: Goal
) -> None:
    item = make_comment(goal)
    save(staff_client, item, rationale="Erste Fassung")
    url = f"{BASE}/contributions/{item.id}"
    token = csrf_token(staff_client, url)
    # Somebody else saves version 1 → 2 meanwhile.
    save(staff_client, item, rationale="Fassung der Kollegin", consideration="noted")
    response = staff_client.post(
        url,
        data={
            "csrf_token": token,
            "consideration": "considered",
            "rationale": "Meine veraltete Fassung",
            "stakeholder_group": "citizen",
            "goal_revision": "0",
            "version": "1",
            "after": "stay",
        },
    )
    assert response.status_code == 409
    page = text(response)
    assert "Someone else has saved this assessment in the meantime." in page
    assert "Fassung der Kollegin" in page
    assert "Meine veraltete Fassung" not in page
    assert 'name="version" type="hidden" value="2"' in page
    saved = assessment_of(item)
    assert saved is not None
    assert saved.rationale == "Fassung der Kollegin"
    assert saved.consideration == Consideration.NOTED


def test_a_second_first_assessment_is_a_conflict(staff_client: FlaskClient, goal: Goal) -> None:
    item = make_comment(goal)
    url = f"{BASE}/contributions/{item.id}"
    token = csrf_token(staff_client, url)  # the form shows version 0: not yet assessed
    save(staff_client, item, rationale="Zuerst gespeichert")
    response = staff_client.post(
        url,
        data={
            "csrf_token": token,
            "consideration": "considered",
            "rationale": "Später",
            "stakeholder_group": "citizen",
            "goal_revision": "0",
            "version": "0",
        },
    )
    assert response.status_code == 409
    saved = assessment_of(item)
    assert saved is not None and saved.rationale == "Zuerst gespeichert"


def test_stale_data_during_flush_becomes_a_conflict(
    app: Flask, process: Process, goal: Goal
) -> None:
    """The race between the version check and the UPDATE: StaleDataError is caught."""
    item = make_comment(goal)
    data = assessing.AssessmentInput(StakeholderGroup.CITIZEN, Consideration.NOTED, "a", None)
    assessing.save_assessment(item, process, data, expected_version=0, assessor=None)
    db.session.commit()
    loaded = assessment_of(item)
    assert loaded is not None and loaded.version == 1
    # Another transaction bumps the row behind the session's back.
    db.session.execute(
        sa.update(Assessment).where(Assessment.id == loaded.id).values(version=2, rationale="b")
    )
    stale = assessing.AssessmentInput(StakeholderGroup.CITIZEN, Consideration.NOTED, "c", None)
    with pytest.raises(assessing.AssessmentConflictError):
        assessing.save_assessment(item, process, stale, expected_version=1, assessor=None)
    db.session.rollback()  # the view rolls back; nothing of the stale save remains
    stored = assessment_of(item)
    assert stored is not None and stored.rationale == "a" and stored.version == 1


# --- tags ---------------------------------------------------------------------------


def test_bulk_tagging_tags_the_selected_contributions(
    staff_client: FlaskClient, process: Process, goal: Goal
) -> None:
    a, b, c = make_comment(goal), make_comment(goal), make_comment(goal)
    save(staff_client, a)  # already assessed: keeps its status, version goes up
    topic = tag(process, "Personal")
    response = submit(
        staff_client,
        f"{BASE}/bulk-tag",
        {"tag": str(topic.id), "comments": [str(a.id), str(b.id)]},
        form_url=f"{BASE}/",
    )
    assert response.status_code == 302
    first, second = assessment_of(a), assessment_of(b)
    assert first is not None and second is not None
    assert [t.name for t in first.tags] == ["Personal"]
    assert first.consideration == Consideration.PARTLY and first.version == 2
    assert [t.name for t in second.tags] == ["Personal"]
    assert second.consideration is None  # tagged, but not yet assessed
    assert assessment_of(c) is None
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "assessment.tag")
    ).all()
    assert len(events) == 2
    assert workspace.progress(process) == (1, 3)
    page = text(staff_client.get(f"{BASE}/"))
    assert "Add tag to selected" in page


def test_tags_can_be_added_renamed_and_deleted(
    staff_client: FlaskClient, process: Process, goal: Goal
) -> None:
    url = f"{BASE}/tags"
    assert submit(staff_client, url, {"name": " Personal "}).status_code == 302
    duplicate = submit(staff_client, url, {"name": "personal"})
    assert "This topic already exists in this process." in text(duplicate)
    topic = db.session.scalars(sa.select(ProcessTag)).one()
    assert topic.name == "Personal"
    item = make_comment(goal)
    with unaudited():
        assessing.add_tag(process, [item.id], topic, actor=None)
    db.session.commit()
    response = submit(
        staff_client, f"{url}/{topic.id}/rename", {"name": "Mitarbeitende"}, form_url=url
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProcessTag, topic.id).name == "Mitarbeitende"  # type: ignore[union-attr]
    response = submit(staff_client, f"{url}/{topic.id}/delete", {}, form_url=url)
    assert response.status_code == 302
    assert db.session.scalars(sa.select(ProcessTag)).all() == []
    saved = assessment_of(item)
    assert saved is not None and saved.tags == []
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["tag.create", "tag.rename", "tag.delete"]


# --- public display -------------------------------------------------------------------


def _assessed(process: Process, goal: Goal) -> Comment:
    item = make_comment(goal, "Mehr Homeoffice")
    make_assessment(item, Consideration.PARTLY, "Teilweise in 12.1 aufgenommen.")
    return item


@pytest.mark.parametrize(
    ("phase", "public", "shown"),
    [
        (PhaseKind.RESULTS, True, True),
        (PhaseKind.RESULTS, False, False),
        (PhaseKind.PARTICIPATION, True, False),
        (PhaseKind.EVALUATION, True, False),
    ],
)
def test_public_display_only_in_results_phase_and_when_public(
    client: FlaskClient, phase: PhaseKind, public: bool, shown: bool
) -> None:
    process = make_process("hf12", phase=phase, assessments_public=public)
    goal = make_goal(process, "12.1", "Ziel")
    _assessed(process, goal)
    page = text(client.get(GOAL_PAGE))
    assert "Mehr Homeoffice" in page
    note = "Consideration: Partly considered</strong> — "
    assert (note in page) is shown
    assert ("Teilweise in 12.1 aufgenommen." in page) is shown


def test_settings_form_has_the_publication_checkbox(
    staff_client: FlaskClient, process: Process
) -> None:
    page = text(staff_client.get(f"/en/staff/p/{process.slug}/settings"))
    assert 'name="assessments_public"' in page
    assert "Publish the assessment of contributions" in page
