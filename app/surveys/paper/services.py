"""Paper entry: returned questionnaires typed in by staff. Flushes, never commits.

All pages are validated at once with the online validation (conditions honoured,
required questions not enforced: paper cannot enforce them either). The entry form
carries a key, so the same questionnaire posted twice is stored once.

Invitation codes: when the survey has access mode ``code``, or invitation codes
were printed for it anyway, the form asks for "Code on the questionnaire". It is
required in access mode ``code`` (every letter carried one; a questionnaire without
a code is not entered) and optional otherwise. A typed code is checked as online:
unknown, or already used online or on paper, is refused with a message for the
field and nothing is saved. The code is used up in the same transaction as the
response, by the conditional UPDATE of :func:`app.surveys.answering.responses.accept`,
so of two entries of one code at once exactly one is saved.

Each batch started and each questionnaire saved is audited
(``survey.paper.batch``, ``survey.paper_response``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.db import utcnow
from app.extensions import db
from app.surveys.answering.answers import insert_answers, visible_answers
from app.surveys.answering.gate import SurveyRefusedError
from app.surveys.answering.responses import accept
from app.surveys.answering.validation import Answers, Errors, FormData, validate_page
from app.surveys.lookups import find_code
from app.surveys.models import (
    AccessMode,
    InvitationCode,
    Response,
    ResponseChannel,
    ResponseState,
    Survey,
    SurveyState,
)

BATCH_MAX = 80


@dataclass(frozen=True)
class Entry:
    """The outcome of one entered questionnaire: the messages by field name (nothing
    was saved), or ``created`` False when the same form had been saved before."""

    errors: dict[str, str] = field(default_factory=dict)
    created: bool = False


def not_enterable(survey: Survey) -> str | None:
    """Why no questionnaires can be entered for ``survey`` now, or None."""
    if survey.state == SurveyState.DRAFT:
        return _("Open the survey before you enter paper questionnaires.")
    return None


def start_batch(survey: Survey, batch: str, *, actor: Any) -> None:
    """Staff begin typing in the questionnaires of a batch (a box, a day's mail)."""
    record(
        "survey.paper.batch",
        survey,
        actor=actor,
        process_id=survey.process_id,
        after={"batch": batch},
    )


def batch_count(survey: Survey, batch_label: str) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count(Response.id)).where(
                Response.survey_id == survey.id,
                Response.channel == ResponseChannel.PAPER,
                Response.batch_label == batch_label,
            )
        )
        or 0
    )


def validate_survey(survey: Survey, formdata: FormData) -> tuple[Answers, Errors]:
    """All pages at once, in order, so conditions see the answers before them."""
    answers: Answers = {}
    errors: Errors = {}
    for section in survey.sections:
        page_answers, page_errors = validate_page(survey, section, formdata, answers)
        answers.update(page_answers)
        errors.update(page_errors)
    return answers, errors


# --- invitation codes ----------------------------------------------------------------


def asks_for_code(survey: Survey) -> bool:
    """Whether the entry form has the code field (see the module docstring)."""
    if survey.access_mode == AccessMode.CODE:
        return True
    found = db.session.scalar(
        sa.select(InvitationCode.id).where(InvitationCode.survey_id == survey.id).limit(1)
    )
    return found is not None


def code_required(survey: Survey) -> bool:
    return survey.access_mode == AccessMode.CODE


def used_message(code: InvitationCode) -> str:
    """Where the code went: online, on paper (which batch) or, anonymised, unknown."""
    used_by = db.session.scalar(
        sa.select(Response)
        .where(Response.code_id == code.id, Response.state == ResponseState.SUBMITTED)
        .limit(1)
    )
    if used_by is None:  # an anonymised survey drops the link
        return _("This code has already been used. The questionnaire was not saved.")
    if used_by.channel == ResponseChannel.PAPER:
        return _(
            "This code has already been used for a paper questionnaire (batch %(batch)s). "
            "The questionnaire was not saved.",
            batch=used_by.batch_label,
        )
    return _("This code has already been used online. The questionnaire was not saved.")


def check_code(survey: Survey, raw: str) -> tuple[InvitationCode | None, str | None]:
    """The code typed on the form and what is wrong with it, if anything."""
    if not asks_for_code(survey):
        return None, None
    if not raw.strip():
        if code_required(survey):
            return None, _("Please enter the code printed on the questionnaire.")
        return None, None
    code = find_code(survey, raw)
    if code is None:
        return None, _("We do not know this code. Please check it and try again.")
    if code.used_at is not None:
        return None, used_message(code)
    return code, None


# --- storing -------------------------------------------------------------------------


def _stored(key: str) -> Response | None:
    return db.session.scalar(sa.select(Response).where(Response.idempotency_key == key))


def enter_questionnaire(
    survey: Survey,
    formdata: FormData,
    *,
    batch: str,
    key: str,
    code: str = "",
    actor: Any,
) -> Entry:
    """Validate the typed questionnaire and its code and store it as a submitted
    paper response of ``batch``. A ``key`` already stored saves nothing again (its
    code is not checked again either)."""
    answers, errors = validate_survey(survey, formdata)
    invitation: InvitationCode | None = None
    if _stored(key) is None:
        invitation, code_error = check_code(survey, code)
        if code_error:
            errors = {"code": code_error, **errors}
    if errors:
        return Entry(errors)
    try:
        with db.session.begin_nested():
            response, created = record_paper_response(
                survey,
                answers,
                entered_by_id=getattr(actor, "id", None),
                idempotency_key=key,
                batch_label=batch,
                code=invitation,
            )
    except SurveyRefusedError:
        if invitation is None:
            raise
        return Entry(_code_taken_meanwhile(invitation.id))
    if created:
        after = {"batch": batch, "with_code": invitation is not None}
        record(
            "survey.paper_response",
            response,
            actor=actor,
            process_id=survey.process_id,
            after=after,
        )
    return Entry(created=created)


def _code_taken_meanwhile(code_id: int) -> dict[str, str]:
    """The code was used by a parallel entry or submission after the check."""
    code = db.session.get(InvitationCode, code_id, populate_existing=True)
    if code is None or code.used_at is None:
        raise SurveyRefusedError(_("This code has already been used."))
    return {"code": used_message(code)}


def record_paper_response(
    survey: Survey,
    answers: Answers,
    *,
    entered_by_id: int | None,
    idempotency_key: str,
    batch_label: str = "",
    code: InvitationCode | None = None,
    now: datetime | None = None,
) -> tuple[Response, bool]:
    """Store a paper questionnaire as a submitted response.

    ``answers`` come from :func:`validate_survey`. The same ``idempotency_key`` (a
    hidden field of the entry form) posted again returns the first response and
    False. Answers to hidden questions are dropped; required questions are not
    enforced (paper cannot enforce them either).
    """
    existing = _stored(idempotency_key)
    if existing is not None:
        return existing, False
    if survey.state == SurveyState.DRAFT:
        raise SurveyRefusedError(_("This survey is not open yet."))
    if code is not None and (code.survey_id != survey.id or code.used_at is not None):
        raise SurveyRefusedError(_("This code has already been used."))
    response = Response(
        survey_id=survey.id,
        channel=ResponseChannel.PAPER,
        state=ResponseState.IN_PROGRESS,
        idempotency_key=idempotency_key,
        entered_by_id=entered_by_id,
        batch_label=batch_label,
        code_id=code.id if code else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:  # the same form posted twice at once
        again = _stored(idempotency_key)
        if again is None:
            raise
        return again, False
    insert_answers(response.id, visible_answers(survey, answers))
    accept(response, now or utcnow())
    return response, True
