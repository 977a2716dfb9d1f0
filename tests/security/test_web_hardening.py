"""Client addresses behind proxies, keyed rate-limit keys, the limits, log hygiene."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.core import security
from app.extensions import db, limiter
from app.processes.models import ParticipationMode
from tests.conftest import csrf_token, submit
from tests.factories import PASSWORD, make_goal, make_process, make_user
from tests.surveys.conftest import answer_all, kitchen_sink, url

LOGIN = "/en/account/login"
ADDRESS = "203.0.113.77"  # TEST-NET-3: appears nowhere unless the app puts it there


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"RATELIMIT_ENABLED": True}


def _from(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _behind_proxy(client_address: str) -> dict[str, Any]:
    return {
        "environ_base": {"REMOTE_ADDR": "10.0.0.2"},
        "headers": {"X-Forwarded-For": client_address},
    }


def _failed_login(client: FlaskClient, email: str, **request: Any) -> int:
    token = csrf_token(client, LOGIN)
    data = {"csrf_token": token, "email": email, "password": "wrong password"}
    return int(client.post(LOGIN, data=data, **request).status_code)


# --- the client address behind a proxy -------------------------------------------------


def test_forwarded_addresses_are_ignored_without_trusted_proxies(client: FlaskClient) -> None:
    """Otherwise anybody could send a new X-Forwarded-For with each request."""
    codes = [
        _failed_login(client, f"p{n}@example.org", **_behind_proxy(f"198.51.100.{n}"))
        for n in range(11)
    ]
    assert codes == [200] * 10 + [429]


class TestOneTrustedProxy:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any]) -> dict[str, Any]:
        return app_config | {"TRUSTED_PROXIES": 1}

    def test_each_client_has_its_own_limit(self, client: FlaskClient) -> None:
        codes = [
            _failed_login(client, f"p{n}@example.org", **_behind_proxy("198.51.100.1"))
            for n in range(11)
        ]
        assert codes == [200] * 10 + [429]
        assert _failed_login(client, "other@example.org", **_behind_proxy("198.51.100.2")) == 200


# --- keys ------------------------------------------------------------------------------


def test_rate_limit_keys_are_keyed_hashes_of_the_address(app: Flask) -> None:
    with app.test_request_context(LOGIN, **_from(ADDRESS)):
        key = security.client_key()
    assert ADDRESS not in key and key.startswith("addr:") and len(key) == 5 + 32
    other = Flask("other")
    other.config["SECRET_KEY"] = "another secret"
    with other.test_request_context(LOGIN, **_from(ADDRESS)):
        assert security.client_key() != key  # without the secret, no lookup table helps


def test_stored_keys_name_no_address_and_all_expire(app: Flask, client: FlaskClient) -> None:
    _failed_login(client, "someone@example.org", **_from(ADDRESS))
    storage: Any = limiter.storage  # limits' MemoryStorage: key → count, key → expiry
    keys = list(storage.storage)
    assert keys and not [key for key in keys if ADDRESS in key]
    assert any(security.keyed_hash(ADDRESS) in key for key in keys)
    assert set(keys) <= set(storage.expirations)


# --- what is limited -------------------------------------------------------------------


def test_failed_sign_ins_to_one_account_are_limited_from_any_address(
    app: Flask, client: FlaskClient
) -> None:
    make_user("target@example.org")
    make_user("bystander@example.org")
    codes = [
        _failed_login(client, "Target@Example.org ", **_from(f"198.51.100.{n}")) for n in range(10)
    ]
    assert codes == [200] * 10
    right = {"email": "target@example.org", "password": PASSWORD}
    blocked = submit(client, LOGIN, right, **_from("198.51.100.200"))
    assert blocked.status_code == 429
    other = submit(
        client, LOGIN, right | {"email": "bystander@example.org"}, **_from("198.51.100.200")
    )
    assert other.status_code == 302


def test_successful_sign_ins_do_not_count_against_the_account(
    app: Flask, client: FlaskClient
) -> None:
    make_user("often@example.org")
    data = {"email": "often@example.org", "password": PASSWORD}
    codes = [submit(client, LOGIN, data, **_from(f"198.51.100.{n}")).status_code for n in range(12)]
    assert codes == [302] * 12


def test_mails_to_one_inbox_are_limited_from_any_address(app: Flask, client: FlaskClient) -> None:
    make_user("inbox@example.org")
    url_ = "/en/account/forgot-password"
    codes = [
        submit(client, url_, {"email": "inbox@example.org"}, **_from(f"198.51.100.{n}")).status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]


def test_survey_submissions_are_limited_per_address(app: Flask, client: FlaskClient) -> None:
    sink = kitchen_sink()
    token = csrf_token(client, url(sink, "resume"))
    codes = [
        client.post(url(sink, "submit"), data={"csrf_token": token}).status_code for _ in range(31)
    ]
    assert codes == [302] * 30 + [429]


# --- no address is stored or logged ----------------------------------------------------


def _everything_in_the_database() -> str:
    rows = []
    for table in db.metadata.sorted_tables:
        rows.extend(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
    return "\n".join(rows)


def test_no_client_address_reaches_the_database_or_the_logs(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    process = make_process(participation_mode=ParticipationMode.ANONYMOUS)
    make_goal(process, "1.1")
    sink = kitchen_sink()
    on_this_address = _from(ADDRESS)
    client.environ_base.update(on_this_address["environ_base"])
    submit(
        client,
        "/en/account/register",
        {
            "email": "neu@example.org",
            "display_name": "Neu",
            "password": "a long password 123",
            "password_confirm": "a long password 123",
        },
    )
    _failed_login(client, "neu@example.org")
    goal = "/en/p/hf12/goals/1.1"
    comment = {"body": "Mehr Bänke", "kind": "suggestion", "stakeholder_group": "citizen"}
    assert submit(client, goal, comment | {"pseudonym": "Anna"}).status_code == 302
    rating = {
        "q_direction": "4",
        "q_importance": "5",
        "q_ambition": "1",
        "rating_pseudonym": "Anna",
    }
    assert submit(client, f"{goal}/rate", rating, form_url=goal).status_code == 302
    answer_all(client, sink)
    assert (
        client.post(
            url(sink, "submit"), data={"csrf_token": csrf_token(client, url(sink, "review"))}
        ).status_code
        == 302
    )
    stored = _everything_in_the_database()
    assert "Mehr Bänke" in stored  # the dump does contain what was submitted
    assert ADDRESS not in stored
    assert ADDRESS not in caplog.text
    assert not [key for key in limiter.storage.storage if ADDRESS in key]  # type: ignore[attr-defined]


def test_the_development_server_logs_requests_without_the_address() -> None:
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        f'{ADDRESS} - - [02/Dec/2026 10:00:00] "%s" %s %s\n',
        ("GET / HTTP/1.1", "200", "-"),
        None,
    )
    assert security._hide_client_address(record)
    assert ADDRESS not in record.getMessage()
    assert record.getMessage().startswith('- - - [02/Dec/2026 10:00:00] "GET / HTTP/1.1" 200')
