"""A process with everything the open-data API shows, and the helpers its tests share.

The data mirrors a real discussion: a goal tree with German and English texts, a
revised goal, comments by an account (with a real-looking display name and an
e-mail address), a guest and an anonymous browser, a reply, supports, a hidden and
a pending comment, offline input, a comment by staff, an official reply, an
assessment linked to the revision, and ratings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.api.conditional import BODIES, RECENT
from app.assessment.models import Consideration
from app.assessment.services import assessing
from app.comments import reactions
from app.comments import services as comment_services
from app.comments.models import Channel, Comment, CommentStatus
from app.db import utcnow
from app.extensions import db
from app.goals.editing import GoalTexts, create_goal, revise_goal
from app.goals.models import Goal, GoalRevision
from app.moderation import services as moderation
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.processes.models import PhaseKind, Process
from app.ratings.services import rating_questions, save_ratings
from app.staff.offline_services import OfflineInput, enter_offline_comment
from tests.factories import make_process, make_user, unaudited

REAL_NAME = "Max Mustermann"
EMAIL = "max.mustermann@example.org"
GUEST_EMAIL = "gast@example.org"
ANONYMOUS_NAME = "Erika Musterfrau"
OFFLINE_LABEL = "Herr Müller per Brief"
STAFF_NAME = "Sachbearbeiterin Schulz"


@dataclass
class OpenData:
    process: Process
    goals: dict[str, Goal]
    revision: GoalRevision
    comments: dict[str, Comment]
    people: dict[str, Participant] = field(default_factory=dict)
    staff: User | None = None


@pytest.fixture(autouse=True)
def _fresh_bodies() -> Iterator[None]:
    """Each test builds its own database, where equal ids mean other data."""
    BODIES.clear()
    RECENT.clear()
    yield
    BODIES.clear()
    RECENT.clear()


def _goal(process: Process, code: str, de: str, en: str = "", parent: Goal | None = None) -> Goal:
    texts = GoalTexts(
        title={"de": de, **({"en": en} if en else {})},
        body={"de": f"Text zu {de}."},
        easy_body={"de": f"Leicht: {de}."} if code == "12" else {},
    )
    return create_goal(process, code=code, texts=texts, parent=parent, author=None)


def _participant(kind: ParticipantKind, pseudonym: str, **extra: Any) -> Participant:
    person = Participant(kind=kind, pseudonym=pseudonym, confirmed_at=utcnow(), **extra)
    db.session.add(person)
    db.session.flush()
    return person


def _people(staff: User) -> dict[str, Participant]:
    account = make_user(EMAIL, REAL_NAME)
    return {
        "account": _participant(ParticipantKind.ACCOUNT, REAL_NAME, user_id=account.id),
        "guest": _participant(ParticipantKind.GUEST, "Gast", email=GUEST_EMAIL),
        "anonymous": _participant(ParticipantKind.ANONYMOUS, ANONYMOUS_NAME),
        "staff": _participant(ParticipantKind.ACCOUNT, STAFF_NAME, user_id=staff.id),
    }


def _say(process: Process, goal: Goal, who: Participant, body: str, **kw: Any) -> Comment:
    draft = comment_services.Draft(body, "suggestion", kw.pop("group", StakeholderGroup.CITIZEN))
    return comment_services.create_comment(process, goal, who, draft, **kw)


def _discussion(
    process: Process, goals: dict[str, Goal], people: Any, staff: User
) -> dict[str, Comment]:
    g = goals["12.1"]
    first = _say(process, g, people["account"], "Mehr Homeoffice bitte.")
    comments = {
        "first": first,
        "reply": _say(process, g, people["guest"], "Dem stimme ich zu.", parent=first),
        "anonymous": _say(process, goals["12.2"], people["anonymous"], "Digitale Akten."),
        "staff": _say(
            process, g, people["staff"], "Wir prüfen das.", group=StakeholderGroup.ADMINISTRATION
        ),
        "hidden": _say(process, g, people["anonymous"], "Beleidigung."),
        "pending": _say(process, g, people["anonymous"], "Wartet noch."),
    }
    comments["hidden"].status = CommentStatus.HIDDEN
    comments["pending"].status = CommentStatus.PENDING
    letter = OfflineInput(
        goal=g,
        channel=Channel.LETTER,
        received_on=utcnow().date(),
        author_name=OFFLINE_LABEL,
        stakeholder_group=StakeholderGroup.ORGANISATION,
        kind="criticism",
        body="Brief: zu wenig Personal.",
    )
    comments["offline"] = enter_offline_comment(
        process, letter, entered_by=staff, today=utcnow().date()
    )
    reactions.vote(first, people["guest"], 1)
    reactions.vote(first, people["anonymous"], -1)
    return comments


def build(phase: PhaseKind = PhaseKind.PARTICIPATION, **settings: Any) -> OpenData:
    process = make_process("hf12", phase=phase, **settings)
    staff = make_user("staff@example.org", STAFF_NAME, process=process, role=Role.STAFF)
    with unaudited():
        top = _goal(process, "12", "Leistungsfähige Verwaltung", "Efficient administration")
        goals = {
            "12": top,
            "12.1": _goal(process, "12.1", "Kultur stärken", parent=top),
            "12.2": _goal(process, "12.2", "Digitalisierung", "Digitalisation", parent=top),
        }
        revision = revise_goal(
            goals["12.1"],
            texts=GoalTexts({"de": "Motivierende Kultur stärken"}, {"de": "Neu."}, {}),
            author=None,
            change_note="Nach der Beteiligung geschärft.",
        )
        assert revision is not None
        people = _people(staff)
        comments = _discussion(process, goals, people, staff)
        moderation.save_official_reply(comments["first"], process, staff, "Referat 12", "Danke!")
        data = assessing.AssessmentInput(
            StakeholderGroup.COUNCIL, Consideration.CONSIDERED, "Aufgenommen.", revision.id
        )
        assessing.save_assessment(
            comments["first"], process, data, expected_version=0, assessor=None
        )
        questions = {q.key: q.id for q in rating_questions(process)}
        for person, value in (("account", 4), ("guest", 5), ("anonymous", 2)):
            save_ratings(process, goals["12.1"], people[person], {questions["direction"]: value})
    db.session.commit()
    return OpenData(process, goals, revision, comments, people, staff)


@pytest.fixture
def opendata(app: Flask) -> OpenData:
    with app.test_request_context():  # the official reply mails its author a link
        return build()


def get_json(client: FlaskClient, url: str, status: int = 200, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json(force=True)


@pytest.fixture(autouse=True)
def _package_folder(app: Flask, tmp_path: Any) -> None:
    app.config["OPENDATA_PATH"] = str(tmp_path / "opendata")
