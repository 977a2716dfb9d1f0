"""Small builders for test data, going through the same services as the app."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from app.accounts.models import Role, User
from app.accounts.services import create_user, grant_role
from app.db import utcnow
from app.extensions import db
from app.goals.editing import GoalTexts, create_goal
from app.goals.models import Goal
from app.processes.editing import create_process, save_phase
from app.processes.models import PhaseKind, Process
from app.surveys.answering.answers import save_section
from app.surveys.answering.gate import Respondent
from app.surveys.answering.responses import start_response, submit_response
from app.surveys.answering.validation import Answers, validate_page
from app.surveys.builder.parts import add_scale
from app.surveys.builder.structure import add_option, create_question, create_section, create_survey
from app.surveys.builder.structure import set_state as set_survey_state
from app.surveys.models import (
    CHOICE_KINDS,
    InvitationCode,
    Question,
    QuestionKind,
    Response,
    Section,
    Survey,
    SurveyState,
)
from app.surveys.paper.services import record_paper_response, validate_survey

PASSWORD = "correct horse battery"


def make_user(
    email: str = "citizen@example.org",
    name: str = "Bürgerin A",
    *,
    verified: bool = True,
    is_admin: bool = False,
    process: Process | None = None,
    role: Role | None = None,
) -> User:
    user = create_user(email, name, PASSWORD, verified=verified, is_admin=is_admin)
    if process is not None and role is not None:
        grant_role(user, process, role)
    db.session.commit()
    return user


def make_process(
    slug: str = "hf12",
    *,
    published: bool = True,
    phase: PhaseKind | None = PhaseKind.PARTICIPATION,
    **settings: Any,
) -> Process:
    process = create_process(
        slug=slug,
        title={"de": "Leistungsfähige Verwaltung", "en": "Efficient administration"},
        summary={"de": "Entwurf der Ziele."},
        is_published=published,
        **settings,
    )
    if phase is not None:
        now = utcnow()
        save_phase(
            process, kind=phase, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=30)
        )
    db.session.commit()
    return process


def make_goal(
    process: Process,
    code: str,
    title: str = "Ziel",
    *,
    parent: Goal | None = None,
    body: str = "",
    easy: str = "",
) -> Goal:
    goal = create_goal(
        process,
        code=code,
        texts=GoalTexts(
            title={"de": title},
            body={"de": body} if body else {},
            easy_body={"de": easy} if easy else {},
        ),
        parent=parent,
    )
    db.session.commit()
    return goal


# --- surveys and responses -----------------------------------------------------------

ANSWER_OPTIONS = ("a", "b", "c")  # the option values of a choice question from make_survey
MATRIX_ROWS = ("Row 1", "Row 2")


def _texts(text: str) -> dict[str, str]:
    return {"de": text, "en": text}


def _add_question(section: Section, kind: QuestionKind, number: int, required: bool) -> None:
    question = create_question(
        section,
        kind=kind,
        prompt=_texts(f"Q{number}"),
        required=required,
        rows=[{"label": _texts(row)} for row in MATRIX_ROWS] if kind == QuestionKind.MATRIX else [],
    )
    if kind in (QuestionKind.SCALE, QuestionKind.MATRIX):
        add_scale(question)
    elif kind in CHOICE_KINDS:
        for value in ANSWER_OPTIONS:
            add_option(question, label=_texts(value.upper()), value=value)


def make_survey(
    slug: str = "umfrage",
    *pages: Sequence[QuestionKind],
    process: Process | None = None,
    state: SurveyState = SurveyState.OPEN,
    required: bool = False,
    **settings: Any,
) -> Survey:
    """A survey with one page per ``pages`` entry and a question of each kind on it
    (default: one page with a short text question), prompts ``Q1``, ``Q2``, …
    Choice questions get the options ``a``, ``b``, ``c``; scales and matrices the
    importance scale 1 to 5 and "no answer" (``na``); a matrix the rows of
    :data:`MATRIX_ROWS`. ``settings`` go to the survey (``access_mode=…``)."""
    survey = create_survey(
        slug=slug,
        title=_texts(f"Survey {slug}"),
        process_id=process.id if process else None,
        **settings,
    )
    number = 0
    for page_number, kinds in enumerate(pages or [[QuestionKind.SHORT_TEXT]], start=1):
        section = create_section(survey, title=_texts(f"Page {page_number}"))
        for kind in kinds:
            number += 1
            _add_question(section, kind, number, required)
    if state != SurveyState.DRAFT:
        set_survey_state(survey, SurveyState.OPEN)
    if state == SurveyState.CLOSED:
        set_survey_state(survey, SurveyState.CLOSED)
    db.session.commit()
    return survey


def _option_id(question: Question, value: str) -> str:
    return str(next(o.id for o in question.options if o.value == value))


def _fields(question: Question, value: Any) -> list[tuple[str, str]]:
    """``value`` as the form fields of ``question`` (see ``answering.validation``)."""
    name = question.field_name
    if question.kind == QuestionKind.MATRIX:  # one option value per row, in order
        return [
            (f"{name}_r{r.id}", _option_id(question, v))
            for r, v in zip(question.rows, value, strict=False)
        ]
    if question.kind == QuestionKind.RANKING:  # option values, best first
        return [
            (f"{name}_o{_option_id(question, v)}", str(rank)) for rank, v in enumerate(value, 1)
        ]
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return [(name, _option_id(question, v)) for v in value]
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE):
        return [(name, _option_id(question, value))]
    return [(name, value.isoformat() if isinstance(value, date) else str(value))]


def make_response(
    survey: Survey,
    answers: Mapping[Question, Any] | None = None,
    *,
    submitted: bool = True,
    paper: bool = False,
    user: User | None = None,
    code: InvitationCode | None = None,
    batch: str = "",
) -> Response:
    """A response with ``answers`` (question → an option value, or a list of them for
    multiple choice, a ranking best first and a matrix row by row; a number, text or
    date as it is), validated as the forms are. Online by default: started (as
    ``user``, with ``code``, or from a new browser) and submitted, or left in
    progress with ``submitted=False``; ``paper=True`` enters it on paper (submitted,
    in ``batch``)."""
    formdata: MultiDict[str, str] = MultiDict()
    for question, value in (answers or {}).items():
        for name, field in _fields(question, value):
            formdata.add(name, field)
    if paper:
        valid, errors = validate_survey(survey, formdata)
        assert not errors, errors
        key = secrets.token_urlsafe(16)
        response, _created = record_paper_response(
            survey, valid, entered_by_id=None, idempotency_key=key, batch_label=batch, code=code
        )
    else:
        response = _online_response(survey, formdata, user, code, submitted)
    db.session.commit()
    return response


def _online_response(
    survey: Survey, formdata: Any, user: User | None, code: InvitationCode | None, submit: bool
) -> Response:
    browser = secrets.token_hex(32)
    respondent = Respondent(user_id=user.id if user else None, browser_hash=browser, code=code)
    response, _resume_code = start_response(survey, respondent)
    earlier: Answers = {}
    for section in survey.sections:
        valid, errors = validate_page(survey, section, formdata, earlier, enforce_required=False)
        assert not errors, errors
        save_section(response.id, section, valid)
        earlier |= valid
    if submit:
        submit_response(response)
    return response
