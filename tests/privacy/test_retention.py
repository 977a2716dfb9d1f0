"""Retention: guest e-mails, unconfirmed accounts, resume drafts and code links go
PRIVACY_RETENTION_DAYS after the end; `flask privacy retention --dry-run` shows them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.db import utcnow
from app.extensions import db
from app.participation.models import Participant, ParticipantKind
from app.privacy.retention import plan
from app.privacy.tasks import apply_retention
from app.processes.editing import save_phase
from app.processes.models import PhaseKind
from app.surveys.builder.structure import set_state
from app.surveys.cli import generate_codes
from app.surveys.models import AccessMode, InvitationCode, Response, SurveyState
from app.surveys.tasks import sync_states
from tests.factories import (
    make_comment,
    make_goal,
    make_participant,
    make_process,
    make_ratings,
    make_response,
    make_survey,
    make_user,
)


def _guest(name: str) -> Participant:
    return make_participant(
        name, kind=ParticipantKind.GUEST, email=f"{name}@example.org", confirmed_at=utcnow()
    )


def _code(survey_id: int, code: str) -> InvitationCode:
    return db.session.scalars(sa.select(InvitationCode).where(InvitationCode.code == code)).one()


@pytest.fixture
def data(app: Flask) -> dict[str, Any]:
    """Everything ended 'now' except process 'later' (a phase in three years) and an
    open survey; with a negative retention period everything ended is due."""
    ended = make_goal(make_process("hf12"), "1", "Ziel")
    later = make_process("later")
    in_three_years = utcnow() + timedelta(days=3 * 365)
    save_phase(
        later,
        kind=PhaseKind.RESULTS,
        starts_at=in_three_years - timedelta(days=10),
        ends_at=in_three_years,
        actor=None,
    )
    running = make_goal(later, "1", "Ziel")
    gone, kept = _guest("gone"), _guest("kept")
    make_comment(ended, "Alter Gastbeitrag", author=gone)
    make_comment(ended, "Auch alt", author=kept)
    make_ratings(running, author=kept)  # still needed: 'later' has not ended
    unconfirmed = make_user("unconfirmed@example.org", verified=False)
    confirmed = make_user("confirmed@example.org")
    closed = make_survey("closed", access_mode=AccessMode.CODE)
    first, second = generate_codes(closed, 2)
    db.session.commit()
    submitted = make_response(closed, code=_code(closed.id, first))
    draft = make_response(closed, submitted=False, code=_code(closed.id, second))
    set_state(closed, SurveyState.CLOSED)
    still_open = make_survey("open")
    open_draft = make_response(still_open, submitted=False)
    db.session.commit()
    app.config["PRIVACY_RETENTION_DAYS"] = -400  # the cutoff lies after every end above
    return {
        "gone": gone.id,
        "kept": kept.id,
        "unconfirmed": unconfirmed.id,
        "confirmed": confirmed.id,
        "submitted": submitted.id,
        "draft": draft.id,
        "open_draft": open_draft.id,
    }


def _state(data: dict[str, Any]) -> dict[str, Any]:
    db.session.expire_all()
    gone = db.session.get(Participant, data["gone"])
    kept = db.session.get(Participant, data["kept"])
    submitted = db.session.get(Response, data["submitted"])
    return {
        "gone_email": gone.email if gone else "deleted",
        "kept_email": kept.email if kept else "deleted",
        "unconfirmed": db.session.get(User, data["unconfirmed"]) is not None,
        "confirmed": db.session.get(User, data["confirmed"]) is not None,
        "code_link": submitted is not None and submitted.code_id is not None,
        "draft": db.session.get(Response, data["draft"]) is not None,
        "open_draft": db.session.get(Response, data["open_draft"]) is not None,
    }


BEFORE = {
    "gone_email": "gone@example.org",
    "kept_email": "kept@example.org",
    "unconfirmed": True,
    "confirmed": True,
    "code_link": True,
    "draft": True,
    "open_draft": True,
}
AFTER = BEFORE | {"gone_email": None, "unconfirmed": False, "code_link": False, "draft": False}


def test_dry_run_shows_what_is_due_and_deletes_nothing(runner: Any, data: dict[str, Any]) -> None:
    result = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    for line in (
        "guest emails: 1",
        "unconfirmed accounts: 1",
        "resume drafts: 1",
        "code links: 1",
        "nothing was deleted",
    ):
        assert line in result.output
    assert _state(data) == BEFORE


def test_retention_deletes_what_is_due_and_keeps_the_rest(
    runner: Any, data: dict[str, Any]
) -> None:
    result = runner.invoke(args=["privacy", "retention"])
    assert result.exit_code == 0, result.output
    assert _state(data) == AFTER
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "privacy.retention")
    ).one()
    assert event.after == {
        "guest_emails": 1,
        "unconfirmed_accounts": 1,
        "resume_drafts": 1,
        "code_links": 1,
    }
    again = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert "guest emails: 0" in again.output and "code links: 0" in again.output


def test_nothing_is_due_within_the_retention_period(app: Flask, data: dict[str, Any]) -> None:
    app.config["PRIVACY_RETENTION_DAYS"] = 90
    db.session.close()
    assert apply_retention() == {
        "guest_emails": 0,
        "unconfirmed_accounts": 0,
        "resume_drafts": 0,
        "code_links": 0,
    }
    assert _state(data) == BEFORE


def test_the_beat_task_applies_the_rules(app: Flask, data: dict[str, Any]) -> None:
    db.session.close()  # the task runs in its own app context and session
    assert apply_retention()["resume_drafts"] == 1
    assert _state(data) == AFTER


def test_an_edit_after_closing_does_not_postpone_retention(app: Flask) -> None:
    """Retention counts from the close, not from the survey's last change: a typo
    fixed in a closed survey's texts leaves its resume drafts due."""
    survey = make_survey("zu")
    draft = make_response(survey, submitted=False)
    set_state(survey, SurveyState.CLOSED)
    db.session.commit()
    closed_at = survey.closed_at
    assert closed_at is not None
    app.config["PRIVACY_RETENTION_DAYS"] = 30
    later = closed_at + timedelta(days=31)
    survey.sections[0].title = {"de": "Seite 1 (korrigiert)"}
    db.session.commit()
    assert survey.updated_at > closed_at and survey.closed_at == closed_at
    assert plan(now=later).resume_drafts == [draft.id]


def test_reopening_clears_the_close_and_the_beat_sets_it_on_time(app: Flask) -> None:
    survey = make_survey("termin")
    set_state(survey, SurveyState.CLOSED)
    set_state(survey, SurveyState.OPEN)
    assert survey.closed_at is None
    survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert sync_states() == (0, 1)
    db.session.commit()
    db.session.refresh(survey)
    assert survey.state == SurveyState.CLOSED and survey.closed_at is not None
