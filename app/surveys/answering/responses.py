"""Taking part online: starting, resuming and submitting a response.

Who may start is decided by the gate (:mod:`app.surveys.answering.gate`). Services
flush, never commit. The final submit is a conditional UPDATE (``state =
in_progress``), so the same submission posted twice, or in parallel, counts once; an
invitation code is used up by a conditional UPDATE (``used_at IS NULL``), so of two
parallel submissions with one code exactly one is accepted.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.core import upsert
from app.db import utcnow
from app.extensions import db
from app.privacy.consent import version_for_contribution, version_in_force
from app.results.triggers import survey_changed
from app.surveys import codes
from app.surveys.answering import gate
from app.surveys.answering.answers import first_incomplete, hidden_question_ids, load_answers
from app.surveys.answering.gate import Respondent, SurveyRefusedError, closed_reason
from app.surveys.answering.validation import Answers
from app.surveys.models import (
    AccessMode,
    Answer,
    InvitationCode,
    Participation,
    Response,
    ResponseChannel,
    ResponseState,
    Survey,
)

# What links a response to a person, code or browser: an anonymised survey's
# responses drop it when they are accepted (the day of submission stays).
ANONYMISED: dict[str, Any] = {
    "user_id": None,
    "code_id": None,
    "browser_key_hash": None,
    "started_at": None,
    "submitted_at": None,
}


class IncompleteResponseError(Exception):
    """A required question is still open; ``page`` is where (1-based)."""

    def __init__(self, page: int) -> None:
        super().__init__(page)
        self.page = page


# --- starting and resuming -----------------------------------------------------------


def start_response(
    survey: Survey,
    respondent: Respondent,
    *,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Response, str | None]:
    """The respondent's response in progress, or a new one.

    Returns the response and, for a new one, its resume code (only its hash is
    stored). Raises :class:`SurveyRefusedError` with the reason.
    """
    gate.check(survey, respondent, now)
    existing = _in_progress(survey, respondent, idempotency_key)
    if existing is not None:
        return existing, None
    resume_code = codes.new_code(codes.RESUME_LENGTH)
    values = {
        "survey_id": survey.id,
        "channel": ResponseChannel.ONLINE,
        "state": ResponseState.IN_PROGRESS,
        "resume_token_hash": codes.token_hash(resume_code),
        "idempotency_key": idempotency_key or None,
        "user_id": respondent.user_id if survey.access_mode == AccessMode.ACCOUNT else None,
        "code_id": respondent.code.id if respondent.code else None,
        "browser_key_hash": (
            respondent.browser_hash if survey.access_mode == AccessMode.OPEN else None
        ),
        "started_at": now or utcnow(),
    }
    response = _insert_once(values)
    if response is None:  # the key is taken: the same start posted twice at once ...
        again = _in_progress(survey, respondent, idempotency_key)
        if again is not None:
            return again, None
        # ... or an old form posted again: a new response without the key
        response = _insert_once(values | {"idempotency_key": None})
        assert response is not None  # without a key nothing can conflict
    return response, resume_code


def _insert_once(values: dict[str, Any]) -> Response | None:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING: the new response,
    or None if its key was used already."""
    stmt = (
        upsert.insert(Response)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(Response)
    )
    return db.session.scalars(stmt).first()


def _in_progress(
    survey: Survey, respondent: Respondent, idempotency_key: str | None
) -> Response | None:
    conditions = []
    if idempotency_key:
        conditions.append(Response.idempotency_key == idempotency_key)
    if survey.access_mode == AccessMode.ACCOUNT and respondent.user_id is not None:
        conditions.append(Response.user_id == respondent.user_id)
    if survey.access_mode == AccessMode.CODE and respondent.code is not None:
        conditions.append(Response.code_id == respondent.code.id)
    if survey.access_mode == AccessMode.OPEN and respondent.browser_hash:
        conditions.append(Response.browser_key_hash == respondent.browser_hash)
    if not conditions:
        return None
    return db.session.scalar(
        sa.select(Response)
        .where(
            Response.survey_id == survey.id,
            Response.state == ResponseState.IN_PROGRESS,
            sa.or_(*conditions),
        )
        .order_by(Response.id.desc())
        .limit(1)
    )


def response_by_resume_code(survey: Survey, raw: str) -> Response | None:
    if not codes.normalise(raw):
        return None
    return db.session.scalar(
        sa.select(Response).where(
            Response.survey_id == survey.id,
            Response.resume_token_hash == codes.token_hash(raw),
        )
    )


def new_resume_code(response: Response) -> str:
    """A fresh resume code for a response whose code this browser does not know;
    an older code stops working."""
    resume_code = codes.new_code(codes.RESUME_LENGTH)
    response.resume_token_hash = codes.token_hash(resume_code)
    db.session.flush()
    return resume_code


# --- submitting ----------------------------------------------------------------------


def submit_response(
    response: Response, now: datetime | None = None, *, answers: Answers | None = None
) -> bool:
    """Accept the response; False if it had been submitted already (no change).
    ``answers``: its stored answers, if the caller has just read them.

    Raises :class:`IncompleteResponseError` if a required question is open and
    :class:`SurveyRefusedError` if the survey is closed or the code, account or
    browser has been used meanwhile (the caller rolls back).
    """
    survey = response.survey
    reason = closed_reason(survey, now)
    if reason:
        raise SurveyRefusedError(reason)
    if answers is None:
        answers = load_answers(response.id)
    missing = first_incomplete(survey, answers)
    if missing is not None:
        raise IncompleteResponseError(missing)
    _drop_hidden(response.id, survey, answers)
    return accept(response, now or utcnow(), consent=True)


def _drop_hidden(response_id: int, survey: Survey, answers: Answers) -> None:
    hidden = hidden_question_ids(survey, answers)
    if hidden:
        db.session.execute(
            sa.delete(Answer).where(
                Answer.response_id == response_id, Answer.question_id.in_(hidden)
            )
        )


def local_day(moment: datetime) -> date:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin"))
    return moment.astimezone(zone).date()


def accept(response: Response, now: datetime, *, consent: bool = False) -> bool:
    """Mark the response submitted (once: a conditional UPDATE), use up its code,
    record who took part and, for an anonymised survey, drop the links. Online and
    paper responses are accepted here alike; False if it had been accepted before.
    An online response (``consent``) records the consent version it was submitted
    under, read by the UPDATE itself."""
    survey = response.survey
    day = local_day(now)
    # Read before the UPDATE, which drops them from an anonymised survey's response.
    respondent = Respondent(user_id=response.user_id, browser_hash=response.browser_key_hash)
    code_id = response.code_id
    values: dict[str, Any] = {
        "state": ResponseState.SUBMITTED,
        "submitted_on": day,
        "submitted_at": None if survey.anonymised else now,
        "resume_token_hash": None,
        "consent_version_id": version_in_force() if consent else None,
    }
    if survey.anonymised:
        values |= ANONYMISED
    updated = db.session.execute(
        sa.update(Response)
        .where(Response.id == response.id, Response.state == ResponseState.IN_PROGRESS)
        .values(**values)
        .returning(Response.consent_version_id)
        .execution_options(synchronize_session=False)
    ).first()
    db.session.expire(response)
    if updated is None:
        return False
    if consent and updated.consent_version_id is None:  # no version stored yet: the first
        db.session.execute(
            sa.update(Response)
            .where(Response.id == response.id)
            .values(consent_version_id=version_for_contribution())
            .execution_options(synchronize_session=False)
        )
    used_at = datetime.combine(day, time(), tzinfo=UTC) if survey.anonymised else now
    _use_code(code_id, used_at)
    _record_participation(survey, respondent)
    survey_changed(survey.id)  # the results are rebuilt after the commit (coalesced)
    return True


def _use_code(code_id: int | None, used_at: datetime) -> None:
    if code_id is None:
        return
    result = db.session.execute(
        sa.update(InvitationCode)
        .where(InvitationCode.id == code_id, InvitationCode.used_at.is_(None))
        .values(used_at=used_at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise SurveyRefusedError(_("This code has already been used."))


def _record_participation(survey: Survey, respondent: Respondent) -> None:
    subject = gate.subject(survey, respondent)
    if subject is None:
        return
    stmt = (
        upsert.insert(Participation)
        .values(survey_id=survey.id, subject=subject)
        .on_conflict_do_nothing()
    )
    if db.session.execute(stmt).rowcount == 0:  # type: ignore[attr-defined]
        raise SurveyRefusedError(_("You have already taken part in this survey."))


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)
