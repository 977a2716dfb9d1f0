"""Hostile input never gets a 500: NUL characters, bytes that are not UTF-8, overlong
values and wrong types through every POST route, and hypothesis on the public forms
(comment, registration, the guests' link form) and the API's query parameters.

The field names sent are every ``name`` of every form the GET pages show (collected
from the running app as an admin, who sees them all), so a new form is covered
without editing this file.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.processes.models import ParticipationMode
from tests.authorization.world import World, build_world
from tests.conftest import csrf_token, login_as
from tests.factories import make_goal, make_process

NAME_RE = re.compile(r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"')
BAD_CHARACTERS = "characters this site does not accept"
SKIPPED_GETS = {"static", "core.vendor", "exports.download", "privacy.download"}


def _url(app: Flask, world: World, endpoint: str, rule: Any, method: str) -> str:
    values = {name: world.value(endpoint, name) for name in rule.arguments}
    return str(app.url_map.bind("localhost").build(endpoint, values, method=method))


def _routes(app: Flask, method: str) -> list[tuple[str, Any]]:
    return sorted(
        ((rule.endpoint, rule) for rule in app.url_map.iter_rules() if method in rule.methods),
        key=lambda pair: pair[0],
    )


@pytest.fixture
def admin_world(app: Flask, outbox: list[Any]) -> tuple[World, FlaskClient, set[str]]:
    world = build_world(app, outbox)
    client = app.test_client()
    login_as(client, world.users["admin"])
    names: set[str] = set()
    for endpoint, rule in _routes(app, "GET"):
        if endpoint in SKIPPED_GETS or endpoint.startswith("api"):
            continue
        page = client.get(_url(app, world, endpoint, rule, "GET"))
        if page.mimetype == "text/html":
            names |= set(NAME_RE.findall(page.get_data(as_text=True)))
    names.discard("csrf_token")
    return world, client, names


def _post_all(
    app: Flask, admin_world: tuple[World, FlaskClient, set[str]], body: Any
) -> dict[str, int]:
    world, client, names = admin_world
    token = csrf_token(client, "/en/barrierefreiheit")
    answers = {}
    for endpoint, rule in _routes(app, "POST"):
        url = _url(app, world, endpoint, rule, "POST")
        answers[endpoint] = client.post(
            url, data=body(names, token), content_type="application/x-www-form-urlencoded"
        ).status_code
    return answers


def test_nul_characters_get_a_400_everywhere(
    app: Flask, admin_world: tuple[World, FlaskClient, set[str]]
) -> None:
    def body(names: set[str], token: str) -> str:
        fields = "&".join(f"{quote(name)}=a%00b" for name in sorted(names))
        return f"csrf_token={token}&{fields}"

    answers = _post_all(app, admin_world, body)
    assert {e: s for e, s in answers.items() if s != 400} == {}


def test_bytes_that_are_not_utf8_get_a_400_with_a_clear_message(
    app: Flask, admin_world: tuple[World, FlaskClient, set[str]]
) -> None:
    def body(names: set[str], token: str) -> bytes:
        fields = "&".join(f"{quote(name)}=caf%E9%FF" for name in sorted(names))
        return f"csrf_token={token}&{fields}".encode()

    answers = _post_all(app, admin_world, body)
    assert {e: s for e, s in answers.items() if s != 400} == {}

    def raw(names: set[str], token: str) -> bytes:
        return f"csrf_token={token}&body=".encode() + b"caf\xe9"

    assert {e: s for e, s in _post_all(app, admin_world, raw).items() if s != 400} == {}
    _world, client, _names = admin_world
    page = client.get("/en/p/hf12/?q=%FF%FE")
    assert page.status_code == 400 and BAD_CHARACTERS in page.get_data(as_text=True)
    german = client.get("/de/surveys/?x=%00")
    assert german.status_code == 400
    assert "Zeichen" in german.get_data(as_text=True)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("x" * 12_000, id="overlong"),
        pytest.param("not-a-number", id="wrong-type"),
        pytest.param("-99999999999999999999", id="huge-number"),
        pytest.param("", id="empty"),
    ],
)
def test_overlong_values_and_wrong_types_never_give_a_500(
    app: Flask, admin_world: tuple[World, FlaskClient, set[str]], value: str
) -> None:
    def body(names: set[str], token: str) -> str:
        fields = "&".join(f"{quote(name)}={quote(value)}" for name in sorted(names))
        return f"csrf_token={token}&{fields}"

    answers = _post_all(app, admin_world, body)
    assert {e: s for e, s in answers.items() if s >= 500} == {}


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=300,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(["page", "per_page", "goal", "since", "q", "lang", "x"]), TEXT, max_size=4
    )
)
def test_the_api_answers_any_query_parameters_without_a_500(
    client: FlaskClient, params: dict[str, str]
) -> None:
    for path in ("/api/v1/processes", "/api/v1/surveys"):
        response = client.get(path, query_string=params)
        assert response.status_code < 500, (path, params)


FORM_TEXT = st.text(max_size=400)  # any Unicode, NUL and lone surrogates included


@pytest.fixture
def guest_goal(app: Flask) -> Any:
    """Once per test, not per example: a guest-mode process anyone may comment on."""
    return make_goal(make_process("fuzz", participation_mode=ParticipationMode.GUEST), "1", "Z")


def _post_form(client: FlaskClient, url: str, data: dict[str, str]) -> int:
    token = csrf_token(client, url)
    safe = {
        k: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for k, v in data.items()
    }
    return client.post(url, data={"csrf_token": token, **safe}).status_code


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=FORM_TEXT,
    pseudonym=FORM_TEXT,
    email=FORM_TEXT,
    kind=FORM_TEXT,
    group=FORM_TEXT,
)
def test_the_public_comment_form_never_gives_a_500(
    app: Flask, guest_goal: Any, body: str, pseudonym: str, email: str, kind: str, group: str
) -> None:
    data = {
        "body": body,
        "pseudonym": pseudonym,
        "email": email,
        "kind": kind,
        "stakeholder_group": group,
    }
    status = _post_form(app.test_client(), "/en/p/fuzz/goals/1", data)
    assert status < 500, data


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(email=FORM_TEXT, name=FORM_TEXT, password=FORM_TEXT, website=FORM_TEXT)
def test_registration_and_the_guest_link_form_never_give_a_500(
    client: FlaskClient, email: str, name: str, password: str, website: str
) -> None:
    data = {
        "email": email,
        "display_name": name,
        "password": password,
        "password_confirm": password,
        "website": website,
    }
    assert _post_form(client, "/en/account/register", data) < 500, data
    assert _post_form(client, "/en/my-data/guest", {"email": email, "website": website}) < 500
