"""The builder's services without the web: what a new question gets, how settings and
conditions are kept, and that every change records its audit event where it is made
(so a command audits as the web does)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.processes.models import Process
from app.surveys.builder import conditions, questions, services
from app.surveys.builder.questions import QuestionInput, merge_settings
from app.surveys.builder.structure import SurveyError
from app.surveys.models import Question, QuestionKind, Section, SurveyState
from tests.factories import make_survey

pytestmark = pytest.mark.usefixtures("english")
ABC = [{"de": "A"}, {"de": "B"}, {"de": "C"}]


@pytest.fixture
def section(app: Flask) -> Section:
    """The page of a draft survey, to add questions to."""
    return make_survey("bau", state=SurveyState.DRAFT).sections[0]


def _add(section: Section, kind: QuestionKind, actor: Any = None, **data: Any) -> Question:
    return questions.add_question(
        section, kind, QuestionInput(prompt={"de": "Frage"}, **data), actor=actor
    )


def _events() -> list[tuple[str, int | None]]:
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))
    return [(event.action, event.actor_id) for event in events]


# --- a new question ------------------------------------------------------------------


def test_a_choice_question_gets_its_options_and_other(section: Section, staff: User) -> None:
    question = _add(
        section,
        QuestionKind.MULTIPLE_CHOICE,
        staff,
        options=ABC,
        other_option=True,
        settings={"min_choices": None, "max_choices": 2},
    )
    assert [(o.value, o.is_other) for o in question.options] == [
        ("1", False),
        ("2", False),
        ("3", False),
        ("other", True),
    ]
    assert question.settings == {"max_choices": 2}
    assert _events() == [("survey.question.save", staff.id)]


def test_a_scale_numbers_its_points_or_gets_the_importance_scale(section: Section) -> None:
    typed = _add(section, QuestionKind.SCALE, options=ABC[:2])
    assert [(o.value, o.label) for o in typed.options] == [("1", {"de": "A"}), ("2", {"de": "B"})]
    default = _add(section, QuestionKind.SCALE, no_answer=True)
    assert [o.value for o in default.options] == ["1", "2", "3", "4", "5", "na"]
    assert default.options[-1].is_no_answer


def test_a_matrix_needs_a_row(section: Section) -> None:
    with pytest.raises(SurveyError, match=r"A matrix needs at least one row\."):
        _add(section, QuestionKind.MATRIX)
    db.session.rollback()
    matrix = _add(section, QuestionKind.MATRIX, rows=[{"de": "Bus"}, {"de": "Rad"}])
    assert [row.label for row in matrix.rows] == [{"de": "Bus"}, {"de": "Rad"}]
    assert len(matrix.options) == 5  # the importance scale, no "no answer" unless asked


def test_options_rows_and_extras_of_other_kinds_are_left_out(section: Section) -> None:
    number = _add(
        section, QuestionKind.NUMBER, options=ABC, rows=ABC, other_option=True, no_answer=True
    )
    assert number.options == [] and number.rows == []
    ranking = _add(section, QuestionKind.RANKING, options=ABC, other_option=True)
    assert [o.value for o in ranking.options] == ["1", "2", "3"]


def test_a_new_question_takes_its_condition(app: Flask) -> None:
    survey = make_survey("bedingt", [QuestionKind.SINGLE_CHOICE], [], state=SurveyState.DRAFT)
    target = survey.questions[0]
    second = survey.sections[1]
    show_if = conditions.chosen_condition(None, second, [target.options[0].id], None)
    question = questions.add_question(
        second,
        QuestionKind.SHORT_TEXT,
        QuestionInput({"de": "Warum?"}),
        show_if=show_if,
        actor=None,
    )
    assert question.show_if == {"question_id": target.id, "option_ids": [target.options[0].id]}


def test_settings_of_the_kind_replace_and_others_stay() -> None:
    old = {"max_length": 5, "preset": "age_band", "min": 3}
    assert merge_settings(old, QuestionKind.SHORT_TEXT, {"max_length": None}) == {
        "preset": "age_band",
        "min": 3,
    }
    assert merge_settings({}, QuestionKind.SINGLE_CHOICE, {"display": "radio"}) == {}
    kept = {"display": "radio"}
    assert merge_settings(kept, QuestionKind.SINGLE_CHOICE, {"display": "radio"}) == kept


def test_an_update_keeps_a_condition_the_form_cannot_show(app: Flask) -> None:
    survey = make_survey("werte", [QuestionKind.SCALE], [QuestionKind.LONG_TEXT])
    scale, text = survey.questions
    # set without the builder: two scale points, no wording
    text.show_if = {"question_id": scale.id, "values": ["4", "5"]}
    db.session.commit()
    assert not conditions.condition_in_form(text)
    questions.update_question(text, QuestionInput({"de": "Neu"}), actor=None)
    assert text.prompt == {"de": "Neu"}
    assert text.show_if == {"question_id": scale.id, "values": ["4", "5"]}


# --- audit where the change is made --------------------------------------------------


def test_every_builder_change_is_audited_by_its_service(app: Flask, process: Process) -> None:
    """As a command would make them: no staff member, no request."""
    survey = services.create_survey(
        actor=None, slug="befehl", title={"de": "Befehl"}, process_id=process.id
    )
    section = services.save_section(survey, None, title={"de": "Eins"}, intro={}, actor=None)
    question = questions.add_question(
        section, QuestionKind.SINGLE_CHOICE, QuestionInput({"de": "?"}, options=ABC), actor=None
    )
    option = services.save_option(question, None, label={"de": "D"}, value=None, actor=None)
    services.move_option(option, -1, actor=None)
    questions.change_kind(question, "dropdown", drop_items=False, actor=None)
    services.add_preset(section, "gender", actor=None)
    services.set_state(survey, SurveyState.OPEN, actor=None)
    services.copy_survey(survey, slug="befehl-kopie", actor=None)
    db.session.commit()
    assert _events() == [
        ("survey.create", None),
        ("survey.section.save", None),
        ("survey.question.save", None),
        ("survey.option.save", None),
        ("survey.option.move", None),
        ("survey.question.kind", None),
        ("survey.question.preset", None),
        ("survey.state.open", None),
        ("survey.copy", None),
    ]
    process_ids = set(db.session.scalars(sa.select(AuditEvent.process_id)))
    assert process_ids == {process.id}


def test_a_refused_change_records_no_event(app: Flask) -> None:
    survey = make_survey("bedingt", [QuestionKind.SINGLE_CHOICE], [QuestionKind.SHORT_TEXT])
    target, text = survey.questions
    text.show_if = {"question_id": target.id, "option_ids": [target.options[0].id]}
    db.session.commit()
    with pytest.raises(SurveyError, match="The condition of another question refers to this"):
        services.delete_section(survey.sections[0], actor=None)
    with pytest.raises(SurveyError, match="The condition of another question refers to this"):
        services.delete_option(target.options[0], actor=None)
    assert not [obj for obj in db.session.new if isinstance(obj, AuditEvent)]
