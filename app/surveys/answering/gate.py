"""Who may answer a survey now: the one gate of online answering.

:func:`check` is the gate; :func:`app.surveys.answering.responses.start_response`
goes through it, so no caller can skip it (the final submit checks step 1 again, and
the conditional updates of ``accept`` keep step 4). In order:

1. the survey takes answers now (open, between ``opens_at`` and ``closes_at``);
2. a survey for accounts needs a signed-in account that is not blocked and whose
   address is confirmed (the participation rule for accounts,
   :func:`app.participation.services.account_refusal`);
3. a survey with invitation codes needs an unused code of its own;
4. nobody answers twice: one response per account, per code or per browser.

Views ask :func:`check_account` first, before a browser cookie is set, read a typed
code with :func:`typed_code`, and show
:func:`closed_reason`, :func:`account_problem` and :func:`has_taken_part` on the
intro page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from app.accounts.models import User
from app.db import utcnow
from app.extensions import db
from app.participation.services import account_refusal
from app.surveys.lookups import find_code
from app.surveys.models import AccessMode, InvitationCode, Participation, Survey, SurveyState


class SurveyRefusedError(Exception):
    """The response cannot be started or accepted; the message says why.

    ``sign_in``: signing in would let them take part (a hint rather than an error).
    """

    def __init__(self, message: str, *, sign_in: bool = False) -> None:
        super().__init__(message)
        self.sign_in = sign_in


@dataclass(frozen=True)
class Respondent:
    """Who is answering, as far as the access mode needs to know."""

    user_id: int | None = None
    browser_hash: str | None = None
    code: InvitationCode | None = None


def accepting(survey: Survey, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        survey.state == SurveyState.OPEN
        and (survey.opens_at is None or survey.opens_at <= now)
        and (survey.closes_at is None or now < survey.closes_at)
    )


def closed_reason(survey: Survey, now: datetime | None = None) -> str | None:
    """Why the survey takes no answers now, or None if it does."""
    now = now or utcnow()
    if accepting(survey, now):
        return None
    not_yet = survey.state == SurveyState.DRAFT or (survey.opens_at and now < survey.opens_at)
    if not_yet:
        return _("This survey is not open yet.")
    return _("This survey is closed; answers are no longer accepted.")


def account_problem(survey: Survey, user_id: int | None) -> str | None:
    """Why this signed-in user may not answer a survey for accounts (blocked, address
    not confirmed), or None; also None for visitors who are not signed in."""
    if survey.access_mode != AccessMode.ACCOUNT or user_id is None:
        return None
    return account_refusal(db.session.get(User, user_id))


def check_account(survey: Survey, user_id: int | None) -> None:
    """Step 2 of the gate: raises :class:`SurveyRefusedError` with the reason."""
    if survey.access_mode == AccessMode.ACCOUNT and user_id is None:
        raise SurveyRefusedError(_("Please sign in to take part in this survey."), sign_in=True)
    problem = account_problem(survey, user_id)
    if problem:
        raise SurveyRefusedError(problem)


def typed_code(survey: Survey, raw: str) -> InvitationCode:
    """The invitation code typed to start a survey with codes; raises
    :class:`SurveyRefusedError` if none was typed or it is not one of the survey's
    (whether it is still unused, :func:`check` decides)."""
    code = find_code(survey, raw)
    if code is None:
        if raw.strip():
            raise SurveyRefusedError(_("We do not know this code. Please check it and try again."))
        raise SurveyRefusedError(_("Please enter your code."))
    return code


def subject(survey: Survey, respondent: Respondent) -> str | None:
    """Who took part, as :class:`Participation` records it (accounts and browsers)."""
    if survey.access_mode == AccessMode.ACCOUNT and respondent.user_id is not None:
        return f"user:{respondent.user_id}"
    if survey.access_mode == AccessMode.OPEN and respondent.browser_hash:
        return f"browser:{respondent.browser_hash}"
    return None


def has_taken_part(survey: Survey, respondent: Respondent) -> bool:
    who = subject(survey, respondent)
    if who is None:
        return False
    found = db.session.get(Participation, (survey.id, who))
    return found is not None


def check(survey: Survey, respondent: Respondent, now: datetime | None = None) -> None:
    """The gate: raises :class:`SurveyRefusedError` with the reason why
    ``respondent`` may not answer ``survey`` now (see the module docstring)."""
    reason = closed_reason(survey, now)
    if reason:
        raise SurveyRefusedError(reason)
    check_account(survey, respondent.user_id)
    if survey.access_mode == AccessMode.CODE:
        if respondent.code is None or respondent.code.survey_id != survey.id:
            raise SurveyRefusedError(_("Please enter the code from your invitation letter."))
        if respondent.code.used_at is not None:
            raise SurveyRefusedError(_("This code has already been used."))
    if has_taken_part(survey, respondent):
        if survey.access_mode == AccessMode.OPEN:
            raise SurveyRefusedError(
                _("You have already taken part in this survey from this browser.")
            )
        raise SurveyRefusedError(_("You have already taken part in this survey."))
