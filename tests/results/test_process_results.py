"""Process results: goal ratings per stakeholder group (the Trialog), comments per
goal, consensus and divisive comments; public and staff views."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from flask import Flask

from app.audit.models import AuditEvent
from app.comments.models import Comment, CommentStatus, CommentVote
from app.db import utcnow
from app.extensions import db
from app.goals.models import Goal
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.processes.models import Process
from app.ratings.models import Rating, RatingQuestion
from app.results import snapshots
from app.results.consensus import agreement
from app.results.services import process_counts
from app.results.tasks import run_rebuild
from tests.factories import make_goal, make_process, make_user

GROUPS = {
    StakeholderGroup.CITIZEN: 30,
    StakeholderGroup.COUNCIL: 8,
    StakeholderGroup.ADMINISTRATION: 6,
    StakeholderGroup.ORGANISATION: 2,
}


def _person(name: str) -> Participant:
    person = Participant(kind=ParticipantKind.ANONYMOUS, pseudonym=name)
    db.session.add(person)
    db.session.flush()
    return person


def _comment(
    goal: Goal, author: Participant | None, group: StakeholderGroup, **fields: Any
) -> Comment:
    comment = Comment(
        goal_id=goal.id,
        participant_id=author.id if author else None,
        author_name=author.pseudonym if author else "Workshop",
        kind=fields.pop("kind", "suggestion"),
        stakeholder_group=group,
        # The Trialog counts Gemeinderat and Verwaltung only when confirmed (a grant).
        stakeholder_confirmed=fields.pop("stakeholder_confirmed", True),
        body="Text",
        status=fields.pop("status", CommentStatus.PUBLISHED),
        **fields,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


class Trialog:
    def __init__(self) -> None:
        self.process: Process = make_process("hf12")
        self.goals = [make_goal(self.process, "1", "Eins"), make_goal(self.process, "2", "Zwei")]
        self.questions = list(
            db.session.scalars(sa.select(RatingQuestion).order_by(RatingQuestion.position))
        )
        self.people: dict[StakeholderGroup, list[Participant]] = {}
        earlier = utcnow() - timedelta(days=2)
        for group, count in GROUPS.items():
            self.people[group] = []
            for n in range(count):
                person = _person(f"{group.value} {n}")
                # declared citizen first, then (latest) the real group: the latest counts
                _comment(self.goals[1], person, StakeholderGroup.CITIZEN, created_at=earlier)
                _comment(self.goals[1], person, group)
                self.people[group].append(person)
        self.silent = [_person(f"silent {n}") for n in range(7)]  # no comment: citizen
        db.session.commit()

    def rate(self, seed: int = 3) -> None:
        rng = random.Random(seed)
        rows = []
        everyone = [p for people in self.people.values() for p in people] + self.silent
        for person in everyone:
            for goal in self.goals:
                for question in self.questions:
                    rows.append(
                        {
                            "goal_id": goal.id,
                            "question_id": question.id,
                            "participant_id": person.id,
                            "value": rng.choice(question.values),
                            "confirmed": rng.random() > 0.05,
                        }
                    )
        db.session.execute(sa.insert(Rating), rows)
        db.session.commit()


@pytest.fixture
def trialog(app: Flask) -> Trialog:
    return Trialog()


def _rebuild(process: Process) -> dict[str, Any]:
    run_rebuild("process", process.id)
    data = snapshots.stored("process_results", process.id)
    assert data is not None
    return data


def _declared(trialog: Trialog) -> dict[int, str]:
    group = {p.id: g.value for g, people in trialog.people.items() for p in people}
    return group | {p.id: "citizen" for p in trialog.silent}


def test_ratings_per_goal_question_and_stakeholder_group(trialog: Trialog) -> None:
    trialog.rate()
    data = _rebuild(trialog.process)
    rows = db.session.execute(
        sa.select(Rating.goal_id, Rating.question_id, Rating.participant_id, Rating.value).where(
            Rating.confirmed.is_(True)
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["goal", "question", "person", "value"])
    frame["group"] = frame.person.map(_declared(trialog))
    for goal in trialog.goals:
        stored = data["ratings"][str(goal.id)]
        of_goal = frame[frame.goal == goal.id]
        assert stored["raters"] == of_goal.person.nunique()
        assert stored["raters_by_group"] == {
            g: int(of_goal[of_goal.group == g].person.nunique()) for g in data["groups"]
        }
        for question in trialog.questions:
            answers = of_goal[of_goal.question == question.id]
            result = stored["questions"][question.key]
            overall = {o["id"]: o["count"] for o in result["overall"]["options"]}
            assert overall == {v: int((answers.value == v).sum()) for v in question.values}
            for group, dist in result["groups"].items():
                mine = answers[answers.group == group]
                assert {o["id"]: o["count"] for o in dist["options"]} == {
                    v: int((mine.value == v).sum()) for v in question.values
                }
                scored = mine[mine.value != 0]["value"]
                if question.key != "ambition" and len(scored):
                    assert dist["stats"]["mean"] == pytest.approx(scored.mean(), abs=1e-6)


def test_the_process_counts_pages_read_still_work(trialog: Trialog) -> None:
    trialog.rate()
    _rebuild(trialog.process)
    counts = process_counts(trialog.process.id)
    assert counts is not None and counts.data["goals"] == 2
    assert counts.data["per_goal"][str(trialog.goals[0].id)]["ratings"] > 0


def test_comments_per_goal_by_kind_group_status_and_supports(trialog: Trialog) -> None:
    goal = trialog.goals[0]
    author = trialog.people[StakeholderGroup.COUNCIL][0]
    first = _comment(
        goal, author, StakeholderGroup.COUNCIL, kind="criticism", support_up=3, support_down=1
    )
    _comment(goal, author, StakeholderGroup.COUNCIL, kind="question", status=CommentStatus.PENDING)
    _comment(goal, None, StakeholderGroup.ORGANISATION, parent_id=first.id)
    db.session.commit()
    counts = _rebuild(trialog.process)["comments"][str(goal.id)]
    assert counts["published"] == 2 and counts["comments"] == 1 and counts["replies"] == 1
    assert counts["by_kind"] == {"criticism": 1, "suggestion": 1}
    assert counts["by_group"] == {"council": 1, "organisation": 1}
    assert counts["by_status"] == {"published": 2, "pending": 1}
    assert counts["supports"] == {"up": 3, "down": 1}
    public = snapshots.public_process(trialog.process.id)
    assert public is not None and "by_status" not in public["comments"][str(goal.id)]


def _votes(comment: Comment, people: list[Participant], value: int) -> None:
    for person in people:
        db.session.add(CommentVote(comment_id=comment.id, participant_id=person.id, value=value))


def test_consensus_and_divisive_comments_by_declared_group(trialog: Trialog) -> None:
    goal = trialog.goals[0]
    citizens = trialog.people[StakeholderGroup.CITIZEN]
    council = trialog.people[StakeholderGroup.COUNCIL]
    administration = trialog.people[StakeholderGroup.ADMINISTRATION]
    organisation = trialog.people[StakeholderGroup.ORGANISATION]
    shared = _comment(goal, citizens[0], StakeholderGroup.CITIZEN)
    divisive = _comment(goal, citizens[1], StakeholderGroup.CITIZEN)
    _votes(shared, citizens[2:12] + council[:5] + administration[:4] + organisation[:2], 1)
    _votes(shared, [trialog.silent[0]], 1)  # a citizen without comment
    _votes(divisive, citizens[2:10], 1)
    _votes(divisive, council[:6], -1)
    db.session.commit()
    consensus = _rebuild(trialog.process)["consensus"]
    scores = consensus["comments"][str(shared.id)]
    assert scores["groups"]["citizen"] == {"agree": 11, "disagree": 0, "p": round(12 / 13, 4)}
    assert scores["groups"]["organisation"]["agree"] == 2
    # organisation cast 2 votes (< 3), so not every group is heard enough on "shared"
    assert consensus["active_groups"] == ["administration", "citizen", "council", "organisation"]
    expected = agreement(11, 0) * agreement(5, 0) * agreement(4, 0) * agreement(2, 0)
    assert scores["consensus"] == pytest.approx(expected, abs=1e-6)
    assert scores["supported_by_all"] is False
    split = consensus["comments"][str(divisive.id)]
    assert split["divisive"] is True and consensus["divisive"] == [divisive.id]
    assert split["divisiveness"] == pytest.approx(agreement(8, 0) - agreement(0, 6), abs=1e-4)


def test_a_comment_every_group_supports(trialog: Trialog) -> None:
    goal = trialog.goals[0]
    shared = _comment(goal, None, StakeholderGroup.CITIZEN)
    for group, people in trialog.people.items():
        if group != StakeholderGroup.ORGANISATION:
            _votes(shared, people[:3], 1)
    db.session.commit()
    consensus = _rebuild(trialog.process)["consensus"]
    assert consensus["active_groups"] == ["administration", "citizen", "council"]
    assert consensus["supported_by_all"] == [shared.id]


def test_public_trialog_hides_small_groups_and_staff_views_are_audited(trialog: Trialog) -> None:
    trialog.rate()
    data = _rebuild(trialog.process)
    goal = str(trialog.goals[0].id)
    hidden = data["ratings"][goal]["hidden_groups"]
    assert "organisation" in hidden  # two raters
    public = snapshots.public_process(trialog.process.id)
    assert public is not None and "consensus" not in public
    ratings = public["ratings"][goal]
    assert ratings["raters_by_group"]["organisation"] is None
    direction = ratings["questions"]["direction"]
    assert direction["groups"]["organisation"] == {"row_id": None, "hidden": True}
    staff = make_user("staff@example.org", "Staff")
    full = snapshots.staff_process(trialog.process, staff)
    assert full is not None and full["warning"]["unsuppressed"] and "consensus" in full
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "results.unsuppressed_view")
    )
    assert event is not None and event.actor_id == staff.id
