"""Building surveys: the lock once responses exist, copies, goal matrices, states on time,
links from processes and goals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from app.db import utcnow
from app.extensions import db
from app.surveys.builder.parts import add_demographic_question, copy_survey, matrix_from_goals
from app.surveys.builder.structure import (
    StructureLockedError,
    SurveyError,
    add_option,
    create_section,
    create_survey,
    delete_question,
    set_state,
    update_option,
    update_question,
    update_survey,
)
from app.surveys.models import (
    AccessMode,
    QuestionKind,
    Response,
    SurveyState,
)
from app.surveys.tasks import open_and_close_surveys, sync_states
from tests.factories import make_goal, make_process
from tests.surveys.conftest import kitchen_sink, lock, url

# --- the lock ------------------------------------------------------------------------


def test_structure_can_change_without_responses(app: Flask) -> None:
    sink = kitchen_sink()
    update_question(sink.q["number"], settings={"min": 1, "max": 99})
    add_option(sink.q["single"], label={"de": "Neu"}, value="c")
    delete_question(sink.q["date"])
    db.session.commit()
    assert sink.q["number"].setting("max") == 99


def test_structural_changes_are_refused_once_responses_exist(app: Flask) -> None:
    sink = kitchen_sink()
    lock(sink.survey)
    with pytest.raises(StructureLockedError):
        update_question(sink.q["number"], settings={"min": 1, "max": 99})
    with pytest.raises(StructureLockedError):
        add_option(sink.q["single"], label={"de": "Neu"}, value="c")
    with pytest.raises(StructureLockedError):
        update_option(sink.option("single", "a"), value="z")
    with pytest.raises(StructureLockedError):
        delete_question(sink.q["date"])
    with pytest.raises(StructureLockedError):
        update_question(sink.q["single"], required=False)
    with pytest.raises(StructureLockedError):
        create_section(sink.survey, title={"de": "Neu"})
    with pytest.raises(StructureLockedError):
        update_survey(sink.survey, access_mode=AccessMode.CODE)


def test_text_fixes_are_allowed_once_responses_exist(app: Flask) -> None:
    sink = kitchen_sink()
    lock(sink.survey)
    update_question(sink.q["single"], prompt={"de": "Einzeln (korrigiert)"}, help={"de": "Hilfe"})
    update_option(sink.option("single", "a"), label={"de": "Option A"})
    settings = dict(sink.q["number"].settings) | {"unit": {"de": "Jahre"}}
    update_question(sink.q["number"], settings=settings)
    update_survey(sink.survey, title={"de": "Neuer Titel"})
    # Sending unchanged structural values along (as a form does) is fine too.
    update_question(sink.q["single"], required=True, prompt={"de": "Einzeln"})
    db.session.commit()
    assert sink.q["number"].setting("unit") == {"de": "Jahre"}


def test_condition_must_point_to_an_earlier_page(app: Flask) -> None:
    sink = kitchen_sink()
    with pytest.raises(SurveyError):
        update_question(
            sink.q["single"], show_if={"question_id": sink.q["cond"].id, "values": ["x"]}
        )


def test_impossible_settings_are_refused(app: Flask) -> None:
    sink = kitchen_sink()
    with pytest.raises(SurveyError):
        update_question(sink.q["number"], settings={"min": 10, "max": 1})
    with pytest.raises(SurveyError):
        update_question(sink.q["single"], settings={"display": "slider"})


# --- copies, presets and goal matrices -----------------------------------------------


def test_copy_is_a_draft_with_the_same_structure_and_remapped_conditions(app: Flask) -> None:
    sink = kitchen_sink()
    lock(sink.survey)
    copy = copy_survey(sink.survey, slug="kitchen-sink-2026")
    db.session.commit()
    assert copy.state == SurveyState.DRAFT
    assert [q.kind for q in copy.questions] == [q.kind for q in sink.survey.questions]
    new_single = copy.questions[0]
    condition = copy.questions[-1].show_if
    assert condition is not None and condition["question_id"] == new_single.id
    assert condition["option_ids"] == [new_single.options[0].id]
    assert [r.label for r in copy.questions[4].rows] == [r.label for r in sink.q["matrix"].rows]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1


def test_matrix_from_goals_uses_the_top_level_goals(app: Flask) -> None:
    process = make_process("kreis")
    first = make_goal(process, "1", "Aktionsräume")
    child = make_goal(process, "1.1", "Strategierat", parent=first)
    make_goal(process, "2", "Einwohnerzahl")
    survey = create_survey(slug="ziele", title={"de": "S"}, process_id=process.id)
    section = create_section(survey, title={"de": "Ziele"})
    matrix = matrix_from_goals(section, process)
    assert matrix.kind == QuestionKind.MATRIX
    assert [row.label["de"] for row in matrix.rows] == ["1 Aktionsräume", "2 Einwohnerzahl"]
    assert [o.value for o in matrix.options] == ["1", "2", "3", "4", "5", "na"]
    sub = matrix_from_goals(section, process, first)
    assert [row.goal_id for row in sub.rows] == [child.id]


def test_demographic_presets(app: Flask) -> None:
    survey = create_survey(slug="demografie", title={"de": "D"})
    section = create_section(survey, title={"de": "Person"})
    age = add_demographic_question(section, "age_band")
    place = add_demographic_question(
        section, "municipality", choices=[("lehre", {"de": "Gemeinde Lehre"})]
    )
    assert age.is_demographic and age.setting("preset") == "age_band"
    assert age.options[-1].is_no_answer
    assert place.setting("display") == "dropdown" and len(place.options) == 2
    with pytest.raises(SurveyError):
        add_demographic_question(section, "municipality")


def test_a_survey_without_questions_cannot_open(app: Flask) -> None:
    survey = create_survey(slug="leer", title={"de": "Leer"})
    with pytest.raises(SurveyError):
        set_state(survey, SurveyState.OPEN)


# --- states on time ------------------------------------------------------------------


def test_beat_opens_scheduled_drafts_and_closes_ended_surveys(app: Flask) -> None:
    now = utcnow()
    ending = kitchen_sink("ending")
    ending.survey.closes_at = now - timedelta(minutes=1)
    scheduled = kitchen_sink("scheduled")
    scheduled.survey.state = SurveyState.DRAFT
    scheduled.survey.opens_at = now - timedelta(minutes=1)
    later = kitchen_sink("later")
    later.survey.state = SurveyState.DRAFT
    later.survey.opens_at = now + timedelta(days=1)
    db.session.commit()
    assert open_and_close_surveys() == (1, 1)  # what the beat-triggered task does
    db.session.expire_all()
    assert ending.survey.state == SurveyState.CLOSED
    assert scheduled.survey.state == SurveyState.OPEN
    assert later.survey.state == SurveyState.DRAFT
    assert sync_states() == (0, 0)


def test_beat_schedule_lists_the_task() -> None:
    from worker.schedule import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert "app.surveys.tasks.open_and_close_surveys" in tasks


# --- links from processes and goals --------------------------------------------------


def test_process_and_goal_includes_link_public_surveys(app: Flask, client: FlaskClient) -> None:
    process = make_process("kreis")
    goal = make_goal(process, "1", "Aktionsräume")
    survey = create_survey(slug="befragung", title={"en": "County survey"}, process_id=process.id)
    section = create_section(survey, title={"de": "Ziele"})
    matrix_from_goals(section, process)
    set_state(survey, SurveyState.OPEN)
    draft = create_survey(slug="entwurf", title={"en": "Draft survey"}, process_id=process.id)
    db.session.commit()
    with app.test_request_context("/en/"):
        process_html = render_template_string(
            '{% include "surveys/_process_surveys.html" %}', process=process
        )
        goal_html = render_template_string('{% include "surveys/_goal_surveys.html" %}', goal=goal)
    assert "County survey" in process_html and "Draft survey" not in process_html
    assert "/surveys/befragung/" in goal_html
    assert draft.state == SurveyState.DRAFT
    listing = client.get("/en/surveys/").get_data(as_text=True)
    assert "County survey" in listing and "Draft survey" not in listing


def test_survey_of_an_unpublished_process_is_hidden(app: Flask, client: FlaskClient) -> None:
    process = make_process("geheim", published=False)
    kitchen_sink(process_id=process.id)
    assert client.get(url("kitchen-sink")).status_code == 404
