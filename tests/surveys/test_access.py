"""Access modes, invitation codes, anonymised surveys and parallel submissions."""

from __future__ import annotations

import csv
import math
import threading
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from app.moderation.services import BlockDuration, block
from app.participation.models import Participant, ParticipantKind
from app.surveys import codes
from app.surveys.answering.gate import Respondent, SurveyRefusedError
from app.surveys.answering.responses import local_day, start_response, submit_response
from app.surveys.cli import generate_codes
from app.surveys.models import (
    AccessMode,
    InvitationCode,
    Participation,
    Response,
    ResponseState,
    Survey,
)
from tests.conftest import DB_KIND, login_as
from tests.factories import make_survey, make_user
from tests.surveys.conftest import (
    answer_all,
    answer_all_with_code,
    any_token,
    error_text,
    final_submit,
    kitchen_sink,
    page_url,
    start,
    stored_responses,
    url,
)


def _code(survey: Survey, batch: str = "") -> str:
    code = generate_codes(survey, 1, batch)[0]
    db.session.commit()
    return code


# --- the codes -----------------------------------------------------------------------


def test_code_alphabet_has_no_ambiguous_characters() -> None:
    assert not set("0O1I") & set(codes.ALPHABET)
    sample = "".join(codes.new_code() for _ in range(200))
    assert set(sample) <= set(codes.ALPHABET)


def test_codes_carry_at_least_40_bits() -> None:
    bits = codes.INVITATION_LENGTH * math.log2(len(codes.ALPHABET))
    assert bits >= 40
    assert codes.entropy_bits(codes.INVITATION_LENGTH) == pytest.approx(bits)
    assert codes.RESUME_LENGTH * math.log2(len(codes.ALPHABET)) >= 40
    assert len(codes.new_code()) == codes.INVITATION_LENGTH


def test_generated_codes_are_unique(app: Flask) -> None:
    survey = kitchen_sink(access_mode=AccessMode.CODE).survey
    first = generate_codes(survey, 3000, "A")
    second = generate_codes(survey, 1000, "B")
    db.session.commit()
    stored = db.session.scalars(sa.select(InvitationCode.code)).all()
    assert len(set(first + second)) == len(stored) == 4000


def test_typed_codes_are_normalised() -> None:
    assert codes.normalise(" abcde-fghjk ") == "ABCDEFGHJK"
    assert codes.display("ABCDEFGHJK") == "ABCDE-FGHJK"


def test_cli_writes_codes_for_letters(app: Flask, runner: Any, tmp_path: Path) -> None:
    survey = kitchen_sink(access_mode=AccessMode.CODE).survey
    out = tmp_path / "codes.csv"
    args = ["survey", "codes", survey.slug, "--count", "25", "--batch", "Brief Mai"]
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 25 and {row["batch"] for row in rows} == {"Brief Mai"}
    assert all(len(row["code"]) == 11 and row["code"][5] == "-" for row in rows)
    assert rows[0]["url"].endswith(f"/de/surveys/{survey.slug}/")
    stored = db.session.scalars(sa.select(InvitationCode.code)).all()
    assert sorted(codes.normalise(row["code"]) for row in rows) == sorted(stored)


def test_cli_refuses_an_unknown_survey(app: Flask, runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(
        args=["survey", "codes", "nope", "--count", "1", "--out", str(tmp_path / "x.csv")]
    )
    assert result.exit_code != 0 and "no survey" in result.output


# --- answering with a code -----------------------------------------------------------


def test_valid_code_starts_the_survey(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.CODE)
    code = _code(sink.survey)
    response = start(client, sink, code=codes.display(code).lower())
    assert response.headers["Location"].endswith(page_url(sink, 1))
    assert stored_responses()[0].code_id is not None


def test_unknown_code_is_refused_next_to_the_field(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.CODE)
    _code(sink.survey)
    response = start(client, sink, code="ZZZZZ-ZZZZZ")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "We do not know this code" in error_text(page, "code")
    assert 'value="ZZZZZ-ZZZZZ"' in page
    assert stored_responses() == []


def test_code_of_another_survey_is_unknown(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.CODE)
    other = kitchen_sink("other", access_mode=AccessMode.CODE)
    response = start(client, sink, code=_code(other.survey))
    assert "We do not know this code" in response.get_data(as_text=True)


def test_used_code_is_refused(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.CODE)
    code = _code(sink.survey)
    answer_all_with_code(client, sink, code)
    final_submit(client, sink)
    other = app.test_client()
    page = start(other, sink, code=code).get_data(as_text=True)
    assert error_text(page, "code") == "This code has already been used."
    assert len(stored_responses()) == 1


def test_same_code_in_a_second_browser_continues_the_same_response(
    app: Flask, client: FlaskClient
) -> None:
    sink = kitchen_sink(access_mode=AccessMode.CODE)
    code = _code(sink.survey)
    start(client, sink, code=code)
    start(app.test_client(), sink, code=code)
    assert len(stored_responses()) == 1


def test_code_entry_is_rate_limited(app_config: dict[str, Any]) -> None:
    limited = create_app(app_config | {"RATELIMIT_ENABLED": True})
    client = limited.test_client()
    with limited.app_context():
        sink = kitchen_sink(access_mode=AccessMode.CODE)
        statuses = [start(client, sink, code=f"WRONG{i}").status_code for i in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_resume_code_entry_is_rate_limited(app_config: dict[str, Any]) -> None:
    limited = create_app(app_config | {"RATELIMIT_ENABLED": True})
    client = limited.test_client()
    with limited.app_context():
        sink = kitchen_sink()
        token = any_token(client, sink)
        statuses = [
            client.post(
                url(sink, "resume"), data={"csrf_token": token, "resume_code": f"X{i}"}
            ).status_code
            for i in range(11)
        ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


# --- anonymised surveys --------------------------------------------------------------


def test_anonymised_survey_drops_the_code_link_and_keeps_the_day_only(
    app: Flask, client: FlaskClient
) -> None:
    sink = kitchen_sink(access_mode=AccessMode.CODE, anonymised=True)
    code = _code(sink.survey)
    answer_all_with_code(client, sink, code)
    assert stored_responses()[0].code_id is not None  # linked while in progress
    final_submit(client, sink)
    response = stored_responses()[0]
    assert response.state == ResponseState.SUBMITTED
    assert response.code_id is None and response.user_id is None
    assert response.browser_key_hash is None and response.resume_token_hash is None
    assert response.submitted_at is None and response.started_at is None
    assert response.submitted_on == local_day(datetime.now(UTC))
    used = db.session.scalars(sa.select(InvitationCode)).one()
    assert used.used_at is not None and used.used_at.time() == time(0, 0)


def test_anonymised_open_survey_still_allows_one_response_per_browser(
    app: Flask, client: FlaskClient
) -> None:
    sink = kitchen_sink(anonymised=True)
    answer_all(client, sink)
    final_submit(client, sink)
    response = stored_responses()[0]
    assert response.browser_key_hash is None
    participation = db.session.scalars(sa.select(Participation)).one()
    assert participation.subject.startswith("browser:")
    assert "already taken part" in client.get(url(sink)).get_data(as_text=True)


def test_not_anonymised_survey_keeps_the_link_and_time(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.CODE)
    code = _code(sink.survey)
    answer_all_with_code(client, sink, code)
    final_submit(client, sink)
    response = stored_responses()[0]
    assert response.code_id is not None and response.submitted_at is not None


# --- account mode --------------------------------------------------------------------


def test_account_mode_asks_anonymous_visitors_to_sign_in(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.ACCOUNT)
    assert "Please sign in to take part" in client.get(url(sink)).get_data(as_text=True)
    response = client.post(url(sink, "start"), data={"csrf_token": any_token(client, sink)})
    assert response.headers["Location"].endswith(url(sink))
    assert stored_responses() == []


def test_account_mode_one_response_per_user(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.ACCOUNT)
    user = make_user("anna@example.org")
    login_as(client, user)
    answer_all(client, sink)
    final_submit(client, sink)
    other_browser = app.test_client()
    login_as(other_browser, user)
    response = start(other_browser, sink)
    assert response.headers["Location"].endswith(url(sink))
    page = other_browser.get(url(sink)).get_data(as_text=True)
    assert "already taken part" in page
    assert len(stored_responses()) == 1


def test_account_mode_continues_on_another_device(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.ACCOUNT)
    user = make_user("anna@example.org")
    login_as(client, user)
    start(client, sink)
    other_browser = app.test_client()
    login_as(other_browser, user)
    start(other_browser, sink)
    assert len(stored_responses()) == 1


def test_account_mode_needs_a_confirmed_address(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink(access_mode=AccessMode.ACCOUNT)
    login_as(client, make_user("new@example.org", verified=False))
    response = start(client, sink)
    assert response.headers["Location"].endswith(url(sink))
    assert stored_responses() == []


@pytest.mark.parametrize("duration", [BlockDuration.WEEK, BlockDuration.INDEFINITE])
def test_account_mode_refuses_blocked_participants(
    app: Flask, client: FlaskClient, duration: BlockDuration
) -> None:
    """A week's block marks only the participant, not the account; both are refused."""
    sink = kitchen_sink(access_mode=AccessMode.ACCOUNT)
    user = make_user("troll@example.org")
    participant = Participant(kind=ParticipantKind.ACCOUNT, user_id=user.id, pseudonym="T")
    db.session.add(participant)
    db.session.flush()
    block(participant, duration, "Beleidigungen")
    assert (user.blocked_at is not None) == (duration == BlockDuration.INDEFINITE)
    db.session.commit()
    login_as(client, user)
    response = start(client, sink)
    assert response.headers["Location"].endswith(url(sink))
    assert "blocked from contributing" in client.get(url(sink)).get_data(as_text=True)
    assert stored_responses() == []


# --- parallel submissions with one code (PostgreSQL) --------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(DB_KIND != "postgresql", reason="needs PostgreSQL row locks")
def test_parallel_submissions_with_one_code_accept_exactly_one(app: Flask) -> None:
    survey = make_survey("race", access_mode=AccessMode.CODE)
    code = InvitationCode(survey_id=survey.id, code=codes.new_code())
    db.session.add(code)
    db.session.commit()
    first, _ = start_response(survey, Respondent(code=code))
    # A second response with the same code, as if started in two browsers at once.
    second = Response(survey_id=survey.id, code_id=code.id, state=ResponseState.IN_PROGRESS)
    db.session.add(second)
    db.session.commit()
    ids = [first.id, second.id]
    updated = threading.Event()
    outcomes: dict[int, str] = {}

    def submit(response_id: int, leader: bool) -> None:
        with app.app_context():
            if not leader:
                updated.wait(5)
            try:
                accepted = submit_response(db.session.get(Response, response_id))
                if leader:
                    updated.set()
                    threading.Event().wait(0.5)  # hold the row lock while the other waits
                db.session.commit()
                outcomes[response_id] = "accepted" if accepted else "repeat"
            except SurveyRefusedError:
                db.session.rollback()
                outcomes[response_id] = "refused"
            finally:
                updated.set()
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(rid, i == 0)) for i, rid in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes.values()) == ["accepted", "refused"]
    states = [r.state for r in stored_responses()]
    assert states.count(ResponseState.SUBMITTED) == 1
    db.session.refresh(code)
    assert code.used_at is not None


def test_starting_without_a_code_is_not_rate_limited(app_config: dict[str, Any]) -> None:
    limited = create_app(app_config | {"RATELIMIT_ENABLED": True})
    client = limited.test_client()
    with limited.app_context():
        sink = kitchen_sink()
        statuses = [start(client, sink).status_code for _ in range(12)]
    assert statuses == [302] * 12
