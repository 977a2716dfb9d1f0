"""A small council annex: a field of action with revised, added and moved goals, every
kind of contribution and author, an official reply, assessments and survey answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.accounts.models import Role, User
from app.assessment.models import Assessment, Consideration, ProcessTag
from app.comments.models import Channel, Comment, CommentStatus
from app.db import utcnow
from app.exports.auswertung.entries import Entries, Entry
from app.extensions import db
from app.goals.editing import GoalTexts, edit_goal, move_goal
from app.goals.models import Goal, GoalRevision
from app.goals.services import current_revision
from app.moderation.models import OfficialReply
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.processes.models import Process
from app.surveys.answering.answers import insert_answers
from app.surveys.answering.validation import AnswerRow
from app.surveys.models import Response, ResponseState
from tests.factories import make_goal, make_user, unaudited
from tests.surveys.conftest import kitchen_sink

FORMULA_LIKE = "-5 % Schulden sind zu wenig, =SUMME(A1) auch"
SPACED = "Text mit  zwei Leerzeichen\tund Tab\nzweite Zeile"
OTHER_TEXT = "Mehr Radwege"
SECRET_WORDS = ("citizen@example.org", "Bürgerin A", "Gast Name", "Frau Müller", "Fraktion XY")


@dataclass
class Annex:
    process: Process
    goals: dict[str, Goal]
    comments: dict[str, Comment] = field(default_factory=dict)
    staff: User | None = None


def _participant(kind: ParticipantKind, pseudonym: str, **values: Any) -> Participant:
    item = Participant(kind=kind, pseudonym=pseudonym, **values)
    db.session.add(item)
    db.session.flush()
    return item


def _comment(goal: Goal, body: str, author: Participant | None, day: int, **values: Any) -> Comment:
    fields: dict[str, Any] = {
        "kind": "suggestion",
        "stakeholder_group": StakeholderGroup.CITIZEN,
        "status": CommentStatus.PUBLISHED,
        "author_name": author.pseudonym if author else "",
        "created_at": datetime(2026, 3, day, 10, 0, tzinfo=utcnow().tzinfo),
    }
    item = Comment(goal_id=goal.id, participant_id=author.id if author else None, body=body)
    for name, value in (fields | values).items():
        setattr(item, name, value)
    db.session.add(item)
    db.session.flush()
    return item


def _tree(process: Process, staff: User) -> dict[str, Goal]:
    goals: dict[str, Goal] = {}
    goals["12"] = make_goal(process, "12", "Innovative Verwaltung", body="Der Leitsatz.")
    goals["12.1"] = make_goal(process, "12.1", "Entwickeln", parent=goals["12"])
    goals["12.1.1"] = make_goal(process, "12.1.1", "Kultur", parent=goals["12.1"], body="Alt.")
    goals["12.1.2"] = make_goal(process, "12.1.2", "Strukturen", parent=goals["12.1"])
    goals["12.2"] = make_goal(process, "12.2", "Dienstleistungen", parent=goals["12"])
    goals["12.2.1"] = make_goal(process, "12.2.1", "Service", parent=goals["12.2"])
    # Drafted before the participation phase started.
    db.session.execute(sa.update(GoalRevision).values(created_at=utcnow() - timedelta(days=20)))
    db.session.commit()
    goals["12.2.2"] = make_goal(process, "12.2.2", "Neu", parent=goals["12.2"])  # added
    move_goal(goals["12.1.2"], goals["12.2"], actor=staff)  # moved, code kept
    for code, title, body in (
        ("12", "Leistungsfähige Verwaltung", "Der Leitsatz."),
        ("12.1.1", "Kultur", "Neu gefasst."),
    ):
        goal = goals[code]
        texts = GoalTexts(title={"de": title}, body={"de": body}, easy_body={})
        edit_goal(goal, code=code, texts=texts, author=staff, change_note="nach Beteiligung")
    db.session.commit()
    return goals


def _survey(process: Process, goal: Goal) -> None:
    sink = kitchen_sink(process_id=process.id)
    q = sink.q
    q["long"].goal_id = goal.id
    respondent = make_user("respondent@example.org", "Gast Name")
    done = Response(
        survey_id=sink.survey.id,
        state=ResponseState.SUBMITTED,
        submitted_on=date(2026, 3, 20),
        user_id=respondent.id,
    )
    draft = Response(survey_id=sink.survey.id, state=ResponseState.IN_PROGRESS)
    db.session.add_all([done, draft])
    db.session.flush()
    other = sink.option("single", "other")
    insert_answers(
        done.id,
        {
            q["single"].id: [AnswerRow(q["single"].id, option_id=other.id, value_text=OTHER_TEXT)],
            q["long"].id: [AnswerRow(q["long"].id, value_text="Bitte mehr Bänke")],
        },
    )
    insert_answers(draft.id, {q["long"].id: [AnswerRow(q["long"].id, value_text="Entwurf")]})


@pytest.fixture
def annex(process: Process, staff: User) -> Annex:
    goals = _tree(process, staff)
    citizen = make_user("citizen@example.org", "Bürgerin A")
    insider = make_user("insider@example.org", "Insider")
    account = _participant(ParticipantKind.ACCOUNT, "Bürgerin A", user_id=citizen.id)
    guest = _participant(ParticipantKind.GUEST, "Gast Name", email="guest@example.org")
    anonymous = _participant(ParticipantKind.ANONYMOUS, "Anonym")
    staff_voice = _participant(ParticipantKind.ACCOUNT, "Sachbearbeiterin", user_id=staff.id)
    employee = _participant(ParticipantKind.ACCOUNT, "Insider", user_id=insider.id)
    culture, service = goals["12.1.1"], goals["12.2.1"]
    c: dict[str, Comment] = {}
    c["first"] = _comment(culture, "Erster Beitrag", account, 2)
    c["later"] = _comment(culture, FORMULA_LIKE, guest, 5)
    c["staff_reply"] = _comment(
        culture, "Antwort aus der Verwaltung", staff_voice, 3, parent_id=c["first"].id
    )
    c["guest_reply"] = _comment(culture, "Zweite Antwort", guest, 4, parent_id=c["first"].id)
    c["hidden"] = _comment(culture, "Versteckt", account, 6, status=CommentStatus.HIDDEN)
    c["pending"] = _comment(culture, "Wartet", guest, 6, status=CommentStatus.PENDING)
    c["unconfirmed"] = _comment(culture, "Offen", guest, 6, status=CommentStatus.UNCONFIRMED)
    c["removed"] = _comment(culture, "Entfernt", guest, 6, status=CommentStatus.REMOVED)
    c["spaced"] = _comment(service, SPACED, anonymous, 7)
    c["council"] = _comment(
        service,
        "Brief der Fraktion",
        None,
        8,
        author_name="Fraktion XY",
        channel=Channel.LETTER,
        received_on=date(2026, 3, 1),
        stakeholder_group=StakeholderGroup.COUNCIL,
    )
    c["club"] = _comment(
        service,
        "Vom Verein",
        None,
        9,
        author_name="Sportverein TSV",
        channel=Channel.EVENT,
        received_on=date(2026, 3, 9),
        stakeholder_group=StakeholderGroup.ORGANISATION,
    )
    c["letter"] = _comment(
        service,
        "Privater Brief",
        None,
        10,
        author_name="Frau Müller",
        channel=Channel.LETTER,
        received_on=date(2026, 3, 10),
    )
    c["employee"] = _comment(
        service,
        "Aus dem Amt",
        employee,
        11,
        stakeholder_group=StakeholderGroup.ADMINISTRATION,
        stakeholder_confirmed=True,  # an admin confirmed the account for the Verwaltung
    )
    db.session.add(
        OfficialReply(comment_id=c["first"].id, author_label="Referat Strategie", body="Danke!")
    )
    tag = ProcessTag(process_id=process.id, name="Kultur")
    db.session.add(tag)
    db.session.add(
        Assessment(
            comment_id=c["first"].id,
            process_id=process.id,
            stakeholder_group=StakeholderGroup.CITIZEN,
            consideration=Consideration.CONSIDERED,
            rationale="Aufgenommen.",
            goal_revision_id=current_revision(culture).id,
            tags=[tag],
        )
    )
    with unaudited():
        _survey(process, service)
    db.session.commit()
    return Annex(process, goals, c, staff)


def entries_of(annex: Annex, lang: str = "de", **options: Any) -> list[Entry]:
    with force_locale(lang):
        entries = Entries(annex.process, options, lang)
        rows: list[Entry] = []
        for section in entries.sections():
            for chunk in entries.chunks(section, {}, len(rows)):
                rows += chunk
        return rows


def by_text(rows: list[Entry]) -> dict[str, Entry]:
    return {row.text: row for row in rows}


@pytest.fixture
def council_staff(process: Process) -> User:
    return make_user("lead@example.org", "Lead", process=process, role=Role.STAFF)
