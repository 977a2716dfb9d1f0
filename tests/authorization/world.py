"""The data the authorization matrix runs against: one of everything a URL can name.

``build_world`` goes through the app's services (as the factories do) and returns the
eight signed-in (or not) roles and a value for every URL argument. Values are looked
up most specific first: ``"<endpoint>.<arg>"``, then ``"<blueprint>.<arg>"``, then
``"<arg>"``; so ``comments.delete`` deletes a spare reply, and the survey pages get
the survey's slug where the process pages get the process's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from app.accounts import tokens
from app.accounts.models import Role, User
from app.assessment.services import assessing, tag_list
from app.audit.services import record
from app.comments import services as comment_services
from app.comments.models import Channel, Comment
from app.db import utcnow
from app.exports import services as export_services
from app.exports.models import ExportFormat, ExportKind
from app.extensions import db
from app.goals.models import Goal
from app.moderation import services as moderation
from app.pages import services as page_services
from app.participation.models import (
    Participant,
    ParticipantKind,
    StakeholderGrant,
    StakeholderGroup,
)
from app.participation.services import request_guest_confirmation
from app.privacy import guest_access
from app.processes.editing import save_phase
from app.processes.models import Phase, PhaseKind, Process
from app.ratings.services import rating_questions
from app.staff.offline_services import OfflineInput, enter_offline_comment
from app.surveys.answering.gate import Respondent
from app.surveys.answering.responses import start_response
from app.surveys.answering.validation import AnswerRow
from app.surveys.builder import structure as survey_editing
from app.surveys.models import AccessMode, Answer, Question, QuestionKind, Survey, SurveyState
from app.surveys.paper.services import record_paper_response
from tests.factories import make_goal, make_process, make_user

ROLES = (
    "anonymous",
    "participant",  # a verified citizen account; author of the comment and its reply
    "blocked",  # a citizen account blocked indefinitely by a moderator (user.blocked_at)
    "suspended",  # a citizen blocked for a week (only the participant; the account is not)
    "other_moderator",  # moderator of another process
    "moderator",  # moderator of the process
    "other_staff",  # staff of another process
    "staff",  # staff of the process
    "admin",
)
CONFIRM_LINK = re.compile(r"/participate/confirm/(\S+)")
GUEST_DATA_LINK = re.compile(r"/my-data/guest/(\S+)")


@dataclass
class World:
    users: dict[str, User | None]
    values: dict[str, Any] = field(default_factory=dict)

    def value(self, endpoint: str, name: str) -> Any:
        blueprint = endpoint.rpartition(".")[0]
        for key in (f"{endpoint}.{name}", f"{blueprint}.{name}", name):
            if key in self.values:
                return self.values[key]
        raise LookupError(f"no value for <{name}> of {endpoint}: add one to tests/authorization")


def _texts(text: str) -> dict[str, str]:
    return {"de": text, "en": text}


def _users(process: Process, other: Process) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "participant": make_user("participant@example.org", "Bürgerin A"),
        "blocked": make_user("blocked@example.org", "Gesperrt"),
        "suspended": make_user("suspended@example.org", "Pausiert"),
        "other_moderator": make_user("om@example.org", "OM", process=other, role=Role.MODERATOR),
        "moderator": make_user("m@example.org", "M", process=process, role=Role.MODERATOR),
        "other_staff": make_user("os@example.org", "OS", process=other, role=Role.STAFF),
        "staff": make_user("s@example.org", "S", process=process, role=Role.STAFF),
        "admin": make_user("a@example.org", "A", is_admin=True),
    }


def _account_participant(user: User) -> Participant:
    participant = Participant(
        kind=ParticipantKind.ACCOUNT,
        user_id=user.id,
        pseudonym=user.display_name,
        confirmed_at=user.verified_at,
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def _discussion(process: Process, goal: Goal, users: dict[str, Any]) -> dict[str, Any]:
    """A comment and a reply by the participant; two blocks; offline input."""
    author = _account_participant(users["participant"])
    draft = comment_services.Draft("Ein Kommentar.", "suggestion", StakeholderGroup.CITIZEN)
    comment = comment_services.create_comment(process, goal, author, draft)
    reply = comment_services.create_comment(process, goal, author, draft, parent=comment)
    blocked = _account_participant(users["blocked"])
    moderation.block(
        blocked,
        moderation.BlockDuration.INDEFINITE,
        "Beleidigungen",
        actor=users["admin"],
        process=process,
    )
    suspended = _account_participant(users["suspended"])
    moderation.block(
        suspended, moderation.BlockDuration.WEEK, "Spam", actor=users["admin"], process=process
    )
    assert users["blocked"].blocked_at is not None and users["suspended"].blocked_at is None
    offline = enter_offline_comment(
        process,
        OfflineInput(
            goal=goal,
            channel=Channel.LETTER,
            received_on=date.today(),
            author_name="Brief",
            stakeholder_group=StakeholderGroup.CITIZEN,
            kind="suggestion",
            body="Per Post.",
        ),
        entered_by=users["staff"],
        today=date.today(),
    )
    db.session.commit()
    return {"comment": comment, "reply": reply, "offline": offline}


def _assessment_work(process: Process, offline: Comment, staff: User) -> dict[str, Any]:
    tag = tag_list.create_tag(process, "Personal", actor=staff)
    spare_tag = tag_list.create_tag(process, "Zu löschen", actor=staff)
    assessing.save_assessment(
        offline,
        process,
        assessing.AssessmentInput(
            stakeholder_group=StakeholderGroup.CITIZEN,
            consideration=None,
            rationale="Wird geprüft.",
            goal_revision_id=None,
            tag_ids=[tag.id],
        ),
        expected_version=0,
        assessor=staff,
    )
    record("process.update", process, actor=staff, process_id=process.id, after={"x": 1})
    feedback = page_services.submit_feedback("Kontrast zu gering.", "/de/", None, "de")
    job, _created = export_services.request_export(
        process, kind=ExportKind.ASSESSMENT, fmt=ExportFormat.CSV, locale="en"
    )
    db.session.commit()  # the export is built eagerly after the commit
    return {"tag": tag, "spare_tag": spare_tag, "feedback": feedback, "job": job}


def _survey(process: Process) -> dict[str, Any]:
    """An open account survey of the process with one submitted (paper) response."""
    survey = survey_editing.create_survey(
        slug="umfrage",
        title=_texts("Umfrage"),
        access_mode=AccessMode.ACCOUNT,
        process_id=process.id,
    )
    section = survey_editing.create_section(survey, title=_texts("Seite 1"))
    spare_section = survey_editing.create_section(survey, title=_texts("Seite 2"))
    options = [{"value": v, "label": _texts(f"Option {v}")} for v in ("a", "b", "c")]
    choice = survey_editing.create_question(
        section, kind=QuestionKind.SINGLE_CHOICE, prompt=_texts("Wahl"), options=options
    )
    matrix = survey_editing.create_question(
        section,
        kind=QuestionKind.MATRIX,
        prompt=_texts("Matrix"),
        rows=[{"label": _texts(f"Zeile {n}")} for n in (1, 2, 3)],
        options=options,
    )
    text = survey_editing.create_question(
        section, kind=QuestionKind.LONG_TEXT, prompt=_texts("Freitext")
    )
    spare_question = survey_editing.create_question(
        spare_section, kind=QuestionKind.SHORT_TEXT, prompt=_texts("Zu löschen")
    )
    survey_editing.set_state(survey, SurveyState.OPEN)
    return {
        "survey": survey,
        "section": section,
        "spare_section": spare_section,
        "choice": choice,
        "matrix": matrix,
        "text": text,
        "spare_question": spare_question,
    }


def _responses(survey: Survey, text: Question, respondent: User) -> dict[str, Any]:
    """A submitted paper response with an open answer, and a response in progress."""
    paper, _created = record_paper_response(
        survey,
        {text.id: [AnswerRow(text.id, value_text="Mehr Grün.")]},
        entered_by_id=None,
        idempotency_key="matrix-paper",
    )
    _started, resume_code = start_response(survey, Respondent(respondent.id, None, None))
    db.session.commit()
    answer = db.session.scalars(
        sa.select(Answer).where(Answer.response_id == paper.id, Answer.question_id == text.id)
    ).one()
    return {"answer": answer, "resume_code": resume_code}


def _tokens(app: Flask, outbox: list[Any]) -> dict[str, str]:
    """Real links: verification and reset of a new account, a guest's confirmation."""
    newcomer = make_user("new@example.org", "Neu", verified=False)
    guest = Participant(kind=ParticipantKind.GUEST, pseudonym="Gast", email="gast@example.org")
    known = Participant(kind=ParticipantKind.GUEST, pseudonym="Bekannt", email="known@example.org")
    known.confirmed_at = utcnow()
    db.session.add_all([guest, known])
    db.session.flush()
    with app.test_request_context("/en/"):
        request_guest_confirmation(guest)
        db.session.commit()  # the mail is sent after the commit
        found = CONFIRM_LINK.search(outbox[-1].body)
        assert found, "the guest confirmation mail has no link"
        assert guest_access.request_link(known.email or "")
        db.session.commit()
        data_link = GUEST_DATA_LINK.search(outbox[-1].body)
        assert data_link, "the guest data mail has no link"
        return {
            "accounts.verify.token": tokens.verification_token(newcomer),
            "accounts.reset_password.token": tokens.reset_token(newcomer),
            "participation.confirm.token": found.group(1),
            "privacy.token": data_link.group(1),
        }


def _spare_phase(process: Process) -> Phase:
    later = utcnow() + timedelta(days=60)
    return save_phase(
        process,
        kind=PhaseKind.RESULTS,
        starts_at=later,
        ends_at=later + timedelta(days=30),
        actor=None,
    )


def build_world(app: Flask, outbox: list[Any]) -> World:
    process = make_process("hf12")
    other = make_process("other")
    make_goal(other, "1", "Anderes Ziel")
    goal = make_goal(process, "1", "Ziel")
    users = _users(process, other)
    talk = _discussion(process, goal, users)
    staff = users["staff"]
    assert staff is not None
    work = _assessment_work(process, talk["offline"], staff)
    s = _survey(process)
    answered = _responses(s["survey"], s["text"], make_user("r@example.org", "Befragte"))
    spare_phase = _spare_phase(process)
    grant = StakeholderGrant(user_id=users["participant"].id, group=StakeholderGroup.COUNCIL)
    db.session.add(grant)
    db.session.commit()
    world = World(users)
    world.values = {
        "lang_code": "en",
        "slug": process.slug,
        "code": goal.code,
        "comment_id": talk["comment"].id,
        "comments.delete.comment_id": talk["reply"].id,
        "assessment.edit.comment_id": talk["offline"].id,
        "answer_id": answered["answer"].id,
        "phase_id": process.participation_phase().id,  # type: ignore[union-attr]
        "staff.delete_phase.phase_id": spare_phase.id,
        "tag_id": work["tag"].id,
        "assessment.delete_tag.tag_id": work["spare_tag"].id,
        "job_id": work["job"].id,
        "feedback_id": work["feedback"].id,
        "grant_id": grant.id,
        "key": "accessibility",
        "target_lang": "en",
        "surveys.slug": s["survey"].slug,
        "api.survey_results.slug": s["survey"].slug,
        "results.survey.slug": s["survey"].slug,
        "results.crosstab.slug": s["survey"].slug,
        "results_public.slug": s["survey"].slug,
        "rating_staff.question_id": rating_questions(process)[0].id,
        "rating_staff.delete_question.question_id": rating_questions(process)[-1].id,
        "surveys.resume_link.token": answered["resume_code"],
        "number": 1,
        "survey_id": s["survey"].id,
        "section_id": s["section"].id,
        "survey_staff.delete_section.section_id": s["spare_section"].id,
        "question_id": s["choice"].id,
        "survey_staff.delete_question.question_id": s["spare_question"].id,
        "option_id": s["choice"].options[0].id,
        "survey_staff.delete_option.option_id": s["choice"].options[-1].id,
        "matrix_id": s["matrix"].id,
        "row_id": s["matrix"].rows[0].id,
        "survey_staff.delete_row.row_id": s["matrix"].rows[-1].id,
        "core.vendor.name": "htmx",
        "core.vendor.filename": "htmx.min.js",
        "static.filename": "css/app.css",
    }
    world.values |= _tokens(app, outbox)
    return world
