"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.ratings.models import RatingQuestion
from tests.factories import make_process


def test_models_and_migrations_do_not_drift(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_downgrade_to_empty_and_upgrade_again(app: Flask, runner: Any) -> None:
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def _question_keys(process_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(RatingQuestion.key)
            .where(RatingQuestion.process_id == process_id)
            .order_by(RatingQuestion.position)
        )
    )


def _migrate_again(runner: Any) -> None:
    """Run the backfill again (its downgrade changes nothing)."""
    db.session.remove()
    assert runner.invoke(args=["db", "downgrade", "ed85dbacc1cd"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_processes_without_rating_questions_get_the_defaults(app: Flask, runner: Any) -> None:
    older = make_process("older").id
    db.session.execute(sa.delete(RatingQuestion).where(RatingQuestion.process_id == older))
    own = [{"key": "ok", "scale": "importance", "prompt": {"de": "OK?"}}]
    newer = make_process("newer", rating_questions=own).id
    _migrate_again(runner)
    assert _question_keys(older) == ["direction", "importance", "ambition"]
    assert _question_keys(newer) == ["ok"]
    _migrate_again(runner)
    assert len(_question_keys(older)) == 3


def test_responses_in_progress_count_the_pages_they_answered_as_seen(
    app: Flask, runner: Any
) -> None:
    from app.surveys.models import QuestionKind, Response
    from tests.factories import make_response, make_survey

    kinds = [QuestionKind.SHORT_TEXT]
    survey = make_survey("seen", kinds, kinds, kinds)
    first, _second, third = (section.questions[0] for section in survey.sections)
    response = make_response(survey, {first: "eins", third: "drei"}, submitted=False)
    expected = sorted([first.section_id, third.section_id])
    response_id = response.id
    db.session.remove()
    assert runner.invoke(args=["db", "downgrade", "c63930174b54"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    stored = db.session.get(Response, response_id)
    assert stored is not None and sorted(stored.seen_sections) == expected


def test_deleted_authors_stored_in_german_become_null(app: Flask, runner: Any) -> None:
    """a7d3c9e2f410: the German author label of deleted accounts becomes NULL (shown
    translated); an offline author of the same name and everyone else are kept."""
    from app.comments.models import Channel, Comment
    from tests.factories import make_comment, make_goal

    goal = make_goal(make_process("deleted-authors"), "1", "Ziel")
    deleted = make_comment(goal, "Von einem gelöschten Konto")
    offline = make_comment(goal, "Vom Workshop")
    named = make_comment(goal, "Von Bernd")
    db.session.commit()
    ids = deleted.id, offline.id, named.id
    db.session.remove()
    assert runner.invoke(args=["db", "downgrade", "5f2c8e1a9b47"]).exit_code == 0
    german = "gelöschte:r Nutzer:in"
    db.session.execute(
        sa.text("UPDATE comment SET author_name = :n, participant_id = NULL WHERE id = :i"),
        {"n": german, "i": ids[0]},
    )
    db.session.execute(
        sa.text(
            "UPDATE comment SET author_name = :n, participant_id = NULL, channel = :c WHERE id = :i"
        ),
        {"n": german, "c": Channel.WORKSHOP.value, "i": ids[1]},
    )
    db.session.commit()
    db.session.remove()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    names = [db.session.get(Comment, i).author_name for i in ids]  # type: ignore[union-attr]
    assert names[0] is None and names[1] == german and names[2] not in (None, german)


def test_closed_surveys_get_when_they_ended(app: Flask, runner: Any) -> None:
    """7c3d9e2f1a60: a closed survey's closed_at is its end or its last change,
    whichever came first; an open survey gets none."""
    from datetime import timedelta

    from app.db import utcnow
    from app.surveys.models import Survey, SurveyState
    from tests.factories import make_survey

    ended = make_survey("frueh-zu", closes_at=utcnow() - timedelta(days=40))
    by_hand = make_survey("von-hand")
    still_open = make_survey("offen")
    db.session.commit()
    ids = ended.id, by_hand.id, still_open.id
    db.session.remove()
    assert runner.invoke(args=["db", "downgrade", "a7d3c9e2f410"]).exit_code == 0
    db.session.execute(
        sa.text("UPDATE survey SET state = 'closed' WHERE id IN (:a, :b)"),
        {"a": ids[0], "b": ids[1]},
    )
    db.session.commit()
    db.session.remove()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    surveys = [db.session.get(Survey, i) for i in ids]
    assert surveys[0] is not None and surveys[0].closed_at == surveys[0].closes_at
    assert surveys[1] is not None and surveys[1].closed_at == surveys[1].updated_at
    assert surveys[2] is not None and surveys[2].state == SurveyState.OPEN
    assert surveys[2].closed_at is None
