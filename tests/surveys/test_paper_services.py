"""Paper entry at service level: invitation-code checks, storing a questionnaire once,
and the audit events, without the web (as a command or a task would call them)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.surveys.answering.gate import SurveyRefusedError
from app.surveys.answering.validation import AnswerRow
from app.surveys.builder.structure import create_survey
from app.surveys.cli import generate_codes
from app.surveys.models import (
    AccessMode,
    Answer,
    InvitationCode,
    QuestionKind,
    Response,
    ResponseChannel,
    ResponseState,
    Survey,
    SurveyState,
)
from app.surveys.paper import services
from app.surveys.paper.services import record_paper_response
from tests.factories import make_response, make_survey
from tests.surveys.conftest import Sink, answer_all, kitchen_sink, stored_responses

pytestmark = pytest.mark.usefixtures("english")


def _code(survey: Survey) -> InvitationCode:
    code = generate_codes(survey, 1, "letters")[0]
    db.session.commit()
    found = db.session.scalar(sa.select(InvitationCode).where(InvitationCode.code == code))
    assert found is not None
    return found


def _events() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))


# --- invitation codes ----------------------------------------------------------------


def test_no_code_is_asked_for_an_open_survey_without_codes(app: Flask) -> None:
    survey = make_survey()
    assert not services.asks_for_code(survey)
    assert services.check_code(survey, "ABCDE-FGHJK") == (None, None)


def test_a_code_survey_requires_the_code(app: Flask) -> None:
    survey = make_survey(access_mode=AccessMode.CODE)
    assert services.asks_for_code(survey) and services.code_required(survey)
    assert services.check_code(survey, "  ") == (
        None,
        "Please enter the code printed on the questionnaire.",
    )


def test_printed_codes_make_the_code_optional_for_an_open_survey(app: Flask) -> None:
    survey = make_survey()
    code = _code(survey)
    assert services.asks_for_code(survey) and not services.code_required(survey)
    assert services.check_code(survey, "") == (None, None)
    assert services.check_code(survey, code.code.lower()) == (code, None)


def test_an_unknown_code_or_one_of_another_survey_is_refused(app: Flask) -> None:
    survey = make_survey(access_mode=AccessMode.CODE)
    other = _code(make_survey("andere", access_mode=AccessMode.CODE))
    unknown = "We do not know this code. Please check it and try again."
    assert services.check_code(survey, "ZZZZZ-ZZZZZ") == (None, unknown)
    assert services.check_code(survey, other.code) == (None, unknown)


def test_a_used_code_says_where_it_went(app: Flask) -> None:
    survey = make_survey(access_mode=AccessMode.CODE)
    online, on_paper = _code(survey), _code(survey)
    make_response(survey, code=online)
    make_response(survey, code=on_paper, paper=True, batch="Box 7")
    assert services.check_code(survey, online.code) == (
        None,
        "This code has already been used online. The questionnaire was not saved.",
    )
    assert services.check_code(survey, on_paper.code) == (
        None,
        "This code has already been used for a paper questionnaire (batch Box 7). "
        "The questionnaire was not saved.",
    )


def test_an_anonymised_survey_cannot_tell_where_a_code_went(app: Flask) -> None:
    survey = make_survey(access_mode=AccessMode.CODE, anonymised=True)
    code = _code(survey)
    make_response(survey, code=code)
    assert services.check_code(survey, code.code) == (
        None,
        "This code has already been used. The questionnaire was not saved.",
    )


# --- entering a questionnaire --------------------------------------------------------


def _form(survey: Survey, **fields: str) -> MultiDict[str, str]:
    return MultiDict({survey.questions[0].field_name: "Auf Papier", **fields})


def test_a_questionnaire_is_stored_once_and_audited_by_the_service(app: Flask, staff: User) -> None:
    survey = make_survey(access_mode=AccessMode.CODE)
    code = _code(survey)
    entry = services.enter_questionnaire(
        survey, _form(survey), batch="Box 1", key="k-1", code=code.code, actor=staff
    )
    db.session.commit()
    again = services.enter_questionnaire(
        survey, _form(survey), batch="Box 1", key="k-1", code=code.code, actor=staff
    )
    db.session.commit()
    assert (entry.errors, entry.created) == ({}, True)
    assert (again.errors, again.created) == ({}, False)  # the used code is not checked again
    [response] = stored_responses()
    assert response.channel == ResponseChannel.PAPER and response.entered_by_id == staff.id
    assert response.batch_label == "Box 1" and response.code_id == code.id
    [event] = _events()
    assert (event.action, event.actor_id, event.object_id) == (
        "survey.paper_response",
        staff.id,
        response.id,
    )
    assert event.after == {"batch": "Box 1", "with_code": True}


def test_a_refused_code_stores_nothing_and_keeps_the_other_messages(app: Flask) -> None:
    survey = make_survey("zahl", [QuestionKind.NUMBER], access_mode=AccessMode.CODE)
    name = survey.questions[0].field_name
    entry = services.enter_questionnaire(
        survey, MultiDict({name: "viele"}), batch="Box 1", key="k-2", code="", actor=None
    )
    assert entry.errors == {
        "code": "Please enter the code printed on the questionnaire.",
        name: "Please enter a number.",
    }
    assert not entry.created and stored_responses() == [] and _events() == []


def test_a_command_without_a_staff_member_audits_as_the_system(app: Flask) -> None:
    survey = make_survey()
    entry = services.enter_questionnaire(survey, _form(survey), batch="CLI", key="k", actor=None)
    services.start_batch(survey, "CLI", actor=None)
    db.session.commit()
    assert entry.created
    assert [(e.action, e.actor_id) for e in _events()] == [
        ("survey.paper_response", None),
        ("survey.paper.batch", None),
    ]


def test_a_draft_takes_no_paper_questionnaires(app: Flask) -> None:
    draft = make_survey(state=SurveyState.DRAFT)
    assert services.not_enterable(draft) == "Open the survey before you enter paper questionnaires."
    assert services.not_enterable(make_survey("offen")) is None
    with pytest.raises(SurveyRefusedError):
        services.enter_questionnaire(draft, _form(draft), batch="B", key="k-3", actor=None)


def test_the_batch_count_counts_paper_responses_of_the_batch(app: Flask) -> None:
    survey = make_survey()
    for batch in ("Box 1", "Box 1", "Box 2"):
        make_response(survey, paper=True, batch=batch)
    make_response(survey)  # online
    assert services.batch_count(survey, "Box 1") == 2
    assert services.batch_count(survey, "Box 3") == 0


# --- storing a paper response --------------------------------------------------------


def _paper_answers(sink: Sink) -> dict[int, list[AnswerRow]]:
    single = sink.q["single"]
    return {single.id: [AnswerRow(single.id, option_id=sink.option("single", "b").id)]}


def test_paper_response_is_stored_once_per_key(app: Flask) -> None:
    sink = kitchen_sink()
    first, created = record_paper_response(
        sink.survey,
        _paper_answers(sink),
        entered_by_id=None,
        idempotency_key="p-1",
        batch_label="Mai",
    )
    again, created_again = record_paper_response(
        sink.survey, _paper_answers(sink), entered_by_id=None, idempotency_key="p-1"
    )
    db.session.commit()
    assert created and not created_again and first.id == again.id
    assert first.channel == ResponseChannel.PAPER and first.state == ResponseState.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 1


def test_paper_response_drops_answers_to_hidden_questions(app: Flask) -> None:
    sink = kitchen_sink()
    cond = sink.q["cond"]
    answers = _paper_answers(sink) | {cond.id: [AnswerRow(cond.id, value_text="hidden")]}
    record_paper_response(sink.survey, answers, entered_by_id=None, idempotency_key="p-2")
    db.session.commit()
    stored = db.session.scalars(sa.select(Answer.question_id)).all()
    assert stored == [sink.q["single"].id]


def test_paper_response_for_a_draft_is_refused(app: Flask) -> None:
    survey = create_survey(slug="entwurf", title={"de": "Entwurf"})
    with pytest.raises(SurveyRefusedError):
        record_paper_response(survey, {}, entered_by_id=None, idempotency_key="p-3")


def test_online_and_paper_answers_share_one_table(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    answer_all(client, sink)
    record_paper_response(
        sink.survey, _paper_answers(sink), entered_by_id=None, idempotency_key="p"
    )
    db.session.commit()
    channels = db.session.scalars(sa.select(Response.channel)).all()
    assert sorted(channels) == [ResponseChannel.ONLINE, ResponseChannel.PAPER]
    assert isinstance(db.session.get(Survey, sink.survey.id), Survey)
