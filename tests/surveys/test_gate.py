"""The answering gate at service level: who may answer a survey now, and that
starting a response goes through it whoever calls it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from app.db import utcnow
from app.extensions import db
from app.participation.services import account_refusal
from app.surveys.answering import gate
from app.surveys.answering.gate import Respondent, SurveyRefusedError
from app.surveys.answering.responses import start_response, submit_response
from app.surveys.cli import generate_codes
from app.surveys.lookups import find_code
from app.surveys.models import AccessMode, InvitationCode, Survey, SurveyState
from tests.factories import make_response, make_survey, make_user
from tests.surveys.conftest import stored_responses

pytestmark = pytest.mark.usefixtures("english")
BROWSER = "b" * 64


def _refusal(survey: Survey, respondent: Respondent) -> SurveyRefusedError:
    with pytest.raises(SurveyRefusedError) as refused:
        gate.check(survey, respondent)
    return refused.value


def _code(survey: Survey) -> InvitationCode:
    code = find_code(survey, generate_codes(survey, 1)[0])
    db.session.commit()
    assert code is not None
    return code


# --- 1. open now ---------------------------------------------------------------------


def test_an_open_survey_admits_a_new_browser(app: Flask) -> None:
    survey = make_survey()
    gate.check(survey, Respondent(browser_hash=BROWSER))
    assert gate.closed_reason(survey) is None


def test_drafts_and_closed_surveys_refuse_everyone(app: Flask) -> None:
    draft = make_survey("entwurf", state=SurveyState.DRAFT)
    closed = make_survey("zu", state=SurveyState.CLOSED)
    assert str(_refusal(draft, Respondent())) == "This survey is not open yet."
    assert str(_refusal(closed, Respondent())) == (
        "This survey is closed; answers are no longer accepted."
    )


def test_the_times_of_an_open_survey_count(app: Flask) -> None:
    now = utcnow()
    survey = make_survey(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    assert gate.closed_reason(survey, now) == "This survey is not open yet."
    assert gate.closed_reason(survey, now + timedelta(days=1, hours=1)) is None
    assert gate.closed_reason(survey, now + timedelta(days=3)) == (
        "This survey is closed; answers are no longer accepted."
    )


# --- 2. accounts ---------------------------------------------------------------------


def test_a_survey_for_accounts_asks_visitors_to_sign_in(app: Flask) -> None:
    survey = make_survey(access_mode=AccessMode.ACCOUNT)
    refused = _refusal(survey, Respondent(browser_hash=BROWSER))
    assert str(refused) == "Please sign in to take part in this survey." and refused.sign_in
    assert gate.account_problem(survey, None) is None  # the intro page offers to sign in


def test_blocked_and_unconfirmed_accounts_cannot_start_even_without_the_view(
    app: Flask,
) -> None:
    survey = make_survey(access_mode=AccessMode.ACCOUNT)
    blocked = make_user("blocked@example.org")
    blocked.blocked_at = utcnow()
    unconfirmed = make_user("new@example.org", verified=False)
    db.session.commit()
    for user, message in (
        (blocked, "Your account has been blocked from contributing."),
        (unconfirmed, "Please confirm your e-mail address before you take part."),
    ):
        assert gate.account_problem(survey, user.id) == message == account_refusal(user)
        with pytest.raises(SurveyRefusedError, match=message) as refused:
            start_response(survey, Respondent(user_id=user.id))
        assert not refused.value.sign_in
    assert stored_responses() == []


def test_the_account_rule_applies_to_surveys_for_accounts_only(app: Flask) -> None:
    survey = make_survey()
    blocked = make_user("blocked@example.org")
    blocked.blocked_at = utcnow()
    db.session.commit()
    assert gate.account_problem(survey, blocked.id) is None
    gate.check(survey, Respondent(user_id=blocked.id, browser_hash=BROWSER))


# --- 3. invitation codes -------------------------------------------------------------


def test_a_code_survey_needs_an_unused_code_of_its_own(app: Flask) -> None:
    survey = make_survey(access_mode=AccessMode.CODE)
    foreign = _code(make_survey("andere", access_mode=AccessMode.CODE))
    code, used = _code(survey), _code(survey)
    make_response(survey, code=used)
    missing = "Please enter the code from your invitation letter."
    assert str(_refusal(survey, Respondent())) == missing
    assert str(_refusal(survey, Respondent(code=foreign))) == missing
    db.session.refresh(used)
    assert str(_refusal(survey, Respondent(code=used))) == "This code has already been used."
    gate.check(survey, Respondent(code=code))


def test_a_typed_code_is_found_however_it_is_written(app: Flask) -> None:
    survey = make_survey(access_mode=AccessMode.CODE)
    code = _code(survey)
    typed = f" {code.code[:5].lower()}-{code.code[5:]} "
    assert gate.typed_code(survey, typed) == code
    with pytest.raises(SurveyRefusedError, match=r"^Please enter your code\.$"):
        gate.typed_code(survey, "  ")
    with pytest.raises(SurveyRefusedError, match="We do not know this code"):
        gate.typed_code(survey, "ZZZZZ-ZZZZZ")


# --- 4. once -------------------------------------------------------------------------


def test_a_browser_answers_an_open_survey_once(app: Flask) -> None:
    survey = make_survey()
    response, _resume_code = start_response(survey, Respondent(browser_hash=BROWSER))
    assert submit_response(response)
    db.session.commit()
    assert gate.has_taken_part(survey, Respondent(browser_hash=BROWSER))
    refused = _refusal(survey, Respondent(browser_hash=BROWSER))
    assert str(refused) == "You have already taken part in this survey from this browser."
    gate.check(survey, Respondent(browser_hash="c" * 64))


def test_an_account_answers_once(app: Flask) -> None:
    survey = make_survey(access_mode=AccessMode.ACCOUNT)
    user = make_user()
    make_response(survey, user=user)
    assert str(_refusal(survey, Respondent(user_id=user.id))) == (
        "You have already taken part in this survey."
    )
