"""The Steckbrief facts against the revisions, moves and links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale

from app.db import utcnow
from app.exports.auswertung.document import build
from app.exports.auswertung.steckbrief import steckbriefe
from app.extensions import db
from app.goals.models import GoalRevision
from app.goals.services import goal_tree
from tests.exports.conftest import Annex
from tests.factories import make_goal, make_process


def test_steckbrief_facts_follow_the_revisions(annex: Annex) -> None:
    process = annex.process
    with force_locale("de"):
        (brief,) = steckbriefe(process, goal_tree(process.id), "de")
    assert brief.field.code == "12" and brief.field.title == "Leistungsfähige Verwaltung"
    assert brief.title_changed and brief.old_title == "Innovative Verwaltung"
    assert brief.field.body == "Der Leitsatz." and brief.field.level_name
    assert [goal.code for goal in brief.added] == ["12.2.2"]  # created after the phase began
    (moved,) = brief.moved
    assert (moved.code, moved.before, moved.below) == ("12.1.2", "", "12.1")
    assert brief.structure_changed
    culture = annex.goals["12.1.1"].id
    assert brief.feedback == {culture: [("comment", annex.comments["first"].id)]}
    goals = {goal.code: goal for goal in brief.goals}
    assert goals["12.1.1"].body == "Neu gefasst." and goals["12.1.1"].earlier_body == "Alt."
    assert goals["12.1.1"].earlier_title == ""  # the title did not change
    assert goals["12.2.1"].earlier_body == "" and goals["12.2.1"].earlier_title == ""
    assert list(goals) == ["12.1", "12.1.1", "12.2", "12.2.1", "12.2.2", "12.1.2"]


def test_a_field_without_changes_says_no(app: Any) -> None:
    process = make_process("ruhig")
    field = make_goal(process, "1", "Feld", body="Leitsatz")
    make_goal(process, "1.1", "Ziel", parent=field)
    db.session.execute(sa.update(GoalRevision).values(created_at=utcnow() - timedelta(days=9)))
    db.session.commit()
    with force_locale("de"):
        (brief,) = steckbriefe(process, goal_tree(process.id), "de")
    assert not brief.title_changed and brief.old_title == ""
    assert not brief.structure_changed and not brief.feedback
    assert [goal.earlier_body for goal in brief.goals] == [""]


def test_the_document_lists_the_feedback_taken_up_with_its_row_number(annex: Annex) -> None:
    with force_locale("de"):
        doc = build(annex.process, {}, "de", lambda n: None)
    (part,) = doc.fields
    ((block, linked),) = part.feedback
    assert block.code == "12.1.1" and [e.text for e in linked] == ["Erster Beitrag"]
    assert linked[0].number == 1 and linked[0].consideration == "Berücksichtigt"
    headings = [(b.code, len(b.entries)) for b in part.blocks]
    assert headings[:3] == [("12", 0), ("12.1", 0), ("12.1.1", 4)]
    assert doc.total == sum(len(b.entries) for b in part.blocks) + len(doc.without_goal)
