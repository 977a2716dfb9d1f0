"""Registering, confirming the address, signing in and out, resetting a password."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from app.accounts.models import Role, User
from app.accounts.services import find_user_by_email
from app.extensions import db
from tests.conftest import submit
from tests.factories import PASSWORD, make_process, make_user

REGISTER = "/en/account/register"
LOGIN = "/en/account/login"


def _link(mail: Any) -> str:
    match = re.search(r"http://localhost(/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def _register(client: FlaskClient, **overrides: str) -> Any:
    data = {
        "email": "Neu@Example.org",
        "display_name": "Neue Bürgerin",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    } | overrides
    return submit(client, REGISTER, data)


def test_register_sends_confirmation_link_that_verifies_and_signs_in(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    response = _register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/account/check-mail")
    user = find_user_by_email("neu@example.org")
    assert user is not None and not user.is_verified
    assert len(outbox) == 1 and outbox[0].to == ["neu@example.org"]
    assert outbox[0].subject == "Please confirm your e-mail address"

    page = client.get(_link(outbox[0]), follow_redirects=True).get_data(as_text=True)
    assert "your e-mail address is confirmed" in page
    assert "Signed in as Neue Bürgerin" in page
    db.session.refresh(user)
    assert user.is_verified


def test_mail_is_written_in_the_language_of_registration(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    submit(
        client,
        "/de/account/register",
        {
            "email": "de@example.org",
            "display_name": "Anna",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    user = find_user_by_email("de@example.org")
    assert user is not None and user.locale == "de"
    assert "/de/account/verify/" in outbox[0].body


def test_register_with_bad_input_keeps_values_and_shows_errors(
    app: Flask, client: FlaskClient
) -> None:
    response = _register(client, email="not-an-address", password="short", password_confirm="x")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please enter a valid e-mail address." in page
    assert "at least 10 characters long" in page
    assert "The passwords do not match." in page
    assert 'value="not-an-address"' in page
    assert 'value="Neue Bürgerin"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_register_with_known_address_reveals_nothing_but_mails_the_owner(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    make_user("known@example.org")
    response = _register(client, email="known@example.org")
    assert response.headers["Location"].endswith("/en/account/check-mail")
    # The owner never chose a language, so the mail is in the default language.
    assert outbox[0].subject == "Sie haben bereits ein Konto"


def test_login_and_logout(app: Flask, client: FlaskClient) -> None:
    make_user("anna@example.org", "Anna")
    response = submit(client, LOGIN, {"email": "ANNA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/en/").get_data(as_text=True)
    assert "Signed in as Anna" in page
    response = submit(client, "/en/account/logout", {}, form_url="/en/")
    assert response.status_code == 302
    assert "Signed in as" not in client.get("/en/").get_data(as_text=True)


def test_wrong_password_keeps_email_and_says_why(app: Flask, client: FlaskClient) -> None:
    make_user("anna@example.org")
    response = submit(client, LOGIN, {"email": "anna@example.org", "password": "wrong password"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The e-mail address or the password is wrong." in page
    assert 'value="anna@example.org"' in page


def test_login_redirects_only_to_local_next(app: Flask, client: FlaskClient) -> None:
    make_user("anna@example.org")
    data = {"email": "anna@example.org", "password": PASSWORD}
    response = submit(client, LOGIN + "?next=https://evil.example/", data, form_url=LOGIN)
    assert response.headers["Location"] == "/en/"
    client.get("/en/")
    response = submit(client, LOGIN + "?next=/en/p/x/", data, form_url=LOGIN)
    assert response.headers["Location"] == "/en/p/x/"


def test_post_without_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    make_user("anna@example.org")
    response = client.post(LOGIN, data={"email": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "form session has expired" in response.get_data(as_text=True)


def test_password_reset_link_works_once(app: Flask, client: FlaskClient, outbox: list[Any]) -> None:
    make_user("anna@example.org", verified=False)
    submit(client, "/en/account/forgot-password", {"email": "anna@example.org"})
    link = _link(outbox[0])
    new_password = "a much better password"
    response = submit(client, link, {"password": new_password, "password_confirm": new_password})
    assert response.headers["Location"].endswith("/en/account/login")
    user = find_user_by_email("anna@example.org")
    assert user is not None and user.is_verified
    assert (
        submit(client, LOGIN, {"email": "anna@example.org", "password": new_password}).status_code
        == 302
    )
    again = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "has already been used" in again


def test_forgot_password_for_unknown_address_reveals_nothing(
    app: Flask, client: FlaskClient, outbox: list[Any]
) -> None:
    response = submit(client, "/en/account/forgot-password", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert outbox == []


def test_invalid_verification_link_is_explained(app: Flask, client: FlaskClient) -> None:
    page = client.get("/en/account/verify/garbage", follow_redirects=True).get_data(as_text=True)
    assert "invalid or has expired" in page


def test_cli_creates_admin_with_password_from_stdin(app: Flask, runner: Any) -> None:
    result = runner.invoke(
        args=["users", "create", "chef@example.org", "--role", "admin"],
        input="a long admin password\n",
    )
    assert result.exit_code == 0, result.output
    user = find_user_by_email("chef@example.org")
    assert user is not None and user.is_admin and user.is_verified


def test_cli_grants_process_role_and_needs_process(app: Flask, runner: Any) -> None:
    process = make_process("hf12")
    result = runner.invoke(args=["users", "create", "s@example.org", "--role", "staff"])
    assert result.exit_code != 0 and "--process is required" in result.output
    result = runner.invoke(
        args=["users", "create", "s@example.org", "--role", "staff", "--process", "hf12"],
        input="a long staff password\n",
    )
    assert result.exit_code == 0, result.output
    user = find_user_by_email("s@example.org")
    assert user is not None and user.has_role(process.id, Role.STAFF)


def test_cli_refuses_short_password(app: Flask, runner: Any) -> None:
    result = runner.invoke(
        args=["users", "create", "x@example.org", "--role", "admin"], input="short\n"
    )
    assert result.exit_code != 0
    assert find_user_by_email("x@example.org") is None


def test_repeated_failed_sign_ins_are_rate_limited(app_config: dict[str, Any]) -> None:
    from app import create_app

    limited = create_app(app_config | {"RATELIMIT_ENABLED": True})
    client = limited.test_client()
    with limited.app_context():
        make_user("anna@example.org")
        statuses = [
            submit(client, LOGIN, {"email": "anna@example.org", "password": "nope"}).status_code
            for _ in range(11)
        ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
