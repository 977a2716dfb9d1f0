"""Small builders for test data, going through the same services as the app.

One line builds what a test needs: a user, a process, a goal, a survey and its
responses, a comment with replies, votes and reports (online or offline), ratings
and an assessment. The services audit every change; seeding is not what a test is
about, so the builders drop the audit events they cause (:func:`unaudited`), and a
test sees only the events of what it does.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.accounts.models import Role, User
from app.accounts.services import create_user, grant_role
from app.assessment.models import Assessment, Consideration
from app.assessment.services import assessing, workspace
from app.audit.models import AuditEvent
from app.comments import reactions
from app.comments import services as comment_services
from app.comments.models import Channel, Comment, CommentStatus, ReportReason
from app.db import utcnow
from app.extensions import db
from app.goals.editing import GoalTexts, create_goal
from app.goals.models import Goal
from app.participation.models import Participant, ParticipantKind, StakeholderGroup
from app.processes.editing import create_process, save_phase
from app.processes.models import PhaseKind, Process
from app.ratings.services import rating_questions, save_ratings
from app.staff.offline_services import OfflineInput, enter_offline_comment
from app.surveys.answering.answers import save_section
from app.surveys.answering.gate import Respondent
from app.surveys.answering.responses import start_response, submit_response
from app.surveys.answering.validation import Answers, validate_page
from app.surveys.builder.parts import add_scale
from app.surveys.builder.structure import add_option, create_question, create_section, create_survey
from app.surveys.builder.structure import set_state as set_survey_state
from app.surveys.models import (
    CHOICE_KINDS,
    Answer,
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


@contextmanager
def unaudited() -> Iterator[None]:
    """Drop the audit events written inside the block (test data, not an action)."""
    last = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
    yield
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > last))


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
    with unaudited():
        process = create_process(
            slug=slug,
            title={"de": "Leistungsfähige Verwaltung", "en": "Efficient administration"},
            summary={"de": "Entwurf der Ziele."},
            is_published=published,
            actor=None,
            **settings,
        )
        if phase is not None:
            now = utcnow()
            save_phase(
                process,
                kind=phase,
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=30),
                actor=None,
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
    with unaudited():
        goal = create_goal(
            process,
            code=code,
            texts=GoalTexts(
                title={"de": title},
                body={"de": body} if body else {},
                easy_body={"de": easy} if easy else {},
            ),
            parent=parent,
            author=None,
        )
    db.session.commit()
    return goal


# --- participants, comments, votes, reports ---------------------------------------------


def make_participant(
    pseudonym: str = "Bernd",
    *,
    user: User | None = None,
    kind: ParticipantKind | None = None,
    **values: Any,
) -> Participant:
    """An anonymous participant; with ``user`` that account's participant (confirmed as
    the account is). ``values`` set other columns (``email=…``, ``blocked_at=…``)."""
    participant = Participant(
        kind=kind or (ParticipantKind.ACCOUNT if user else ParticipantKind.ANONYMOUS),
        pseudonym=pseudonym,
        user_id=user.id if user else None,
        confirmed_at=user.verified_at if user else None,
    )
    for name, value in values.items():
        setattr(participant, name, value)
    db.session.add(participant)
    db.session.commit()
    return participant


def _process_of(goal: Goal) -> Process:
    process = db.session.get(Process, goal.process_id)
    assert process is not None
    return process


def make_comment(
    goal: Goal,
    body: str = "Ein Kommentar",
    *,
    author: Participant | None = None,
    parent: Comment | None = None,
    status: CommentStatus = CommentStatus.PUBLISHED,
    replies: int = 0,
    votes: Sequence[int] = (),
    reports: int = 0,
    kind: str = "suggestion",
    group: StakeholderGroup = StakeholderGroup.CITIZEN,
    **values: Any,
) -> Comment:
    """An online comment on ``goal`` (a reply to ``parent``) by ``author`` (default: a new
    anonymous participant), written by the comments service and brought to ``status`` as
    moderation does, so the counters follow. Then ``replies`` published replies,
    ``votes`` (+1 or -1 each) and ``reports`` through the services, each by a new
    participant (reports may hide it at the process's threshold). ``values`` set
    columns at the end (``created_at=…``, ``hidden_reason=…``)."""
    process = _process_of(goal)
    draft = comment_services.Draft(body=body, kind=kind, stakeholder_group=group)
    writer = author or make_participant()
    comment = comment_services.create_comment(process, goal, writer, draft, parent=parent)
    comment_services.change_status(comment, status, process.id)
    for number in range(1, replies + 1):
        make_comment(goal, f"Antwort {number}", parent=comment)
    for number, value in enumerate(votes, start=1):
        reactions.vote(comment, make_participant(f"Stimme {number}"), value)
    for number in range(1, reports + 1):
        who = make_participant(f"Meldung {number}")
        reactions.report_comment(comment, who, ReportReason.SPAM, "", process)
    db.session.flush()
    db.session.refresh(comment)
    for name, value in values.items():
        setattr(comment, name, value)
    db.session.commit()
    return comment


def insert_comment(
    goal: Goal,
    participant: Participant | None = None,
    *,
    body: str = "Ein Kommentar",
    status: CommentStatus = CommentStatus.PUBLISHED,
    **values: Any,
) -> Comment:
    """A comment row written straight to the table, past the services: no counters, no
    moderation, no participant unless given (then "Jemand" wrote it). For tests of what
    the pages and services make of a row as it stands; ``values`` set further columns."""
    comment = Comment(
        goal_id=goal.id,
        participant_id=participant.id if participant else None,
        author_name=participant.pseudonym if participant else "Jemand",
        kind="suggestion",
        stakeholder_group=StakeholderGroup.CITIZEN,
        body=body,
        status=status,
    )
    for name, value in values.items():
        setattr(comment, name, value)
    db.session.add(comment)
    db.session.commit()
    return comment


def make_offline_comment(
    goal: Goal,
    body: str = "Ein Brief",
    *,
    entered_by: User,
    channel: Channel = Channel.LETTER,
    author_name: str = "Teilnehmer:in Workshop",
    received_on: date | None = None,
    group: StakeholderGroup = StakeholderGroup.CITIZEN,
    kind: str = "suggestion",
) -> Comment:
    """Offline input on ``goal`` as staff enter it (``received_on`` default: yesterday)."""
    today = utcnow().date()
    data = OfflineInput(
        goal=goal,
        channel=channel,
        received_on=received_on or today - timedelta(days=1),
        author_name=author_name,
        stakeholder_group=group,
        kind=kind,
        body=body,
    )
    with unaudited():
        comment = enter_offline_comment(_process_of(goal), data, entered_by=entered_by, today=today)
    db.session.commit()
    return comment


# --- ratings and assessments ---------------------------------------------------------


def make_ratings(
    goal: Goal, answers: Mapping[str, int] | None = None, *, author: Participant | None = None
) -> Participant:
    """``author`` (default: a new anonymous participant) rates ``goal``: ``answers`` by
    question key (``direction``, ``importance``, ``ambition``), default the first value
    of every question. Returns the author."""
    process = _process_of(goal)
    questions = {q.key: q for q in rating_questions(process, goal)}
    chosen = answers or {key: q.values[0] for key, q in questions.items()}
    rater = author or make_participant("Bewertung")
    save_ratings(process, goal, rater, {questions[k].id: v for k, v in chosen.items()})
    db.session.commit()
    return rater


def make_assessment(
    item: Comment | Answer,
    consideration: Consideration | None = Consideration.CONSIDERED,
    rationale: str = "Begründung",
    *,
    group: StakeholderGroup = StakeholderGroup.CITIZEN,
    revision_id: int | None = None,
    tag_ids: Sequence[int] = (),
) -> Assessment:
    """The assessment of a comment or a survey answer, saved as the workspace does."""
    subject: workspace.Item
    if isinstance(item, Answer):
        response = db.session.get(Response, item.response_id)
        assert response is not None and response.survey.process_id is not None
        process = db.session.get(Process, response.survey.process_id)
        assert process is not None
        subject = workspace.answers_by_id(process, [item.id])[item.id]
    else:
        goal = db.session.get(Goal, item.goal_id)
        assert goal is not None
        process, subject = _process_of(goal), item
    data = assessing.AssessmentInput(group, consideration, rationale, revision_id, list(tag_ids))
    current = workspace.assessment_of(subject)
    with unaudited():
        assessment = assessing.save_assessment(
            subject,
            process,
            data,
            expected_version=current.version if current else 0,
            assessor=None,
        )
    db.session.commit()
    return assessment


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
