"""Paper entry with invitation codes: checked as online, used up with the response."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.extensions import db
from app.processes.models import Process
from app.surveys import codes
from app.surveys.answering.gate import SurveyRefusedError
from app.surveys.answering.responses import new_idempotency_key
from app.surveys.cli import generate_codes
from app.surveys.lookups import find_code
from app.surveys.models import AccessMode, InvitationCode, ResponseChannel, Survey
from app.surveys.paper import services as paper
from app.surveys.paper.services import record_paper_response
from tests.conftest import DB_KIND, login_as
from tests.surveys.conftest import (
    Sink,
    answer_all_with_code,
    error_text,
    final_submit,
    kitchen_sink,
    page_one_data,
    page_three_data,
    page_two_data,
    stored_responses,
)

BATCH = "Box 1"


def _codes(sink: Sink, count: int = 1) -> list[str]:
    new = generate_codes(sink.survey, count, "letters")
    db.session.commit()
    return new


def _entry_url(sink: Sink, batch: str = BATCH) -> str:
    return f"/en/staff/surveys/{sink.survey.id}/paper/entry?batch={batch.replace(' ', '+')}"


def _form(client: FlaskClient, sink: Sink) -> tuple[str, dict[str, str]]:
    page = client.get(_entry_url(sink)).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    return page, hidden


def _valid(sink: Sink) -> dict[str, Any]:
    return page_one_data(sink) | page_two_data(sink) | page_three_data(sink)


def _enter(client: FlaskClient, sink: Sink, code: str, **extra: Any) -> Any:
    _page, hidden = _form(client, sink)
    return client.post(_entry_url(sink), data=hidden | _valid(sink) | {"code": code} | extra)


def _code_row(code: str) -> InvitationCode:
    db.session.expire_all()
    found = db.session.scalar(sa.select(InvitationCode).where(InvitationCode.code == code))
    assert found is not None
    return found


# --- the form --------------------------------------------------------------------------


def test_code_survey_form_starts_with_the_required_code_field(
    app: Flask, client: FlaskClient, code_sink: Sink, staff: User
) -> None:
    login_as(client, staff)
    page, _hidden = _form(client, code_sink)
    assert "Code on the questionnaire" in page
    assert page.index('name="code"') < page.index(f'name="{code_sink.name("single")}')
    assert page.count("autofocus") == 1  # the code: the first thing on the paper
    assert re.search(r'<input autofocus [^>]*id="code"[^>]*aria-required="true"', page)


def test_open_survey_without_codes_has_no_code_field(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    open_sink = kitchen_sink(process_id=process.id)
    login_as(client, staff)
    page, _hidden = _form(client, open_sink)
    assert 'name="code"' not in page
    assert page.count("autofocus") == 1


# --- saving ----------------------------------------------------------------------------


def test_a_valid_code_is_used_up_with_the_response(
    app: Flask, client: FlaskClient, code_sink: Sink, staff: User
) -> None:
    [code] = _codes(code_sink)
    login_as(client, staff)
    response = _enter(client, code_sink, codes.display(code).lower())
    assert response.status_code == 302
    [stored] = stored_responses()
    assert stored.channel == ResponseChannel.PAPER and stored.code_id == _code_row(code).id
    assert _code_row(code).used_at is not None
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "survey.paper_response")
    )
    assert event is not None and event.object_id == stored.id and event.actor_id == staff.id
    assert event.after == {"batch": BATCH, "with_code": True}
    assert code not in str(event.after)  # the audit trail does not name the code


def test_a_missing_code_is_asked_for_and_the_answers_stay(
    app: Flask, client: FlaskClient, code_sink: Sink, staff: User
) -> None:
    _codes(code_sink)
    login_as(client, staff)
    response = _enter(client, code_sink, "  ", **{code_sink.name("short"): "kept"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_text(page, "code") == "Please enter the code printed on the questionnaire."
    assert 'href="#code"' in page  # in the error summary
    assert 'value="kept"' in page
    assert stored_responses() == []


def test_an_unknown_code_is_refused_next_to_the_field(
    app: Flask, client: FlaskClient, code_sink: Sink, staff: User, process: Process
) -> None:
    other = kitchen_sink("other", process_id=process.id, access_mode=AccessMode.CODE)
    [foreign] = generate_codes(other.survey, 1)
    db.session.commit()
    login_as(client, staff)
    for typed in ("ZZZZZ-ZZZZZ", foreign):
        response = _enter(client, code_sink, typed, **{code_sink.name("short"): "kept"})
        page = response.get_data(as_text=True)
        assert "We do not know this code" in error_text(page, "code")
        assert f'value="{typed}"' in page and 'value="kept"' in page
        assert 'aria-invalid="true"' in page
    assert stored_responses() == []
    assert _code_row(foreign).used_at is None


def test_a_code_used_online_is_refused_and_nothing_is_saved(
    app: Flask, client: FlaskClient, code_sink: Sink, staff: User
) -> None:
    [code] = _codes(code_sink)
    citizen = app.test_client()
    answer_all_with_code(citizen, code_sink, code)
    final_submit(citizen, code_sink)
    login_as(client, staff)
    response = _enter(client, code_sink, code, **{code_sink.name("short"): "kept"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_text(page, "code") == (
        "This code has already been used online. The questionnaire was not saved."
    )
    assert 'value="kept"' in page
    assert [r.channel for r in stored_responses()] == [ResponseChannel.ONLINE]


def test_a_code_used_on_paper_is_refused_with_its_batch(
    app: Flask, client: FlaskClient, code_sink: Sink, staff: User
) -> None:
    [code] = _codes(code_sink)
    login_as(client, staff)
    assert _enter(client, code_sink, code).status_code == 302
    page = _enter(client, code_sink, code).get_data(as_text=True)  # a new form, the same code
    assert error_text(page, "code") == (
        "This code has already been used for a paper questionnaire (batch Box 1)."
        " The questionnaire was not saved."
    )
    assert len(stored_responses()) == 1


def test_anonymised_survey_says_used_without_knowing_where(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    anonymous = kitchen_sink(process_id=process.id, access_mode=AccessMode.CODE, anonymised=True)
    [code] = _codes(anonymous)
    login_as(client, staff)
    assert _enter(client, anonymous, code).status_code == 302
    assert stored_responses()[0].code_id is None  # the link is dropped, the code is used up
    page = _enter(client, anonymous, code).get_data(as_text=True)
    assert error_text(page, "code") == (
        "This code has already been used. The questionnaire was not saved."
    )
    assert len(stored_responses()) == 1


def test_a_double_submit_with_a_code_stores_one_response(
    app: Flask, client: FlaskClient, code_sink: Sink, staff: User
) -> None:
    [code] = _codes(code_sink)
    login_as(client, staff)
    _page, hidden = _form(client, code_sink)
    data = hidden | _valid(code_sink) | {"code": code}
    first = client.post(_entry_url(code_sink), data=data)
    second = client.post(_entry_url(code_sink), data=data)
    assert first.status_code == second.status_code == 302
    assert len(stored_responses()) == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "had already been saved" in page


def test_code_is_optional_when_codes_exist_for_an_open_survey(
    app: Flask, client: FlaskClient, process: Process, staff: User
) -> None:
    open_sink = kitchen_sink(process_id=process.id)
    [code] = _codes(open_sink)
    login_as(client, staff)
    page, _hidden = _form(client, open_sink)
    field = re.search(r'<input [^>]*id="code"[^>]*>', page)
    assert field is not None and "aria-required" not in field.group(0)
    assert re.search(r'for="code">Code on the questionnaire <span[^>]*>\u2013 optional', page)
    assert _enter(client, open_sink, "").status_code == 302
    assert _enter(client, open_sink, code).status_code == 302
    assert [r.code_id for r in stored_responses()] == [None, _code_row(code).id]
    page = _enter(client, open_sink, "ZZZZZ-ZZZZZ").get_data(as_text=True)
    assert "We do not know this code" in error_text(page, "code")


def test_asks_for_code_follows_the_access_mode_and_printed_codes(
    app: Flask, process: Process
) -> None:
    code_sink = kitchen_sink("code-sink", process_id=process.id, access_mode=AccessMode.CODE)
    open_sink = kitchen_sink("open-sink", process_id=process.id)
    assert paper.asks_for_code(code_sink.survey)
    assert not paper.asks_for_code(open_sink.survey)
    _codes(open_sink)
    assert paper.asks_for_code(open_sink.survey)


# --- two entries of one code at once (PostgreSQL) --------------------------------------


def _lock_waiters() -> int:
    """Backends of this database waiting for a row lock (from a fresh connection)."""
    with db.engine.connect() as conn:
        return int(
            conn.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            or 0
        )


def _hold_until_someone_waits(event: threading.Event) -> None:
    """Keep the transaction (and its row lock) open until another entry waits on it."""
    event.set()
    for _attempt in range(100):
        if _lock_waiters():
            return
        threading.Event().wait(0.05)


@pytest.mark.postgres
@pytest.mark.skipif(DB_KIND != "postgresql", reason="needs PostgreSQL row locks")
def test_two_paper_entries_with_one_code_at_once_accept_exactly_one(
    app: Flask, client: FlaskClient, code_sink: Sink, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    [code] = _codes(code_sink)
    survey_id, staff_id = code_sink.survey.id, staff.id
    answers: dict[int, Any] = {}  # paper does not enforce required questions
    login_as(client, staff)
    _page, hidden = _form(client, code_sink)
    data = hidden | _valid(code_sink) | {"code": code, code_sink.name("short"): "second"}
    locked = threading.Event()
    races: list[int] = []
    real_meanwhile = paper._code_taken_meanwhile
    monkeypatch.setattr(
        paper, "_code_taken_meanwhile", lambda cid: races.append(cid) or real_meanwhile(cid)
    )
    outcomes: dict[str, Any] = {}

    def first() -> None:  # an entry that has used the code and is about to commit
        with app.app_context():
            try:
                survey = db.session.get(Survey, survey_id)
                assert survey is not None
                found = find_code(survey, code)
                record_paper_response(
                    survey,
                    answers,
                    entered_by_id=staff_id,
                    idempotency_key=new_idempotency_key(),
                    batch_label="Box 2",
                    code=found,
                )
                _hold_until_someone_waits(locked)
                db.session.commit()
                outcomes["first"] = "accepted"
            except SurveyRefusedError:
                db.session.rollback()
                outcomes["first"] = "refused"
            finally:
                locked.set()
                db.session.remove()

    def second() -> None:  # the same code typed in by a colleague, through the form
        locked.wait(5)
        outcomes["second"] = client.post(_entry_url(code_sink), data=data)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert outcomes["first"] == "accepted"
    page = outcomes["second"].get_data(as_text=True)
    assert outcomes["second"].status_code == 200
    assert races, "the second entry did not get past the check before the first committed"
    assert error_text(page, "code") == (
        "This code has already been used for a paper questionnaire (batch Box 2)."
        " The questionnaire was not saved."
    )
    assert 'value="second"' in page  # the typed answers stay
    [stored] = stored_responses()
    assert stored.batch_label == "Box 2" and stored.code_id == _code_row(code).id
