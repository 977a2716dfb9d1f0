"""The demo citizen survey of Landkreis Helmstedt and `flask demo responses`."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.demo.survey_content import MUNICIPALITIES, PROCESS_SLUG, SLUG
from app.demo.survey_loader import load_demo_survey
from app.extensions import db
from app.goals.models import Goal
from app.processes.models import Process
from app.surveys.models import (
    AccessMode,
    Answer,
    Option,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Survey,
    SurveyState,
)


def _load(runner: Any) -> Survey:
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    load_demo_survey()
    db.session.commit()
    return db.session.scalars(sa.select(Survey).where(Survey.slug == SLUG)).one()


def _question(survey: Survey, preset: str) -> Question:
    return next(q for q in survey.questions if q.setting("preset") == preset)


def test_demo_survey_is_open_with_about_15_questions(app: Flask, runner: Any) -> None:
    survey = _load(runner)
    process = db.session.scalars(sa.select(Process).where(Process.slug == PROCESS_SLUG)).one()
    assert survey.process_id == process.id
    assert survey.state == SurveyState.OPEN and survey.access_mode == AccessMode.OPEN
    assert 13 <= len(survey.questions) <= 17
    kinds = {q.kind for q in survey.questions}
    assert {QuestionKind.MATRIX, QuestionKind.SCALE, QuestionKind.RANKING} <= kinds


def test_demo_matrix_asks_about_the_strategic_goals(app: Flask, runner: Any) -> None:
    survey = _load(runner)
    matrix = next(q for q in survey.questions if q.kind == QuestionKind.MATRIX)
    top_level = db.session.scalars(
        sa.select(Goal.id)
        .join(Process)
        .where(Process.slug == PROCESS_SLUG, Goal.parent_id.is_(None))
        .order_by(Goal.position, Goal.code)
    ).all()
    assert [row.goal_id for row in matrix.rows] == list(top_level)
    assert matrix.prompt["de"] == "Wie wichtig ist Ihnen …?"


def test_demo_demographics_with_the_member_municipalities(app: Flask, runner: Any) -> None:
    survey = _load(runner)
    for preset in ("age_band", "gender", "municipality"):
        assert _question(survey, preset).is_demographic
    names = [o.label["de"] for o in _question(survey, "municipality").options if not o.is_no_answer]
    assert names == [
        "Stadt Helmstedt",
        "Stadt Königslutter am Elm",
        "Stadt Schöningen",
        "Gemeinde Lehre",
        "Samtgemeinde Grasleben",
        "Samtgemeinde Heeseberg",
        "Samtgemeinde Nord-Elm",
        "Samtgemeinde Velpke",
    ]
    assert len(MUNICIPALITIES) == 8


def test_loading_the_demo_survey_twice_changes_nothing(app: Flask, runner: Any) -> None:
    _load(runner)
    assert load_demo_survey() is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 1


def test_demo_survey_needs_its_process(app: Flask) -> None:
    assert load_demo_survey() is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 0


def test_demo_survey_can_be_answered_online(app: Flask, runner: Any, client: FlaskClient) -> None:
    _load(runner)
    intro = client.get(f"/en/surveys/{SLUG}/").get_data(as_text=True)
    assert "Residents' survey 2035" in intro or "Residents&#39; survey 2035" in intro
    assert "Start the survey" in intro


def test_demo_responses_for_5867_respondents_are_stored(app: Flask, runner: Any) -> None:
    """How long it takes: bench/survey_responses.py."""
    survey = _load(runner)
    result = runner.invoke(args=["demo", "responses", SLUG, "--count", "5867", "--seed", "7"])
    assert result.exit_code == 0, result.output
    submitted = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Response)
        .where(Response.survey_id == survey.id, Response.state == ResponseState.SUBMITTED)
    )
    assert submitted == 5867
    _check_plausible(survey)


def _check_plausible(survey: Survey) -> None:
    required = [q for q in survey.questions if q.required]
    for question in required:
        answered = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Answer.response_id))).where(
                Answer.question_id == question.id
            )
        )
        assert answered == 5867, question.prompt
    place = _question(survey, "municipality")
    counts = Counter(
        db.session.scalars(
            sa.select(Option.value)
            .join(Answer, Answer.option_id == Option.id)
            .where(Answer.question_id == place.id)
        )
    )
    assert counts.most_common(1)[0][0] == "helmstedt"
    stay = next(q for q in survey.questions if q.show_if)
    hidden_answers = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Answer)
        .where(
            Answer.question_id == stay.id,
            ~Answer.response_id.in_(
                sa.select(Answer.response_id).where(
                    Answer.option_id.in_(stay.show_if["option_ids"] if stay.show_if else [])
                )
            ),
        )
    )
    assert hidden_answers == 0


def test_demo_responses_refuses_an_unknown_survey(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["demo", "responses", "nope", "--count", "5"])
    assert result.exit_code != 0 and "no survey" in result.output
